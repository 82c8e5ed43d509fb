"""Node lifecycle: notice silent nodes, taint them, evict what does not tolerate it.

reconcile(node), run on every Node/Lease change and every --node-monitor-period:
- a node is heard from when its Lease in kube-node-lease is renewed or its Ready
  heartbeat changes (timed on our own clock); silent for --node-monitor-grace-period
  (--node-startup-grace-period before it was ever Ready), its conditions become Unknown
  (reason NodeStatusUnknown, "Kubelet stopped posting node status.") and its pods are
  marked not Ready;
- Ready False / Unknown give the node the not-ready / unreachable taints, both NoSchedule
  and NoExecute (removed again when it is Ready);
- pods on a node with NoExecute taints they do not tolerate are deleted at once, and those
  tolerating them for tolerationSeconds are deleted when that time has passed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from controller_manager.base import Api, Controller
from controller_manager.podutil import is_active
from machinery.api import Lease, Node, NodeCondition, Pod, Taint, Toleration
from machinery.errors import Conflict, NotFound
from machinery.informer import SharedInformerFactory
from machinery.timeutil import format_time, parse_time

log = logging.getLogger(__name__)

NOT_READY = "node.kubernetes.io/not-ready"
UNREACHABLE = "node.kubernetes.io/unreachable"
MANAGED = (NOT_READY, UNREACHABLE)
LEASE_NAMESPACE = "kube-node-lease"


@dataclass
class Health:
    heard_at: float  # monotonic
    lease_renew: str
    heartbeat: str


def tolerates(tol: Toleration, taint: Taint) -> bool:
    if tol.effect and tol.effect != taint.effect:
        return False
    if tol.operator == "Exists":
        return not tol.key or tol.key == taint.key
    return tol.key == taint.key and (tol.value or "") == (taint.value or "")


def eviction_delay(pod: Pod, taint: Taint) -> float | None:
    """Seconds after the taint's timeAdded to evict the pod (0 now), None for never.

    Like Kubernetes: an untolerated taint evicts at once; otherwise the shortest
    tolerationSeconds among the matching tolerations counts, and only a taint whose
    matching tolerations are all unbounded is tolerated forever.
    """
    matching = [t for t in pod.spec.tolerations or [] if tolerates(t, taint)]
    if not matching:
        return 0.0
    bounded = [t.toleration_seconds for t in matching if t.toleration_seconds is not None]
    if not bounded:
        return None
    return float(max(min(bounded), 0))


def eviction_due(pod: Pod, taints: list[Taint], now: datetime) -> datetime | None:
    """When the pod must go: the earliest timeAdded + delay over the NoExecute taints."""
    due: datetime | None = None
    for taint in taints:
        delay = eviction_delay(pod, taint)
        if delay is None:
            continue
        added = parse_time(taint.time_added) if taint.time_added else now
        at = added + timedelta(seconds=delay)
        due = at if due is None else min(due, at)
    return due


class NodeLifecycleController(Controller):
    name = "nodelifecycle"

    def __init__(
        self,
        api: Api,
        informers: SharedInformerFactory,
        *,
        monitor_period: float = 5.0,
        grace_period: float = 40.0,
        startup_grace_period: float = 60.0,
        monotonic: Any = time.monotonic,
        **kw: Any,
    ) -> None:
        kw.setdefault("workers", 4)
        super().__init__(api, informers, **kw)
        self.monitor_period = monitor_period
        self.grace_period = grace_period
        self.startup_grace_period = startup_grace_period
        self.monotonic = monotonic
        self.health: dict[str, Health] = {}
        self.nodes = informers.informer(Node)
        self.leases = informers.informer(Lease, namespace=LEASE_NAMESPACE)
        self.pods = informers.informer(Pod)
        self.nodes.add_handlers(
            on_add=self.enqueue,
            on_update=lambda old, new: self.enqueue(new),
            on_delete=self._node_deleted,
        )
        self.leases.add_handlers(on_add=self._lease, on_update=lambda old, new: self._lease(new))
        self.pods.add_handlers(on_add=self._pod, on_update=lambda old, new: self._pod(new))

    def _node_deleted(self, node: Node) -> None:
        self.health.pop(node.metadata.name, None)

    def _lease(self, lease: Lease) -> None:
        self.queue.add(lease.metadata.name)

    def _pod(self, pod: Pod) -> None:
        node = self.nodes.cache.get(pod.spec.node_name or "") if pod.spec.node_name else None
        if node is not None and any(t.key in MANAGED for t in node.spec.taints or []):
            self.queue.add(node.metadata.name)

    async def start(self) -> None:
        """Look at every node each monitor period (silence produces no events)."""
        while not self.queue.shutting_down:
            for key in self.nodes.cache.key_list():
                self.queue.add(key)
            await asyncio.sleep(self.monitor_period)

    # ---- health ---------------------------------------------------------------------------
    def _observe(self, node: Node) -> Health:
        name = node.metadata.name
        lease = self.leases.cache.get_by(LEASE_NAMESPACE, name)
        renew = (lease.spec.renew_time or "") if lease is not None else ""
        ready = node.condition("Ready")
        beat = (ready.last_heartbeat_time or "") if ready is not None else ""
        h = self.health.get(name)
        now = self.monotonic()
        if h is None:
            h = self.health[name] = Health(now, renew, beat)
        elif renew != h.lease_renew or beat != h.heartbeat:
            h.heard_at, h.lease_renew, h.heartbeat = now, renew, beat
        return h

    async def reconcile(self, key: str) -> None:
        node = self.nodes.cache.get(key)
        if node is None:
            self.health.pop(key, None)
            return
        h = self._observe(node)
        ready = node.condition("Ready")
        grace = self.grace_period if ready is not None else self.startup_grace_period
        silent = self.monotonic() - h.heard_at > grace
        if silent and (ready is None or ready.status != "Unknown"):
            await self._mark_unknown(node)
            return  # the watch brings the node back with Unknown conditions
        status = ready.status if ready is not None else "Unknown"
        if status != "True" and (ready is not None or silent):
            await self._mark_pods_not_ready(key)
        if await self._sync_taints(node, status if (ready is not None or silent) else "True"):
            return
        await self._evict(node)

    async def _mark_unknown(self, node: Node) -> None:
        now = format_time(self.clock())
        new = node.clone()
        conds = list(new.status.conditions or [])
        if not any(c.type == "Ready" for c in conds):
            conds.append(
                NodeCondition(
                    type="Ready",
                    status="Unknown",
                    reason="NodeStatusNeverUpdated",
                    message="Kubelet never posted node status.",
                    last_transition_time=now,
                )
            )
        for c in conds:
            if c.status != "Unknown":
                c.status = "Unknown"
                c.reason = "NodeStatusUnknown"
                c.message = "Kubelet stopped posting node status."
                c.last_transition_time = now
        new.status.conditions = conds
        log.warning("node is silent, marking it Unknown node=%s", node.metadata.name)
        try:
            await self.api.update_status(new)
        except NotFound:
            return
        self.recorder.normal(
            node, "NodeNotReady", f"Node {node.metadata.name} status is now: NodeNotReady"
        )

    async def _mark_pods_not_ready(self, node_name: str) -> None:
        now = format_time(self.clock())
        for pod in self.pods.cache.by_index("node", node_name):
            if not pod.is_ready() or not is_active(pod):
                continue
            new = pod.clone()
            for c in new.status.conditions or []:
                if c.type == "Ready":
                    c.status = "False"
                    c.last_transition_time = now
                    c.reason = "NodeNotReady"
            for cs in new.status.container_statuses or []:
                cs.ready = False
            try:
                await self.api.update_status(new)
            except (NotFound, Conflict):
                continue

    async def _sync_taints(self, node: Node, ready: str) -> bool:
        """Make the managed taints match the Ready status; True when the node was written."""
        key = {"False": NOT_READY, "Unknown": UNREACHABLE}.get(ready)
        wanted = {(key, "NoSchedule"), (key, "NoExecute")} if key else set()
        taints = node.spec.taints or []
        have = {(t.key, t.effect) for t in taints if t.key in MANAGED}
        if have == wanted:
            return False
        now = format_time(self.clock())
        keep = [t for t in taints if t.key not in MANAGED or (t.key, t.effect) in wanted]
        for k, effect in sorted(wanted - have):
            keep.append(Taint(key=k, effect=effect, time_added=now))
        new = node.clone()
        new.spec.taints = keep
        log.info("node taints node=%s taints=%s", node.metadata.name, sorted(wanted))
        try:
            await self.api.update(new)
        except NotFound:
            return True
        return True

    async def _evict(self, node: Node) -> None:
        taints = [t for t in node.spec.taints or [] if t.effect == "NoExecute"]
        if not taints:
            return
        now = self.clock()
        soonest: float | None = None
        for pod in self.pods.cache.by_index("node", node.metadata.name):
            if not is_active(pod):
                continue
            due = eviction_due(pod, taints, now)
            if due is None:
                continue
            if due <= now:
                log.info("evicting pod=%s node=%s", pod.key, node.metadata.name)
                try:
                    await self.api.delete(
                        Pod, pod.metadata.name, pod.metadata.namespace, uid=pod.metadata.uid
                    )
                except (NotFound, Conflict):
                    continue
                self.recorder.normal(
                    pod, "TaintManagerEviction", f"Marking for deletion Pod {pod.key}"
                )
            else:
                left = (due - now).total_seconds()
                soonest = left if soonest is None else min(soonest, left)
        if soonest is not None:
            self.queue.add_after(node.metadata.name, soonest + 0.05)
