"""The baseline of `python -m bench e2e`: a minimal slack_bolt AsyncApp that answers every DM with one fixed
reply. Default Bolt settings, as its documentation starts an app; the same fake Slack Web API as OARS.

    SLACK_BOT_TOKEN=… SLACK_SIGNING_SECRET=… SLACK_API_URL=http://…/api/ python -m bench.bare_bolt PORT
"""

from __future__ import annotations

import os
import sys
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient


def main() -> None:
    client = AsyncWebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])
    app = AsyncApp(client=client, signing_secret=os.environ["SLACK_SIGNING_SECRET"])

    @app.event("message")
    async def reply(event: dict[str, Any], client: AsyncWebClient) -> None:
        await client.chat_postMessage(channel=event["channel"], text="Thanks, got it!")

    app.start(port=int(sys.argv[1]), host="127.0.0.1")


if __name__ == "__main__":
    main()
