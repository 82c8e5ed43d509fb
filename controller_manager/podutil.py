"""Facts about pods that several controllers need: active, ready since when, deletion rank."""

from __future__ import annotations

from datetime import UTC, datetime

from machinery.api import LabelSelector as ApiLabelSelector
from machinery.api import Pod
from machinery.api.base import KubeObject, OwnerReference
from machinery.selectors import LabelSelector
from machinery.timeutil import parse_time

_PHASE_RANK = {"Pending": 0, "Unknown": 1, "Running": 2}


def is_active(pod: Pod) -> bool:
    """Not terminal and not being deleted: counts towards a controller's replicas."""
    return not pod.metadata.deletion_timestamp and pod.status.phase not in ("Succeeded", "Failed")


def ready_since(pod: Pod) -> datetime | None:
    """When the Ready condition last became True (None when the pod is not ready)."""
    c = pod.condition("Ready")
    if c is None or c.status != "True":
        return None
    if not c.last_transition_time:
        return datetime.fromtimestamp(0, UTC)
    return parse_time(c.last_transition_time)


def _ts(value: str | None) -> float:
    return parse_time(value).timestamp() if value else 0.0


def deletion_rank(pod: Pod) -> tuple[int, int, int, float, int, float]:
    """Sort key: the pods to delete first come first (ActivePodsWithRanks, simplified).

    Unassigned before assigned, Pending < Unknown < Running, not ready before ready,
    ready for a shorter time first, more restarts first, newer before older.
    """
    since = ready_since(pod)
    restarts = sum(c.restart_count for c in pod.status.container_statuses or [])
    return (
        1 if pod.spec.node_name else 0,
        _PHASE_RANK.get(pod.status.phase or "Pending", 0),
        1 if since is not None else 0,
        -(since.timestamp() if since is not None else 0.0),
        -restarts,
        -_ts(pod.metadata.creation_timestamp),
    )


def selector_of(sel: ApiLabelSelector | None) -> LabelSelector:
    """A workload's spec.selector as a matcher (None selects nothing)."""
    return LabelSelector.from_dict(sel.to_dict() if sel is not None else None)


def controller_ref(owner: KubeObject) -> OwnerReference:
    """The ownerReference a controller puts on what it creates."""
    return OwnerReference(
        api_version=owner.api_version,
        kind=owner.kind,
        name=owner.metadata.name,
        uid=owner.metadata.uid or "",
        controller=True,
        block_owner_deletion=True,
    )
