"""The controller manager as a real process for integration tests and benchmarks.

Short timings by default (leader election in about a second, nodes lost after a few
seconds) so tests run fast; the flags are the component's own.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import httpx

from tests.support.procs import ApiServer, Proc, free_port, wait_for

FAST_FLAGS = [
    "--leader-elect-lease-duration",
    "5",
    "--leader-elect-renew-deadline",
    "4",
    "--leader-elect-retry-period",
    "0.5",
    "--node-monitor-period",
    "0.5",
    "--node-monitor-grace-period",
    "8",
    "--node-startup-grace-period",
    "10",
]


class ControllerManager(Proc):
    def __init__(
        self,
        log_dir: Path,
        apiserver: ApiServer,
        *,
        extra: list[str] | None = None,
        name: str = "controller-manager",
    ) -> None:
        super().__init__(name, log_dir)
        self.apiserver = apiserver
        self.kubeconfig = apiserver.kubeconfig(log_dir / f"{name}.kubeconfig")
        self.health_port = free_port()
        self.extra = FAST_FLAGS + (extra or [])

    @property
    def health_url(self) -> str:
        return f"http://127.0.0.1:{self.health_port}"

    def start(self, *, wait_leading: bool = True) -> None:
        self.health_port = free_port()
        self._log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        self._spawn(
            [
                sys.executable,
                "-m",
                "controller_manager",
                "--kubeconfig",
                str(self.kubeconfig),
                "--health-port",
                str(self.health_port),
                *self.extra,
            ]
        )
        wait_for(self.ready, 30, "controller-manager /readyz")
        if wait_leading:
            wait_for(self.leading, 30, "controller-manager to lead with synced caches")

    def ready(self) -> bool:
        if not self.running:
            raise RuntimeError(f"controller-manager exited:\n{self.log_tail()}")
        try:
            return httpx.get(self.health_url + "/readyz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def metrics(self) -> str:
        return httpx.get(self.health_url + "/metrics", timeout=5).text

    def leading(self) -> bool:
        if not self.ready():
            return False
        m = re.search(r"^controller_manager_leader (\S+)$", self.metrics(), re.M)
        return m is not None and float(m.group(1)) == 1.0 and "caches synced" in self.log_text()

    def log_text(self) -> str:
        """What the current process logged (earlier runs share the file)."""
        try:
            with open(self.log_path, "rb") as f:
                f.seek(getattr(self, "_log_offset", 0))
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def kill(self) -> None:
        """SIGKILL: no lease release, no clean shutdown (a crash)."""
        import signal

        self.stop(sig=signal.SIGKILL)
