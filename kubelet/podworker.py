"""One worker per pod: a level-triggered loop that makes the runtime match the pod's spec.

Each pass (`sync_once`) asks the runtime what exists for the pod, gets a plan from the
state machine (kubelet.podstate), carries it out (sandbox, image pulls, container starts,
probe-driven kills, postStart hooks), then computes the status and hands it to the status
writer. Triggers (pod updates, probe verdicts, back-off expiry, housekeeping) only wake
the loop; nothing depends on seeing a particular event. A pod being deleted is
terminated gracefully (preStop, SIGTERM, grace period, SIGKILL), cleaned up, and its API
object deleted with gracePeriodSeconds=0 and its uid as precondition.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from kubelet.actions import Prober
from kubelet.backoff import Backoff
from kubelet.envvars import build_env
from kubelet.images import ImagePuller, Recorder
from kubelet.podstate import CRASH_LOOP, Observed, Plan, Start, plan
from kubelet.probes import ProbeManager
from kubelet.runtime import (
    EXITED,
    RUNNING,
    ContainerInfo,
    ContainerRuntime,
    RuntimeError_,
)
from kubelet.specs import container_config, sandbox_config
from kubelet.status import compute
from kubelet.volumes import ObjectSource, VolumeManager
from machinery.api import Container, LifecycleHandler, Pod, PodStatus

log = logging.getLogger(__name__)

KEEP_ATTEMPTS = 2  # the current attempt and the previous one (lastState, logs --previous)


class NullRecorder:
    def normal(self, obj: Pod, reason: str, message: str) -> None:
        return None

    def warning(self, obj: Pod, reason: str, message: str) -> None:
        return None


@dataclass
class PodContext:
    """What every pod worker of one kubelet shares."""

    runtime: ContainerRuntime
    volumes: VolumeManager
    objects: ObjectSource
    prober: Prober
    probes: ProbeManager
    crash_backoff: Backoff
    image_backoff: Backoff
    write_status: Callable[[Pod, PodStatus], Awaitable[None]]
    delete_pod: Callable[[Pod], Awaitable[None]]
    ensure_network: Callable[[], Awaitable[None]]
    host_ip: str
    node_name: str
    recorder: Recorder = field(default_factory=NullRecorder)
    clock: Callable[[], float] = time.time
    pull_registries: tuple[str, ...] = ()
    config_retry: float = 5.0
    # Pods creating containers at once: in a burst, early pods finish first instead of
    # every pod waiting for the last one's sandbox (the runtime's thread pool is the limit).
    start_slots: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(8))


def grace_seconds(pod: Pod) -> float:
    meta = pod.metadata
    if meta.deletion_grace_period_seconds is not None:
        return float(meta.deletion_grace_period_seconds)
    spec = pod.spec.termination_grace_period_seconds
    return float(30 if spec is None else spec)


class PodWorker:
    def __init__(self, pod: Pod, ctx: PodContext) -> None:
        self.pod = pod
        self.uid = pod.metadata.uid or ""
        self.ctx = ctx
        self.gone = False  # the API object is gone (deleted, or force-deleted)
        self.finished = asyncio.Event()  # terminated and cleaned up
        self.start_errors: dict[str, tuple[str, str]] = {}
        self.images = ImagePuller(
            ctx.runtime,
            ctx.image_backoff,
            uid=self.uid,
            registries=ctx.pull_registries,
            clock=ctx.clock,
        )
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.last_plan: Plan | None = None

    # ---- triggers ---------------------------------------------------------------------
    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name=f"pod-{self.pod.key}")

    def update(self, pod: Pod) -> None:
        self.pod = pod
        self.trigger()

    def deleted(self, pod: Pod) -> None:
        self.pod = pod
        self.gone = True
        self.trigger()

    def trigger(self) -> None:
        self._wake.set()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    @property
    def terminating(self) -> bool:
        return self.gone or self.pod.metadata.deletion_timestamp is not None

    # ---- the loop ---------------------------------------------------------------------
    async def _loop(self) -> None:
        delay = 0.5
        while True:
            self._wake.clear()
            wake_in: float | None
            try:
                if self.terminating:
                    await self.terminate()
                    self.finished.set()
                    return
                wake_in = await self.sync_once()
                delay = 0.5
            except asyncio.CancelledError:
                raise
            except Exception as e:
                log.warning("pod sync failed pod=%s err=%r", self.pod.key, e, exc_info=e)
                wake_in = delay
                delay = min(delay * 2, 10.0)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), wake_in)

    async def observe(self) -> Observed:
        rt = self.ctx.runtime
        sandboxes, containers = await asyncio.gather(
            rt.list_sandboxes(pod_uid=self.uid), rt.list_containers(pod_uid=self.uid)
        )
        return Observed.build(sandboxes, containers)

    async def sync_once(self) -> float | None:
        """One level-triggered pass; returns seconds until the next needed pass (or None)."""
        pod, ctx = self.pod, self.ctx
        observed = await self.prune(await self.observe())
        p = plan(pod, observed, ctx.crash_backoff, probes=ctx.probes.results.verdicts())
        acted = False
        if p.terminal:
            sb = observed.sandbox
            if sb is not None and sb.state == RUNNING and not observed.running():
                await ctx.runtime.stop_sandbox(sb.id)
        else:
            for info, why in p.kill:
                await self._kill(pod, info.id, info.name, why)
                acted = True
            need_sandbox = observed.sandbox is None or observed.sandbox.state != RUNNING
            if need_sandbox or p.start:
                async with ctx.start_slots:
                    if need_sandbox:
                        if not await self._new_sandbox(observed):
                            return await self._report(observed, p, ctx.config_retry)
                        observed = await self.observe()
                        verdicts = ctx.probes.results.verdicts()
                        p = plan(pod, observed, ctx.crash_backoff, probes=verdicts)
                    for s in p.start:
                        await self._start(s, observed)
                acted = True
        if acted:
            observed = await self.prune(await self.observe())
            p = plan(pod, observed, ctx.crash_backoff, probes=ctx.probes.results.verdicts())
            if any(s.container.name not in self.start_errors for s in p.start):
                p.wake(0.05)  # e.g. the next init container: go on at once
        wake = p.wake_in
        if self.start_errors:
            wake = min(wake if wake is not None else 60.0, self._retry_in())
        return await self._report(observed, p, wake)

    async def prune(self, observed: Observed) -> Observed:
        """Remove exited attempts older than the two newest of each container.

        Kubernetes keeps the latest dead container per (pod, container) so that
        `logs --previous` and lastState work; older attempts (a crash-looping pod makes
        one per restart) are removed. Returns what is left.
        """
        kept: dict[str, list[ContainerInfo]] = {}
        for name, attempts in observed.containers.items():
            old, newest = attempts[:-KEEP_ATTEMPTS], attempts[-KEEP_ATTEMPTS:]
            keep = [a for a in old if a.state != EXITED]
            for a in old:
                if a.state == EXITED:
                    await self.ctx.runtime.remove_container(a.id)
                    self.ctx.probes.results.forget(a.id)
                    log.info(
                        "removed dead container pod=%s container=%s restarts=%d id=%s",
                        self.pod.key,
                        name,
                        a.restart_count,
                        a.id[:12],
                    )
            kept[name] = [*keep, *newest]
        return Observed(observed.sandbox, kept)

    async def _report(self, observed: Observed, p: Plan, wake: float | None) -> float | None:
        ctx = self.ctx
        self.last_plan = p
        for name, (reason, _) in p.waiting.items():
            if reason == CRASH_LOOP:
                ctx.recorder.warning(
                    self.pod,
                    "BackOff",
                    f"Back-off restarting failed container {name} in pod {self.pod.metadata.name}",
                )
        ctx.probes.sync(self.pod, observed)
        waiting = {**p.waiting, **self.start_errors}
        p.waiting = waiting
        status = compute(
            self.pod,
            observed,
            p,
            ctx.probes.results.state(),
            runtime=ctx.runtime.name,
            host_ip=ctx.host_ip,
            now=ctx.clock(),
        )
        await ctx.write_status(self.pod, status)
        return wake

    def _retry_in(self) -> float:
        """When to try failed starts again: at the end of an image back-off, or soon."""
        waits = [self.ctx.config_retry, *(w + 0.05 for w in self.images.retry_waits())]
        if any(r == "ErrImagePull" for r, _ in self.start_errors.values()):
            waits.append(1.0)  # show ImagePullBackOff once the failure has been seen
        return max(0.05, min(waits))

    # ---- actions ----------------------------------------------------------------------
    async def _new_sandbox(self, observed: Observed) -> bool:
        pod, ctx = self.pod, self.ctx
        for c in observed.running():  # containers of a dead sandbox cannot keep running
            await ctx.runtime.stop_container(c.id, timeout=2)
        old = observed.sandbox
        if old is not None:
            await ctx.runtime.remove_sandbox(old.id)
        try:
            await ctx.volumes.setup(pod)
        except RuntimeError_ as e:
            self._all_waiting(e.reason, e.message)
            ctx.recorder.warning(pod, "FailedMount", e.message)
            return False
        await ctx.ensure_network()
        sb = await ctx.runtime.run_sandbox(sandbox_config(pod))
        log.info("sandbox started pod=%s id=%s ip=%s", pod.key, sb.id[:12], sb.ip)
        return True

    def _all_waiting(self, reason: str, message: str) -> None:
        for c in [*(self.pod.spec.init_containers or []), *(self.pod.spec.containers or [])]:
            self.start_errors[c.name] = (reason, message)

    async def _start(self, s: Start, observed: Observed) -> None:
        pod, ctx, c = self.pod, self.ctx, s.container
        sandbox = observed.sandbox
        assert sandbox is not None
        if s.backoff_key:
            ctx.crash_backoff.next(s.backoff_key)
        try:
            await self.images.ensure(pod, c, ctx.recorder)
            await ctx.volumes.setup(pod)  # refreshes configMap and secret files too
            env = await build_env(pod, c, ctx.objects, pod_ip=sandbox.ip, host_ip=ctx.host_ip)
            mounts = ctx.volumes.mounts(pod, c)
        except RuntimeError_ as e:
            if self.start_errors.get(c.name) != (e.reason, e.message):
                log.info(
                    "container cannot start pod=%s container=%s reason=%s msg=%s",
                    pod.key,
                    c.name,
                    e.reason,
                    e.message,
                )
            self.start_errors[c.name] = (e.reason, e.message)
            return
        config = container_config(pod, s, env, mounts)
        try:
            info = await ctx.runtime.start_container(sandbox.id, config)
        except RuntimeError_ as e:
            self.start_errors[c.name] = (e.reason, e.message)
            ctx.recorder.warning(pod, "Failed", f"Error: {e.message}")
            return
        except Exception as e:  # the runtime refused the container (bad image config...)
            self.start_errors[c.name] = ("CreateContainerError", str(e))
            ctx.recorder.warning(pod, "Failed", f"Error: {e}")
            return
        self.start_errors.pop(c.name, None)
        ctx.recorder.normal(pod, "Created", f"Created container {c.name}")
        ctx.recorder.normal(pod, "Started", f"Started container {c.name}")
        log.info(
            "container started pod=%s container=%s restarts=%d id=%s",
            pod.key,
            c.name,
            s.restart_count,
            info.id[:12],
        )
        hook = c.lifecycle.post_start if c.lifecycle else None
        if hook is not None:
            outcome = await self.run_hook(hook, c, info.id, sandbox.ip, timeout=30)
            if not outcome:
                ctx.recorder.warning(
                    pod, "FailedPostStartHook", f"PostStartHook failed for {c.name}"
                )
                await ctx.runtime.stop_container(info.id, timeout=grace_seconds(pod))

    async def run_hook(
        self, hook: LifecycleHandler, c: Container, cid: str, pod_ip: str, *, timeout: float
    ) -> bool:
        if hook.sleep is not None:
            await asyncio.sleep(min(timeout, max(0, hook.sleep.seconds)))
            return True
        outcome = await self.ctx.prober.run(
            container=c,
            container_id=cid,
            pod_ip=pod_ip,
            timeout=max(0.1, timeout),
            exec_=hook.exec,
            http_get=hook.http_get,
            tcp_socket=hook.tcp_socket,
        )
        if not outcome.ok:
            log.info(
                "hook failed pod=%s container=%s msg=%s", self.pod.key, c.name, outcome.message
            )
        return outcome.ok

    def _spec(self, name: str) -> Container | None:
        for c in [*(self.pod.spec.containers or []), *(self.pod.spec.init_containers or [])]:
            if c.name == name:
                return c
        return None

    async def _kill(
        self,
        pod: Pod,
        cid: str,
        name: str,
        why: str,
        *,
        grace: float | None = None,
        pod_ip: str = "",
    ) -> None:
        ctx = self.ctx
        grace = grace_seconds(pod) if grace is None else grace
        deadline = ctx.clock() + grace
        c = self._spec(name)
        hook = c.lifecycle.pre_stop if c is not None and c.lifecycle else None
        if why:
            ctx.recorder.normal(pod, "Killing", f"Stopping container {name}: {why}")
            log.info("killing container pod=%s container=%s why=%s", pod.key, name, why)
        if hook is not None and c is not None and grace > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.run_hook(hook, c, cid, pod_ip, timeout=grace), grace)
        stop_signal = (c.lifecycle.stop_signal if c is not None and c.lifecycle else None) or ""
        left = max(0.0, deadline - ctx.clock())
        await ctx.runtime.stop_container(cid, timeout=left, signal=stop_signal)
        ctx.probes.results.forget(cid)

    # ---- termination ------------------------------------------------------------------
    async def terminate(self) -> None:
        pod, ctx = self.pod, self.ctx
        observed = await self.observe()
        grace = grace_seconds(pod)
        pod_ip = observed.sandbox.ip if observed.sandbox else ""
        running = observed.running()
        log.info("terminating pod=%s grace=%s running=%d", pod.key, grace, len(running))
        await asyncio.gather(
            *(self._kill(pod, c.id, c.name, "", grace=grace, pod_ip=pod_ip) for c in running)
        )
        await self.cleanup(observed)
        if not self.gone:
            await ctx.delete_pod(pod)
        log.info("pod terminated pod=%s", pod.key)

    async def cleanup(self, observed: Observed | None = None) -> None:
        ctx = self.ctx
        observed = observed or await self.observe()
        sandboxes = await ctx.runtime.list_sandboxes(pod_uid=self.uid)
        for sb in sandboxes:
            await ctx.runtime.stop_sandbox(sb.id)
        for attempts in observed.containers.values():
            for c in attempts:
                await ctx.runtime.remove_container(c.id)
        for sb in sandboxes:
            await ctx.runtime.remove_sandbox(sb.id)
        await ctx.volumes.cleanup(self.uid)
        ctx.probes.forget_pod(self.uid)
        ctx.crash_backoff.forget(f"{self.uid}/")
        ctx.image_backoff.forget(f"{self.uid}/")
