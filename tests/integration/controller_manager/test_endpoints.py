"""Endpoints and EndpointSlices follow pods, their readiness and named ports."""

from __future__ import annotations

import httpx

from tests.integration.controller_manager.helpers import create, deployment, get, wait_ready_pods
from tests.support.cm_proc import ControllerManager
from tests.support.hollow import HollowThread
from tests.support.procs import wait_for


def test_endpoints_and_slices_track_ready_pods_and_named_ports(
    client: httpx.Client, ns: str, cm: ControllerManager, hollow: HollowThread
) -> None:
    d = deployment("web", replicas=3)
    d["spec"]["template"]["spec"]["containers"][0]["ports"] = [
        {"name": "http", "containerPort": 8080}
    ]
    create(client, f"/apis/apps/v1/namespaces/{ns}/deployments", d)
    svc = {
        "metadata": {"name": "web", "labels": {"tier": "front"}},
        "spec": {
            "selector": {"app": "web"},
            "ports": [{"name": "web", "port": 80, "targetPort": "http"}],
        },
    }
    create(client, f"/api/v1/namespaces/{ns}/services", svc)
    running = wait_ready_pods(client, ns, "app=web", 3)
    ips = {p["status"]["podIP"] for p in running}
    ep_path = f"/api/v1/namespaces/{ns}/endpoints/web"

    def endpoints_are(ready: set[str], not_ready: set[str]) -> bool:
        ep = get(client, ep_path) or {}
        subsets = ep.get("subsets") or []
        got_ready = {a["ip"] for s in subsets for a in s.get("addresses") or []}
        got_not = {a["ip"] for s in subsets for a in s.get("notReadyAddresses") or []}
        ports = {(p.get("name"), p["port"]) for s in subsets for p in s.get("ports") or []}
        return got_ready == ready and got_not == not_ready and ports == {("web", 8080)}

    wait_for(lambda: endpoints_are(ips, set()), 10, "3 ready endpoint addresses on port 8080")
    ep = get(client, ep_path) or {}
    addr = ep["subsets"][0]["addresses"][0]
    assert addr["targetRef"]["kind"] == "Pod" and addr["nodeName"] in hollow.names
    assert ep["metadata"]["labels"] == {"tier": "front"}

    def slice_ready() -> dict[str, bool]:
        """Endpoint readiness by IP over the Service's slices ({} if a slice looks wrong)."""
        items = client.get(
            f"/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices",
            params={"labelSelector": "kubernetes.io/service-name=web"},
        ).json()["items"]
        out = {}
        for s in items:
            managed = s["metadata"]["labels"].get("endpointslice.kubernetes.io/managed-by")
            if managed != "endpointslice-controller.k8s.io" or s["ports"] != [
                {"name": "web", "port": 8080, "protocol": "TCP"}
            ]:
                return {"wrong slice": False}
            for e in s.get("endpoints") or []:
                out[e["addresses"][0]] = e["conditions"]["ready"]
        return out

    wait_for(
        lambda: slice_ready() == dict.fromkeys(ips, True), 10, "a slice with 3 ready endpoints"
    )

    victim = running[0]
    status = victim["status"]
    for c in status["conditions"]:
        if c["type"] == "Ready":
            c["status"] = "False"
    r = client.put(f"/api/v1/namespaces/{ns}/pods/{victim['metadata']['name']}/status", json=victim)
    assert r.status_code == 200, r.text
    bad = status["podIP"]
    wait_for(
        lambda: endpoints_are(ips - {bad}, {bad}), 3, "the unready pod under notReadyAddresses"
    )
    wait_for(lambda: slice_ready().get(bad) is False, 3, "the slice endpoint to be not ready")

    assert client.delete(f"/api/v1/namespaces/{ns}/services/web").status_code == 200
    wait_for(lambda: get(client, ep_path) is None, 10, "the Endpoints to go with the Service")
    wait_for(lambda: slice_ready() == {}, 10, "the slices to go with the Service")
