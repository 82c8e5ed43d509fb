"""Deployment arithmetic, as Kubernetes' deployment/util: hashes, revisions, surge, conditions.

- `pod_template_hash`: FNV-32a over the template (canonical JSON here; Kubernetes spews
  the Go struct), then the collision count as 8 little-endian bytes, printed in decimal
  and passed through the generateName alphabet (rand.SafeEncodeString).
- revisions live in the `deployment.kubernetes.io/revision` annotation of each
  ReplicaSet (and of the Deployment, for its newest one); `kubectl rollout history` and
  `undo` read them.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import orjson

from machinery.api import Deployment, DeploymentCondition, PodTemplateSpec, ReplicaSet
from machinery.api.meta import IntOrString
from machinery.timeutil import format_time, parse_time

HASH_LABEL = "pod-template-hash"
REVISION = "deployment.kubernetes.io/revision"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
SKIPPED_ANNOTATIONS = frozenset(
    {
        "kubectl.kubernetes.io/last-applied-configuration",
        REVISION,
        REVISION_HISTORY,
        DESIRED_REPLICAS,
        MAX_REPLICAS,
        "deprecated.deployment.rollback.to",
    }
)

# Progressing / Available reasons (Kubernetes' deployment util constants).
NEW_RS_CREATED = "NewReplicaSetCreated"
FOUND_NEW_RS = "FoundNewReplicaSet"
RS_UPDATED = "ReplicaSetUpdated"
NEW_RS_AVAILABLE = "NewReplicaSetAvailable"
TIMED_OUT = "ProgressDeadlineExceeded"
PAUSED = "DeploymentPaused"
RESUMED = "DeploymentResumed"
MIN_AVAILABLE = "MinimumReplicasAvailable"
MIN_UNAVAILABLE = "MinimumReplicasUnavailable"

_SAFE = "bcdfghjklmnpqrstvwxz2456789"


def fnv32a(data: bytes, h: int = 0x811C9DC5) -> int:
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def pod_template_hash(template: PodTemplateSpec, collision_count: int | None = None) -> str:
    data = orjson.dumps(template.to_dict(), option=orjson.OPT_SORT_KEYS)
    h = fnv32a(data)
    if collision_count is not None:
        h = fnv32a((collision_count & 0xFFFFFFFF).to_bytes(4, "little") + b"\0\0\0\0", h)
    return "".join(_SAFE[ord(c) % len(_SAFE)] for c in str(h))


def _without_hash(template: PodTemplateSpec) -> dict[str, object]:
    d = template.to_dict()
    labels = (d.get("metadata") or {}).get("labels")
    if isinstance(labels, dict):
        labels.pop(HASH_LABEL, None)
        if not labels:
            d["metadata"].pop("labels")
    if d.get("metadata") == {}:
        d.pop("metadata")
    return d


def equal_ignore_hash(a: PodTemplateSpec, b: PodTemplateSpec) -> bool:
    return _without_hash(a) == _without_hash(b)


def revision(obj: Deployment | ReplicaSet) -> int:
    try:
        return int((obj.metadata.annotations or {}).get(REVISION, "0"))
    except ValueError:
        return 0


def replicas(d: Deployment) -> int:
    return d.spec.replicas if d.spec.replicas is not None else 1


def rs_replicas(rs: ReplicaSet | None) -> int:
    return 0 if rs is None else (rs.spec.replicas or 0)


def available(rs: ReplicaSet) -> int:
    """Available replicas as far as scaling may count them.

    Capped at spec.replicas: right after a scale-down the status still counts pods the
    ReplicaSet is about to delete, and counting those could break maxUnavailable.
    """
    return min(rs.status.available_replicas or 0, rs_replicas(rs))


def creation_key(rs: ReplicaSet) -> tuple[float, str]:
    ts = rs.metadata.creation_timestamp
    return (parse_time(ts).timestamp() if ts else 0.0, rs.metadata.name)


def go_round(x: float) -> int:
    """math.Round: halves away from zero (Python's round() rounds halves to even)."""
    return math.floor(abs(x) + 0.5) * (1 if x >= 0 else -1)


def _scaled(value: IntOrString | None, total: int, *, round_up: bool, default: str) -> int:
    v: IntOrString = default if value is None else value
    if isinstance(v, int):
        return v
    text = v.strip()
    if text.endswith("%"):
        pct = int(text[:-1])
        exact = pct * total / 100
        return math.ceil(exact) if round_up else math.floor(exact)
    return int(text)


def fenceposts(d: Deployment) -> tuple[int, int]:
    """(maxSurge, maxUnavailable) resolved against spec.replicas (ResolveFenceposts)."""
    ru = d.spec.strategy.rolling_update if d.spec.strategy else None
    total = replicas(d)
    surge = _scaled(ru.max_surge if ru else None, total, round_up=True, default="25%")
    unavailable = _scaled(ru.max_unavailable if ru else None, total, round_up=False, default="25%")
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def is_rolling(d: Deployment) -> bool:
    return not d.spec.strategy or (d.spec.strategy.type or "RollingUpdate") == "RollingUpdate"


def max_surge(d: Deployment) -> int:
    return fenceposts(d)[0] if is_rolling(d) else 0


def max_unavailable(d: Deployment) -> int:
    if not is_rolling(d) or replicas(d) == 0:
        return 0
    return min(fenceposts(d)[1], replicas(d))


def has_progress_deadline(d: Deployment) -> bool:
    s = d.spec.progress_deadline_seconds
    return s is not None and s < 2**31 - 1


def condition(conditions: list[DeploymentCondition], type_: str) -> DeploymentCondition | None:
    for c in conditions:
        if c.type == type_:
            return c
    return None


def new_condition(
    type_: str, status: str, reason: str, message: str, now: datetime
) -> DeploymentCondition:
    t = format_time(now)
    return DeploymentCondition(
        type=type_,
        status=status,
        reason=reason,
        message=message,
        last_update_time=t,
        last_transition_time=t,
    )


def set_condition(conditions: list[DeploymentCondition], new: DeploymentCondition) -> None:
    """SetDeploymentCondition: same status and reason -> unchanged; same status -> keep the
    transition time."""
    for i, c in enumerate(conditions):
        if c.type != new.type:
            continue
        if c.status == new.status and c.reason == new.reason:
            return
        if c.status == new.status:
            new.last_transition_time = c.last_transition_time
        conditions[i] = new
        return
    conditions.append(new)


def remove_condition(conditions: list[DeploymentCondition], type_: str) -> None:
    conditions[:] = [c for c in conditions if c.type != type_]


def timed_out(d: Deployment, conditions: list[DeploymentCondition], now: datetime) -> bool:
    if not has_progress_deadline(d):
        return False
    c = condition(conditions, "Progressing")
    if c is None or c.reason == NEW_RS_AVAILABLE:
        return False
    if c.reason == TIMED_OUT:
        return True
    if not c.last_update_time:
        return False
    deadline = parse_time(c.last_update_time) + timedelta(
        seconds=d.spec.progress_deadline_seconds or 0
    )
    return deadline < now
