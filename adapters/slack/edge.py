"""The HTTP edge in front of Bolt: a hostile or malformed request gets a 4xx and one short log line.

Bolt parses a body before it checks the signature (bad JSON, non-UTF-8 or `payload=garbage` become a 500
with a traceback) and logs the whole body of a request whose signature fails. So the signature, the
timestamp and the body's shape are checked here first, on bytes, and only well-formed signed requests
reach Bolt (which checks the signature again).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from urllib.parse import parse_qs

MAX_SKEW_SECONDS = 300


class Refused(Exception):
    """Why a request is refused, and with which status."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def check_request(headers: dict[str, str], body: bytes, signing_secret: str, now: float | None = None) -> str:
    """The body as text when the request is signed and well formed; raises Refused otherwise."""
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    if not timestamp or not signature:
        raise Refused(401, "unsigned")
    if not timestamp.isascii() or not timestamp.isdigit():
        raise Refused(401, "non-numeric timestamp")
    if abs((time.time() if now is None else now) - int(timestamp)) > MAX_SKEW_SECONDS:
        raise Refused(401, "stale timestamp")
    digest = hmac.new(signing_secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256)
    if not hmac.compare_digest(f"v0={digest.hexdigest()}".encode(), signature.encode("utf-8", "replace")):
        raise Refused(401, "bad signature")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "body is not UTF-8") from None
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        _json_object(text, "body")
    else:
        form = parse_qs(text, keep_blank_values=True)
        if "payload" in form:
            _json_object(form["payload"][0], "payload")
        elif "command" in form and not (form.get("user_id", [""])[0] and form.get("team_id", [""])[0]):
            raise Refused(400, "slash command without user or team")
    return text


def _json_object(text: str, what: str) -> None:
    try:
        value = json.loads(text)
    except ValueError:
        raise Refused(400, f"{what} is not JSON") from None
    if not isinstance(value, dict):
        raise Refused(400, f"{what} is not a JSON object")

