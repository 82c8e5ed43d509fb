"""The scheduling queue: active (by priority), back-off, and unschedulable pods.

kube-scheduler's PriorityQueue in small: the active queue pops the highest
spec.priority first, then the oldest; a pod that failed waits out an exponential
back-off (1 s doubling to 10 s) and then sits with the unschedulable pods until a
cluster change (a node added or changed, a pod deleted) could make it fit, which moves
it back (to back-off if its back-off is not over yet). Pods left unschedulable for a
minute are retried anyway. A change that arrives while a pod is being scheduled sends
that pod to back-off instead of unschedulable if it fails, so no move is missed.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass

from prometheus_client import Gauge

from scheduler.podinfo import PodInfo

PENDING = Gauge(
    "scheduler_pending_pods", "Pending pods by queue (active, backoff, unschedulable)", ["queue"]
)


@dataclass(slots=True)
class QueuedPod:
    info: PodInfo
    added: float  # when the pod first entered the queue (for the e2e latency metric)
    attempts: int = 0
    last_failure: float = 0.0
    popped_move_seq: int = 0

    @property
    def key(self) -> str:
        return self.info.key


class QueueClosed(Exception):
    """pop() on a closed queue."""


class SchedulingQueue:
    def __init__(
        self,
        *,
        initial_backoff: float = 1.0,
        max_backoff: float = 10.0,
        unschedulable_timeout: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.initial_backoff = initial_backoff
        self.max_backoff = max_backoff
        self.unschedulable_timeout = unschedulable_timeout
        self.clock = clock
        self._heap: list[tuple[int, float, int, str]] = []
        self._active: dict[str, QueuedPod] = {}
        self._backoff: dict[str, QueuedPod] = {}
        self._unschedulable: dict[str, QueuedPod] = {}
        self._in_flight: dict[str, QueuedPod] = {}
        self._seq = itertools.count()
        self._move_seq = 0
        self._wakeup = asyncio.Event()
        self._closed = False
        for name, where in (
            ("active", self._active),
            ("backoff", self._backoff),
            ("unschedulable", self._unschedulable),
        ):
            PENDING.labels(name).set_function(where.__len__)

    # ---- sizes ------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        return {
            "active": len(self._active),
            "backoff": len(self._backoff),
            "unschedulable": len(self._unschedulable),
        }

    def __contains__(self, key: str) -> bool:
        return (
            key in self._active
            or key in self._backoff
            or key in self._unschedulable
            or key in self._in_flight
        )

    # ---- adding and removing ----------------------------------------------------------
    def _push(self, qp: QueuedPod) -> None:
        self._active[qp.key] = qp
        heapq.heappush(self._heap, (-qp.info.priority, qp.info.created, next(self._seq), qp.key))
        self._wakeup.set()

    def add(self, info: PodInfo) -> None:
        """A new pending pod: straight to the active queue."""
        key = info.key
        if key in self:
            self.update(info)
            return
        self._push(QueuedPod(info, self.clock()))

    def update(self, info: PodInfo, *, may_fit_now: bool = False) -> None:
        """The pod changed; a change that may make it fit moves it out of unschedulable."""
        key = info.key
        for where in (self._active, self._backoff, self._in_flight):
            qp = where.get(key)
            if qp is not None:
                qp.info = info
                return
        qp = self._unschedulable.get(key)
        if qp is None:
            self.add(info)
            return
        qp.info = info
        if may_fit_now:
            del self._unschedulable[key]
            self._requeue(qp)

    def delete(self, key: str) -> None:
        for where in (self._active, self._backoff, self._unschedulable, self._in_flight):
            where.pop(key, None)

    def _backoff_until(self, qp: QueuedPod) -> float:
        delay = min(self.initial_backoff * 2 ** max(qp.attempts - 1, 0), self.max_backoff)
        return qp.last_failure + delay

    def _requeue(self, qp: QueuedPod) -> None:
        if self._backoff_until(qp) > self.clock():
            self._backoff[qp.key] = qp
            self._wakeup.set()
        else:
            self._push(qp)

    # ---- the scheduling loop's side ---------------------------------------------------
    async def pop(self) -> QueuedPod:
        while True:
            self.flush()
            while self._heap:
                _, _, _, key = heapq.heappop(self._heap)
                qp = self._active.pop(key, None)
                if qp is None:
                    continue  # deleted or re-pushed since: a stale heap entry
                qp.attempts += 1
                qp.popped_move_seq = self._move_seq
                self._in_flight[key] = qp
                return qp
            if self._closed:
                raise QueueClosed
            self._wakeup.clear()
            timeout = self._next_flush_in()
            try:
                await asyncio.wait_for(self._wakeup.wait(), timeout)
            except TimeoutError:
                pass

    def _next_flush_in(self) -> float | None:
        now = self.clock()
        times = [self._backoff_until(qp) - now for qp in self._backoff.values()]
        if self._unschedulable:
            times.append(1.0)
        return max(min(times), 0.01) if times else None

    def flush(self) -> None:
        """Back-off that is over -> active; unschedulable for too long -> active/back-off."""
        now = self.clock()
        for key, qp in list(self._backoff.items()):
            if self._backoff_until(qp) <= now:
                del self._backoff[key]
                self._push(qp)
        for key, qp in list(self._unschedulable.items()):
            if now - qp.last_failure >= self.unschedulable_timeout:
                del self._unschedulable[key]
                self._requeue(qp)

    def done(self, key: str) -> None:
        """The pod was scheduled (assumed): it leaves the queue."""
        self._in_flight.pop(key, None)

    def unschedulable(self, qp: QueuedPod, *, backoff_only: bool = False) -> None:
        """The attempt failed: wait for back-off, then for a change (or an error: back-off)."""
        if self._in_flight.pop(qp.key, None) is None:
            return  # deleted (or scheduled elsewhere) while we were trying
        qp.last_failure = self.clock()
        if backoff_only or self._move_seq > qp.popped_move_seq:
            self._backoff[qp.key] = qp
            self._wakeup.set()
        else:
            self._unschedulable[qp.key] = qp

    def retry(self, qp: QueuedPod) -> None:
        """A scheduled pod whose bind failed: back into the queue, with back-off."""
        if qp.key in self._active or qp.key in self._backoff or qp.key in self._unschedulable:
            return
        qp.last_failure = self.clock()
        self._backoff[qp.key] = qp
        self._wakeup.set()

    def move_all(self) -> None:
        """A cluster change that may let unschedulable pods fit now."""
        self._move_seq += 1
        if self._unschedulable:
            pods = list(self._unschedulable.values())
            self._unschedulable.clear()
            for qp in pods:
                self._requeue(qp)

    def close(self) -> None:
        self._closed = True
        self._wakeup.set()
