"""The ReplicaSet controller: keeps `spec.replicas` pods matching the selector alive.

reconcile(ns/name): claim the active pods (adopt matching orphans, release pods whose
labels stopped matching), then, if the expectations from our last writes were met,
create the missing pods in slow-start batches (1, 2, 4, ...) or delete the surplus
(unscheduled, not ready and newest first), and finally write the status (replicas,
fullyLabeledReplicas, readyReplicas, availableReplicas, observedGeneration).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from controller_manager.base import Api, Controller
from controller_manager.expectations import Expectations
from controller_manager.ownership import claim
from controller_manager.podutil import (
    controller_ref,
    deletion_rank,
    is_active,
    ready_since,
    selector_of,
)
from machinery.api import Pod, ReplicaSet
from machinery.errors import NotFound
from machinery.informer import SharedInformerFactory

log = logging.getLogger(__name__)

BURST_REPLICAS = 500


async def slow_start_batch(
    count: int, fn: Callable[[], Awaitable[None]], *, initial: int = 1
) -> int:
    """Call fn count times in doubling concurrent batches; stop at the first failing batch.

    Returns how many calls succeeded (a failure in a batch stops the later batches).
    """
    done = 0
    batch = min(count, initial)
    while batch > 0:
        results = await asyncio.gather(*(fn() for _ in range(batch)), return_exceptions=True)
        ok = sum(1 for r in results if not isinstance(r, BaseException))
        done += ok
        if ok < batch:
            errors = [r for r in results if isinstance(r, BaseException)]
            raise BatchError(done, errors)
        batch = min(2 * batch, count - done)
    return done


class BatchError(Exception):
    def __init__(self, done: int, errors: list[BaseException]) -> None:
        super().__init__(f"{len(errors)} calls failed after {done} succeeded: {errors[0]!r}")
        self.done = done
        self.errors = errors


def pod_from_template(rs: ReplicaSet) -> Pod:
    tmpl = rs.spec.template
    meta = tmpl.metadata
    pod = Pod.model_validate(
        {
            "metadata": {
                "generateName": f"{rs.metadata.name}-",
                "namespace": rs.metadata.namespace,
                "labels": dict(meta.labels or {}) if meta else {},
                "annotations": dict(meta.annotations or {}) if meta else {},
                "ownerReferences": [controller_ref(rs).to_dict()],
            },
            "spec": tmpl.spec.to_dict(),
        }
    )
    if meta and meta.finalizers:
        pod.metadata.finalizers = list(meta.finalizers)
    return pod


class ReplicaSetController(Controller):
    name = "replicaset"

    def __init__(self, api: Api, informers: SharedInformerFactory, **kw: Any) -> None:
        super().__init__(api, informers, **kw)
        self.expectations = Expectations()
        self.replicasets = informers.informer(ReplicaSet)
        self.pods = informers.informer(Pod)
        self.replicasets.add_handlers(
            on_add=self.enqueue,
            on_update=lambda old, new: self.enqueue(new),
            on_delete=self._rs_deleted,
        )
        self.pods.add_handlers(
            on_add=self._pod_added, on_update=self._pod_updated, on_delete=self._pod_deleted
        )

    # ---- handlers: only bookkeeping and keys --------------------------------------------
    def _rs_deleted(self, rs: ReplicaSet) -> None:
        self.expectations.forget(rs.key)
        self.enqueue(rs)

    def _owner_key(self, pod: Pod) -> str | None:
        ref = pod.metadata.controller_ref()
        if ref is None or ref.kind != "ReplicaSet":
            return None
        rs = self.replicasets.cache.get_by(pod.metadata.namespace, ref.name)
        if rs is None or rs.metadata.uid != ref.uid:
            return None
        return rs.key

    def _matching_rs_keys(self, pod: Pod) -> list[str]:
        """Orphans: every ReplicaSet in the namespace whose selector matches may adopt it."""
        out = []
        for rs in self.replicasets.cache.by_index("namespace", pod.metadata.namespace or ""):
            if selector_of(rs.spec.selector).matches(pod.metadata.labels):
                out.append(rs.key)
        return out

    def _pod_added(self, pod: Pod) -> None:
        if pod.metadata.deletion_timestamp:
            self._pod_deleted(pod)
            return
        key = self._owner_key(pod)
        if key is not None:
            self.expectations.creation_observed(key)
            self.queue.add(key)
        elif pod.metadata.controller_ref() is None:
            for k in self._matching_rs_keys(pod):
                self.queue.add(k)

    def _pod_updated(self, old: Pod, new: Pod) -> None:
        if new.metadata.deletion_timestamp and not old.metadata.deletion_timestamp:
            self._pod_deleted(new)
            return
        keys = {self._owner_key(old), self._owner_key(new)}
        if new.metadata.controller_ref() is None:
            keys.update(self._matching_rs_keys(new))
        for k in keys:
            if k is not None:
                self.queue.add(k)

    def _pod_deleted(self, pod: Pod) -> None:
        key = self._owner_key(pod)
        if key is not None:
            self.expectations.deletion_observed(key, pod.key)
            self.queue.add(key)

    # ---- reconcile --------------------------------------------------------------------
    async def reconcile(self, key: str) -> None:
        rs = self.replicasets.cache.get(key)
        if rs is None:
            self.expectations.forget(key)
            return
        needs_sync = self.expectations.satisfied(key)
        selector = selector_of(rs.spec.selector)
        ns = rs.metadata.namespace or ""
        candidates = [p for p in self.pods.cache.by_index("namespace", ns) if is_active(p)]
        pods = await claim(self.api, rs, candidates, selector)
        error: Exception | None = None
        if needs_sync and not rs.metadata.deletion_timestamp:
            try:
                await self._manage_replicas(rs, pods)
            except Exception as e:  # status is still written; the key is retried
                error = e
        counts = self._counts(rs, pods)
        await self._update_status(rs, counts)
        if error is not None:
            raise error
        min_ready = rs.spec.min_ready_seconds or 0
        if min_ready > 0 and counts["readyReplicas"] > counts["availableReplicas"]:
            self.queue.add_after(key, float(min_ready))

    async def _manage_replicas(self, rs: ReplicaSet, pods: list[Pod]) -> None:
        key = rs.key
        diff = len(pods) - (rs.spec.replicas if rs.spec.replicas is not None else 1)
        if diff < 0:
            count = min(-diff, BURST_REPLICAS)
            self.expectations.expect_creations(key, count)
            log.info("creating pods rs=%s count=%d", key, count)

            async def create() -> None:
                try:
                    await self.api.create(pod_from_template(rs))
                except Exception:
                    self.expectations.creation_observed(key)
                    raise

            try:
                await slow_start_batch(count, create)
            except BatchError as e:
                skipped = count - e.done - len(e.errors)
                for _ in range(skipped):  # never attempted: not expected either
                    self.expectations.creation_observed(key)
                self.recorder.warning(rs, "FailedCreate", f"Error creating: {e.errors[0]}")
                raise
            self.recorder.normal(rs, "SuccessfulCreate", f"Created {count} pods")
        elif diff > 0:
            count = min(diff, BURST_REPLICAS)
            victims = sorted(pods, key=deletion_rank)[:count]
            self.expectations.expect_deletions(key, [p.key for p in victims])
            log.info("deleting pods rs=%s count=%d", key, count)

            async def delete(pod: Pod) -> None:
                try:
                    await self.api.delete(
                        Pod, pod.metadata.name, pod.metadata.namespace, uid=pod.metadata.uid
                    )
                except NotFound:
                    self.expectations.deletion_observed(key, pod.key)
                except Exception:
                    self.expectations.deletion_observed(key, pod.key)
                    raise

            results = await asyncio.gather(*(delete(p) for p in victims), return_exceptions=True)
            errors = [r for r in results if isinstance(r, BaseException)]
            for p in victims:
                self.recorder.normal(rs, "SuccessfulDelete", f"Deleted pod: {p.metadata.name}")
            if errors:
                raise errors[0]

    def _counts(self, rs: ReplicaSet, pods: list[Pod]) -> dict[str, int]:
        """The status counters, in one pass over the pods (this runs on every pod event)."""
        now = self.clock()
        min_ready = rs.spec.min_ready_seconds or 0
        tmpl = rs.spec.template.metadata
        tmpl_labels = (tmpl.labels if tmpl else None) or {}
        fully = ready = available = 0
        for p in pods:
            labels = p.metadata.labels or {}
            if all(labels.get(k) == v for k, v in tmpl_labels.items()):
                fully += 1
            since = ready_since(p)
            if since is not None:
                ready += 1
                if min_ready <= 0 or since + timedelta(seconds=min_ready) < now:
                    available += 1
        return {
            "replicas": len(pods),
            "fullyLabeledReplicas": fully,
            "readyReplicas": ready,
            "availableReplicas": available,
            "observedGeneration": rs.metadata.generation or 0,
        }

    async def _update_status(self, rs: ReplicaSet, wanted: dict[str, int]) -> None:
        status = rs.status
        current = {
            "replicas": status.replicas or 0,
            "fullyLabeledReplicas": status.fully_labeled_replicas or 0,
            "readyReplicas": status.ready_replicas or 0,
            "availableReplicas": status.available_replicas or 0,
            "observedGeneration": status.observed_generation or 0,
        }
        if wanted == current:
            return
        new = rs.clone()
        new.status.replicas = wanted["replicas"]
        new.status.fully_labeled_replicas = wanted["fullyLabeledReplicas"]
        new.status.ready_replicas = wanted["readyReplicas"]
        new.status.available_replicas = wanted["availableReplicas"]
        new.status.observed_generation = wanted["observedGeneration"]
        try:
            await self.api.update_status(new)
        except NotFound:
            return


__all__ = ["ReplicaSetController", "pod_from_template", "slow_start_batch"]
