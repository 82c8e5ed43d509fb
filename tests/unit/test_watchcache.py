"""The watch cache over the in-memory storage: fan-out, selectors, window, slow watchers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest

from apiserver.registry import lookup
from apiserver.storage.memory import MemoryStorage
from apiserver.watchcache import Subscriber, WatchCache
from machinery.errors import Gone

CONFIGMAPS = lookup("", "v1", "configmaps")
assert CONFIGMAPS is not None


def cm(name: str, ns: str = "default", **labels: str) -> bytes:
    return orjson.dumps({"metadata": {"name": name, "namespace": ns, "labels": labels}})


@pytest.fixture
async def cache() -> AsyncIterator[tuple[MemoryStorage, WatchCache]]:
    storage = MemoryStorage()
    c = WatchCache(storage, CONFIGMAPS, capacity=5, subscriber_limit=100)
    await c.start()
    yield storage, c
    await c.stop()


async def drain(sub: Subscriber, n: int) -> list[tuple[str, str]]:
    out = []
    for _ in range(n):
        item = await asyncio.wait_for(sub.queue.get(), 2)
        assert not isinstance(item, Exception), item
        type_, ev = item
        out.append((type_, ev.obj["metadata"]["name"]))
    return out


def key(name: str, ns: str = "default") -> str:
    return CONFIGMAPS.key(ns, name)


async def test_fan_out_to_every_subscriber(cache: tuple[MemoryStorage, WatchCache]) -> None:
    storage, c = cache
    subs = [c.subscribe(after=c.last_revision, namespace=None, predicate=None) for _ in range(3)]
    rev = await storage.create(key("a"), cm("a"))
    await storage.update(key("a"), cm("a", x="1"), expected_revision=rev)
    for sub in subs:
        assert await drain(sub, 2) == [("ADDED", "a"), ("MODIFIED", "a")]


async def test_namespace_and_selector_translation(cache: tuple[MemoryStorage, WatchCache]) -> None:
    storage, c = cache

    def web(obj: dict[str, Any]) -> bool:
        return obj["metadata"].get("labels", {}).get("app") == "web"

    sub = c.subscribe(after=c.last_revision, namespace="default", predicate=web)
    await storage.create(key("x", "other"), cm("x", "other", app="web"))  # other namespace
    r = await storage.create(key("a"), cm("a", app="db"))  # not selected
    r = await storage.update(key("a"), cm("a", app="web"), expected_revision=r)  # enters: ADDED
    r = await storage.update(key("a"), cm("a", app="web", v="2"), expected_revision=r)
    r = await storage.update(key("a"), cm("a", app="db"), expected_revision=r)  # leaves: DELETED
    await storage.delete(key("a"), expected_revision=r)  # already gone for this watcher
    rb = await storage.create(key("b"), cm("b", app="web"))
    await storage.delete(key("b"), expected_revision=rb)
    assert await drain(sub, 5) == [
        ("ADDED", "a"),
        ("MODIFIED", "a"),
        ("DELETED", "a"),
        ("ADDED", "b"),
        ("DELETED", "b"),
    ]
    assert sub.queue.empty()


async def test_resume_from_window_and_gone_before_it(
    cache: tuple[MemoryStorage, WatchCache],
) -> None:
    storage, c = cache
    revs = [await storage.create(key(f"c{i}"), cm(f"c{i}")) for i in range(8)]
    await asyncio.wait_for(_until(lambda: c.last_revision == revs[-1]), 2)
    # capacity 5: events after revs[2] are kept, earlier ones are gone
    sub = c.subscribe(after=revs[4], namespace=None, predicate=None)
    assert await drain(sub, 3) == [("ADDED", "c5"), ("ADDED", "c6"), ("ADDED", "c7")]
    with pytest.raises(Gone):
        c.subscribe(after=revs[1], namespace=None, predicate=None)


async def test_slow_watcher_is_closed_with_gone(cache: tuple[MemoryStorage, WatchCache]) -> None:
    storage, c = cache
    c.subscriber_limit = 3
    sub = c.subscribe(after=c.last_revision, namespace=None, predicate=None)
    for i in range(5):
        await storage.create(key(f"s{i}"), cm(f"s{i}"))
    await asyncio.wait_for(_until(lambda: sub.closed), 2)
    items = [sub.queue.get_nowait() for _ in range(sub.queue.qsize())]
    assert isinstance(items[-1], Gone)
    assert sub not in c.subscribers


async def _until(cond: Any) -> None:
    while not cond():
        await asyncio.sleep(0.001)
