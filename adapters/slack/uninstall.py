"""`app_uninstalled` and `tokens_revoked`: the workspace's installation and every key of it are deleted.

`tokens_revoked` carries the revoked user and bot ids; losing the bot token is losing the workspace (nothing
can be sent there any more), so it is treated like an uninstall. A revocation of user tokens only changes
nothing: OARS keeps no user tokens beyond the installer's, which goes with the installation.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp

from adapters.slack.installations import RedisInstallationStore
from bot.engine import Engine
from bot.workspace_purge import Scope, purge

log = logging.getLogger(__name__)
PLATFORM = "slack"


class Uninstaller:
    def __init__(self, engine: Engine, installations: RedisInstallationStore | None) -> None:
        self.engine = engine
        self.installations = installations

    def register(self, app: AsyncApp) -> None:
        """Registered before the other listeners: Bolt runs only the first listener that matches an event."""
        app.event("app_uninstalled")(self.on_app_uninstalled)
        app.event("tokens_revoked")(self.on_tokens_revoked)

    async def on_app_uninstalled(self, body: dict[str, Any]) -> None:
        await self.forget_workspace(body)

    async def on_tokens_revoked(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        if (event.get("tokens") or {}).get("bot"):
            await self.forget_workspace(body)
        else:
            log.info("slack user tokens revoked in %s; nothing stored for them", body.get("team_id"))

    async def forget_workspace(self, body: dict[str, Any]) -> None:
        team = str(body.get("team_id") or "")
        enterprise = body.get("enterprise_id") or None
        is_org = bool(body.get("is_enterprise_install"))
        if not team and not enterprise:
            return
        redis = self.engine.store.redis
        teams = [team] if team else []
        if self.installations is not None:
            if is_org and enterprise:
                teams += [t for t in await self.installations.teams_of_org(str(enterprise)) if t not in teams]
            await self.installations.async_delete_installation(
                enterprise_id=enterprise, team_id=team or None, is_enterprise_install=is_org)
        for workspace in teams:
            if self.installations is not None:
                await self.installations.async_delete_installation(enterprise_id=None, team_id=workspace)
            await purge(redis, Scope(PLATFORM, workspace))
        log.info("slack app removed from %s: installation and workspace data deleted", team or enterprise)
