"""`settings`, `pause` and `resume`: a member's own time zone, reminder time and reminder pause."""

from __future__ import annotations

from bot.messages import Reply
from bot.store import MemberRef, Store
from bot.text import quote_user_text
from exercises.schedule_math import ScheduleError, parse_time, parse_zone


def parse_hhmm(text: str) -> str | None:
    """'8:45' or '8:45am' -> '08:45'; None when it is not a time (exercises.schedule_math.parse_time)."""
    try:
        return parse_time(text).strftime("%H:%M")
    except ScheduleError:
        return None


class SettingsCommands:
    def __init__(self, store: Store, default_tz: str) -> None:
        self.store = store
        self.default_tz = default_tz

    @staticmethod
    def valid_tz(name: str) -> str | None:
        """The canonical IANA name for `name` (any case), or None."""
        try:
            return parse_zone(name)
        except ScheduleError:
            return None

    async def handle(self, member: MemberRef, name: str, args: str) -> Reply:
        if name == "pause":
            before = await self.store.profile(member)
            await self.store.update_profile(member, paused=True)
            await self.store.announce_change()
            if not before.reminder:
                return Reply("You have no daily reminder to pause. If you set one (`settings reminder 08:45`), it "
                             "stays paused until you type `resume`.")
            if before.paused:
                return Reply("Your reminders are already paused; `resume` turns them back on.")
            return Reply(
                "Reminders paused. You can still practise any time with `drill`; `resume` turns them back on."
            )
        if name == "resume":
            await self.store.update_profile(member, paused=False)
            await self.store.announce_change()
            profile = await self.store.profile(member)
            if not profile.reminder:
                return Reply("Nothing to resume: you have no daily reminder set. "
                             "Set one with `settings reminder 08:45` (your time).")
            when = f"{profile.reminder} ({profile.tz or self.default_tz})"
            if member.platform == "console":
                return Reply(f"Reminders are back on for {when}.{self._console_note(member)}")
            return Reply(f"Reminders are back on: your next drill comes at {when}.")
        words = args.split()
        if not words:
            return await self._show(member)
        what, value = words[0].lower(), " ".join(words[1:])
        if what in {"tz", "timezone", "time_zone"}:
            return await self._set_tz(member, value)
        if what == "reminder":
            return await self._set_reminder(member, value)
        return Reply(
            f"I don't have a setting called ‹{quote_user_text(what, 30)}›. "
            "Try `settings tz Europe/Berlin` or `settings reminder 08:45`."
        )

    async def _show(self, member: MemberRef) -> Reply:
        profile = await self.store.profile(member)
        if not profile.reminder:
            reminder = "off"
        else:
            reminder = f"{profile.reminder} (paused)" if profile.paused else profile.reminder
        return Reply(
            f"*Your settings*\n• Time zone: {profile.tz or self.default_tz}\n"
            f"• Daily reminder: {reminder}\n"
            "Change with `settings tz <Area/City>` or `settings reminder HH:MM` (or `off`)."
        )

    async def _set_tz(self, member: MemberRef, value: str) -> Reply:
        zone = self.valid_tz(value)
        if zone is None:
            shown = quote_user_text(value, 40)
            if not shown:
                return Reply("Which time zone? For example `settings tz Europe/Berlin`, `settings tz America/New_York` "
                             "or `settings tz Asia/Kolkata`.")
            return Reply(
                f"‹{shown}› isn't a time zone I know. Use an IANA name like `Europe/Berlin`, "
                "`America/New_York` or `Asia/Kolkata`."
            )
        await self.store.update_profile(member, tz=zone)
        await self.store.announce_change()
        return Reply(f"Time zone set to {zone}. Streaks and reminders now follow your local day there.")

    async def _set_reminder(self, member: MemberRef, value: str) -> Reply:
        if value.strip().lower() in {"off", "none", "stop"}:
            await self.store.set_reminder(member, "")
            return Reply("Daily reminder switched off.")
        hhmm = parse_hhmm(value)
        if hhmm is None:
            shown = quote_user_text(value, 20)
            if not shown:
                return Reply("Which time? For example `settings reminder 08:45` or `settings reminder 7:30pm`, "
                             "or `settings reminder off`.")
            if shown.isdigit() and 0 <= int(shown) <= 23:  # a bare hour: say which way to write it
                hour = int(shown)
                ways = (f"`{hour}am`, `{hour}pm` or `{hour + 12}:00`" if 1 <= hour <= 11 else f"`{hour:02d}:00`")
                return Reply(f"‹{shown}› isn't a time I can use on its own: write {ways}.")
            return Reply(f"‹{shown}› isn't a time I can use. Give a time like `08:45` or `7:30pm`, or `off`.")
        await self.store.set_reminder(member, hhmm)
        profile = await self.store.profile(member)
        zone = profile.tz or self.default_tz
        paused = " Reminders are paused for now: `resume` turns them on." if profile.paused else ""
        if member.platform == "console":
            return Reply(f"Daily reminder saved for {hhmm} ({zone}).{paused}{self._console_note(member)}")
        return Reply(f"Daily reminder set for {hhmm} ({zone})." + (paused or " I'll send a drill then."))

    @staticmethod
    def _console_note(member: MemberRef) -> str:
        """The console only answers what is typed: a reminder can't pop up in a terminal."""
        if member.platform != "console":
            return ""
        return (" Reminders are delivered in Slack and Teams: the console only answers while you type, so nothing "
                "arrives here by itself. Type `drill` when you sit down to practise.")
