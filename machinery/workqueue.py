"""The de-duplicating, rate-limited work queue every controller's workers drain.

Event handlers only enqueue keys; workers take one, reconcile it, and either `forget` it
(success) or requeue it with back-off (failure). Modelled on client-go's
`util/workqueue`, with the same guarantees:

- fair: items are handed out in the order they were added (FIFO);
- stingy: an item added many times before a worker takes it is handled once (the
  *dirty* set), and one item is never handled by two workers at once (the *processing*
  set); an item added while it is being handled goes back in the queue, once, when its
  worker calls `done`;
- delayed adds (`add_after`) use one event-loop timer per item, keeping the earliest
  deadline when the same item is delayed twice; `add_rate_limited` asks a `RateLimiter`
  how long to wait (per-item exponential back-off and a global token bucket by default).

Everything runs on one event loop; nothing here is thread-safe.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, Protocol, TypeVar

from prometheus_client import Counter, Gauge, Histogram

__all__ = [
    "ItemExponentialBackoff",
    "MaxOf",
    "RateLimiter",
    "ShutDown",
    "TokenBucket",
    "WorkQueue",
    "default_rate_limiter",
    "run_workers",
]

log = logging.getLogger(__name__)

T = TypeVar("T", bound=Hashable)

# Module-level, labelled by queue name: registered once however many queues exist.
_DEPTH = Gauge("workqueue_depth", "Items waiting in the work queue.", ["name"])
_ADDS = Counter("workqueue_adds", "Items added to the work queue.", ["name"])
_RETRIES = Counter("workqueue_retries", "Rate-limited re-adds to the work queue.", ["name"])
_QUEUE_SECONDS = Histogram(
    "workqueue_queue_duration_seconds", "Time an item waits before a worker takes it.", ["name"]
)
_WORK_SECONDS = Histogram(
    "workqueue_work_duration_seconds", "Time a worker spends on one item.", ["name"]
)


class ShutDown(Exception):
    """`get` on a queue that is shut down (and, when draining, empty)."""


class RateLimiter(Protocol):
    def when(self, item: Hashable) -> float:
        """Seconds to wait before `item` may be retried; records one more failure."""
        ...

    def forget(self, item: Hashable) -> None:
        """Stop tracking `item` (it succeeded, or the caller gave up on it)."""
        ...

    def retries(self, item: Hashable) -> int:
        """How many failures of `item` are being tracked."""
        ...


class ItemExponentialBackoff:
    """Per item: `base * 2**failures` seconds, capped at `cap` (0.005, 0.01, 0.02, ...)."""

    def __init__(self, base: float = 0.005, cap: float = 1000.0) -> None:
        if base < 0 or cap < 0:
            raise ValueError("base and cap must not be negative")
        self.base, self.cap = base, cap
        self._failures: dict[Hashable, int] = {}

    def when(self, item: Hashable) -> float:
        failures = self._failures.get(item, 0)
        self._failures[item] = failures + 1
        # 2.0**1024 overflows; long before that the cap applies anyway.
        return min(self.base * 2.0 ** min(failures, 1000), self.cap)

    def forget(self, item: Hashable) -> None:
        self._failures.pop(item, None)

    def retries(self, item: Hashable) -> int:
        return self._failures.get(item, 0)


class TokenBucket:
    """Global: `burst` tokens, refilled at `qps` per second, shared by every item.

    Each `when` takes a token; once the bucket is empty the answer is how long until the
    token it borrowed will have been refilled, so a storm of failures is spread out at
    `qps` (golang.org/x/time/rate's reservations, as client-go's BucketRateLimiter uses).
    """

    def __init__(
        self,
        qps: float = 10.0,
        burst: int = 100,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if qps <= 0 or burst < 1:
            raise ValueError("qps must be positive and burst at least 1")
        self.qps, self.burst = qps, burst
        self._clock = clock
        self._tokens = float(burst)
        self._last = clock()

    def when(self, item: Hashable) -> float:
        now = self._clock()
        self._tokens = min(float(self.burst), self._tokens + (now - self._last) * self.qps)
        self._last = now
        self._tokens -= 1.0
        return 0.0 if self._tokens >= 0 else -self._tokens / self.qps

    def forget(self, item: Hashable) -> None:
        return None

    def retries(self, item: Hashable) -> int:
        return 0


class MaxOf:
    """Asks every limiter (so each records the failure); the longest wait wins."""

    def __init__(self, *limiters: RateLimiter) -> None:
        if not limiters:
            raise ValueError("MaxOf needs at least one limiter")
        self.limiters = limiters

    def when(self, item: Hashable) -> float:
        return max([limiter.when(item) for limiter in self.limiters])

    def forget(self, item: Hashable) -> None:
        for limiter in self.limiters:
            limiter.forget(item)

    def retries(self, item: Hashable) -> int:
        return max(limiter.retries(item) for limiter in self.limiters)


def default_rate_limiter() -> RateLimiter:
    """client-go's DefaultControllerRateLimiter: 5ms doubling to 1000s per item, 10 qps overall."""
    return MaxOf(ItemExponentialBackoff(base=0.005, cap=1000.0), TokenBucket(qps=10.0, burst=100))


class WorkQueue(Generic[T]):
    """See the module docstring. `clock` timestamps items for the duration metrics."""

    def __init__(
        self,
        *,
        name: str = "",
        rate_limiter: RateLimiter | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self.rate_limiter = rate_limiter if rate_limiter is not None else default_rate_limiter()
        self._clock = clock
        self._queue: deque[T] = deque()  # every element is dirty and not processing
        self._dirty: set[T] = set()  # needs handling: queued, or re-added while processing
        self._queued_at: dict[T, float] = {}
        self._processing: dict[T, float] = {}  # item -> when a worker took it
        self._waiting: dict[T, tuple[float, asyncio.TimerHandle]] = {}  # add_after timers
        self._getters: deque[asyncio.Future[None]] = deque()
        self._shutting_down = False
        self._draining = False
        self._drained = asyncio.Event()
        self._depth = _DEPTH.labels(name)
        self._adds = _ADDS.labels(name)
        self._retries = _RETRIES.labels(name)
        self._queue_seconds = _QUEUE_SECONDS.labels(name)
        self._work_seconds = _WORK_SECONDS.labels(name)

    def __len__(self) -> int:
        return len(self._queue)

    @property
    def shutting_down(self) -> bool:
        return self._shutting_down

    def add(self, item: T) -> None:
        if self._shutting_down or item in self._dirty:
            return
        self._dirty.add(item)
        self._adds.inc()
        if item not in self._processing:  # else `done` puts it back
            self._enqueue(item)

    def add_after(self, item: T, delay: float) -> None:
        if self._shutting_down:
            return
        if delay <= 0:
            self.add(item)
            return
        loop = asyncio.get_running_loop()
        ready = loop.time() + delay
        pending = self._waiting.get(item)
        if pending is not None:
            if pending[0] <= ready:
                return  # already due sooner
            pending[1].cancel()
        self._waiting[item] = (ready, loop.call_at(ready, self._fire, item))

    def add_rate_limited(self, item: T) -> None:
        if self._shutting_down:
            return
        self._retries.inc()
        self.add_after(item, self.rate_limiter.when(item))

    def forget(self, item: T) -> None:
        self.rate_limiter.forget(item)

    def num_requeues(self, item: T) -> int:
        return self.rate_limiter.retries(item)

    async def get(self) -> T:
        """The next item, now marked processing; the caller must call `done(item)`."""
        while not self._queue:  # (a shutdown without drain empties it for good)
            if self._shutting_down and (not self._draining or not self._dirty):
                raise ShutDown(self.name)
            getter = asyncio.get_running_loop().create_future()
            self._getters.append(getter)
            try:
                await getter
            except asyncio.CancelledError:
                if getter in self._getters:
                    self._getters.remove(getter)
                elif self._queue:  # it had been woken for an item: pass the turn on
                    self._wake_one()
                raise
        item = self._queue.popleft()
        self._depth.dec()
        now = self._clock()
        self._queue_seconds.observe(max(0.0, now - self._queued_at.pop(item, now)))
        self._dirty.discard(item)
        self._processing[item] = now
        return item

    def done(self, item: T) -> None:
        """`item` is handled; if it was added meanwhile it goes back in the queue."""
        try:
            started = self._processing.pop(item)
        except KeyError:
            raise ValueError(f"done({item!r}) without a matching get()") from None
        self._work_seconds.observe(max(0.0, self._clock() - started))
        if item in self._dirty:
            self._enqueue(item)
        self._check_drained()

    def shutdown(self, *, drain: bool = False) -> None:
        """Refuse new items and wake every getter.

        Without `drain`, queued, re-added and delayed items are dropped and `get` raises
        `ShutDown` at once; workers still call `done` for what they hold. With `drain`, `get`
        keeps handing out what is queued (and what `done` re-adds) before raising. A plain
        shutdown during a drain stops it; a drain after a plain shutdown has nothing to do.
        """
        if not drain:
            self._draining = False
        elif not self._shutting_down:
            self._draining = True
        self._shutting_down = True
        for _, timer in self._waiting.values():
            timer.cancel()
        self._waiting.clear()
        if not self._draining:
            self._depth.dec(len(self._queue))
            self._queue.clear()
            self._queued_at.clear()
            self._dirty.clear()
        self._check_drained()

    async def shutdown_with_drain(self) -> None:
        """Shut down, then wait until every queued and in-flight item is `done`.

        Waits forever if no worker is left to take the queued items.
        """
        self.shutdown(drain=True)
        await self._drained.wait()

    def _enqueue(self, item: T) -> None:
        self._queue.append(item)
        self._queued_at[item] = self._clock()
        self._depth.inc()
        self._wake_one()

    def _wake_one(self) -> None:
        while self._getters:
            getter = self._getters.popleft()
            if not getter.done():
                getter.set_result(None)
                return

    def _fire(self, item: T) -> None:
        del self._waiting[item]
        self.add(item)

    def _check_drained(self) -> None:
        if not self._shutting_down:
            return
        if not self._dirty and not self._processing:
            self._drained.set()
        if not self._dirty:  # nothing more will be handed out: release the getters
            while self._getters:
                getter = self._getters.popleft()
                if not getter.done():
                    getter.set_result(None)


def _log_error(item: Hashable, exc: Exception) -> None:
    log.error("reconcile failed, requeueing with back-off item=%s error=%r", item, exc)


async def run_workers(
    queue: WorkQueue[T],
    handler: Callable[[T], Awaitable[None]],
    *,
    workers: int,
    on_error: Callable[[T, Exception], None] = _log_error,
) -> None:
    """Run `workers` tasks of get -> handler -> forget (or back-off re-add) -> done.

    Returns once the queue is shut down and every worker has finished its item. The
    handler signals a transient failure by raising; terminal failures it should report
    (an Event) and return from normally, so the item is forgotten.
    """
    if workers < 1:
        raise ValueError("workers must be at least 1")

    async def work() -> None:
        while True:
            try:
                item = await queue.get()
            except ShutDown:
                return
            try:
                await handler(item)
            except Exception as exc:
                queue.add_rate_limited(item)
                on_error(item, exc)
            else:
                queue.forget(item)
            finally:
                queue.done(item)

    async with asyncio.TaskGroup() as tasks:
        for _ in range(workers):
            tasks.create_task(work())
