"""Static pods from a manifest directory (mirrored into the API as <name>-<node>), and a
hollow node: the kubelet with `--runtime fake` runs pods without Docker."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from tests.integration.kubelet.conftest import Pods, condition
from tests.support.kubelet_proc import Kubelet
from tests.support.procs import ApiServer, wait_for


@pytest.fixture(scope="module")
def manifests(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("manifests")


@pytest.fixture(scope="module")
def kubelet(
    images: None, apiserver: ApiServer, log_dir: Path, manifests: Path
) -> Iterator[Kubelet]:
    """This module's Docker kubelet also reads static pods from `manifests`."""
    k = Kubelet(log_dir, apiserver, extra=["--static-pod-path", str(manifests)])
    try:
        k.start()
        yield k
    finally:
        k.cleanup()


def test_static_pod_runs_and_is_mirrored(
    client: httpx.Client, kubelet: Kubelet, manifests: Path
) -> None:
    manifest = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "static-web", "namespace": "default"},
        "spec": {
            "terminationGracePeriodSeconds": 2,
            "containers": [
                {"name": "web", "image": "kubeling/web:latest", "imagePullPolicy": "IfNotPresent"}
            ],
        },
    }
    (manifests / "web.yaml").write_text(yaml.safe_dump(manifest))
    name = f"static-web-{kubelet.node_name}"
    path = f"/api/v1/namespaces/default/pods/{name}"

    def mirror_running() -> bool:
        r = client.get(path)
        return r.status_code == 200 and r.json()["status"].get("phase") == "Running"

    wait_for(mirror_running, 30, "the mirror pod to report Running")
    mirror = client.get(path).json()
    annotations = mirror["metadata"]["annotations"]
    assert annotations["kubernetes.io/config.source"] == "file"
    assert annotations["kubernetes.io/config.mirror"] == annotations["kubernetes.io/config.hash"]
    assert mirror["metadata"]["ownerReferences"][0]["kind"] == "Node"
    assert mirror["spec"]["nodeName"] == kubelet.node_name and mirror["status"]["podIP"]
    logs = client.get(f"{path}/log")
    assert logs.status_code == 200, logs.text  # served by the kubelet for the static pod
    # Deleting the mirror does not stop the static pod: the mirror comes back.
    client.request("DELETE", path, json={"gracePeriodSeconds": 0})
    wait_for(
        lambda: (
            client.get(path).status_code == 200
            and client.get(path).json()["metadata"]["uid"] != mirror["metadata"]["uid"]
        ),
        20,
        "a new mirror pod",
    )
    # Removing the manifest stops the pod and removes its mirror.
    (manifests / "web.yaml").unlink()
    wait_for(lambda: client.get(path).status_code == 404, 30, "the mirror pod to go")


def test_hollow_node_runs_pods_without_docker(
    apiserver: ApiServer, log_dir: Path, client: httpx.Client, ns: str
) -> None:
    k = Kubelet(log_dir, apiserver, runtime="fake", extra=["--node-lease-renew-interval", "0.5"])
    try:
        k.start()
        lease_path = f"/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/{k.node_name}"
        renewals: set[str] = set()

        def renewed_twice() -> bool:
            r = client.get(lease_path)
            if r.status_code == 200:
                renewals.add(r.json()["spec"]["renewTime"])
            return len(renewals) >= 3

        wait_for(renewed_twice, 10, "the node lease to be renewed")
        pods = Pods(client, ns, k.node_name)
        pods.create("hollow", [{"name": "a", "image": "anything:1"}])
        pod = pods.wait("hollow", lambda p: condition(p, "Ready") == "True", "Ready", 15)
        assert pod["status"]["containerStatuses"][0]["containerID"].startswith("fake://")
        node = client.get(f"/api/v1/nodes/{k.node_name}").json()
        assert node["status"]["nodeInfo"]["containerRuntimeVersion"].startswith("fake://")
        r = client.delete(f"/api/v1/namespaces/{ns}/pods/hollow")
        assert r.status_code == 200
        wait_for(
            lambda: client.get(f"/api/v1/namespaces/{ns}/pods/hollow").status_code == 404,
            15,
            "deletion",
        )
    finally:
        k.cleanup()
