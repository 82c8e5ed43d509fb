"""What every controller shares: the API it writes through, its queue, workers and metrics.

A controller is a `reconcile(key)` coroutine fed by a de-duplicating work queue; informer
handlers only enqueue keys (ARCHITECTURE.md, control loops). `Api` is the narrow slice of
`machinery.client.Client` controllers use, so unit tests can hand in a recording fake.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, ClassVar, Protocol, TypeVar

from prometheus_client import Counter

from machinery.api.base import KubeObject
from machinery.client.client import ObjectList
from machinery.errors import AlreadyExists, Conflict
from machinery.informer import SharedInformerFactory
from machinery.timeutil import now
from machinery.workqueue import WorkQueue, run_workers

log = logging.getLogger(__name__)

T = TypeVar("T", bound=KubeObject)

RECONCILES = Counter(
    "controller_reconciles", "reconcile(key) calls, by controller.", ["controller"]
)
ERRORS = Counter(
    "controller_reconcile_errors",
    "reconcile(key) calls that failed, by controller.",
    ["controller"],
)


class Api(Protocol):
    """The client verbs controllers use (machinery.client.Client has them all)."""

    async def get(self, cls: type[T], name: str, namespace: str | None = None) -> T: ...

    async def list(
        self,
        cls: type[T],
        namespace: str | None = None,
        *,
        all_namespaces: bool = False,
        label_selector: str = "",
        field_selector: str = "",
        limit: int = 500,
    ) -> ObjectList[T]: ...

    async def create(self, obj: T, *, dry_run: bool = False) -> T: ...

    async def update(self, obj: T, *, subresource: str = "") -> T: ...

    async def update_status(self, obj: T) -> T: ...

    async def patch(
        self,
        cls: type[T],
        name: str,
        patch: Any,
        *,
        namespace: str | None = None,
        patch_type: str = "merge",
        subresource: str = "",
        field_manager: str | None = None,
        dry_run: bool = False,
    ) -> T: ...

    async def delete(
        self,
        cls: type[KubeObject],
        name: str,
        namespace: str | None = None,
        *,
        grace_period_seconds: int | None = None,
        propagation_policy: str | None = None,
        uid: str | None = None,
        resource_version: str | None = None,
        dry_run: bool = False,
    ) -> Any: ...

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Any = None,
        content_type: str = "application/json",
    ) -> Any: ...


class Recorder(Protocol):
    """Events on objects (machinery.events.EventRecorder has these)."""

    def normal(self, obj: KubeObject, reason: str, message: str) -> None: ...

    def warning(self, obj: KubeObject, reason: str, message: str) -> None: ...


class NullRecorder:
    def normal(self, obj: KubeObject, reason: str, message: str) -> None:
        return None

    def warning(self, obj: KubeObject, reason: str, message: str) -> None:
        return None


class Controller:
    """Base class: subclasses set `name`, wire informers in `__init__`, implement reconcile."""

    name: ClassVar[str] = ""

    def __init__(
        self,
        api: Api,
        informers: SharedInformerFactory,
        *,
        recorder: Recorder | None = None,
        workers: int = 1,
        clock: Callable[[], datetime] = now,
    ) -> None:
        self.api = api
        self.informers = informers
        self.recorder: Recorder = recorder if recorder is not None else NullRecorder()
        self.workers = workers
        self.clock = clock
        self.queue: WorkQueue[str] = WorkQueue(name=self.name)
        self._reconciles = RECONCILES.labels(self.name)
        self._errors = ERRORS.labels(self.name)

    async def reconcile(self, key: str) -> None:
        raise NotImplementedError

    def enqueue(self, obj: KubeObject) -> None:
        self.queue.add(obj.key)

    async def _handle(self, key: str) -> None:
        self._reconciles.inc()
        try:
            await self.reconcile(key)
        except Exception:
            self._errors.inc()
            raise

    def _on_error(self, key: str, exc: Exception) -> None:
        if isinstance(exc, Conflict | AlreadyExists):  # a stale cache: retried, expected
            log.info("reconcile retried controller=%s key=%s err=%r", self.name, key, exc)
            return
        log.warning("reconcile failed controller=%s key=%s err=%r", self.name, key, exc)

    async def run(self) -> None:
        """Work the queue until it is shut down."""
        await run_workers(self.queue, self._handle, workers=self.workers, on_error=self._on_error)

    def stop(self) -> None:
        self.queue.shutdown()


def split_key(key: str) -> tuple[str | None, str]:
    """`ns/name` -> (ns, name); `name` -> (None, name)."""
    ns, sep, name = key.partition("/")
    return (ns, name) if sep else (None, key)
