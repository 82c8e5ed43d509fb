"""Pods: create validation, the (narrow) set of spec changes an update may make, status writes."""

from __future__ import annotations

from typing import Any

from .common import Errs, as_dict, as_list, as_str, check_enum, check_msgs, forbidden, invalid, sub
from .names import dns1123_subdomain_msgs, ip_msgs
from .podspec import validate_pod_spec

POD_UPDATE_MSG = (
    "pod updates may not change fields other than `spec.containers[*].image`,"
    "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` "
    "(only additions to existing tolerations),`spec.terminationGracePeriodSeconds` "
    "(allow it to be set to 1 if it was previously negative)"
)
PHASES = ("Failed", "Pending", "Running", "Succeeded", "Unknown")
QOS_CLASSES = ("BestEffort", "Burstable", "Guaranteed")


def validate_pod(errs: Errs, obj: dict[str, Any]) -> None:
    validate_pod_spec(errs, "spec", obj.get("spec"))
    annotations = sub(sub(obj, "metadata"), "annotations")
    if isinstance(annotations, dict) and "kubernetes.io/config.mirror" in annotations:
        spec = obj.get("spec")
        if not (isinstance(spec, dict) and spec.get("nodeName")):
            errs.append(
                invalid(
                    "metadata.annotations[kubernetes.io/config.mirror]",
                    annotations["kubernetes.io/config.mirror"],
                    "must set spec.nodeName if mirror pod annotation is set",
                )
            )


def validate_pod_update(errs: Errs, new: dict[str, Any], old: dict[str, Any]) -> None:
    ns, os_ = new.get("spec"), old.get("spec")
    if not isinstance(ns, dict) or not isinstance(os_, dict):
        return
    munged = dict(ns)
    for key in ("containers", "initContainers"):
        nc, oc = ns.get(key) or [], os_.get(key) or []
        if not isinstance(nc, list) or not isinstance(oc, list):
            continue
        if len(nc) != len(oc):
            errs.append(forbidden(f"spec.{key}", "pod updates may not add or remove containers"))
            return
        munged[key] = [
            {**c, "image": o.get("image")}
            if isinstance(c, dict) and isinstance(o, dict) and c.get("image") != o.get("image")
            else c
            for c, o in zip(nc, oc, strict=True)
        ]
        if not nc and key not in os_:
            munged.pop(key, None)
    new_ads, old_ads = ns.get("activeDeadlineSeconds"), os_.get("activeDeadlineSeconds")
    if new_ads is not None:
        if type(new_ads) is int and type(old_ads) is int and old_ads < new_ads:
            errs.append(
                invalid(
                    "spec.activeDeadlineSeconds",
                    new_ads,
                    "must be less than or equal to previous value",
                )
            )
    elif old_ads is not None:
        errs.append(
            invalid(
                "spec.activeDeadlineSeconds",
                None,
                "must not update from a positive integer to nil value",
            )
        )
    _restore(munged, os_, "activeDeadlineSeconds")
    _tolerations(errs, ns.get("tolerations"), os_.get("tolerations"))
    _restore(munged, os_, "tolerations")
    old_tgps, new_tgps = (
        os_.get("terminationGracePeriodSeconds"),
        ns.get("terminationGracePeriodSeconds"),
    )
    if type(old_tgps) is int and old_tgps < 0 and new_tgps == 1:
        _restore(munged, os_, "terminationGracePeriodSeconds")
    if not os_.get("nodeName"):
        # Binding sets nodeName once; kubeling lets the binding path reuse update.
        _restore(munged, os_, "nodeName")
    elif ns.get("nodeName") != os_.get("nodeName"):
        errs.append(invalid("spec.nodeName", ns.get("nodeName"), "field is immutable"))
        _restore(munged, os_, "nodeName")
    if munged != os_:
        errs.append(forbidden("spec", POD_UPDATE_MSG + "\n" + _changed(munged, os_)))


def _restore(munged: dict[str, Any], old: dict[str, Any], key: str) -> None:
    if key in old:
        munged[key] = old[key]
    else:
        munged.pop(key, None)


def _changed(new: dict[str, Any], old: dict[str, Any]) -> str:
    keys = sorted(k for k in set(new) | set(old) if new.get(k) != old.get(k))
    return "changed: " + ", ".join(f"spec.{k}" for k in keys)


def _strip_seconds(t: Any) -> Any:
    if isinstance(t, dict) and "tolerationSeconds" in t:
        return {k: v for k, v in t.items() if k != "tolerationSeconds"}
    return t


def _tolerations(errs: Errs, new: Any, old: Any) -> None:
    if not isinstance(old, list) or not old:
        return
    stripped_new = [_strip_seconds(t) for t in new] if isinstance(new, list) else []
    for t in old:
        if _strip_seconds(t) not in stripped_new:
            errs.append(
                forbidden(
                    "spec.tolerations",
                    "existing toleration can not be modified except its tolerationSeconds",
                )
            )
            return


def validate_pod_status(errs: Errs, new: dict[str, Any], old: dict[str, Any]) -> None:
    """Light checks on a status write (the kubelet's and the scheduler's)."""
    nspec, ospec = new.get("spec"), old.get("spec")
    node_changed = (
        isinstance(nspec, dict)
        and isinstance(ospec, dict)
        and nspec.get("nodeName") != ospec.get("nodeName")
    )
    if node_changed:
        errs.append(forbidden("status.nodeName", "may not be changed directly"))
    status = as_dict(errs, "status", new.get("status"))
    if not status:
        return
    check_enum(errs, "status.phase", status.get("phase"), PHASES)
    check_enum(errs, "status.qosClass", status.get("qosClass"), QOS_CLASSES)
    nominated = as_str(errs, "status.nominatedNodeName", status.get("nominatedNodeName"))
    if nominated:
        check_msgs(errs, "status.nominatedNodeName", nominated, dns1123_subdomain_msgs)
    for key in ("podIP", "hostIP"):
        ip = as_str(errs, f"status.{key}", status.get(key))
        if ip:
            check_msgs(errs, f"status.{key}", ip, ip_msgs)
    for key in ("podIPs", "hostIPs"):
        for i, item in enumerate(as_list(errs, f"status.{key}", status.get(key)) or ()):
            d = as_dict(errs, f"status.{key}[{i}]", item)
            ip = as_str(errs, f"status.{key}[{i}].ip", (d or {}).get("ip"))
            check_msgs(errs, f"status.{key}[{i}].ip", ip or "", ip_msgs)
    restart = ospec.get("restartPolicy") if isinstance(ospec, dict) else None
    if restart == "Never":
        _no_restart(errs, status, old.get("status"))


def _no_restart(errs: Errs, status: dict[str, Any], old_status: Any) -> None:
    """With restartPolicy Never a terminated container may not come back."""
    if not isinstance(old_status, dict):
        return
    for key in ("containerStatuses", "initContainerStatuses"):
        olds = {s.get("name"): s for s in old_status.get(key) or () if isinstance(s, dict)}
        for i, s in enumerate(status.get(key) or ()):
            if not isinstance(s, dict):
                continue
            prev = olds.get(s.get("name"))
            if (
                prev
                and "terminated" in (prev.get("state") or {})
                and "terminated" not in (s.get("state") or {})
            ):
                errs.append(
                    forbidden(
                        f"status.{key}[{i}].state",
                        "may not be transitioned to non-terminated state",
                    )
                )
