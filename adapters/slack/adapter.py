"""`SlackAdapter`: the Bolt app, its HTTP route, Socket Mode and the scheduler's sender.

Bolt verifies every request (v0 HMAC over `v0:timestamp:body`, timestamps older than five minutes
rejected with 401), answers url_verification and acks events before our listeners run
(`process_before_response=False`), so Slack always hears back within its three seconds.
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.edge import Refused, check_request
from adapters.slack.handlers import SlackHandlers
from adapters.slack.installations import RedisInstallationStore
from adapters.slack.oauth import INSTALL_PATH, REDIRECT_PATH, oauth_parts
from adapters.slack.outbound import Poster, SlackSender
from adapters.slack.uninstall import Uninstaller
from adapters.slack.users import UserDirectory
from adapters.slack.workspaces import WorkspaceClients, workspace_client
from bot.config import Settings
from bot.engine import Engine

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"


class _NoTokenNoise(logging.Filter):
    """Bolt warns that `token` is unused whenever SLACK_BOT_TOKEN is in the environment and we pass
    our own client (which carries that token): expected here, so not worth a WARNING per start."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


_TOKEN_NOISE = _NoTokenNoise()


class SlackAdapter:
    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self.app: AsyncApp | None = None
        self.client: AsyncWebClient | None = None
        self.installations: RedisInstallationStore | None = None
        self.workspaces: WorkspaceClients | None = None
        self._sender_poster: Poster | None = None
        self._poster: Poster | None = None
        self._sessions: list[aiohttp.ClientSession] = []
        self._socket: object | None = None
        self.oauth = bool(settings.slack_client_id and settings.slack_client_secret)
        token = None if self.oauth else settings.slack_bot_token  # OAuth mode: each workspace's own token
        if not token and not self.oauth:
            return
        base_url = settings.slack_api_url if settings.slack_api_url.endswith("/") else settings.slack_api_url + "/"
        # Interactive replies wait out a 429 (Retry-After) inside the SDK; the member is waiting anyway.
        self.client = AsyncWebClient(
            token=token, base_url=base_url, session=self._session(),
            retry_handlers=[AsyncConnectionErrorRetryHandler(), AsyncRateLimitErrorRetryHandler(max_retry_count=2)],
        )
        # The scheduler's sender does not: the outbox reschedules on RateLimited (see SlackSender).
        sender_session = self._session()

        def sender_client(bot_token: str | None) -> AsyncWebClient:
            return AsyncWebClient(token=bot_token, base_url=base_url, session=sender_session,
                                  retry_handlers=[AsyncConnectionErrorRetryHandler()])

        oauth_settings = None
        if self.oauth:
            self.installations, oauth_settings, rotator = oauth_parts(settings, engine.store.redis,
                                                                      sender_client(None))
            self.workspaces = WorkspaceClients(sender_client, None, self.installations, rotator)
            self._sender_poster = Poster(None, UserDirectory(None, settings.manager_ids))
        else:
            single = sender_client(token)
            self.workspaces = WorkspaceClients(sender_client, single)
            self._sender_poster = Poster(single, UserDirectory(single, settings.manager_ids))
        bolt_log = logging.getLogger("adapters.slack.bolt")
        bolt_log.addFilter(_TOKEN_NOISE)  # one instance: adding it again is a no-op
        self.app = AsyncApp(
            name="oars",
            client=self.client,
            signing_secret=settings.slack_signing_secret or "",
            process_before_response=False,
            logger=bolt_log,
            installation_store=self.installations,
            oauth_settings=oauth_settings,
        )
        default_client = None if self.oauth else self.client
        directory = UserDirectory(default_client, settings.manager_ids)
        self._poster = Poster(default_client, directory)
        self.app.middleware(self._bind_workspace_client)
        Uninstaller(engine, self.installations).register(self.app)
        SlackHandlers(engine, self._poster, directory, settings.slack_feedback_mode).register(self.app)

    async def _bind_workspace_client(self, context: AsyncBoltContext, next: Any) -> Any:
        """Every Web API call made for this request uses the client Bolt authorised for its workspace."""
        workspace_client.set(context.client)
        if (self.installations is not None and context.is_enterprise_install and context.enterprise_id
                and context.team_id):
            await self.installations.remember_org(context.team_id, context.enterprise_id)
        return await next()

    def _session(self) -> aiohttp.ClientSession:
        """One keep-alive session per Web API client: without it slack_sdk opens a session, a TCP connection
        and (against slack.com) a TLS handshake for every call."""
        session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=30),
            connector=aiohttp.TCPConnector(limit=100, ttl_dns_cache=300))
        self._sessions.append(session)
        return session

    def mount(self, web_app: web.Application) -> None:
        """Add POST /slack/events (events, slash commands, interactivity) when Slack is configured, and the
        OAuth install pages (GET /slack/install, GET /slack/oauth_redirect) in OAuth mode."""
        credentials = ("SLACK_CLIENT_ID", self.settings.slack_client_id) if self.oauth else (
            "SLACK_BOT_TOKEN", self.settings.slack_bot_token)
        missing = [name for name, value in (credentials, ("SLACK_SIGNING_SECRET", self.settings.slack_signing_secret))
                   if not value]
        if missing or self.app is None:
            log.info("Slack not mounted: %s not set", " and ".join(missing))
            return
        web_app.router.add_post(EVENTS_PATH, self.handle_http)
        log.info("Slack events at POST %s", EVENTS_PATH)
        if self.oauth:
            web_app.router.add_get(INSTALL_PATH, self.handle_install)
            web_app.router.add_get(REDIRECT_PATH, self.handle_oauth_redirect)
            log.info("Slack OAuth install at GET %s", INSTALL_PATH)

    async def handle_http(self, request: web.Request) -> web.Response:
        """Refuse what is unsigned or malformed here (4xx, one line); Bolt sees only well-formed requests."""
        assert self.app is not None
        body = await request.read()
        try:
            text = check_request({k.lower(): v for k, v in request.headers.items()}, body,
                                 self.settings.slack_signing_secret or "")
        except Refused as refused:
            log.info("slack request from %s refused (%d): %s", request.remote, refused.status, refused.reason)
            return web.json_response({"error": refused.reason}, status=refused.status)
        bolt_request = AsyncBoltRequest(body=text, query=request.query_string,
                                        headers=request.headers)  # type: ignore[arg-type]
        bolt_response = await self.app.async_dispatch(bolt_request)
        return await to_aiohttp_response(bolt_response)

    async def handle_install(self, request: web.Request) -> web.Response:
        assert self.app is not None and self.app.oauth_flow is not None
        bolt_response = await self.app.oauth_flow.handle_installation(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    async def handle_oauth_redirect(self, request: web.Request) -> web.Response:
        assert self.app is not None and self.app.oauth_flow is not None
        bolt_response = await self.app.oauth_flow.handle_callback(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    def sender(self) -> SlackSender:
        return SlackSender(self._sender_poster, self.workspaces)

    async def run_socket_mode(self) -> None:
        """Serve over Socket Mode (no public URL) until cancelled."""
        if self.app is None or self.oauth or not self.settings.slack_app_token:
            raise RuntimeError("Socket Mode needs SLACK_BOT_TOKEN and SLACK_APP_TOKEN (and no OAuth install)")
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        handler = AsyncSocketModeHandler(self.app, self.settings.slack_app_token)
        self._socket = handler
        await handler.start_async()

    async def close(self) -> None:
        """Close the Socket Mode connection if any, let pending reactions finish, close the HTTP sessions."""
        handler, self._socket = self._socket, None
        if handler is not None:
            await handler.close_async()  # type: ignore[attr-defined]
        for poster in (self._poster, self._sender_poster):
            if poster is not None:
                await poster.drain()
        sessions, self._sessions = self._sessions, []
        for session in sessions:
            await session.close()
