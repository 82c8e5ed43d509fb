"""Fixtures for the scheduler's integration tests.

Node objects are cluster-wide and FailedScheduling messages count every node, so these
tests run against an etcd + apiserver of their own (one per test module) instead of the
session-wide ones, and every test removes its nodes and pods when it ends.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.procs import ApiServer, Etcd, wait_for
from tests.support.scheduler_proc import SchedulerProc, create_node


class Env:
    """One test's view: an httpx client, a namespace, helpers to make nodes and pods."""

    def __init__(self, client: httpx.Client, ns: str) -> None:
        self.client = client
        self.ns = ns

    def add_node(self, manifest: dict[str, Any]) -> dict[str, Any]:
        return create_node(self.client, manifest)

    def create_pod(self, manifest: dict[str, Any]) -> dict[str, Any]:
        r = self.client.post(f"/api/v1/namespaces/{self.ns}/pods", json=manifest)
        assert r.status_code == 201, r.text
        return dict(r.json())

    def pod(self, name: str) -> dict[str, Any]:
        r = self.client.get(f"/api/v1/namespaces/{self.ns}/pods/{name}")
        assert r.status_code == 200, r.text
        return dict(r.json())

    def node_of(self, name: str) -> str:
        return str(self.pod(name)["spec"].get("nodeName") or "")

    def wait_bound(self, name: str, timeout: float = 20) -> str:
        wait_for(lambda: bool(self.node_of(name)), timeout, f"pod {name} to be bound")
        return self.node_of(name)

    def pods(self) -> list[dict[str, Any]]:
        r = self.client.get(f"/api/v1/namespaces/{self.ns}/pods")
        assert r.status_code == 200, r.text
        return list(r.json()["items"])

    def events(self, name: str, reason: str) -> list[dict[str, Any]]:
        r = self.client.get(
            f"/api/v1/namespaces/{self.ns}/events",
            params={"fieldSelector": f"involvedObject.name={name},reason={reason}"},
        )
        assert r.status_code == 200, r.text
        return list(r.json()["items"])

    def scheduled_condition(self, name: str) -> dict[str, Any] | None:
        for c in self.pod(name).get("status", {}).get("conditions") or []:
            if c.get("type") == "PodScheduled":
                return dict(c)
        return None

    def patch_node(self, name: str, patch: dict[str, Any]) -> None:
        r = self.client.patch(
            f"/api/v1/nodes/{name}",
            json=patch,
            headers={"Content-Type": "application/merge-patch+json"},
        )
        assert r.status_code == 200, r.text

    def cleanup(self) -> None:
        for p in self.pods():
            self.client.request(
                "DELETE",
                f"/api/v1/namespaces/{self.ns}/pods/{p['metadata']['name']}",
                json={"gracePeriodSeconds": 0},
            )
        for n in self.client.get("/api/v1/nodes").json()["items"]:
            self.client.delete(f"/api/v1/nodes/{n['metadata']['name']}")


@pytest.fixture(scope="module")
def sched_logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("scheduler-logs")


@pytest.fixture(scope="module")
def cluster(sched_logs: Path) -> Iterator[ApiServer]:
    """An etcd + apiserver of this module's own."""
    etcd = Etcd(sched_logs)
    api = ApiServer(sched_logs, etcd, extra=["--watch-bookmark-interval", "1"])
    try:
        etcd.start()
        api.start()
        yield api
    finally:
        api.stop()
        etcd.cleanup()


@pytest.fixture(scope="module")
def api_client(cluster: ApiServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=cluster.url, timeout=10) as c:
        yield c


@pytest.fixture
def env(api_client: httpx.Client) -> Iterator[Env]:
    name = "s-" + uuid.uuid4().hex[:8]
    r = api_client.post("/api/v1/namespaces", json={"metadata": {"name": name}})
    assert r.status_code == 201, r.text
    e = Env(api_client, name)
    try:
        yield e
    finally:
        e.cleanup()


@pytest.fixture(scope="module")
def scheduler(cluster: ApiServer, sched_logs: Path) -> Iterator[SchedulerProc]:
    """One scheduler (leader election on, alone) for the whole module."""
    s = SchedulerProc(sched_logs, cluster, name="scheduler")
    try:
        s.start()
        yield s
    finally:
        s.stop()
