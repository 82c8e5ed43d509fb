"""Real processes for integration tests: etcd and the API server on random loopback ports.

Each is started by the test, watched by PID, and stopped (then killed) on teardown,
even when the test fails.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(cond: Callable[[], bool], timeout: float, what: str, interval: float = 0.05) -> None:
    """Poll cond until it holds or the deadline passes (then fail with `what`)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout}s waiting for {what}")


class Proc:
    def __init__(self, name: str, log_dir: Path) -> None:
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def _spawn(self, argv: list[str], env: dict[str, str] | None = None) -> None:
        log = open(self.log_path, "ab")  # noqa: SIM115 - handed to the child
        self.proc = subprocess.Popen(
            argv, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}, cwd=REPO
        )
        log.close()

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def pause(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGCONT)

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""


class Etcd(Proc):
    def __init__(self, log_dir: Path) -> None:
        super().__init__("etcd", log_dir)
        self.data_dir = tempfile.mkdtemp(prefix="kubeling-etcd-")
        self.client_port = free_port()
        self.peer_port = free_port()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.client_port}"

    def start(self) -> None:
        etcd = shutil.which("etcd")
        if etcd is None:
            raise RuntimeError("etcd is not installed: run `make setup`")
        self._spawn(
            [
                etcd,
                "--data-dir",
                self.data_dir,
                "--name",
                "test",
                "--listen-client-urls",
                self.endpoint,
                "--advertise-client-urls",
                self.endpoint,
                "--listen-peer-urls",
                f"http://127.0.0.1:{self.peer_port}",
                "--initial-advertise-peer-urls",
                f"http://127.0.0.1:{self.peer_port}",
                "--initial-cluster",
                f"test=http://127.0.0.1:{self.peer_port}",
                "--log-level",
                "warn",
            ],
            env={"ETCD_UNSUPPORTED_ARCH": "amd64"},
        )
        wait_for(self.healthy, 20, "etcd health")

    def healthy(self) -> bool:
        if not self.running:
            raise RuntimeError(f"etcd exited:\n{self.log_tail()}")
        try:
            r = httpx.get(self.endpoint + "/health", timeout=1)
            return r.status_code == 200
        except httpx.HTTPError:
            return False

    def etcdctl(self, *args: str) -> str:
        out = subprocess.run(
            ["etcdctl", "--endpoints", self.endpoint, *args],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "ETCDCTL_API": "3"},
        )
        return out.stdout

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)


class ApiServer(Proc):
    def __init__(
        self, log_dir: Path, etcd: Etcd, *, extra: list[str] | None = None, name: str = "apiserver"
    ) -> None:
        super().__init__(name, log_dir)
        self.etcd = etcd
        self.port = free_port()
        self.extra = extra or []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._spawn(
            [
                sys.executable,
                "-m",
                "apiserver",
                "--etcd-servers",
                self.etcd.endpoint,
                "--bind-address",
                "127.0.0.1",
                "--port",
                str(self.port),
                *self.extra,
            ]
        )
        wait_for(self.ready, 30, "apiserver /readyz")

    def ready(self) -> bool:
        if not self.running:
            raise RuntimeError(f"apiserver exited:\n{self.log_tail()}")
        try:
            return httpx.get(self.url + "/readyz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def kubeconfig(self, path: Path) -> Path:
        path.write_text(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: kubeling\n  cluster:\n"
            f"    server: {self.url}\ncontexts:\n- name: kubeling\n  context:\n"
            "    cluster: kubeling\n    user: admin\n    namespace: default\n"
            "current-context: kubeling\nusers:\n- name: admin\n  user: {}\n"
        )
        return path
