"""Two leader-election candidates in separate processes: one leads, a paused leader yields."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.support.procs import REPO, ApiServer, wait_for

LEASE_DURATION, RETRY_PERIOD = 3.0, 0.5


class Candidate:
    def __init__(self, url: str, identity: str) -> None:
        self.identity = identity
        self.lines: list[tuple[float, str]] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.support.elector", url, identity],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append((time.time(), line.strip()))

    def said(self, word: str) -> bool:
        return any(line.startswith(word) for _, line in self.lines)

    def acting_times(self) -> list[float]:
        return [float(line.split()[1]) for _, line in self.lines if line.startswith("ACTING")]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.kill()
        self.proc.wait(5)


@pytest.fixture
def candidates(apiserver: ApiServer) -> Iterator[list[Candidate]]:
    httpx.delete(
        f"{apiserver.url}/apis/coordination.k8s.io/v1/namespaces/default/leases/test-election"
    )
    cands = [Candidate(apiserver.url, "cand-a"), Candidate(apiserver.url, "cand-b")]
    try:
        yield cands
    finally:
        for c in cands:
            c.stop()


def test_one_leads_and_a_paused_leader_is_replaced(
    apiserver: ApiServer, candidates: list[Candidate]
) -> None:
    wait_for(lambda: any(c.said("LEADING") for c in candidates), 15, "a leader")
    leader = next(c for c in candidates if c.said("LEADING"))
    other = next(c for c in candidates if c is not leader)
    lease = httpx.get(
        f"{apiserver.url}/apis/coordination.k8s.io/v1/namespaces/default/leases/test-election"
    ).json()
    assert lease["spec"]["holderIdentity"] == leader.identity
    wait_for(lambda: len(leader.acting_times()) >= 5, 5, "the leader acting")
    assert not other.said("LEADING")  # exactly one leads

    leader.proc.send_signal(signal.SIGSTOP)
    paused_at = time.time()
    wait_for(lambda: other.said("LEADING"), 15, "the standby taking over")
    took_over = next(t for t, line in other.lines if line == "LEADING")
    assert took_over - paused_at <= LEASE_DURATION + RETRY_PERIOD + 1.0

    leader.proc.send_signal(signal.SIGCONT)
    resumed_at = time.time()
    wait_for(lambda: leader.said("STOPPED"), 10, "the old leader stepping down")
    assert not [t for t in leader.acting_times() if t >= resumed_at]
    wait_for(lambda: leader.proc.poll() is not None, 10, "the old leader exiting")
    lease = httpx.get(
        f"{apiserver.url}/apis/coordination.k8s.io/v1/namespaces/default/leases/test-election"
    ).json()
    assert lease["spec"]["holderIdentity"] == other.identity
    assert lease["spec"]["leaseTransitions"] >= 1
