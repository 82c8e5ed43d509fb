"""The scheduling queue: priority order, back-off, unschedulable pods and move requests."""

from __future__ import annotations

import pytest

from scheduler.queue import QueuedPod, SchedulingQueue
from tests.unit.scheduler.fixtures import info


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def queue(clock: Clock) -> SchedulingQueue:
    return SchedulingQueue(initial_backoff=1, max_backoff=4, unschedulable_timeout=60, clock=clock)


async def test_higher_priority_first_then_older(queue: SchedulingQueue) -> None:
    queue.add(info("late-low", priority=0, created="2026-01-01T00:00:05Z"))
    queue.add(info("early-low", priority=0, created="2026-01-01T00:00:01Z"))
    queue.add(info("high", priority=10, created="2026-01-01T00:00:09Z"))
    order = [(await queue.pop()).info.name for _ in range(3)]
    assert order == ["high", "early-low", "late-low"]


async def test_unschedulable_waits_for_a_move_then_back_off(
    queue: SchedulingQueue, clock: Clock
) -> None:
    queue.add(info("p"))
    qp = await queue.pop()
    queue.unschedulable(qp)
    assert queue.counts() == {"active": 0, "backoff": 0, "unschedulable": 1}
    queue.flush()
    assert queue.counts()["unschedulable"] == 1  # nothing changed: it stays
    queue.move_all()  # within its 1 s back-off: to back-off first
    assert queue.counts() == {"active": 0, "backoff": 1, "unschedulable": 0}
    clock.now += 1.01
    assert (await queue.pop()).info.name == "p"


async def test_back_off_doubles_up_to_the_max(queue: SchedulingQueue, clock: Clock) -> None:
    queue.add(info("p"))
    waits = []
    for _ in range(5):
        qp = await queue.pop()
        queue.unschedulable(qp, backoff_only=True)
        start = clock.now
        while queue.counts()["active"] == 0:
            clock.now += 0.25
            queue.flush()
        waits.append(clock.now - start)
    assert waits == [1.0, 2.0, 4.0, 4.0, 4.0]


async def test_a_move_during_the_attempt_is_not_lost(queue: SchedulingQueue, clock: Clock) -> None:
    queue.add(info("p"))
    qp = await queue.pop()
    queue.move_all()  # e.g. a node was added while p was being scheduled
    queue.unschedulable(qp)
    assert queue.counts() == {"active": 0, "backoff": 1, "unschedulable": 0}


async def test_unschedulable_pods_are_retried_after_a_minute(
    queue: SchedulingQueue, clock: Clock
) -> None:
    queue.add(info("p"))
    queue.unschedulable(await queue.pop())
    clock.now += 61
    queue.flush()
    assert queue.counts()["active"] == 1


async def test_delete_and_update(queue: SchedulingQueue) -> None:
    queue.add(info("p"))
    queue.add(info("q"))
    queue.delete("default/p")
    assert (await queue.pop()).info.name == "q"
    queue.unschedulable(await _pop_after(queue, "r"))
    queue.update(info("r", labels={"changed": "yes"}), may_fit_now=False)
    assert queue.counts()["unschedulable"] == 1
    queue.update(info("r", labels={"changed": "again"}), may_fit_now=True)
    assert queue.counts()["unschedulable"] == 0


async def _pop_after(queue: SchedulingQueue, name: str) -> QueuedPod:
    queue.add(info(name))
    return await queue.pop()
