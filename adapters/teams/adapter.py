"""TeamsAdapter: the Bot Framework endpoint `POST /api/messages`, auth, and the proactive sender.

Built on botbuilder's CloudAdapter with ConfigurationBotFrameworkAuthentication. Without an app id the
SDK runs unauthenticated (no JWT check, no token fetch); OARS allows that only with OARS_TEAMS_DEV=1.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

import jwt
from aiohttp import web
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity

from adapters.teams.bot import OarsTeamsBot
from adapters.teams.delivery import Outbox, TeamsSender
from adapters.teams.http import PooledAuthentication, SharedSession
from adapters.teams.references import References
from adapters.teams.tokens import Refused as TokenRefused
from adapters.teams.tokens import TokenGate
from bot.config import Settings
from bot.engine import Engine

log = logging.getLogger(__name__)
ROUTE = "/api/messages"


@dataclass(frozen=True)
class _AuthConfig:
    """The attribute names ConfigurationBotFrameworkAuthentication reads."""

    APP_ID: str
    APP_PASSWORD: str
    APP_TYPE: str
    APP_TENANTID: str


class TeamsAdapter:
    def __init__(self, engine: Engine, settings: Settings, outbox: Outbox | None = None) -> None:
        self.engine = engine
        self.settings = settings
        config = _AuthConfig(
            APP_ID=settings.microsoft_app_id,
            APP_PASSWORD=settings.microsoft_app_password,
            APP_TYPE=settings.microsoft_app_type or "MultiTenant",
            APP_TENANTID=settings.microsoft_app_tenant_id,
        )
        self.http = SharedSession()  # one keep-alive session for every connector call
        self.cloud = CloudAdapter(PooledAuthentication(config, self.http))
        self.references = References(engine.store.redis)
        self.tokens = TokenGate()
        engine.store.on_forget(self.references.forget)
        self.outbox = outbox or Outbox()
        self._sender = TeamsSender(self.cloud, self.references, self.outbox, settings.microsoft_app_id)
        self.bot = OarsTeamsBot(engine, self.references, self._sender, self.outbox, settings.manager_ids)

    @property
    def enabled(self) -> bool:
        return bool(self.settings.microsoft_app_id) or self.settings.oars_teams_dev

    def mount(self, web_app: web.Application) -> bool:
        """Adds POST /api/messages, unless there are no credentials and no dev flag; True when mounted."""
        if not self.enabled:
            log.info("Teams endpoint %s not mounted: MICROSOFT_APP_ID is unset and OARS_TEAMS_DEV is not 1", ROUTE)
            return False
        if not self.settings.microsoft_app_id:
            log.warning("Teams endpoint %s is UNAUTHENTICATED (OARS_TEAMS_DEV=1, no MICROSOFT_APP_ID)", ROUTE)
        web_app.router.add_post(ROUTE, self.handle)
        return True

    def sender(self) -> TeamsSender:
        return self._sender

    async def close(self) -> None:
        """Close the shared connector session."""
        await self.http.close()

    async def handle(self, request: web.Request) -> web.Response:
        """Validate the body ourselves (the SDK answers 500 to bad JSON), then let CloudAdapter run the turn."""
        if "application/json" not in request.headers.get("Content-Type", ""):
            return web.json_response({"error": "expected application/json"}, status=415)
        try:
            body = json.loads(await request.read())
        except (ValueError, UnicodeDecodeError):
            return web.json_response({"error": "body is not JSON"}, status=400)
        if not isinstance(body, dict) or not isinstance(body.get("type"), str) or not body["type"]:
            return web.json_response({"error": "not an activity: missing type"}, status=400)
        try:
            activity = Activity().deserialize(body)
        except Exception:
            return web.json_response({"error": "malformed activity"}, status=400)
        has_conversation = bool(activity.conversation and activity.conversation.id)
        if not str(activity.service_url or "").startswith(("https://", "http://")) or not has_conversation:
            return web.json_response({"error": "activity needs serviceUrl and conversation.id"}, status=400)
        if self.settings.microsoft_app_id:
            try:
                await self.tokens.check(request.headers.get("Authorization", ""))
            except TokenRefused as refused:
                log.info("teams request from %s refused (%d): %s", request.remote, refused.status, refused.reason)
                return web.json_response({"error": refused.reason}, status=refused.status)
        try:
            response = await self.cloud.process(request, self.bot)
        except web.HTTPException:
            raise
        except (jwt.PyJWTError, PermissionError) as error:
            log.info("teams request from %s refused (401): %s", request.remote, type(error).__name__)
            return web.json_response({"error": "unauthorized"}, status=401)
        except Exception:
            log.exception("teams turn failed for activity %s", body.get("id"))
            return web.json_response({"error": "internal error"}, status=500)
        return response or web.Response(status=201)
