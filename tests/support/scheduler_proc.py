"""A real scheduler process for integration tests, and hollow Node objects for it to use.

`SchedulerProc` runs `python -m scheduler` against a test apiserver on a free health
port (with short lease timings for the standby tests). `node()` builds a Node manifest
(allocatable, labels, taints, a Ready condition) so tests need no kubelet: pods are
scheduled onto these nodes and simply stay Pending.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import httpx

from tests.support.procs import ApiServer, Proc, free_port, wait_for


class SchedulerProc(Proc):
    def __init__(
        self,
        log_dir: Path,
        apiserver: ApiServer,
        *,
        name: str = "scheduler",
        lease_name: str = "kube-scheduler",
        leader_elect: bool = True,
        lease_timings: tuple[float, float, float] = (4.0, 3.0, 0.5),
        extra: list[str] | None = None,
    ) -> None:
        """lease_timings: (lease duration, renew deadline, retry period), short for tests."""
        super().__init__(name, log_dir)
        self.apiserver = apiserver
        self.port = free_port()
        self.kubeconfig = apiserver.kubeconfig(log_dir / f"{name}.kubeconfig")
        self.lease_name = lease_name
        self.leader_elect = leader_elect
        self.lease_timings = lease_timings
        self.extra = extra or []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, wait: bool = True) -> None:
        self._spawn(
            [
                sys.executable,
                "-m",
                "scheduler",
                "--kubeconfig",
                str(self.kubeconfig),
                "--port",
                str(self.port),
                "--leader-elect-resource-name",
                self.lease_name,
                "--identity",
                self.name,
                "--leader-elect" if self.leader_elect else "--no-leader-elect",
                "--leader-elect-lease-duration",
                str(self.lease_timings[0]),
                "--leader-elect-renew-deadline",
                str(self.lease_timings[1]),
                "--leader-elect-retry-period",
                str(self.lease_timings[2]),
                "--pod-initial-backoff-seconds",
                "0.5",
                "--pod-max-backoff-seconds",
                "2",
                *self.extra,
            ]
        )
        if wait:
            wait_for(self.ready, 30, f"{self.name} /readyz")

    def ready(self) -> bool:
        if not self.running:
            raise RuntimeError(f"{self.name} exited:\n{self.log_tail()}")
        try:
            return httpx.get(self.url + "/readyz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def metrics(self) -> str:
        return httpx.get(self.url + "/metrics", timeout=5).text


def node(
    name: str,
    *,
    cpu: str = "4",
    memory: str = "8Gi",
    pods: int = 110,
    labels: dict[str, str] | None = None,
    taints: list[dict[str, Any]] | None = None,
    ready: bool = True,
    unschedulable: bool = False,
) -> dict[str, Any]:
    """A Node manifest as a kubelet would register it (status included)."""
    alloc = {"cpu": cpu, "memory": memory, "pods": str(pods)}
    spec: dict[str, Any] = {}
    if taints:
        spec["taints"] = taints
    if unschedulable:
        spec["unschedulable"] = True
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": {"kubernetes.io/hostname": name, **(labels or {})},
        },
        "spec": spec,
        "status": {
            "capacity": dict(alloc),
            "allocatable": dict(alloc),
            "conditions": [
                {
                    "type": "Ready",
                    "status": "True" if ready else "False",
                    "reason": "KubeletReady" if ready else "KubeletNotReady",
                }
            ],
        },
    }


def create_node(client: httpx.Client, manifest: dict[str, Any]) -> dict[str, Any]:
    """Create the Node, then write its status (in case create dropped it)."""
    r = client.post("/api/v1/nodes", json=manifest)
    assert r.status_code == 201, r.text
    created = r.json()
    if created.get("status", {}).get("conditions") != manifest["status"]["conditions"]:
        created["status"] = manifest["status"]
        r = client.put(f"/api/v1/nodes/{manifest['metadata']['name']}/status", json=created)
        assert r.status_code == 200, r.text
        created = r.json()
    return dict(created)
