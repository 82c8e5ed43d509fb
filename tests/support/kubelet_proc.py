"""A kubelet as a real process for integration tests, plus Docker helpers to build and clean up.

`Kubelet` starts `python -m kubelet` against a test API server on a free port with its own
node name, root dir and pod CIDR (each test kubelet gets a distinct one, so several can
share the Docker engine); `remove_node_containers` removes every container, volume and the
network a node's kubelet created (by its node label), so teardown leaves nothing behind.
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from tests.support.procs import REPO, ApiServer, Proc, free_port, wait_for

L_NODE = "io.kubeling.node"


def build_images() -> None:
    """The busybox and pause images (idempotent: kept when present)."""
    subprocess.run(["bash", str(REPO / "deploy/images/build.sh")], check=True, capture_output=True)


def docker_available() -> bool:
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def remove_node_containers(node: str) -> None:
    out = subprocess.run(
        ["docker", "ps", "-aq", "--filter", f"label={L_NODE}={node}"],
        capture_output=True,
        text=True,
    ).stdout.split()
    if out:
        subprocess.run(["docker", "rm", "-f", *out], capture_output=True)
    vols = subprocess.run(
        ["docker", "volume", "ls", "-q", "--filter", f"label={L_NODE}={node}"],
        capture_output=True,
        text=True,
    ).stdout.split()
    if vols:
        subprocess.run(["docker", "volume", "rm", "-f", *vols], capture_output=True)
    network = f"kubeling-{node}"
    for _ in range(40):  # endpoints of just-removed containers are released asynchronously
        gone = subprocess.run(["docker", "network", "inspect", network], capture_output=True)
        if gone.returncode != 0:
            return
        subprocess.run(["docker", "network", "rm", network], capture_output=True)
        time.sleep(0.25)


class Kubelet(Proc):
    def __init__(
        self,
        log_dir: Path,
        apiserver: ApiServer,
        *,
        runtime: str = "docker",
        node_name: str = "",
        extra: list[str] | None = None,
    ) -> None:
        self.node_name = node_name or f"node-{uuid.uuid4().hex[:6]}"
        super().__init__(f"kubelet-{self.node_name}", log_dir)
        self.apiserver = apiserver
        self.runtime = runtime
        self.port = free_port()
        self.root_dir = Path(tempfile.mkdtemp(prefix="kubeling-kubelet-"))
        self.kubeconfig = apiserver.kubeconfig(self.root_dir / "kubeconfig")
        self.pod_cidr = f"10.{random.randint(90, 250)}.{random.randint(0, 250)}.0/24"
        self.extra = extra or []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._spawn(
            [
                sys.executable,
                "-m",
                "kubelet",
                "--kubeconfig",
                str(self.kubeconfig),
                "--node-name",
                self.node_name,
                "--runtime",
                self.runtime,
                "--root-dir",
                str(self.root_dir),
                "--port",
                str(self.port),
                "--pod-cidr",
                self.pod_cidr,
                "--housekeeping-interval",
                "2",
                *self.extra,
            ]
        )
        wait_for(self.ready, 30, f"kubelet {self.node_name} /readyz")

    def ready(self) -> bool:
        if not self.running:
            raise RuntimeError(f"kubelet exited:\n{self.log_tail()}")
        try:
            return httpx.get(self.url + "/readyz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def cleanup(self) -> None:
        """Stop the process, remove its containers, and its Node and Lease from the API (so
        later tests in the session do not see a node that is gone)."""
        self.stop(timeout=20)
        if self.runtime == "docker":
            remove_node_containers(self.node_name)
        subprocess.run(["rm", "-rf", str(self.root_dir)], capture_output=True)
        if self.apiserver.running:
            base = self.apiserver.url
            lease = (
                f"/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/{self.node_name}"
            )
            for path in (f"/api/v1/nodes/{self.node_name}", lease):
                try:
                    httpx.delete(base + path, timeout=5)
                except httpx.HTTPError:
                    pass
