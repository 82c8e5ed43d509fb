"""One etcd watch per resource, fanned out to every client watch.

The cache keeps a window of recent events (the history a client may resume from) and a
set of subscribers, each with its own filter and queue. An etcd restart only pauses the
feed: the cache re-watches from the last revision it saw, so no event is lost or repeated.
If etcd has compacted past that point, every subscriber gets a 410 and must relist.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from apiserver import codec
from apiserver.registry import ResourceInfo
from apiserver.storage import Compacted, Event, Storage
from machinery.errors import Gone

log = logging.getLogger(__name__)

Predicate = Callable[[dict[str, Any]], bool]


@dataclass(slots=True)
class CachedEvent:
    type: str  # ADDED, MODIFIED, DELETED
    obj: dict[str, Any]
    prev: dict[str, Any] | None
    revision: int
    namespace: str
    _line: bytes | None = None

    def line(self) -> bytes:
        """The JSON watch event, newline-terminated; serialised once for every watcher."""
        if self._line is None:
            self._line = codec.dumps({"type": self.type, "object": self.obj}) + b"\n"
        return self._line


# What a subscriber receives: (event type to send, event) or an error that ends the watch.
Item = tuple[str, CachedEvent] | Exception


@dataclass(eq=False)
class Subscriber:
    namespace: str | None
    predicate: Predicate | None
    after: int
    queue: asyncio.Queue[Item] = field(default_factory=asyncio.Queue)
    closed: bool = False

    def offer(self, ev: CachedEvent, limit: int) -> bool:
        """Queue what this subscriber should see of ev; False when it is too far behind."""
        if ev.revision <= self.after:
            return True
        if self.namespace and ev.namespace != self.namespace:
            return True
        out = self._translate(ev)
        if out is None:
            return True
        if self.queue.qsize() >= limit:
            return False
        self.queue.put_nowait((out, ev))
        return True

    def _translate(self, ev: CachedEvent) -> str | None:
        p = self.predicate
        if p is None:
            return ev.type
        if ev.type == "ADDED":
            return "ADDED" if p(ev.obj) else None
        if ev.type == "DELETED":
            return "DELETED" if p(ev.obj) else None
        now, before = p(ev.obj), ev.prev is not None and p(ev.prev)
        if now and before:
            return "MODIFIED"
        if now:
            return "ADDED"
        return "DELETED" if before else None


class WatchCache:
    def __init__(
        self,
        storage: Storage,
        info: ResourceInfo,
        *,
        capacity: int = 10_000,
        subscriber_limit: int = 100_000,
    ) -> None:
        self.storage = storage
        self.info = info
        self.prefix = info.key_prefix()
        self.capacity = capacity
        self.subscriber_limit = subscriber_limit
        self.events: deque[CachedEvent] = deque()
        self.window_start = 0  # every event with revision > window_start is known
        self.last_revision = 0
        self.subscribers: set[Subscriber] = set()
        self.ready = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        rev = await self.storage.revision()
        self.window_start = self.last_revision = rev
        self._task = asyncio.create_task(self._run(), name=f"watchcache-{self.info.resource}")
        self.ready.set()

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for sub in list(self.subscribers):
            self._close(sub, None)

    async def _run(self) -> None:
        delay = 0.1
        while True:
            try:
                async for batch in self.storage.watch(
                    self.prefix, start_revision=self.last_revision + 1
                ):
                    delay = 0.1
                    for ev in batch:
                        self._dispatch(ev)
            except asyncio.CancelledError:
                raise
            except Compacted as e:
                log.warning("watch cache compacted resource=%s err=%s", self.info.resource, e)
                await self._reset()
            except Exception as e:  # etcd down or restarting: resume from last_revision
                log.warning(
                    "watch cache lost etcd resource=%s rev=%d err=%s",
                    self.info.resource,
                    self.last_revision,
                    e,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)

    async def _reset(self) -> None:
        rev = await self.storage.revision()
        self.events.clear()
        self.window_start = self.last_revision = rev
        err = Gone("too old resource version: history was compacted; relist")
        for sub in list(self.subscribers):
            self._close(sub, err)

    def _dispatch(self, ev: Event) -> None:
        key_rest = ev.key[len(self.prefix) :]
        namespace = key_rest.split("/", 1)[0] if self.info.namespaced else ""
        prev = codec.decode(ev.prev_value, ev.revision) if ev.prev_value else None
        if ev.type == "DELETE":
            if prev is None:
                return
            cev = CachedEvent("DELETED", prev, None, ev.revision, namespace)
        else:
            obj = codec.decode(ev.value, ev.revision)
            kind = "ADDED" if prev is None else "MODIFIED"
            cev = CachedEvent(kind, obj, prev, ev.revision, namespace)
        self.last_revision = ev.revision
        self.events.append(cev)
        if len(self.events) > self.capacity:
            self.window_start = self.events.popleft().revision
        for sub in list(self.subscribers):
            if not sub.offer(cev, self.subscriber_limit):
                log.warning("closing slow watcher resource=%s", self.info.resource)
                self._close(sub, Gone("watcher too slow; relist"))

    def subscribe(
        self, *, after: int, namespace: str | None, predicate: Predicate | None
    ) -> Subscriber:
        """A subscriber receiving every matching event with revision > after."""
        if after < self.window_start:
            raise Gone(f"too old resource version: {after} ({self.window_start})")
        sub = Subscriber(namespace, predicate, after)
        if after < self.last_revision:
            for ev in self.events:
                sub.offer(ev, self.subscriber_limit)
        self.subscribers.add(sub)
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        self.subscribers.discard(sub)

    def _close(self, sub: Subscriber, err: Exception | None) -> None:
        self.subscribers.discard(sub)
        sub.closed = True
        sub.queue.put_nowait(err if err is not None else EOFError())
