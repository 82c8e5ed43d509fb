"""Lab scenario 4, "Stop the parts" (SCOPE.md), on the whole single-node cluster.

Each component is stopped in turn (kubelet, scheduler, controller manager, API server)
while a running pod keeps answering on its IP; then they come back one at a time and each
adds exactly its own part of the work: the API server stores a new Deployment (no pods),
the controller manager makes its pod (Pending, no node), the scheduler explains why the
unreachable node does not fit (kube-scheduler's FailedScheduling wording), and the kubelet
makes the node Ready, runs the new pod and re-adopts the first pod's container.
"""

from __future__ import annotations

import copy
from typing import Any

import httpx

from tests.integration.cluster.test_local_cluster import (  # fixtures: cluster, api, kubeling
    WEB,
    Cluster,
    api,
    cluster,
    get,
    kubeling,
    ready,
)
from tests.support.cli import Kubeling
from tests.support.procs import wait_for

__all__ = ["api", "cluster", "kubeling"]  # module fixtures shared with test_local_cluster

UNREACHABLE = "node.kubernetes.io/unreachable"
# kube-scheduler's (1.30+) FitError for one node with the unreachable NoSchedule taint (the
# pod tolerates only the NoExecute one, for 300 s), then its DefaultPreemption verdict
FAILED_SCHEDULING = (
    "0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }."
    " preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."
)


def deployment(name: str) -> dict[str, Any]:
    """WEB with one replica, named and labelled `name`."""
    d: dict[str, Any] = copy.deepcopy(WEB)
    d["metadata"] = {"name": name, "labels": {"app": name}}
    d["spec"]["replicas"] = 1
    d["spec"]["selector"] = {"matchLabels": {"app": name}}
    d["spec"]["template"]["metadata"]["labels"] = {"app": name}
    return d


def pods_of(api: httpx.Client, app: str) -> list[dict[str, Any]]:
    r = api.get("/api/v1/namespaces/default/pods", params={"labelSelector": f"app={app}"})
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


def node(api: httpx.Client, name: str) -> dict[str, Any]:
    r = api.get(f"/api/v1/nodes/{name}")
    assert r.status_code == 200, r.text
    return dict(r.json())


def node_ready(n: dict[str, Any]) -> str:
    conds = n.get("status", {}).get("conditions") or []
    return next((c["status"] for c in conds if c["type"] == "Ready"), "")


def taints(n: dict[str, Any]) -> set[tuple[str, str]]:
    return {(t["key"], t["effect"]) for t in n.get("spec", {}).get("taints") or []}


def unreachable(n: dict[str, Any]) -> bool:
    """Ready Unknown (the kubelet went silent), tainted unreachable NoSchedule + NoExecute."""
    wanted = {(UNREACHABLE, "NoSchedule"), (UNREACHABLE, "NoExecute")}
    return node_ready(n) == "Unknown" and wanted <= taints(n)


def back(n: dict[str, Any]) -> bool:
    """Ready again, and neither unreachable nor not-ready taint left."""
    managed = {UNREACHABLE, "node.kubernetes.io/not-ready"}
    return node_ready(n) == "True" and not managed & {k for k, _ in taints(n)}


def one_ready(pods: list[dict[str, Any]]) -> bool:
    return len(pods) == 1 and ready(pods[0])


def answers(ip: str, name: str) -> None:
    """The pod's server answers on its IP, under its own name."""
    assert get(f"http://{ip}:8080/") == f"hello from {name}\n"


def container(pod: dict[str, Any]) -> tuple[str, int]:
    (status,) = pod["status"]["containerStatuses"]
    return status["containerID"], status["restartCount"]


def test_stop_the_parts_then_start_them_one_by_one(
    cluster: Cluster, kubeling: Kubeling, api: httpx.Client
) -> None:
    kubelet = cluster.kubelet
    assert kubelet is not None
    # 1. one web pod serving on its IP
    kubeling.ok("apply", "-f", str(kubeling.manifest("web1.yaml", deployment("web"))))
    wait_for(lambda: one_ready(pods_of(api, "web")), 120, "one ready web pod")
    (first,) = pods_of(api, "web")
    name, ip = first["metadata"]["name"], first["status"]["podIP"]
    first_container = container(first)
    assert first_container[1] == 0, first["status"]
    answers(ip, name)

    # 2. the kubelet stops cleanly: its containers stay; the node goes Unknown and tainted
    kubelet.stop(timeout=20)
    answers(ip, name)
    wait_for(
        lambda: unreachable(node(api, cluster.node)),
        45,
        "the node Unknown with the unreachable taints",
    )
    out = kubeling.ok("get", "nodes").stdout
    assert any(line.split()[:2] == [cluster.node, "NotReady"] for line in out.splitlines()), out
    answers(ip, name)
    # the pod is marked not Ready but stays: it tolerates `unreachable` for 300 s
    wait_for(lambda: not ready(pods_of(api, "web")[0]), 30, "the web pod marked not Ready")
    assert [p["metadata"]["name"] for p in pods_of(api, "web")] == [name]
    cluster.scheduler.stop()
    answers(ip, name)
    cluster.cm.stop()
    answers(ip, name)
    cluster.api.stop()
    answers(ip, name)

    # 3. the CLI fails cleanly while the API server is down
    r = kubeling.process("get", "pods")
    assert r.code == 1, str(r)
    assert f"The connection to the server 127.0.0.1:{cluster.api.port} was refused" in r.stderr
    assert "did you specify the right host or port?" in r.stderr, str(r)
    assert "Traceback" not in r.stderr, str(r)

    # 4. the API server alone: a Deployment is stored, nobody makes its pods
    cluster.api.start()
    answers(ip, name)
    applied = kubeling.ok("apply", "-f", str(kubeling.manifest("late.yaml", deployment("late"))))
    assert applied.stdout.strip() == "deployment.apps/late created"
    assert kubeling.ok("get", "deploy", "late").stdout.split()[5:8] == ["late", "0/1", "0"]
    assert pods_of(api, "late") == []

    # 5. the controller manager: a Pending pod with no node
    cluster.cm.start()
    answers(ip, name)
    wait_for(lambda: len(pods_of(api, "late")) == 1, 30, "a pod for late")
    (late,) = pods_of(api, "late")
    late_name = late["metadata"]["name"]
    assert late["status"].get("phase") == "Pending", late["status"]
    assert not late["spec"].get("nodeName"), late["spec"]

    # 6. the scheduler: FailedScheduling, worded as kube-scheduler words it
    cluster.scheduler.start()
    answers(ip, name)

    def failed_scheduling() -> bool:
        out = kubeling.ok("get", "events", "--field-selector", f"involvedObject.name={late_name}")
        return "FailedScheduling" in out.stdout

    wait_for(failed_scheduling, 30, "a FailedScheduling event for the late pod")
    events = api.get(
        "/api/v1/namespaces/default/events",
        params={"fieldSelector": f"involvedObject.name={late_name},reason=FailedScheduling"},
    )
    assert {(e["type"], e["message"]) for e in events.json()["items"]} == {
        ("Warning", FAILED_SCHEDULING)
    }, events.text
    table = kubeling.ok("get", "events", "--field-selector", f"involvedObject.name={late_name}")
    assert any(
        "FailedScheduling" in line and line.endswith(FAILED_SCHEDULING)
        for line in table.stdout.splitlines()
    ), table.stdout
    described = kubeling.ok("describe", "pod", late_name).stdout
    assert any(
        "Warning  FailedScheduling" in line and line.endswith(FAILED_SCHEDULING)
        for line in described.splitlines()
    ), described
    assert not pods_of(api, "late")[0]["spec"].get("nodeName")
    assert [p["metadata"]["name"] for p in pods_of(api, "web")] == [name]  # not evicted

    # 7. the kubelet again (same node, same root dir): Ready, untainted, both pods running
    kubelet.start()
    wait_for(
        lambda: back(node(api, cluster.node)), 45, "the node Ready without the unreachable taints"
    )
    wait_for(lambda: one_ready(pods_of(api, "late")), 90, "the late pod Running and Ready")
    (late,) = pods_of(api, "late")
    assert late["metadata"]["name"] == late_name
    assert late["spec"]["nodeName"] == cluster.node
    answers(late["status"]["podIP"], late_name)
    wait_for(lambda: one_ready(pods_of(api, "web")), 30, "the web pod Ready again")
    (again,) = pods_of(api, "web")  # the same pod, the same container: re-adopted, not rerun
    assert (again["metadata"]["name"], again["status"]["podIP"]) == (name, ip)
    assert again["metadata"]["uid"] == first["metadata"]["uid"]
    assert container(again) == first_container, again["status"]
    answers(ip, name)
