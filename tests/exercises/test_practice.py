"""Adaptive practice rules: weakest and most due skill first, 30-day no-repeat, filters, determinism."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import UTC, datetime, timedelta

from fsrs import Rating
from hypothesis import given, settings
from hypothesis import strategies as st

from exercises.catalogue import Catalogue
from exercises.model import Drill, Verdict
from exercises.practice import SkillState, choose_drill, rating_for, target_difficulty, update_skill

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
SKILLS3 = ("open_questions", "affirmations", "summaries")
KIND = {"open_questions": "open_question", "affirmations": "affirmation", "summaries": "summary"}
PASS3 = Verdict("pass", 3, (), "", ())
PASS2 = Verdict("pass", 2, (), "", ())
REVISE = Verdict("revise", 1, (), "", ())


def _catalogue(per_skill: int = 6) -> Catalogue:
    drills = [
        Drill(f"{s[:2]}-{n}", s, KIND[s], 1 + n % 3, "coaching", f"prompt {n}", ("answer",))
        for s in SKILLS3 for n in range(per_skill)
    ]
    drills.append(Drill("oq-pick", "open_questions", "pick_response", 1, "HR", "which?", ("a",)))
    return Catalogue({d.id: d for d in drills}, {})


def _history(*verdicts: Verdict, start: datetime = NOW - timedelta(days=3)) -> SkillState:
    state = None
    for n, v in enumerate(verdicts):
        state = update_skill(state, v, start + timedelta(hours=n))
    assert state is not None
    return state


# --- skill state --------------------------------------------------------------------------------------

def test_state_round_trips_through_json() -> None:
    state = _history(PASS2, REVISE, PASS3)
    raw = state.to_json()
    assert json.loads(raw)["attempts"] == 3
    again = SkillState.from_json(raw)
    assert again == state and again.card == state.card


def test_interim_state_json_still_loads() -> None:
    old = SkillState.from_json('{"attempts": 4, "passes": 4, "last": "2025-01-01T00:00:00"}')
    assert old.attempts == 4 and 0.5 < old.mastery < 1 and old.card is None


def test_mastery_grows_with_passes_and_drops_after_revise() -> None:
    assert SkillState().mastery == 0.0
    masteries = [_history(*[PASS3] * n).mastery for n in range(1, 6)]
    assert masteries == sorted(masteries) and 0 < masteries[0] < masteries[-1] <= 1
    assert _history(PASS3, PASS3, REVISE).mastery < _history(PASS3, PASS3).mastery


def test_ratings_map_verdict_and_score() -> None:
    assert rating_for(REVISE) == Rating.Again
    assert rating_for(Verdict("pass", 1, (), "", ())) == Rating.Hard
    assert rating_for(PASS2) == Rating.Good
    assert rating_for(PASS3) == Rating.Easy


def test_passing_pushes_the_skill_further_out_than_revising() -> None:
    passed, revised = update_skill(None, PASS3, NOW), update_skill(None, REVISE, NOW)
    assert passed.card and revised.card
    assert passed.card["due"] > revised.card["due"]
    assert passed.due(NOW + timedelta(hours=1)) < 0.5
    assert revised.due(NOW + timedelta(days=2)) == 1.0


def test_naive_datetimes_are_treated_as_utc() -> None:
    state = update_skill(None, PASS2, NOW.replace(tzinfo=None))
    assert state.last == NOW.isoformat()


def test_target_difficulty_rises_with_mastery() -> None:
    assert [target_difficulty(m) for m in (0.0, 0.5, 0.9)] == [1, 2, 3]


# --- choosing the next drill --------------------------------------------------------------------------

def _skills_chosen(skills: dict[str, SkillState], runs: int = 200, **kw: object) -> Counter[str]:
    cat = _catalogue()
    picks = Counter[str]()
    for seed in range(runs):
        drill = choose_drill(cat, skills, {}, NOW, random.Random(seed), **kw)  # type: ignore[arg-type]
        assert drill is not None
        picks[drill.skill] += 1
    return picks


def test_weakest_skill_is_favoured() -> None:
    strong = _history(PASS3, PASS3, PASS3, PASS3, PASS3, PASS3, start=NOW - timedelta(hours=8))
    weak = _history(REVISE, PASS2, REVISE, start=NOW - timedelta(hours=8))
    picks = _skills_chosen({"open_questions": strong, "affirmations": weak, "summaries": strong})
    assert picks["affirmations"] >= 180, picks


def test_due_skill_is_favoured_when_mastery_is_equal() -> None:
    fresh = _history(PASS3, PASS3, PASS3, start=NOW - timedelta(hours=3))
    overdue = _history(PASS3, PASS3, PASS3, start=NOW - timedelta(days=200))
    assert abs(fresh.mastery - overdue.mastery) < 1e-9
    picks = _skills_chosen({"open_questions": fresh, "affirmations": fresh, "summaries": overdue})
    assert picks["summaries"] >= 180, picks


def test_never_practised_skills_come_first() -> None:
    good = _history(PASS3, PASS3, PASS3, PASS3, start=NOW - timedelta(hours=5))
    picks = _skills_chosen({"open_questions": good, "affirmations": good})
    assert picks["summaries"] >= 180, picks


def test_difficulty_follows_mastery() -> None:
    cat = _catalogue()
    master = _history(*[PASS3] * 10, start=NOW - timedelta(hours=12))
    hard = [choose_drill(cat, {}, {}, NOW, random.Random(s), skill="summaries") for s in range(100)]
    easy_share = sum(d is not None and d.difficulty == 1 for d in hard) / 100
    top = [choose_drill(cat, {"summaries": master}, {}, NOW, random.Random(s), skill="summaries")
           for s in range(100)]
    top_share = sum(d is not None and d.difficulty == 3 for d in top) / 100
    assert easy_share > 0.6 and top_share > 0.6


def test_no_repeat_within_30_days_while_others_remain() -> None:
    cat = _catalogue()
    ids = sorted(d.id for d in cat.drills.values() if d.skill == "summaries")
    seen = {i: NOW - timedelta(days=29) for i in ids[:-1]}
    for seed in range(50):
        drill = choose_drill(cat, {}, seen, NOW, random.Random(seed), skill="summaries")
        assert drill is not None and drill.id == ids[-1]


def test_items_older_than_30_days_are_eligible_again() -> None:
    cat = _catalogue()
    ids = sorted(d.id for d in cat.drills.values() if d.skill == "summaries")
    seen = {i: NOW - timedelta(days=31) for i in ids}
    assert choose_drill(cat, {}, seen, NOW, random.Random(1), skill="summaries") is not None


def test_when_everything_was_seen_the_oldest_comes_back() -> None:
    cat = _catalogue()
    ids = sorted(d.id for d in cat.drills.values() if d.skill == "summaries")
    seen = {i: NOW - timedelta(days=n) for n, i in enumerate(ids)}
    drill = choose_drill(cat, {}, seen, NOW, random.Random(0), skill="summaries")
    assert drill is not None and drill.id == ids[-1]


def test_a_session_never_repeats_while_fresh_drills_remain() -> None:
    cat = _catalogue()
    rng, seen, skills = random.Random(11), {}, {}
    for n in range(len(cat.drills)):
        now = NOW + timedelta(hours=n)
        drill = choose_drill(cat, skills, seen, now, rng)
        assert drill is not None and drill.id not in seen
        seen[drill.id] = now
        skills[drill.skill] = update_skill(skills.get(drill.skill), PASS2 if n % 3 else REVISE, now)


def test_skill_and_kind_filters_are_honoured() -> None:
    cat = _catalogue()
    for seed in range(30):
        rng = random.Random(seed)
        assert choose_drill(cat, {}, {}, NOW, rng, skill="affirmations").skill == "affirmations"  # type: ignore[union-attr]
        pick = choose_drill(cat, {}, {}, NOW, rng, kind="pick_response")
        assert pick is not None and pick.id == "oq-pick"
    assert choose_drill(cat, {}, {}, NOW, random.Random(0), skill="curiosity") is None
    assert choose_drill(cat, {}, {}, NOW, random.Random(0), skill="summaries", kind="pick_response") is None


def test_focus_is_honoured_and_a_skill_request_overrides_it() -> None:
    weak = _history(REVISE, REVISE)
    skills = {"open_questions": weak}
    assert set(_skills_chosen(skills, focus=["summaries", "affirmations"])) <= {"summaries", "affirmations"}
    cat = _catalogue()
    drill = choose_drill(cat, {}, {}, NOW, random.Random(0), skill="open_questions", focus=["summaries"])
    assert drill is not None and drill.skill == "open_questions"
    unknown = choose_drill(cat, {}, {}, NOW, random.Random(0), focus=["curiosity"])
    assert unknown is not None  # a focus with no drills falls back to everything


def test_choice_is_deterministic_for_a_seed() -> None:
    cat = _catalogue()
    skills = {"open_questions": _history(PASS2, REVISE)}
    first = [choose_drill(cat, skills, {}, NOW, random.Random(5)) for _ in range(3)]
    again = [choose_drill(cat, skills, {}, NOW, random.Random(5)) for _ in range(3)]
    assert first == again
    rng_a, rng_b = random.Random(9), random.Random(9)
    assert [choose_drill(cat, {}, {}, NOW, rng_a) for _ in range(10)] == [
        choose_drill(cat, {}, {}, NOW, rng_b) for _ in range(10)]


@settings(max_examples=60, deadline=None)
@given(ages=st.dictionaries(st.sampled_from(sorted(_catalogue().drills)), st.integers(0, 60)),
       seed=st.integers(0, 10_000))
def test_recent_items_never_win_over_fresh_ones(ages: dict[str, int], seed: int) -> None:
    cat = _catalogue()
    seen = {i: NOW - timedelta(days=d) for i, d in ages.items()}
    recent = {i for i, d in ages.items() if d < 30}
    drill = choose_drill(cat, {}, seen, NOW, random.Random(seed))
    assert drill is not None
    if len(recent) < len(cat.drills):
        assert drill.id not in recent
