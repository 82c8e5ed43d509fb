"""ReplicaSets against a real API server, controller manager process and hollow nodes."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from tests.integration.controller_manager.helpers import (
    create,
    get,
    live,
    pods,
    replicaset,
    wait_ready_pods,
)
from tests.support.cm_proc import ControllerManager
from tests.support.hollow import HollowThread
from tests.support.kubectl import Kubectl, write_kubeconfig
from tests.support.procs import ApiServer, wait_for

NAME = re.compile(r"^web-[bcdfghjklmnpqrstvwxz2456789]{5}$")


def rs_path(ns: str, name: str = "") -> str:
    return f"/apis/apps/v1/namespaces/{ns}/replicasets" + (f"/{name}" if name else "")


def test_scale_up_and_down(
    client: httpx.Client, ns: str, cm: ControllerManager, hollow: HollowThread
) -> None:
    rs = create(client, rs_path(ns), replicaset("web", replicas=3))
    found = wait_ready_pods(client, ns, "app=web", 3)
    for p in found:
        assert NAME.match(p["metadata"]["name"]), p["metadata"]["name"]
        (ref,) = p["metadata"]["ownerReferences"]
        assert ref["uid"] == rs["metadata"]["uid"] and ref["controller"] is True
        assert p["spec"]["nodeName"] in hollow.names

    def status_is(n: int) -> bool:
        s = (get(client, rs_path(ns, "web")) or {}).get("status") or {}
        return (s.get("replicas"), s.get("readyReplicas"), s.get("availableReplicas")) == (n, n, n)

    wait_for(lambda: status_is(3), 20, "RS status 3/3/3")
    r = client.patch(
        rs_path(ns, "web") + "/scale",
        json={"spec": {"replicas": 6}},
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert r.status_code == 200, r.text
    wait_ready_pods(client, ns, "app=web", 6)
    r = client.patch(
        rs_path(ns, "web") + "/scale",
        json={"spec": {"replicas": 2}},
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert r.status_code == 200, r.text
    wait_ready_pods(client, ns, "app=web", 2)
    wait_for(lambda: status_is(2), 20, "RS status 2/2/2")
    s = (get(client, rs_path(ns, "web")) or {})["status"]
    assert s["observedGeneration"] == 3 and s["fullyLabeledReplicas"] == 2


def test_deleted_pod_is_replaced(
    client: httpx.Client, ns: str, cm: ControllerManager, hollow: HollowThread
) -> None:
    create(client, rs_path(ns), replicaset("web", replicas=3))
    before = {p["metadata"]["name"] for p in wait_ready_pods(client, ns, "app=web", 3)}
    victim = sorted(before)[0]
    assert client.delete(f"/api/v1/namespaces/{ns}/pods/{victim}").status_code == 200
    after = {p["metadata"]["name"] for p in wait_ready_pods(client, ns, "app=web", 3)}
    assert victim not in after and len(after - before) == 1


def test_relabelled_pod_is_released_and_replaced(
    client: httpx.Client, ns: str, cm: ControllerManager, hollow: HollowThread
) -> None:
    create(client, rs_path(ns), replicaset("web", replicas=2))
    first = wait_ready_pods(client, ns, "app=web", 2)[0]["metadata"]["name"]
    r = client.patch(
        f"/api/v1/namespaces/{ns}/pods/{first}",
        json={"metadata": {"labels": {"app": "debug"}}},
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert r.status_code == 200, r.text

    def released() -> bool:
        p = get(client, f"/api/v1/namespaces/{ns}/pods/{first}") or {}
        return not p["metadata"].get("ownerReferences")

    wait_for(released, 20, "the relabelled pod to lose its ownerReference")
    names = {p["metadata"]["name"] for p in wait_ready_pods(client, ns, "app=web", 2)}
    assert first not in names
    # an orphan that matches again is adopted (and the surplus removed)
    client.patch(
        f"/api/v1/namespaces/{ns}/pods/{first}",
        json={"metadata": {"labels": {"app": "web"}}},
        headers={"Content-Type": "application/merge-patch+json"},
    )
    wait_ready_pods(client, ns, "app=web", 2)


def test_kubectl_delete_cascade_orphan_keeps_the_pods(
    client: httpx.Client,
    ns: str,
    cm: ControllerManager,
    hollow: HollowThread,
    apiserver: ApiServer,
    tmp_path: Path,
) -> None:
    create(client, rs_path(ns), replicaset("web", replicas=2))
    names = {p["metadata"]["name"] for p in wait_ready_pods(client, ns, "app=web", 2)}
    kc = Kubectl(write_kubeconfig(apiserver.kubeconfig(tmp_path / "kc"), ns), tmp_path)
    kc.ok("delete", "rs", "web", "--cascade=orphan", timeout=60)
    assert get(client, rs_path(ns, "web")) is None

    def orphaned() -> bool:
        items = live(pods(client, ns, "app=web"))
        return {p["metadata"]["name"] for p in items} == names and not any(
            p["metadata"].get("ownerReferences") for p in items
        )

    wait_for(orphaned, 20, "the pods to stay, without ownerReferences")
