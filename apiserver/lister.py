"""The current state of a small resource (namespaces, priority classes), kept in memory.

Admission asks about these on every pod create; reading them from etcd each time would
double the cost of a create. A lister lists once, then follows the watch cache.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from apiserver import codec
from apiserver.registry import ResourceInfo
from apiserver.storage import Storage
from apiserver.watchcache import WatchCache
from machinery.errors import StatusError

log = logging.getLogger(__name__)


class Lister:
    def __init__(self, storage: Storage, cache: WatchCache, info: ResourceInfo) -> None:
        self.storage = storage
        self.cache = cache
        self.info = info
        self.objects: dict[str, dict[str, Any]] = {}
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        revision = await self._relist()
        self._task = asyncio.create_task(
            self._follow(revision), name=f"lister-{self.info.resource}"
        )

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _relist(self) -> int:
        page = await self.storage.list(self.info.key_prefix())
        objs = {}
        for kv in page.kvs:
            obj = codec.decode(kv.value, kv.mod_revision)
            objs[obj["metadata"]["name"]] = obj
        while page.more:  # small resources: this rarely loops
            page = await self.storage.list(
                self.info.key_prefix(), start=page.kvs[-1].key + "\0", revision=page.revision
            )
            for kv in page.kvs:
                obj = codec.decode(kv.value, kv.mod_revision)
                objs[obj["metadata"]["name"]] = obj
        self.objects = objs
        return page.revision

    async def _follow(self, after: int) -> None:
        while True:
            try:
                sub = self.cache.subscribe(after=after, namespace=None, predicate=None)
            except StatusError:
                after = await self._relist()
                continue
            try:
                while True:
                    item = await sub.queue.get()
                    if isinstance(item, Exception):
                        break
                    type_, ev = item
                    name = ev.obj["metadata"]["name"]
                    if type_ == "DELETED":
                        self.objects.pop(name, None)
                    else:
                        self.objects[name] = ev.obj
                    after = ev.revision
            finally:
                self.cache.unsubscribe(sub)
            try:
                after = await self._relist()
            except Exception as e:
                log.warning("lister relist failed resource=%s err=%s", self.info.resource, e)
                await asyncio.sleep(1)

    def observe(self, obj: dict[str, Any], *, deleted: bool = False) -> None:
        """Write-through from this process's own writes, so it reads its own writes at once."""
        name = obj["metadata"]["name"]
        current = self.objects.get(name)
        rv = int(obj["metadata"].get("resourceVersion") or 0)
        if current is not None and int(current["metadata"]["resourceVersion"]) > rv:
            return
        if deleted:
            self.objects.pop(name, None)
        else:
            self.objects[name] = obj

    def get(self, name: str) -> dict[str, Any] | None:
        return self.objects.get(name)

    def list(self) -> list[dict[str, Any]]:
        return list(self.objects.values())
