"""Which bot token a Web API call carries: each workspace's own.

Single-token mode (an internal app, SLACK_BOT_TOKEN): one token for the one workspace. OAuth mode
(SLACK_CLIENT_ID/SECRET): each workspace's token from its installation, refreshed shortly before it expires
when token rotation is on.

`Poster` and `UserDirectory` are shared by every workspace; they call Slack through `workspace_client`, a
context variable bound for the duration of one piece of work: for an incoming request by a Bolt middleware to
the client Bolt authorised for that request's team, for a scheduled send by `WorkspaceClients.bound` to the
target workspace's client. Tasks started inside (background reactions) inherit it, and nothing leaks between
requests because each runs in its own task.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextvars import ContextVar

from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.installations import RedisInstallationStore

log = logging.getLogger(__name__)
ROTATE_MINUTES_BEFORE_EXPIRY = 120  # Bolt's default for requests; the sender uses the same margin

workspace_client: ContextVar[AsyncWebClient | None] = ContextVar("oars_slack_workspace_client", default=None)


class NotInstalled(RuntimeError):
    """The workspace has no installation (never installed, or uninstalled): nothing can be sent there."""


def client_for_call(default: AsyncWebClient | None) -> AsyncWebClient:
    """The client bound to the current piece of work, else the process's single-token client."""
    client = workspace_client.get() or default
    if client is None:
        raise NotInstalled("no Slack workspace client is bound to this call")
    return client


class WorkspaceClients:
    """Builds the Web API client for a workspace (used where no Bolt request is in flight: the scheduler)."""

    def __init__(self, make_client: Callable[[str | None], AsyncWebClient], single: AsyncWebClient | None,
                 store: RedisInstallationStore | None = None, rotator: AsyncTokenRotator | None = None) -> None:
        self._make_client = make_client
        self._single = single
        self.store = store
        self._rotator = rotator

    async def client(self, workspace: str) -> AsyncWebClient:
        if self.store is None:
            if self._single is None:
                raise NotInstalled("Slack is not configured (SLACK_BOT_TOKEN is not set)")
            return self._single
        installation = await self.store.find(None, workspace)
        if installation is None or not installation.bot_token:
            raise NotInstalled(f"Slack workspace {workspace} is not installed")
        if self._rotator is not None and installation.bot_refresh_token:
            refreshed = await self._rotator.perform_token_rotation(
                installation=installation, minutes_before_expiration=ROTATE_MINUTES_BEFORE_EXPIRY)
            if refreshed is not None:
                await self.store.async_save(refreshed)
                installation = refreshed
                log.info("slack bot token refreshed for %s", workspace)
        return self._make_client(installation.bot_token)

    @contextlib.asynccontextmanager
    async def bound(self, workspace: str) -> AsyncIterator[AsyncWebClient]:
        """Bind the workspace's client for the calls made inside the block."""
        client = await self.client(workspace)
        token = workspace_client.set(client)
        try:
            yield client
        finally:
            workspace_client.reset(token)

