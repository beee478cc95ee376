"""Catalogue validation, loading, the real packaged content, and the `oars catalogue` CLI."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.cli_catalogue import run_catalogue
from exercises.catalogue import (
    DATA_DIR,
    DEFAULT_INSTRUCTIONS,
    CatalogueError,
    check_catalogue,
    load_catalogue,
    load_catalogue_from,
)
from exercises.grader import grade
from exercises.vocabulary import FREE_TEXT_KINDS, KINDS, SKILL_CODES, SKILLS

FIXTURES = Path(__file__).parent / "fixtures"
GOOD, BAD = FIXTURES / "good", FIXTURES / "bad"
HAVE_DRILLS = any((DATA_DIR / "drills").glob("*.yaml"))
needs_drills = pytest.mark.skipif(not HAVE_DRILLS, reason="no drill files in exercises/data/drills yet")


# --- validation -------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("file", "item", "fragment"),
    [
        ("drills/juggling.yaml", "-", "unknown skill 'juggling'"),
        ("drills/open_questions.yaml", "bad-kind", "unknown kind 'open_answer'"),
        ("drills/open_questions.yaml", "bad-no-answer", "missing model answer"),
        ("drills/open_questions.yaml", "bad-difficulty", "out of range"),
        ("drills/open_questions.yaml", "bad-two-correct", "exactly one correct option"),
        ("drills/open_questions.yaml", "bad-no-why", "has no why"),
        ("drills/open_questions.yaml", "bad-empty-prompt", "empty prompt"),
        ("drills/open_questions.yaml", "bad-types", "difficulty must be an integer"),
        ("drills/open_questions.yaml", "bad-types", "model_answers must be a list"),
        ("drills/open_questions.yaml", "dup-1", "duplicate id"),
        ("tips.yaml", "tip-long", "over 280"),
        ("tips.yaml", "tip-bad-skill", "unknown skill tag 'telepathy'"),
        ("tips.yaml", "tip-types", "skills must be a list"),
    ],
)
def test_check_catches_each_bad_item(file: str, item: str, fragment: str) -> None:
    problems = check_catalogue(BAD)
    assert any(p.file == file and p.item == item and fragment in p.message for p in problems), problems


def test_check_flags_only_the_bad_items() -> None:
    flagged = {p.item for p in check_catalogue(BAD)}
    assert flagged == {"-", "bad-kind", "bad-no-answer", "bad-difficulty", "bad-two-correct", "bad-no-why",
                       "bad-empty-prompt", "bad-types", "dup-1", "tip-long", "tip-bad-skill", "tip-types"}


def test_yaml_syntax_error_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "drills").mkdir()
    (tmp_path / "drills" / "summaries.yaml").write_text("skill: summaries\ndrills: [\n", encoding="utf-8")
    (problem,) = check_catalogue(tmp_path)
    assert problem.file == "drills/summaries.yaml" and "cannot read YAML" in problem.message


def test_file_name_must_match_skill(tmp_path: Path) -> None:
    (tmp_path / "drills").mkdir()
    text = (GOOD / "drills" / "open_questions.yaml").read_text(encoding="utf-8")
    (tmp_path / "drills" / "questions.yaml").write_text(text, encoding="utf-8")
    assert any("file name should be" in p.message for p in check_catalogue(tmp_path))


def test_loading_bad_folder_raises_with_every_problem() -> None:
    with pytest.raises(CatalogueError) as err:
        load_catalogue_from(BAD)
    assert "bad-no-why" in str(err.value) and len(err.value.problems) == len(check_catalogue(BAD))


def test_good_fixture_loads_with_defaults() -> None:
    cat = load_catalogue_from(GOOD)
    assert set(cat.drills) == {"fx-oq-1", "fx-oq-2"} and set(cat.tips) == {"fx-tip-1", "fx-tip-2"}
    free, pick = cat.drill("fx-oq-1"), cat.drill("fx-oq-2")
    assert free is not None and pick is not None and cat.drill("nope") is None
    assert free.skill == "open_questions" and free.instruction == DEFAULT_INSTRUCTIONS["open_question"]
    assert pick.instruction == "Choose one." and pick.one_click
    assert pick.model_answers == ("What makes you unsure?",)  # defaults to the correct option
    assert [o.correct for o in pick.options] == [True, False]


# --- CLI --------------------------------------------------------------------------------------------

def _run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_catalogue(list(args), out, err)
    return code, out.getvalue(), err.getvalue()


def test_cli_check_good_folder() -> None:
    code, out, _ = _run("check", "--dir", str(GOOD))
    assert code == 0
    assert "2 drills, 2 tips" in out and "open_questions" in out and "pick_response" in out


def test_cli_check_bad_folder_prints_one_line_per_problem() -> None:
    code, out, _ = _run("check", "--dir", str(BAD))
    lines = out.strip().splitlines()
    assert code == 1 and len(lines) == len(check_catalogue(BAD))
    assert "drills/open_questions.yaml: bad-no-why: option 2 has no why" in lines


def test_cli_stats_json_shape() -> None:
    code, out, _ = _run("stats", "--json", "--dir", str(GOOD))
    assert code == 0
    assert json.loads(out) == {"drills": 2, "tips": 2, "by_skill": {"open_questions": 2},
                               "by_kind": {"open_question": 1, "pick_response": 1}}


def test_cli_stats_on_bad_folder_fails() -> None:
    code, out, err = _run("stats", "--json", "--dir", str(BAD))
    assert code == 1 and out == "" and "problem" in err


def test_cli_usage_errors() -> None:
    assert _run("frobnicate")[0] == 2
    assert _run()[0] == 2
    code, _, err = _run("check", "--dir", "/no/such/folder")
    assert code == 2 and "no such folder" in err


# --- the real packaged catalogue --------------------------------------------------------------------

def test_packaged_tips_are_clean() -> None:
    problems = [p for p in check_catalogue(DATA_DIR) if p.file == "tips.yaml"]
    assert not problems


@needs_drills
def test_packaged_catalogue_loads_clean() -> None:
    assert check_catalogue(DATA_DIR) == []
    cat = load_catalogue()
    assert cat is load_catalogue()  # cached
    assert len(cat.tips) >= 90
    assert {s for t in cat.tips.values() for s in t.skills} == set(SKILLS)


@needs_drills
def test_packaged_catalogue_coverage() -> None:
    cat = load_catalogue()
    per_skill = {s: sum(d.skill == s for d in cat.drills.values()) for s in SKILLS}
    kinds = {d.kind for d in cat.drills.values()}
    assert len(cat.drills) >= 200
    assert all(n >= 10 for n in per_skill.values()), per_skill
    assert len(kinds) >= 10 and kinds <= set(KINDS)


@needs_drills
def test_every_model_answer_passes_the_grader() -> None:
    cat = load_catalogue()
    failures = [
        (d.id, answer, grade(d.kind, d.prompt, answer, d.model_answers).feedback)
        for d in cat.drills.values() if d.kind in FREE_TEXT_KINDS
        for answer in d.model_answers
        if grade(d.kind, d.prompt, answer, d.model_answers).verdict != "pass"
    ]
    import exercises.grader

    if failures and (exercises.grader.__doc__ or "").startswith("Interim"):
        # The stub grader knows neither "What's…" openers nor summaries ending in an invitation; this turns
        # strict by itself once the real grader replaces the stub.
        pytest.xfail(f"interim grader rejects {len(failures)} model answers, e.g. {failures[0][:2]}")
    assert not failures, f"{len(failures)} model answers fail their own drill: {failures[:10]}"


@needs_drills
def test_wrong_pick_response_options_do_not_code_as_the_skill() -> None:
    try:
        from exercises.coder import code  # type: ignore[attr-defined]
    except ImportError:
        pytest.skip("exercises.coder.code is not importable yet (the coder is being written separately)")
    cat = load_catalogue()
    bad = [
        (d.id, o.text, coded)
        for d in cat.drills.values() if d.kind == "pick_response" and d.skill in SKILL_CODES
        for o in d.options if not o.correct
        if (coded := code(o.text).code) in SKILL_CODES[d.skill]
    ]
    assert not bad, f"{len(bad)} wrong options code as their drill's skill: {bad[:10]}"
