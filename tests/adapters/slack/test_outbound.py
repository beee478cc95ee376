"""Scheduled posts through the real SlackSender: a reclaimed entry whose first post landed is not posted twice."""

from __future__ import annotations

from slack_sdk.http_retry.builtin_async_handlers import AsyncConnectionErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.outbound import Poster, SlackSender
from adapters.slack.users import UserDirectory
from bot.delivery import Senders
from bot.outbox import GROUP, STREAM, Outbox, OutboxItem, enqueue
from tests.adapters.slack.conftest import TOKEN, SlackEnv


async def test_a_post_that_landed_after_a_client_timeout_is_not_sent_again(slack_env: SlackEnv) -> None:
    """#12: Slack accepted the post but the client timed out; the reclaimed entry finds it by its metadata."""
    client = AsyncWebClient(token=TOKEN, base_url=slack_env.fake.api_url, timeout=1,
                            retry_handlers=[AsyncConnectionErrorRetryHandler()])
    senders = Senders()
    senders.register("slack", SlackSender(Poster(client, UserDirectory(client, frozenset()))))
    redis = slack_env.engine.store.redis
    outbox = Outbox(redis, slack_env.engine, senders, "one", pace={}, min_idle_ms=0, claim_every=0)
    await outbox.ensure_group()
    item = OutboxItem("channel", "s1", "slack", "T1", "C1", "", "", "2026-03-02T08:30:00+00:00", "2026-03-02")
    entry = await enqueue(redis, "oars:{outbox}:fired:s1:2026-03-02", item)
    slack_env.fake.slow_once("chat.postMessage", 2.5)
    await outbox.drain()  # the post lands, but the client gives up after 1 s: the entry stays pending
    assert int((await redis.xpending(STREAM, GROUP))["pending"]) == 1
    assert await outbox.reclaim() == 1  # finds the first post instead of posting again
    posts = slack_env.fake.calls_to("chat.postMessage")
    assert len(posts) == 1 and posts[0].args["metadata"]["event_payload"]["entry"] == entry
    assert int((await redis.xpending(STREAM, GROUP))["pending"]) == 0
    [message] = slack_env.fake.history["C1"]
    assert await slack_env.engine.store.thread_drill("slack", "T1", "C1", message["ts"]) is not None
