"""The chart: a PNG that decodes, at a sane size, small enough for a Teams card with every skill shown."""

from __future__ import annotations

import io
import random
from datetime import datetime, timedelta

from bot.report_chart import chart_alt, render_png
from exercises.team_report import Answer, MemberActivity, build_report
from exercises.vocabulary import SKILLS

NOW = datetime.fromisoformat("2026-03-02T09:00:00+01:00")


def test_a_busy_team_with_every_skill_stays_small() -> None:
    from PIL import Image

    rng = random.Random(2)
    team = [MemberActivity(f"m{n}", tuple(
        Answer(f"d{k}", rng.choice(SKILLS), rng.randrange(4), NOW - timedelta(hours=rng.randrange(24 * 28)))
        for k in range(80)), rng.randrange(15)) for n in range(40)]
    report = build_report(team, NOW)
    png = render_png(report, "Team practice, channel C0456")
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG" and (image.width, image.height) == (800, 460)
    assert len(png) < 18_000  # base64 in a Teams card (about 28 KB a message) with room for the text
    assert all(f.mastery is not None for f in report.skills.values())
    assert chart_alt(report).startswith("Team mastery this week: Open questions")


def test_an_empty_team_still_draws() -> None:
    from PIL import Image

    png = render_png(build_report([], NOW), "Team practice, workspace T9")
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
