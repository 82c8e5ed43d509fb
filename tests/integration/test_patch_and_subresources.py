"""Every patch type over HTTP, and the scale, binding, eviction and log subresources."""

from __future__ import annotations

import httpx

from tests.support.objects import deployment, pod

MERGE = {"content-type": "application/merge-patch+json"}
JSONP = {"content-type": "application/json-patch+json"}
SMP = {"content-type": "application/strategic-merge-patch+json"}
APPLY = {"content-type": "application/apply-patch+yaml"}


def test_merge_patch(client: httpx.Client, ns: str) -> None:
    url = f"/apis/apps/v1/namespaces/{ns}/deployments"
    client.post(url, json=deployment("web"))
    r = client.patch(
        f"{url}/web", json={"metadata": {"labels": {"x": "y", "app": None}}}, headers=MERGE
    )
    assert r.status_code == 200, r.text
    assert r.json()["metadata"]["labels"] == {"x": "y"}


def test_json_patch(client: httpx.Client, ns: str) -> None:
    url = f"/apis/apps/v1/namespaces/{ns}/deployments"
    client.post(url, json=deployment("web"))
    ops = [
        {"op": "replace", "path": "/spec/replicas", "value": 4},
        {"op": "add", "path": "/metadata/annotations", "value": {"a": "b"}},
    ]
    r = client.patch(f"{url}/web", json=ops, headers=JSONP)
    assert r.status_code == 200, r.text
    assert r.json()["spec"]["replicas"] == 4 and r.json()["metadata"]["generation"] == 2
    r = client.patch(
        f"{url}/web", json=[{"op": "test", "path": "/spec/replicas", "value": 1}], headers=JSONP
    )
    assert r.status_code in (409, 422, 400)
    assert client.get(f"{url}/web").json()["spec"]["replicas"] == 4


def test_strategic_merge_patch_by_container_name(client: httpx.Client, ns: str) -> None:
    url = f"/apis/apps/v1/namespaces/{ns}/deployments"
    d = deployment("web")
    d["spec"]["template"]["spec"]["containers"].append({"name": "side", "image": "busybox"})
    client.post(url, json=d)
    patch = {
        "spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.26"}]}}}
    }
    r = client.patch(f"{url}/web", json=patch, headers=SMP)
    assert r.status_code == 200, r.text
    containers = r.json()["spec"]["template"]["spec"]["containers"]
    assert [(c["name"], c["image"]) for c in containers] == [
        ("web", "nginx:1.26"),
        ("side", "busybox"),
    ]
    r = client.patch(
        f"{url}/web",
        json={
            "spec": {"template": {"spec": {"containers": [{"name": "side", "$patch": "delete"}]}}}
        },
        headers=SMP,
    )
    assert [c["name"] for c in r.json()["spec"]["template"]["spec"]["containers"]] == ["web"]


def test_apply_patch_creates_then_merges(client: httpx.Client, ns: str) -> None:
    url = f"/api/v1/namespaces/{ns}/configmaps"
    body = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sa\ndata:\n  a: '1'\n"
    r = client.patch(f"{url}/sa", content=body, headers=APPLY, params={"fieldManager": "kubectl"})
    assert r.status_code == 201, r.text
    body2 = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sa\ndata:\n  a: '2'\n"
    r = client.patch(f"{url}/sa", content=body2, headers=APPLY)
    assert r.status_code == 200 and r.json()["data"] == {"a": "2"}


def test_patch_dry_run(client: httpx.Client, ns: str) -> None:
    url = f"/api/v1/namespaces/{ns}/configmaps"
    client.post(url, json={"metadata": {"name": "d"}, "data": {"a": "1"}})
    r = client.patch(f"{url}/d", params={"dryRun": "All"}, json={"data": {"a": "2"}}, headers=MERGE)
    assert r.status_code == 200 and r.json()["data"] == {"a": "2"}
    assert client.get(f"{url}/d").json()["data"] == {"a": "1"}


def test_scale_subresource(client: httpx.Client, ns: str) -> None:
    url = f"/apis/apps/v1/namespaces/{ns}/deployments"
    client.post(url, json=deployment("web", replicas=2))
    scale = client.get(f"{url}/web/scale").json()
    assert scale["kind"] == "Scale" and scale["apiVersion"] == "autoscaling/v1"
    assert scale["spec"]["replicas"] == 2 and scale["status"]["selector"] == "app=web"
    r = client.patch(f"{url}/web/scale", json={"spec": {"replicas": 5}}, headers=MERGE)
    assert r.status_code == 200 and r.json()["spec"]["replicas"] == 5
    d = client.get(f"{url}/web").json()
    assert d["spec"]["replicas"] == 5 and d["metadata"]["generation"] == 2
    # PUT with no Content-Type and a stale resourceVersion: conflict
    scale["spec"]["replicas"] = 1
    import orjson

    r = client.put(f"{url}/web/scale", content=orjson.dumps(scale))
    assert r.status_code == 409
    scale["metadata"]["resourceVersion"] = d["metadata"]["resourceVersion"]
    r = client.put(f"{url}/web/scale", content=orjson.dumps(scale))
    assert r.status_code == 200 and r.json()["spec"]["replicas"] == 1
    r = client.patch(f"{url}/web/scale", json={"spec": {"replicas": -1}}, headers=MERGE)
    assert r.status_code == 422


def test_binding(client: httpx.Client, ns: str) -> None:
    url = f"/api/v1/namespaces/{ns}/pods"
    client.post(url, json=pod("a"))
    binding = {
        "apiVersion": "v1",
        "kind": "Binding",
        "metadata": {"name": "a"},
        "target": {"apiVersion": "v1", "kind": "Node", "name": "node-1"},
    }
    r = client.post(f"{url}/a/binding", json=binding)
    assert r.status_code == 201, r.text
    got = client.get(f"{url}/a").json()
    assert got["spec"]["nodeName"] == "node-1"
    assert {"type": "PodScheduled", "status": "True"}.items() <= got["status"]["conditions"][
        0
    ].items()
    r = client.post(f"{url}/a/binding", json=binding)
    assert r.status_code == 409


def test_eviction(client: httpx.Client, ns: str) -> None:
    url = f"/api/v1/namespaces/{ns}/pods"
    client.post(url, json=pod("a"))
    ev = {"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": "a"}}
    r = client.post(f"{url}/a/eviction", json=ev)
    assert r.status_code == 201
    assert client.get(f"{url}/a").status_code == 404


def test_pod_spec_immutable_but_image_changes(client: httpx.Client, ns: str) -> None:
    url = f"/api/v1/namespaces/{ns}/pods"
    client.post(url, json=pod("a"))
    r = client.patch(
        f"{url}/a",
        json={"spec": {"containers": [{"name": "main", "image": "busybox:1.37"}]}},
        headers=SMP,
    )
    assert r.status_code == 200, r.text
    r = client.patch(f"{url}/a", json={"spec": {"restartPolicy": "Never"}}, headers=SMP)
    assert r.status_code == 422


def test_log_without_kubelet_is_a_clear_503(client: httpx.Client, ns: str) -> None:
    url = f"/api/v1/namespaces/{ns}/pods"
    client.post(url, json=pod("a", node="ghost-node"))
    r = client.get(f"{url}/a/log")
    assert r.status_code == 503
    assert r.json()["reason"] == "ServiceUnavailable" and "ghost-node" in r.json()["message"]
    client.post(url, json=pod("b"))
    assert client.get(f"{url}/b/log").status_code == 400
