"""Garbage collection: containers of pods the node no longer has go; known pods' stay."""

from __future__ import annotations

from pathlib import Path

from kubelet.fake_runtime import FakeRuntime
from kubelet.kubelet import Kubelet
from kubelet.runtime import L_CONTAINER, L_POD_NAME, L_POD_UID, ContainerConfig, SandboxConfig
from kubelet.settings import KubeletSettings
from machinery.api import Pod
from machinery.client import Client
from machinery.kubeconfig import ClientConfig


async def _pod_containers(rt: FakeRuntime, uid: str) -> None:
    sb = await rt.run_sandbox(SandboxConfig(uid, "ns", uid, uid, {L_POD_UID: uid}))
    labels = {L_POD_UID: uid, L_POD_NAME: uid, L_CONTAINER: "c"}
    await rt.start_container(sb.id, ContainerConfig("c", "img", labels))


async def test_collect_garbage_removes_only_unknown_pods(tmp_path: Path) -> None:
    rt = FakeRuntime()
    settings = KubeletSettings(node_name="n1", root_dir=str(tmp_path), runtime="fake")
    kubelet = Kubelet(settings, Client(ClientConfig(server="http://127.0.0.1:1")), rt)
    for uid in ("live", "orphan"):
        await _pod_containers(rt, uid)
    (tmp_path / "pods" / "orphan" / "volumes").mkdir(parents=True)
    pod = Pod.model_validate({"metadata": {"name": "live", "namespace": "ns", "uid": "live"}})
    kubelet.informer.cache.put(pod)
    assert await kubelet.collect_garbage() == 2  # the orphan's container and sandbox
    assert {c.pod_uid for c in await rt.list_containers()} == {"live"}
    assert {s.pod_uid for s in await rt.list_sandboxes()} == {"live"}
    assert not (tmp_path / "pods" / "orphan").exists()
    assert await kubelet.collect_garbage() == 0
