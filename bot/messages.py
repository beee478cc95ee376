"""The neutral message and reply every adapter speaks: no platform names or types in here.

An adapter turns a platform event into an `Inbound`, hands it to the engine, and renders each `Reply`
back (text, choices as buttons, structured parts as cards or blocks).
"""

from __future__ import annotations

import base64
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Inbound:
    """One thing a person said or clicked, in platform-neutral form."""

    platform: str  # "slack" | "teams" | "console"
    workspace: str  # Slack team id, Teams tenant id, "local"
    channel: str  # where to answer (DM or channel id / conversation id)
    user: str  # platform user id
    text: str
    message_id: str  # unique per delivery of one user action; retries repeat it
    time: datetime | None = None  # when it was sent; None = now
    thread: str | None = None  # thread root when the message is a thread reply
    is_direct: bool = True  # a 1:1 chat with the bot (vs a channel)
    is_manager: bool = False  # adapter decides (admins, OARS_MANAGERS)
    user_tz: str | None = None  # the platform's idea of the user's time zone, if known
    display_name: str | None = None
    action: str | None = None  # a button/card action id, e.g. "choice:2", "another", "tip"


@dataclass(frozen=True)
class Choice:
    """A button: `label` is shown, `value` comes back as Inbound.action."""

    label: str
    value: str


@dataclass(frozen=True)
class DrillPart:
    id: str
    kind: str
    skill: str
    prompt: str
    instruction: str = ""
    setting: str = ""
    one_click: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "skill": self.skill, "prompt": self.prompt}


@dataclass(frozen=True)
class FeedbackPart:
    verdict: str
    score: int
    feedback: tuple[str, ...]
    model_answer: str
    codes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "score": self.score,
            "feedback": list(self.feedback),
            "model_answer": self.model_answer,
        }


@dataclass(frozen=True)
class StreakPart:
    current: int
    longest: int
    freezes: int
    practised_today: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"current": self.current, "longest": self.longest, "freezes": self.freezes}


@dataclass(frozen=True)
class ProgressPart:
    """Per-skill mastery 0..1 and drills answered (a retry of the same drill counts once), for progress cards
    and the Slack App Home."""

    skills: tuple[tuple[str, float, int], ...]  # (skill, mastery, drills answered)

    def as_dict(self) -> dict[str, Any]:
        return {s: {"mastery": round(m, 3), "drills": n} for s, m, n in self.skills}


@dataclass(frozen=True)
class ChartPart:
    """A picture that goes with a reply (the team report chart): PNG bytes as base64, with a text alternative."""

    png_base64: str
    alt: str
    filename: str = "chart.png"
    title: str = ""

    @property
    def png(self) -> bytes:
        return base64.b64decode(self.png_base64)

    @classmethod
    def of(cls, png: bytes, alt: str, filename: str, title: str = "") -> ChartPart:
        return cls(base64.b64encode(png).decode("ascii"), alt, filename, title)


@dataclass(frozen=True)
class Reply:
    """One message back to the person. `text` is plain text (Markdown-light: *bold*, _italic_, lists).

    Adapters must escape nothing in `text` themselves: the engine never puts raw user text into it
    without passing it through `bot.text.quote_user_text`.
    """

    text: str
    choices: tuple[Choice, ...] = ()
    drill: DrillPart | None = None
    feedback: FeedbackPart | None = None
    streak: StreakPart | None = None
    progress: ProgressPart | None = None
    private: bool = False  # show only to the asker (Slack ephemeral) when in a channel
    react: str | None = None  # a reaction the adapter may add to the user's message (e.g. "white_check_mark")
    extra: dict[str, Any] = field(default_factory=dict)
    chart: ChartPart | None = None  # adapters upload (Slack), embed (Teams) or mention (console) it

    def as_json(self) -> dict[str, Any]:
        """The console `--json` line shape (a contract: see the foundation issue). Role-play replies add
        `roleplay` (each client turn) and `report` (the session report) as issue #14 specifies."""
        line = {
            "text": self.text,
            "choices": [c.label for c in self.choices],
            "drill": self.drill.as_dict() if self.drill else None,
            "feedback": self.feedback.as_dict() if self.feedback else None,
            "streak": self.streak.as_dict() if self.streak else None,
        }
        for key in ("roleplay", "report"):
            if key in self.extra:
                line[key] = self.extra[key]
        return line


def replies_to_json(replies: list[Reply]) -> str:
    """Serialise replies so a redelivery after a failed send can be answered with the very same words."""
    return json.dumps([asdict(reply) for reply in replies], ensure_ascii=False)


def replies_from_json(raw: str) -> list[Reply]:
    out = []
    for item in json.loads(raw):
        drill, feedback = item.get("drill"), item.get("feedback")
        streak, progress = item.get("streak"), item.get("progress")
        out.append(Reply(
            text=item["text"],
            choices=tuple(Choice(**c) for c in item.get("choices", ())),
            drill=DrillPart(**drill) if drill else None,
            feedback=FeedbackPart(**{**feedback, "feedback": tuple(feedback["feedback"]),
                                     "codes": tuple(feedback["codes"])}) if feedback else None,
            streak=StreakPart(**streak) if streak else None,
            progress=ProgressPart(tuple(tuple(row) for row in progress["skills"])) if progress else None,
            private=bool(item.get("private")),
            react=item.get("react"),
            extra=dict(item.get("extra") or {}),
            chart=ChartPart(**item["chart"]) if item.get("chart") else None,
        ))
    return out
