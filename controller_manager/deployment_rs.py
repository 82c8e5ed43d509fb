"""A Deployment's ReplicaSets: find the new one, create it, scale them, clean old ones up.

Kubernetes' deployment/sync.go: the new ReplicaSet is the oldest one whose template equals
the Deployment's (ignoring pod-template-hash); it is named `<deployment>-<hash>` and gets
revision max(old)+1 plus the Deployment's annotations, so `kubectl rollout history/undo`
work. Proportional scaling spreads a replica change over the active ReplicaSets by size.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from controller_manager import deployutil as du
from controller_manager.podutil import controller_ref
from machinery.api import Deployment, ReplicaSet
from machinery.errors import AlreadyExists, NotFound

if TYPE_CHECKING:
    from controller_manager.deployment import DeploymentController

log = logging.getLogger(__name__)

# uid -> what this reconcile's last write returned. Per reconcile (each worker runs in
# its own task, so its own context): concurrent workers must not see or clear each
# other's copies.
_FRESH: ContextVar[dict[str, ReplicaSet] | None] = ContextVar("deployment_rs_fresh", default=None)


class ReplicaSets:
    def __init__(self, ctl: DeploymentController) -> None:
        self.ctl = ctl

    @property
    def api(self) -> Any:
        return self.ctl.api

    @property
    def fresh(self) -> dict[str, ReplicaSet]:
        fresh = _FRESH.get()
        if fresh is None:  # outside per_reconcile(): private to the current context
            fresh = {}
            _FRESH.set(fresh)
        return fresh

    @contextmanager
    def per_reconcile(self) -> Iterator[None]:
        """Give the reconcile running in this context its own fresh copies."""
        token = _FRESH.set({})
        try:
            yield
        finally:
            _FRESH.reset(token)

    def split(
        self, d: Deployment, rs_list: list[ReplicaSet]
    ) -> tuple[ReplicaSet | None, list[ReplicaSet]]:
        new_rs = None
        for rs in sorted(rs_list, key=du.creation_key):
            if du.equal_ignore_hash(rs.spec.template, d.spec.template):
                new_rs = rs
                break
        return new_rs, [rs for rs in rs_list if rs is not new_rs]

    def latest(self, rs: ReplicaSet) -> ReplicaSet:
        """The copy our last write in this reconcile returned, else rs."""
        return self.fresh.get(rs.metadata.uid or "", rs)

    # ---- revisions and the new ReplicaSet -------------------------------------------------
    async def get_all(
        self, d: Deployment, rs_list: list[ReplicaSet], *, create: bool
    ) -> tuple[ReplicaSet | None, list[ReplicaSet], Deployment]:
        self.fresh.clear()
        new_rs, old = self.split(d, rs_list)
        new_revision = str(max([du.revision(r) for r in old], default=0) + 1)
        if new_rs is not None:
            copy = new_rs.clone()
            changed = _set_new_rs_annotations(d, copy, new_revision, exists=True)
            if (copy.spec.min_ready_seconds or 0) != (d.spec.min_ready_seconds or 0):
                copy.spec.min_ready_seconds = d.spec.min_ready_seconds
                changed = True
            if changed:
                new_rs = await self.api.update(copy)
            assert new_rs is not None
            d = await self._set_revision(d, str(du.revision(new_rs)))
            if du.has_progress_deadline(d) and d.condition("Progressing") is None:
                d = await self._set_progressing(
                    d, du.FOUND_NEW_RS, f'Found new replica set "{new_rs.metadata.name}"'
                )
            return new_rs, old, d
        if not create:
            return None, old, d
        new_rs = await self._create(d, old, new_revision)
        d = await self._set_revision(d, new_revision)
        if du.has_progress_deadline(d):
            d = await self._set_progressing(
                d, du.NEW_RS_CREATED, f'Created new replica set "{new_rs.metadata.name}"'
            )
        return new_rs, old, d

    async def _create(self, d: Deployment, old: list[ReplicaSet], revision: str) -> ReplicaSet:
        pod_hash = du.pod_template_hash(d.spec.template, d.status.collision_count)
        template = d.spec.template.to_dict()
        template.setdefault("metadata", {}).setdefault("labels", {})[du.HASH_LABEL] = pod_hash
        selector = d.spec.selector.to_dict() if d.spec.selector else {}
        selector.setdefault("matchLabels", {})[du.HASH_LABEL] = pod_hash
        rs = ReplicaSet.model_validate(
            {
                "metadata": {
                    "name": f"{d.metadata.name}-{pod_hash}",
                    "namespace": d.metadata.namespace,
                    "labels": dict(template["metadata"]["labels"]),
                    "ownerReferences": [controller_ref(d).to_dict()],
                },
                "spec": {
                    "replicas": 0,
                    "minReadySeconds": d.spec.min_ready_seconds or 0,
                    "selector": selector,
                    "template": template,
                },
            }
        )
        rs.spec.replicas = self.new_rs_replicas(d, old, rs)
        _set_new_rs_annotations(d, rs, revision, exists=False)
        _set_replicas_annotations(rs, du.replicas(d), du.replicas(d) + du.max_surge(d))
        try:
            created: ReplicaSet = await self.api.create(rs)
        except AlreadyExists:
            existing = self.ctl.replicasets.cache.get(rs.key)
            if existing is None:
                existing = await self.api.get(ReplicaSet, rs.metadata.name, rs.metadata.namespace)
            ref = existing.metadata.controller_ref()
            if (
                ref is not None
                and ref.uid == d.metadata.uid
                and du.equal_ignore_hash(existing.spec.template, d.spec.template)
            ):
                raise  # ours: the watch will bring it, and the next pass finds it
            # A hash collision with a different template: count it and retry with a new name.
            new = d.clone()
            new.status.collision_count = (d.status.collision_count or 0) + 1
            await self.api.update_status(new)
            raise
        log.info("created replicaset deployment=%s rs=%s", d.key, created.metadata.name)
        if (created.spec.replicas or 0) > 0:
            self.ctl.recorder.normal(
                d,
                "ScalingReplicaSet",
                f"Scaled up replica set {created.metadata.name} from 0 to {created.spec.replicas}",
            )
        return created

    async def _set_revision(self, d: Deployment, revision: str) -> Deployment:
        if (d.metadata.annotations or {}).get(du.REVISION) == revision:
            return d
        patch = {"metadata": {"annotations": {du.REVISION: revision}}}
        out: Deployment = await self.api.patch(
            Deployment, d.metadata.name, patch, namespace=d.metadata.namespace
        )
        return out

    async def _set_progressing(self, d: Deployment, reason: str, message: str) -> Deployment:
        new = d.clone()
        conds = list(new.status.conditions or [])
        du.set_condition(
            conds, du.new_condition("Progressing", "True", reason, message, self.ctl.clock())
        )
        new.status.conditions = conds
        out: Deployment = await self.api.update_status(new)
        return out

    # ---- scaling ----------------------------------------------------------------------------
    def new_rs_replicas(self, d: Deployment, all_rs: list[ReplicaSet], new_rs: ReplicaSet) -> int:
        """How big the new ReplicaSet may be now (NewRSNewReplicas)."""
        if not du.is_rolling(d):
            return du.replicas(d)
        current = sum(du.rs_replicas(r) for r in all_rs if r is not new_rs) + du.rs_replicas(new_rs)
        max_total = du.replicas(d) + du.max_surge(d)
        if current >= max_total:
            return du.rs_replicas(new_rs)
        up = min(max_total - current, du.replicas(d) - du.rs_replicas(new_rs))
        return du.rs_replicas(new_rs) + max(up, 0)

    async def scale_rs(self, rs: ReplicaSet, replicas: int, d: Deployment) -> bool:
        """Set replicas and the desired/max annotations; True when something was written."""
        rs = self.fresh.get(rs.metadata.uid or "", rs)
        desired, max_total = du.replicas(d), du.replicas(d) + du.max_surge(d)
        ann = rs.metadata.annotations or {}
        size_changed = du.rs_replicas(rs) != replicas
        ann_changed = ann.get(du.DESIRED_REPLICAS) != str(desired) or ann.get(
            du.MAX_REPLICAS
        ) != str(max_total)
        if not size_changed and not ann_changed:
            return False
        patch = {
            "metadata": {
                "resourceVersion": rs.metadata.resource_version,
                "annotations": {du.DESIRED_REPLICAS: str(desired), du.MAX_REPLICAS: str(max_total)},
            },
            "spec": {"replicas": replicas},
        }
        updated: ReplicaSet = await self.api.patch(
            ReplicaSet, rs.metadata.name, patch, namespace=rs.metadata.namespace
        )
        self.fresh[rs.metadata.uid or ""] = updated
        if size_changed:
            verb = "up" if replicas > du.rs_replicas(rs) else "down"
            self.ctl.recorder.normal(
                d,
                "ScalingReplicaSet",
                f"Scaled {verb} replica set {rs.metadata.name} from {du.rs_replicas(rs)} "
                f"to {replicas}",
            )
            log.info(
                "scaled replicaset deployment=%s rs=%s from=%d to=%d",
                d.key,
                rs.metadata.name,
                du.rs_replicas(rs),
                replicas,
            )
        return size_changed

    async def scale(self, d: Deployment, new_rs: ReplicaSet | None, old: list[ReplicaSet]) -> None:
        """Scale for a replicas change; proportionally when several ReplicaSets are active."""
        everything = [r for r in [new_rs, *old] if r is not None]
        active = [r for r in everything if du.rs_replicas(r) > 0]
        target = du.replicas(d)
        if len(active) <= 1:
            one = active[0] if active else (new_rs or _latest(old))
            if one is not None:
                await self.scale_rs(one, target, d)
            return
        if new_rs is not None and _saturated(d, new_rs):
            for rs in old:
                if du.rs_replicas(rs) > 0:
                    await self.scale_rs(rs, 0, d)
            return
        if not du.is_rolling(d):
            return
        allowed = target + du.max_surge(d) if target > 0 else 0
        to_add = allowed - sum(du.rs_replicas(r) for r in active)
        if to_add > 0:
            ordered = sorted(active, key=lambda r: (-du.rs_replicas(r), _neg_created(r)))
        else:
            ordered = sorted(active, key=lambda r: (-du.rs_replicas(r), du.creation_key(r)))
        sizes: dict[str, int] = {}
        added = 0
        for rs in ordered:
            proportion = _proportion(rs, d, to_add, added)
            sizes[rs.metadata.name] = du.rs_replicas(rs) + proportion
            added += proportion
        if to_add != 0 and ordered:
            first = ordered[0].metadata.name
            sizes[first] = max(sizes[first] + to_add - added, 0)
        for rs in ordered:
            await self.scale_rs(rs, sizes[rs.metadata.name], d)

    # ---- history clean-up ---------------------------------------------------------------
    async def cleanup(self, d: Deployment, old: list[ReplicaSet]) -> None:
        limit = d.spec.revision_history_limit
        if limit is None:
            return
        cleanable = [r for r in old if not r.metadata.deletion_timestamp]
        extra = len(cleanable) - limit
        if extra <= 0:
            return
        for rs in sorted(cleanable, key=lambda r: (du.revision(r), du.creation_key(r)))[:extra]:
            rs = self.fresh.get(rs.metadata.uid or "", rs)
            if (
                (rs.status.replicas or 0) != 0
                or du.rs_replicas(rs) != 0
                or (rs.metadata.generation or 0) > (rs.status.observed_generation or 0)
            ):
                continue
            log.info("deleting old replicaset deployment=%s rs=%s", d.key, rs.metadata.name)
            try:
                await self.api.delete(
                    ReplicaSet, rs.metadata.name, rs.metadata.namespace, uid=rs.metadata.uid
                )
            except NotFound:
                pass


def _neg_created(rs: ReplicaSet) -> tuple[float, str]:
    ts, name = du.creation_key(rs)
    return (-ts, name)


def _latest(old: list[ReplicaSet]) -> ReplicaSet | None:
    return max(old, key=du.creation_key) if old else None


def _saturated(d: Deployment, rs: ReplicaSet) -> bool:
    desired = (rs.metadata.annotations or {}).get(du.DESIRED_REPLICAS)
    return (
        du.rs_replicas(rs) == du.replicas(d)
        and desired == str(du.replicas(d))
        and (rs.status.available_replicas or 0) == du.replicas(d)
    )


def _proportion(rs: ReplicaSet, d: Deployment, to_add: int, added: int) -> int:
    if du.rs_replicas(rs) == 0 or to_add == 0 or to_add == added:
        return 0
    fraction = _fraction(rs, d)
    allowed = to_add - added
    return min(fraction, allowed) if to_add > 0 else max(fraction, allowed)


def _fraction(rs: ReplicaSet, d: Deployment) -> int:
    if du.replicas(d) == 0:
        return -du.rs_replicas(rs)
    deployment_replicas = du.replicas(d) + du.max_surge(d)
    raw = (rs.metadata.annotations or {}).get(du.MAX_REPLICAS)
    annotated = int(raw) if raw and raw.isdigit() else (d.status.replicas or 0)
    if annotated == 0:
        return 0
    new_size = du.rs_replicas(rs) * deployment_replicas / annotated
    return du.go_round(new_size) - du.rs_replicas(rs)


def _set_new_rs_annotations(d: Deployment, rs: ReplicaSet, revision: str, *, exists: bool) -> bool:
    """Copy the Deployment's annotations; raise the revision (keeping revision-history)."""
    ann = dict(rs.metadata.annotations or {})
    before = dict(ann)
    for k, v in (d.metadata.annotations or {}).items():
        if k not in du.SKIPPED_ANNOTATIONS:
            ann[k] = v
    old_revision = ann.get(du.REVISION, "")
    try:
        old_int = int(old_revision) if old_revision else 0
    except ValueError:
        old_int = 0
    if old_int < int(revision):
        ann[du.REVISION] = revision
        if old_revision and exists:
            history = ann.get(du.REVISION_HISTORY, "")
            ann[du.REVISION_HISTORY] = f"{history},{old_revision}" if history else old_revision
    rs.metadata.annotations = ann
    return ann != before


def _set_replicas_annotations(rs: ReplicaSet, desired: int, max_total: int) -> None:
    ann = dict(rs.metadata.annotations or {})
    ann[du.DESIRED_REPLICAS] = str(desired)
    ann[du.MAX_REPLICAS] = str(max_total)
    rs.metadata.annotations = ann
