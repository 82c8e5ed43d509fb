"""The scheduler's loop pieces against a fake client: handlers, decisions, binds, 409s."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from machinery.api import Pod
from machinery.errors import Conflict, ServiceUnavailable
from scheduler.scheduler import Scheduler
from tests.unit.scheduler.fixtures import make_node, make_pod


class FakeClient:
    """Records the scheduler's API calls; bind answers can be scripted per pod."""

    def __init__(self) -> None:
        self.binds: list[tuple[str, str, str]] = []
        self.patches: list[tuple[str, Any]] = []
        self.deletes: list[str] = []
        self.bind_errors: dict[str, Exception] = {}

    async def bind(self, namespace: str, pod: str, node: str) -> None:
        err = self.bind_errors.pop(pod, None)
        if err is not None:
            raise err
        self.binds.append((namespace, pod, node))

    async def patch(self, cls: type, name: str, patch: Any, **kw: Any) -> Any:
        self.patches.append((name, patch))

    async def delete(self, cls: type, name: str, namespace: str | None = None, **kw: Any) -> Any:
        self.deletes.append(name)

    async def create(self, obj: Any) -> Any:
        return obj


@pytest.fixture
def fake() -> FakeClient:
    return FakeClient()


@pytest.fixture
def sched(fake: FakeClient) -> Scheduler:
    return Scheduler(fake, initial_backoff=0.01, max_backoff=0.02)  # type: ignore[arg-type]


def add_pod(s: Scheduler, pod: Pod) -> None:
    s.pods.cache.put(pod)
    s.on_pod_add(pod)


async def schedule_all(s: Scheduler) -> None:
    while s.queue.counts()["active"]:
        s.schedule_one(await s.queue.pop())
    await s.binder.wait_idle(2)


async def test_pods_are_bound_and_spread(sched: Scheduler, fake: FakeClient) -> None:
    for n in ("a", "b"):
        sched.on_node_add(make_node(n, cpu="2"))
    for i in range(4):
        add_pod(sched, make_pod(f"p{i}", cpu="1"))
    await schedule_all(sched)
    assert sorted(node for _, _, node in fake.binds) == ["a", "a", "b", "b"]
    assert all(sched.cache.is_assumed(f"default/p{i}") for i in range(4))
    # the watch confirms p0's binding
    bound = make_pod("p0", cpu="1", node_name=dict((p, n) for _, p, n in fake.binds)["p0"])
    sched.on_pod_update(sched.pods.cache.get("default/p0"), bound)  # type: ignore[arg-type]
    assert not sched.cache.is_assumed("default/p0")


async def test_unschedulable_pod_gets_condition_and_retries_on_node_add(
    sched: Scheduler, fake: FakeClient
) -> None:
    sched.on_node_add(make_node("small", cpu="1"))
    add_pod(sched, make_pod("big", cpu="2"))
    await schedule_all(sched)
    assert fake.binds == []
    name, patch = fake.patches[0]
    cond = patch["status"]["conditions"][0]
    assert (name, cond["type"], cond["status"], cond["reason"]) == (
        "big",
        "PodScheduled",
        "False",
        "Unschedulable",
    )
    assert cond["message"].startswith("0/1 nodes are available: 1 Insufficient cpu.")
    assert sched.queue.counts()["unschedulable"] == 1
    sched.on_node_add(make_node("large", cpu="4"))
    qp = await asyncio.wait_for(sched.queue.pop(), 2)
    sched.schedule_one(qp)
    await sched.binder.wait_idle(2)
    assert fake.binds == [("default", "big", "large")]


async def test_a_409_on_bind_is_not_retried(sched: Scheduler, fake: FakeClient) -> None:
    sched.on_node_add(make_node("a"))
    add_pod(sched, make_pod("taken"))
    fake.bind_errors["taken"] = Conflict('pod taken is already assigned to node "x"')
    await schedule_all(sched)
    assert fake.binds == []
    assert not sched.cache.is_assumed("default/taken")
    assert "default/taken" not in sched.queue
    node = sched.cache.node("a")
    assert node is not None and not node.pods


async def test_other_bind_errors_are_retried_with_back_off(
    sched: Scheduler, fake: FakeClient
) -> None:
    sched.on_node_add(make_node("a"))
    add_pod(sched, make_pod("p"))
    fake.bind_errors["p"] = ServiceUnavailable("apiserver away")
    await schedule_all(sched)
    assert sched.queue.counts()["backoff"] == 1
    qp = await asyncio.wait_for(sched.queue.pop(), 2)
    sched.schedule_one(qp)
    await sched.binder.wait_idle(2)
    assert fake.binds == [("default", "p", "a")]


async def test_no_binding_without_leadership(fake: FakeClient) -> None:
    leading = [True]
    s = Scheduler(fake, may_act=lambda: leading[0])  # type: ignore[arg-type]
    s.on_node_add(make_node("a"))
    add_pod(s, make_pod("p"))
    qp = await s.queue.pop()
    s.schedule_one(qp)
    leading[0] = False  # lost before the bind task ran
    await s.binder.wait_idle(2)
    assert fake.binds == []
    assert not s.cache.is_assumed("default/p")


async def test_preemption_deletes_victims_and_nominates(sched: Scheduler, fake: FakeClient) -> None:
    sched.on_node_add(make_node("a", cpu="2"))
    for i in range(2):
        low = make_pod(f"low{i}", cpu="1", priority=1, node_name="a")
        add_pod(sched, low)
    add_pod(sched, make_pod("vip", cpu="2", priority=100))
    await schedule_all(sched)
    assert sorted(fake.deletes) == ["low0", "low1"]
    vip_patch = next(p for n, p in fake.patches if n == "vip")
    assert vip_patch["status"]["nominatedNodeName"] == "a"
    assert vip_patch["status"]["conditions"][0]["message"] == (
        "0/1 nodes are available: 1 Insufficient cpu."
    )
    assert "default/vip" in sched.cache.nominated["a"]
    # the victims go away: vip is retried and lands on its nominated node
    for i in range(2):
        sched.on_pod_delete(make_pod(f"low{i}", cpu="1", priority=1, node_name="a"))
    qp = await asyncio.wait_for(sched.queue.pop(), 2)
    sched.schedule_one(qp)
    await sched.binder.wait_idle(2)
    assert fake.binds == [("default", "vip", "a")]


async def test_other_schedulers_pods_are_ignored(sched: Scheduler) -> None:
    add_pod(sched, make_pod("mine"))
    add_pod(sched, make_pod("theirs", schedulerName="other-scheduler"))
    assert "default/mine" in sched.queue and "default/theirs" not in sched.queue


async def test_gated_pods_wait_until_their_gates_are_removed(sched: Scheduler) -> None:
    gated = make_pod("gated", schedulingGates=[{"name": "example.com/wait"}])
    add_pod(sched, gated)
    assert "default/gated" not in sched.queue
    released = make_pod("gated")
    sched.pods.cache.put(released)
    sched.on_pod_update(gated, released)
    assert "default/gated" in sched.queue
