"""The scheduler as a real process against a real etcd + apiserver, with Node objects.

No kubelet runs: pods stay Pending once bound, and the tests read spec.nodeName, the
PodScheduled condition and the FailedScheduling Events.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx

from tests.integration.scheduler.conftest import Env
from tests.support.procs import wait_for
from tests.support.scheduler_proc import SchedulerProc, node


def pod(
    name: str,
    *,
    cpu: str | None = None,
    labels: dict[str, str] | None = None,
    host_port: int | None = None,
    **spec: Any,
) -> dict[str, Any]:
    container: dict[str, Any] = {"name": "main", "image": "busybox"}
    if cpu:
        container["resources"] = {"requests": {"cpu": cpu}}
    if host_port:
        container["ports"] = [{"containerPort": 80, "hostPort": host_port}]
    return {
        "metadata": {"name": name, "labels": labels or {}},
        "spec": {"containers": [container], **spec},
    }


def failed_message(env: Env, name: str, timeout: float = 15) -> str:
    """The PodScheduled=False message, once it is there, checked against the Event."""
    wait_for(
        lambda: (env.scheduled_condition(name) or {}).get("reason") == "Unschedulable",
        timeout,
        f"PodScheduled=False on {name}",
    )
    cond = env.scheduled_condition(name)
    assert cond is not None and cond["status"] == "False"
    message = str(cond["message"])
    wait_for(lambda: bool(env.events(name, "FailedScheduling")), timeout, "FailedScheduling")
    event = env.events(name, "FailedScheduling")[0]
    assert event["type"] == "Warning"
    assert event["source"]["component"] == "default-scheduler"
    assert event["message"] == message
    return message


def test_taints_tolerations_and_not_ready_nodes(scheduler: SchedulerProc, env: Env) -> None:
    env.add_node(node("small", cpu="1"))
    env.add_node(node("down", ready=False))
    env.add_node(node("gpu", taints=[{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]))
    env.create_pod(pod("big", cpu="2"))
    assert failed_message(env, "big") == (
        "0/3 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint "
        "{dedicated: gpu}, 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }. "
        "preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, "
        "2 Preemption is not helpful for scheduling."
    )
    assert env.node_of("big") == ""
    tolerant = pod(
        "tolerant",
        cpu="2",
        tolerations=[
            {"key": "dedicated", "operator": "Equal", "value": "gpu", "effect": "NoSchedule"}
        ],
    )
    env.create_pod(tolerant)
    assert env.wait_bound("tolerant") == "gpu"
    wait_for(lambda: bool(env.events("tolerant", "Scheduled")), 10, "Scheduled event")
    assert env.events("tolerant", "Scheduled")[0]["message"] == (
        f"Successfully assigned {env.ns}/tolerant to gpu"
    )
    cond = env.scheduled_condition("tolerant")
    assert cond is not None and cond["status"] == "True"


def test_node_selector_and_affinity(scheduler: SchedulerProc, env: Env) -> None:
    env.add_node(node("ssd-1", labels={"disk": "ssd"}))
    env.add_node(node("hdd-1", labels={"disk": "hdd"}))
    env.add_node(node("hdd-2", labels={"disk": "hdd", "fast-net": "yes"}))
    env.create_pod(pod("selected", nodeSelector={"disk": "ssd"}))
    required = {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [
                    {"matchExpressions": [{"key": "disk", "operator": "NotIn", "values": ["ssd"]}]}
                ]
            },
            "preferredDuringSchedulingIgnoredDuringExecution": [
                {
                    "weight": 50,
                    "preference": {"matchExpressions": [{"key": "fast-net", "operator": "Exists"}]},
                }
            ],
        }
    }
    for i in range(3):
        env.create_pod(pod(f"preferring-{i}", affinity=required))
    env.create_pod(pod("nowhere", nodeSelector={"disk": "tape"}))
    assert env.wait_bound("selected") == "ssd-1"
    for i in range(3):
        assert env.wait_bound(f"preferring-{i}") == "hdd-2"
    assert failed_message(env, "nowhere") == (
        "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. "
        "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    )


def test_resource_fit_and_retry_when_a_node_is_added(scheduler: SchedulerProc, env: Env) -> None:
    env.add_node(node("only", cpu="2", memory="1Gi"))
    for i in range(2):
        env.create_pod(pod(f"fits-{i}", cpu="1"))
    for i in range(2):
        assert env.wait_bound(f"fits-{i}") == "only"
    env.create_pod(pod("third", cpu="1"))
    assert failed_message(env, "third") == (
        "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: "
        "1 No preemption victims found for incoming pod."
    )
    memory_hog = pod("hog")
    memory_hog["spec"]["containers"][0]["resources"] = {"requests": {"memory": "2Gi"}}
    env.create_pod(memory_hog)
    assert failed_message(env, "hog").startswith("0/1 nodes are available: 1 Insufficient memory.")
    env.add_node(node("fresh", cpu="2", memory="4Gi"))
    assert env.wait_bound("third") == "fresh"
    assert env.wait_bound("hog") == "fresh"


def test_pod_count_limit(scheduler: SchedulerProc, env: Env) -> None:
    env.add_node(node("tiny", pods=1))
    env.create_pod(pod("one"))
    assert env.wait_bound("one") == "tiny"
    env.create_pod(pod("two"))
    assert failed_message(env, "two").startswith("0/1 nodes are available: 1 Too many pods.")


def test_retry_when_a_node_is_uncordoned(scheduler: SchedulerProc, env: Env) -> None:
    env.add_node(node("cordoned", unschedulable=True))
    env.create_pod(pod("waiting"))
    assert failed_message(env, "waiting") == (
        "0/1 nodes are available: 1 node(s) were unschedulable. preemption: 0/1 nodes are "
        "available: 1 Preemption is not helpful for scheduling."
    )
    env.patch_node("cordoned", {"spec": {"unschedulable": False}})
    assert env.wait_bound("waiting") == "cordoned"


def test_host_ports(scheduler: SchedulerProc, env: Env) -> None:
    env.add_node(node("a"))
    env.add_node(node("b"))
    for name in ("web-1", "web-2"):
        env.create_pod(pod(name, host_port=8080))
    nodes = {env.wait_bound("web-1"), env.wait_bound("web-2")}
    assert nodes == {"a", "b"}
    env.create_pod(pod("web-3", host_port=8080))
    assert failed_message(env, "web-3") == (
        "0/2 nodes are available: 2 node(s) didn't have free ports for the requested pod ports. "
        "preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod."
    )
    env.create_pod(pod("other-port", host_port=9090))
    assert env.wait_bound("other-port") in {"a", "b"}


def test_pod_anti_affinity(scheduler: SchedulerProc, env: Env) -> None:
    for n in ("a", "b", "c"):
        env.add_node(node(n))
    anti = {
        "podAntiAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": [
                {
                    "labelSelector": {"matchLabels": {"app": "db"}},
                    "topologyKey": "kubernetes.io/hostname",
                }
            ]
        }
    }
    for i in range(3):
        env.create_pod(pod(f"db-{i}", labels={"app": "db"}, affinity=anti))
    placed = {env.wait_bound(f"db-{i}") for i in range(3)}
    assert placed == {"a", "b", "c"}
    env.create_pod(pod("db-3", labels={"app": "db"}, affinity=anti))
    assert failed_message(env, "db-3") == (
        "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. "
        "preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod."
    )
    # a pod without the rule is kept away by the existing pods' rules only if it matches them
    env.create_pod(pod("web", labels={"app": "web"}))
    assert env.wait_bound("web") in {"a", "b", "c"}


def test_pod_affinity_follows_its_partner(scheduler: SchedulerProc, env: Env) -> None:
    for n in ("a", "b", "c"):
        env.add_node(node(n))
    env.create_pod(pod("cache", labels={"app": "cache"}))
    home = env.wait_bound("cache")
    affinity = {
        "podAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": [
                {
                    "labelSelector": {"matchLabels": {"app": "cache"}},
                    "topologyKey": "kubernetes.io/hostname",
                }
            ]
        }
    }
    for i in range(3):
        env.create_pod(pod(f"app-{i}", affinity=affinity))
    assert {env.wait_bound(f"app-{i}") for i in range(3)} == {home}


def test_pods_of_one_owner_are_spread(scheduler: SchedulerProc, env: Env) -> None:
    for n in ("a", "b", "c", "d"):
        env.add_node(node(n))
    owner = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "name": "web-rs",
        "uid": "11111111-2222-3333-4444-555555555555",
        "controller": True,
    }
    for i in range(8):
        manifest = pod(f"web-{i}", labels={"app": "web"})
        manifest["metadata"]["ownerReferences"] = [owner]
        env.create_pod(manifest)
    counts = Counter(env.wait_bound(f"web-{i}") for i in range(8))
    assert counts == Counter({"a": 2, "b": 2, "c": 2, "d": 2})


def _priority_class(client: httpx.Client, name: str, value: int) -> None:
    r = client.post(
        "/apis/scheduling.k8s.io/v1/priorityclasses",
        json={
            "apiVersion": "scheduling.k8s.io/v1",
            "kind": "PriorityClass",
            "metadata": {"name": name},
            "value": value,
        },
    )
    assert r.status_code in (201, 409), r.text


def test_preemption_evicts_lower_priority_pods(scheduler: SchedulerProc, env: Env) -> None:
    _priority_class(env.client, "sched-test-low", 10)
    _priority_class(env.client, "sched-test-high", 1000)
    env.add_node(node("busy", cpu="2"))
    for i in range(2):
        env.create_pod(pod(f"low-{i}", cpu="1", priorityClassName="sched-test-low"))
        assert env.wait_bound(f"low-{i}") == "busy"
    env.create_pod(pod("vip", cpu="2", priorityClassName="sched-test-high"))
    wait_for(
        lambda: env.pod("vip")["status"].get("nominatedNodeName") == "busy",
        15,
        "vip nominated to busy",
    )
    assert failed_message(env, "vip") == "0/1 nodes are available: 1 Insufficient cpu."
    for victim in ("low-0", "low-1"):

        def deleting(name: str = victim) -> bool:
            return bool(env.pod(name)["metadata"].get("deletionTimestamp"))

        def preempted(name: str = victim) -> bool:
            return bool(env.events(name, "Preempted"))

        wait_for(deleting, 10, f"{victim} being deleted")
        wait_for(preempted, 10, f"Preempted event on {victim}")
    # a pod of the same low priority must not take the room being freed for vip
    env.create_pod(pod("sneaky", cpu="1", priorityClassName="sched-test-low"))
    failed_message(env, "sneaky")
    # what the kubelet would do once the victims' containers are gone
    for i in range(2):
        env.client.request(
            "DELETE", f"/api/v1/namespaces/{env.ns}/pods/low-{i}", json={"gracePeriodSeconds": 0}
        )
    assert env.wait_bound("vip") == "busy"
    assert env.node_of("sneaky") == ""


def test_preemption_policy_never(scheduler: SchedulerProc, env: Env) -> None:
    _priority_class(env.client, "sched-test-low", 10)
    env.add_node(node("full", cpu="1"))
    env.create_pod(pod("low", cpu="1", priorityClassName="sched-test-low"))
    assert env.wait_bound("low") == "full"
    polite = pod("polite", cpu="1", priority=None)
    polite["spec"].pop("priority")
    polite["spec"]["preemptionPolicy"] = "Never"
    env.create_pod(polite)
    assert failed_message(env, "polite") == (
        "0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to "
        "preemptionPolicy=Never."
    )


def test_health_and_metrics(scheduler: SchedulerProc, env: Env) -> None:
    for path in ("/livez", "/readyz"):
        assert httpx.get(scheduler.url + path, timeout=5).status_code == 200
    verbose = httpx.get(scheduler.url + "/readyz?verbose", timeout=5).text
    assert "[+]informers-synced ok" in verbose
    env.add_node(node("m"))
    env.create_pod(pod("counted"))
    env.wait_bound("counted")
    text = scheduler.metrics()
    assert 'scheduler_schedule_attempts_total{result="scheduled"}' in text
    assert "scheduler_pod_scheduling_duration_seconds_bucket" in text
    assert 'scheduler_pending_pods{queue="active"}' in text


def test_pods_bound_by_others_use_room(scheduler: SchedulerProc, env: Env) -> None:
    env.add_node(node("shared", cpu="2"))
    env.create_pod(pod("placed-by-hand", cpu="2", nodeName="shared"))
    env.create_pod(pod("latecomer", cpu="1"))
    assert failed_message(env, "latecomer").startswith(
        "0/1 nodes are available: 1 Insufficient cpu."
    )
    # the hand-placed pod finishes: its room is free again
    r = env.client.request(
        "DELETE",
        f"/api/v1/namespaces/{env.ns}/pods/placed-by-hand",
        json={"gracePeriodSeconds": 0},
    )
    assert r.status_code == 200, r.text
    assert env.wait_bound("latecomer") == "shared"


def test_finished_pods_free_their_room(scheduler: SchedulerProc, env: Env) -> None:
    env.add_node(node("worker", cpu="1"))
    env.create_pod(pod("job", cpu="1"))
    assert env.wait_bound("job") == "worker"
    env.create_pod(pod("next", cpu="1"))
    failed_message(env, "next")
    done = env.pod("job")
    done["status"]["phase"] = "Succeeded"
    r = env.client.put(f"/api/v1/namespaces/{env.ns}/pods/job/status", json=done)
    assert r.status_code == 200, r.text
    assert env.wait_bound("next") == "worker"
