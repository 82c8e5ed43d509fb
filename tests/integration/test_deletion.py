"""Graceful pod deletion, finalizers, propagation policies, namespaces going Terminating."""

from __future__ import annotations

import httpx

from tests.support.objects import deployment, pod


def test_unbound_pod_goes_at_once(client: httpx.Client, ns: str) -> None:
    client.post(f"/api/v1/namespaces/{ns}/pods", json=pod("a"))
    r = client.delete(f"/api/v1/namespaces/{ns}/pods/a")
    assert r.status_code == 200 and r.json()["metadata"]["name"] == "a"
    assert client.get(f"/api/v1/namespaces/{ns}/pods/a").status_code == 404


def test_bound_pod_is_deleted_gracefully(client: httpx.Client, ns: str) -> None:
    url = f"/api/v1/namespaces/{ns}/pods"
    client.post(url, json=pod("a", node="node-1", terminationGracePeriodSeconds=45))
    r = client.delete(f"{url}/a")
    assert r.status_code == 200
    meta = client.get(f"{url}/a").json()["metadata"]
    assert meta["deletionGracePeriodSeconds"] == 45 and meta["deletionTimestamp"].endswith("Z")
    # a shorter grace period shortens it; the kubelet confirms with 0 and the object goes
    client.request("DELETE", f"{url}/a", json={"gracePeriodSeconds": 10})
    assert client.get(f"{url}/a").json()["metadata"]["deletionGracePeriodSeconds"] == 10
    r = client.delete(f"{url}/a", params={"gracePeriodSeconds": "0"})
    assert r.status_code == 200
    assert client.get(f"{url}/a").status_code == 404


def test_finalizers_hold_the_object(client: httpx.Client, ns: str) -> None:
    url = f"/api/v1/namespaces/{ns}/configmaps"
    client.post(url, json={"metadata": {"name": "f", "finalizers": ["example.com/hold"]}})
    assert client.delete(f"{url}/f").status_code == 200
    held = client.get(f"{url}/f").json()
    assert held["metadata"]["deletionTimestamp"]
    held["metadata"]["finalizers"].append("example.com/more")
    r = client.put(f"{url}/f", json=held)
    assert r.status_code in (403, 422)  # no new finalizers while deleting
    r = client.patch(
        f"{url}/f",
        json={"metadata": {"finalizers": None}},
        headers={"content-type": "application/merge-patch+json"},
    )
    assert r.status_code == 200
    assert client.get(f"{url}/f").status_code == 404


def test_propagation_policies_set_finalizers(client: httpx.Client, ns: str) -> None:
    url = f"/apis/apps/v1/namespaces/{ns}/deployments"
    client.post(url, json=deployment("fg"))
    client.post(url, json=deployment("or"))
    client.post(url, json=deployment("bg"))
    client.request("DELETE", f"{url}/fg", json={"propagationPolicy": "Foreground"})
    client.delete(f"{url}/or", params={"propagationPolicy": "Orphan"})
    client.request("DELETE", f"{url}/bg", json={"propagationPolicy": "Background"})
    assert client.get(f"{url}/fg").json()["metadata"]["finalizers"] == ["foregroundDeletion"]
    assert client.get(f"{url}/or").json()["metadata"]["finalizers"] == ["orphan"]
    assert client.get(f"{url}/bg").status_code == 404


def test_delete_preconditions(client: httpx.Client, ns: str) -> None:
    url = f"/api/v1/namespaces/{ns}/configmaps"
    client.post(url, json={"metadata": {"name": "p"}})
    r = client.request("DELETE", f"{url}/p", json={"preconditions": {"uid": "not-it"}})
    assert r.status_code == 409
    assert client.get(f"{url}/p").status_code == 200


def test_delete_collection(client: httpx.Client, ns: str) -> None:
    url = f"/api/v1/namespaces/{ns}/configmaps"
    for name, app in (("a", "x"), ("b", "x"), ("c", "y")):
        client.post(url, json={"metadata": {"name": name, "labels": {"app": app}}})
    r = client.delete(url, params={"labelSelector": "app=x"})
    assert r.status_code == 200
    left = [c["metadata"]["name"] for c in client.get(url).json()["items"]]
    assert left == ["c"]


def test_namespace_goes_terminating(client: httpx.Client) -> None:
    client.post("/api/v1/namespaces", json={"metadata": {"name": "doomed"}})
    client.post("/api/v1/namespaces/doomed/configmaps", json={"metadata": {"name": "x"}})
    r = client.delete("/api/v1/namespaces/doomed")
    assert r.status_code == 200
    got = client.get("/api/v1/namespaces/doomed").json()
    assert got["status"]["phase"] == "Terminating"
    r = client.post("/api/v1/namespaces/doomed/configmaps", json={"metadata": {"name": "y"}})
    assert r.status_code == 403
    assert "being terminated" in r.json()["message"]
    # the namespace controller finalizes it (simulated here through /finalize)
    got["spec"]["finalizers"] = []
    r = client.put("/api/v1/namespaces/doomed/finalize", json=got)
    assert r.status_code == 200, r.text
    assert client.get("/api/v1/namespaces/doomed").status_code == 404
