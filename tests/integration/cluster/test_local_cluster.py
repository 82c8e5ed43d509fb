"""The whole single-node cluster as `make up` runs it: every component a real process.

etcd, the API server, the controller manager, the scheduler and a kubelet running pods as
Docker containers, driven through the `kubeling` CLI as a user would: the lab scenarios
"first pod" and "scale" (SCOPE.md), and the control plane stopped and started while
running pods keep serving. Its own etcd and API server, so no other test's nodes take
part. Pod IPs are on the kubelet's local bridge, which the network rule allows.
"""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from tests.support.cli import Kubeling
from tests.support.cm_proc import ControllerManager
from tests.support.kubelet_proc import Kubelet, build_images, docker_available
from tests.support.procs import ApiServer, Etcd, wait_for
from tests.support.scheduler_proc import SchedulerProc

WEB: dict[str, Any] = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "labels": {"app": "web"}},
    "spec": {
        "replicas": 3,
        "selector": {"matchLabels": {"app": "web"}},
        "strategy": {"rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {
                "terminationGracePeriodSeconds": 5,
                "containers": [
                    {
                        "name": "web",
                        "image": "kubeling/web:latest",
                        "imagePullPolicy": "IfNotPresent",
                        "ports": [{"name": "http", "containerPort": 8080}],
                        "readinessProbe": {
                            "httpGet": {"path": "/", "port": "http"},
                            "periodSeconds": 1,
                        },
                    }
                ],
            },
        },
    },
}
SERVICE = {
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {"name": "web"},
    "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": "http"}]},
}


class Cluster:
    def __init__(self, log_dir: Path) -> None:
        self.etcd = Etcd(log_dir)
        self.api = ApiServer(log_dir, self.etcd, name="cluster-apiserver")
        self.cm = ControllerManager(
            log_dir, self.api, name="cluster-cm", extra=["--cluster-cidr", "10.231.0.0/16"]
        )
        self.scheduler = SchedulerProc(log_dir, self.api, name="cluster-scheduler")
        self.kubelet: Kubelet | None = None
        self.log_dir = log_dir

    def start(self) -> None:
        self.etcd.start()
        self.api.start()
        self.cm.start()
        self.scheduler.start()
        self.kubelet = Kubelet(self.log_dir, self.api)
        self.kubelet.start()

    def stop(self) -> None:
        for p in (self.scheduler, self.cm):
            p.stop()
        if self.kubelet is not None:
            self.kubelet.cleanup()  # removes its containers and network
        self.api.stop()
        self.etcd.cleanup()

    @property
    def node(self) -> str:
        assert self.kubelet is not None
        return self.kubelet.node_name


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    if not docker_available():
        if os.environ.get("CI"):
            pytest.fail("no Docker engine answers in CI (make setup starts one)")
        pytest.skip("no Docker engine answers (make setup starts one)")
    build_images()
    c = Cluster(tmp_path_factory.mktemp("cluster-logs"))
    try:
        c.start()
        yield c
    finally:
        c.stop()


@pytest.fixture(scope="module")
def api(cluster: Cluster) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=cluster.api.url, timeout=10) as c:
        yield c


@pytest.fixture(scope="module")
def kubeling(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Kubeling:
    work = tmp_path_factory.mktemp("cluster-cli")
    return Kubeling(cluster.api.kubeconfig(work / "kubeconfig"), work)


def web_pods(api: httpx.Client) -> list[dict[str, Any]]:
    r = api.get("/api/v1/namespaces/default/pods", params={"labelSelector": "app=web"})
    return list(r.json()["items"])


def ready(pod: dict[str, Any]) -> bool:
    conds = pod.get("status", {}).get("conditions") or []
    return pod["status"].get("phase") == "Running" and any(
        c["type"] == "Ready" and c["status"] == "True" for c in conds
    )


def serving(pods: list[dict[str, Any]], n: int) -> bool:
    """Exactly n web pods, all Running and Ready, none terminating."""
    return len(pods) == n and all(
        ready(p) and not p["metadata"].get("deletionTimestamp") for p in pods
    )


def endpoint_ips(api: httpx.Client) -> set[str]:
    r = api.get("/api/v1/namespaces/default/endpoints/web")
    if r.status_code != 200:
        return set()
    return {a["ip"] for s in r.json().get("subsets") or [] for a in s.get("addresses") or []}


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as r:
        return str(r.read().decode())


def test_node_registers_ready_with_a_pod_cidr(cluster: Cluster, kubeling: Kubeling) -> None:
    def node_ready() -> bool:
        out = kubeling.ok("get", "nodes").stdout
        return any(line.split()[:2] == [cluster.node, "Ready"] for line in out.splitlines())

    wait_for(node_ready, 60, "the node Ready in `kubeling get nodes`")
    node = yaml.safe_load(kubeling.ok("get", "node", cluster.node, "-o", "yaml").stdout)
    assert node["spec"]["podCIDR"].startswith("10.231."), node["spec"]


def test_a_deployment_runs_scales_heals_and_serves(
    cluster: Cluster, kubeling: Kubeling, api: httpx.Client
) -> None:
    manifest = kubeling.manifest("web.yaml", WEB, SERVICE)
    out = kubeling.ok("apply", "-f", str(manifest)).stdout
    assert out.splitlines() == ["deployment.apps/web created", "service/web created"]

    # the controller manager makes pods, the scheduler binds them, the kubelet runs them
    r = kubeling.process("rollout", "status", "deploy/web", "--timeout=120s", timeout=150)
    assert r.code == 0, str(r)
    assert 'deployment "web" successfully rolled out' in r.stdout
    pods = web_pods(api)
    assert serving(pods, 3), [p["status"] for p in pods]
    assert {p["spec"]["nodeName"] for p in pods} == {cluster.node}
    ips = {p["status"]["podIP"] for p in pods}
    assert len(ips) == 3
    wait_for(lambda: endpoint_ips(api) == ips, 30, "endpoints = the 3 ready pod IPs")
    for pod in pods:  # each pod answers on its own IP, under its own name
        assert get(f"http://{pod['status']['podIP']}:8080/") == (
            f"hello from {pod['metadata']['name']}\n"
        )
    name = pods[0]["metadata"]["name"]
    wait_for(
        lambda: "url:/" in kubeling.ok("logs", name).stdout, 30, "the request in the pod's log"
    )

    assert kubeling.ok("scale", "deploy/web", "--replicas=5").stdout.strip() == (
        "deployment.apps/web scaled"
    )
    wait_for(lambda: serving(web_pods(api), 5), 90, "5 ready web pods")
    wait_for(lambda: len(endpoint_ips(api)) == 5, 30, "5 endpoints")

    kubeling.ok("scale", "deploy/web", "--replicas=2")
    wait_for(lambda: serving(web_pods(api), 2), 90, "2 web pods after scaling down")
    wait_for(lambda: len(endpoint_ips(api)) == 2, 30, "2 endpoints")

    # a deleted pod is replaced by a new one (new name); delete waits until it is gone
    victim = web_pods(api)[0]["metadata"]["name"]
    assert kubeling.ok("delete", "pod", victim).stdout.strip() == f'pod "{victim}" deleted'
    wait_for(lambda: serving(web_pods(api), 2), 90, "a replacement pod")
    assert victim not in {p["metadata"]["name"] for p in web_pods(api)}

    kubeling.ok("delete", "-f", str(manifest))
    wait_for(lambda: not web_pods(api), 90, "every web pod gone after delete -f")


def test_running_pods_keep_serving_while_the_control_plane_is_down(
    cluster: Cluster, kubeling: Kubeling, api: httpx.Client
) -> None:
    one = {**WEB, "spec": {**WEB["spec"], "replicas": 1}}
    kubeling.ok("apply", "-f", str(kubeling.manifest("web1.yaml", one)))
    wait_for(lambda: serving(web_pods(api), 1), 120, "one ready web pod")
    ip = web_pods(api)[0]["status"]["podIP"]

    cluster.scheduler.stop()
    cluster.cm.stop()
    cluster.api.stop()
    try:
        assert get(f"http://{ip}:8080/").startswith("hello from web-")
        r = kubeling.process("get", "pods")
        assert r.code == 1 and "was refused - did you specify the right host or port?" in (
            r.stderr
        ), str(r)
    finally:
        cluster.api.start()
        cluster.cm.start()
        cluster.scheduler.start()
    # with the scheduler back, new pods are placed again
    kubeling.ok("scale", "deploy/web", "--replicas=2")
    wait_for(lambda: serving(web_pods(api), 2), 120, "2 ready web pods after the restart")
    assert ip in {p["status"]["podIP"] for p in web_pods(api)}  # the old pod never stopped
    kubeling.ok("delete", "deploy", "web")
    wait_for(lambda: not web_pods(api), 90, "every web pod gone")
