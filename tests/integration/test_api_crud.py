"""CRUD, optimistic concurrency, generation, status, selectors and pagination over HTTP."""

from __future__ import annotations

import httpx

from tests.support.objects import deployment, pod


def test_create_get_list_delete(client: httpx.Client, ns: str) -> None:
    r = client.post(f"/api/v1/namespaces/{ns}/pods", json=pod("a"))
    assert r.status_code == 201, r.text
    created = r.json()
    meta = created["metadata"]
    assert created["kind"] == "Pod" and created["apiVersion"] == "v1"
    assert meta["namespace"] == ns and len(meta["uid"]) == 36
    assert isinstance(meta["resourceVersion"], str) and int(meta["resourceVersion"]) > 0
    assert meta["creationTimestamp"].endswith("Z")
    assert created["status"]["phase"] == "Pending"
    assert created["spec"]["restartPolicy"] == "Always"  # defaulted

    got = client.get(f"/api/v1/namespaces/{ns}/pods/a").json()
    assert got["metadata"]["uid"] == meta["uid"]

    lst = client.get(f"/api/v1/namespaces/{ns}/pods").json()
    assert lst["kind"] == "PodList" and lst["apiVersion"] == "v1"
    assert [p["metadata"]["name"] for p in lst["items"]] == ["a"]
    assert int(lst["metadata"]["resourceVersion"]) >= int(meta["resourceVersion"])

    r = client.delete(f"/api/v1/namespaces/{ns}/pods/a")
    assert r.status_code == 200
    r = client.get(f"/api/v1/namespaces/{ns}/pods/a")
    assert r.status_code == 404
    status = r.json()
    assert status["kind"] == "Status" and status["reason"] == "NotFound"
    assert status["message"] == 'pods "a" not found'
    assert status["details"] == {"name": "a", "kind": "pods"}


def test_empty_list_has_items(client: httpx.Client, ns: str) -> None:
    lst = client.get(f"/apis/apps/v1/namespaces/{ns}/deployments").json()
    assert lst["items"] == [] and lst["kind"] == "DeploymentList"


def test_already_exists(client: httpx.Client, ns: str) -> None:
    assert client.post(f"/api/v1/namespaces/{ns}/pods", json=pod("a")).status_code == 201
    r = client.post(f"/api/v1/namespaces/{ns}/pods", json=pod("a"))
    assert r.status_code == 409
    assert r.json()["reason"] == "AlreadyExists"
    assert r.json()["message"] == 'pods "a" already exists'


def test_create_in_missing_namespace(client: httpx.Client) -> None:
    r = client.post("/api/v1/namespaces/nope-ns/pods", json=pod("a"))
    assert r.status_code == 404
    assert r.json()["message"] == 'namespaces "nope-ns" not found'


def test_update_conflict_and_generation(client: httpx.Client, ns: str) -> None:
    url = f"/apis/apps/v1/namespaces/{ns}/deployments"
    d = client.post(url, json=deployment("web")).json()
    assert d["metadata"]["generation"] == 1
    stale = dict(d)
    d["spec"]["replicas"] = 3
    r = client.put(f"{url}/web", json=d)
    assert r.status_code == 200, r.text
    updated = r.json()
    assert updated["metadata"]["generation"] == 2
    assert int(updated["metadata"]["resourceVersion"]) > int(d["metadata"]["resourceVersion"])
    # the old resourceVersion is a failed precondition
    r = client.put(f"{url}/web", json=stale)
    assert r.status_code == 409
    body = r.json()
    assert body["reason"] == "Conflict"
    assert "the object has been modified" in body["message"]
    assert body["details"]["group"] == "apps"
    # metadata-only change: no generation bump
    updated["metadata"]["labels"]["x"] = "y"
    again = client.put(f"{url}/web", json=updated).json()
    assert again["metadata"]["generation"] == 2


def test_status_only_through_subresource(client: httpx.Client, ns: str) -> None:
    url = f"/apis/apps/v1/namespaces/{ns}/deployments"
    d = client.post(url, json=deployment("web")).json()
    d["status"] = {"replicas": 7}
    after = client.put(f"{url}/web", json=d).json()
    assert after.get("status", {}).get("replicas") is None
    after["status"] = {"replicas": 7, "observedGeneration": 1}
    after["spec"]["replicas"] = 9  # ignored on /status
    st = client.put(f"{url}/web/status", json=after)
    assert st.status_code == 200, st.text
    got = client.get(f"{url}/web").json()
    assert got["status"]["replicas"] == 7 and got["spec"]["replicas"] == 1
    assert got["metadata"]["generation"] == 1


def test_unchanged_update_keeps_resource_version(client: httpx.Client, ns: str) -> None:
    url = f"/api/v1/namespaces/{ns}/configmaps"
    cm = client.post(url, json={"metadata": {"name": "c"}, "data": {"a": "1"}}).json()
    same = client.put(f"{url}/c", json=cm).json()
    assert same["metadata"]["resourceVersion"] == cm["metadata"]["resourceVersion"]


def test_label_and_field_selectors(client: httpx.Client, ns: str) -> None:
    url = f"/api/v1/namespaces/{ns}/pods"
    client.post(url, json=pod("a", labels={"app": "web", "tier": "fe"}))
    client.post(url, json=pod("b", labels={"app": "web", "tier": "be"}))
    client.post(url, json=pod("c", labels={"app": "db"}, node="n1"))

    def names(**params: str) -> list[str]:
        r = client.get(url, params=params)
        assert r.status_code == 200, r.text
        return sorted(p["metadata"]["name"] for p in r.json()["items"])

    assert names(labelSelector="app=web") == ["a", "b"]
    assert names(labelSelector="app=web,tier!=fe") == ["b"]
    assert names(labelSelector="tier in (fe,be)") == ["a", "b"]
    assert names(labelSelector="!tier") == ["c"]
    assert names(labelSelector="app notin (web)") == ["c"]
    assert names(fieldSelector="metadata.name=b") == ["b"]
    assert names(fieldSelector="spec.nodeName=n1") == ["c"]
    assert names(fieldSelector="spec.nodeName!=n1") == ["a", "b"]
    assert names(fieldSelector="status.phase=Pending", labelSelector="app=db") == ["c"]
    r = client.get(url, params={"fieldSelector": "spec.bogus=x"})
    assert r.status_code == 400 and "field label not supported" in r.json()["message"]
    r = client.get(url, params={"labelSelector": "a in (b"})
    assert r.status_code == 400


def test_all_namespaces_list(client: httpx.Client, ns: str) -> None:
    client.post(f"/api/v1/namespaces/{ns}/pods", json=pod("x1"))
    r = client.get("/api/v1/pods", params={"fieldSelector": f"metadata.namespace={ns}"})
    assert [p["metadata"]["name"] for p in r.json()["items"]] == ["x1"]


def test_pagination(client: httpx.Client, ns: str) -> None:
    url = f"/api/v1/namespaces/{ns}/configmaps"
    for i in range(12):
        assert client.post(url, json={"metadata": {"name": f"c{i:02d}"}}).status_code == 201
    seen: list[str] = []
    cont = ""
    pages = 0
    first_rv = None
    while True:
        params = {"limit": "5"}
        if cont:
            params["continue"] = cont
        page = client.get(url, params=params).json()
        first_rv = first_rv or page["metadata"]["resourceVersion"]
        if pages == 0:  # a write between pages is not seen: the list is a snapshot
            client.post(url, json={"metadata": {"name": "c99"}})
        seen += [c["metadata"]["name"] for c in page["items"]]
        pages += 1
        cont = page["metadata"].get("continue", "")
        if not cont:
            break
    assert seen == [f"c{i:02d}" for i in range(12)]
    assert pages == 3
    assert client.get(url, params={"continue": "garbage!"}).status_code == 400


def test_generate_name(client: httpx.Client, ns: str) -> None:
    body = pod("")
    body["metadata"] = {"generateName": "web-"}
    r = client.post(f"/api/v1/namespaces/{ns}/pods", json=body)
    assert r.status_code == 201
    name = r.json()["metadata"]["name"]
    assert name.startswith("web-") and len(name) == len("web-") + 5


def test_cluster_scoped_and_namespace_mismatch(client: httpx.Client, ns: str) -> None:
    r = client.post("/api/v1/nodes", json={"metadata": {"name": "node-x"}})
    assert r.status_code == 201, r.text
    assert "namespace" not in r.json()["metadata"]
    body = pod("a")
    body["metadata"]["namespace"] = "other"
    r = client.post(f"/api/v1/namespaces/{ns}/pods", json=body)
    assert r.status_code == 400
    assert "does not match the namespace" in r.json()["message"]


def test_yaml_body_and_no_content_type(client: httpx.Client, ns: str) -> None:
    yaml_body = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\ndata:\n  k: v\n"
    r = client.post(
        f"/api/v1/namespaces/{ns}/configmaps",
        content=yaml_body,
        headers={"content-type": "application/yaml"},
    )
    assert r.status_code == 201, r.text
    r = client.post(f"/api/v1/namespaces/{ns}/configmaps", content=b'{"metadata":{"name":"z"}}')
    assert r.status_code == 201, r.text


def test_bad_bodies(client: httpx.Client, ns: str) -> None:
    url = f"/api/v1/namespaces/{ns}/configmaps"
    r = client.post(url, content=b"{nope", headers={"content-type": "application/json"})
    assert r.status_code == 400 and r.json()["kind"] == "Status"
    r = client.post(url, content=b"a: [b", headers={"content-type": "application/yaml"})
    assert r.status_code == 400
    r = client.post(
        url,
        content=b"k8s\x00\x01\x02",
        headers={"content-type": "application/vnd.kubernetes.protobuf"},
    )
    assert r.status_code == 415 and "apply -f" in r.json()["message"]
    big = {"metadata": {"name": "big"}, "data": {"k": "x" * (2 * 1024 * 1024)}}
    r = client.post(url, json=big)
    assert r.status_code == 413
    assert client.get(f"{url}/big").status_code == 404  # nothing half written


def test_validation_422_with_field_paths(client: httpx.Client, ns: str) -> None:
    body = pod("Bad_Name")
    body["spec"]["containers"][0].pop("image")
    r = client.post(f"/api/v1/namespaces/{ns}/pods", json=body)
    assert r.status_code == 422, r.text
    status = r.json()
    assert status["reason"] == "Invalid" and status["details"]["kind"] == "Pod"
    fields = {c["field"] for c in status["details"]["causes"]}
    assert {"metadata.name", "spec.containers[0].image"} <= fields
    assert status["message"].startswith('Pod "Bad_Name" is invalid:')


def test_immutable_selector(client: httpx.Client, ns: str) -> None:
    url = f"/apis/apps/v1/namespaces/{ns}/deployments"
    d = client.post(url, json=deployment("web")).json()
    d["spec"]["selector"] = {"matchLabels": {"app": "other"}}
    d["spec"]["template"]["metadata"]["labels"] = {"app": "other"}
    r = client.put(f"{url}/web", json=d)
    assert r.status_code == 422
    assert any(c["field"] == "spec.selector" for c in r.json()["details"]["causes"])


def test_dry_run_stores_nothing(client: httpx.Client, ns: str) -> None:
    url = f"/api/v1/namespaces/{ns}/configmaps"
    r = client.post(url, params={"dryRun": "All"}, json={"metadata": {"name": "dry"}})
    assert r.status_code == 201
    assert client.get(f"{url}/dry").status_code == 404


def test_service_cluster_ip_and_node_port(client: httpx.Client, ns: str) -> None:
    url = f"/api/v1/namespaces/{ns}/services"
    a = client.post(
        url,
        json={
            "metadata": {"name": "a"},
            "spec": {"type": "NodePort", "selector": {"app": "a"}, "ports": [{"port": 80}]},
        },
    ).json()
    ip = a["spec"]["clusterIP"]
    assert ip.startswith("10.96.") and a["spec"]["clusterIPs"] == [ip]
    node_port = a["spec"]["ports"][0]["nodePort"]
    assert 30000 <= node_port <= 32767
    assert a["spec"]["ports"][0]["targetPort"] == 80
    r = client.post(
        url,
        json={
            "metadata": {"name": "b"},
            "spec": {
                "type": "NodePort",
                "clusterIP": ip,
                "ports": [{"port": 80, "nodePort": node_port}],
            },
        },
    )
    assert r.status_code == 422
    fields = {c["field"] for c in r.json()["details"]["causes"]}
    assert fields == {"spec.clusterIPs[0]", "spec.ports[0].nodePort"}
    # deleting frees both
    assert client.delete(f"{url}/a").status_code == 200
    r = client.post(
        url,
        json={
            "metadata": {"name": "b"},
            "spec": {
                "type": "NodePort",
                "clusterIP": ip,
                "ports": [{"port": 80, "nodePort": node_port}],
            },
        },
    )
    assert r.status_code == 201, r.text


def test_bootstrap_objects(client: httpx.Client) -> None:
    names = {n["metadata"]["name"] for n in client.get("/api/v1/namespaces").json()["items"]}
    assert {"default", "kube-system", "kube-public", "kube-node-lease"} <= names
    svc = client.get("/api/v1/namespaces/default/services/kubernetes").json()
    assert svc["spec"]["clusterIP"] == "10.96.0.1"
    assert svc["spec"]["ports"][0]["port"] == 443


def test_service_replace_keeps_allocations(client: httpx.Client, ns: str) -> None:
    url = f"/api/v1/namespaces/{ns}/services"
    manifest = {
        "metadata": {"name": "r"},
        "spec": {"type": "NodePort", "selector": {"app": "r"}, "ports": [{"port": 80}]},
    }
    created = client.post(url, json=manifest).json()
    manifest["spec"]["selector"] = {"app": "r2"}  # as `kubectl replace -f` sends it
    r = client.put(f"{url}/r", json=manifest)
    assert r.status_code == 200, r.text
    spec = r.json()["spec"]
    assert spec["clusterIP"] == created["spec"]["clusterIP"]
    assert spec["ports"][0]["nodePort"] == created["spec"]["ports"][0]["nodePort"]
    assert spec["selector"] == {"app": "r2"}


def test_namespace_finalizers_change_only_through_finalize(client: httpx.Client, ns: str) -> None:
    got = client.get(f"/api/v1/namespaces/{ns}").json()
    assert got["spec"]["finalizers"] == ["kubernetes"]
    got["spec"]["finalizers"] = []
    after = client.put(f"/api/v1/namespaces/{ns}", json=got).json()
    assert after["spec"]["finalizers"] == ["kubernetes"]
