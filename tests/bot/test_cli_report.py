"""`oars report`: the JSON contract against a hand count, withheld figures for a team of two, the PNG."""

from __future__ import annotations

import asyncio
import io
import json
import os
import sys
from pathlib import Path

from bot.cli_report import run_report
from bot.store import Store
from tests.bot.sched_support import settings_for
from tests.bot.team_fixtures import NOW, seed_pair, seed_team

ROOT = Path(__file__).resolve().parents[2]


async def report(redis_socket: str, tmp_path: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = await run_report(settings_for(redis_socket, tmp_path, NOW), list(args), out, err)
    return code, out.getvalue(), err.getvalue()


async def test_json_matches_the_hand_count(store: Store, redis_socket: str, tmp_path: Path) -> None:
    await seed_team(store)
    code, out, err = await report(redis_socket, tmp_path, "--platform", "slack", "--workspace", "T1", "--json")
    assert code == 0, err
    body = json.loads(out)
    assert (body["platform"], body["workspace"], body["channel"]) == ("slack", "T1", None)
    assert (body["members"], body["members_active"], body["drills_answered"]) == (10, 9, 11)
    assert body["skills"]["open_questions"] == {"mastery": 0.667, "previous": 1.0}
    assert body["skills"]["simple_reflections"] == {"mastery": 0.778, "previous": 1.0}
    assert body["skills"]["summaries"] == {"mastery": None, "previous": None}
    assert set(body["skills"]) >= {"open_questions", "affirmations", "curiosity"}
    assert [(w["members_active"], w["drills_answered"]) for w in body["weeks"]] == [(4, 4), (2, None), (10, 13),
                                                                                    (9, 11)]
    assert body["streaks"] == {"0": None, "1-2": 6, "3-6": 3, "7-13": None, "14+": None}
    assert body["channel_drills"] == {"posted": 1, "answered_share": 0.3}
    assert body["tip_topics"] == ["roll_with_resistance"]
    assert body["roleplay"] == {"members": 3, "rq_ratio": 1.0, "pct_open": 58.3}
    withheld = body["withheld"]
    assert "skills.summaries.mastery" in withheld and "skills.summaries.previous" in withheld
    assert "weeks.2026-02-09.drills_answered" in withheld
    assert {"streaks.0", "streaks.7-13", "streaks.14+", "tip_topics"} <= set(withheld)
    assert not {"members", "members_active", "drills_answered", "skills.open_questions.mastery"} & set(withheld)
    assert "slipped" in body["focus"] and "open questions" in body["focus"].lower()
    assert body["period"] == {"start": "2026-02-23T09:00:00+01:00", "end": "2026-03-02T09:00:00+01:00"}


async def test_channel_report_counts_the_channel_team(store: Store, redis_socket: str, tmp_path: Path) -> None:
    await seed_team(store)
    code, out, err = await report(redis_socket, tmp_path, "--platform", "slack", "--workspace", "T1",
                                  "--channel", "C1", "--weeks", "2", "--json")
    assert code == 0, err
    body = json.loads(out)
    assert (body["channel"], body["members"], body["members_active"], body["drills_answered"]) == ("C1", 10, 9, 11)
    assert len(body["weeks"]) == 2
    assert body["channel_drills"] == {"posted": 1, "answered_share": 0.3}


async def test_team_of_two_is_all_withheld(store: Store, redis_socket: str, tmp_path: Path) -> None:
    await seed_pair(store)
    code, out, err = await report(redis_socket, tmp_path, "--platform", "slack", "--workspace", "T2", "--json")
    assert code == 0, err
    body = json.loads(out)
    assert (body["members"], body["members_active"], body["drills_answered"]) == (None, None, None)
    assert body["skills"]["open_questions"] == {"mastery": None, "previous": None}
    assert set(body["streaks"].values()) == {None}
    for name in ("members", "members_active", "drills_answered", "skills.open_questions.mastery",
                 "skills.simple_reflections.previous", "streaks.1-2"):
        assert name in body["withheld"]
    assert all(w["members_active"] is None and w["drills_answered"] is None for w in body["weeks"])
    assert body["roleplay"] is None
    assert "score" not in out and "U1" not in out


async def test_text_and_bad_usage(store: Store, redis_socket: str, tmp_path: Path) -> None:
    await seed_team(store)
    code, out, _ = await report(redis_socket, tmp_path, "--platform", "slack", "--workspace", "T1")
    assert code == 0
    assert "Members active: 9 of 10" in out and "Open questions: 67% (100%)" in out and "U01" not in out
    assert "*" not in out and "\n_" not in out
    assert (await report(redis_socket, tmp_path, "--platform", "irc", "--workspace", "T1"))[0] == 2
    assert (await report(redis_socket, tmp_path, "--platform", "slack"))[0] == 2
    code, _, err = await report(redis_socket, tmp_path, "--platform", "slack", "--workspace", "T1", "--weeks", "0")
    assert code == 2 and "--weeks" in err


async def test_empty_workspace_reports_nothing_personal(redis_socket: str, tmp_path: Path, store: Store) -> None:
    code, out, _ = await report(redis_socket, tmp_path, "--platform", "console", "--workspace", "local", "--json")
    assert code == 0
    body = json.loads(out)
    assert body["members_active"] is None and body["skills"]["curiosity"]["mastery"] is None


async def test_cli_writes_a_png_that_decodes(store: Store, redis_socket: str, tmp_path: Path) -> None:
    """The installed command end to end: `python -m bot.cli report … --png FILE --json`."""
    from PIL import Image

    await seed_team(store)
    png = tmp_path / "team.png"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OARS_", "REDIS_"))}
    url = redis_socket if "://" in redis_socket else f"unix://{redis_socket}"  # a socket, or a cluster's URL
    env.update(REDIS_URL=url, OARS_NOW=NOW.isoformat(), OARS_DATA_DIR=str(tmp_path),
               PYTHONPATH=str(ROOT))
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "report", "--platform", "slack", "--workspace", "T1", "--png", str(png),
        "--json", env=env, cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == 0, err.decode()
    assert json.loads(out)["members_active"] == 9
    with Image.open(png) as image:
        image.verify()
    with Image.open(png) as image:
        assert image.format == "PNG" and 600 <= image.width <= 1200 and 300 <= image.height <= 800
    assert 3_000 < png.stat().st_size < 20_000
