"""`oars catalogue check|stats`: lets drill authors validate their YAML before the bot loads it."""

from __future__ import annotations

import argparse
import contextlib
import json
from collections import Counter
from pathlib import Path
from typing import TextIO

from exercises.balance import leans
from exercises.catalogue import DATA_DIR, check_catalogue, load_catalogue_from
from exercises.roleplay.cases import CaseError, load_cases
from exercises.vocabulary import KINDS, SKILLS


def _counts(data_dir: Path) -> dict[str, object]:
    """Counts of the (already validated) catalogue, in vocabulary order so output is stable."""
    cat = load_catalogue_from(data_dir)
    by_skill = Counter(d.skill for d in cat.drills.values())
    by_kind = Counter(d.kind for d in cat.drills.values())
    return {
        "drills": len(cat.drills),
        "tips": len(cat.tips),
        "by_skill": {s: by_skill[s] for s in SKILLS if by_skill[s]},
        "by_kind": {k: by_kind[k] for k in KINDS if by_kind[k]},
    }


def run_catalogue(args: list[str], stdout: TextIO, stderr: TextIO) -> int:
    """Entry point called by bot/cli.py with the arguments after `catalogue`; returns the exit code."""
    parser = argparse.ArgumentParser(prog="oars catalogue", description="Check or count the drill catalogue.")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate every drill and tip file")
    stats = sub.add_parser("stats", help="count drills and tips")
    stats.add_argument("--json", action="store_true", help="print one JSON object")
    for p in (check, stats):
        p.add_argument("--dir", type=Path, default=DATA_DIR, help="catalogue folder (default: packaged data)")
    try:  # argparse prints usage and help itself and exits; keep that on our streams and return instead
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            ns = parser.parse_args(args)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    data_dir: Path = ns.dir
    if not data_dir.is_dir():
        print(f"oars catalogue: no such folder: {data_dir}", file=stderr)
        return 2
    problems: list[object] = list(check_catalogue(data_dir))
    cases = 0
    if (data_dir / "roleplay" / "cases").is_dir():  # role-play cases (issue #14) live beside the drills
        try:
            cases = len(load_cases(data_dir / "roleplay"))
        except (CaseError, OSError, ValueError) as error:
            problems.append(f"roleplay: {error}")
    if problems:
        for problem in problems:
            print(problem, file=stdout if ns.command == "check" else stderr)
        if ns.command == "stats":
            print(f"{len(problems)} problem(s); run `oars catalogue check`", file=stderr)
        return 1
    counts = _counts(data_dir)
    if ns.command == "stats" and ns.json:
        print(json.dumps(counts), file=stdout)
        return 0
    print(f"{counts['drills']} drills, {counts['tips']} tips", file=stdout)
    for title, table in (("by skill", counts["by_skill"]), ("by kind", counts["by_kind"])):
        print(f"{title}:", file=stdout)
        for name, n in table.items():  # type: ignore[attr-defined]
            print(f"  {name:<24} {n}", file=stdout)
    if cases:
        print(f"{cases} role-play cases", file=stdout)
    if ns.command == "check":
        for lean in leans(load_catalogue_from(data_dir).drills.values()):
            spread = "/".join(f"{share:.0%}" for share in lean.by_position)
            print(f"one-click {lean.kind}: right option at positions {spread}, longest {lean.longest:.0%}, "
                  f"shortest {lean.shortest:.0%} of {lean.items} (chance {lean.chance:.0%})", file=stdout)
        print("ok: no problems", file=stdout)
    return 0
