"""The Deployment controller: one ReplicaSet per pod template, rolled by strategy.

reconcile(ns/name) follows Kubernetes' syncDeployment: claim ReplicaSets; a paused
Deployment or a pure scaling change only rescales (proportionally during a rollout) and
cleans up; otherwise the strategy runs: RollingUpdate scales the new ReplicaSet up within
maxSurge and old ones down within maxUnavailable, Recreate scales old ones to zero, waits
for their pods to go, then scales the new one up. Every pass ends by writing the status
and the Progressing / Available conditions `kubectl rollout status` reads.
The ReplicaSet bookkeeping (revisions, annotations, creation) is in deployment_rs.py,
the status and conditions in deployment_status.py.
"""

from __future__ import annotations

import logging
from typing import Any

from controller_manager import deployutil as du
from controller_manager.base import Api, Controller
from controller_manager.deployment_rs import ReplicaSets
from controller_manager.deployment_status import DeploymentStatuses
from controller_manager.ownership import claim
from controller_manager.podutil import selector_of
from machinery.api import Deployment, Pod, ReplicaSet
from machinery.informer import SharedInformerFactory

log = logging.getLogger(__name__)


class DeploymentController(Controller):
    name = "deployment"

    def __init__(self, api: Api, informers: SharedInformerFactory, **kw: Any) -> None:
        super().__init__(api, informers, **kw)
        self.deployments = informers.informer(Deployment)
        self.replicasets = informers.informer(ReplicaSet)
        self.pods = informers.informer(Pod)
        self.deployments.add_handlers(
            on_add=self.enqueue,
            on_update=lambda old, new: self.enqueue(new),
            on_delete=self.enqueue,
        )
        self.replicasets.add_handlers(
            on_add=self._rs_event,
            on_update=self._rs_updated,
            on_delete=self._rs_event,
        )
        self.pods.add_handlers(on_delete=self._pod_deleted)
        self.rs = ReplicaSets(self)
        self.status = DeploymentStatuses(self)

    # ---- handlers -----------------------------------------------------------------------
    def _owner_key(self, rs: ReplicaSet) -> str | None:
        ref = rs.metadata.controller_ref()
        if ref is None or ref.kind != "Deployment":
            return None
        d = self.deployments.cache.get_by(rs.metadata.namespace, ref.name)
        return d.key if d is not None and d.metadata.uid == ref.uid else None

    def _rs_event(self, rs: ReplicaSet) -> None:
        key = self._owner_key(rs)
        if key is not None:
            self.queue.add(key)
        elif rs.metadata.controller_ref() is None:
            for d in self.deployments.cache.by_index("namespace", rs.metadata.namespace or ""):
                if selector_of(d.spec.selector).matches(rs.metadata.labels):
                    self.queue.add(d.key)

    def _rs_updated(self, old: ReplicaSet, new: ReplicaSet) -> None:
        self._rs_event(old)
        self._rs_event(new)

    def _pod_deleted(self, pod: Pod) -> None:
        """Recreate waits for old pods to be gone: a pod going away may unblock it."""
        ref = pod.metadata.controller_ref()
        if ref is None or ref.kind != "ReplicaSet":
            return
        rs = self.replicasets.cache.get_by(pod.metadata.namespace, ref.name)
        if rs is not None:
            key = self._owner_key(rs)
            d = self.deployments.cache.get(key) if key else None
            if d is not None and not du.is_rolling(d):
                self.queue.add(d.key)

    # ---- reconcile ----------------------------------------------------------------------
    async def reconcile(self, key: str) -> None:
        with self.rs.per_reconcile():
            await self._reconcile(key)

    async def _reconcile(self, key: str) -> None:
        d = self.deployments.cache.get(key)
        if d is None:
            return
        selector = selector_of(d.spec.selector)
        if selector.empty:
            self.recorder.warning(d, "SelectingAll", "This deployment is selecting all pods.")
            return
        ns = d.metadata.namespace or ""
        rs_list = await claim(
            self.api, d, self.replicasets.cache.by_index("namespace", ns), selector
        )
        if d.metadata.deletion_timestamp:
            new_rs, old = self.rs.split(d, rs_list)
            await self.status.sync(d, new_rs, old)
            return
        if await self._paused_conditions(d):
            return
        if d.spec.paused or self._is_scaling_event(d, rs_list):
            await self._sync(d, rs_list)
        elif du.is_rolling(d):
            await self._rollout_rolling(d, rs_list)
        else:
            await self._rollout_recreate(d, rs_list)

    async def _paused_conditions(self, d: Deployment) -> bool:
        """Progressing Unknown while paused (DeploymentPaused), DeploymentResumed after."""
        if not du.has_progress_deadline(d):
            return False
        conds = [c.model_copy() for c in d.status.conditions or []]
        cond = du.condition(conds, "Progressing")
        if cond is not None and cond.reason == du.TIMED_OUT:
            return False
        paused_now = cond is not None and cond.reason == du.PAUSED
        now = self.clock()
        if d.spec.paused and not paused_now:
            du.set_condition(
                conds,
                du.new_condition("Progressing", "Unknown", du.PAUSED, "Deployment is paused", now),
            )
        elif not d.spec.paused and paused_now:
            du.set_condition(
                conds,
                du.new_condition(
                    "Progressing", "Unknown", du.RESUMED, "Deployment is resumed", now
                ),
            )
        else:
            return False
        new = d.clone()
        new.status.conditions = conds
        await self.api.update_status(new)
        return True

    def _is_scaling_event(self, d: Deployment, rs_list: list[ReplicaSet]) -> bool:
        new_rs, old = self.rs.split(d, rs_list)
        for rs in [r for r in [new_rs, *old] if r is not None and du.rs_replicas(r) > 0]:
            desired = (rs.metadata.annotations or {}).get(du.DESIRED_REPLICAS)
            if desired is not None and desired.isdigit() and int(desired) != du.replicas(d):
                return True
        return False

    # ---- sync: scaling and paused -------------------------------------------------------
    async def _sync(self, d: Deployment, rs_list: list[ReplicaSet]) -> None:
        new_rs, old, d = await self.rs.get_all(d, rs_list, create=False)
        await self.rs.scale(d, new_rs, old)
        if d.spec.paused:
            await self.rs.cleanup(d, old)
        new_rs, old = self.rs.split(d, self._current(d, rs_list))
        await self.status.sync(d, new_rs, old)

    def _current(self, d: Deployment, rs_list: list[ReplicaSet]) -> list[ReplicaSet]:
        """The claimed ReplicaSets as the cache has them now (after our writes)."""
        out = []
        for rs in rs_list:
            fresh = self.replicasets.cache.get(rs.key)
            out.append(fresh if fresh is not None and fresh.metadata.uid == rs.metadata.uid else rs)
        return out

    def active_pods(self, rs: ReplicaSet) -> int:
        """Pods of rs that exist and are not terminating, as the pod cache sees them."""
        return sum(
            1
            for p in self.pods.cache.by_index("owner", rs.metadata.uid or "")
            if not p.metadata.deletion_timestamp and p.status.phase not in ("Succeeded", "Failed")
        )

    # ---- RollingUpdate ------------------------------------------------------------------
    async def _rollout_rolling(self, d: Deployment, rs_list: list[ReplicaSet]) -> None:
        new_rs, old, d = await self.rs.get_all(d, rs_list, create=True)
        assert new_rs is not None
        all_rs = [new_rs, *old]
        if await self._reconcile_new(d, all_rs, new_rs):
            await self.status.sync_rollout(d, new_rs, old)
            return
        if await self._reconcile_old(d, all_rs, old, new_rs):
            await self.status.sync_rollout(d, new_rs, old)
            return
        if self.status.complete(d, self.status.calculate(d, new_rs, old)):
            await self.rs.cleanup(d, old)
        await self.status.sync_rollout(d, new_rs, old)

    async def _reconcile_new(
        self, d: Deployment, all_rs: list[ReplicaSet], new_rs: ReplicaSet
    ) -> bool:
        want = du.replicas(d)
        have = du.rs_replicas(new_rs)
        if have == want:
            return False
        if have > want:
            return await self.rs.scale_rs(new_rs, want, d)
        return await self.rs.scale_rs(new_rs, self.rs.new_rs_replicas(d, all_rs, new_rs), d)

    async def _reconcile_old(
        self, d: Deployment, all_rs: list[ReplicaSet], old: list[ReplicaSet], new_rs: ReplicaSet
    ) -> bool:
        old_pods = sum(du.rs_replicas(r) for r in old)
        if old_pods == 0:
            return False
        all_pods = sum(du.rs_replicas(r) for r in all_rs)
        min_available = du.replicas(d) - du.max_unavailable(d)
        new_unavailable = du.rs_replicas(new_rs) - du.available(new_rs)
        max_scaled_down = all_pods - min_available - new_unavailable
        if max_scaled_down <= 0:
            return False
        # First scale down old ReplicaSets' unhealthy replicas (they do not count anyway).
        cleaned = 0
        survivors: list[ReplicaSet] = []
        for rs in sorted(old, key=du.creation_key):
            if cleaned >= max_scaled_down or du.rs_replicas(rs) == 0:
                survivors.append(rs)
                continue
            unhealthy = du.rs_replicas(rs) - du.available(rs)
            if unhealthy <= 0:
                survivors.append(rs)
                continue
            n = min(max_scaled_down - cleaned, unhealthy)
            target = du.rs_replicas(rs) - n
            await self.rs.scale_rs(rs, target, d)
            cleaned += n
            survivors.append(self.rs.latest(rs))
        # Then scale down healthy ones while keeping minAvailable.
        available = sum(du.available(r) for r in [new_rs, *survivors])
        scaled = 0
        if available > min_available:
            budget = available - min_available
            for rs in sorted(survivors, key=du.creation_key):
                if scaled >= budget:
                    break
                if du.rs_replicas(rs) == 0:
                    continue
                n = min(du.rs_replicas(rs), budget - scaled)
                await self.rs.scale_rs(rs, du.rs_replicas(rs) - n, d)
                scaled += n
        return cleaned + scaled > 0

    # ---- Recreate -----------------------------------------------------------------------
    async def _rollout_recreate(self, d: Deployment, rs_list: list[ReplicaSet]) -> None:
        new_rs, old, d = await self.rs.get_all(d, rs_list, create=False)
        scaled = False
        for rs in old:
            if du.rs_replicas(rs) > 0:
                scaled = await self.rs.scale_rs(rs, 0, d) or scaled
        if scaled:
            await self.status.sync_rollout(d, new_rs, old)
            return
        if self._old_pods_running(d, old):
            await self.status.sync_rollout(d, new_rs, old)
            return
        if new_rs is None:
            new_rs, old, d = await self.rs.get_all(d, rs_list, create=True)
        assert new_rs is not None
        if du.rs_replicas(new_rs) != du.replicas(d):
            await self.rs.scale_rs(new_rs, du.replicas(d), d)
            await self.status.sync_rollout(d, new_rs, old)
            return
        if self.status.complete(d, self.status.calculate(d, new_rs, old)):
            await self.rs.cleanup(d, old)
        await self.status.sync_rollout(d, new_rs, old)

    def _old_pods_running(self, d: Deployment, old: list[ReplicaSet]) -> bool:
        if any((rs.status.replicas or 0) > 0 for rs in old):
            return True
        uids = {rs.metadata.uid for rs in old}
        for pod in self.pods.cache.by_index("namespace", d.metadata.namespace or ""):
            ref = pod.metadata.controller_ref()
            if (
                ref is not None
                and ref.uid in uids
                and pod.status.phase
                not in (
                    "Succeeded",
                    "Failed",
                )
            ):
                return True
        return False
