"""`report` (managers) and `opt out of reports` / `opt in` (everyone), plus the weekly digest's reply.

Who counts as a manager for `report`: the adapter's `is_manager` (workspace admins and owners, OARS_MANAGERS)
or the person who scheduled this channel's drills. In a channel the report covers that channel's team; in a
direct chat, the workspace (or, for someone who only schedules channels, each channel they schedule). The
reply is private: Slack sends it to the manager's DM, Teams to their personal chat.
"""

from __future__ import annotations

import logging
import re

from bot import report_text as words
from bot.clock import Clock
from bot.messages import ChartPart, Inbound, Reply
from bot.report_chart import chart_alt, render_async
from bot.schedules import ScheduleStore
from bot.store import MemberRef
from bot.team_data import Scope, TeamData

log = logging.getLogger(__name__)
MAX_CHANNELS = 3
_OUT = re.compile(r"^out\b", re.IGNORECASE)
_IN = re.compile(r"^in\b", re.IGNORECASE)


class ReportCommands:
    def __init__(self, team: TeamData, clock: Clock) -> None:
        self.team = team
        self.clock = clock
        self.schedules = ScheduleStore(team.redis, clock)

    async def opt(self, member: MemberRef, args: str) -> Reply:
        """`opt out of reports` / `opt in`: the member decides whether team totals include them."""
        words_given = args.strip()
        if _OUT.match(words_given):
            await self.team.set_opted_out(member, True)
            return Reply(words.OPTED_OUT, private=True)
        if _IN.match(words_given):
            await self.team.set_opted_out(member, False)
            return Reply(words.OPTED_IN, private=True)
        return Reply(words.OPT_HELP, private=True)

    async def report(self, msg: Inbound) -> list[Reply]:
        """The team report for whoever may see it; a polite refusal for everyone else."""
        scheduled = await self._scheduled_channels(msg)
        if msg.is_direct:
            if msg.is_manager:
                return [await self.reply(Scope(msg.platform, msg.workspace))]
            if scheduled:
                return [await self.reply(Scope(msg.platform, msg.workspace, c)) for c in scheduled[:MAX_CHANNELS]]
            return [Reply(words.NOT_MANAGER, private=True)]
        if msg.is_manager or msg.channel in scheduled:
            return [await self.reply(Scope(msg.platform, msg.workspace, msg.channel))]
        return [Reply(words.NOT_MANAGER, private=True)]

    async def reply(self, scope: Scope, digest: bool = False) -> Reply:
        """Text and chart for one scope (also the digest's message)."""
        report = await self.team.report(scope, self.clock.now())
        name = words.scope_name(scope.channel, scope.workspace)
        text = words.report_text(report, name, digest=digest)
        try:
            png = await render_async(report, words.chart_title(name))
        except Exception:  # a chart is a nice-to-have: the figures still go out as text
            log.exception("report chart failed")
            return Reply(text, private=True)
        filename = f"oars-report-{report.end:%Y-%m-%d}.png"
        return Reply(text, private=True, chart=ChartPart.of(png, chart_alt(report), filename, words.chart_title(name)))

    async def _scheduled_channels(self, msg: Inbound) -> list[str]:
        """Channels whose drills this member scheduled (they may see those channels' reports)."""
        return sorted({s.channel for s in await self.schedules.all()
                       if (s.platform, s.workspace, s.created_by) == (msg.platform, msg.workspace, msg.user)
                       and s.kind == "drill" and s.channel})
