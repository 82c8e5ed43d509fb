"""The remaining kinds: Namespace, Node, Event, Lease, PriorityClass."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from machinery.errors import FIELD_DUPLICATE, StatusCause

from .common import (
    Errs,
    as_bool,
    as_dict,
    as_int,
    as_list,
    as_str,
    check_enum,
    check_msgs,
    forbidden,
    immutable,
    invalid,
    required,
    show,
    sub,
)
from .meta import validate_finalizer_name
from .names import cidr_msgs, label_value_msgs, qualified_name_msgs
from .resources import quantity_or_cause
from .scheduling import validate_taint_effect

_EMPTY: dict[str, Any] = {}
HIGHEST_USER_PRIORITY = 1_000_000_000
SYSTEM_PRIORITY_CLASSES = {
    "system-cluster-critical": 2_000_000_000,
    "system-node-critical": 2_000_001_000,
}


def validate_namespace(errs: Errs, obj: dict[str, Any]) -> None:
    spec = as_dict(errs, "spec", obj.get("spec")) or _EMPTY
    for f in as_list(errs, "spec.finalizers", spec.get("finalizers")) or ():
        validate_finalizer_name(errs, "spec.finalizers", f)
    status = as_dict(errs, "status", obj.get("status")) or _EMPTY
    check_enum(errs, "status.phase", status.get("phase"), ("Active", "Terminating"))


def validate_node(errs: Errs, obj: dict[str, Any]) -> None:
    spec = as_dict(errs, "spec", obj.get("spec")) or _EMPTY
    cidr = as_str(errs, "spec.podCIDR", spec.get("podCIDR"))
    if cidr:
        check_msgs(errs, "spec.podCIDR", cidr, cidr_msgs)
    for i, c in enumerate(as_list(errs, "spec.podCIDRs", spec.get("podCIDRs")) or ()):
        check_msgs(errs, f"spec.podCIDRs[{i}]", c if isinstance(c, str) else "", cidr_msgs)
    as_bool(errs, "spec.unschedulable", spec.get("unschedulable"))
    as_str(errs, "spec.providerID", spec.get("providerID"))
    seen: set[tuple[str, str]] = set()
    for i, item in enumerate(as_list(errs, "spec.taints", spec.get("taints")) or ()):
        p = f"spec.taints[{i}]"
        t = as_dict(errs, p, item)
        if t is None:
            continue
        key = as_str(errs, f"{p}.key", t.get("key")) or ""
        check_msgs(errs, f"{p}.key", key, qualified_name_msgs)
        value = as_str(errs, f"{p}.value", t.get("value")) or ""
        msgs = label_value_msgs(value)
        if msgs:
            errs.append(invalid(f"{p}.value", value, ";".join(msgs)))
        effect = t.get("effect")
        validate_taint_effect(errs, f"{p}.effect", effect, allow_empty=False)
        pair = (key, str(effect))
        if pair in seen:
            errs.append(
                StatusCause(
                    FIELD_DUPLICATE,
                    f"Duplicate value: {show(t)}: taints must be unique by key and effect pair",
                    p,
                )
            )
        seen.add(pair)
    validate_node_status(errs, obj)


def validate_node_status(errs: Errs, obj: dict[str, Any]) -> None:
    status = as_dict(errs, "status", obj.get("status")) or _EMPTY
    for key in ("capacity", "allocatable"):
        for name, q in (as_dict(errs, f"status.{key}", status.get(key)) or _EMPTY).items():
            quantity_or_cause(errs, f"status.{key}[{name}]", q)
    for i, a in enumerate(as_list(errs, "status.addresses", status.get("addresses")) or ()):
        d = as_dict(errs, f"status.addresses[{i}]", a)
        if d is not None:
            as_str(errs, f"status.addresses[{i}].type", d.get("type"))
            as_str(errs, f"status.addresses[{i}].address", d.get("address"))


def validate_node_update(errs: Errs, new: dict[str, Any], old: dict[str, Any]) -> None:
    ns: dict[str, Any] = new["spec"] if isinstance(new.get("spec"), dict) else _EMPTY
    os_: dict[str, Any] = old["spec"] if isinstance(old.get("spec"), dict) else _EMPTY
    if os_.get("podCIDR") and ns.get("podCIDR") != os_.get("podCIDR"):
        errs.append(
            forbidden(
                "spec.podCIDRs", 'node updates may not change podCIDR except from "" to valid'
            )
        )
    if os_.get("providerID") and ns.get("providerID") != os_.get("providerID"):
        errs.append(
            forbidden(
                "spec.providerID", 'node updates may not change providerID except from "" to valid'
            )
        )


def validate_event(errs: Errs, obj: dict[str, Any]) -> None:
    ns = sub(obj, "metadata").get("namespace") or ""
    involved = as_dict(errs, "involvedObject", obj.get("involvedObject")) or _EMPTY
    ins = as_str(errs, "involvedObject.namespace", involved.get("namespace")) or ""
    event_time = obj.get("eventTime")
    if not event_time:
        if (not ins and ns not in ("", "default")) or (ins and ins != ns):
            errs.append(invalid("involvedObject.namespace", ins, "does not match event.namespace"))
    else:
        if not ins and ns not in ("default", "kube-system"):
            errs.append(invalid("involvedObject.namespace", ins, "does not match event.namespace"))
        for key, limit in (
            ("reportingComponent", 0),
            ("reportingInstance", 128),
            ("action", 128),
            ("reason", 128),
        ):
            v = as_str(errs, key, obj.get(key))
            if not v:
                errs.append(required(key))
            elif limit and len(v) > limit:
                errs.append(invalid(key, "", f"can have at most {limit} characters"))
    for key in ("reason", "message", "type"):
        as_str(errs, key, obj.get(key))
    count = as_int(errs, "count", obj.get("count"))
    if count is not None and count < 0:
        errs.append(invalid("count", count, "must be greater than or equal to 0"))


def _micro_time(errs: Errs, path: str, value: Any) -> None:
    if value is None:
        return
    ok = isinstance(value, str)
    if ok:
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            ok = False
    if not ok:
        errs.append(invalid(path, value, "must be an RFC 3339 timestamp"))


def validate_lease(errs: Errs, obj: dict[str, Any]) -> None:
    spec = as_dict(errs, "spec", obj.get("spec")) or _EMPTY
    as_str(errs, "spec.holderIdentity", spec.get("holderIdentity"))
    dur = as_int(errs, "spec.leaseDurationSeconds", spec.get("leaseDurationSeconds"))
    if dur is not None and dur <= 0:
        errs.append(invalid("spec.leaseDurationSeconds", dur, "must be greater than 0"))
    trans = as_int(errs, "spec.leaseTransitions", spec.get("leaseTransitions"))
    if trans is not None and trans < 0:
        errs.append(invalid("spec.leaseTransitions", trans, "must be greater than or equal to 0"))
    for key in ("acquireTime", "renewTime"):
        _micro_time(errs, f"spec.{key}", spec.get(key))
    preferred = as_str(errs, "spec.preferredHolder", spec.get("preferredHolder"))
    if preferred and not spec.get("strategy"):
        errs.append(
            forbidden("spec.preferredHolder", "may only be specified if `strategy` is defined")
        )


def validate_priorityclass(errs: Errs, obj: dict[str, Any]) -> None:
    name = sub(obj, "metadata").get("name") or ""
    value = as_int(errs, "value", obj.get("value"))
    if value is not None and not -2147483648 <= value <= 2147483647:
        errs.append(invalid("value", value, "must be a 32-bit integer"))
    default = as_bool(errs, "globalDefault", obj.get("globalDefault")) or False
    as_str(errs, "description", obj.get("description"))
    if isinstance(name, str) and name.startswith("system-"):
        detail = ""
        if name not in SYSTEM_PRIORITY_CLASSES:
            detail = f"{name} is not a known system priority class"
        elif (value or 0) != SYSTEM_PRIORITY_CLASSES[name]:
            detail = f"value of {name} PriorityClass must be {SYSTEM_PRIORITY_CLASSES[name]}"
        elif default:
            detail = f"globalDefault of {name} PriorityClass must be false"
        if detail:
            errs.append(
                forbidden(
                    "metadata.name",
                    "priority class names with 'system-' prefix "
                    f"are reserved for system use only. error: "
                    f"{detail}",
                )
            )
    elif value is not None and value > HIGHEST_USER_PRIORITY:
        errs.append(
            forbidden(
                "value",
                f"maximum allowed value of a user defined priority is {HIGHEST_USER_PRIORITY}",
            )
        )
    check_enum(
        errs,
        "preemptionPolicy",
        obj.get("preemptionPolicy"),
        ("Never", "PreemptLowerPriority"),
        need=True,
    )


def validate_priorityclass_update(errs: Errs, new: dict[str, Any], old: dict[str, Any]) -> None:
    if new.get("value") != old.get("value"):
        errs.append(forbidden("value", "may not be changed in an update."))
    immutable(errs, "preemptionPolicy", new.get("preemptionPolicy"), old.get("preemptionPolicy"))
