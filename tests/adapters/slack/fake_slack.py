"""A local stand-in for the Slack Web API and response_url endpoints, recording every call.

It answers the way Slack does (`{"ok": true, ...}`) for the methods the adapter uses, and can
answer one call of a method with 429 + Retry-After to exercise rate-limit handling.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_USER = "UBOT"
TEAM = "T1"


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    status: int = 200
    at: float = field(default_factory=time.monotonic)
    token: str = ""  # the bearer token the call carried ('' for none)


@dataclass
class Workspace:
    """A workspace that can install the app through OAuth (`oauth.v2.access` with its code)."""

    team: str
    code: str
    installer: str = "UINSTALLER"
    enterprise: str | None = None
    rotation: bool = False  # issue refresh tokens and short-lived bot tokens
    expires_in: int = 43200
    issued: int = 0


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.users: dict[str, dict[str, Any]] = {}
        self._rate_limit: dict[str, float] = {}
        self._slow: dict[str, float] = {}
        self.history: dict[str, list[dict[str, Any]]] = {}  # channel -> posted messages, newest first
        self._ts = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.base = ""
        self.socket_envelopes: list[dict[str, Any]] = []  # sent to a Socket Mode client once it connects
        self.socket_acks: list[dict[str, Any]] = []
        self.delay: dict[str, float] = {}  # method -> seconds to wait before answering (a slow Slack)
        self.connections: set[Any] = set()  # client (host, port) pairs seen: one per TCP connection
        self.client_id, self.client_secret = "CLIENT-ID", "CLIENT-SECRET"
        self.workspaces: dict[str, Workspace] = {}
        self.tokens: dict[str, str] = {}  # bot token (or refresh token) -> team
        self.uploads: dict[str, bytes] = {}  # file id -> bytes sent to its upload URL (files_upload_v2, step 2)
        self._file_ids = itertools.count(1)
        self._waiters: set[asyncio.Event] = set()  # one per running `wait_for`, set on every recorded call

    @property
    def api_url(self) -> str:
        return f"{self.base}/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"{self.base}/response/{name}"

    def rate_limit_once(self, method: str, retry_after: float = 1) -> None:
        """The next call to `method` gets HTTP 429 with this Retry-After."""
        self._rate_limit[method] = retry_after

    def slow_once(self, method: str, seconds: float) -> None:
        """The next call to `method` is carried out at once but answered only after `seconds` (a client
        that times out meanwhile never learns it succeeded)."""
        self._slow[method] = seconds

    def add_user(self, user: str, tz: str = "Europe/Berlin", admin: bool = False, name: str = "") -> None:
        self.users[user] = {"id": user, "name": name or user.lower(), "tz": tz, "is_admin": admin,
                            "is_owner": False, "profile": {"display_name": name or user.lower()}}

    def add_workspace(self, team: str, rotation: bool = False, expires_in: int = 43200,
                      enterprise: str | None = None) -> Workspace:
        """A workspace whose admin will approve the install: its OAuth code is `code-<team>`."""
        workspace = Workspace(team, f"code-{team}", enterprise=enterprise, rotation=rotation, expires_in=expires_in)
        self.workspaces[team] = workspace
        return workspace

    def team_of(self, call: Call) -> str | None:
        return self.tokens.get(call.token)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{name}", self._response)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # --- queries ---------------------------------------------------------------------------------
    def calls_to(self, method: str, ok_only: bool = True) -> list[Call]:
        return [c for c in self.calls if c.method == method and (c.status == 200 or not ok_only)]

    def sent(self) -> list[Call]:
        """Everything that shows a message to someone."""
        return [c for c in self.calls if c.status == 200 and (
            c.method in {"chat.postMessage", "chat.postEphemeral"} or c.method.startswith("response:"))]

    def record(self, call: Call) -> None:
        """Keep a call and wake every `wait_for` to look at it."""
        self.calls.append(call)
        for waiter in self._waiters:
            waiter.set()

    async def wait_for(self, method: str, count: int = 1, within: float = 30.0) -> list[Call]:
        """Until `count` successful calls to `method` (prefix match for 'response:') were recorded.

        Woken by each call as it is recorded, so it returns the moment the call lands; `within` only bounds a
        failure, and is generous because a loaded CI machine may take seconds for what takes milliseconds here
        (a first model load, a worker thread that waits for a core)."""
        arrived = asyncio.Event()
        self._waiters.add(arrived)
        try:
            async with asyncio.timeout(within):
                while True:
                    arrived.clear()
                    found = [c for c in self.calls if c.status == 200 and (c.method == method or (
                        method == "response:" and c.method.startswith("response:")))]
                    if len(found) >= count:
                        return found
                    await arrived.wait()
        except TimeoutError:
            raise AssertionError(f"expected {count} call(s) to {method} within {within} s; "
                                 f"got {[c.method for c in self.calls]}") from None
        finally:
            self._waiters.discard(arrived)

    # --- handlers --------------------------------------------------------------------------------
    @staticmethod
    async def _args(request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                args.update(await request.json())
            else:
                args.update(dict(await request.post()))
        for key in ("blocks", "view"):  # form-encoded calls carry these as JSON strings
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        return args

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.transport is not None:
            self.connections.add(request.transport.get_extra_info("peername"))
        args = await self._args(request)
        auth = request.headers.get("Authorization", "")
        token = auth[len("Bearer "):] if auth.startswith("Bearer ") else str(args.get("token", ""))
        if auth.startswith("Basic "):
            client_id, _, client_secret = base64.b64decode(auth[len("Basic "):]).decode().partition(":")
            args.setdefault("client_id", client_id)
            args.setdefault("client_secret", client_secret)
        if method in self.delay:
            await asyncio.sleep(self.delay[method])
        if method in self._rate_limit:
            retry_after = self._rate_limit.pop(method)
            self.record(Call(method, args, status=429))
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                     headers={"Retry-After": str(int(retry_after))})
        self.record(Call(method, args, token=token))
        if method == "oauth.v2.access":
            return web.json_response(self._oauth_access(args))
        if token not in self.tokens and any(token.startswith(f"xoxb-{team}-") for team in self.workspaces):
            return web.json_response({"ok": False, "error": "invalid_auth"})  # expired by rotation, or revoked
        answer = self._answer(method, args, token)
        if method in self._slow:
            await asyncio.sleep(self._slow.pop(method))
        return web.json_response(answer)

    async def _response(self, request: web.Request) -> web.Response:
        args = await self._args(request)
        self.record(Call(f"response:{request.match_info['name']}", args))
        return web.Response(text="ok")

    async def _upload(self, request: web.Request) -> web.Response:
        """The upload URL files.getUploadURLExternal hands out: the raw file bytes arrive here."""
        file_id = request.match_info["file_id"]
        self.uploads[file_id] = await request.read()
        self.record(Call(f"upload:{file_id}", {"length": len(self.uploads[file_id])}))
        return web.Response(text=f"OK - {len(self.uploads[file_id])}")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        """Socket Mode: say hello, push the queued envelopes, record what the app acks."""
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": 1})
        for envelope in self.socket_envelopes:
            await ws.send_json(envelope)
        async for message in ws:
            if message.type == web.WSMsgType.TEXT:
                self.socket_acks.append(json.loads(message.data))
                self.record(Call("socket:ack", json.loads(message.data)))
        return ws

    def _oauth_access(self, args: dict[str, Any]) -> dict[str, Any]:
        """oauth.v2.access: exchange an install code, or (token rotation) a refresh token, for a bot token."""
        if (args.get("client_id"), args.get("client_secret")) != (self.client_id, self.client_secret):
            return {"ok": False, "error": "invalid_client_id"}
        if args.get("grant_type") == "refresh_token":
            team = self.tokens.get(str(args.get("refresh_token", "")))
            if team is None:
                return {"ok": False, "error": "invalid_refresh_token"}
            return {"ok": True, **self._issue(self.workspaces[team]), "team": {"id": team}}
        workspace = next((w for w in self.workspaces.values() if w.code == args.get("code")), None)
        if workspace is None:
            return {"ok": False, "error": "invalid_code"}
        return {"ok": True, "app_id": "A1", "authed_user": {"id": workspace.installer}, "scope": "chat:write,commands",
                "bot_user_id": BOT_USER, "team": {"id": workspace.team, "name": f"Team {workspace.team}"},
                "enterprise": {"id": workspace.enterprise} if workspace.enterprise else None,
                "is_enterprise_install": False, **self._issue(workspace)}

    def _issue(self, workspace: Workspace) -> dict[str, Any]:
        """A new bot token; an older one stops working once rotation is on (as Slack's expire)."""
        workspace.issued += 1
        token = f"xoxb-{workspace.team}-{workspace.issued}"
        if workspace.rotation:
            for old in [t for t, team in self.tokens.items() if team == workspace.team and t.startswith("xoxb-")]:
                del self.tokens[old]
        self.tokens[token] = workspace.team
        issued: dict[str, Any] = {"access_token": token, "token_type": "bot", "scope": "chat:write,commands"}
        if workspace.rotation:
            refresh = f"xoxe-1-{workspace.team}-{workspace.issued}"
            self.tokens[refresh] = workspace.team
            issued.update(refresh_token=refresh, expires_in=workspace.expires_in)
        return issued

    def revoke(self, team: str) -> None:
        """The workspace removed the app: its tokens stop working."""
        for token in [t for t, owner in self.tokens.items() if owner == team]:
            del self.tokens[token]

    def _answer(self, method: str, args: dict[str, Any], token: str = "") -> dict[str, Any]:
        ts = f"{1700000000 + next(self._ts)}.000100"
        if method == "auth.test":
            team = self.tokens.get(token, TEAM)
            return {"ok": True, "url": f"https://{team.lower()}.slack.com/", "team": "Team", "user": "oars",
                    "team_id": team, "user_id": BOT_USER, "bot_id": "BBOT", "is_enterprise_install": False}
        if method == "users.info":
            user = str(args.get("user", ""))
            info = self.users.get(user) or {"id": user, "name": user.lower(), "tz": "Europe/Berlin",
                                            "is_admin": False, "is_owner": False,
                                            "profile": {"display_name": user.lower()}}
            return {"ok": True, "user": info}
        if method == "conversations.open":
            users = str(args.get("users", ""))
            return {"ok": True, "channel": {"id": "D" + users.split(",")[0]}}
        if method == "chat.postMessage":
            message = {"text": args.get("text"), "ts": ts, "bot_id": "BBOT"}
            metadata = args.get("metadata")
            if isinstance(metadata, str):
                metadata = json.loads(metadata)
            if metadata:
                message["metadata"] = metadata
            self.history.setdefault(str(args.get("channel")), []).insert(0, message)
            return {"ok": True, "channel": args.get("channel"), "ts": ts, "message": message}
        if method == "conversations.history":
            messages = self.history.get(str(args.get("channel")), [])[: int(args.get("limit") or 100)]
            if str(args.get("include_all_metadata")).lower() not in {"true", "1"}:
                messages = [{k: v for k, v in m.items() if k != "metadata"} for m in messages]
            return {"ok": True, "messages": messages, "has_more": False}
        if method == "apps.connections.open":
            return {"ok": True, "url": self.base.replace("http", "ws", 1) + "/socket"}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": ts}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._file_ids):04d}"
            return {"ok": True, "upload_url": f"{self.base}/upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = json.loads(args.get("files") or "[]")
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title"), "size": len(
                self.uploads.get(f["id"], b"")), "channels": [args.get("channel_id")]} for f in files]}
        if method in {"views.publish", "views.open"}:
            return {"ok": True, "view": {"id": "V" + ts.replace(".", ""), **(args.get("view") or {})}}
        return {"ok": True}
