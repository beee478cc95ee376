"""The authored cases: enough of them, across every setting, each complete, and authoring slips caught."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot.cli_catalogue import run_catalogue
from exercises.catalogue import DATA_DIR
from exercises.roleplay.cases import SETTINGS, CaseError, cases, find_cases, load_cases


def test_at_least_24_cases_across_every_setting() -> None:
    every = cases()
    assert len(every) >= 24
    per_setting = Counter(c.setting for c in every.values())
    assert set(per_setting) == set(SETTINGS) and min(per_setting.values()) >= 3


def test_each_case_has_both_sides_values_and_hidden_facts() -> None:
    for case in cases().values():
        assert case.for_change and case.against_change and case.values
        assert len(case.facts) >= 3 and any(f.talk == "change" for f in case.facts)
        assert len(case.change) >= 5 and len(case.sustain) >= 5 and len(case.discord) >= 3
        assert case.client in case.persona


def test_find_cases_by_id_setting_skill_and_word() -> None:
    assert [c.id for c in find_cases("inhaler") or []] == ["inhaler"]
    assert {c.setting for c in find_cases("health") or []} == {"health"}
    assert {c.setting for c in find_cases("Customer success") or []} == {"customer success"}
    assert all("roll_with_resistance" in c.skills for c in find_cases("resistance") or [])
    assert find_cases("") is not None and len(find_cases("") or []) == len(cases())
    assert find_cases("quantum juggling") is None


def _write(tmp_path: Path, case: dict[str, object]) -> Path:
    root = tmp_path / "roleplay"
    (root / "cases").mkdir(parents=True)
    (root / "cases" / "x.yaml").write_text(yaml.safe_dump({"cases": [case]}), encoding="utf-8")
    return root


def _good() -> dict[str, object]:
    raw = yaml.safe_load((DATA_DIR / "roleplay" / "cases" / "health.yaml").read_text(encoding="utf-8"))
    return dict(raw["cases"][0])


@pytest.mark.parametrize("change", [
    {"setting": "space"}, {"skills": ["juggling"]}, {"change": ["only one"]},
    {"facts": [{"text": "a", "talk": "maybe"}] * 3}, {"better": {"reflection": "x"}},
    {"start": {"engagement": 9, "discord": 0, "readiness": 0}}, {"surprise": 1},
])
def test_authoring_slips_are_named(tmp_path: Path, change: dict[str, object]) -> None:
    root = _write(tmp_path, {**_good(), **change})
    with pytest.raises(CaseError) as info:
        load_cases(root)
    assert "x.yaml" in str(info.value) and "cases[0]" in str(info.value)


def test_duplicate_line_is_caught(tmp_path: Path) -> None:
    good = _good()
    good["sustain"] = [*good["sustain"], good["change"][0]]  # type: ignore[index]
    with pytest.raises(CaseError, match="twice"):
        load_cases(_write(tmp_path, good))


def test_catalogue_check_validates_cases() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert run_catalogue(["check"], out, err) == 0
    assert "role-play cases" in out.getvalue()
