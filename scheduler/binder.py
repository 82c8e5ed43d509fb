"""The scheduler's writes to the API: bindings, PodScheduled=False, preemption victims.

Decisions are made one pod at a time on the cache, but their API calls run as tasks
with up to `parallel` in flight, so a slow apiserver round trip never stalls the next
decision. A 409 on bind means someone else bound the pod (or it is being deleted): the
watch will tell us, so it is not retried.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from machinery.api import Pod
from machinery.client import Client
from machinery.errors import Conflict, NotFound, StatusError
from machinery.events import EventRecorder
from machinery.timeutil import now_rfc3339
from scheduler import metrics
from scheduler.cache import SchedulerCache
from scheduler.podinfo import PodInfo
from scheduler.queue import QueuedPod, SchedulingQueue

log = logging.getLogger(__name__)


class Binder:
    def __init__(
        self,
        client: Client,
        cache: SchedulerCache,
        queue: SchedulingQueue,
        recorder: EventRecorder,
        *,
        parallel: int = 64,
        may_act: Callable[[], bool] = lambda: True,
    ) -> None:
        self.client = client
        self.cache = cache
        self.queue = queue
        self.recorder = recorder
        self.may_act = may_act
        self._slots = asyncio.Semaphore(parallel)
        self._tasks: set[asyncio.Task[None]] = set()
        self.binds = 0
        self.conflicts = 0

    def _spawn(self, coro: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def bind(self, qp: QueuedPod, node: str) -> None:
        self._spawn(self._bind(qp, node), f"bind-{qp.key}")

    async def _bind(self, qp: QueuedPod, node: str) -> None:
        info = qp.info
        async with self._slots:
            if not self.may_act():  # leadership lost meanwhile: leave the pod alone
                self.cache.forget(info.key)
                return
            start = time.perf_counter()
            try:
                await self.client.bind(info.namespace, info.name, node)
            except (Conflict, NotFound) as e:
                self.conflicts += 1
                log.info("bind refused, not retried pod=%s node=%s err=%s", info.key, node, e)
                self.cache.forget(info.key)
                return
            except Exception as e:
                log.warning("bind failed pod=%s node=%s err=%s", info.key, node, e)
                metrics.ATTEMPTS.labels("error").inc()
                self.cache.forget(info.key)
                self.queue.retry(qp)
                return
            metrics.BINDING_SECONDS.observe(time.perf_counter() - start)
        self.binds += 1
        self.cache.finish_binding(info.key)
        metrics.POD_SCHEDULING_SECONDS.observe(self.queue.clock() - qp.added)
        log.debug("bound pod=%s node=%s", info.key, node)
        self.recorder.normal(
            info.pod, "Scheduled", f"Successfully assigned {info.namespace}/{info.name} to {node}"
        )

    def report_unschedulable(self, info: PodInfo, message: str, *, nominate: str = "") -> None:
        """FailedScheduling Event, and PodScheduled=False (+ nominatedNodeName) on the pod."""
        self.recorder.warning(info.pod, "FailedScheduling", message)
        cond = next((c for c in info.pod.status.conditions or () if c.type == "PodScheduled"), None)
        same = (
            cond is not None
            and cond.status == "False"
            and cond.reason == "Unschedulable"
            and cond.message == message
        )
        if same and (not nominate or info.nominated_node == nominate):
            return
        status: dict[str, object] = {
            "conditions": [
                {
                    "type": "PodScheduled",
                    "status": "False",
                    "reason": "Unschedulable",
                    "message": message,
                    "lastProbeTime": None,
                    "lastTransitionTime": now_rfc3339(),
                }
            ]
        }
        if nominate:
            status["nominatedNodeName"] = nominate
        self._spawn(self._patch_status(info, status), f"status-{info.key}")

    async def _patch_status(self, info: PodInfo, status: dict[str, object]) -> None:
        if not self.may_act():
            return
        try:
            await self.client.patch(
                Pod,
                info.name,
                {"status": status},
                namespace=info.namespace,
                patch_type="strategic",
                subresource="status",
            )
        except NotFound:
            return
        except StatusError as e:
            log.warning("pod status not updated pod=%s err=%s", info.key, e.message)

    def preempt(self, preemptor: PodInfo, node: str, victims: list[PodInfo]) -> None:
        metrics.PREEMPTION_ATTEMPTS.inc()
        self._spawn(self._preempt(preemptor, node, victims), f"preempt-{preemptor.key}")

    async def _preempt(self, preemptor: PodInfo, node: str, victims: list[PodInfo]) -> None:
        if not self.may_act():
            return
        for v in victims:
            log.info("preempting pod=%s node=%s preemptor=%s", v.key, node, preemptor.key)
            try:
                await self.client.delete(Pod, v.name, v.namespace, uid=v.uid or None)
            except NotFound:
                continue
            except StatusError as e:
                log.warning("victim not deleted pod=%s err=%s", v.key, e.message)
                continue
            metrics.PREEMPTION_VICTIMS.inc()
            self.recorder.normal(
                v.pod, "Preempted", f"Preempted by pod {preemptor.uid} on node {node}"
            )

    async def wait_idle(self, timeout: float) -> None:
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)

    async def cancel(self) -> None:
        for t in list(self._tasks):
            t.cancel()
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=2)
