"""The real kubectl (the dispatcher on PATH, which runs kubectl 1.32) against our API server alone.

Every test runs kubectl in a namespace of its own (the kubeconfig context points at it), with its
own HOME and --cache-dir, and checks what kubectl prints and what the server stored, as against
Kubernetes. Setup and checks go through the API with httpx; only the command under test is kubectl.
"""

from __future__ import annotations

import copy
import json
import re
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from tests.support.kubectl import KUBECTL, Kubectl, header, parse_table, tables, write_kubeconfig
from tests.support.objects import deployment, pod, service
from tests.support.procs import ApiServer

pytestmark = [
    pytest.mark.kubectl,
    pytest.mark.skipif(KUBECTL is None, reason="kubectl is not on PATH"),
]

AGE = re.compile(r"^\d+[smhdy]")  # "0s", "5m10s", "2y327d": the server's human duration


# --- fixtures and helpers -----------------------------------------------------------------------


@pytest.fixture
def kubectl(apiserver: ApiServer, ns: str, tmp_path: Path) -> Kubectl:
    cfg = write_kubeconfig(apiserver.kubeconfig(tmp_path / "kubeconfig"), ns)
    return Kubectl(cfg, tmp_path)


@pytest.fixture
def make_node(client: httpx.Client) -> Iterator[Callable[..., str]]:
    """Create Node objects (cluster-scoped, so uniquely named) and delete them afterwards."""
    made: list[str] = []

    def make(
        suffix: str,
        *,
        ready: bool = True,
        labels: dict[str, str] | None = None,
        unschedulable: bool = False,
        info: dict[str, str] | None = None,
        ip: str | None = None,
    ) -> str:
        name = f"n-{uuid.uuid4().hex[:6]}-{suffix}"
        node: dict[str, Any] = {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {"name": name, "labels": labels or {}},
            "spec": {"unschedulable": unschedulable},
            "status": {
                "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
                "addresses": [{"type": "InternalIP", "address": ip}] if ip else [],
                "nodeInfo": info or {},
            },
        }
        created(client, "/api/v1/nodes", node)
        made.append(name)
        return name

    yield make
    for name in made:
        client.delete(f"/api/v1/nodes/{name}")


def created(client: httpx.Client, path: str, body: dict[str, Any]) -> dict[str, Any]:
    r = client.post(path, json=body)
    assert r.status_code == 201, r.text
    return r.json()


def fetch(client: httpx.Client, path: str) -> dict[str, Any]:
    r = client.get(path)
    assert r.status_code == 200, r.text
    return r.json()


def gone(client: httpx.Client, path: str) -> bool:
    return client.get(path).status_code == 404


def set_status(client: httpx.Client, path: str, status: dict[str, Any]) -> dict[str, Any]:
    obj = fetch(client, path)
    obj["status"] = {**obj.get("status", {}), **status}
    r = client.put(path + "/status", json=obj)
    assert r.status_code == 200, r.text
    return r.json()


def rfc3339(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def row(rows: list[dict[str, str]], name: str, col: str = "NAME") -> dict[str, str]:
    found = [r for r in rows if r.get(col) == name]
    assert len(found) == 1, f"expected one row {col}={name} in {rows}"
    return found[0]


def without_volatile(obj: dict[str, Any]) -> dict[str, Any]:
    """The object minus what every write changes (resourceVersion, managedFields)."""
    out = copy.deepcopy(obj)
    out["metadata"].pop("resourceVersion", None)
    out["metadata"].pop("managedFields", None)
    return out


def web_manifest() -> dict[str, Any]:
    d = deployment("web", replicas=2, labels={"app": "web"})
    d["metadata"]["labels"]["tier"] = "frontend"
    d["spec"]["template"]["spec"]["containers"][0].update(
        ports=[{"containerPort": 80}],
        env=[{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
    )
    return d


# --- apply --------------------------------------------------------------------------------------


def test_apply_created_configured_unchanged(
    kubectl: Kubectl, client: httpx.Client, ns: str
) -> None:
    url = f"/apis/apps/v1/namespaces/{ns}/deployments/web"
    manifest = web_manifest()
    path = kubectl.manifest("web.yaml", manifest)

    assert kubectl.ok("apply", "-f", str(path)).stdout == "deployment.apps/web created\n"
    before = fetch(client, url)
    assert before["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.25"
    last = before["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"]
    assert json.loads(last)["spec"] == manifest["spec"]

    # image changed, a label removed, an env var removed, the container port changed
    changed = copy.deepcopy(manifest)
    del changed["metadata"]["labels"]["tier"]
    container = changed["spec"]["template"]["spec"]["containers"][0]
    container.update(image="nginx:1.26", ports=[{"containerPort": 8080}])
    container["env"] = [{"name": "B", "value": "2"}]
    kubectl.manifest("web.yaml", changed)
    assert kubectl.ok("apply", "-f", str(path)).stdout == "deployment.apps/web configured\n"

    after = fetch(client, url)
    expected = without_volatile(before)
    del expected["metadata"]["labels"]["tier"]
    want = expected["spec"]["template"]["spec"]["containers"][0]
    want.update(image="nginx:1.26", ports=[{"containerPort": 8080, "protocol": "TCP"}])
    want["env"] = [{"name": "B", "value": "2"}]
    expected["metadata"]["generation"] = before["metadata"]["generation"] + 1
    new_last = after["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"]
    assert json.loads(new_last)["spec"] == changed["spec"]
    expected["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] = (
        new_last
    )
    assert without_volatile(after) == expected
    assert int(after["metadata"]["resourceVersion"]) > int(before["metadata"]["resourceVersion"])

    assert kubectl.ok("apply", "-f", str(path)).stdout == "deployment.apps/web unchanged\n"
    again = fetch(client, url)
    assert again["metadata"]["resourceVersion"] == after["metadata"]["resourceVersion"]


def test_apply_multi_document_file(kubectl: Kubectl, client: httpx.Client, ns: str) -> None:
    svc = service("api", selector={"app": "api"})
    svc["spec"]["ports"][0]["targetPort"] = 8080
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "api-config"}}
    cm["data"] = {"mode": "fast", "level": "3"}
    path = kubectl.manifest("all.yaml", deployment("api", image="busybox:1.36"), svc, cm)

    out = kubectl.ok("apply", "-f", str(path)).lines
    assert out == [
        "deployment.apps/api created",
        "service/api created",
        "configmap/api-config created",
    ]
    d = fetch(client, f"/apis/apps/v1/namespaces/{ns}/deployments/api")
    assert d["spec"]["template"]["spec"]["containers"][0]["image"] == "busybox:1.36"
    s = fetch(client, f"/api/v1/namespaces/{ns}/services/api")
    assert s["spec"]["ports"][0]["targetPort"] == 8080 and s["spec"]["clusterIP"]
    assert fetch(client, f"/api/v1/namespaces/{ns}/configmaps/api-config")["data"] == cm["data"]

    out = kubectl.ok("apply", "-f", str(path)).lines
    assert out == [
        "deployment.apps/api unchanged",
        "service/api unchanged",
        "configmap/api-config unchanged",
    ]


def test_apply_server_side(kubectl: Kubectl, client: httpx.Client, ns: str) -> None:
    url = f"/api/v1/namespaces/{ns}/configmaps/ssa"
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "ssa"}}
    cm["data"] = {"mode": "fast"}
    path = kubectl.manifest("cm.yaml", cm)
    out = kubectl.ok("apply", "--server-side", "-f", str(path)).stdout
    assert out == "configmap/ssa serverside-applied\n"
    assert fetch(client, url)["data"] == {"mode": "fast"}

    cm["data"] = {"mode": "slow", "level": "3"}
    cm["metadata"]["labels"] = {"team": "a"}
    kubectl.manifest("cm.yaml", cm)
    out = kubectl.ok("apply", "--server-side", "-f", str(path)).stdout
    assert out == "configmap/ssa serverside-applied\n"
    got = fetch(client, url)
    assert got["data"] == {"mode": "slow", "level": "3"}
    assert got["metadata"]["labels"] == {"team": "a"}

    dpath = kubectl.manifest("d.yaml", deployment("ssd", replicas=3))
    out = kubectl.ok("apply", "--server-side", "-f", str(dpath)).stdout
    assert out == "deployment.apps/ssd serverside-applied\n"
    assert fetch(client, f"/apis/apps/v1/namespaces/{ns}/deployments/ssd")["spec"]["replicas"] == 3


def test_apply_invalid_pod_prints_422(kubectl: Kubectl, client: httpx.Client, ns: str) -> None:
    bad = pod("bad")
    del bad["spec"]["containers"][0]["image"]
    r = kubectl.fails("apply", "-f", str(kubectl.manifest("bad.yaml", bad)))
    assert r.stderr == 'The Pod "bad" is invalid: spec.containers[0].image: Required value\n'
    assert r.stdout == ""
    assert gone(client, f"/api/v1/namespaces/{ns}/pods/bad")

    # several causes: kubectl lists them one per line
    worse = pod("worse")
    worse["spec"]["containers"] = [{"name": "c"}, {"name": "c", "image": "busybox:1.36"}]
    r = kubectl.fails("apply", "-f", str(kubectl.manifest("worse.yaml", worse)))
    assert r.stderr.startswith('The Pod "worse" is invalid: \n'), r.stderr
    assert "* spec.containers[0].image: Required value\n" in r.stderr
    assert '* spec.containers[1].name: Duplicate value: "c"\n' in r.stderr
    assert gone(client, f"/api/v1/namespaces/{ns}/pods/worse")


# --- get ----------------------------------------------------------------------------------------


def test_get_pods_table_and_output_formats(kubectl: Kubectl, client: httpx.Client, ns: str) -> None:
    pods = f"/api/v1/namespaces/{ns}/pods"
    created(client, pods, pod("a", labels={"app": "x"}, node="node-1"))
    created(client, pods, pod("b", labels={"app": "x"}))
    created(client, pods, pod("c", labels={"app": "y"}))
    set_status(
        client,
        f"{pods}/a",
        {
            "phase": "Running",
            "podIP": "10.1.2.3",
            "containerStatuses": [
                {
                    "name": "main",
                    "image": "busybox:1.36",
                    "imageID": "",
                    "ready": True,
                    "restartCount": 0,
                    "state": {"running": {"startedAt": rfc3339(datetime.now(UTC))}},
                }
            ],
        },
    )

    out = kubectl.ok("get", "pods").stdout
    assert header(out) == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    rows = parse_table(out)
    assert [r["NAME"] for r in rows] == ["a", "b", "c"]
    a = row(rows, "a")
    assert (a["READY"], a["STATUS"], a["RESTARTS"]) == ("1/1", "Running", "0")
    assert AGE.match(a["AGE"]), a
    b = row(rows, "b")
    assert (b["READY"], b["STATUS"], b["RESTARTS"]) == ("0/1", "Pending", "0")

    out = kubectl.ok("get", "pods", "-o", "wide").stdout
    assert header(out) == [
        "NAME",
        "READY",
        "STATUS",
        "RESTARTS",
        "AGE",
        "IP",
        "NODE",
        "NOMINATED NODE",
        "READINESS GATES",
    ]
    a = row(parse_table(out), "a")
    assert (a["IP"], a["NODE"], a["NOMINATED NODE"], a["READINESS GATES"]) == (
        "10.1.2.3",
        "node-1",
        "<none>",
        "<none>",
    )
    assert row(parse_table(out), "b")["NODE"] == "<none>"

    one = kubectl.ok("get", "pod", "a").stdout
    assert [r["NAME"] for r in parse_table(one)] == ["a"]

    server = fetch(client, f"{pods}/a")
    doc = yaml.safe_load(kubectl.ok("get", "pod", "a", "-o", "yaml").stdout)
    assert doc["kind"] == "Pod" and doc["apiVersion"] == "v1"
    assert doc["metadata"]["uid"] == server["metadata"]["uid"]
    assert doc["status"]["podIP"] == "10.1.2.3"
    assert doc == server

    lst = json.loads(kubectl.ok("get", "pods", "-o", "json").stdout)
    assert lst["kind"] == "List" and lst["apiVersion"] == "v1"
    assert [(i["kind"], i["metadata"]["name"]) for i in lst["items"]] == [
        ("Pod", "a"),
        ("Pod", "b"),
        ("Pod", "c"),
    ]
    assert yaml.safe_load(kubectl.ok("get", "pods", "-o", "yaml").stdout) == lst

    assert kubectl.ok("get", "pods", "-o", "name").lines == ["pod/a", "pod/b", "pod/c"]

    rows = parse_table(kubectl.ok("get", "pods", "-l", "app=x").stdout)
    assert [r["NAME"] for r in rows] == ["a", "b"]
    assert kubectl.ok("get", "pods", "-l", "app=x", "-o", "name").lines == ["pod/a", "pod/b"]
    assert kubectl.ok("get", "pods", "-l", "app in (y)", "-o", "name").lines == ["pod/c"]
    none = kubectl.ok(
        "get", "pods", "-l", "app=z", stderr=f"No resources found in {ns} namespace.\n"
    )
    assert none.stdout == ""

    r = kubectl.fails("get", "pod", "nope")
    assert r.stderr == 'Error from server (NotFound): pods "nope" not found\n'


def test_get_pods_all_namespaces(kubectl: Kubectl, client: httpx.Client, ns: str) -> None:
    other = "t-" + uuid.uuid4().hex[:8]
    created(client, "/api/v1/namespaces", {"metadata": {"name": other}})
    tag = uuid.uuid4().hex[:8]
    created(client, f"/api/v1/namespaces/{ns}/pods", pod("p1", labels={"tag": tag}))
    created(client, f"/api/v1/namespaces/{other}/pods", pod("p2", labels={"tag": tag}))
    created(client, f"/api/v1/namespaces/{other}/pods", pod("p3"))

    out = kubectl.ok("get", "pods", "-A").stdout
    assert header(out) == ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    mine = [(r["NAMESPACE"], r["NAME"]) for r in parse_table(out) if r["NAMESPACE"] in (ns, other)]
    assert sorted(mine) == sorted([(ns, "p1"), (other, "p2"), (other, "p3")])

    rows = parse_table(kubectl.ok("get", "pods", "-A", "-l", f"tag={tag}").stdout)
    assert sorted((r["NAMESPACE"], r["NAME"]) for r in rows) == sorted([(ns, "p1"), (other, "p2")])
    # without -A only the context's namespace
    assert kubectl.ok("get", "pods", "-o", "name").lines == ["pod/p1"]


def test_get_deployments(kubectl: Kubectl, client: httpx.Client, ns: str) -> None:
    url = f"/apis/apps/v1/namespaces/{ns}/deployments"
    d = deployment("web", replicas=3)
    d["spec"]["template"]["spec"]["containers"].append({"name": "side", "image": "busybox:1.36"})
    created(client, url, d)
    created(client, url, deployment("db", labels={"app": "db", "tier": "be"}))
    set_status(
        client,
        f"{url}/web",
        {
            "observedGeneration": 1,
            "replicas": 3,
            "updatedReplicas": 3,
            "readyReplicas": 2,
            "availableReplicas": 2,
        },
    )

    out = kubectl.ok("get", "deploy").stdout
    assert header(out) == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    rows = parse_table(out)
    assert [r["NAME"] for r in rows] == ["db", "web"]
    web = row(rows, "web")
    assert (web["READY"], web["UP-TO-DATE"], web["AVAILABLE"]) == ("2/3", "3", "2")
    assert AGE.match(web["AGE"])
    db = row(rows, "db")
    assert (db["READY"], db["UP-TO-DATE"], db["AVAILABLE"]) == ("0/1", "0", "0")

    out = kubectl.ok("get", "deployments", "-o", "wide").stdout
    assert header(out)[5:] == ["CONTAINERS", "IMAGES", "SELECTOR"]
    web = row(parse_table(out), "web")
    assert web["CONTAINERS"] == "web,side"
    assert web["IMAGES"] == "nginx:1.25,busybox:1.36"
    assert web["SELECTOR"] == "app=web"
    assert row(parse_table(out), "db")["SELECTOR"] == "app=db,tier=be"

    assert kubectl.ok("get", "deploy", "-o", "name").lines == [
        "deployment.apps/db",
        "deployment.apps/web",
    ]
    doc = json.loads(kubectl.ok("get", "deploy", "web", "-o", "json").stdout)
    assert doc["kind"] == "Deployment" and doc["apiVersion"] == "apps/v1"
    assert doc["status"]["readyReplicas"] == 2
    doc = yaml.safe_load(kubectl.ok("get", "deploy", "web", "-o", "yaml").stdout)
    assert doc == fetch(client, f"{url}/web")
    assert kubectl.ok("get", "deploy", "-l", "tier=be", "-o", "name").lines == [
        "deployment.apps/db"
    ]

    # several kinds at once: one table each, names prefixed with the resource
    both = tables(kubectl.ok("get", "deploy,pods", "-l", "app=web").stdout)
    assert [r["NAME"] for r in parse_table(both[0])] == ["deployment.apps/web"]


def test_get_services(kubectl: Kubectl, client: httpx.Client, ns: str) -> None:
    url = f"/api/v1/namespaces/{ns}/services"
    cip = created(client, url, service("cip", selector={"app": "web"}))
    np = created(client, url, service("np", type_="NodePort", port=8080))
    lb = service("lb", type_="LoadBalancer")
    lb["spec"]["ports"] = [
        {"name": "http", "port": 80},
        {"name": "dns", "port": 53, "protocol": "UDP"},
    ]
    lb = created(client, url, lb)
    headless = service("hl")
    headless["spec"]["clusterIP"] = "None"
    created(client, url, headless)

    out = kubectl.ok("get", "svc").stdout
    assert header(out) == ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]
    rows = parse_table(out)
    assert [r["NAME"] for r in rows] == ["cip", "hl", "lb", "np"]
    r = row(rows, "cip")
    assert r["TYPE"] == "ClusterIP" and r["CLUSTER-IP"] == cip["spec"]["clusterIP"]
    assert (r["EXTERNAL-IP"], r["PORT(S)"]) == ("<none>", "80/TCP") and AGE.match(r["AGE"])
    r = row(rows, "np")
    node_port = np["spec"]["ports"][0]["nodePort"]
    assert (r["TYPE"], r["PORT(S)"]) == ("NodePort", f"8080:{node_port}/TCP")
    r = row(rows, "lb")
    ports = [p["nodePort"] for p in lb["spec"]["ports"]]
    assert (r["TYPE"], r["EXTERNAL-IP"]) == ("LoadBalancer", "<pending>")
    assert r["PORT(S)"] == f"80:{ports[0]}/TCP,53:{ports[1]}/UDP"
    assert row(rows, "hl")["CLUSTER-IP"] == "None"

    out = kubectl.ok("get", "services", "-o", "wide").stdout
    assert header(out)[-1] == "SELECTOR"
    assert row(parse_table(out), "cip")["SELECTOR"] == "app=web"
    assert row(parse_table(out), "np")["SELECTOR"] == "app=np"

    assert kubectl.ok("get", "svc", "-o", "name").lines == [
        "service/cip",
        "service/hl",
        "service/lb",
        "service/np",
    ]
    doc = json.loads(kubectl.ok("get", "svc", "cip", "-o", "json").stdout)
    assert doc["kind"] == "Service" and doc["spec"]["clusterIP"] == cip["spec"]["clusterIP"]
    assert yaml.safe_load(kubectl.ok("get", "svc", "np", "-o", "yaml").stdout) == np


def test_get_namespaces(kubectl: Kubectl, client: httpx.Client, ns: str) -> None:
    out = kubectl.ok("get", "ns").stdout
    assert header(out) == ["NAME", "STATUS", "AGE"]
    rows = parse_table(out)
    mine = row(rows, ns)
    assert mine["STATUS"] == "Active" and AGE.match(mine["AGE"])
    assert {"default", "kube-system"} <= {r["NAME"] for r in rows}

    assert f"namespace/{ns}" in kubectl.ok("get", "namespaces", "-o", "name").lines
    selected = kubectl.ok("get", "ns", "-l", f"kubernetes.io/metadata.name={ns}", "-o", "name")
    assert selected.lines == [f"namespace/{ns}"]
    doc = json.loads(kubectl.ok("get", "ns", ns, "-o", "json").stdout)
    assert doc["kind"] == "Namespace" and doc["status"]["phase"] == "Active"
    assert yaml.safe_load(kubectl.ok("get", "ns", ns, "-o", "yaml").stdout) == fetch(
        client, f"/api/v1/namespaces/{ns}"
    )
    # -o wide has no extra columns for namespaces
    assert header(kubectl.ok("get", "ns", "-o", "wide").stdout) == ["NAME", "STATUS", "AGE"]


def test_get_nodes(kubectl: Kubectl, client: httpx.Client, make_node: Callable[..., str]) -> None:
    tag = uuid.uuid4().hex[:8]
    info = {
        "kubeletVersion": "v1.32.0",
        "osImage": "Debian GNU/Linux 12 (bookworm)",
        "kernelVersion": "6.1.0-18-amd64",
        "containerRuntimeVersion": "docker://27.3.1",
    }
    cp = make_node(
        "cp",
        labels={"tag": tag, "node-role.kubernetes.io/control-plane": ""},
        info=info,
        ip="10.0.0.11",
    )
    worker = make_node("w", ready=False, unschedulable=True, labels={"tag": tag})

    out = kubectl.ok("get", "nodes").stdout
    assert header(out) == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
    rows = parse_table(out)
    r = row(rows, cp)
    assert (r["STATUS"], r["ROLES"], r["VERSION"]) == ("Ready", "control-plane", "v1.32.0")
    assert AGE.match(r["AGE"])
    r = row(rows, worker)
    assert (r["STATUS"], r["ROLES"]) == ("NotReady,SchedulingDisabled", "<none>")

    out = kubectl.ok("get", "nodes", "-o", "wide").stdout
    assert header(out)[5:] == [
        "INTERNAL-IP",
        "EXTERNAL-IP",
        "OS-IMAGE",
        "KERNEL-VERSION",
        "CONTAINER-RUNTIME",
    ]
    r = row(parse_table(out), cp)
    assert [r[c] for c in header(out)[5:]] == [
        "10.0.0.11",
        "<none>",
        "Debian GNU/Linux 12 (bookworm)",
        "6.1.0-18-amd64",
        "docker://27.3.1",
    ]
    r = row(parse_table(out), worker)
    assert (r["INTERNAL-IP"], r["OS-IMAGE"]) == ("<none>", "<unknown>")

    assert kubectl.ok("get", "no", "-l", f"tag={tag}", "-o", "name").lines == sorted(
        [f"node/{cp}", f"node/{worker}"]
    )
    doc = json.loads(kubectl.ok("get", "node", cp, "-o", "json").stdout)
    assert doc["kind"] == "Node" and doc["status"]["nodeInfo"]["kubeletVersion"] == "v1.32.0"
    assert yaml.safe_load(kubectl.ok("get", "node", worker, "-o", "yaml").stdout) == fetch(
        client, f"/api/v1/nodes/{worker}"
    )


def test_get_pods_watch(kubectl: Kubectl, client: httpx.Client, ns: str) -> None:
    pods = f"/api/v1/namespaces/{ns}/pods"
    created(client, pods, pod("a"))

    def rows(lines: list[str]) -> list[list[str]]:
        return [ln.split() for ln in lines[1:]]

    def names(lines: list[str]) -> list[str]:
        return [r[0] for r in rows(lines)]

    with kubectl.background("get", "pods", "-w", "--request-timeout=60s") as w:
        lines = w.wait_for(lambda ls: "a" in names(ls), what="the header and pod a")
        assert lines[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
        assert rows(lines)[0][:4] == ["a", "0/1", "Pending", "0"]

        # one line per event, in order; nothing printed twice (the watch starts at the list's RV)
        created(client, pods, pod("b"))
        lines = w.wait_for(lambda ls: "b" in names(ls), what="a row for the new pod b")
        assert names(lines) == ["a", "b"]
        assert rows(lines)[1][:4] == ["b", "0/1", "Pending", "0"]

        set_status(client, f"{pods}/b", {"phase": "Running"})
        lines = w.wait_for(lambda ls: len(names(ls)) >= 3, what="a row for the modified pod b")
        assert names(lines) == ["a", "b", "b"]
        assert rows(lines)[2][2] == "Running"

        assert client.delete(f"{pods}/a").status_code == 200
        lines = w.wait_for(lambda ls: len(names(ls)) >= 4, what="a row for the deleted pod a")
        assert names(lines) == ["a", "b", "b", "a"]
        assert w.proc.poll() is None, "kubectl get -w ended while the watch should stay open"


# --- create, replace, delete --------------------------------------------------------------------


def test_create_then_already_exists(kubectl: Kubectl, client: httpx.Client, ns: str) -> None:
    path = kubectl.manifest("p.yaml", pod("p", labels={"app": "p"}))
    assert kubectl.ok("create", "-f", str(path)).stdout == "pod/p created\n"
    got = fetch(client, f"/api/v1/namespaces/{ns}/pods/p")
    assert got["metadata"]["labels"] == {"app": "p"}
    assert "kubectl.kubernetes.io/last-applied-configuration" not in (
        got["metadata"].get("annotations") or {}
    )

    r = kubectl.fails("create", "-f", str(path))
    assert r.stderr == (
        f'Error from server (AlreadyExists): error when creating "{path}": '
        'pods "p" already exists\n'
    )
    assert r.stdout == ""

    many = kubectl.manifest(
        "many.yaml",
        deployment("d1"),
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c1"}},
    )
    assert kubectl.ok("create", "-f", str(many)).lines == [
        "deployment.apps/d1 created",
        "configmap/c1 created",
    ]


def test_replace(kubectl: Kubectl, client: httpx.Client, ns: str) -> None:
    url = f"/api/v1/namespaces/{ns}/pods/p"
    before = created(client, f"/api/v1/namespaces/{ns}/pods", pod("p", labels={"v": "1"}))
    changed = pod("p", labels={"v": "2"}, image="busybox:1.37")
    path = kubectl.manifest("p.yaml", changed)
    assert kubectl.ok("replace", "-f", str(path)).stdout == "pod/p replaced\n"
    after = fetch(client, url)
    assert after["metadata"]["uid"] == before["metadata"]["uid"]
    assert after["metadata"]["labels"] == {"v": "2"}
    assert after["spec"]["containers"][0]["image"] == "busybox:1.37"
    assert int(after["metadata"]["resourceVersion"]) > int(before["metadata"]["resourceVersion"])

    stale = copy.deepcopy(changed)
    stale["metadata"]["resourceVersion"] = before["metadata"]["resourceVersion"]
    spath = kubectl.manifest("stale.yaml", stale)
    r = kubectl.fails("replace", "-f", str(spath))
    assert r.stderr == (
        f'Error from server (Conflict): error when replacing "{spath}": Operation cannot be '
        'fulfilled on pods "p": the object has been modified; please apply your changes to the '
        "latest version and try again\n"
    )

    npath = kubectl.manifest("nope.yaml", pod("nope"))
    r = kubectl.fails("replace", "-f", str(npath))
    assert r.stderr == (
        f'Error from server (NotFound): error when replacing "{npath}": pods "nope" not found\n'
    )


def test_delete_by_name_file_and_label(kubectl: Kubectl, client: httpx.Client, ns: str) -> None:
    pods = f"/api/v1/namespaces/{ns}/pods"
    for name, app in [("a", "x"), ("b", "x"), ("c", "y"), ("d", "z")]:
        created(client, pods, pod(name, labels={"app": app}))
    created(client, f"/apis/apps/v1/namespaces/{ns}/deployments", deployment("web"))

    assert kubectl.ok("delete", "pod", "d").stdout == 'pod "d" deleted\n'
    assert gone(client, f"{pods}/d")

    assert kubectl.ok("delete", "pods", "-l", "app=x").lines == [
        'pod "a" deleted',
        'pod "b" deleted',
    ]
    assert gone(client, f"{pods}/a") and gone(client, f"{pods}/b")
    assert not gone(client, f"{pods}/c")

    path = kubectl.manifest("f.yaml", pod("c"), deployment("web"))
    assert kubectl.ok("delete", "-f", str(path)).lines == [
        'pod "c" deleted',
        'deployment.apps "web" deleted',
    ]
    assert gone(client, f"{pods}/c")
    assert gone(client, f"/apis/apps/v1/namespaces/{ns}/deployments/web")

    r = kubectl.fails("delete", "pod", "nope")
    assert r.stderr == 'Error from server (NotFound): pods "nope" not found\n'
    none = kubectl.ok("delete", "pods", "-l", "app=x")
    assert none.stdout == "No resources found\n"  # kubectl delete prints it on stdout


def test_delete_waits_for_the_object_to_go(kubectl: Kubectl, client: httpx.Client, ns: str) -> None:
    url = f"/api/v1/namespaces/{ns}/configmaps"
    created(client, url, {"metadata": {"name": "held", "finalizers": ["example.com/hold"]}})
    created(client, url, {"metadata": {"name": "other"}})

    # -v=6 logs each request on stderr: we can see kubectl reach its list+watch
    with kubectl.background("delete", "configmap", "held", "--timeout=50s", "-v=6") as bg:
        bg.wait_for(lambda ls: 'configmap "held" deleted' in ls, what="the deleted line")
        assert fetch(client, f"{url}/held")["metadata"].get("deletionTimestamp")
        # held by the finalizer: kubectl lists and watches that one object, and waits
        watch = re.compile(
            r"GET \S+/configmaps\?\S*fieldSelector=metadata.name%3Dheld\S*watch=true 200"
        )
        bg.wait_for(lambda ls: any(watch.search(ln) for ln in ls), what="the watch", stderr=True)
        # another object's events do not end the wait
        r = client.patch(
            f"{url}/other",
            json={"data": {"k": "v"}},
            headers={"content-type": "application/merge-patch+json"},
        )
        assert r.status_code == 200, r.text
        assert client.delete(f"{url}/other").status_code == 200
        assert bg.proc.poll() is None, "kubectl delete returned while the object still exists"

        r = client.patch(
            f"{url}/held",
            json={"metadata": {"finalizers": None}},
            headers={"content-type": "application/merge-patch+json"},
        )
        assert r.status_code == 200, r.text
        assert bg.proc.wait(30) == 0, bg.lines
    assert gone(client, f"{url}/held")


# --- scale, label, annotate ---------------------------------------------------------------------


def test_scale(kubectl: Kubectl, client: httpx.Client, ns: str) -> None:
    url = f"/apis/apps/v1/namespaces/{ns}/deployments/web"
    created(client, f"/apis/apps/v1/namespaces/{ns}/deployments", deployment("web", replicas=2))

    assert kubectl.ok("scale", "deploy", "web", "--replicas=5").stdout == (
        "deployment.apps/web scaled\n"
    )
    d = fetch(client, url)
    assert d["spec"]["replicas"] == 5 and d["metadata"]["generation"] == 2

    out = kubectl.ok("scale", "deploy", "web", "--current-replicas=5", "--replicas=2").stdout
    assert out == "deployment.apps/web scaled\n"
    d = fetch(client, url)
    assert d["spec"]["replicas"] == 2 and d["metadata"]["generation"] == 3

    r = kubectl.fails("scale", "deployment/web", "--current-replicas=5", "--replicas=3")
    assert r.stderr == "error: Expected replicas to be 5, was 2\n"
    assert fetch(client, url)["spec"]["replicas"] == 2


def test_label(kubectl: Kubectl, client: httpx.Client, ns: str) -> None:
    pods = f"/api/v1/namespaces/{ns}/pods"
    created(client, pods, pod("p", labels={"app": "x"}))
    created(client, pods, pod("q", labels={"app": "x"}))

    def labels(name: str = "p") -> dict[str, str]:
        return fetch(client, f"{pods}/{name}")["metadata"].get("labels") or {}

    assert kubectl.ok("label", "pod", "p", "env=prod").stdout == "pod/p labeled\n"
    assert labels() == {"app": "x", "env": "prod"}

    r = kubectl.fails("label", "pod", "p", "env=dev")
    assert r.stderr == "error: 'env' already has a value (prod), and --overwrite is false\n"
    assert labels() == {"app": "x", "env": "prod"}

    assert kubectl.ok("label", "pod", "p", "env=dev", "--overwrite").stdout == "pod/p labeled\n"
    assert labels() == {"app": "x", "env": "dev"}

    assert kubectl.ok("label", "pod", "p", "env-").stdout == "pod/p unlabeled\n"
    assert labels() == {"app": "x"}

    out = kubectl.ok("label", "pods", "-l", "app=x", "tier=fe").lines
    assert out == ["pod/p labeled", "pod/q labeled"]
    assert labels("q") == {"app": "x", "tier": "fe"}


def test_annotate(kubectl: Kubectl, client: httpx.Client, ns: str) -> None:
    url = f"/apis/apps/v1/namespaces/{ns}/deployments"
    created(client, url, deployment("web"))

    def annotations() -> dict[str, str]:
        return fetch(client, f"{url}/web")["metadata"].get("annotations") or {}

    out = kubectl.ok("annotate", "deploy", "web", "note=hello world", "owner=team-a").stdout
    assert out == "deployment.apps/web annotated\n"
    assert annotations() == {"note": "hello world", "owner": "team-a"}

    r = kubectl.fails("annotate", "deploy", "web", "note=bye")
    assert "'note' already has a value (hello world)" in r.stderr
    assert "--overwrite is false" in r.stderr
    assert annotations()["note"] == "hello world"

    kubectl.ok("annotate", "deploy", "web", "note=bye", "--overwrite")
    assert annotations() == {"note": "bye", "owner": "team-a"}

    kubectl.ok("annotate", "deploy", "web", "note-")
    assert annotations() == {"owner": "team-a"}
    # metadata only: the spec generation does not move
    assert fetch(client, f"{url}/web")["metadata"]["generation"] == 1


# --- events, discovery, version -----------------------------------------------------------------


def test_get_events(kubectl: Kubectl, client: httpx.Client, ns: str) -> None:
    now = datetime.now(UTC)
    url = f"/api/v1/namespaces/{ns}/events"
    created(
        client,
        url,
        {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {"name": "web-1.17a"},
            "involvedObject": {"kind": "Pod", "name": "web-1", "namespace": ns},
            "reason": "Scheduled",
            "message": f"Successfully assigned {ns}/web-1 to node-1",
            "type": "Normal",
            "source": {"component": "default-scheduler"},
            "count": 1,
            "firstTimestamp": rfc3339(now - timedelta(seconds=30)),
            "lastTimestamp": rfc3339(now - timedelta(seconds=30)),
        },
    )
    created(
        client,
        url,
        {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {"name": "web-1.17b"},
            "involvedObject": {
                "kind": "Pod",
                "name": "web-1",
                "namespace": ns,
                "fieldPath": "spec.containers{web}",
            },
            "reason": "BackOff",
            "message": "Back-off restarting failed container",
            "type": "Warning",
            "source": {"component": "kubelet", "host": "node-1"},
            "count": 7,
            "firstTimestamp": rfc3339(now - timedelta(hours=1)),
            "lastTimestamp": rfc3339(now - timedelta(seconds=30)),
        },
    )

    out = kubectl.ok("get", "events").stdout
    assert header(out) == ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    rows = parse_table(out)
    assert len(rows) == 2
    sched = row(rows, "Scheduled", "REASON")
    assert (sched["TYPE"], sched["OBJECT"]) == ("Normal", "pod/web-1")
    assert sched["MESSAGE"] == f"Successfully assigned {ns}/web-1 to node-1"
    assert re.fullmatch(r"3\ds", sched["LAST SEEN"]), sched
    back = row(rows, "BackOff", "REASON")
    assert (back["TYPE"], back["OBJECT"]) == ("Warning", "pod/web-1")

    out = kubectl.ok("get", "ev", "-o", "wide").stdout
    assert header(out) == [
        "LAST SEEN",
        "TYPE",
        "REASON",
        "OBJECT",
        "SUBOBJECT",
        "SOURCE",
        "MESSAGE",
        "FIRST SEEN",
        "COUNT",
        "NAME",
    ]
    back = row(parse_table(out), "BackOff", "REASON")
    assert back["SUBOBJECT"] == "spec.containers{web}"
    assert back["SOURCE"] == "kubelet, node-1"
    assert (back["FIRST SEEN"], back["COUNT"], back["NAME"]) == ("60m", "7", "web-1.17b")
    sched = row(parse_table(out), "Scheduled", "REASON")
    assert (sched["SOURCE"], sched["COUNT"]) == ("default-scheduler", "1")

    assert sorted(kubectl.ok("get", "events", "-o", "name").lines) == [
        "event/web-1.17a",
        "event/web-1.17b",
    ]


def test_api_resources(kubectl: Kubectl) -> None:
    out = kubectl.ok("api-resources").stdout
    assert header(out) == ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
    rows = parse_table(out)

    def fields(name: str) -> tuple[str, ...]:
        r = row(rows, name)
        return (r["SHORTNAMES"], r["APIVERSION"], r["NAMESPACED"], r["KIND"])

    assert fields("pods") == ("po", "v1", "true", "Pod")
    assert fields("deployments") == ("deploy", "apps/v1", "true", "Deployment")
    assert fields("services") == ("svc", "v1", "true", "Service")
    assert fields("namespaces") == ("ns", "v1", "false", "Namespace")
    assert fields("nodes") == ("no", "v1", "false", "Node")
    assert fields("events") == ("ev", "v1", "true", "Event")
    assert fields("configmaps") == ("cm", "v1", "true", "ConfigMap")
    assert not [r for r in rows if "/" in r["NAME"]], "subresources are not resources"

    apps = parse_table(kubectl.ok("api-resources", "--api-group=apps").stdout)
    assert {r["APIVERSION"] for r in apps} == {"apps/v1"}
    assert {"deployments", "replicasets"} <= {r["NAME"] for r in apps}
    cluster = kubectl.ok("api-resources", "--namespaced=false", "-o", "name").lines
    assert "nodes" in cluster and "namespaces" in cluster and "pods" not in cluster
    assert "deployments.apps" in kubectl.ok("api-resources", "-o", "name").lines


def test_version(kubectl: Kubectl, client: httpx.Client) -> None:
    server = fetch(client, "/version")
    assert (server["major"], server["minor"]) == ("1", "32")  # the dispatcher then runs 1.32

    out = kubectl.ok("version").lines
    assert out[0].startswith("Client Version: v1.32.")
    assert f"Server Version: {server['gitVersion']}" in out

    doc = json.loads(kubectl.ok("version", "-o", "json").stdout)
    assert doc["serverVersion"] == server
    assert doc["clientVersion"]["major"] == "1"
