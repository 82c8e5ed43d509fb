"""apply / create / replace / delete through kubeling, checked against what the server stored."""

from __future__ import annotations

import copy
import json
from typing import Any

import httpx

from tests.integration.kubectl_cli.helpers import created, fetch, gone
from tests.support.cli import Kubeling
from tests.support.objects import deployment, pod, service

LAST = "kubectl.kubernetes.io/last-applied-configuration"


def web_manifest() -> dict[str, Any]:
    d = deployment("web", replicas=2)
    d["metadata"]["labels"]["tier"] = "frontend"
    d["spec"]["template"]["spec"]["containers"][0].update(
        ports=[{"containerPort": 80}],
        env=[{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
    )
    d["spec"]["template"]["spec"]["containers"].append({"name": "side", "image": "busybox"})
    return d


def test_apply_created_configured_unchanged(
    kubeling: Kubeling, client: httpx.Client, ns: str
) -> None:
    url = f"/apis/apps/v1/namespaces/{ns}/deployments/web"
    manifest = web_manifest()
    path = kubeling.manifest("web.yaml", manifest)
    assert kubeling.ok("apply", "-f", str(path)).stdout == "deployment.apps/web created\n"
    live = fetch(client, url)
    last = json.loads(live["metadata"]["annotations"][LAST])
    assert last["spec"] == manifest["spec"] and last["metadata"]["namespace"] == ns
    assert kubeling.ok("apply", "-f", str(path)).stdout == "deployment.apps/web unchanged\n"
    assert fetch(client, url)["metadata"]["resourceVersion"] == live["metadata"]["resourceVersion"]

    changed = copy.deepcopy(manifest)
    del changed["metadata"]["labels"]["tier"]
    containers = changed["spec"]["template"]["spec"]["containers"]
    containers[0].update(
        image="nginx:1.26", ports=[{"containerPort": 8080}], env=[{"name": "B", "value": "2"}]
    )
    del containers[1]
    kubeling.manifest("web.yaml", changed)
    assert kubeling.ok("apply", "-f", str(path)).stdout == "deployment.apps/web configured\n"
    after = fetch(client, url)
    assert "tier" not in after["metadata"]["labels"]
    got = after["spec"]["template"]["spec"]["containers"]
    assert [c["name"] for c in got] == ["web"]
    assert got[0]["image"] == "nginx:1.26"
    assert got[0]["env"] == [{"name": "B", "value": "2"}]
    assert [p["containerPort"] for p in got[0]["ports"]] == [8080]
    assert json.loads(after["metadata"]["annotations"][LAST])["spec"] == changed["spec"]
    assert after["metadata"]["generation"] == live["metadata"]["generation"] + 1
    assert kubeling.ok("apply", "-f", str(path)).stdout == "deployment.apps/web unchanged\n"


def test_apply_directory_recursive_stdin_and_json(
    kubeling: Kubeling, client: httpx.Client, ns: str
) -> None:
    d = kubeling.manifests / "tree"
    (d / "sub").mkdir(parents=True)
    (d / "a.yaml").write_text(
        json.dumps(
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"k": "v"}}
        )
    )
    (d / "sub" / "b.yml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n")
    (d / "notes.txt").write_text("not a manifest")
    assert kubeling.ok("apply", "-f", str(d)).stdout == "configmap/a created\n"
    assert kubeling.ok("apply", "-R", "-f", str(d)).stdout == (
        "configmap/a unchanged\nconfigmap/b created\n"
    )
    stdin = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n---\n"
    assert kubeling.ok("apply", "-f", "-", stdin=stdin).stdout == "configmap/c created\n"
    assert fetch(client, f"/api/v1/namespaces/{ns}/configmaps/a")["data"] == {"k": "v"}


def test_apply_and_create_dry_run_client_sends_nothing(
    kubeling: Kubeling, client: httpx.Client, ns: str
) -> None:
    path = kubeling.manifest("p.yaml", pod("dry"))
    assert kubeling.ok("apply", "-f", str(path), "--dry-run=client").stdout == (
        "pod/dry created (dry run)\n"
    )
    assert kubeling.ok("create", "-f", str(path), "--dry-run=client").stdout == (
        "pod/dry created (dry run)\n"
    )
    assert gone(client, f"/api/v1/namespaces/{ns}/pods/dry")


def test_create_replace_and_their_errors(kubeling: Kubeling, client: httpx.Client, ns: str) -> None:
    path = kubeling.manifest("pod.yaml", pod("p1"), service("s1"))
    assert kubeling.ok("create", "-f", str(path)).stdout == "pod/p1 created\nservice/s1 created\n"
    r = kubeling.fails("create", "-f", str(path))
    assert r.stderr.splitlines() == [
        f'Error from server (AlreadyExists): error when creating "{path}": pods "p1" already '
        "exists",
        f'Error from server (AlreadyExists): error when creating "{path}": services "s1" already '
        "exists",
    ]
    changed = pod("p1", labels={"v": "2"})
    kubeling.manifest("pod.yaml", changed)
    assert kubeling.ok("replace", "-f", str(path)).stdout == "pod/p1 replaced\n"
    assert fetch(client, f"/api/v1/namespaces/{ns}/pods/p1")["metadata"]["labels"] == {"v": "2"}


def test_invalid_object_prints_field_list(kubeling: Kubeling) -> None:
    bad = pod("bad")
    del bad["spec"]["containers"][0]["image"]
    path = kubeling.manifest("bad.yaml", bad)
    r = kubeling.fails("apply", "-f", str(path))
    assert r.stderr == 'The Pod "bad" is invalid: spec.containers[0].image: Required value\n'
    bad["spec"]["containers"][0]["name"] = ""
    kubeling.manifest("bad.yaml", bad)
    r = kubeling.fails("create", "-f", str(path))
    lines = r.stderr.splitlines()
    assert lines[0] == 'The Pod "bad" is invalid: '
    assert len(lines) >= 3 and all(line.startswith("* spec.containers[0].") for line in lines[1:])


def test_malformed_yaml_and_missing_file(kubeling: Kubeling) -> None:
    path = kubeling.manifest(
        "mal.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels: : oops\n"
    )
    r = kubeling.fails("apply", "-f", str(path))
    assert r.stderr == (
        f"error: error parsing {path}: error converting YAML to JSON: yaml: "
        "line 5: mapping values are not allowed in this context\n"
    )
    r = kubeling.fails("apply", "-f", "/nonexistent.yaml")
    assert r.stderr == 'error: the path "/nonexistent.yaml" does not exist\n'


def test_namespace_mismatch_is_refused(kubeling: Kubeling, ns: str) -> None:
    p = pod("x")
    p["metadata"]["namespace"] = "elsewhere"
    path = kubeling.manifest("x.yaml", p)
    r = kubeling.fails("apply", "-f", str(path), "-n", ns)
    assert 'the namespace from the provided object "elsewhere" does not match' in r.stderr


def test_delete_by_name_selector_all_and_file(
    kubeling: Kubeling, client: httpx.Client, ns: str
) -> None:
    base = f"/api/v1/namespaces/{ns}"
    for name, labels in (("a", {"x": "1"}), ("b", {"x": "1"}), ("c", {}), ("d", {})):
        created(client, f"{base}/configmaps", {"metadata": {"name": name, "labels": labels}})
    assert kubeling.ok("delete", "cm", "c").stdout == 'configmap "c" deleted\n'
    assert gone(client, f"{base}/configmaps/c")
    assert kubeling.ok("delete", "cm", "-l", "x=1").stdout == (
        'configmap "a" deleted\nconfigmap "b" deleted\n'
    )
    r = kubeling.fails("delete", "cm", "nope")
    assert r.stderr == 'Error from server (NotFound): configmaps "nope" not found\n'
    assert kubeling.ok("delete", "cm", "nope", "--ignore-not-found").stdout == ""
    assert kubeling.ok("delete", "cm", "--all").stdout == 'configmap "d" deleted\n'
    path = kubeling.manifest("p.yaml", pod("unbound"))
    kubeling.ok("create", "-f", str(path))
    assert kubeling.ok("delete", "-f", str(path)).stdout == 'pod "unbound" deleted\n'
    assert gone(client, f"{base}/pods/unbound")


def test_delete_cascade_sets_propagation(kubeling: Kubeling, client: httpx.Client, ns: str) -> None:
    url = f"/apis/apps/v1/namespaces/{ns}/deployments"
    created(client, url, deployment("fg"))
    # foreground: the apiserver sets the finalizer and nobody (no GC here) removes it
    r = kubeling.ok("delete", "deploy", "fg", "--cascade=foreground", "--wait=false")
    assert r.stdout == 'deployment.apps "fg" deleted\n'
    live = fetch(client, f"{url}/fg")
    assert live["metadata"]["deletionTimestamp"]
    assert "foregroundDeletion" in live["metadata"]["finalizers"]
    created(client, url, deployment("bg"))
    kubeling.ok("delete", "deploy/bg", "--cascade=background")
    assert gone(client, f"{url}/bg")


def test_delete_bound_pod_force(kubeling: Kubeling, client: httpx.Client, ns: str) -> None:
    url = f"/api/v1/namespaces/{ns}/pods"
    created(client, url, pod("bound", node="some-node"))
    r = kubeling.ok("delete", "pod", "bound", "--wait=false")
    assert r.stdout == 'pod "bound" deleted\n'
    assert fetch(client, f"{url}/bound")["metadata"]["deletionTimestamp"]  # waits for a kubelet
    r = kubeling.ok("delete", "pod", "bound", "--grace-period=0", "--force")
    assert r.stdout == 'pod "bound" force deleted\n'
    assert r.stderr.startswith("Warning: Immediate deletion does not wait")
    assert gone(client, f"{url}/bound")


def test_connection_refused(kubeling: Kubeling) -> None:
    from tests.support.procs import free_port

    port = free_port()
    r = kubeling.fails("get", "pods", "-s", f"http://127.0.0.1:{port}")
    assert r.stderr == (
        f"The connection to the server 127.0.0.1:{port} was refused - did you "
        "specify the right host or port?\n"
    )
