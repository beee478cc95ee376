"""Tip search quality: situations typed the way a person would, each with the tip we hope to see."""

from __future__ import annotations

import random

import pytest

from exercises.catalogue import load_catalogue
from exercises.tipsearch import stem, tokens

# (what a user might type, the tip that should be in the top 3)
CASES: list[tuple[str, str]] = [
    ("client keeps saying yes but", "aa-yes-but"),
    ("they're angry at me", "em-angry"),
    ("young employee feels judged", "em-judged"),
    ("client says they're fine and doesn't want to talk", "rr-fine-no-talk"),
    ("my report just nods and agrees and then never does anything", "mx-yes-to-everything"),
    ("every idea I suggest gets shot down", "aa-yes-but"),
    ("I only get one word answers from my team", "oq-what-how"),
    ("I fire off three questions in a row", "oq-one-at-a-time"),
    ("asking why makes people defensive", "oq-why-defensive"),
    ("my check-ins feel like an interrogation", "oq-question-reflection-ratio"),
    ("first call with a new coaching client, how do I open", "oq-first-meeting"),
    ("I start pitching before I know what the prospect needs", "oq-sales-discovery"),
    ("my compliments sound hollow", "af-specific"),
    ("how do I recognise effort when the project flopped", "af-effort-when-failing"),
    ("I keep saying I'm proud of you", "af-you-not-i"),
    ("my reflections come out sounding like questions", "sr-statement-not-question"),
    ("I say 'it sounds like' in every sentence", "sr-drop-stems"),
    ("I just repeat their words back and it feels fake", "sr-parrot"),
    ("my mind goes blank and I don't know what to say next", "sr-when-stuck"),
    ("customer is furious their invoice is wrong again", "sr-customer-complaint"),
    ("she wants the promotion but is scared of managing her friends", "cr-double-sided"),
    ("he is completely overwhelmed and carrying everything", "cr-metaphor"),
    ("she says there's no way the new system will ever work", "cr-amplified"),
    ("meeting ran long and I need to change topic without cutting her off", "su-transition"),
    ("how should I wrap up a one-to-one", "su-end-meeting"),
    ("he goes off on tangents and I can't follow", "su-rambling"),
    ("team keeps repeating the same point in the meeting", "su-group"),
    ("I disagree with the policy decision they are upset about", "em-understand-not-agree"),
    ("I always jump straight to solutions", "em-no-fixing-first"),
    ("colleague told me her father died", "em-grief"),
    ("how do I show empathy over slack", "em-written"),
    ("he says he wants to be a great lead but skips his 1:1s", "dd-no-lecture"),
    ("she has no sense of urgency about her career", "dd-looking-forward"),
    ("customer barely uses the product and renewal is coming", "dd-customer-goals"),
    ("I keep trying to convince him and he digs in", "aa-righting-reflex"),
    ("I need to explain a new policy without lecturing", "aa-elicit-provide-elicit"),
    ("he won't accept the numbers", "aa-dont-debate-facts"),
    ("my teenage son won't listen about his grades", "aa-parent-teen"),
    ("the prospect is sceptical, they've been burned by vendors before", "rr-sceptical-prospect"),
    ("employee was forced to attend the training and resents it", "rr-sent-here"),
    ("it's turning into a tug of war", "rr-stop-fighting"),
    ("she says she's just bad at everything", "rr-reframe"),
    ("new role and he thinks he's a fraud", "se-strengths"),
    ("she has no idea where to start, the goal is huge", "se-small-step"),
    ("I end up doing the task for them", "se-not-rescue"),
    ("student says he is hopeless at maths", "se-student"),
    ("some rules are not negotiable, how do I respect autonomy", "au-honest-limits"),
    ("I need to bring up his absences", "au-permission"),
    ("my elderly mum doesn't want help at home", "au-older-adult"),
    ("he wants to quit smoking but I keep nagging", "au-health-choices"),
    ("what words show someone wants to change", "ct-listen-for"),
    ("she lists all the reasons it can't change", "ct-sustain-talk"),
    ("he said 'I will do it' — what now", "ct-commitment"),
    ("I rush into an action plan too quickly", "ct-dont-rush"),
    ("I think I already know their problem", "cu-beginner"),
    ("he keeps skipping stand-up and I don't get why", "cu-behaviour-makes-sense"),
    ("giving feedback on a junior's code review mistake", "cu-correct-vs-curious"),
    ("I get irritated and lose patience with her", "cu-pause-judgement"),
    ("the quiet guy never speaks up in meetings", "cu-quiet-person"),
    ("annual performance review conversation", "mx-feedback-conversation"),
    ("she's burnt out and running on empty", "mx-burnout"),
    ("client is threatening to cancel their subscription", "mx-churn-risk"),
    ("two people on my team are fighting", "mx-conflict-between-two"),
    ("patient isn't taking the medication", "mx-patient-adherence"),
]

# Written after the ranker was tuned on CASES and never tuned against (20/25 when first measured):
# kept apart so the suite shows how the ranker does on wording it has not seen.
HELD_OUT: list[tuple[str, str]] = [
    ("my direct report gets really defensive when I ask why the release slipped", "oq-why-defensive"),
    ("customer yelled at me on the phone", "em-angry"),
    ("the intern thinks I'm criticising her all the time", "em-judged"),
    ("he shrugs and says everything is ok, nothing to discuss", "rr-fine-no-talk"),
    ("how to praise without sounding like a teacher grading", "af-not-praise"),
    ("she can't decide whether to take the job abroad", "cr-double-sided"),
    ("how do I summarise a long messy call", "su-bouquet"),
    ("I want to share advice but it's unsolicited", "aa-ask-permission"),
    ("my boss sent him to coaching, he didn't want to come", "rr-sent-here"),
    ("she doubts she can pull off the presentation", "se-past-success"),
    ("how confident is he really about the plan", "se-confidence-scale"),
    ("I want him to own the decision", "au-their-choice"),
    ("she agrees to every suggestion, can she even say no", "au-no-is-ok"),
    ("how can I get them to argue for change themselves", "ct-evoke-why"),
    ("I want to hear more change talk once it starts", "ct-elaborate"),
    ("assuming things because of someone's background or age", "cu-no-assumptions"),
    ("first answer is always the polite safe one", "cu-what-else"),
    ("exhausted nurse working double shifts", "mx-burnout"),
    ("new starter on the team this week", "mx-new-hire"),
    ("what is OARS anyway", "mx-oars-balance"),
    ("how do I practise reflections", "mx-practice-small"),
    ("I tell everyone about when it happened to me", "em-not-me-too"),
    ("team member is crying in our meeting", "em-silence"),
    ("the conversation keeps getting heated about the reorg", "rr-shift-focus"),
    ("he says he can't change because of his schedule, lots of excuses", "ct-sustain-talk"),
]

TARGET = 0.85


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def test_cases_name_real_tips(catalogue) -> None:
    assert len(CASES) >= 45
    missing = {tip_id for _, tip_id in CASES + HELD_OUT} - set(catalogue.tips)
    assert not missing


def _top3_misses(catalogue, cases):
    found = [(q, want, [t.id for t in catalogue.find_tips(q, 3)]) for q, want in cases]
    return [m for m in found if m[1] not in m[2]]


def test_top3_accuracy(catalogue) -> None:
    cases = CASES + HELD_OUT
    misses = _top3_misses(catalogue, cases)
    accuracy = 1 - len(misses) / len(cases)
    assert accuracy >= TARGET, f"top-3 accuracy {accuracy:.0%}; misses: {misses}"


def test_held_out_accuracy_does_not_regress(catalogue) -> None:
    misses = _top3_misses(catalogue, HELD_OUT)
    assert 1 - len(misses) / len(HELD_OUT) >= 0.75, misses


def test_find_tips_respects_k(catalogue) -> None:
    assert len(catalogue.find_tips("angry client", k=5)) == 5
    assert catalogue.find_tips("angry client", k=0) == []
    # Nothing in common still gives something to show.
    assert len(catalogue.find_tips("zzzz qqqq", k=2)) == 2


def test_random_tip_never_repeats(catalogue) -> None:
    rng = random.Random(7)
    last = None
    for _ in range(300):
        tip = catalogue.random_tip(rng, exclude=last)
        assert tip.id != last
        last = tip.id


def test_random_tip_is_deterministic(catalogue) -> None:
    a = [catalogue.random_tip(random.Random(3)).id for _ in range(3)]
    b = [catalogue.random_tip(random.Random(3)).id for _ in range(3)]
    assert a == b


def test_normalisation_folds_near_words() -> None:
    assert stem("reflections") == stem("reflection")
    assert tokens("They're furious") == tokens("they are angry")
    assert "yesbut" in tokens("Yeah, but I tried that")
