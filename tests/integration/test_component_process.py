"""A real component process (tests/support/sample_component.py) stops cleanly on signals."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.procs import REPO, wait_for

PORT_LINE = re.compile(r"started component=sample health=127\.0\.0\.1:(\d+)")


class Sample:
    def __init__(self, tmp: Path, *extra: str) -> None:
        self.marker = tmp / "marker"
        self.log_path = tmp / "sample.log"
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.support.sample_component",
                    "--marker-file",
                    str(self.marker),
                    *extra,
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=REPO,
            )
        self.port = 0

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def _port_logged(self) -> bool:
        if self.proc.poll() is not None:
            raise RuntimeError(f"sample component exited early:\n{self.log()}")
        m = PORT_LINE.search(self.log())
        if m:
            self.port = int(m.group(1))
        return m is not None

    def _ready(self) -> bool:
        if self.proc.poll() is not None:
            raise RuntimeError(f"sample component exited early:\n{self.log()}")
        try:
            return httpx.get(f"http://127.0.0.1:{self.port}/readyz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def wait_ready(self) -> None:
        wait_for(self._port_logged, 20, "the sample component to log its health port")
        wait_for(self._ready, 20, "the sample component's /readyz")

    def wait_exit(self, timeout: float) -> int:
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"sample component still running after {timeout}s:\n{self.log()}")


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Callable[..., Sample]]:
    started: list[Sample] = []

    def make(*extra: str) -> Sample:
        s = Sample(tmp_path, *extra)
        started.append(s)
        return s

    try:
        yield make
    finally:
        for s in started:
            if s.proc.poll() is None:
                s.proc.kill()
                s.proc.wait(5)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_stops_cleanly_and_runs_hooks(
    start: Callable[..., Sample], sig: signal.Signals
) -> None:
    s = start()
    s.wait_ready()
    assert httpx.get(f"http://127.0.0.1:{s.port}/livez", timeout=2).text == "ok"
    s.proc.send_signal(sig)
    assert s.wait_exit(10) == 0, s.log()
    assert s.marker.read_text() == "stopped"
    assert f"stopping component=sample reason=signal {sig.name}" in s.log()


def test_second_signal_exits_at_once_when_shutdown_hangs(start: Callable[..., Sample]) -> None:
    s = start("--hang-on-shutdown", "--grace-period", "60")
    s.wait_ready()
    s.proc.send_signal(signal.SIGTERM)
    wait_for(lambda: s.marker.exists() and s.marker.read_text() == "hanging", 10, "hook start")
    assert s.proc.poll() is None
    s.proc.send_signal(signal.SIGTERM)
    assert s.wait_exit(10) == 1, s.log()
    assert "second signal, exiting now" in s.log()
