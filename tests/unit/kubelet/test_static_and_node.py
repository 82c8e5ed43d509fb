"""Static pod manifests (names, uids, annotations, mirrors) and the Node's published facts."""

from __future__ import annotations

from pathlib import Path

from kubelet.node import NodeAgent, node_info, pressure
from kubelet.static_pods import HASH, MIRROR, SOURCE, is_mirror, mirror_of, read_manifests
from machinery.client import Client
from machinery.kubeconfig import ClientConfig

MANIFEST = """
apiVersion: v1
kind: Pod
metadata: {name: etcd, namespace: kube-system}
spec:
  containers: [{name: etcd, image: kubeling/busybox:latest}]
"""


def test_static_pods_from_a_directory(tmp_path: Path) -> None:
    (tmp_path / "etcd.yaml").write_text(MANIFEST)
    (tmp_path / "broken.yaml").write_text("kind: Service\n")
    (tmp_path / "notes.txt").write_text("ignored")
    pods = read_manifests(tmp_path, "node-a")
    assert len(pods) == 1
    ((uid, pod),) = pods.items()
    assert pod.metadata.name == "etcd-node-a" and pod.metadata.namespace == "kube-system"
    assert pod.spec.node_name == "node-a" and pod.metadata.uid == uid
    assert (pod.metadata.annotations or {})[SOURCE] == "file"
    # The uid follows the content: the same file gives the same pod, an edit a new one.
    assert read_manifests(tmp_path, "node-a").keys() == pods.keys()
    (tmp_path / "etcd.yaml").write_text(MANIFEST.replace("busybox", "web"))
    assert read_manifests(tmp_path, "node-a").keys() != pods.keys()
    assert read_manifests(tmp_path / "missing", "node-a") == {}


def test_mirror_pod_points_back_at_its_static_pod(tmp_path: Path) -> None:
    (tmp_path / "etcd.yaml").write_text(MANIFEST)
    (pod,) = read_manifests(tmp_path, "node-a").values()
    mirror = mirror_of(pod, "node-uid")
    annotations = mirror.metadata.annotations or {}
    assert is_mirror(mirror) and annotations[MIRROR] == annotations[HASH]
    assert mirror.metadata.uid is None
    ref = (mirror.metadata.owner_references or [])[0]
    assert (ref.kind, ref.name, ref.uid) == ("Node", "node-a", "node-uid")


def test_node_status_has_every_published_field() -> None:
    info = node_info("docker://20.10")
    assert len(info) == 10 and info["operatingSystem"] == "linux"
    agent = NodeAgent(
        Client(ClientConfig(server="http://127.0.0.1:1")),
        node_name="n1",
        node_ip="127.0.0.1",
        port=10250,
        runtime_version="docker://20.10",
        cpu="2",
        memory="1Gi",
    )
    status = agent.status()
    assert status["capacity"] == {"cpu": "2", "memory": "1Gi", "pods": "110"}
    assert status["daemonEndpoints"] == {"kubeletEndpoint": {"Port": 10250}}
    assert [c["type"] for c in status["conditions"]] == [
        "MemoryPressure",
        "DiskPressure",
        "PIDPressure",
        "Ready",
    ]
    labels = agent.labels()
    assert labels["kubernetes.io/hostname"] == "n1" and labels["kubernetes.io/os"] == "linux"
    # A condition keeps its transition time while its status stays the same.
    again = agent.status(
        {"conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": "T0"}]}
    )
    ready = next(c for c in again["conditions"] if c["type"] == "Ready")
    assert ready["lastTransitionTime"] == "T0"


def test_pressure_conditions_follow_kubernetes_default_thresholds() -> None:
    calm = pressure(memory_available=2 << 30, disk_available=0.5, pids_available=0.9)
    assert calm == {"MemoryPressure": False, "DiskPressure": False, "PIDPressure": False}
    tight = pressure(memory_available=50 << 20, disk_available=0.05, pids_available=0.01)
    assert tight == {"MemoryPressure": True, "DiskPressure": True, "PIDPressure": True}
