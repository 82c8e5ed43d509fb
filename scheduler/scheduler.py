"""The scheduler: informers feed the cache and the queue; one loop makes the decisions.

Informers run on every replica (a standby keeps warm caches); only the leader pops pods
and binds them. Decisions are sequential (each sees the previous one's assumed pod);
the API calls they lead to are concurrent (see binder.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from machinery.api import Node, Pod
from machinery.client import Client
from machinery.events import EventRecorder
from machinery.informer import SharedInformerFactory
from scheduler import messages, metrics, preemption
from scheduler.algorithm import Algorithm, Result
from scheduler.binder import Binder
from scheduler.cache import SchedulerCache
from scheduler.podinfo import PodInfo, pod_info, responsible_for
from scheduler.queue import QueueClosed, QueuedPod, SchedulingQueue

log = logging.getLogger(__name__)

# Non-terminal pods: the pending ones are to be placed, the bound ones use node room.
POD_SELECTOR = "status.phase!=Succeeded,status.phase!=Failed"


class Scheduler:
    def __init__(
        self,
        client: Client,
        *,
        recorder: EventRecorder | None = None,
        parallel_binds: int = 64,
        percentage_of_nodes_to_score: int = 0,
        initial_backoff: float = 1.0,
        max_backoff: float = 10.0,
        may_act: Callable[[], bool] = lambda: True,
    ) -> None:
        self.client = client
        self.cache = SchedulerCache()
        self.queue = SchedulingQueue(initial_backoff=initial_backoff, max_backoff=max_backoff)
        self.algorithm = Algorithm(
            self.cache, percentage_of_nodes_to_score=percentage_of_nodes_to_score
        )
        self.recorder = recorder or EventRecorder(client, component="default-scheduler")
        self.may_act = may_act
        self.binder = Binder(
            client, self.cache, self.queue, self.recorder, parallel=parallel_binds, may_act=may_act
        )
        self.factory = SharedInformerFactory(client)
        self.pods = self.factory.informer(Pod, field_selector=POD_SELECTOR)
        self.nodes = self.factory.informer(Node)
        self.pods.add_handlers(self.on_pod_add, self.on_pod_update, self.on_pod_delete)
        self.nodes.add_handlers(self.on_node_add, self.on_node_update, self.on_node_delete)

    # ---- lifecycle --------------------------------------------------------------------
    def start(self) -> None:
        self.recorder.start()
        self.factory.start()

    def synced(self) -> bool:
        return self.factory.has_synced

    async def stop(self) -> None:
        self.queue.close()
        await self.binder.cancel()
        await self.factory.stop()
        await self.recorder.stop()

    async def run(self) -> None:
        """Schedule until cancelled (call only while leading)."""
        await self.factory.wait_synced()
        log.info("scheduling nodes=%d pending=%s", len(self.cache.nodes()), self.queue.counts())
        cleanup_at = time.monotonic() + 1.0
        while True:
            try:
                qp = await self.queue.pop()
            except QueueClosed:
                return
            if not self.may_act():
                self.queue.retry(qp)
                await asyncio.sleep(0.1)
                continue
            try:
                self.schedule_one(qp)
            except Exception:
                log.exception("scheduling failed pod=%s", qp.key)
                metrics.ATTEMPTS.labels("error").inc()
                self.queue.unschedulable(qp, backoff_only=True)
            if time.monotonic() >= cleanup_at:
                cleanup_at = time.monotonic() + 1.0
                if self.cache.cleanup_assumed():
                    self.queue.move_all()
            await asyncio.sleep(0)  # let watch events and binds in between decisions

    # ---- one decision -----------------------------------------------------------------
    def schedule_one(self, qp: QueuedPod) -> None:
        key = qp.key
        pod = self.pods.cache.get(key)
        if pod is None or not responsible_for(pod) or pod.metadata.deletion_timestamp:
            self.queue.done(key)
            return
        if self.cache.pod_node(key) is not None:  # assumed, binding in flight
            self.queue.done(key)
            return
        if pod.metadata.resource_version != qp.info.pod.metadata.resource_version:
            qp.info = pod_info(pod)
        info = qp.info
        start = time.perf_counter()
        result = self.algorithm.schedule(info)
        if result.node:
            self.cache.assume(info, result.node)
            self.queue.done(key)
            metrics.ATTEMPTS.labels("scheduled").inc()
            metrics.ATTEMPT_SECONDS.labels("scheduled").observe(time.perf_counter() - start)
            self.binder.bind(qp, result.node)
            return
        self._unschedulable(qp, info, result)
        metrics.ATTEMPTS.labels("unschedulable").inc()
        metrics.ATTEMPT_SECONDS.labels("unschedulable").observe(time.perf_counter() - start)

    def _unschedulable(self, qp: QueuedPod, info: PodInfo, result: Result) -> None:
        nominate = ""
        if result.num_nodes == 0:
            message = messages.NO_NODES
        else:
            reasons = {name: f.reasons for name, f in result.failures.items()}
            message = messages.fit_error(result.num_nodes, reasons)
            outcome = preemption.preempt(info, self.cache, result.failures)
            message = messages.with_post_filter(message, outcome.message)
            if outcome.candidate is not None:
                nominate = outcome.candidate.node
                self.cache.set_nominated(info, nominate)
                self.binder.preempt(info, nominate, outcome.candidate.victims)
        log.info("unschedulable pod=%s message=%r", info.key, message)
        self.binder.report_unschedulable(info, message, nominate=nominate)
        self.queue.unschedulable(qp)

    # ---- informer handlers (they only update the cache and the queue) -----------------
    def on_pod_add(self, pod: Pod) -> None:
        if pod.spec.node_name:
            self.cache.add_pod(pod_info(pod))
            self.queue.delete(pod.key)
        elif responsible_for(pod):
            info = pod_info(pod)
            self._track_nomination(info)
            self.queue.add(info)

    def on_pod_update(self, old: Pod, new: Pod) -> None:
        if new.spec.node_name:
            self.cache.add_pod(pod_info(new))
            self.queue.delete(new.key)
            if old.spec.node_name and old.metadata.labels != new.metadata.labels:
                self.queue.move_all()  # may change pod (anti-)affinity verdicts
            return
        if not responsible_for(new):
            self.queue.delete(new.key)
            return
        info = pod_info(new)
        self._track_nomination(info)
        changed = old.spec != new.spec or old.metadata.labels != new.metadata.labels
        self.queue.update(info, may_fit_now=changed)

    def on_pod_delete(self, pod: Pod) -> None:
        self.cache.remove_nominated(pod.key)
        self.queue.delete(pod.key)
        if self.cache.pod_node(pod.key) is not None:
            self.cache.remove_pod(pod.key)
            self.queue.move_all()  # its room is free now

    def _track_nomination(self, info: PodInfo) -> None:
        if self.cache.pod_node(info.key) is not None:
            return
        if info.nominated_node:
            self.cache.set_nominated(info, info.nominated_node)
        else:
            self.cache.remove_nominated(info.key)

    def on_node_add(self, node: Node) -> None:
        self.cache.add_node(node)
        self.queue.move_all()

    def on_node_update(self, old: Node, new: Node) -> None:
        self.cache.add_node(new)
        if _may_fit_more(old, new):
            self.queue.move_all()

    def on_node_delete(self, node: Node) -> None:
        self.cache.remove_node(node.metadata.name)


def _ready(node: Node) -> str:
    c = node.condition("Ready")
    return c.status if c is not None else ""


def _may_fit_more(old: Node, new: Node) -> bool:
    """A node change that scheduling cares about (heartbeats alone are not one)."""
    return (
        old.spec != new.spec
        or old.metadata.labels != new.metadata.labels
        or old.status.allocatable != new.status.allocatable
        or _ready(old) != _ready(new)
    )
