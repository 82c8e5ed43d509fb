"""Admission for pods: priority from PriorityClass, and the QoS class in status.

(Service addresses are allocated in allocators.py; namespaces are checked in store.py.)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from machinery.errors import Forbidden
from machinery.quantity import parse_quantity

SYSTEM_PRIORITY_CLASSES = {
    "system-node-critical": 2000001000,
    "system-cluster-critical": 2000000000,
}

GetPriorityClass = Callable[[str], Awaitable[dict[str, Any] | None]]
ListPriorityClasses = Callable[[], Awaitable[list[dict[str, Any]]]]


async def resolve_priority(
    pod: dict[str, Any], get_class: GetPriorityClass, list_classes: ListPriorityClasses
) -> None:
    """Set spec.priority (and preemptionPolicy) from spec.priorityClassName or the default."""
    spec = pod.setdefault("spec", {})
    name = spec.get("priorityClassName") or ""
    pc: dict[str, Any] | None = None
    if name:
        pc = await get_class(name)
        if pc is None:
            pod_name = (pod.get("metadata") or {}).get("name", "")
            raise Forbidden(
                f'pods "{pod_name}" is forbidden: no PriorityClass with name {name} was found',
                name=pod_name,
                kind="pods",
            )
    else:
        defaults = [c for c in await list_classes() if c.get("globalDefault")]
        if defaults:
            pc = min(defaults, key=lambda c: int(c.get("value", 0)))
            spec["priorityClassName"] = pc["metadata"]["name"]
    value = int(pc.get("value", 0)) if pc else 0
    if "priority" in spec and spec["priority"] != value and name:
        pod_name = (pod.get("metadata") or {}).get("name", "")
        raise Forbidden(
            f'pods "{pod_name}" is forbidden: the integer value of priority ({spec["priority"]}) '
            f"must not be provided in pod spec; priority admission controller computed "
            f"{value} from the given PriorityClass name",
            name=pod_name,
            kind="pods",
        )
    spec["priority"] = value
    if pc and pc.get("preemptionPolicy"):
        spec["preemptionPolicy"] = pc["preemptionPolicy"]


def qos_class(pod: dict[str, Any]) -> str:
    """Guaranteed, Burstable or BestEffort, as Kubernetes computes it."""
    spec = pod.get("spec") or {}
    containers = [
        c
        for c in (spec.get("containers") or []) + (spec.get("initContainers") or [])
        if isinstance(c, dict)
    ]
    requests: dict[str, Any] = {}
    limits: dict[str, Any] = {}
    guaranteed = True
    for c in containers:
        res = c.get("resources") or {}
        req = {k: v for k, v in (res.get("requests") or {}).items() if _positive(v)}
        lim = {k: v for k, v in (res.get("limits") or {}).items() if _positive(v)}
        requests.update(req)
        limits.update(lim)
        if not {"cpu", "memory"} <= lim.keys():
            guaranteed = False
        for k, v in req.items():
            if k in ("cpu", "memory") and k in lim and _q(v) != _q(lim[k]):
                guaranteed = False
    if not requests and not limits:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"


def _q(v: Any) -> Any:
    try:
        return parse_quantity(v)
    except (ValueError, TypeError):
        return None


def _positive(v: Any) -> bool:
    q = _q(v)
    return q is not None and q > 0
