"""Liveness, readiness and startup probes: one small task per container and probe kind.

`ProbeCounter` holds the threshold logic (successThreshold / failureThreshold) as a pure
object unit tests drive directly. `ProbeManager` keeps one worker per running container
and probe; a worker runs its action every periodSeconds after initialDelaySeconds and,
when the verdict flips, records it and pokes the pod worker (which restarts a container
whose liveness or startup probe failed and reports readiness in the pod status).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from kubelet.actions import Prober
from kubelet.podstate import Observed, ProbeVerdicts
from kubelet.runtime import RUNNING
from kubelet.status import ProbeState
from machinery.api import Container, Pod, Probe

log = logging.getLogger(__name__)

LIVENESS, READINESS, STARTUP = "liveness", "readiness", "startup"


class ProbeCounter:
    """Consecutive successes/failures against the thresholds; `result` is the verdict.

    `initial` is the verdict before any threshold is reached: True for liveness (a container
    is alive until proven otherwise), None (unknown) for readiness and startup.
    """

    def __init__(self, probe: Probe, *, initial: bool | None) -> None:
        self.success_threshold = max(1, probe.success_threshold or 1)
        self.failure_threshold = max(1, probe.failure_threshold or 3)
        self.result = initial
        self._successes = 0
        self._failures = 0

    def record(self, ok: bool) -> bool:
        """Count one outcome; return True when the verdict changed."""
        if ok:
            self._successes += 1
            self._failures = 0
            if self.result is not True and self._successes >= self.success_threshold:
                self.result = True
                return True
        else:
            self._failures += 1
            self._successes = 0
            if self.result is not False and self._failures >= self.failure_threshold:
                self.result = False
                return True
        return False


@dataclass
class Results:
    """Every verdict the pod workers need, by container id."""

    ready: dict[str, bool] = field(default_factory=dict)
    started: dict[str, bool] = field(default_factory=dict)
    liveness_failed: dict[str, str] = field(default_factory=dict)
    startup_failed: dict[str, str] = field(default_factory=dict)

    def state(self) -> ProbeState:
        return ProbeState(ready=dict(self.ready), started=dict(self.started))

    def verdicts(self) -> ProbeVerdicts:
        return ProbeVerdicts(dict(self.liveness_failed), dict(self.startup_failed))

    def forget(self, container_id: str) -> None:
        for d in (self.ready, self.started, self.liveness_failed, self.startup_failed):
            d.pop(container_id, None)


class ProbeManager:
    def __init__(
        self,
        prober: Prober,
        *,
        on_change: Callable[[str], None],
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.prober = prober
        self.sleep = sleep  # unit tests pass one that only yields
        self.on_change = on_change  # called with the pod uid
        self.results = Results()
        self._workers: dict[tuple[str, str], asyncio.Task[None]] = {}  # (container id, kind)
        self._owned: dict[str, set[str]] = {}  # pod uid -> container ids with workers
        self._started: dict[str, asyncio.Event] = {}  # container id -> startup probe passed

    def sync(self, pod: Pod, observed: Observed) -> None:
        """Probe workers for exactly the running containers that have probes."""
        uid = pod.metadata.uid or ""
        pod_ip = observed.sandbox.ip if observed.sandbox else ""
        wanted: set[tuple[str, str]] = set()
        for c in pod.spec.containers or []:
            latest = observed.latest(c.name)
            if latest is None or latest.state != RUNNING:
                continue
            cid = latest.id
            for kind, probe in (
                (STARTUP, c.startup_probe),
                (LIVENESS, c.liveness_probe),
                (READINESS, c.readiness_probe),
            ):
                if probe is None:
                    continue
                wanted.add((cid, kind))
                if (cid, kind) not in self._workers:
                    self._workers[(cid, kind)] = asyncio.create_task(
                        self._work(uid, c, cid, pod_ip, kind, probe),
                        name=f"probe-{kind}-{cid[:12]}",
                    )
        for key in [k for k in self._workers if k[0] in self._pod_ids(uid) and k not in wanted]:
            self._workers.pop(key).cancel()
        wanted_ids = {k[0] for k in wanted}
        for cid in self._pod_ids(uid) - wanted_ids:  # exited (on its own or killed) or gone
            self.results.forget(cid)
            self._started.pop(cid, None)
        self._owned[uid] = wanted_ids

    def _pod_ids(self, uid: str) -> set[str]:
        return self._owned.get(uid, set())

    def forget_pod(self, uid: str) -> None:
        for cid in self._pod_ids(uid):
            for key in [k for k in self._workers if k[0] == cid]:
                self._workers.pop(key).cancel()
            self.results.forget(cid)
            self._started.pop(cid, None)
        self._owned.pop(uid, None)

    async def stop(self) -> None:
        tasks = list(self._workers.values())
        self._workers.clear()
        for t in tasks:
            t.cancel()
        for t in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t

    async def _work(
        self, uid: str, c: Container, cid: str, pod_ip: str, kind: str, probe: Probe
    ) -> None:
        r = self.results
        started = self._started.setdefault(cid, asyncio.Event())
        if kind in (LIVENESS, READINESS) and c.startup_probe is not None:
            await started.wait()  # liveness and readiness wait for the startup probe to pass
        counter = ProbeCounter(probe, initial=True if kind == LIVENESS else None)
        if kind == READINESS:
            r.ready.setdefault(cid, False)
        if kind == STARTUP:
            r.started.setdefault(cid, False)
        await self.sleep(max(0, probe.initial_delay_seconds or 0))
        period = max(0.1, float(probe.period_seconds or 10))
        timeout = max(0.1, float(probe.timeout_seconds or 1))
        while True:
            outcome = await self.prober.run(
                container=c,
                container_id=cid,
                pod_ip=pod_ip,
                timeout=timeout,
                exec_=probe.exec,
                http_get=probe.http_get,
                tcp_socket=probe.tcp_socket,
            )
            if counter.record(outcome.ok):
                log.info(
                    "probe verdict changed kind=%s container=%s id=%s ok=%s msg=%s",
                    kind,
                    c.name,
                    cid[:12],
                    counter.result,
                    outcome.message,
                )
                if kind == READINESS:
                    r.ready[cid] = bool(counter.result)
                elif kind == STARTUP:
                    r.started[cid] = bool(counter.result)
                    if not counter.result:
                        r.startup_failed[cid] = f"Startup probe failed: {outcome.message}"
                elif not counter.result:
                    r.liveness_failed[cid] = f"Liveness probe failed: {outcome.message}"
                self.on_change(uid)
                if kind == STARTUP and counter.result:
                    started.set()
                    return  # startup probes stop once the container has started
                if kind == LIVENESS and not counter.result:
                    return  # the container is being restarted; its successor gets a new worker
            await self.sleep(period)
