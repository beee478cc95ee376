"""Slack installations and OAuth state on Redis (Bolt ships neither for Redis), tokens encrypted at rest.

  oars:slack:install:{slack:<id>}       string  JSON of the latest installation of a workspace (<id> = team id)
                                                or of an Enterprise Grid org-wide install (<id> = enterprise id);
                                                bot/user tokens and refresh tokens are Fernet-encrypted
  oars:slack:org:{slack:<team>}         string  enterprise id of an org-wide install that serves this workspace
  oars:slack:oauth-state:<state>        string  an issued OAuth state (10 minutes), consumed once (GETDEL)

Every key is one string, so nothing here spans Cluster slots, and the workspace's hash tag `{slack:<team>}`
matches its other workspace keys (`oars:posts:{slack:<team>}`).
"""

from __future__ import annotations

import json
import logging
import secrets
from datetime import datetime
from typing import Any

from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from bot.crypto import TokenCipher

log = logging.getLogger(__name__)
SECRET_FIELDS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")
STATE_TTL = 600


def _safe(part: str) -> str:
    return "".join("_" if ch in "{}*?[]\\ :" else ch for ch in part)


def install_key(owner: str) -> str:
    return f"oars:slack:install:{{slack:{_safe(owner)}}}"


def org_key(team: str) -> str:
    return f"oars:slack:org:{{slack:{_safe(team)}}}"


def state_key(state: str) -> str:
    return f"oars:slack:oauth-state:{_safe(state)}"


def _owner(enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None) -> str | None:
    """Which installation serves this request: the org's for org-wide installs, otherwise the workspace's."""
    if is_enterprise_install and enterprise_id:
        return enterprise_id
    return team_id or enterprise_id


class RedisInstallationStore(AsyncInstallationStore):
    """Bolt's `AsyncInstallationStore` on Redis; one record per workspace (or org), the latest install wins."""

    def __init__(self, redis: Any, cipher: TokenCipher, client_id: str = "") -> None:
        self.redis = redis
        self.cipher = cipher
        self.client_id = client_id
        self._logger = log

    @property
    def logger(self) -> logging.Logger:
        return self._logger

    # --- (de)serialising ----------------------------------------------------------------------------
    def _dump(self, installation: Installation) -> str:
        data = installation.to_dict_for_copying()
        for name, value in list(data.items()):
            if isinstance(value, datetime):
                data[name] = value.timestamp()
        for name in SECRET_FIELDS:
            data[name] = self.cipher.encrypt(data.get(name))
        return json.dumps(data)

    def _load(self, raw: str | None) -> Installation | None:
        if not raw:
            return None
        data = json.loads(raw)
        sealed_bot_token = data.get("bot_token")
        for name in SECRET_FIELDS:
            data[name] = self.cipher.decrypt(data.get(name))
        if sealed_bot_token and data["bot_token"] is None:
            return None  # no configured key opens it: as good as not installed (crypto logged why)
        for name in ("bot_token_expires_at", "user_token_expires_at"):
            if data.get(name) is not None:
                data[name] = int(data[name])
        return Installation(**data)

    # --- AsyncInstallationStore ---------------------------------------------------------------------
    async def async_save(self, installation: Installation) -> None:
        owner = _owner(installation.enterprise_id, installation.team_id, installation.is_enterprise_install)
        if owner is None:
            raise ValueError("an installation needs a team or an enterprise id")
        await self.redis.set(install_key(owner), self._dump(installation))
        log.info("slack installation saved for %s", owner)

    async def async_save_bot(self, bot: Bot) -> None:
        """Bolt saves whole installations; a bare Bot (no installer) is kept the same way, with no user."""
        await self.async_save(Installation(
            app_id=bot.app_id, enterprise_id=bot.enterprise_id, enterprise_name=bot.enterprise_name,
            team_id=bot.team_id, team_name=bot.team_name, bot_token=bot.bot_token, bot_id=bot.bot_id,
            bot_user_id=bot.bot_user_id, bot_scopes=bot.bot_scopes, bot_refresh_token=bot.bot_refresh_token,
            bot_token_expires_at=bot.bot_token_expires_at, is_enterprise_install=bot.is_enterprise_install,
            installed_at=bot.installed_at, user_id=""))

    async def async_find_installation(self, *, enterprise_id: str | None, team_id: str | None,
                                      user_id: str | None = None,
                                      is_enterprise_install: bool | None = False) -> Installation | None:
        installation = await self.find(enterprise_id, team_id, is_enterprise_install)
        if installation is None or (user_id is not None and installation.user_id != user_id):
            return None  # only the installer's own user token is kept
        return installation

    async def async_find_bot(self, *, enterprise_id: str | None, team_id: str | None,
                             is_enterprise_install: bool | None = False) -> Bot | None:
        installation = await self.find(enterprise_id, team_id, is_enterprise_install)
        if installation is None or not installation.bot_token:
            return None
        return installation.to_bot()

    async def find(self, enterprise_id: str | None, team_id: str | None,
                   is_enterprise_install: bool | None = None) -> Installation | None:
        """The installation serving a workspace: its own, else the org-wide one that covers it."""
        owner = _owner(enterprise_id, team_id, is_enterprise_install)
        installation = self._load(await self.redis.get(install_key(owner))) if owner else None
        if installation is None and team_id and not is_enterprise_install:
            org = enterprise_id or await self.redis.get(org_key(team_id))
            if org:
                installation = self._load(await self.redis.get(install_key(str(org))))
                if installation is not None and not installation.is_enterprise_install:
                    installation = None
        return installation

    async def remember_org(self, team_id: str, enterprise_id: str) -> None:
        """An event from an org-wide install: note which org serves this workspace (for scheduled sends)."""
        await self.redis.set(org_key(team_id), enterprise_id)

    async def teams_of_org(self, enterprise_id: str) -> list[str]:
        """Workspaces seen through an org-wide install of this enterprise (for an org-wide uninstall)."""
        teams = []
        async for key in self.redis.scan_iter(match="oars:slack:org:{slack:*}", count=500):
            if await self.redis.get(key) == enterprise_id:
                teams.append(str(key)[len("oars:slack:org:{slack:"):-1])
        return teams

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None,
                               is_enterprise_install: bool | None = False) -> None:
        await self.async_delete_installation(enterprise_id=enterprise_id, team_id=team_id,
                                             is_enterprise_install=is_enterprise_install)

    async def async_delete_installation(self, *, enterprise_id: str | None, team_id: str | None,
                                        user_id: str | None = None,
                                        is_enterprise_install: bool | None = False) -> None:
        owner = _owner(enterprise_id, team_id, is_enterprise_install)
        if owner:
            await self.redis.delete(install_key(owner))
        if team_id:
            await self.redis.delete(org_key(team_id))

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self.async_delete_installation(enterprise_id=enterprise_id, team_id=team_id)


class RedisOAuthStateStore(AsyncOAuthStateStore):
    """OAuth `state` values in Redis, so the install page and the redirect may be served by different processes."""

    def __init__(self, redis: Any, expiration_seconds: int = STATE_TTL) -> None:
        self.redis = redis
        self.expiration_seconds = expiration_seconds

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(24)
        await self.redis.set(state_key(state), "1", ex=self.expiration_seconds)
        return state

    async def async_consume(self, state: str) -> bool:
        return bool(await self.redis.getdel(state_key(state)))
