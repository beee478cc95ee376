"""Bolt's OAuth flow ("Add to Slack") wired to the Redis stores, the encrypted tokens and SLACK_API_URL.

`/slack/install` issues a state (kept in Redis, plus Bolt's browser cookie) and shows the Add to Slack link;
`/slack/oauth_redirect` consumes the state, calls oauth.v2.access and auth.test through our client (so
SLACK_API_URL is honoured, as for every other Web API call) and saves the installation. With token rotation
turned on for the app, Bolt refreshes a workspace's token before a request when it expires within two hours;
the scheduler's sender does the same (adapters/slack/workspaces.py).
"""

from __future__ import annotations

from typing import Any

from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.installations import RedisInstallationStore, RedisOAuthStateStore
from bot.config import Settings
from bot.crypto import TokenCipher

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
BOT_SCOPES = ("app_mentions:read", "channels:history", "chat:write", "commands", "groups:history", "im:history",
              "im:read", "im:write", "reactions:write", "users:read")


def oauth_parts(settings: Settings, redis: Any, client: AsyncWebClient
                ) -> tuple[RedisInstallationStore, AsyncOAuthSettings, AsyncTokenRotator]:
    """The installation store, Bolt's OAuth settings and the token rotator for OAuth mode."""
    client_id, client_secret = settings.slack_client_id or "", settings.slack_client_secret or ""
    store = RedisInstallationStore(redis, TokenCipher(settings.oars_secret_key or ""), client_id)
    oauth_settings = AsyncOAuthSettings(
        client_id=client_id, client_secret=client_secret, scopes=list(BOT_SCOPES),
        redirect_uri=settings.slack_redirect_uri or None, install_path=INSTALL_PATH, redirect_uri_path=REDIRECT_PATH,
        installation_store=store, state_store=RedisOAuthStateStore(redis),
    )
    rotator = AsyncTokenRotator(client_id=client_id, client_secret=client_secret, client=client)
    return store, oauth_settings, rotator
