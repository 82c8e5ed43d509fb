"""The pod state machine: what to do next for one pod, as a pure function of what is seen.

`plan(pod, observed, ...)` compares the pod's spec with the containers the runtime reports
(latest attempt per container name) and decides: which init container runs next (one at
a time, in order, each to completion), which app containers start or restart (by
restartPolicy, under CrashLoopBackOff), which to kill (liveness or startup probe failed),
and whether the pod has reached its end. The pod worker executes the plan (and records
restarts in the back-off); planning has no side effects, touches no runtime and never
sleeps, so unit tests drive it with a fake clock.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import orjson

from kubelet.backoff import Backoff
from kubelet.runtime import EXITED, L_HASH, RUNNING, ContainerInfo, SandboxInfo
from machinery.api import Container, Pod

CRASH_LOOP = "CrashLoopBackOff"
TERMINAL_PHASES = ("Succeeded", "Failed")


@dataclass
class Observed:
    """One pod as the runtime reports it."""

    sandbox: SandboxInfo | None = None
    containers: dict[str, list[ContainerInfo]] = field(default_factory=dict)  # by restart count

    @classmethod
    def build(cls, sandboxes: list[SandboxInfo], containers: list[ContainerInfo]) -> Observed:
        running = [s for s in sandboxes if s.state == RUNNING]
        pool = running or sandboxes
        sandbox = max(pool, key=lambda s: s.created) if pool else None
        by_name: dict[str, list[ContainerInfo]] = {}
        for c in containers:
            by_name.setdefault(c.name, []).append(c)
        for attempts in by_name.values():
            attempts.sort(key=lambda c: (c.restart_count, c.created))
        return cls(sandbox, by_name)

    def latest(self, name: str) -> ContainerInfo | None:
        attempts = self.containers.get(name)
        return attempts[-1] if attempts else None

    def previous(self, name: str) -> ContainerInfo | None:
        attempts = self.containers.get(name) or []
        return attempts[-2] if len(attempts) > 1 else None

    def running(self) -> list[ContainerInfo]:
        return [a for atts in self.containers.values() for a in atts if a.state == RUNNING]


@dataclass
class Start:
    container: Container
    restart_count: int
    init: bool
    backoff_key: str = ""  # a restart: the executor records it in the back-off when it starts


@dataclass
class Plan:
    start: list[Start] = field(default_factory=list)
    kill: list[tuple[ContainerInfo, str]] = field(default_factory=list)  # (container, why)
    waiting: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (reason, msg)
    wake_in: float | None = None  # seconds until a back-off ends
    init_done: bool = False
    init_failed: bool = False
    terminal: bool = False  # nothing will run again (restartPolicy Never / OnFailure done)

    def wake(self, seconds: float) -> None:
        self.wake_in = seconds if self.wake_in is None else min(self.wake_in, seconds)


@dataclass
class ProbeVerdicts:
    """Probe outcomes the plan acts on, by container id."""

    liveness_failed: dict[str, str] = field(default_factory=dict)  # id -> message
    startup_failed: dict[str, str] = field(default_factory=dict)


def spec_hash(c: Container) -> str:
    """A stable digest of a container's spec (a pod's image can change in place)."""
    return hashlib.sha256(orjson.dumps(c.to_dict(), option=orjson.OPT_SORT_KEYS)).hexdigest()[:16]


def should_restart(policy: str, exit_code: int) -> bool:
    if policy == "Never":
        return False
    if policy == "OnFailure":
        return exit_code != 0
    return True


def backoff_key(pod: Pod, name: str) -> str:
    return f"{pod.metadata.uid}/{name}"


def _restart_or_wait(
    pod: Pod, c: Container, latest: ContainerInfo, out: Plan, backoff: Backoff, *, init: bool
) -> None:
    key = backoff_key(pod, c.name)
    left = backoff.remaining(key, latest.finished_at)
    if left > 0:
        delay = backoff.delay(key)
        meta = pod.metadata
        out.waiting[c.name] = (
            CRASH_LOOP,
            f"back-off {delay:g}s restarting failed container={c.name} "
            f"pod={meta.name}_{meta.namespace}({meta.uid})",
        )
        out.wake(left)
        return
    out.start.append(Start(c, latest.restart_count + 1, init, key))


def plan(
    pod: Pod,
    observed: Observed,
    backoff: Backoff,
    *,
    probes: ProbeVerdicts | None = None,
) -> Plan:
    """The next actions for a pod that is not being deleted."""
    out = _plan(pod, observed, backoff, probes=probes or ProbeVerdicts())
    if is_terminal_phase(pod):
        # Succeeded and Failed are final, as in Kubernetes: nothing starts again, even
        # when the containers are gone (e.g. removed by `docker container prune`).
        out.start = []
        out.waiting = {}
        out.wake_in = None
        out.terminal = True
    return out


def is_terminal_phase(pod: Pod) -> bool:
    return pod.status.phase in TERMINAL_PHASES


def _plan(pod: Pod, observed: Observed, backoff: Backoff, *, probes: ProbeVerdicts) -> Plan:
    spec = pod.spec
    policy = spec.restart_policy or "Always"
    out = Plan()
    app = list(spec.containers or [])
    any_app_started = any(observed.latest(c.name) is not None for c in app)

    # Init containers: one at a time, in order, each to completion.
    out.init_done = True
    if not any_app_started:
        for ic in spec.init_containers or []:
            latest = observed.latest(ic.name)
            if latest is None:
                out.start.append(Start(ic, 0, True))
                out.init_done = False
                break
            if latest.state != EXITED:
                out.init_done = False
                break
            if latest.exit_code == 0:
                continue
            out.init_done = False
            if policy == "Never":
                out.init_failed = True
                out.terminal = True
            else:
                _restart_or_wait(pod, ic, latest, out, backoff, init=True)
            break
    if not out.init_done:
        return out

    # App containers.
    finished = 0
    for c in app:
        latest = observed.latest(c.name)
        if latest is None:
            out.start.append(Start(c, 0, False))
            continue
        if latest.state == RUNNING:
            why = probes.startup_failed.get(latest.id) or probes.liveness_failed.get(latest.id)
            changed = latest.labels.get(L_HASH, "") not in ("", spec_hash(c))
            if changed:  # restarted whatever the policy, as Kubernetes does
                why = f"Container {c.name} definition changed, will be restarted"
                out.start.append(Start(c, latest.restart_count + 1, False))
            if why:
                out.kill.append((latest, why))
            continue
        if latest.state != EXITED:  # created but not started: start failed, try again
            _restart_or_wait(pod, c, latest, out, backoff, init=False)
            continue
        if should_restart(policy, latest.exit_code):
            _restart_or_wait(pod, c, latest, out, backoff, init=False)
        else:
            finished += 1
    out.terminal = bool(app) and finished == len(app)
    return out
