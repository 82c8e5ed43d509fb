"""Pod status from what the runtime reports: phase, conditions, container statuses.

A pure function of the pod, the observed containers, the plan's waiting reasons and the
probe results, so the kubelet can compare the result with the pod's current status and
write through pods/status only when something changed (kubelet.status_manager).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from kubelet.podstate import TERMINAL_PHASES, Observed, Plan
from kubelet.runtime import EXITED, RUNNING, ContainerInfo
from machinery.api import (
    Container,
    ContainerState,
    ContainerStateRunning,
    ContainerStateTerminated,
    ContainerStateWaiting,
    ContainerStatus,
    HostIP,
    Pod,
    PodCondition,
    PodIP,
    PodStatus,
)
from machinery.timeutil import format_time


@dataclass
class ProbeState:
    """Readiness and startup results, by container id (absent: not yet known)."""

    ready: dict[str, bool] = field(default_factory=dict)
    started: dict[str, bool] = field(default_factory=dict)


def _ts(epoch: float) -> str | None:
    return format_time(datetime.fromtimestamp(epoch, UTC)) if epoch else None


def terminated(c: ContainerInfo, runtime: str) -> ContainerState:
    return ContainerState(
        terminated=ContainerStateTerminated(
            exit_code=c.exit_code,
            reason=c.reason or ("Completed" if c.exit_code == 0 else "Error"),
            started_at=_ts(c.started_at),
            finished_at=_ts(c.finished_at),
            container_id=f"{runtime}://{c.id}",
        )
    )


def _container_status(
    spec: Container,
    observed: Observed,
    waiting: dict[str, tuple[str, str]],
    probes: ProbeState,
    runtime: str,
    *,
    init: bool,
    default_waiting: str,
) -> ContainerStatus:
    latest = observed.latest(spec.name)
    previous = observed.previous(spec.name)
    status = ContainerStatus(name=spec.name, image=spec.image or "", ready=False, started=False)
    if latest is None:
        reason, msg = waiting.get(spec.name, (default_waiting, ""))
        status.state = ContainerState(
            waiting=ContainerStateWaiting(reason=reason, message=msg or None)
        )
        return status
    status.restart_count = latest.restart_count
    status.image_id = latest.image_id
    status.container_id = f"{runtime}://{latest.id}"
    if spec.name in waiting:
        reason, msg = waiting[spec.name]
        status.state = ContainerState(
            waiting=ContainerStateWaiting(reason=reason, message=msg or None)
        )
        if latest.state == EXITED:
            status.last_state = terminated(latest, runtime)
            return status
    elif latest.state == RUNNING:
        status.state = ContainerState(
            running=ContainerStateRunning(started_at=_ts(latest.started_at))
        )
        started = True if spec.startup_probe is None else probes.started.get(latest.id, False)
        status.started = started
        if init:
            status.ready = False
        elif spec.readiness_probe is None:
            status.ready = started
        else:
            status.ready = started and probes.ready.get(latest.id, False)
    elif latest.state == EXITED:
        status.state = terminated(latest, runtime)
        status.ready = init and latest.exit_code == 0
    else:
        status.state = ContainerState(waiting=ContainerStateWaiting(reason="ContainerCreating"))
    if previous is not None and previous.state == EXITED:
        status.last_state = terminated(previous, runtime)
    return status


def _phase(pod: Pod, plan: Plan, statuses: list[ContainerStatus]) -> str:
    policy = pod.spec.restart_policy or "Always"
    if plan.init_failed:
        return "Failed"
    if not plan.init_done:
        return "Pending"
    running = never_ran = 0
    succeeded = failed = 0
    for s in statuses:
        st = s.state or ContainerState()
        if st.running is not None:
            running += 1
        elif st.terminated is not None:
            if st.terminated.exit_code == 0:
                succeeded += 1
            else:
                failed += 1
        elif s.last_state is not None and s.last_state.terminated is not None:
            if s.last_state.terminated.exit_code == 0:
                succeeded += 1
            else:
                failed += 1
        else:
            never_ran += 1
    if never_ran:
        return "Pending"
    if running:
        return "Running"
    if policy == "Always":
        return "Running"
    if not plan.terminal:
        return "Running"
    if policy == "OnFailure":
        return "Succeeded" if failed == 0 else "Running"
    return "Failed" if failed else "Succeeded"


def _condition(
    old: PodStatus, type_: str, ok: bool, reason: str, message: str, now: str
) -> PodCondition:
    value = "True" if ok else "False"
    prev = next((c for c in old.conditions or [] if c.type == type_), None)
    since = prev.last_transition_time if prev is not None and prev.status == value else now
    return PodCondition(
        type=type_,
        status=value,
        last_probe_time=None,
        last_transition_time=since,
        reason=None if ok else reason or None,
        message=None if ok else message or None,
    )


def _keep_gone(
    statuses: list[ContainerStatus], old: list[ContainerStatus] | None, observed: Observed
) -> list[ContainerStatus]:
    previous = {s.name: s for s in old or []}
    return [
        previous[s.name].model_copy(deep=True)
        if observed.latest(s.name) is None and s.name in previous
        else s
        for s in statuses
    ]


def compute(
    pod: Pod,
    observed: Observed,
    plan: Plan,
    probes: ProbeState,
    *,
    runtime: str,
    host_ip: str,
    now: float,
) -> PodStatus:
    """The status this kubelet reports for pod right now."""
    old = pod.status
    now_s = _ts(now) or ""
    init_statuses = [
        _container_status(
            c,
            observed,
            plan.waiting,
            probes,
            runtime,
            init=True,
            default_waiting="PodInitializing",
        )
        for c in pod.spec.init_containers or []
    ]
    statuses = [
        _container_status(
            c,
            observed,
            plan.waiting,
            probes,
            runtime,
            init=False,
            default_waiting="ContainerCreating" if plan.init_done else "PodInitializing",
        )
        for c in pod.spec.containers or []
    ]
    phase = _phase(pod, plan, statuses)
    final = old.phase in TERMINAL_PHASES  # a finished pod never runs again (kubelet.podstate)
    if final:
        phase = old.phase or phase
        # Containers removed from the runtime (pruned) keep their last reported status.
        init_statuses = _keep_gone(init_statuses, old.init_container_statuses, observed)
        statuses = _keep_gone(statuses, old.container_statuses, observed)
    unready = [s.name for s in statuses if not s.ready]
    incomplete = [s.name for s in init_statuses if not s.ready]
    done = phase in ("Succeeded", "Failed")
    ready_reason = "PodCompleted" if done else "ContainersNotReady"
    ready_msg = "" if done else f"containers with unready status: [{' '.join(unready)}]"
    kept = next((c for c in old.conditions or [] if c.type == "Initialized"), None)
    conditions = [
        kept
        if final and kept is not None
        else _condition(
            old,
            "Initialized",
            plan.init_done,
            "ContainersNotInitialized",
            f"containers with incomplete status: [{' '.join(incomplete)}]",
            now_s,
        ),
        _condition(old, "Ready", not unready and not done, ready_reason, ready_msg, now_s),
        _condition(
            old, "ContainersReady", not unready and not done, ready_reason, ready_msg, now_s
        ),
    ]
    scheduled = next((c for c in old.conditions or [] if c.type == "PodScheduled"), None)
    conditions.append(
        scheduled or PodCondition(type="PodScheduled", status="True", last_transition_time=now_s)
    )
    sandbox = observed.sandbox
    pod_ip = sandbox.ip if sandbox is not None and sandbox.state == RUNNING and sandbox.ip else ""
    pod_ip = pod_ip or (old.pod_ip if done else "") or ""
    status = PodStatus(
        phase=phase,
        conditions=conditions,
        host_ip=host_ip,
        host_ips=[HostIP(ip=host_ip)],
        pod_ip=pod_ip or None,
        pod_ips=[PodIP(ip=pod_ip)] if pod_ip else None,
        start_time=old.start_time or now_s,
        init_container_statuses=init_statuses or None,
        container_statuses=statuses,
        qos_class=old.qos_class,
    )
    return status


def comparable(status: PodStatus) -> dict[str, object]:
    """The status without fields that change on their own (for "did anything change?")."""
    data = status.to_dict()
    data.pop("startTime", None)
    for c in data.get("conditions") or []:
        c.pop("lastProbeTime", None)
    return data
