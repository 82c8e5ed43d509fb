"""Garbage collection (background, foreground, orphan) and namespace deletion."""

from __future__ import annotations

import time
import uuid

import httpx

from tests.integration.controller_manager.helpers import (
    create,
    deployment,
    deployment_done,
    get,
    live,
    pods,
    wait_ready_pods,
)
from tests.support.cm_proc import ControllerManager
from tests.support.hollow import HollowThread
from tests.support.procs import ApiServer, wait_for
from tests.support.watching import WatchStream


def deploy_path(ns: str, name: str = "") -> str:
    return f"/apis/apps/v1/namespaces/{ns}/deployments" + (f"/{name}" if name else "")


def rs_list(client: httpx.Client, ns: str) -> list[dict]:  # type: ignore[type-arg]
    return list(client.get(f"/apis/apps/v1/namespaces/{ns}/replicasets").json()["items"])


def delete(client: httpx.Client, path: str, policy: str) -> None:
    r = client.request(
        "DELETE",
        path,
        json={"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": policy},
    )
    assert r.status_code in (200, 202), r.text


def test_background_deletion_removes_replicasets_and_pods(
    client: httpx.Client, ns: str, cm: ControllerManager, hollow: HollowThread
) -> None:
    create(client, deploy_path(ns), deployment("web", replicas=3))
    wait_ready_pods(client, ns, "app=web", 3)
    delete(client, deploy_path(ns, "web"), "Background")
    assert get(client, deploy_path(ns, "web")) is None
    wait_for(lambda: not rs_list(client, ns) and not pods(client, ns), 30, "RS and pods gone")


def test_foreground_deletion_keeps_the_owner_until_its_dependents_are_gone(
    client: httpx.Client, ns: str, apiserver: ApiServer, cm: ControllerManager, hollow: HollowThread
) -> None:
    create(client, deploy_path(ns), deployment("web", replicas=3))
    wait_ready_pods(client, ns, "app=web", 3)
    listed = client.get(deploy_path(ns)).json()
    stream = WatchStream(
        apiserver.url, deploy_path(ns), {"resourceVersion": listed["metadata"]["resourceVersion"]}
    )
    delete(client, deploy_path(ns, "web"), "Foreground")
    saw_finalizer = False
    deadline = time.monotonic() + 30
    while True:
        assert time.monotonic() < deadline, "the deployment was never removed"
        ev = stream.next(timeout=max(0.1, deadline - time.monotonic()))
        assert ev is not None, "the watch ended"
        meta = ev["object"].get("metadata") or {}
        if ev["type"] == "MODIFIED" and "foregroundDeletion" in (meta.get("finalizers") or []):
            saw_finalizer = True
        if ev["type"] == "DELETED":
            break
    assert saw_finalizer
    assert pods(client, ns) == [] and rs_list(client, ns) == []


def test_orphan_deletion_leaves_dependents_without_the_owner_reference(
    client: httpx.Client, ns: str, cm: ControllerManager, hollow: HollowThread
) -> None:
    create(client, deploy_path(ns), deployment("web", replicas=2))
    names = {p["metadata"]["name"] for p in wait_ready_pods(client, ns, "app=web", 2)}
    delete(client, deploy_path(ns, "web"), "Orphan")
    wait_for(lambda: get(client, deploy_path(ns, "web")) is None, 20, "the deployment to go")
    (rs,) = rs_list(client, ns)
    assert not rs["metadata"].get("ownerReferences")
    assert {p["metadata"]["name"] for p in live(pods(client, ns))} == names
    # the same Deployment again adopts the orphaned ReplicaSet (and so its pods)
    again = create(client, deploy_path(ns), deployment("web", replicas=2))

    def adopted() -> bool:
        (rs,) = rs_list(client, ns)
        refs = rs["metadata"].get("ownerReferences") or []
        return [r["uid"] for r in refs] == [again["metadata"]["uid"]]

    wait_for(adopted, 20, "the new Deployment to adopt the orphaned ReplicaSet")
    wait_for(lambda: deployment_done(client, ns, "web", 2), 20, "the adopted rollout")
    assert {p["metadata"]["name"] for p in live(pods(client, ns))} == names


def test_namespace_deletion_empties_and_removes_the_namespace(
    client: httpx.Client, cm: ControllerManager, hollow: HollowThread
) -> None:
    ns = "del-" + uuid.uuid4().hex[:8]
    create(client, "/api/v1/namespaces", {"metadata": {"name": ns}})
    create(client, deploy_path(ns), deployment("web", replicas=2))
    create(
        client,
        f"/api/v1/namespaces/{ns}/configmaps",
        {"metadata": {"name": "cfg"}, "data": {"a": "b"}},
    )
    wait_ready_pods(client, ns, "app=web", 2)
    assert client.delete(f"/api/v1/namespaces/{ns}").status_code == 200
    phase = (get(client, f"/api/v1/namespaces/{ns}") or {}).get("status", {}).get("phase")
    assert phase in ("Terminating", None)
    wait_for(lambda: get(client, f"/api/v1/namespaces/{ns}") is None, 60, "the namespace to go")
    assert pods(client, ns) == []
