"""Container resources: resource names, quantities, requests no greater than limits."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from machinery.quantity import parse_quantity

from .common import Errs, as_dict, invalid, required_detail, type_error
from .names import NEGATIVE, qualified_name_msgs

STANDARD_CONTAINER_RESOURCES = frozenset({"cpu", "memory", "ephemeral-storage"})


def _overcommit_allowed(name: str) -> bool:
    """Only native resources may have requests below limits (not hugepages, extended)."""
    if name.startswith("hugepages-"):
        return False
    return "/" not in name or name.startswith("kubernetes.io/")


def _resource_name_msgs(name: str) -> list[str]:
    msgs = list(qualified_name_msgs(name))
    if msgs:
        return msgs
    if "/" not in name:
        if name not in STANDARD_CONTAINER_RESOURCES and not name.startswith("hugepages-"):
            return ["must be a standard resource for containers"]
    elif not name.startswith("kubernetes.io/") and name.startswith("requests."):
        return ["doesn't follow extended resource name standard"]
    return []


def quantity_or_cause(errs: Errs, path: str, value: Any) -> Decimal | None:
    """Parse a quantity field, recording a cause (not raising) when it is malformed."""
    if type(value) is not str and (type(value) not in (int, float)):
        errs.append(type_error(path, value, "a quantity (string or number)"))
        return None
    try:
        return parse_quantity(value)
    except ValueError:
        errs.append(
            invalid(
                path,
                value,
                "quantities must match the regular expression "
                "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
            )
        )
        return None


def _quantities(errs: Errs, path: str, value: Any) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    d = as_dict(errs, path, value)
    if not d:
        return out
    for name, raw in d.items():
        q = f"{path}[{name}]"
        for msg in _resource_name_msgs(name):
            errs.append(invalid(q, name, msg))
        amount = quantity_or_cause(errs, q, raw)
        if amount is None:
            continue
        if amount < 0:
            errs.append(invalid(q, str(raw), NEGATIVE))
        out[name] = amount
    return out


def validate_resources(errs: Errs, path: str, value: Any) -> None:
    res = as_dict(errs, path, value)
    if not res:
        return
    limits = _quantities(errs, f"{path}.limits", res.get("limits"))
    requests = _quantities(errs, f"{path}.requests", res.get("requests"))
    if not requests:
        return
    raw_limits = res.get("limits") or {}
    raw_requests = res.get("requests") or {}
    for name, req in requests.items():
        lim = limits.get(name)
        overcommit = _overcommit_allowed(name)
        if lim is None:
            if not overcommit:
                errs.append(
                    required_detail(
                        f"{path}.limits[{name}]",
                        "Limit must be set for non overcommitable resources",
                    )
                )
            continue
        if not overcommit and req != lim:
            errs.append(
                invalid(
                    f"{path}.requests", str(raw_requests[name]), f"must be equal to {name} limit"
                )
            )
        elif req > lim:
            errs.append(
                invalid(
                    f"{path}.requests",
                    str(raw_requests[name]),
                    f"must be less than or equal to {name} limit of {raw_limits[name]}",
                )
            )
