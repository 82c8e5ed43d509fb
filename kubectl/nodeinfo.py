"""The resource part of `describe node`: per-pod requests/limits and the allocated totals.

Percentages are of the node's allocatable, rounded down, as kubectl prints them
(`250m (12%)`); memory keeps binary suffixes when the sum is a whole number of them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from machinery.quantity import format_quantity, parse_quantity

Obj = dict[str, Any]
RESOURCES = ("cpu", "memory", "ephemeral-storage")


def pod_totals(pod: Obj) -> dict[str, dict[str, Decimal]]:
    """{"requests": {cpu: .., memory: ..}, "limits": {...}} summed over the pod's containers
    (init containers count with their maximum, like Kubernetes)."""
    out: dict[str, dict[str, Decimal]] = {"requests": {}, "limits": {}}
    spec = pod.get("spec") or {}
    for kind in ("requests", "limits"):
        total: dict[str, Decimal] = {}
        for c in spec.get("containers") or []:
            for res, value in ((c.get("resources") or {}).get(kind) or {}).items():
                total[res] = total.get(res, Decimal(0)) + parse_quantity(value)
        for c in spec.get("initContainers") or []:
            for res, value in ((c.get("resources") or {}).get(kind) or {}).items():
                total[res] = max(total.get(res, Decimal(0)), parse_quantity(value))
        out[kind] = total
    return out


def cell(amount: Decimal, resource: str, allocatable: Obj) -> str:
    text = format_quantity(amount, binary=resource != "cpu") if amount else "0"
    alloc = allocatable.get(resource)
    pct = 0
    if alloc is not None:
        total = parse_quantity(alloc)
        if total:
            pct = int(amount * 100 / total)
    return f"{text} ({pct}%)"
