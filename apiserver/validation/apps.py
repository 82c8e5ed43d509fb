"""apps/v1: Deployment, ReplicaSet, DaemonSet, StatefulSet."""

from __future__ import annotations

from typing import Any

from machinery.errors import FIELD_INVALID, StatusCause

from .common import (
    Errs,
    as_bool,
    as_dict,
    as_list,
    check_enum,
    check_nonneg,
    forbidden,
    go_map,
    immutable,
    invalid,
    not_supported,
    required,
    sub,
    type_error,
)
from .meta import selector_is_empty, selector_matches, validate_label_selector
from .names import NEGATIVE, PERCENT, PERCENT_MSG
from .podspec import validate_pod_template

_EMPTY: dict[str, Any] = {}
STS_UPDATE_MSG = (
    "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', "
    "'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and "
    "'minReadySeconds' are forbidden"
)


def _spec(errs: Errs, obj: dict[str, Any]) -> dict[str, Any]:
    return as_dict(errs, "spec", obj.get("spec")) or _EMPTY


def _selector_and_template(
    errs: Errs, spec: dict[str, Any], *, label: str, deadline_msg: str
) -> None:
    sel = None
    if spec.get("selector") is None:
        errs.append(required("spec.selector"))
    else:
        sel = validate_label_selector(errs, "spec.selector", spec["selector"])
        if sel is not None and selector_is_empty(sel):
            errs.append(invalid("spec.selector", sel, f"empty selector is invalid for {label}"))
            sel = None
    tmpl = validate_pod_template(
        errs, "spec.template", spec.get("template"), deadline_msg=deadline_msg
    )
    if sel is not None and tmpl is not None:
        meta = tmpl.get("metadata")
        labels = meta.get("labels") if isinstance(meta, dict) else None
        if not isinstance(labels, dict) or not selector_matches(sel, labels):
            errs.append(
                StatusCause(
                    FIELD_INVALID,
                    f"Invalid value: {go_map(labels)}: `selector` does not match template `labels`",
                    "spec.template.metadata.labels",
                )
            )


def int_or_percent(errs: Errs, path: str, value: Any) -> int | None:
    """An IntOrString that must be a non-negative int or `N%`; returns the number."""
    if type(value) is int:
        if value < 0:
            errs.append(invalid(path, value, NEGATIVE))
            return None
        return value
    if type(value) is str:
        if not PERCENT.fullmatch(value):
            errs.append(invalid(path, value, PERCENT_MSG))
            return None
        return int(value[:-1])
    errs.append(type_error(path, value, "an integer or a percentage string"))
    return None


def _not_over_100(errs: Errs, path: str, value: Any, number: int | None) -> None:
    if type(value) is str and number is not None and number > 100:
        errs.append(invalid(path, value, "must not be greater than 100%"))


def _common_counts(errs: Errs, spec: dict[str, Any], *keys: str) -> None:
    for key in keys:
        if key in spec:
            check_nonneg(errs, f"spec.{key}", spec[key])


def validate_deployment(errs: Errs, obj: dict[str, Any]) -> None:
    spec = _spec(errs, obj)
    _common_counts(
        errs, spec, "replicas", "minReadySeconds", "revisionHistoryLimit", "progressDeadlineSeconds"
    )
    _selector_and_template(
        errs,
        spec,
        label="deployment",
        deadline_msg="activeDeadlineSeconds in ReplicaSet is not Supported",
    )
    as_bool(errs, "spec.paused", spec.get("paused"))
    pds, mrs = spec.get("progressDeadlineSeconds"), spec.get("minReadySeconds") or 0
    if type(pds) is int and type(mrs) is int and pds >= 0 and pds <= mrs:
        errs.append(
            invalid("spec.progressDeadlineSeconds", pds, "must be greater than minReadySeconds")
        )
    strategy = as_dict(errs, "spec.strategy", spec.get("strategy")) or _EMPTY
    stype = strategy.get("type")
    ru = strategy.get("rollingUpdate")
    check_enum(errs, "spec.strategy.type", stype, ("Recreate", "RollingUpdate"), need=True)
    if stype == "Recreate" and ru is not None:
        errs.append(
            forbidden(
                "spec.strategy.rollingUpdate",
                "may not be specified when strategy `type` is 'Recreate'",
            )
        )
    elif stype == "RollingUpdate" and ru is not None:
        r = as_dict(errs, "spec.strategy.rollingUpdate", ru) or _EMPTY
        p = "spec.strategy.rollingUpdate"
        mu_raw, ms_raw = r.get("maxUnavailable"), r.get("maxSurge")
        mu = int_or_percent(errs, f"{p}.maxUnavailable", mu_raw) if mu_raw is not None else 0
        ms = int_or_percent(errs, f"{p}.maxSurge", ms_raw) if ms_raw is not None else 0
        _not_over_100(errs, f"{p}.maxUnavailable", mu_raw, mu)
        if mu == 0 and ms == 0:
            errs.append(
                invalid(
                    f"{p}.maxUnavailable",
                    mu_raw if mu_raw is not None else 0,
                    "may not be 0 when `maxSurge` is 0",
                )
            )


def validate_replicaset(errs: Errs, obj: dict[str, Any]) -> None:
    spec = _spec(errs, obj)
    _common_counts(errs, spec, "replicas", "minReadySeconds")
    _selector_and_template(
        errs,
        spec,
        label="deployment",
        deadline_msg="activeDeadlineSeconds in ReplicaSet is not Supported",
    )


def validate_daemonset(errs: Errs, obj: dict[str, Any]) -> None:
    spec = _spec(errs, obj)
    _common_counts(errs, spec, "minReadySeconds", "revisionHistoryLimit", "templateGeneration")
    _selector_and_template(
        errs,
        spec,
        label="daemonset",
        deadline_msg="activeDeadlineSeconds in DaemonSet is not Supported",
    )
    strategy = as_dict(errs, "spec.updateStrategy", spec.get("updateStrategy")) or _EMPTY
    stype = strategy.get("type")
    check_enum(errs, "spec.updateStrategy.type", stype, ("OnDelete", "RollingUpdate"), need=True)
    if stype != "RollingUpdate":
        return
    p = "spec.updateStrategy.rollingUpdate"
    r = as_dict(errs, p, strategy.get("rollingUpdate"))
    if r is None:
        errs.append(required(p))
        return
    mu_raw, ms_raw = r.get("maxUnavailable"), r.get("maxSurge")
    mu = int_or_percent(errs, f"{p}.maxUnavailable", mu_raw) if mu_raw is not None else 0
    ms = int_or_percent(errs, f"{p}.maxSurge", ms_raw) if ms_raw is not None else 0
    _not_over_100(errs, f"{p}.maxUnavailable", mu_raw, mu)
    _not_over_100(errs, f"{p}.maxSurge", ms_raw, ms)
    if mu and ms:
        errs.append(
            invalid(f"{p}.maxSurge", ms_raw, "may not be set when maxUnavailable is non-zero")
        )
    elif mu == 0 and ms == 0:
        errs.append(
            StatusCause(
                "FieldValueRequired",
                "Required value: cannot be 0 when maxSurge is 0",
                f"{p}.maxUnavailable",
            )
        )


def validate_statefulset(errs: Errs, obj: dict[str, Any]) -> None:
    spec = _spec(errs, obj)
    _common_counts(errs, spec, "replicas", "minReadySeconds", "revisionHistoryLimit")
    _selector_and_template(
        errs,
        spec,
        label="statefulset",
        deadline_msg="activeDeadlineSeconds in StatefulSet is not Supported",
    )
    check_enum(
        errs,
        "spec.podManagementPolicy",
        spec.get("podManagementPolicy"),
        ("OrderedReady", "Parallel"),
        need=True,
    )
    if spec.get("serviceName") is not None and type(spec["serviceName"]) is not str:
        errs.append(type_error("spec.serviceName", spec["serviceName"], "a string"))
    strategy = as_dict(errs, "spec.updateStrategy", spec.get("updateStrategy")) or _EMPTY
    stype = strategy.get("type")
    check_enum(errs, "spec.updateStrategy.type", stype, ("OnDelete", "RollingUpdate"), need=True)
    ru = strategy.get("rollingUpdate")
    if stype == "OnDelete" and ru is not None:
        errs.append(
            invalid(
                "spec.updateStrategy.rollingUpdate",
                ru,
                "only allowed for updateStrategy 'RollingUpdate'",
            )
        )
    elif stype == "RollingUpdate" and ru is not None:
        r = as_dict(errs, "spec.updateStrategy.rollingUpdate", ru) or _EMPTY
        if "partition" in r:
            check_nonneg(errs, "spec.updateStrategy.rollingUpdate.partition", r["partition"])
        if r.get("maxUnavailable") is not None:
            p = "spec.updateStrategy.rollingUpdate.maxUnavailable"
            n = int_or_percent(errs, p, r["maxUnavailable"])
            if n == 0:
                errs.append(invalid(p, r["maxUnavailable"], "cannot be 0"))
            _not_over_100(errs, p, r["maxUnavailable"], n)
    policy = as_dict(
        errs,
        "spec.persistentVolumeClaimRetentionPolicy",
        spec.get("persistentVolumeClaimRetentionPolicy"),
    )
    for key in ("whenDeleted", "whenScaled"):
        v = (policy or _EMPTY).get(key)
        if policy is not None and v not in ("Retain", "Delete"):
            errs.append(
                not_supported(
                    f"spec.persistentVolumeClaimRetentionPolicy.{key}", v, ["Retain", "Delete"]
                )
            )
    ordinals = as_dict(errs, "spec.ordinals", spec.get("ordinals"))
    if ordinals and "start" in ordinals:
        check_nonneg(errs, "spec.ordinals.start", ordinals["start"])
    for i, t in enumerate(
        as_list(errs, "spec.volumeClaimTemplates", spec.get("volumeClaimTemplates")) or ()
    ):
        d = as_dict(errs, f"spec.volumeClaimTemplates[{i}]", t)
        if d is not None and not sub(d, "metadata").get("name"):
            errs.append(required(f"spec.volumeClaimTemplates[{i}].metadata.name"))


def validate_selector_immutable(errs: Errs, new: dict[str, Any], old: dict[str, Any]) -> None:
    """apps/v1 selectors never change (Deployment, ReplicaSet, DaemonSet, StatefulSet)."""
    ns, os_ = new.get("spec"), old.get("spec")
    if isinstance(ns, dict) and isinstance(os_, dict):
        immutable(errs, "spec.selector", ns.get("selector"), os_.get("selector"))


def validate_statefulset_update(errs: Errs, new: dict[str, Any], old: dict[str, Any]) -> None:
    ns, os_ = new.get("spec"), old.get("spec")
    if not isinstance(ns, dict) or not isinstance(os_, dict):
        return
    mutable = (
        "replicas",
        "template",
        "updateStrategy",
        "minReadySeconds",
        "ordinals",
        "revisionHistoryLimit",
        "persistentVolumeClaimRetentionPolicy",
    )
    a = {k: v for k, v in ns.items() if k not in mutable}
    b = {k: v for k, v in os_.items() if k not in mutable}
    if a != b:
        errs.append(forbidden("spec", STS_UPDATE_MSG))
