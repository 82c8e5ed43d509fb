"""The pod state machine as a pure function: init order, restart policies, back-off, probe kills."""

from __future__ import annotations

from typing import Any

import pytest

from kubelet.backoff import Backoff
from kubelet.podstate import CRASH_LOOP, Observed, ProbeVerdicts, plan, spec_hash
from kubelet.runtime import EXITED, L_HASH, RUNNING, ContainerInfo, SandboxInfo
from machinery.api import Pod


class Clock:
    def __init__(self, t: float = 1000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def make_pod(
    containers: list[str], *, init: list[str] | None = None, policy: str = "Always"
) -> Pod:
    spec: dict[str, Any] = {
        "restartPolicy": policy,
        "containers": [{"name": n, "image": "img"} for n in containers],
    }
    if init:
        spec["initContainers"] = [{"name": n, "image": "img"} for n in init]
    return Pod.model_validate(
        {"metadata": {"name": "p", "namespace": "ns", "uid": "u1"}, "spec": spec}
    )


def c(
    name: str, *, state: str = RUNNING, code: int = 0, restarts: int = 0, finished: float = 0.0
) -> ContainerInfo:
    return ContainerInfo(
        id=f"{name}-{restarts}",
        pod_uid="u1",
        name=name,
        kind="app",
        restart_count=restarts,
        state=state,
        exit_code=code,
        started_at=1.0,
        finished_at=finished,
        created=float(restarts),
    )


def seen(*containers: ContainerInfo) -> Observed:
    sandbox = SandboxInfo("sb", "u1", "ns", "p", RUNNING, "10.0.0.2")
    return Observed.build([sandbox], list(containers))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def backoff(clock: Clock) -> Backoff:
    return Backoff(initial=10, maximum=300, clock=clock)


def started(p: Any) -> list[tuple[str, int]]:
    return [(s.container.name, s.restart_count) for s in p.start]


def test_a_new_pod_starts_every_app_container(backoff: Backoff) -> None:
    p = plan(make_pod(["a", "b"]), seen(), backoff)
    assert started(p) == [("a", 0), ("b", 0)] and p.init_done and not p.terminal


def test_init_containers_run_one_at_a_time_in_order(backoff: Backoff) -> None:
    pod = make_pod(["app"], init=["one", "two"])
    p = plan(pod, seen(), backoff)
    assert started(p) == [("one", 0)] and not p.init_done
    assert plan(pod, seen(c("one")), backoff).start == []  # still running: wait
    p = plan(pod, seen(c("one", state=EXITED)), backoff)
    assert started(p) == [("two", 0)]
    p = plan(pod, seen(c("one", state=EXITED), c("two", state=EXITED)), backoff)
    assert started(p) == [("app", 0)] and p.init_done


def test_a_failed_init_container_fails_the_pod_under_never(backoff: Backoff) -> None:
    pod = make_pod(["app"], init=["one"], policy="Never")
    p = plan(pod, seen(c("one", state=EXITED, code=1)), backoff)
    assert p.init_failed and p.terminal and p.start == []


def test_a_failed_init_container_is_retried_under_always(backoff: Backoff, clock: Clock) -> None:
    pod = make_pod(["app"], init=["one"])
    p = plan(pod, seen(c("one", state=EXITED, code=1, finished=clock.t)), backoff)
    assert started(p) == [("one", 1)] and p.start[0].init and not p.init_done


@pytest.mark.parametrize(
    ("policy", "code", "restarts"),
    [
        ("Always", 0, True),
        ("Always", 1, True),
        ("OnFailure", 0, False),
        ("OnFailure", 2, True),
        ("Never", 0, False),
        ("Never", 1, False),
    ],
)
def test_restart_policy(
    backoff: Backoff, clock: Clock, policy: str, code: int, restarts: bool
) -> None:
    p = plan(
        make_pod(["a"], policy=policy),
        seen(c("a", state=EXITED, code=code, finished=clock.t)),
        backoff,
    )
    assert bool(p.start) == restarts
    assert p.terminal == (not restarts)


def test_crash_loop_back_off_doubles_up_to_the_maximum(backoff: Backoff, clock: Clock) -> None:
    pod = make_pod(["a"])
    restarts = 0
    waited: list[float] = []
    for _ in range(8):
        crashed = c("a", state=EXITED, code=1, restarts=restarts, finished=clock.t)
        p = plan(pod, seen(crashed), backoff)
        if p.start:  # the executor records each restart it carries out
            backoff.next(p.start[0].backoff_key)
            restarts += 1
            continue
        assert p.waiting["a"][0] == CRASH_LOOP and p.wake_in is not None
        waited.append(p.wake_in)
        clock.t += p.wake_in
        p = plan(pod, seen(crashed), backoff)
        assert started(p) == [("a", restarts + 1)]
        backoff.next(p.start[0].backoff_key)
        restarts += 1
    # The first restart is immediate; then 10 s, 20 s, 40 s... capped at 300 s.
    assert waited == [10, 20, 40, 80, 160, 300, 300]


def test_back_off_is_forgotten_after_twice_the_maximum(backoff: Backoff, clock: Clock) -> None:
    backoff.next("k")
    backoff.next("k")
    assert backoff.delay("k") == 20
    clock.t += 601
    assert backoff.delay("k") == 0 and backoff.remaining("k", clock.t - 1) == 0


def test_planning_has_no_side_effects(backoff: Backoff, clock: Clock) -> None:
    pod = make_pod(["a"])
    crashed = seen(c("a", state=EXITED, code=1, finished=clock.t))
    assert (
        started(plan(pod, crashed, backoff)) == started(plan(pod, crashed, backoff)) == [("a", 1)]
    )


def test_liveness_and_startup_failures_kill_the_container(backoff: Backoff) -> None:
    pod = make_pod(["a", "b"])
    verdicts = ProbeVerdicts(
        liveness_failed={"a-0": "Liveness probe failed"},
        startup_failed={"b-0": "Startup probe failed"},
    )
    p = plan(pod, seen(c("a"), c("b")), backoff, probes=verdicts)
    assert [(info.name, why) for info, why in p.kill] == [
        ("a", "Liveness probe failed"),
        ("b", "Startup probe failed"),
    ]


def test_latest_attempt_wins(backoff: Backoff) -> None:
    observed = seen(c("a", state=EXITED, code=1, restarts=0), c("a", restarts=1))
    assert observed.latest("a") is not None and observed.latest("a").restart_count == 1  # type: ignore[union-attr]
    assert observed.previous("a") is not None and observed.previous("a").restart_count == 0  # type: ignore[union-attr]
    assert plan(make_pod(["a"]), observed, backoff).start == []


def test_a_changed_container_spec_is_restarted_whatever_the_policy(backoff: Backoff) -> None:
    pod = make_pod(["a"], policy="Never")
    assert pod.spec.containers is not None
    current = c("a")
    current.labels[L_HASH] = spec_hash(pod.spec.containers[0])
    assert plan(pod, seen(current), backoff).kill == []
    current.labels[L_HASH] = "an-older-spec"
    p = plan(pod, seen(current), backoff)
    assert [info.name for info, _ in p.kill] == ["a"] and "definition changed" in p.kill[0][1]
    assert started(p) == [("a", 1)]
