"""The work queue: dedup, the processing set, delays, rate limiters, shutdown, workers."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from collections.abc import Callable, Hashable

import pytest
from prometheus_client import REGISTRY

from machinery.workqueue import (
    ItemExponentialBackoff,
    MaxOf,
    ShutDown,
    TokenBucket,
    WorkQueue,
    default_rate_limiter,
    run_workers,
)

DEADLINE = 5.0  # generous: only ever reached when something is broken


async def wait_until(cond: Callable[[], bool], timeout: float = DEADLINE) -> None:
    async def poll() -> None:
        while not cond():
            await asyncio.sleep(0.001)

    await asyncio.wait_for(poll(), timeout)


async def blocked(*tasks: asyncio.Task[object]) -> None:
    """Let freshly created tasks run up to their first real wait, and check they wait."""
    await asyncio.sleep(0)
    assert not any(t.done() for t in tasks)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# -- the queue proper ---------------------------------------------------------------------


async def test_repeated_adds_are_handled_once() -> None:
    q: WorkQueue[str] = WorkQueue()
    for key in ["a", "a", "b", "a", "b"]:
        q.add(key)
    assert len(q) == 2
    assert [await q.get(), await q.get()] == ["a", "b"]
    assert len(q) == 0


async def test_fifo_order() -> None:
    q: WorkQueue[int] = WorkQueue()
    for i in range(20):
        q.add(i)
    got = []
    for _ in range(20):
        item = await q.get()
        got.append(item)
        q.done(item)
    assert got == list(range(20))


async def test_add_while_processing_requeues_exactly_once_after_done() -> None:
    q: WorkQueue[str] = WorkQueue()
    q.add("a")
    assert await q.get() == "a"
    q.add("a")
    q.add("a")
    assert len(q) == 0  # not handed out again while a worker holds it
    q.done("a")
    assert len(q) == 1
    assert await q.get() == "a"
    q.done("a")
    assert len(q) == 0


async def test_done_without_get_is_an_error() -> None:
    q: WorkQueue[str] = WorkQueue()
    q.add("a")
    with pytest.raises(ValueError):
        q.done("a")


async def test_getter_waits_for_an_add() -> None:
    q: WorkQueue[str] = WorkQueue()
    getter = asyncio.create_task(q.get())
    await blocked(getter)
    q.add("a")
    assert await asyncio.wait_for(getter, DEADLINE) == "a"


async def test_cancelled_waker_passes_the_item_on() -> None:
    q: WorkQueue[str] = WorkQueue()
    first, second = asyncio.create_task(q.get()), asyncio.create_task(q.get())
    await blocked(first, second)
    q.add("a")  # wakes `first`...
    first.cancel()  # ...which is cancelled before it can take the item
    assert await asyncio.wait_for(second, DEADLINE) == "a"
    assert first.cancelled()


async def test_one_key_is_never_handled_by_two_workers() -> None:
    q: WorkQueue[str] = WorkQueue()
    keys = [f"k{i}" for i in range(5)]
    active: set[str] = set()
    overlaps: list[str] = []
    handled: Counter[str] = Counter()
    most_parallel = 0

    async def handler(key: str) -> None:
        nonlocal most_parallel
        if key in active:
            overlaps.append(key)
        active.add(key)
        most_parallel = max(most_parallel, len(active))
        for _ in range(3):
            await asyncio.sleep(0)
            q.add(key)  # re-added while being handled
        active.discard(key)
        handled[key] += 1

    workers = asyncio.create_task(run_workers(q, handler, workers=8))
    for _ in range(50):
        for key in keys:
            q.add(key)
        await asyncio.sleep(0)
    await wait_until(lambda: all(handled[k] >= 10 for k in keys))
    await asyncio.wait_for(q.shutdown_with_drain(), DEADLINE)
    await asyncio.wait_for(workers, DEADLINE)
    assert overlaps == []
    assert most_parallel > 1  # the workers really did run side by side


# -- delays -------------------------------------------------------------------------------


async def test_add_after_fires_after_the_delay() -> None:
    loop = asyncio.get_running_loop()
    q: WorkQueue[str] = WorkQueue()
    start = loop.time()
    q.add_after("a", 0.05)
    assert len(q) == 0
    assert await asyncio.wait_for(q.get(), DEADLINE) == "a"
    assert loop.time() - start >= 0.049


async def test_add_after_without_delay_adds_at_once() -> None:
    q: WorkQueue[str] = WorkQueue()
    q.add_after("a", 0)
    q.add_after("b", -1)
    assert len(q) == 2


async def test_add_after_keeps_the_earliest_deadline() -> None:
    q: WorkQueue[str] = WorkQueue()
    q.add_after("late-then-soon", 3600)
    q.add_after("late-then-soon", 0.01)
    q.add_after("soon-then-late", 0.01)
    q.add_after("soon-then-late", 3600)
    got = {await asyncio.wait_for(q.get(), DEADLINE) for _ in range(2)}
    assert got == {"late-then-soon", "soon-then-late"}


async def test_delayed_item_already_queued_is_not_duplicated() -> None:
    q: WorkQueue[str] = WorkQueue()
    q.add("a")
    q.add_after("a", 0.01)
    q.add_after("marker", 0.05)  # due after the timer of "a" has fired
    assert await asyncio.wait_for(q.get(), DEADLINE) == "a"
    assert await asyncio.wait_for(q.get(), DEADLINE) == "marker"
    assert len(q) == 0


async def test_add_rate_limited_uses_the_limiter() -> None:
    q: WorkQueue[str] = WorkQueue(rate_limiter=ItemExponentialBackoff(base=3600.0))
    q.add_rate_limited("a")
    assert len(q) == 0  # waiting an hour
    assert q.num_requeues("a") == 1
    q.forget("a")
    assert q.num_requeues("a") == 0
    q.shutdown()


# -- rate limiters (pure) -----------------------------------------------------------------


def test_exponential_backoff_doubles_up_to_the_cap() -> None:
    limiter = ItemExponentialBackoff(base=0.005, cap=1.0)
    delays = [limiter.when("a") for _ in range(10)]
    assert delays == pytest.approx([0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.0, 1.0])
    assert limiter.retries("a") == 10
    assert limiter.when("b") == pytest.approx(0.005)  # per item
    assert limiter.retries("b") == 1


def test_exponential_backoff_forget_resets() -> None:
    limiter = ItemExponentialBackoff(base=0.1, cap=100.0)
    limiter.when("a")
    limiter.when("a")
    limiter.forget("a")
    assert limiter.retries("a") == 0
    assert limiter.when("a") == pytest.approx(0.1)


def test_exponential_backoff_survives_many_failures() -> None:
    limiter = ItemExponentialBackoff(base=0.005, cap=1000.0)
    for _ in range(2000):
        delay = limiter.when("a")
    assert delay == 1000.0


def test_token_bucket_paces_with_a_fake_clock() -> None:
    clock = FakeClock()
    bucket = TokenBucket(qps=10.0, burst=2, clock=clock)
    # The burst goes through, then one token per 1/qps, shared by every item.
    assert [bucket.when(k) for k in "abcd"] == pytest.approx([0.0, 0.0, 0.1, 0.2])
    clock.now += 0.3  # refills three tokens: the two borrowed and one more
    assert [bucket.when(k) for k in "ef"] == pytest.approx([0.0, 0.1])
    clock.now += 3600  # refill stops at the burst
    assert [bucket.when(k) for k in "ghi"] == pytest.approx([0.0, 0.0, 0.1])
    assert bucket.retries("a") == 0


def test_max_of_takes_the_slowest_answer_and_asks_everyone() -> None:
    clock = FakeClock()
    backoff = ItemExponentialBackoff(base=0.01, cap=10.0)
    bucket = TokenBucket(qps=1.0, burst=1, clock=clock)
    limiter = MaxOf(backoff, bucket)
    assert limiter.when("a") == pytest.approx(0.01)  # bucket had a token: backoff wins
    assert limiter.when("a") == pytest.approx(1.0)  # bucket empty: bucket wins
    assert limiter.when("a") == pytest.approx(2.0)
    assert backoff.retries("a") == 3  # asked every time, even when it lost
    assert limiter.retries("a") == 3
    limiter.forget("a")
    assert backoff.retries("a") == 0


def test_default_rate_limiter_is_client_go_s() -> None:
    limiter = default_rate_limiter()
    assert isinstance(limiter, MaxOf)
    assert [limiter.when("a") for _ in range(3)] == pytest.approx([0.005, 0.01, 0.02])
    assert limiter.retries("a") == 3


def test_limiters_reject_nonsense() -> None:
    with pytest.raises(ValueError):
        TokenBucket(qps=0)
    with pytest.raises(ValueError):
        ItemExponentialBackoff(base=-1)
    with pytest.raises(ValueError):
        MaxOf()


# -- shutdown -----------------------------------------------------------------------------


async def test_shutdown_wakes_every_getter() -> None:
    q: WorkQueue[str] = WorkQueue()
    q.add("held")
    assert await q.get() == "held"
    q.add("held")  # owed another turn, but a plain shutdown drops it
    getters = [asyncio.create_task(q.get()) for _ in range(3)]
    await blocked(*getters)
    q.shutdown()
    assert q.shutting_down
    for getter in getters:
        with pytest.raises(ShutDown):
            await asyncio.wait_for(getter, DEADLINE)


async def test_shutdown_drops_pending_work_and_refuses_adds() -> None:
    q: WorkQueue[str] = WorkQueue()
    q.add("held")
    assert await q.get() == "held"
    q.add("held")  # would be re-queued by done()...
    q.add("queued")
    q.add_after("delayed", 0.01)
    q.shutdown()
    q.add("late")
    assert len(q) == 0
    with pytest.raises(ShutDown):
        await q.get()
    q.done("held")  # ...but not after a shutdown
    assert len(q) == 0


async def test_drain_hands_out_queued_items_and_waits_for_in_flight_ones() -> None:
    q: WorkQueue[str] = WorkQueue()
    for key in ["a", "b"]:
        q.add(key)
    assert await q.get() == "a"
    q.add("a")  # re-added while in flight: still owed a turn during the drain
    draining = asyncio.create_task(q.shutdown_with_drain())
    await blocked(draining)
    q.add("c")  # refused
    assert await q.get() == "b"
    q.done("a")
    await blocked(draining)
    assert await q.get() == "a"
    q.done("b")
    await blocked(draining)
    waiting = asyncio.create_task(q.get())  # nothing left to hand out, "a" in flight
    q.done("a")
    await asyncio.wait_for(draining, DEADLINE)
    with pytest.raises(ShutDown):
        await asyncio.wait_for(waiting, DEADLINE)


async def test_drain_getter_waits_for_an_in_flight_item_owed_a_turn() -> None:
    q: WorkQueue[str] = WorkQueue()
    q.add("a")
    assert await q.get() == "a"
    q.add("a")
    q.shutdown(drain=True)
    getter = asyncio.create_task(q.get())
    await blocked(getter)  # the queue is empty, yet "a" will come back
    q.done("a")
    assert await asyncio.wait_for(getter, DEADLINE) == "a"


async def test_plain_shutdown_stops_a_drain() -> None:
    q: WorkQueue[str] = WorkQueue()
    for key in ["a", "b"]:
        q.add(key)
    assert await q.get() == "a"
    q.add("a")
    draining = asyncio.create_task(q.shutdown_with_drain())
    await blocked(draining)
    q.shutdown()
    assert len(q) == 0
    with pytest.raises(ShutDown):
        await q.get()
    await blocked(draining)  # still waits for the item in flight
    q.done("a")
    await asyncio.wait_for(draining, DEADLINE)
    assert len(q) == 0


async def test_drain_does_not_wait_for_delayed_items() -> None:
    q: WorkQueue[str] = WorkQueue()
    q.add_after("a", 3600)
    await asyncio.wait_for(q.shutdown_with_drain(), DEADLINE)
    with pytest.raises(ShutDown):
        await q.get()


# -- workers ------------------------------------------------------------------------------


async def test_run_workers_retries_with_backoff_then_forgets() -> None:
    loop = asyncio.get_running_loop()
    q: WorkQueue[str] = WorkQueue(rate_limiter=ItemExponentialBackoff(base=0.01, cap=1.0))
    attempts: list[float] = []
    requeues: list[int] = []
    errors: list[tuple[str, Exception]] = []
    succeeded = asyncio.Event()

    async def handler(key: str) -> None:
        attempts.append(loop.time())
        requeues.append(q.num_requeues(key))
        if len(attempts) <= 3:
            raise RuntimeError(f"attempt {len(attempts)}")
        succeeded.set()

    def on_error(key: str, exc: Exception) -> None:
        errors.append((key, exc))

    workers = asyncio.create_task(run_workers(q, handler, workers=2, on_error=on_error))
    q.add("x")
    await asyncio.wait_for(succeeded.wait(), DEADLINE)
    q.shutdown()
    await asyncio.wait_for(workers, DEADLINE)

    assert requeues == [0, 1, 2, 3]
    assert [(k, str(e)) for k, e in errors] == [
        ("x", "attempt 1"),
        ("x", "attempt 2"),
        ("x", "attempt 3"),
    ]
    gaps = [b - a for a, b in itertools.pairwise(attempts)]
    for gap, backoff in zip(gaps, [0.01, 0.02, 0.04], strict=True):
        assert gap >= backoff - 0.001
    assert q.num_requeues("x") == 0  # forgotten on success


async def test_run_workers_returns_when_the_queue_shuts_down() -> None:
    q: WorkQueue[str] = WorkQueue()

    async def handler(key: str) -> None:
        return None

    workers = asyncio.create_task(run_workers(q, handler, workers=3))
    await blocked(workers)
    q.shutdown()
    await asyncio.wait_for(workers, DEADLINE)


# -- metrics ------------------------------------------------------------------------------


def sample(metric: str, name: str) -> float:
    value = REGISTRY.get_sample_value(metric, {"name": name})
    return 0.0 if value is None else value


async def test_metrics_per_queue_name() -> None:
    name = "test-metrics"
    before = {m: sample(m, name) for m in ["workqueue_adds_total", "workqueue_retries_total"]}
    q: WorkQueue[Hashable] = WorkQueue(name=name, rate_limiter=ItemExponentialBackoff(base=3600))
    WorkQueue(name=name)  # a second queue of the same name registers nothing new
    q.add("a")
    q.add("a")
    q.add("b")
    assert sample("workqueue_depth", name) == 2
    assert sample("workqueue_adds_total", name) - before["workqueue_adds_total"] == 2
    item = await q.get()
    q.done(item)
    assert sample("workqueue_depth", name) == 1
    assert sample("workqueue_work_duration_seconds_count", name) >= 1
    q.add_rate_limited("c")
    assert sample("workqueue_retries_total", name) - before["workqueue_retries_total"] == 1
    q.shutdown()
    assert sample("workqueue_depth", name) == 0


def test_limiter_parameters_may_be_positional() -> None:
    clock = FakeClock()
    limiter = MaxOf(ItemExponentialBackoff(0.5, 1.0), TokenBucket(1.0, 1, clock=clock))
    assert [limiter.when("a") for _ in range(3)] == pytest.approx([0.5, 1.0, 2.0])
