"""A Deployment's status and conditions, as `kubectl rollout status` and `get deploy` read them.

Kubernetes' deployment/sync.go calculateStatus and syncRolloutStatus: replica counts summed
over the Deployment's ReplicaSets; Available (MinimumReplicasAvailable / Unavailable)
against replicas - maxUnavailable; Progressing with NewReplicaSetCreated,
FoundNewReplicaSet, ReplicaSetUpdated, NewReplicaSetAvailable or ProgressDeadlineExceeded;
and a requeue for when the progress deadline would pass.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from controller_manager import deployutil as du
from machinery.api import Deployment, DeploymentStatus, ReplicaSet
from machinery.errors import NotFound
from machinery.timeutil import parse_time

if TYPE_CHECKING:
    from controller_manager.deployment import DeploymentController


class DeploymentStatuses:
    def __init__(self, ctl: DeploymentController) -> None:
        self.ctl = ctl

    def calculate(
        self, d: Deployment, new_rs: ReplicaSet | None, old: list[ReplicaSet]
    ) -> DeploymentStatus:
        all_rs = [r for r in [new_rs, *old] if r is not None]
        available = sum(r.status.available_replicas or 0 for r in all_rs)
        total = sum(du.rs_replicas(r) for r in all_rs)
        status = DeploymentStatus(
            observed_generation=d.metadata.generation or 0,
            replicas=sum(r.status.replicas or 0 for r in all_rs),
            updated_replicas=(new_rs.status.replicas or 0) if new_rs is not None else 0,
            ready_replicas=sum(r.status.ready_replicas or 0 for r in all_rs),
            available_replicas=available,
            unavailable_replicas=max(total - available, 0),
            collision_count=d.status.collision_count,
            conditions=[c.model_copy() for c in d.status.conditions or []],
        )
        assert status.conditions is not None
        now = self.ctl.clock()
        if available >= du.replicas(d) - du.max_unavailable(d):
            cond = du.new_condition(
                "Available", "True", du.MIN_AVAILABLE, "Deployment has minimum availability.", now
            )
        else:
            cond = du.new_condition(
                "Available",
                "False",
                du.MIN_UNAVAILABLE,
                "Deployment does not have minimum availability.",
                now,
            )
        du.set_condition(status.conditions, cond)
        return status

    def complete(self, d: Deployment, status: DeploymentStatus) -> bool:
        want = du.replicas(d)
        return (
            status.updated_replicas == want
            and status.replicas == want
            and status.available_replicas == want
            and (status.observed_generation or 0) >= (d.metadata.generation or 0)
        )

    def _progressing(self, d: Deployment, status: DeploymentStatus) -> bool:
        old = d.status
        old_old = (old.replicas or 0) - (old.updated_replicas or 0)
        new_old = (status.replicas or 0) - (status.updated_replicas or 0)
        return (
            (status.updated_replicas or 0) > (old.updated_replicas or 0)
            or new_old < old_old
            or (status.ready_replicas or 0) > (old.ready_replicas or 0)
            or (status.available_replicas or 0) > (old.available_replicas or 0)
        )

    async def sync(self, d: Deployment, new_rs: ReplicaSet | None, old: list[ReplicaSet]) -> None:
        await self._write_status(d, self.calculate(d, new_rs, old))

    async def sync_rollout(
        self, d: Deployment, new_rs: ReplicaSet | None, old: list[ReplicaSet]
    ) -> None:
        status = self.calculate(d, new_rs, old)
        conds = status.conditions
        assert conds is not None
        now = self.ctl.clock()
        if not du.has_progress_deadline(d):
            du.remove_condition(conds, "Progressing")
        current = du.condition(conds, "Progressing")
        complete_before = (
            status.replicas == status.updated_replicas
            and current is not None
            and current.reason == du.NEW_RS_AVAILABLE
        )
        name = new_rs.metadata.name if new_rs is not None else ""
        if du.has_progress_deadline(d) and not complete_before:
            if self.complete(d, status):
                du.set_condition(
                    conds,
                    du.new_condition(
                        "Progressing",
                        "True",
                        du.NEW_RS_AVAILABLE,
                        f'ReplicaSet "{name}" has successfully progressed.',
                        now,
                    ),
                )
            elif self._progressing(d, status):
                cond = du.new_condition(
                    "Progressing",
                    "True",
                    du.RS_UPDATED,
                    f'ReplicaSet "{name}" is progressing.',
                    now,
                )
                if current is not None and current.status == "True":
                    cond.last_transition_time = current.last_transition_time
                du.remove_condition(conds, "Progressing")
                du.set_condition(conds, cond)
            elif du.timed_out(d, conds, now):
                du.set_condition(
                    conds,
                    du.new_condition(
                        "Progressing",
                        "False",
                        du.TIMED_OUT,
                        f'ReplicaSet "{name}" has timed out progressing.',
                        now,
                    ),
                )
        if not await self._write_status(d, status):
            self._requeue_stuck(d, status)

    def _requeue_stuck(self, d: Deployment, status: DeploymentStatus) -> None:
        """Check again when the progress deadline would pass (requeueStuckDeployment)."""
        cond = du.condition(status.conditions or [], "Progressing")
        if (
            not du.has_progress_deadline(d)
            or cond is None
            or cond.reason in (du.NEW_RS_AVAILABLE, du.TIMED_OUT)
            or self.complete(d, status)
            or not cond.last_update_time
        ):
            return
        deadline = parse_time(cond.last_update_time).timestamp() + (
            d.spec.progress_deadline_seconds or 0
        )
        delay = max(deadline - self.ctl.clock().timestamp(), 0.0) + 1.0
        self.ctl.queue.add_after(d.key, delay)

    async def _write_status(self, d: Deployment, status: DeploymentStatus) -> bool:
        """Write status if it changed; True when a write happened."""
        if _norm(status) == _norm(d.status):
            return False
        new = d.clone()
        new.status = status
        try:
            await self.ctl.api.update_status(new)
        except NotFound:
            return False
        return True


def _norm(status: DeploymentStatus) -> dict[str, Any]:
    out = status.to_dict()
    for k in (
        "observedGeneration",
        "replicas",
        "updatedReplicas",
        "readyReplicas",
        "availableReplicas",
        "unavailableReplicas",
    ):
        out.setdefault(k, 0)
    out.setdefault("conditions", [])
    return out
