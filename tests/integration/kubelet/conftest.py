"""Kubelet tier fixtures: local images, one Docker kubelet process per module, pod helpers."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.kubelet_proc import Kubelet, build_images, docker_available
from tests.support.procs import ApiServer, wait_for

BUSYBOX = "kubeling/busybox:latest"


@pytest.fixture(scope="session")
def images() -> None:
    if not docker_available():
        if os.environ.get("CI"):
            pytest.fail("no Docker engine answers in CI (make setup starts one)")
        pytest.skip("no Docker engine answers (make setup starts one)")
    build_images()


@pytest.fixture(scope="module")
def kubelet(images: None, apiserver: ApiServer, log_dir: Path) -> Iterator[Kubelet]:
    k = Kubelet(
        log_dir,
        apiserver,
        extra=["--crashloop-backoff-initial", "2", "--image-backoff-initial", "2"],
    )
    try:
        k.start()
        yield k
    finally:
        k.cleanup()


class Pods:
    """Create pods bound to the test kubelet's node and wait on their status."""

    def __init__(self, client: httpx.Client, ns: str, node: str) -> None:
        self.client = client
        self.ns = ns
        self.node = node

    def create(self, name: str, containers: list[dict[str, Any]], **spec: Any) -> dict[str, Any]:
        for c in [*containers, *spec.get("initContainers", [])]:
            c.setdefault("image", BUSYBOX)
            c.setdefault("imagePullPolicy", "IfNotPresent")
        body = {
            "metadata": {"name": name},
            "spec": {
                "nodeName": self.node,
                "terminationGracePeriodSeconds": 5,
                "containers": containers,
                **spec,
            },
        }
        r = self.client.post(f"/api/v1/namespaces/{self.ns}/pods", json=body)
        assert r.status_code == 201, r.text
        return dict(r.json())

    def get(self, name: str) -> dict[str, Any]:
        r = self.client.get(f"/api/v1/namespaces/{self.ns}/pods/{name}")
        assert r.status_code == 200, r.text
        return dict(r.json())

    def wait(
        self, name: str, cond: Callable[[dict[str, Any]], bool], what: str, timeout: float = 30
    ) -> dict[str, Any]:
        seen: list[dict[str, Any]] = []

        def check() -> bool:
            seen[:] = [self.get(name)]
            return cond(seen[0])

        try:
            wait_for(check, timeout, f"pod {name}: {what}", interval=0.1)
        except TimeoutError as e:
            last = seen[0].get("status") if seen else None
            raise AssertionError(f"{e}\nlast status: {last}") from None
        return seen[0]

    def running(self, name: str, timeout: float = 30) -> dict[str, Any]:
        return self.wait(name, lambda p: p["status"].get("phase") == "Running", "Running", timeout)

    def logs(self, name: str, container: str = "", **params: str) -> str:
        q = {"container": container, **params} if container else params
        r = self.client.get(f"/api/v1/namespaces/{self.ns}/pods/{name}/log", params=q)
        assert r.status_code == 200, r.text
        return r.text

    def delete_all(self) -> None:
        r = self.client.get(f"/api/v1/namespaces/{self.ns}/pods")
        for p in r.json().get("items") or []:
            self.client.request(
                "DELETE",
                f"/api/v1/namespaces/{self.ns}/pods/{p['metadata']['name']}",
                json={"gracePeriodSeconds": 0},
            )


def container_status(pod: dict[str, Any], name: str, *, init: bool = False) -> dict[str, Any]:
    key = "initContainerStatuses" if init else "containerStatuses"
    for s in pod["status"].get(key) or []:
        if s["name"] == name:
            return dict(s)
    return {}


def condition(pod: dict[str, Any], type_: str) -> str:
    for c in pod["status"].get("conditions") or []:
        if c["type"] == type_:
            return str(c["status"])
    return ""


@pytest.fixture
def pods(client: httpx.Client, ns: str, kubelet: Kubelet) -> Iterator[Pods]:
    p = Pods(client, ns, kubelet.node_name)
    yield p
    p.delete_all()


def wait_logs(pods: Pods, name: str, container: str, text: str, timeout: float = 20) -> str:
    out = [""]

    def has() -> bool:
        out[0] = pods.logs(name, container)
        return text in out[0]

    try:
        wait_for(has, timeout, f"{text!r} in logs of {name}/{container}", interval=0.2)
    except TimeoutError as e:
        raise AssertionError(f"{e}\nlogs so far:\n{out[0]}") from None
    return out[0]


__all__ = ["BUSYBOX", "Pods", "condition", "container_status", "wait_logs"]
