"""Scripted members for role-play tests: the same lines whatever the case, as a trainee might say them."""

REFLECTIVE = (
    "You're wondering what this conversation is going to be about.",
    "It sounds like part of you is fed up with it, and part of you wants things to be easier.",
    "You're doing a lot more than people see.",
    "So the real worry is letting people down.",
    "You'd like to feel more on top of it again.",
    "You're not sure where to start, and you do want something to change.",
    "You've been carrying this on your own for a while.",
    "It feels like a relief to say it out loud.",
    "You know better than anyone what would fit your life.",
    "Something small feels more doable than a big overhaul.",
    "You're weighing it up carefully, because you want it to last.",
    "It matters to you to get this right for yourself.",
)
ARGUING = (
    "You need to stop making excuses.",
    "You should just sort it out.",
    "If you keep this up there will be serious consequences.",
    "That's not true, and you know it.",
    "You have to fix this now.",
    "Listen, you need to take this seriously.",
    "You're wrong about that.",
    "You should know better by now.",
    "Just do what you're told.",
    "You must change this.",
    "That's a terrible excuse.",
    "You have to stop this.",
)
CLOSED = (
    "Do you know why we're meeting?",
    "Is it every week?",
    "Have you tried anything?",
    "Did that work?",
    "Are you going to change it?",
    "Is that a yes?",
)
