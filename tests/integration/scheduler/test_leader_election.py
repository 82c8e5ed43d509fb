"""Two scheduler processes, one lease: exactly one schedules; the standby takes over.

Every bind is followed by a `Scheduled` Event whose source.host is the binding
scheduler's identity, so "each pod bound once, by whom" is read from the Events.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.scheduler.conftest import Env
from tests.support.procs import ApiServer, wait_for
from tests.support.scheduler_proc import SchedulerProc, node

LEASE = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler"


@pytest.fixture
def pair(cluster: ApiServer, sched_logs: Path) -> Iterator[tuple[SchedulerProc, SchedulerProc]]:
    a = SchedulerProc(sched_logs, cluster, name="sched-a")
    b = SchedulerProc(sched_logs, cluster, name="sched-b")
    try:
        a.start()
        b.start()
        yield a, b
    finally:
        for s in (a, b):
            if s.proc is not None and s.proc.poll() is None:
                s.resume()  # a stopped process cannot handle SIGTERM
            s.stop()


def holder(env: Env) -> str:
    r = env.client.get(LEASE)
    return str(r.json()["spec"].get("holderIdentity") or "") if r.status_code == 200 else ""


def create_pods(env: Env, prefix: str, n: int) -> list[str]:
    names = [f"{prefix}-{i}" for i in range(n)]
    for name in names:
        env.create_pod(
            {"metadata": {"name": name}, "spec": {"containers": [{"name": "c", "image": "x"}]}}
        )
    return names


def binders(env: Env, names: list[str]) -> Counter[tuple[str, str]]:
    """(pod, scheduler) -> how many Scheduled events."""
    counts: Counter[tuple[str, str]] = Counter()
    for name in names:
        for ev in env.events(name, "Scheduled"):
            counts[(name, ev["source"].get("host", ""))] += int(ev.get("count") or 1)
    return counts


def wait_all_bound(env: Env, names: list[str], timeout: float = 30) -> None:
    def bound() -> bool:
        by_name = {p["metadata"]["name"]: p for p in env.pods()}
        return all(by_name[n]["spec"].get("nodeName") for n in names)

    wait_for(bound, timeout, f"{len(names)} pods bound")


def wait_events(env: Env, names: list[str]) -> Counter[tuple[str, str]]:
    wait_for(lambda: len(binders(env, names)) >= len(names), 15, "Scheduled events")
    return binders(env, names)


def test_one_leader_binds_and_the_standby_takes_over(
    pair: tuple[SchedulerProc, SchedulerProc], env: Env
) -> None:
    for n in ("n1", "n2", "n3"):
        env.add_node(node(n))
    wait_for(lambda: holder(env) in ("sched-a", "sched-b"), 15, "a leader")
    by_name = {s.name: s for s in pair}
    leader = by_name[holder(env)]
    standby = next(s for s in pair if s is not leader)

    first = create_pods(env, "first", 20)
    wait_all_bound(env, first)
    got = wait_events(env, first)
    assert set(got) == {(n, leader.name) for n in first}, got  # only the leader bound
    assert all(c == 1 for c in got.values())

    leader.pause()  # SIGSTOP: it cannot renew; the standby must take the lease over
    wait_for(lambda: holder(env) == standby.name, 20, "the standby to take the lease")
    second = create_pods(env, "second", 20)
    wait_all_bound(env, second)
    got = wait_events(env, second)
    assert set(got) == {(n, standby.name) for n in second}, got

    leader.resume()  # it wakes up past its renew deadline: it must stop, not bind
    assert leader.proc is not None
    assert leader.proc.wait(20) != 0
    third = create_pods(env, "third", 10)
    wait_all_bound(env, third)
    got = wait_events(env, first + second + third)
    assert all(c == 1 for c in got.values()), got
    assert {n for n, _ in got} == set(first + second + third)
    assert {s for n, s in got if n.startswith("third")} == {standby.name}
    assert "bind refused" not in leader.log_tail(400)


def test_clean_shutdown_hands_over_at_once(
    pair: tuple[SchedulerProc, SchedulerProc], env: Env
) -> None:
    env.add_node(node("n1"))
    wait_for(lambda: holder(env) in ("sched-a", "sched-b"), 15, "a leader")
    by_name = {s.name: s for s in pair}
    leader = by_name[holder(env)]
    standby = next(s for s in pair if s is not leader)
    leader.stop()  # SIGTERM releases the lease: no need to wait 4 s for it to expire
    wait_for(lambda: holder(env) in ("", standby.name), 1.5, "the lease released")
    wait_for(lambda: holder(env) == standby.name, 5, "the standby to lead")
    names = create_pods(env, "after", 5)
    wait_all_bound(env, names)
    assert {s for _, s in wait_events(env, names)} == {standby.name}
