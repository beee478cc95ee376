"""One-click drills can't be gamed: no position or length giveaways, per-member shuffles, blind guessing measured."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

from bot.cli_catalogue import run_catalogue
from exercises.balance import MIN_ITEMS, bias_problems, leans
from exercises.catalogue import check_catalogue, load_catalogue
from exercises.choice import arranged, option_order

MEMBERS = [f"slack:T1:U{n:03d}" for n in range(60)]
BLIND_LIMIT = 0.42  # chance is 1/3; a strategy that never reads must not do much better


def _biased_catalogue(folder: Path, right_first: bool, right_longest: bool) -> Path:
    (folder / "drills").mkdir(parents=True)
    items = []
    for n in range(MIN_ITEMS + 1):
        long, short = "You'd like things to be different, and it's hard to see how.", "Why?"
        right = long if right_longest else short
        wrong = short if right_longest else long
        opts = [(wrong, "false"), ("Do it.", "false")]
        opts.insert(0 if right_first else n % 3, (right, "true"))
        lines = "\n".join(f'      - {{text: "{t}{n}", correct: {c}, why: "Because."}}' for t, c in opts)
        items.append(f"  - id: fx-{n}\n    kind: pick_response\n    difficulty: 1\n    setting: HR\n"
                     f"    prompt: \"They say: 'It is hard.' Which reply?\"\n    options:\n{lines}")
    (folder / "drills" / "open_questions.yaml").write_text("skill: open_questions\ndrills:\n" + "\n".join(items))
    return folder


def test_packaged_catalogue_has_no_giveaways() -> None:
    assert not [p for p in check_catalogue() if "bias" in p.message]


def test_catalogue_check_fails_on_position_and_length_bias(tmp_path: Path) -> None:
    folder = _biased_catalogue(tmp_path / "a", right_first=True, right_longest=True)
    out, err = io.StringIO(), io.StringIO()
    assert run_catalogue(["check", "--dir", str(folder)], out, err) == 1
    assert "position bias: the right option is number 1 in 100%" in out.getvalue()
    assert "length bias: the right option is the longest in 100%" in out.getvalue()
    spread = _biased_catalogue(tmp_path / "b", right_first=False, right_longest=False)
    messages = [p.message for p in check_catalogue(spread)]
    assert any("shortest" in m for m in messages) and not any("position" in m for m in messages)


def test_small_kinds_are_not_judged() -> None:
    drills = list(load_catalogue().drills.values())
    few = [d for d in drills if d.kind == "pick_response"][: MIN_ITEMS - 1]
    assert bias_problems(few) == []


def test_each_member_sees_a_stable_shuffle_and_members_differ() -> None:
    drill = next(d for d in load_catalogue().drills.values() if d.kind == "pick_response")
    assert option_order(drill, MEMBERS[0]) == option_order(drill, MEMBERS[0])
    positions = Counter(next(i for i, o in enumerate(arranged(drill, m).options) if o.correct) for m in MEMBERS)
    assert len(positions) == 3 and max(positions.values()) < len(MEMBERS) * 0.6
    assert sorted(arranged(drill, MEMBERS[1]).options, key=lambda o: o.text) == sorted(drill.options,
                                                                                   key=lambda o: o.text)


def test_labels_keep_their_order() -> None:
    drill = next(d for d in load_catalogue().drills.values() if d.kind == "spot_change_talk")
    assert [o.text for o in arranged(drill, MEMBERS[5]).options] == ["Change talk", "Sustain talk", "Neither"]


def test_blind_guessing_does_no_better_than_chance() -> None:
    """Every member always typing "1", "2" or "3", or always taking the longest or shortest option."""
    drills = [d for d in load_catalogue().drills.values() if d.one_click]
    strategies = {
        "always 1": lambda opts: 0,
        "always 2": lambda opts: 1,
        "always 3": lambda opts: 2,
        "longest": lambda opts: max(range(len(opts)), key=lambda i: len(opts[i].text)),
        "shortest": lambda opts: min(range(len(opts)), key=lambda i: len(opts[i].text)),
    }
    rates = {}
    for name, pick in strategies.items():
        right = total = 0
        for member in MEMBERS:
            for drill in drills:
                options = arranged(drill, member).options
                right += options[pick(options)].correct
                total += 1
        rates[name] = right / total
    assert all(rate <= BLIND_LIMIT for rate in rates.values()), rates
    assert all(lean.longest <= 0.45 for lean in leans(drills)), leans(drills)
