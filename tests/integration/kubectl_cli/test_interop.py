"""kubeling and the real kubectl take turns: the same manifests driven through either tool leave
the same state, each continues what the other started (apply with one, re-apply with the
other: `unchanged`), and both print the same tables and errors."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest
import yaml

from tests.integration.kubectl_cli.helpers import created, fetch, gone
from tests.support.cli import Kubeling, normalize_table
from tests.support.kubectl import Kubectl
from tests.support.objects import deployment, pod, service

pytestmark = pytest.mark.kubectl

VOLATILE_META = (
    "uid",
    "resourceVersion",
    "creationTimestamp",
    "managedFields",
    "namespace",
    "generation",
)


def manifests() -> list[dict[str, Any]]:
    d = deployment("web", replicas=2)
    d["metadata"]["labels"]["tier"] = "frontend"
    c = d["spec"]["template"]["spec"]["containers"][0]
    c.update(
        ports=[{"containerPort": 80}],
        env=[{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
    )
    d["spec"]["template"]["spec"]["containers"].append({"name": "side", "image": "busybox"})
    d["spec"]["strategy"] = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}
    svc = service("web")
    cm = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "cfg"},
        "data": {"a": "1", "b": "2"},
    }
    return [d, svc, cm]


def changed(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    d, svc, cm = copy.deepcopy(docs)
    del d["metadata"]["labels"]["tier"]
    c = d["spec"]["template"]["spec"]["containers"][0]
    c.update(image="nginx:1.26", ports=[{"containerPort": 8080}], env=[{"name": "B", "value": "2"}])
    del d["spec"]["template"]["spec"]["containers"][1]
    d["spec"]["strategy"] = {"type": "Recreate"}
    svc["spec"]["ports"] = [{"port": 80, "targetPort": 8080}, {"port": 443, "name": "tls"}]
    svc["spec"]["ports"][0]["name"] = "http"
    del cm["data"]["a"]
    cm["data"]["c"] = "3"
    return [d, svc, cm]


PATHS = {
    "Deployment": "/apis/apps/v1/namespaces/{ns}/deployments/{name}",
    "Service": "/api/v1/namespaces/{ns}/services/{name}",
    "ConfigMap": "/api/v1/namespaces/{ns}/configmaps/{name}",
}


def state(client: httpx.Client, ns: str, docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The stored objects minus what differs between any two namespaces or runs."""
    out = []
    for doc in docs:
        obj = fetch(client, PATHS[doc["kind"]].format(ns=ns, name=doc["metadata"]["name"]))
        for k in VOLATILE_META:
            obj["metadata"].pop(k, None)
        ann = obj["metadata"].get("annotations") or {}
        last = ann.get("kubectl.kubernetes.io/last-applied-configuration")
        if last:  # it names the namespace
            ann["kubectl.kubernetes.io/last-applied-configuration"] = last.replace(ns, "NS")
        spec = obj.get("spec") or {}
        for k in ("clusterIP", "clusterIPs"):
            spec.pop(k, None)
        out.append(obj)
    return out


@pytest.fixture
def other_ns(client: httpx.Client, ns: str) -> str:
    name = ns + "-k"
    created(client, "/api/v1/namespaces", {"metadata": {"name": name}})
    return name


def test_same_manifests_same_state(
    kubeling: Kubeling, kubectl: Kubectl, client: httpx.Client, ns: str, other_ns: str
) -> None:
    """Each tool drives its own namespace through the same steps; states match after each."""
    docs = manifests()
    mine = kubeling.manifest("v1.yaml", *docs)
    theirs = kubectl.manifest("v1.yaml", *docs)
    k = ("-n", other_ns)

    out1 = kubeling.ok("apply", "-f", str(mine)).stdout
    out2 = kubectl.ok("apply", "-f", str(theirs), *k).stdout
    assert (
        out1 == out2 == "deployment.apps/web created\nservice/web created\nconfigmap/cfg created\n"
    )
    assert state(client, ns, docs) == state(client, other_ns, docs)

    assert kubeling.ok("scale", "deploy/web", "--replicas=4").stdout == (
        kubectl.ok("scale", "deploy/web", "--replicas=4", *k).stdout
    )
    assert state(client, ns, docs) == state(client, other_ns, docs)

    new = changed(docs)
    kubeling.manifest("v1.yaml", *new)
    kubectl.manifest("v1.yaml", *new)
    out1 = kubeling.ok("apply", "-f", str(mine)).stdout
    out2 = kubectl.ok("apply", "-f", str(theirs), *k).stdout
    assert (
        out1
        == out2
        == ("deployment.apps/web configured\nservice/web configured\nconfigmap/cfg configured\n")
    )
    assert state(client, ns, new) == state(client, other_ns, new)

    for tool_ns in (ns, other_ns):
        kubeling.ok("label", "cm", "cfg", "x=y", "-n", tool_ns) if tool_ns == ns else kubectl.ok(
            "label", "cm", "cfg", "x=y", *k
        )
    assert state(client, ns, new) == state(client, other_ns, new)

    out1 = kubeling.ok("delete", "-f", str(mine)).stdout
    out2 = kubectl.ok("delete", "-f", str(theirs), *k).stdout
    assert out1 == out2
    for doc in new:
        for n in (ns, other_ns):
            assert gone(client, PATHS[doc["kind"]].format(ns=n, name=doc["metadata"]["name"]))


def test_each_tool_continues_the_other(kubeling: Kubeling, kubectl: Kubectl) -> None:
    docs = manifests()
    mine = kubeling.manifest("m.yaml", *docs)
    theirs = kubectl.manifest("m.yaml", *docs)
    unchanged = "deployment.apps/web unchanged\nservice/web unchanged\nconfigmap/cfg unchanged\n"
    configured = (
        "deployment.apps/web configured\nservice/web configured\nconfigmap/cfg configured\n"
    )

    kubeling.ok("apply", "-f", str(mine))
    assert kubectl.ok("apply", "-f", str(theirs)).stdout == unchanged
    new = changed(docs)
    kubectl.manifest("m.yaml", *new)
    kubeling.manifest("m.yaml", *new)
    assert kubectl.ok("apply", "-f", str(theirs)).stdout == configured
    assert kubeling.ok("apply", "-f", str(mine)).stdout == unchanged
    kubeling.manifest("m.yaml", *docs)
    kubectl.manifest("m.yaml", *docs)
    assert kubeling.ok("apply", "-f", str(mine)).stdout == configured
    assert kubectl.ok("apply", "-f", str(theirs)).stdout == unchanged


def test_rollout_undo_same_result(
    kubeling: Kubeling, kubectl: Kubectl, client: httpx.Client, ns: str, other_ns: str
) -> None:
    from tests.integration.kubectl_cli.test_verbs import make_revision

    for n in (ns, other_ns):
        d = created(
            client,
            f"/apis/apps/v1/namespaces/{n}/deployments",
            deployment("web", image="nginx:1.26"),
        )
        make_revision(client, n, d, 1, "nginx:1.25", "first")
        make_revision(client, n, d, 2, "nginx:1.26", "second")
        r = client.patch(
            f"/apis/apps/v1/namespaces/{n}/deployments/web",
            json={"metadata": {"annotations": {"deployment.kubernetes.io/revision": "2"}}},
            headers={"Content-Type": "application/merge-patch+json"},
        )
        assert r.status_code == 200, r.text
    assert kubeling.ok("rollout", "undo", "deploy/web").stdout == (
        kubectl.ok("rollout", "undo", "deploy/web", "-n", other_ns).stdout
    )
    docs = [deployment("web")]
    assert state(client, ns, docs) == state(client, other_ns, docs)
    mine = kubeling.ok("rollout", "history", "deploy/web").stdout
    theirs = kubectl.ok("rollout", "history", "deploy/web", "-n", other_ns).stdout
    assert normalize_table(mine) == normalize_table(theirs)
    for args in (["deploy", "web"], ["rs", "web-h1"]):
        mine = kubeling.ok("describe", *args).stdout
        theirs = kubectl.ok("describe", *args, "-n", other_ns).stdout
        assert normalize_table(mine.replace(ns, "NS")) == normalize_table(
            theirs.replace(other_ns, "NS")
        ), args
    mine = kubeling.ok("rollout", "history", "deploy/web", "--revision=1").stdout
    theirs = kubectl.ok("rollout", "history", "deploy/web", "--revision=1", "-n", other_ns).stdout
    assert mine == theirs


def test_same_tables_and_errors(
    kubeling: Kubeling, kubectl: Kubectl, client: httpx.Client, ns: str
) -> None:
    created(client, f"/api/v1/namespaces/{ns}/pods", pod("p1", labels={"app": "x"}))
    created(client, f"/apis/apps/v1/namespaces/{ns}/deployments", deployment("web"))
    for args in (
        ["get", "pods"],
        ["get", "pods", "-o", "wide"],
        ["get", "deploy", "-o", "wide"],
        ["get", "po,deploy", "--show-labels"],
        ["get", "pods", "-o", "name"],
    ):
        mine, theirs = kubeling.ok(*args).stdout, kubectl.ok(*args).stdout
        assert normalize_table(mine) == normalize_table(theirs), args
    for args in (["get", "pods", "-o", "yaml"], ["get", "deploy", "web", "-o", "json"]):
        assert yaml.safe_load(kubeling.ok(*args).stdout) == yaml.safe_load(kubectl.ok(*args).stdout)
    for args in (["get", "pod", "nope"], ["get", "nothing"], ["delete", "cm", "nope"]):
        assert kubeling.fails(*args).stderr == kubectl.fails(*args).stderr, args
    bad = pod("bad")
    del bad["spec"]["containers"][0]["image"]
    mine_path = kubeling.manifest("bad.yaml", bad)
    theirs_path = kubectl.manifest("bad.yaml", bad)
    assert kubeling.fails("apply", "-f", str(mine_path)).stderr == (
        kubectl.fails("apply", "-f", str(theirs_path)).stderr
    )
    gen = [
        "create",
        "deployment",
        "g",
        "--image=nginx",
        "--replicas=2",
        "--port=80",
        "--dry-run=client",
        "-o",
        "yaml",
    ]
    assert kubeling.ok(*gen).stdout == kubectl.ok(*gen).stdout
    run = [
        "run",
        "r",
        "--image=busybox",
        "--env=X=1",
        "--dry-run=client",
        "-o",
        "yaml",
        "--",
        "sleep",
        "10",
    ]
    assert kubeling.ok(*run).stdout == kubectl.ok(*run).stdout


def test_same_describe_output(
    kubeling: Kubeling, kubectl: Kubectl, client: httpx.Client, ns: str
) -> None:
    node = f"n-{ns}"
    created(
        client,
        "/api/v1/nodes",
        {
            "metadata": {"name": node, "labels": {"disk": "ssd"}},
            "status": {
                "conditions": [
                    {
                        "type": "Ready",
                        "status": "True",
                        "reason": "KubeletReady",
                        "message": "ok",
                        "lastHeartbeatTime": "2026-01-01T00:00:00Z",
                        "lastTransitionTime": "2026-01-01T00:00:00Z",
                    }
                ],
                "addresses": [{"type": "InternalIP", "address": "10.0.0.9"}],
                "capacity": {"cpu": "2", "memory": "1Gi", "pods": "110"},
                "allocatable": {"cpu": "2", "memory": "1Gi", "pods": "110"},
            },
        },
    )
    try:
        p = pod("busy", labels={"app": "x"}, node=node)
        p["metadata"]["annotations"] = {"note": "hello"}
        p["spec"]["containers"][0].update(
            ports=[{"containerPort": 80}],
            env=[{"name": "MODE", "value": "fast"}],
            resources={
                "requests": {"cpu": "250m", "memory": "64Mi"},
                "limits": {"cpu": "500m", "memory": "128Mi"},
            },
        )
        created(client, f"/api/v1/namespaces/{ns}/pods", p)
        d = deployment("web")
        d["metadata"]["annotations"] = {"a": "b"}
        created(client, f"/apis/apps/v1/namespaces/{ns}/deployments", d)
        created(client, f"/api/v1/namespaces/{ns}/services", service("web"))
        created(
            client,
            f"/api/v1/namespaces/{ns}/configmaps",
            {"metadata": {"name": "cfg"}, "data": {"k": "v"}},
        )
        for args in (
            ["pod", "busy"],
            ["deploy", "web"],
            ["svc", "web"],
            ["cm", "cfg"],
            ["node", node],
            ["ns", ns],
        ):
            mine = kubeling.ok("describe", *args).stdout
            theirs = kubectl.ok("describe", *args).stdout
            assert normalize_table(mine) == normalize_table(theirs), args
    finally:
        client.delete(f"/api/v1/nodes/{node}")


def test_created_objects_adopted_by_apply(kubeling: Kubeling, kubectl: Kubectl) -> None:
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"}, "data": {"a": "1"}}
    mine = kubeling.manifest("cm.yaml", cm)
    theirs = kubectl.manifest("cm.yaml", cm)
    # created without the annotation by one tool: the other's apply warns and patches it in
    kubectl.ok("create", "-f", str(theirs))
    r = kubeling.ok("apply", "-f", str(mine))
    assert r.stdout == "configmap/cm configured\n"
    assert r.stderr.startswith(
        "Warning: resource configmaps/cm is missing the "
        "kubectl.kubernetes.io/last-applied-configuration annotation"
    )
    assert kubectl.ok("apply", "-f", str(theirs)).stdout == "configmap/cm unchanged\n"
    # create --save-config writes the same annotation kubectl apply would
    cm2 = {**cm, "metadata": {"name": "cm2"}}
    kubeling.ok("create", "-f", str(kubeling.manifest("cm2.yaml", cm2)), "--save-config")
    assert kubectl.ok("apply", "-f", str(kubectl.manifest("cm2.yaml", cm2))).stdout == (
        "configmap/cm2 unchanged\n"
    )
