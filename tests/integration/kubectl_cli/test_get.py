"""`kubeling get`: tables (golden files), -o variants, selectors, namespaces, short names,
errors."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import yaml

from tests.integration.kubectl_cli.helpers import created
from tests.support.cli import Kubeling, aligned, normalize_table
from tests.support.objects import deployment, pod, service
from tests.support.procs import REPO

GOLDEN = REPO / "tests" / "golden"


def golden(name: str, text: str) -> None:
    path: Path = GOLDEN / name
    for block in text.split("\n\n"):
        assert aligned(block), block
    assert normalize_table(text) == path.read_text().rstrip("\n"), f"golden {name} differs"


@pytest.fixture
def objects(client: httpx.Client, ns: str) -> str:
    created(client, f"/api/v1/namespaces/{ns}/pods", pod("alpha", labels={"app": "a"}))
    created(
        client,
        f"/api/v1/namespaces/{ns}/pods",
        pod("beta-with-a-long-name", labels={"app": "b", "tier": "db"}),
    )
    created(client, f"/apis/apps/v1/namespaces/{ns}/deployments", deployment("web", replicas=3))
    created(client, f"/api/v1/namespaces/{ns}/services", service("web"))
    return ns


def test_get_pods_table_golden(kubeling: Kubeling, objects: str) -> None:
    golden("get_pods.txt", kubeling.ok("get", "pods").stdout)
    golden("get_po_show_labels.txt", kubeling.ok("get", "po", "--show-labels").stdout)
    golden("get_deploy.txt", kubeling.ok("get", "deploy").stdout)


def test_get_all_golden(kubeling: Kubeling, objects: str) -> None:
    golden("get_all.txt", kubeling.ok("get", "all").stdout)


def test_get_wide_adds_priority_columns(kubeling: Kubeling, objects: str) -> None:
    head = kubeling.ok("get", "pods", "-o", "wide").stdout.splitlines()[0].split()
    assert head[:5] == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert "IP" in head and "NODE" in head and "NOMINATED" in head
    deploy_head = kubeling.ok("get", "deploy", "-o", "wide").stdout.splitlines()[0].split()
    assert deploy_head[-3:] == ["CONTAINERS", "IMAGES", "SELECTOR"]


def test_get_selectors_and_names(kubeling: Kubeling, objects: str) -> None:
    out = kubeling.ok("get", "pods", "-l", "tier=db", "-o", "name").stdout
    assert out == "pod/beta-with-a-long-name\n"
    out = kubeling.ok("get", "po", "--field-selector", "metadata.name=alpha", "-o", "name").stdout
    assert out == "pod/alpha\n"
    assert kubeling.ok("get", "deploy/web", "svc/web", "-o", "name").stdout == (
        "deployment.apps/web\nservice/web\n"
    )
    assert kubeling.ok("get", "deployments.apps", "web", "-o", "name").stdout == (
        "deployment.apps/web\n"
    )


def test_get_yaml_json_jsonpath(kubeling: Kubeling, objects: str, ns: str) -> None:
    one = yaml.safe_load(kubeling.ok("get", "deploy", "web", "-o", "yaml").stdout)
    assert one["kind"] == "Deployment" and one["metadata"]["namespace"] == ns
    assert one["spec"]["replicas"] == 3
    many = json.loads(kubeling.ok("get", "pods", "-o", "json").stdout)
    assert many["kind"] == "List"
    assert sorted(i["metadata"]["name"] for i in many["items"]) == [
        "alpha",
        "beta-with-a-long-name",
    ]
    assert all(i["kind"] == "Pod" and i["apiVersion"] == "v1" for i in many["items"])
    out = kubeling.ok("get", "pods", "-o", "jsonpath={.items[*].metadata.name}").stdout
    assert out == "alpha beta-with-a-long-name"
    out = kubeling.ok(
        "get",
        "deploy",
        "web",
        "-o",
        'jsonpath={range .spec.template.spec.containers[*]}{.name}={.image}{"\\n"}{end}',
    ).stdout
    assert out == "web=nginx:1.25\n"


def test_get_all_namespaces_and_namespace_flag(
    kubeling: Kubeling, objects: str, client: httpx.Client
) -> None:
    other = objects + "-o"
    created(client, "/api/v1/namespaces", {"metadata": {"name": other}})
    created(client, f"/api/v1/namespaces/{other}/pods", pod("elsewhere"))
    out = kubeling.ok("get", "pods", "-A", "-l", "app").stdout
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["NAMESPACE", "NAME"]
    rows = {tuple(line.split()[:2]) for line in lines[1:]}
    assert {(objects, "alpha"), (objects, "beta-with-a-long-name")} <= rows
    assert kubeling.ok("get", "pods", "-n", other, "-o", "name").stdout == "pod/elsewhere\n"
    # the flag may also come before the verb
    assert kubeling.ok("-n", other, "get", "pods", "-o", "name").stdout == "pod/elsewhere\n"


def test_get_errors_and_empty(kubeling: Kubeling, ns: str, objects: str) -> None:
    r = kubeling.fails("get", "pod", "nope")
    assert r.stderr == 'Error from server (NotFound): pods "nope" not found\n'
    assert r.stdout == ""
    r = kubeling.fails("get", "pods", "nope", "alpha")
    assert r.stdout.splitlines()[1].split()[0] == "alpha"
    assert 'pods "nope" not found' in r.stderr
    r = kubeling.fails("get", "foo")
    assert r.stderr == 'error: the server doesn\'t have a resource type "foo"\n'
    r = kubeling.ok("get", "cm", "-l", "nothing=here")
    assert r.stdout == "" and r.stderr == f"No resources found in {ns} namespace.\n"
    assert kubeling.ok("get", "pod", "nope", "--ignore-not-found").stdout == ""


def test_get_nodes_and_namespaces_cluster_scoped(kubeling: Kubeling, ns: str) -> None:
    out = kubeling.ok("get", "ns", ns).stdout.splitlines()
    assert out[0].split() == ["NAME", "STATUS", "AGE"]
    assert out[1].split()[:2] == [ns, "Active"]
