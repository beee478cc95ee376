"""One reused aiohttp session for every Bot Framework connector call.

botbuilder builds a new ConnectorClient per turn and per proactive send, each with its own `requests`
session run in a thread: a new TCP (and TLS) connection per reply, plus a thread hop. Here every
ConnectorClient the CloudAdapter asks for sends through one shared aiohttp session instead, with the same
credentials, user agent and logging policies, so connections to a serviceUrl are kept alive and reused.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from botframework.connector import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    ClaimsIdentity,
    ConnectorFactory,
)
from msrest.pipeline import AsyncHTTPPolicy, AsyncHTTPSender, AsyncPipeline, Request, Response
from msrest.pipeline.universal import RawDeserializer
from msrest.universal_http.aiohttp import AioHttpClientResponse

CONNECTOR_TIMEOUT = aiohttp.ClientTimeout(total=30, connect=10)


class SharedSession:
    """The aiohttp session, opened on first use (inside the running loop) and closed with the adapter."""

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None

    def get(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=CONNECTOR_TIMEOUT, connector=aiohttp.TCPConnector(limit=100, ttl_dns_cache=300))
        return self._session

    async def close(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()


class _SessionSender(AsyncHTTPSender):
    """The pipeline's last step: send the prepared request on the shared session, body loaded."""

    def __init__(self, session: SharedSession) -> None:
        self._session = session

    async def __aenter__(self) -> _SessionSender:
        return self

    async def __aexit__(self, *exc_details: Any) -> None:
        """The session outlives any one client; SharedSession.close ends it."""

    def build_context(self) -> None:
        return None

    async def send(self, request: Request, **config: Any) -> Response:
        http = request.http_request
        raw = await self._session.get().request(http.method, http.url, headers=dict(http.headers), data=http.data)
        response = AioHttpClientResponse(http, raw)
        await response.load_body()
        return Response(request, response)


class _BearerToken(AsyncHTTPPolicy):
    """Adds the bot's token as botbuilder's credentials policy does; none when running without an app id."""

    def __init__(self, credentials: Any) -> None:
        super().__init__()
        self._credentials = credentials

    async def send(self, request: Request, **kwargs: Any) -> Response:
        app_id = getattr(self._credentials, "microsoft_app_id", None)
        if self._credentials is not None and app_id and app_id != AuthenticationConstants.ANONYMOUS_SKILL_APP_ID:
            # MSAL may fetch a token over the network (cached for about an hour): keep it off the loop.
            token = await asyncio.to_thread(self._credentials.get_access_token)
            request.http_request.headers["Authorization"] = f"Bearer {token}"
        assert self.next is not None  # the pipeline links every policy to the next step
        return await self.next.send(request, **kwargs)


class _PooledConnectorFactory(ConnectorFactory):
    """Wraps botbuilder's factory: same credentials and audience, our shared-session pipeline."""

    def __init__(self, inner: ConnectorFactory, session: SharedSession) -> None:
        self._inner = inner
        self._session = session

    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClient:
        client = await self._inner.create(service_url, audience)
        config = client.config  # shared with the client's operations: swapping its pipeline reroutes every call
        config.pipeline = AsyncPipeline(
            [config.user_agent_policy, _BearerToken(config.credentials), RawDeserializer(), config.http_logger_policy],
            _SessionSender(self._session),
        )
        return client


class PooledAuthentication(ConfigurationBotFrameworkAuthentication):
    """ConfigurationBotFrameworkAuthentication whose connector clients share one HTTP session."""

    def __init__(self, configuration: Any, session: SharedSession) -> None:
        super().__init__(configuration)
        self._shared = session

    async def authenticate_request(self, activity: Activity, auth_header: str) -> AuthenticateRequestResult:
        result = await super().authenticate_request(activity, auth_header)
        if result.connector_factory is not None:
            result.connector_factory = _PooledConnectorFactory(result.connector_factory, self._shared)
        return result

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return _PooledConnectorFactory(super().create_connector_factory(claims_identity), self._shared)
