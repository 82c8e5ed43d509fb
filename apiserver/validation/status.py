"""Light checks on `/status` writes: counters are non-negative and consistent.

Controllers and kubelets write status; these checks catch a broken writer early
without second-guessing the state machine (that is the writer's business).
"""

from __future__ import annotations

from typing import Any

from .common import Errs, as_dict, as_list, as_str, check_enum, check_msgs, check_nonneg, invalid
from .names import ip_msgs

_EMPTY: dict[str, Any] = {}
# kind -> counters that must be >= 0
COUNTERS: dict[str, tuple[str, ...]] = {
    "Deployment": (
        "observedGeneration",
        "replicas",
        "updatedReplicas",
        "readyReplicas",
        "availableReplicas",
        "unavailableReplicas",
        "collisionCount",
    ),
    "ReplicaSet": (
        "observedGeneration",
        "replicas",
        "fullyLabeledReplicas",
        "readyReplicas",
        "availableReplicas",
    ),
    "StatefulSet": (
        "observedGeneration",
        "replicas",
        "readyReplicas",
        "currentReplicas",
        "updatedReplicas",
        "availableReplicas",
        "collisionCount",
    ),
    "DaemonSet": (
        "observedGeneration",
        "currentNumberScheduled",
        "numberMisscheduled",
        "desiredNumberScheduled",
        "numberReady",
        "updatedNumberScheduled",
        "numberAvailable",
        "numberUnavailable",
        "collisionCount",
    ),
    "Job": ("active", "succeeded", "failed", "ready", "terminating"),
}
# kind -> (field, bound field, message): field may not exceed bound field
RELATIONS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "Deployment": (
        ("updatedReplicas", "replicas", "cannot be greater than status.replicas"),
        ("readyReplicas", "replicas", "cannot be greater than status.replicas"),
        ("availableReplicas", "replicas", "cannot be greater than status.replicas"),
        ("availableReplicas", "readyReplicas", "cannot be greater than readyReplicas"),
    ),
    "ReplicaSet": (
        ("fullyLabeledReplicas", "replicas", "cannot be greater than status.replicas"),
        ("readyReplicas", "replicas", "cannot be greater than status.replicas"),
        ("availableReplicas", "replicas", "cannot be greater than status.replicas"),
        ("availableReplicas", "readyReplicas", "cannot be greater than readyReplicas"),
    ),
    "StatefulSet": (
        ("readyReplicas", "replicas", "cannot be greater than status.replicas"),
        ("currentReplicas", "replicas", "cannot be greater than status.replicas"),
        ("updatedReplicas", "replicas", "cannot be greater than status.replicas"),
        ("availableReplicas", "replicas", "cannot be greater than status.replicas"),
        ("availableReplicas", "readyReplicas", "cannot be greater than readyReplicas"),
    ),
}


def validate_counters(errs: Errs, kind: str, obj: dict[str, Any]) -> None:
    status = as_dict(errs, "status", obj.get("status")) or _EMPTY
    for key in COUNTERS.get(kind, ()):
        if key in status:
            check_nonneg(errs, f"status.{key}", status[key])
    for key, bound, msg in RELATIONS.get(kind, ()):
        v, b = status.get(key), status.get(bound) or 0
        if type(v) is int and type(b) is int and v > b:
            errs.append(invalid(f"status.{key}", v, msg))


def validate_namespace_status(errs: Errs, obj: dict[str, Any]) -> None:
    status = as_dict(errs, "status", obj.get("status")) or _EMPTY
    check_enum(errs, "status.phase", status.get("phase"), ("Active", "Terminating"))


def validate_service_status(errs: Errs, obj: dict[str, Any]) -> None:
    status = as_dict(errs, "status", obj.get("status")) or _EMPTY
    lb = as_dict(errs, "status.loadBalancer", status.get("loadBalancer")) or _EMPTY
    for i, ing in enumerate(as_list(errs, "status.loadBalancer.ingress", lb.get("ingress")) or ()):
        p = f"status.loadBalancer.ingress[{i}]"
        d = as_dict(errs, p, ing) or _EMPTY
        ip = as_str(errs, f"{p}.ip", d.get("ip"))
        if ip:
            check_msgs(errs, f"{p}.ip", ip, ip_msgs)
