"""UserDirectory: cached lookups that stay bounded however many members write."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.users import BoundedCache, UserDirectory
from tests.adapters.slack.fake_slack import FakeSlack


def test_bounded_cache_forgets_the_least_recently_used() -> None:
    cache: BoundedCache[str, int] = BoundedCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # now b is the least recently used
    cache.put("c", 3)
    assert len(cache) == 2 and cache.get("b") is None and cache.get("a") == 1 and cache.get("c") == 3


async def test_directory_caches_are_bounded(fake_slack: FakeSlack) -> None:
    client = AsyncWebClient(token="xoxb-test", base_url=fake_slack.api_url)
    directory = UserDirectory(client, frozenset(), size=3)
    for n in range(10):
        assert (await directory.user(f"U{n}")).id == f"U{n}"
        assert await directory.dm_channel(f"U{n}") == f"DU{n}"
    calls = len(fake_slack.calls)
    await directory.user("U9")
    await directory.dm_channel("U9")
    assert len(fake_slack.calls) == calls  # recent members are still cached
    await directory.user("U0")
    assert len(fake_slack.calls) == calls + 1  # the oldest was forgotten: one more users.info
    assert len(directory._users) == 3 and len(directory._dms) == 3
