"""A local stand-in for the Bot Framework connector service (the `serviceUrl` of Teams activities).

Records every POST to /v3/conversations/{id}/activities[/{replyToId}] and answers {"id": ...}; can be
told to answer the next few posts with an error status (429 and friends) to exercise retries.
Runs as a real aiohttp server, in-process (`start`) or as its own process (`python fake_connector.py`).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Post:
    conversation_id: str
    reply_to_id: str | None
    activity: dict[str, Any]
    authorization: str | None
    status: int

    @property
    def text(self) -> str:
        return str(self.activity.get("text") or "")

    @property
    def card(self) -> dict[str, Any] | None:
        for attachment in self.activity.get("attachments") or []:
            if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive":
                return dict(attachment["content"])
        return None

    @property
    def flat(self) -> str:
        """Everything a person would read: text plus every card string, for simple assertions."""
        return self.text + "\n" + json.dumps(self.card or {}, ensure_ascii=False)


@dataclass
class FakeConnector:
    posts: list[Post] = field(default_factory=list)
    failures: list[int] = field(default_factory=list)
    port: int = 0
    connections: set[Any] = field(default_factory=set)  # client (host, port) pairs: one per TCP connection
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def fail_next(self, *statuses: int) -> None:
        self.failures.extend(statuses)

    def delivered(self) -> list[Post]:
        return [p for p in self.posts if p.status < 300]

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v3/conversations/{conversation_id}/activities", self._post)
        app.router.add_post("/v3/conversations/{conversation_id}/activities/{reply_to_id}", self._post)
        app.router.add_get("/_posts", self._list)
        app.router.add_post("/_fail", self._fail)
        return app

    async def _post(self, request: web.Request) -> web.Response:
        body = await request.json()
        if request.transport is not None:
            self.connections.add(request.transport.get_extra_info("peername"))
        status = self.failures.pop(0) if self.failures else 201
        self.posts.append(Post(request.match_info["conversation_id"], request.match_info.get("reply_to_id"),
                               body, request.headers.get("Authorization"), status))
        if status >= 300:
            return web.json_response({"error": {"code": "Throttled", "message": "slow down"}}, status=status,
                                     headers={"Retry-After": "0"} if status == 429 else None)
        return web.json_response({"id": f"act-{next(self._ids)}"}, status=status)

    async def _list(self, request: web.Request) -> web.Response:
        return web.json_response([p.__dict__ for p in self.posts])

    async def _fail(self, request: web.Request) -> web.Response:
        self.fail_next(*(await request.json()))
        return web.json_response({"ok": True})

    async def start(self) -> FakeConnector:
        self._runner = web.AppRunner(self.app())
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


async def _main(port: int) -> None:
    connector = await FakeConnector(port=port).start()
    print(connector.port, flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(_main(int(sys.argv[1]) if len(sys.argv) > 1 else 0))
