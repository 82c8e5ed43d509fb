"""batch/v1: Job and CronJob."""

from __future__ import annotations

import zoneinfo
from functools import lru_cache
from typing import Any

from machinery.errors import FIELD_INVALID, StatusCause

from .common import (
    Errs,
    as_bool,
    as_dict,
    as_str,
    check_enum,
    check_nonneg,
    go_map,
    immutable,
    invalid,
    not_supported,
    required,
    required_detail,
    sub,
)
from .cron import parse_schedule_error
from .meta import selector_is_empty, selector_matches, validate_label_selector
from .podspec import validate_pod_template

_EMPTY: dict[str, Any] = {}
JOB_RESTART_POLICIES = ("OnFailure", "Never")


def validate_job_spec(errs: Errs, path: str, value: Any, *, in_cronjob: bool) -> None:
    """A JobSpec at `path` (`spec` of a Job, `spec.jobTemplate.spec` of a CronJob)."""
    spec = as_dict(errs, path, value)
    if spec is None:
        if value is None:
            errs.append(required(f"{path}.template.spec.containers"))
        return
    for key in (
        "parallelism",
        "completions",
        "activeDeadlineSeconds",
        "backoffLimit",
        "ttlSecondsAfterFinished",
        "backoffLimitPerIndex",
        "maxFailedIndexes",
    ):
        if key in spec:
            check_nonneg(errs, f"{path}.{key}", spec[key])
    ads = spec.get("activeDeadlineSeconds")
    if type(ads) is int and ads == 0:
        errs.append(invalid(f"{path}.activeDeadlineSeconds", 0, "must be greater than 0"))
    for key in ("suspend", "manualSelector"):
        as_bool(errs, f"{path}.{key}", spec.get(key))
    mode = spec.get("completionMode")
    check_enum(errs, f"{path}.completionMode", mode, ("Indexed", "NonIndexed"))
    if mode == "Indexed" and spec.get("completions") is None:
        errs.append(required_detail(f"{path}.completions", "when completion mode is Indexed"))
    check_enum(
        errs,
        f"{path}.podReplacementPolicy",
        spec.get("podReplacementPolicy"),
        ("Failed", "TerminatingOrFailed"),
    )
    tmpl = validate_pod_template(
        errs, f"{path}.template", spec.get("template"), restart_policies=JOB_RESTART_POLICIES
    )
    sel_raw = spec.get("selector")
    if in_cronjob:
        if sel_raw is not None:
            errs.append(invalid(f"{path}.selector", sel_raw, "`selector` will be auto-generated"))
        if spec.get("manualSelector") is True:
            errs.append(not_supported(f"{path}.manualSelector", True, ["nil", "false"]))
        return
    if sel_raw is None:
        if spec.get("manualSelector") is True:
            errs.append(required(f"{path}.selector"))
        return
    sel = validate_label_selector(errs, f"{path}.selector", sel_raw)
    if sel is None or selector_is_empty(sel) or tmpl is None:
        return
    meta = tmpl.get("metadata")
    labels = meta.get("labels") if isinstance(meta, dict) else None
    if not isinstance(labels, dict) or not selector_matches(sel, labels):
        errs.append(
            StatusCause(
                FIELD_INVALID,
                f"Invalid value: {go_map(labels)}: `selector` does not match template `labels`",
                f"{path}.template.metadata.labels",
            )
        )


def validate_job(errs: Errs, obj: dict[str, Any]) -> None:
    validate_job_spec(errs, "spec", obj.get("spec"), in_cronjob=False)


def validate_job_update(errs: Errs, new: dict[str, Any], old: dict[str, Any]) -> None:
    ns, os_ = new.get("spec"), old.get("spec")
    if not isinstance(ns, dict) or not isinstance(os_, dict):
        return
    for key in (
        "selector",
        "template",
        "completionMode",
        "podFailurePolicy",
        "backoffLimitPerIndex",
    ):
        immutable(errs, f"spec.{key}", ns.get(key), os_.get(key))
    if ns.get("completions") != os_.get("completions"):
        elastic = ns.get("completionMode") == "Indexed" and ns.get("completions") == ns.get(
            "parallelism"
        )
        if not elastic:
            immutable(errs, "spec.completions", ns.get("completions"), os_.get("completions"))


@lru_cache(maxsize=256)
def _zone_error(tz: str) -> str:
    if tz.lower() == "local":
        return (
            "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"
        )
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        if not zoneinfo.available_timezones():  # no tz database here: cannot judge
            return ""
        return f"unknown time zone {tz}"
    return ""


def validate_cronjob(errs: Errs, obj: dict[str, Any]) -> None:
    name = sub(obj, "metadata").get("name")
    if isinstance(name, str) and len(name) > 52:
        errs.append(invalid("metadata.name", name, "must be no more than 52 characters"))
    spec = as_dict(errs, "spec", obj.get("spec")) or _EMPTY
    raw = spec.get("schedule")
    schedule = as_str(errs, "spec.schedule", raw) if raw != "" else None
    if raw is None or raw == "":
        errs.append(required("spec.schedule"))
    elif schedule:
        err = parse_schedule_error(schedule)
        if err:
            errs.append(invalid("spec.schedule", schedule, err))
        if "TZ" in schedule:
            errs.append(
                invalid(
                    "spec.schedule",
                    schedule,
                    "cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
                )
            )
    tz = as_str(errs, "spec.timeZone", spec.get("timeZone"))
    if tz is not None:
        msg = _zone_error(tz)
        if msg:
            errs.append(invalid("spec.timeZone", tz, msg))
    check_enum(
        errs,
        "spec.concurrencyPolicy",
        spec.get("concurrencyPolicy"),
        ("Allow", "Forbid", "Replace"),
        need=True,
    )
    for key in ("startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit"):
        if key in spec:
            check_nonneg(errs, f"spec.{key}", spec[key])
    as_bool(errs, "spec.suspend", spec.get("suspend"))
    jt = as_dict(errs, "spec.jobTemplate", spec.get("jobTemplate"))
    if jt is None:
        if spec.get("jobTemplate") is None:
            errs.append(required("spec.jobTemplate.spec.template.spec.containers"))
        return
    validate_job_spec(errs, "spec.jobTemplate.spec", jt.get("spec"), in_cronjob=True)
