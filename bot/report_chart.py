"""The report as a picture: skill mastery bars (this week vs last) and a participation sparkline, as PNG bytes.

matplotlib is imported only when a chart is made (it costs ~0.3 s and ~30 MB), always with the Agg backend and
a private Figure (no pyplot state), so charts can render in worker threads. Callers on the event loop use
`render_async`. The PNG is reduced to a small palette so it fits a Teams card (about 28 KB per message).
"""

from __future__ import annotations

import asyncio
import io
import textwrap
from typing import Any

from exercises.team_report import TeamReport
from exercises.vocabulary import SKILL_TITLES

WIDTH, HEIGHT, DPI = 8.0, 4.6, 100
THIS_WEEK, LAST_WEEK, INK, MUTED = "#2b7a78", "#b8d8d6", "#1f2933", "#7b8794"


def chart_alt(report: TeamReport) -> str:
    """A text alternative for screen readers and clients that don't show images."""
    rated = [(s, f.mastery) for s, f in report.skills.items() if f.mastery is not None]
    parts = [f"{SKILL_TITLES.get(s, s)} {m:.0%}" for s, m in rated]
    active = [w.members_active for w in report.weeks]
    trend = ", ".join("–" if a is None else str(a) for a in active)
    skills = "; ".join(parts) if parts else "no skill had three or more people practising"
    return f"Team mastery this week: {skills}. Members active per week, oldest first: {trend}."


def render_png(report: TeamReport, title: str) -> bytes:
    """The chart as PNG bytes (about 800x460 pixels)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI, facecolor="white")
    FigureCanvasAgg(figure)
    grid = figure.add_gridspec(1, 2, width_ratios=(2.3, 1), wspace=0.35, left=0.32, right=0.97, top=0.84,
                               bottom=0.18)
    bars, spark = figure.add_subplot(grid[0, 0]), figure.add_subplot(grid[0, 1])
    figure.suptitle(title, x=0.02, ha="left", fontsize=13, color=INK, fontweight="bold")
    _skill_bars(bars, report)
    _sparkline(spark, report)
    focus = textwrap.fill(textwrap.shorten(report.focus.replace("`", ""), 240, placeholder="…"), 125)
    figure.text(0.02, 0.015, focus, fontsize=8.5, color=INK, ha="left", va="bottom", linespacing=1.3)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return _small(buffer.getvalue())


def _skill_bars(ax: Any, report: TeamReport) -> None:
    rows = [(s, f) for s, f in report.skills.items() if f.mastery is not None or f.previous is not None]
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if not rows:
        ax.text(0.5, 0.5, "Too few people per skill to show\n(each figure needs 3 or more)",
                ha="center", va="center", color=MUTED, fontsize=10, transform=ax.transAxes)
        ax.set(xticks=[], yticks=[])
        return
    rows.reverse()
    positions = range(len(rows))
    now = [f.mastery or 0.0 for _, f in rows]
    before = [f.previous or 0.0 for _, f in rows]
    ax.barh([p + 0.2 for p in positions], before, height=0.38, color=LAST_WEEK,
            label="last week")
    ax.barh([p - 0.2 for p in positions], now, height=0.38, color=THIS_WEEK,
            label="this week")
    for p, (_, figure) in zip(positions, rows, strict=True):
        label = "held back" if figure.mastery is None else f"{figure.mastery:.0%}"
        ax.text((figure.mastery or 0.0) + 0.01, p - 0.2, label, va="center", fontsize=7,
                color=MUTED if figure.mastery is None else INK)
    ax.set(xlim=(0, 1.08), yticks=list(positions), yticklabels=[SKILL_TITLES.get(s, s) for s, _ in rows],
         xticks=[0, 0.25, 0.5, 0.75, 1], xticklabels=["0", "25%", "50%", "75%", "100%"])
    ax.tick_params(labelsize=8, colors=INK)
    ax.set_title("Skill mastery", fontsize=10, color=INK, loc="left")
    ax.legend(fontsize=7, frameon=False, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2)


def _sparkline(ax: Any, report: TeamReport) -> None:
    values = [w.members_active for w in report.weeks]
    xs = [i for i, v in enumerate(values) if v is not None]
    ys = [v for v in values if v is not None]
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.set_title("Active per week", fontsize=10, color=INK, loc="left")
    if ys:
        ax.plot(xs, ys, color=THIS_WEEK, linewidth=2, marker="o", markersize=4)
        ax.annotate(str(ys[-1]), (xs[-1], ys[-1]), textcoords="offset points", xytext=(0, 6),
                    ha="center", fontsize=9, color=INK)
        ax.set_ylim(0, max(ys) * 1.3 + 1)
    else:
        ax.text(0.5, 0.5, "held back", ha="center", va="center", color=MUTED,
                transform=ax.transAxes)
    labels = [f"{w.end:%d/%m}" for w in report.weeks]
    ax.set_xticks(range(len(labels)), labels, fontsize=7, rotation=0)
    ax.set_yticks([])
    ax.set_xlim(-0.5, len(labels) - 0.5)


def _small(png: bytes) -> bytes:
    """Re-encode with a 32-colour palette: a third of the size, same look for a flat chart (and under the
    size a Teams card allows, even with every skill shown)."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        reduced = image.convert("RGB").quantize(colors=32)
        out = io.BytesIO()
        reduced.save(out, format="PNG", optimize=True)
    return out.getvalue() if len(out.getvalue()) < len(png) else png


async def render_async(report: TeamReport, title: str) -> bytes:
    """Render in a worker thread: a chart takes tens of milliseconds of CPU the event loop must not wait for."""
    return await asyncio.to_thread(render_png, report, title)
