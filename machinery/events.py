"""The event recorder: what a user should see about an object becomes an Event on it.

Repeats of the same event (same object, type, reason and message) are aggregated into one
Event whose count and lastTimestamp grow, as Kubernetes' recorder does. Recording never
blocks the caller: events go through a bounded queue to a background writer, and a full
queue drops the newest (events are best-effort, like Kubernetes').
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass

from prometheus_client import Counter

from machinery.api import Event
from machinery.api.base import KubeObject
from machinery.client.client import Client
from machinery.errors import NotFound, StatusError
from machinery.timeutil import now_rfc3339

log = logging.getLogger(__name__)

DROPPED = Counter(
    "events_dropped_total", "Events not recorded because the recorder's queue was full"
)
NORMAL = "Normal"
WARNING = "Warning"
Key = tuple[str, str, str, str, str, str, str]


@dataclass
class _Pending:
    obj: KubeObject
    type: str
    reason: str
    message: str


@dataclass
class _Seen:
    name: str
    namespace: str
    count: int
    first: str


class EventRecorder:
    def __init__(
        self,
        client: Client,
        *,
        component: str,
        host: str = "",
        max_queue: int = 1000,
        cache_size: int = 4096,
    ) -> None:
        self.client = client
        self.component = component
        self.host = host
        self.cache_size = cache_size
        self._queue: asyncio.Queue[_Pending] = asyncio.Queue(max_queue)
        self._seen: dict[Key, _Seen] = {}
        self._task: asyncio.Task[None] | None = None
        self.dropped = 0

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"events-{self.component}")

    async def stop(self, *, flush_timeout: float = 2.0) -> None:
        if self._task is None:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._queue.join(), flush_timeout)
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    def event(self, obj: KubeObject, type_: str, reason: str, message: str) -> None:
        try:
            self._queue.put_nowait(_Pending(obj, type_, reason, message))
        except asyncio.QueueFull:
            self.dropped += 1
            DROPPED.inc()
            if self.dropped == 1 or self.dropped % 100 == 0:
                log.warning(
                    "event queue full, events dropped component=%s dropped=%d reason=%s",
                    self.component,
                    self.dropped,
                    reason,
                )

    def normal(self, obj: KubeObject, reason: str, message: str) -> None:
        self.event(obj, NORMAL, reason, message)

    def warning(self, obj: KubeObject, reason: str, message: str) -> None:
        self.event(obj, WARNING, reason, message)

    async def _run(self) -> None:
        while True:
            item = await self._queue.get()
            try:
                await self._write(item)
            except StatusError as e:
                log.warning("event not recorded reason=%s err=%s", item.reason, e.message)
            except Exception as e:
                log.warning("event not recorded reason=%s err=%s", item.reason, e)
            finally:
                self._queue.task_done()

    async def _write(self, item: _Pending) -> None:
        meta = item.obj.metadata
        namespace = meta.namespace or "default"
        key: Key = (
            namespace,
            item.obj.kind,
            meta.name,
            meta.uid or "",
            item.type,
            item.reason,
            item.message,
        )
        now = now_rfc3339()
        seen = self._seen.get(key)
        if seen is not None:
            try:
                await self.client.patch(
                    Event,
                    seen.name,
                    {"count": seen.count + 1, "lastTimestamp": now},
                    namespace=seen.namespace,
                )
                seen.count += 1
                return
            except NotFound:
                del self._seen[key]
        name = f"{meta.name}.{time.time_ns():x}"
        event = Event.model_validate(
            {
                "metadata": {"name": name, "namespace": namespace},
                "involvedObject": {
                    "kind": item.obj.kind,
                    "namespace": meta.namespace,
                    "name": meta.name,
                    "uid": meta.uid,
                    "apiVersion": item.obj.api_version,
                    "resourceVersion": meta.resource_version,
                },
                "reason": item.reason,
                "message": item.message,
                "type": item.type,
                "source": {
                    "component": self.component,
                    **({"host": self.host} if self.host else {}),
                },
                "firstTimestamp": now,
                "lastTimestamp": now,
                "count": 1,
                "reportingComponent": self.component,
                "reportingInstance": self.host,
            }
        )
        await self.client.create(event)
        if len(self._seen) >= self.cache_size:
            self._seen.pop(next(iter(self._seen)))
        self._seen[key] = _Seen(name, namespace, 1, now)
