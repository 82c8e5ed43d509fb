"""Informers: a local, indexed copy of a resource kept current by list + watch.

The pattern of client-go's reflector and shared informer: list, then watch from the list's
resourceVersion; after a dropped stream resume from the last version seen; on 410 relist
and reconcile the cache with the new list (handlers see the differences); resync
periodically. Handlers should only enqueue keys; never mutate a cached object.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import logging
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from machinery.api.base import KubeObject
from machinery.client.client import Client
from machinery.errors import Gone

log = logging.getLogger(__name__)

T = TypeVar("T", bound=KubeObject)
Indexer = Callable[[Any], Iterable[str]]


def by_namespace(obj: KubeObject) -> list[str]:
    return [obj.metadata.namespace or ""]


def by_label(obj: KubeObject) -> list[str]:
    return [f"{k}={v}" for k, v in (obj.metadata.labels or {}).items()]


def by_owner_uid(obj: KubeObject) -> list[str]:
    return [ref.uid for ref in obj.metadata.owner_references or [] if ref.uid]


def by_node_name(obj: KubeObject) -> list[str]:
    spec = getattr(obj, "spec", None)
    node = spec.get("nodeName") if isinstance(spec, dict) else getattr(spec, "node_name", None)
    return [node] if node else []


DEFAULT_INDEXERS: dict[str, Indexer] = {
    "namespace": by_namespace,
    "label": by_label,
    "owner": by_owner_uid,
    "node": by_node_name,
}


class Cache(Generic[T]):
    """Objects by key (`ns/name`), with secondary indexes."""

    def __init__(self, indexers: dict[str, Indexer] | None = None) -> None:
        self.indexers = dict(DEFAULT_INDEXERS if indexers is None else indexers)
        self._objects: dict[str, T] = {}
        self._index: dict[str, dict[str, set[str]]] = {n: {} for n in self.indexers}

    def __len__(self) -> int:
        return len(self._objects)

    def __contains__(self, key: str) -> bool:
        return key in self._objects

    def get(self, key: str) -> T | None:
        return self._objects.get(key)

    def get_by(self, namespace: str | None, name: str) -> T | None:
        return self._objects.get(f"{namespace}/{name}" if namespace else name)

    def list(self) -> builtins.list[T]:
        return [*self._objects.values()]

    def key_list(self) -> builtins.list[str]:
        return [*self._objects]

    def by_index(self, index: str, value: str) -> builtins.list[T]:
        return [self._objects[k] for k in self._index[index].get(value, ())]

    def put(self, obj: T) -> T | None:
        key = obj.key
        old = self._objects.get(key)
        if old is not None:
            self._unindex(key, old)
        self._objects[key] = obj
        for name, fn in self.indexers.items():
            for value in fn(obj):
                self._index[name].setdefault(value, set()).add(key)
        return old

    def remove(self, key: str) -> T | None:
        old = self._objects.pop(key, None)
        if old is not None:
            self._unindex(key, old)
        return old

    def _unindex(self, key: str, obj: T) -> None:
        for name, fn in self.indexers.items():
            for value in fn(obj):
                keys = self._index[name].get(value)
                if keys is not None:
                    keys.discard(key)
                    if not keys:
                        del self._index[name][value]


@dataclass
class Handlers(Generic[T]):
    on_add: Callable[[T], None] | None = None
    on_update: Callable[[T, T], None] | None = None
    on_delete: Callable[[T], None] | None = None


@dataclass
class InformerStats:
    lists: int = 0
    watches: int = 0
    events: int = 0
    errors: int = 0
    last_error: str = ""
    extra: dict[str, int] = field(default_factory=dict)


class Informer(Generic[T]):
    def __init__(
        self,
        client: Client,
        cls: type[T],
        *,
        namespace: str | None = None,
        label_selector: str = "",
        field_selector: str = "",
        resync_period: float = 0.0,
        indexers: dict[str, Indexer] | None = None,
        watch_timeout: tuple[int, int] = (300, 600),
    ) -> None:
        self.client = client
        self.cls = cls
        self.namespace = namespace
        self.label_selector = label_selector
        self.field_selector = field_selector
        self.resync_period = resync_period
        self.watch_timeout = watch_timeout
        self.cache: Cache[T] = Cache(indexers)
        self.handlers: list[Handlers[T]] = []
        self.resource_version = ""
        self.stats = InformerStats()
        self._synced = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    # ---- wiring -----------------------------------------------------------------------
    def add_handlers(
        self,
        on_add: Callable[[T], None] | None = None,
        on_update: Callable[[T, T], None] | None = None,
        on_delete: Callable[[T], None] | None = None,
    ) -> None:
        """Handlers added after sync are first told about every cached object (as adds)."""
        h = Handlers(on_add, on_update, on_delete)
        self.handlers.append(h)
        if self._synced.is_set() and on_add:
            for obj in self.cache.list():
                on_add(obj)

    @property
    def has_synced(self) -> bool:
        return self._synced.is_set()

    async def wait_synced(self, timeout: float | None = None) -> None:
        await asyncio.wait_for(self._synced.wait(), timeout)

    def start(self) -> None:
        if not self._tasks:
            self._tasks.append(asyncio.create_task(self._run(), name=f"informer-{self.cls.KIND}"))
            if self.resync_period > 0:
                self._tasks.append(asyncio.create_task(self._resync()))

    async def stop(self) -> None:
        for t in self._tasks:
            t.cancel()
        for t in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await t
        self._tasks.clear()

    # ---- the reflector loop -------------------------------------------------------------
    async def _run(self) -> None:
        delay = 0.2
        need_list = not self.has_synced  # a restarted informer resumes from its version
        while True:
            try:
                if need_list:
                    await self._list()
                    need_list = False
                await self._watch()
                delay = 0.2  # the stream ended normally (timeout): watch again at once
            except asyncio.CancelledError:
                raise
            except Gone as e:
                log.info("informer relists kind=%s reason=%s", self.cls.KIND, e.message)
                need_list = True
            except Exception as e:  # apiserver down, stream broken: back off, then resume
                self.stats.errors += 1
                self.stats.last_error = str(e)
                log.warning(
                    "informer lost its watch kind=%s rv=%s err=%s",
                    self.cls.KIND,
                    self.resource_version,
                    e,
                )
                await asyncio.sleep(delay * (0.5 + random.random()))
                delay = min(delay * 2, 5.0)

    async def _list(self) -> None:
        result = await self.client.list(
            self.cls,
            self.namespace,
            all_namespaces=self.namespace is None,
            label_selector=self.label_selector,
            field_selector=self.field_selector,
        )
        self.stats.lists += 1
        fresh = {obj.key: obj for obj in result.items}
        for key in self.cache.key_list():
            if key not in fresh:
                old = self.cache.remove(key)
                if old is not None:
                    self._notify_delete(old)
        for obj in fresh.values():
            old = self.cache.put(obj)
            if old is None:
                self._notify_add(obj)
            elif old.metadata.resource_version != obj.metadata.resource_version:
                self._notify_update(old, obj)
        self.resource_version = result.resource_version
        self._synced.set()

    async def _watch(self) -> None:
        self.stats.watches += 1
        timeout = random.randint(*self.watch_timeout)
        async for ev in self.client.watch(
            self.cls,
            self.namespace,
            all_namespaces=self.namespace is None,
            resource_version=self.resource_version,
            label_selector=self.label_selector,
            field_selector=self.field_selector,
            timeout_seconds=timeout,
        ):
            self.stats.events += 1
            if ev.type == "BOOKMARK":
                self.resource_version = ev.resource_version or self.resource_version
                continue
            obj = ev.object
            if ev.type == "DELETED":
                self.cache.remove(obj.key)
                self._notify_delete(obj)
            else:
                old = self.cache.put(obj)
                if old is None:
                    self._notify_add(obj)
                else:
                    self._notify_update(old, obj)
            self.resource_version = ev.resource_version or self.resource_version

    async def _resync(self) -> None:
        while True:
            await asyncio.sleep(self.resync_period)
            if self.has_synced:
                for obj in self.cache.list():
                    self._notify_update(obj, obj)

    # ---- handlers ---------------------------------------------------------------------
    def _notify_add(self, obj: T) -> None:
        for h in self.handlers:
            if h.on_add:
                _safe(h.on_add, obj)

    def _notify_update(self, old: T, new: T) -> None:
        for h in self.handlers:
            if h.on_update:
                _safe(h.on_update, old, new)

    def _notify_delete(self, obj: T) -> None:
        for h in self.handlers:
            if h.on_delete:
                _safe(h.on_delete, obj)


def _safe(fn: Callable[..., None], *args: Any) -> None:
    try:
        fn(*args)
    except Exception:
        log.exception("informer handler failed handler=%s", getattr(fn, "__qualname__", fn))


class SharedInformerFactory:
    """One informer (one watch) per resource and selector, however many users it has."""

    def __init__(self, client: Client, *, resync_period: float = 0.0) -> None:
        self.client = client
        self.resync_period = resync_period
        self._informers: dict[tuple[Any, ...], Informer[Any]] = {}

    def informer(
        self,
        cls: type[T],
        *,
        namespace: str | None = None,
        label_selector: str = "",
        field_selector: str = "",
    ) -> Informer[T]:
        key = (cls, namespace, label_selector, field_selector)
        inf = self._informers.get(key)
        if inf is None:
            inf = Informer(
                self.client,
                cls,
                namespace=namespace,
                label_selector=label_selector,
                field_selector=field_selector,
                resync_period=self.resync_period,
            )
            self._informers[key] = inf
        return inf

    def start(self) -> None:
        for inf in self._informers.values():
            inf.start()

    async def wait_synced(self, timeout: float | None = None) -> None:
        await asyncio.gather(*(i.wait_synced(timeout) for i in self._informers.values()))

    @property
    def has_synced(self) -> bool:
        return all(i.has_synced for i in self._informers.values())

    async def stop(self) -> None:
        for inf in self._informers.values():
            await inf.stop()
