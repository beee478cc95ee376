"""Feedback for the problem the learned grader names, quoting the member's own words.

Each line says what the reply does and the one change that matters, in a trainer's voice: specific, kind,
never a lecture. The texts are original; the problem names are the grader model's fixed set.
"""

from __future__ import annotations

import re

_SKILL_ASK = {
    "open_question": "an open question on the same topic",
    "reflection": "a reflection: a statement that gives back what they said",
    "complex_reflection": "a complex reflection: a statement that goes a step beyond their words",
    "affirmation": "an affirmation of something specific about them",
    "roll_with_resistance": "a response that rolls with the push-back instead of meeting it",
    "develop_discrepancy": "a response that sets their value and their behaviour side by side",
    "emphasize_autonomy": "a response that leaves the decision with them",
    "summary": "a summary that gathers what they said, change talk included",
}

_TEXTS: dict[str, str] = {
    "closed": "{q} can be answered with a yes, a no or one word, so it's still closed. Open with 'What', 'How' or "
              "'Tell me about' so they answer in their own words.",
    "not_a_question": "This drill asks for a question, and {q} is a statement. Turn it into an open question that "
                      "starts with 'What' or 'How'.",
    "question_not_statement": "{q} asks rather than reflects. Say it as a statement, with your voice going down at "
                              "the end: a reflection invites them to keep talking without having to answer.",
    "advice": "{q} reaches for a solution for them (the righting reflex). Hold the advice for now: reflect what "
              "they said, or ask before offering ideas.",
    "warning": "{q} warns them about consequences, which usually makes people defend where they are. Show that "
               "you understand their side first.",
    "argue_or_correct": "{q} argues the other side or corrects them, and people tend to argue back. Give back "
                        "their view and the feeling under it instead of defending the facts.",
    "judge_or_label": "{q} judges or labels them. Describe what they said or did, not who they are.",
    "sarcasm": "{q} is likely to land as sarcastic or dismissive, even if you didn't mean it that way. Say "
               "plainly what you heard.",
    "reassure_or_minimise": "{q} reassures them or plays it down, which can tell them the worry doesn't count. "
                            "Stay with what they feel for a moment.",
    "self_focus": "{q} moves the spotlight onto you. Keep it on their experience.",
    "generic": "{q} could be said to anyone, so it doesn't show that you listened. Tie it to something specific "
               "they said or did.",
    "parrot": "{q} repeats their words almost exactly. Use your own words and add what lies underneath: the "
              "feeling, the meaning or what matters to them.",
    "wrong_feeling": "The feeling in {q} doesn't fit what they told you, so they may feel misread. Name what "
                     "they most likely feel, given their words.",
    "off_content": "{q} is about something they didn't say. Go back to their words: what were they telling you?",
    "undercut_autonomy": "{q} hands them the choice and then takes it back. Drop the 'but' or the "
                         "recommendation, so the choice is really theirs.",
    "one_sided_summary": "The summary leaves out what they said about wanting things to change. Gather their own "
                         "reasons for change too, then invite them to add or correct.",
    "gibberish": "I couldn't find a reply to grade in {q}. Have another go in a sentence or two.",
}

# What turns a fair 2/3 into a 3/3, per kind.
NEXT_STEP: dict[str, str] = {
    "open_question": "To make it 3/3: keep it short and curious, one question that invites a story.",
    "reflection": "To make it 3/3: add the feeling or the meaning under their words, in your own words.",
    "complex_reflection": "To make it 3/3: name what lies underneath (a feeling, a value, both sides) in fewer "
                          "words.",
    "affirmation": "To make it 3/3: name the strength or value their action shows, in a 'you' sentence.",
    "roll_with_resistance": "To make it 3/3: reflect the feeling under the push-back, or hand them the choice.",
    "develop_discrepancy": "To make it 3/3: use their own words for both the value and the behaviour, neutrally.",
    "emphasize_autonomy": "To make it 3/3: tie the choice to their situation, so it can't be read as a stock "
                          "phrase.",
    "summary": "To make it 3/3: give their reasons for change the last word, then invite them to add or correct.",
}

PRAISE: dict[str, str] = {
    "open_question": "That's an open question on their topic: they can only answer it in their own words.",
    "reflection": "That gives back what they said without judging it, and invites them to keep going.",
    "complex_reflection": "That goes beyond their words to what lies underneath, which helps them feel understood.",
    "affirmation": "That affirms something real about them, in a way they can take in.",
    "roll_with_resistance": "That meets the push-back without arguing, which keeps the conversation open.",
    "develop_discrepancy": "That sets what matters to them beside what they do, and lets them draw the conclusion.",
    "emphasize_autonomy": "That leaves the decision with them, sincerely.",
    "summary": "That draws their points together and gives their reasons for change a place.",
}


def quote(reply: str, limit: int = 60) -> str:
    """The member's words as a short quote: the first sentence (with the next ones while it has under three
    words), cut at a word boundary."""
    text = " ".join(reply.split())
    sentences = re.split(r"(?<=[.!?])\s", text)
    first = sentences[0]
    for more in sentences[1:]:  # 'Pause. You sound exhausted.': a one-word sentence says too little to quote
        if len(first.split()) >= 3:
            break
        first = f"{first} {more}"
    if len(first) > limit:
        cut = first[:limit].rsplit(" ", 1)[0].rstrip(",;:")
        first = cut + "…"
    return f"'{first}'"


def near_miss(kind: str) -> str:
    """A revise the problem head cannot pin on any one problem: say it is close and give the next step,
    rather than accuse the reply of a problem the model barely believes in."""
    step = NEXT_STEP[kind].removeprefix("To make it 3/3: ")
    return f"Close, but it doesn't quite land yet. Next try: {step}"


def problem_feedback(problem: str, kind: str, reply: str) -> str:
    """One feedback line for the named problem (not_the_skill names what the drill asks for)."""
    if problem == "not_the_skill" or problem not in _TEXTS:
        ask = _SKILL_ASK.get(kind, "the move this drill names")
        return f"This drill asks for {ask}; {quote(reply)} does something else. Have another go at that move."
    text = _TEXTS[problem].format(q=quote(reply))
    return text[0].upper() + text[1:]
