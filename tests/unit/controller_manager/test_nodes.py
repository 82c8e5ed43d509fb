"""Node lifecycle and node IPAM: one reconcile, recorded API actions."""

from __future__ import annotations

from datetime import timedelta

from controller_manager.nodeipam import NodeIpamController
from controller_manager.nodelifecycle import NodeLifecycleController, eviction_delay, eviction_due
from machinery.api import Lease, Taint
from tests.unit.controller_manager.builders import node, pod
from tests.unit.controller_manager.fake import NOW, FakeApi, clock, factory, fill


class Tick:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def lifecycle(*objs: object) -> tuple[FakeApi, NodeLifecycleController, Tick]:
    api = FakeApi()
    inf = factory(api)
    tick = Tick()
    ctl = NodeLifecycleController(api, inf, clock=clock, grace_period=40, monotonic=tick)
    fill(inf, *objs)  # type: ignore[arg-type]
    return api, ctl, tick


def lease(name: str, renew: str) -> Lease:
    return Lease.model_validate(
        {"metadata": {"name": name, "namespace": "kube-node-lease"}, "spec": {"renewTime": renew}}
    )


async def test_a_silent_node_becomes_unknown_after_the_grace_period() -> None:
    n = node()
    api, ctl, tick = lifecycle(n)
    ctl.leases.cache.put(lease("n1", "2026-01-01T11:59:00.000000Z"))
    await ctl.reconcile("n1")
    assert api.writes() == []
    tick.t += 41
    await ctl.reconcile("n1")
    (update,) = api.writes("update/status")
    ready = next(c for c in update.body["status"]["conditions"] if c["type"] == "Ready")
    assert ready["status"] == "Unknown" and ready["reason"] == "NodeStatusUnknown"
    assert ready["message"] == "Kubelet stopped posting node status."


async def test_a_renewed_lease_keeps_the_node_alive() -> None:
    api, ctl, tick = lifecycle(node())
    ctl.leases.cache.put(lease("n1", "a"))
    await ctl.reconcile("n1")
    tick.t += 30
    ctl.leases.cache.put(lease("n1", "b"))
    await ctl.reconcile("n1")
    tick.t += 30
    await ctl.reconcile("n1")
    assert api.writes() == []


async def test_unknown_node_gets_unreachable_taints_and_its_pods_marked_not_ready() -> None:
    n = node(ready="Unknown")
    p = pod("a", node="n1")
    api, ctl, _ = lifecycle(n, p)
    api.seed(n, p)
    await ctl.reconcile("n1")
    (status,) = api.writes("update/status", "Pod")
    ready = next(c for c in status.body["status"]["conditions"] if c["type"] == "Ready")
    assert ready["status"] == "False"
    (upd,) = api.writes("update", "Node")
    taints = {(t["key"], t["effect"]) for t in upd.body["spec"]["taints"]}
    assert taints == {
        ("node.kubernetes.io/unreachable", "NoSchedule"),
        ("node.kubernetes.io/unreachable", "NoExecute"),
    }


async def test_pods_are_evicted_after_their_toleration_seconds() -> None:
    added = (NOW - timedelta(seconds=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    n = node(
        ready="Unknown",
        taints=[
            {"key": "node.kubernetes.io/unreachable", "effect": k, "timeAdded": added}
            for k in ("NoSchedule", "NoExecute")
        ],
    )

    def tol(seconds: int | None) -> list[dict[str, object]]:
        t: dict[str, object] = {
            "key": "node.kubernetes.io/unreachable",
            "operator": "Exists",
            "effect": "NoExecute",
        }
        if seconds is not None:
            t["tolerationSeconds"] = seconds
        return [t]

    short = pod("short", ready=False, tolerations=tol(5))
    long = pod("long", ready=False, tolerations=tol(300))
    forever = pod("forever", ready=False, tolerations=tol(None))
    none = pod("none", ready=False)
    api, ctl, _ = lifecycle(n, short, long, forever, none)
    await ctl.reconcile("n1")
    assert {a.key for a in api.writes("delete", "Pod")} == {"default/short", "default/none"}


def test_eviction_delay_takes_the_shortest_bounded_toleration() -> None:
    taint = Taint(key="node.kubernetes.io/not-ready", effect="NoExecute")
    p = pod("a", tolerations=[{"operator": "Exists", "tolerationSeconds": 7}])
    assert eviction_delay(p, taint) == 7
    assert eviction_delay(pod("b"), taint) == 0
    both = [{"operator": "Exists"}, {"operator": "Exists", "tolerationSeconds": 9}]
    assert eviction_delay(pod("c", tolerations=both), taint) == 9
    assert eviction_delay(pod("d", tolerations=[{"operator": "Exists"}]), taint) is None


async def test_an_old_tolerated_taint_does_not_shorten_the_eviction_delay() -> None:
    old = (NOW - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    recent = (NOW - timedelta(seconds=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    n = node(
        ready="Unknown",
        taints=[
            {"key": "dedicated", "value": "db", "effect": "NoExecute", "timeAdded": old},
            {"key": "node.kubernetes.io/unreachable", "effect": "NoSchedule", "timeAdded": recent},
            {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute", "timeAdded": recent},
        ],
    )
    tolerations = [
        {"key": "dedicated", "operator": "Equal", "value": "db", "effect": "NoExecute"},
        {
            "key": "node.kubernetes.io/unreachable",
            "operator": "Exists",
            "effect": "NoExecute",
            "tolerationSeconds": 300,
        },
    ]
    db = pod("db", ready=False, tolerations=tolerations)
    quick = pod(
        "quick",
        ready=False,
        tolerations=[{**tolerations[0]}, {**tolerations[1], "tolerationSeconds": 5}],
    )
    api, ctl, _ = lifecycle(n, db, quick)
    await ctl.reconcile("n1")
    assert {a.key for a in api.writes("delete", "Pod")} == {"default/quick"}
    no_execute = [Taint.model_validate(t) for t in n.to_dict()["spec"]["taints"]]
    no_execute = [t for t in no_execute if t.effect == "NoExecute"]
    assert eviction_due(db, no_execute, NOW) == NOW + timedelta(seconds=290)


async def test_ipam_skips_the_first_subnet_and_the_ones_in_use() -> None:
    api = FakeApi()
    inf = factory(api)
    ctl = NodeIpamController(api, inf, clock=clock)
    used = node("old")
    used.spec.pod_cidr = "10.244.1.0/24"
    fresh, other = node("new"), node("other")
    fill(inf, used, fresh, other)
    api.seed(used, fresh, other)
    await ctl.reconcile("new")
    await ctl.reconcile("other")  # before the watch brings "new" back
    cidrs = {a.key: a.body["spec"]["podCIDR"] for a in api.writes("patch", "Node")}
    assert cidrs == {"new": "10.244.2.0/24", "other": "10.244.3.0/24"}
    await ctl.reconcile("old")
    assert len(api.writes()) == 2
