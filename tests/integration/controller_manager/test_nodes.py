"""Node IPAM and node lifecycle: pod CIDRs; a silent node is tainted and its pods evicted."""

from __future__ import annotations

import ipaddress

import httpx

from tests.integration.controller_manager.helpers import (
    create,
    deployment,
    get,
    is_ready,
    pods,
    wait_ready_pods,
)
from tests.support.cm_proc import ControllerManager
from tests.support.hollow import HollowThread
from tests.support.procs import wait_for


def nodes(client: httpx.Client, names: list[str]) -> list[dict]:  # type: ignore[type-arg]
    return [get(client, f"/api/v1/nodes/{n}") or {} for n in names]


def test_every_node_gets_its_own_pod_cidr(
    client: httpx.Client, cm: ControllerManager, hollow: HollowThread
) -> None:
    wait_for(
        lambda: all(n["spec"].get("podCIDR") for n in nodes(client, hollow.names)),
        10,
        "pod CIDRs on every node",
    )
    cidrs = [n["spec"]["podCIDR"] for n in nodes(client, hollow.names)]
    assert len(set(cidrs)) == len(cidrs)
    cluster = ipaddress.ip_network("10.244.0.0/16")
    for c in cidrs:
        net = ipaddress.ip_network(c)
        assert net.subnet_of(cluster) and net.prefixlen == 24
        assert c != "10.244.0.0/24"
    for n in nodes(client, hollow.names):
        assert n["spec"]["podCIDRs"] == [n["spec"]["podCIDR"]]


def test_a_lost_node_is_tainted_and_its_pods_are_evicted_and_replaced(
    client: httpx.Client, ns: str, cm: ControllerManager, hollow: HollowThread
) -> None:
    tolerations = [
        {"key": k, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 2}
        for k in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable")
    ]
    create(
        client,
        f"/apis/apps/v1/namespaces/{ns}/deployments",
        deployment("web", replicas=6, tolerations=tolerations),
    )
    running = wait_ready_pods(client, ns, "app=web", 6)
    lost = running[0]["spec"]["nodeName"]
    on_lost = {p["metadata"]["name"] for p in running if p["spec"]["nodeName"] == lost}
    hollow.stop_node(lost)
    try:

        def unknown() -> bool:
            node = get(client, f"/api/v1/nodes/{lost}") or {}
            ready = next(c for c in node["status"]["conditions"] if c["type"] == "Ready")
            taints = {(t["key"], t["effect"]) for t in node["spec"].get("taints") or []}
            return (
                ready["status"] == "Unknown"
                and ready["reason"] == "NodeStatusUnknown"
                and ready["message"] == "Kubelet stopped posting node status."
                and taints
                == {
                    ("node.kubernetes.io/unreachable", "NoSchedule"),
                    ("node.kubernetes.io/unreachable", "NoExecute"),
                }
            )

        wait_for(unknown, 20, f"{lost} to become Unknown and tainted unreachable")

        def evicted_and_replaced() -> bool:
            items = pods(client, ns, "app=web")
            by_name = {p["metadata"]["name"]: p for p in items}
            gone = all(
                by_name[n]["metadata"].get("deletionTimestamp") and not is_ready(by_name[n])
                for n in on_lost
                if n in by_name
            )
            alive = [p for p in items if not p["metadata"].get("deletionTimestamp")]
            return (
                gone
                and len(alive) == 6
                and all(is_ready(p) and p["spec"]["nodeName"] != lost for p in alive)
            )

        wait_for(evicted_and_replaced, 30, "evictions from the lost node and 6 replacements")
    finally:
        hollow.resume_node(lost)

    def recovered() -> bool:
        node = get(client, f"/api/v1/nodes/{lost}") or {}
        ready = next(c for c in node["status"]["conditions"] if c["type"] == "Ready")
        return ready["status"] == "True" and not node["spec"].get("taints")

    wait_for(recovered, 20, f"{lost} to be Ready again without taints")
    wait_ready_pods(client, ns, "app=web", 6)  # the terminating pods are finally removed
