"""Outbound delivery without a user message to answer: scheduled drills and reminders.

Each platform adapter provides a `Sender`; the scheduler's outbox consumer looks one up by platform
name here, so the scheduler never imports an adapter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.messages import Reply


@dataclass(frozen=True)
class Target:
    """Where a proactive message goes: a channel, or a member's DM when `user` is set and `channel` is ''."""

    platform: str
    workspace: str
    channel: str
    user: str | None = None
    thread: str | None = None
    key: str = ""  # the outbox entry id: senders that can tag a post with it can later find it (find_sent)


class RateLimited(Exception):
    """The platform said 'slow down'; retry after `retry_after` seconds."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited, retry after {retry_after:.1f}s")
        self.retry_after = retry_after


class Sender(Protocol):
    """Sends one neutral reply to a target; returns the platform's id for the posted message."""

    async def send(self, target: Target, reply: Reply) -> str: ...

    async def find_sent(self, target: Target) -> str | None:
        """The id of a post already made for `target.key` (a reclaimed entry whose first send landed but was
        never acknowledged), or None when there is none or the platform can't tell."""
        ...


class Senders:
    """Registry of senders by platform name, filled by the composition root."""

    def __init__(self) -> None:
        self._by_platform: dict[str, Sender] = {}

    def register(self, platform: str, sender: Sender) -> None:
        self._by_platform[platform] = sender

    def get(self, platform: str) -> Sender | None:
        return self._by_platform.get(platform)

    def platforms(self) -> list[str]:
        return sorted(self._by_platform)
