"""Scheduling constraints in a pod spec: tolerations, affinity, topology spread."""

from __future__ import annotations

from typing import Any

from .common import (
    Errs,
    as_dict,
    as_int,
    as_list,
    as_str,
    check_msgs,
    duplicate,
    forbidden,
    invalid,
    not_supported,
    required,
    required_detail,
)
from .meta import validate_label_selector
from .names import dns1123_label_msgs, label_value_msgs, qualified_name_msgs

TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"]
NODE_SELECTOR_OPS = ["DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn"]


def validate_taint_effect(errs: Errs, path: str, effect: Any, *, allow_empty: bool) -> None:
    if not effect:
        if not allow_empty:
            errs.append(required(path))
        return
    if effect not in TAINT_EFFECTS:
        errs.append(not_supported(path, effect, TAINT_EFFECTS))


# The tolerations DefaultTolerationSeconds adds to every pod: known valid, skipped quickly.
_DEFAULT_TOLERATIONS = tuple(
    {"key": key, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}
    for key in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable")
)


def validate_tolerations(errs: Errs, path: str, value: Any) -> None:
    items = as_list(errs, path, value)
    for i, item in enumerate(items or ()):
        if item in _DEFAULT_TOLERATIONS:
            continue
        p = f"{path}[{i}]"
        t = as_dict(errs, p, item)
        if t is None:
            continue
        key = as_str(errs, f"{p}.key", t.get("key")) or ""
        op = as_str(errs, f"{p}.operator", t.get("operator")) or ""
        val = as_str(errs, f"{p}.value", t.get("value")) or ""
        effect = as_str(errs, f"{p}.effect", t.get("effect")) or ""
        secs = as_int(errs, f"{p}.tolerationSeconds", t.get("tolerationSeconds"))
        if key:
            check_msgs(errs, f"{p}.key", key, qualified_name_msgs)
        elif op != "Exists":
            errs.append(
                invalid(
                    f"{p}.operator",
                    op,
                    "operator must be Exists when `key` is "
                    'empty, which means "match all values '
                    'and all keys"',
                )
            )
        if secs is not None and effect != "NoExecute":
            errs.append(
                invalid(
                    f"{p}.effect",
                    effect,
                    "effect must be 'NoExecute' when `tolerationSeconds` is set",
                )
            )
        if op in ("Equal", ""):
            for msg in label_value_msgs(val):
                errs.append(invalid(f"{p}.operator", val, msg))
        elif op == "Exists":
            if val:
                errs.append(
                    invalid(f"{p}.operator", t, "value must be empty when `operator` is 'Exists'")
                )
        else:
            errs.append(not_supported(f"{p}.operator", op, ["Equal", "Exists"]))
        validate_taint_effect(errs, f"{p}.effect", effect, allow_empty=True)


def _node_selector_requirement(errs: Errs, p: str, value: Any, *, fields: bool) -> None:
    rq = as_dict(errs, p, value)
    if rq is None:
        return
    op = rq.get("operator")
    values = as_list(errs, f"{p}.values", rq.get("values")) or []
    if op in ("In", "NotIn"):
        if not values:
            errs.append(
                required_detail(
                    f"{p}.values", "must be specified when `operator` is 'In' or 'NotIn'"
                )
            )
        elif fields and len(values) != 1:
            errs.append(
                required_detail(
                    f"{p}.values",
                    "must be only one value when `operator` "
                    "is 'In' or 'NotIn' for node field "
                    "selector",
                )
            )
    elif op in ("Exists", "DoesNotExist") and not fields:
        if values:
            errs.append(
                forbidden(
                    f"{p}.values",
                    "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                )
            )
    elif op in ("Gt", "Lt") and not fields:
        if len(values) != 1:
            errs.append(
                required_detail(
                    f"{p}.values", "must be specified single value when `operator` is 'Lt' or 'Gt'"
                )
            )
    else:
        errs.append(
            not_supported(f"{p}.operator", op, ["In", "NotIn"] if fields else NODE_SELECTOR_OPS)
        )
    key = as_str(errs, f"{p}.key", rq.get("key")) or ""
    if fields:
        if key != "metadata.name":
            errs.append(invalid(f"{p}.key", key, "not a valid field selector key"))
    else:
        check_msgs(errs, f"{p}.key", key, qualified_name_msgs)


def _node_selector_term(errs: Errs, p: str, value: Any) -> None:
    term = as_dict(errs, p, value)
    if term is None:
        return
    for key, fields in (("matchExpressions", False), ("matchFields", True)):
        exprs = as_list(errs, f"{p}.{key}", term.get(key))
        for j, e in enumerate(exprs or ()):
            _node_selector_requirement(errs, f"{p}.{key}[{j}]", e, fields=fields)


def _weight(errs: Errs, p: str, value: Any) -> None:
    w = as_int(errs, p, value)
    if w is None or not 1 <= w <= 100:
        errs.append(invalid(p, value, "must be in the range 1-100"))


def _pod_affinity_term(errs: Errs, p: str, value: Any) -> None:
    term = as_dict(errs, p, value)
    if term is None:
        return
    if term.get("labelSelector") is not None:
        validate_label_selector(errs, f"{p}.labelSelector", term["labelSelector"])
    namespaces = as_list(errs, f"{p}.namespaces", term.get("namespaces"))
    for j, ns in enumerate(namespaces or ()):
        check_msgs(
            errs, f"{p}.namespaces[{j}]", ns if isinstance(ns, str) else "", dns1123_label_msgs
        )
    tk = as_str(errs, f"{p}.topologyKey", term.get("topologyKey"))
    if not tk:
        errs.append(required_detail(f"{p}.topologyKey", "can not be empty"))
    else:
        check_msgs(errs, f"{p}.topologyKey", tk, qualified_name_msgs)


def validate_affinity(errs: Errs, path: str, value: Any) -> None:
    aff = as_dict(errs, path, value)
    if not aff:
        return
    na = as_dict(errs, f"{path}.nodeAffinity", aff.get("nodeAffinity"))
    if na:
        p = f"{path}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
        req = as_dict(errs, p, na.get("requiredDuringSchedulingIgnoredDuringExecution"))
        if req is not None:
            terms = as_list(errs, f"{p}.nodeSelectorTerms", req.get("nodeSelectorTerms"))
            if not terms:
                errs.append(
                    required_detail(
                        f"{p}.nodeSelectorTerms", "must have at least one node selector term"
                    )
                )
            for i, t in enumerate(terms or ()):
                _node_selector_term(errs, f"{p}.nodeSelectorTerms[{i}]", t)
        p = f"{path}.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution"
        prefs = as_list(errs, p, na.get("preferredDuringSchedulingIgnoredDuringExecution"))
        for i, pref in enumerate(prefs or ()):
            d = as_dict(errs, f"{p}[{i}]", pref)
            if d is not None:
                _weight(errs, f"{p}[{i}].weight", d.get("weight"))
                _node_selector_term(errs, f"{p}[{i}].preference", d.get("preference") or {})
    for kind in ("podAffinity", "podAntiAffinity"):
        pa = as_dict(errs, f"{path}.{kind}", aff.get(kind))
        if not pa:
            continue
        p = f"{path}.{kind}.requiredDuringSchedulingIgnoredDuringExecution"
        for i, t in enumerate(
            as_list(errs, p, pa.get("requiredDuringSchedulingIgnoredDuringExecution")) or ()
        ):
            _pod_affinity_term(errs, f"{p}[{i}]", t)
        p = f"{path}.{kind}.preferredDuringSchedulingIgnoredDuringExecution"
        for i, w in enumerate(
            as_list(errs, p, pa.get("preferredDuringSchedulingIgnoredDuringExecution")) or ()
        ):
            d = as_dict(errs, f"{p}[{i}]", w)
            if d is not None:
                _weight(errs, f"{p}[{i}].weight", d.get("weight"))
                _pod_affinity_term(errs, f"{p}[{i}].podAffinityTerm", d.get("podAffinityTerm"))


def validate_topology_spread(errs: Errs, path: str, value: Any) -> None:
    items = as_list(errs, path, value)
    seen: set[tuple[str, str]] = set()
    for i, item in enumerate(items or ()):
        p = f"{path}[{i}]"
        c = as_dict(errs, p, item)
        if c is None:
            continue
        skew = as_int(errs, f"{p}.maxSkew", c.get("maxSkew"))
        if skew is None or skew <= 0:
            errs.append(invalid(f"{p}.maxSkew", c.get("maxSkew"), "must be greater than zero"))
        tk = as_str(errs, f"{p}.topologyKey", c.get("topologyKey")) or ""
        if not tk:
            errs.append(required_detail(f"{p}.topologyKey", "can not be empty"))
        else:
            check_msgs(errs, f"{p}.topologyKey", tk, qualified_name_msgs)
        wu = c.get("whenUnsatisfiable")
        if not wu:
            errs.append(required(f"{p}.whenUnsatisfiable"))
        elif wu not in ("DoNotSchedule", "ScheduleAnyway"):
            errs.append(
                not_supported(f"{p}.whenUnsatisfiable", wu, ["DoNotSchedule", "ScheduleAnyway"])
            )
        pair = (tk, str(wu))
        if pair in seen:
            errs.append(duplicate(f"{p}", f"{{{tk}, {wu}}}"))
        seen.add(pair)
        if c.get("labelSelector") is not None:
            validate_label_selector(errs, f"{p}.labelSelector", c["labelSelector"])
