"""Serving a watch: initial state, then the cache's events, bookmarks and timeouts."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator
from typing import Any

from apiserver import codec, tables
from apiserver.registry import ResourceInfo
from apiserver.store import Store
from apiserver.watchcache import CachedEvent, Predicate, WatchCache
from machinery.errors import Gone, StatusError

MAX_BATCH = 256  # events joined into one chunk when a watcher has fallen behind


class WatchRequest:
    def __init__(
        self,
        *,
        info: ResourceInfo,
        namespace: str | None,
        predicate: Predicate | None,
        resource_version: str,
        timeout: float | None,
        bookmarks: bool,
        table: bool,
        include_object: str,
        bookmark_interval: float,
        default_timeout: float,
    ) -> None:
        self.info = info
        self.namespace = namespace
        self.predicate = predicate
        self.resource_version = resource_version
        # Kubernetes picks a random timeout in [min, 2*min) when none is given.
        self.timeout = timeout if timeout else default_timeout * (1 + random.random())
        self.bookmarks = bookmarks
        self.table = table
        self.include_object = include_object
        self.bookmark_interval = bookmark_interval

    def line(self, type_: str, ev: CachedEvent) -> bytes:
        if self.table:
            obj = tables.table_for_watch(self.info, ev.obj, include_object=self.include_object)
            return codec.dumps({"type": type_, "object": obj}) + b"\n"
        if type_ == ev.type:
            return ev.line()
        return codec.dumps({"type": type_, "object": ev.obj}) + b"\n"

    def object_line(self, type_: str, obj: dict[str, Any]) -> bytes:
        if self.table:
            obj = tables.table_for_watch(self.info, obj, include_object=self.include_object)
        return codec.dumps({"type": type_, "object": obj}) + b"\n"

    def bookmark(self, revision: int) -> bytes:
        obj = {
            "kind": self.info.kind,
            "apiVersion": self.info.api_version,
            "metadata": {"resourceVersion": str(revision)},
        }
        return codec.dumps({"type": "BOOKMARK", "object": obj}) + b"\n"


def error_line(err: StatusError) -> bytes:
    return codec.dumps({"type": "ERROR", "object": err.to_status()}) + b"\n"


async def stream(req: WatchRequest, cache: WatchCache, store: Store) -> AsyncIterator[bytes]:
    deadline = time.monotonic() + req.timeout
    rv = req.resource_version
    initial: list[dict[str, Any]] = []
    try:
        if rv in ("", "0"):
            sub = cache.subscribe(
                after=cache.last_revision, namespace=req.namespace, predicate=req.predicate
            )
            listed = await store.list(req.info, req.namespace, predicate=req.predicate)
            sub.after = max(sub.after, listed.revision)
            initial = listed.items
        else:
            try:
                after = int(rv)
            except ValueError:
                yield error_line(Gone(f"invalid resource version {rv!r}"))
                return
            sub = cache.subscribe(after=after, namespace=req.namespace, predicate=req.predicate)
    except StatusError as e:
        yield error_line(e)
        return
    try:
        for obj in initial:
            yield req.object_line("ADDED", obj)
        last_bookmark = time.monotonic()
        while True:
            now = time.monotonic()
            remaining = deadline - now
            if remaining <= 0:
                return
            wait = remaining
            if req.bookmarks:
                wait = min(wait, max(0.0, last_bookmark + req.bookmark_interval - now))
            try:
                async with asyncio.timeout(wait):
                    item = await sub.queue.get()
            except TimeoutError:
                if req.bookmarks and time.monotonic() >= last_bookmark + req.bookmark_interval:
                    last_bookmark = time.monotonic()
                    yield req.bookmark(max(cache.last_revision, sub.after))
                continue
            # Whatever else is queued goes out in the same chunk: one write, one flush.
            chunk: list[bytes] = []
            while True:
                if isinstance(item, StatusError):
                    chunk.append(error_line(item))
                    yield b"".join(chunk)
                    return
                if isinstance(item, Exception):
                    if chunk:
                        yield b"".join(chunk)
                    return
                type_, ev = item
                if ev.revision > sub.after:
                    chunk.append(req.line(type_, ev))
                if sub.queue.empty() or len(chunk) >= MAX_BATCH:
                    break
                item = sub.queue.get_nowait()
            if chunk:
                yield b"".join(chunk)
    finally:
        cache.unsubscribe(sub)
