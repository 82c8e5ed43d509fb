"""Validation of every kind the apiserver serves, as kube-apiserver validates it.

Entry points (run after `apiserver.defaults.apply_defaults`):

- `validate_create(kind, obj)`: metadata rules plus the kind's own rules;
- `validate_update(kind, new, old)`: everything `validate_create` checks on `new`, plus
  immutability (metadata identity, selectors, pod spec, clusterIP, ...);
- `validate_status_update(kind, new, old)`: light checks on a `/status` write.

Each returns a list of `StatusCause` (empty when valid) carrying Kubernetes' field paths
and messages; the caller wraps them in one 422 `Invalid` (see `machinery.errors`).
Objects are untrusted JSON: a wrong type becomes a cause, never an exception.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from apiserver.registry import RESOURCES
from machinery.errors import StatusCause

from . import apps, batch, config, other, pod, service, status
from .common import Errs, type_error
from .meta import NameFn, validate_object_meta, validate_object_meta_update
from .names import dns1035_label_msgs, dns1123_label_msgs, dns1123_subdomain_msgs

__all__ = ["validate_create", "validate_status_update", "validate_update"]

Check = Callable[[Errs, dict[str, Any]], None]
UpdateCheck = Callable[[Errs, dict[str, Any], dict[str, Any]], None]

_NAMESPACED = {r.kind: r.namespaced for r in RESOURCES}
_NAME_FN: dict[str, NameFn] = {
    "Namespace": dns1123_label_msgs,
    "Service": dns1035_label_msgs,
}
_CREATE: dict[str, Check] = {
    "Pod": pod.validate_pod,
    "Service": service.validate_service,
    "Endpoints": service.validate_endpoints,
    "EndpointSlice": service.validate_endpointslice,
    "ConfigMap": config.validate_configmap,
    "Secret": config.validate_secret,
    "ServiceAccount": config.validate_serviceaccount,
    "Namespace": other.validate_namespace,
    "Node": other.validate_node,
    "Event": other.validate_event,
    "Lease": other.validate_lease,
    "PriorityClass": other.validate_priorityclass,
    "Deployment": apps.validate_deployment,
    "ReplicaSet": apps.validate_replicaset,
    "DaemonSet": apps.validate_daemonset,
    "StatefulSet": apps.validate_statefulset,
    "Job": batch.validate_job,
    "CronJob": batch.validate_cronjob,
}
_UPDATE: dict[str, UpdateCheck] = {
    "Pod": pod.validate_pod_update,
    "Service": service.validate_service_update,
    "EndpointSlice": service.validate_endpointslice_update,
    "ConfigMap": config.validate_configmap_update,
    "Secret": config.validate_secret_update,
    "Node": other.validate_node_update,
    "PriorityClass": other.validate_priorityclass_update,
    "Deployment": apps.validate_selector_immutable,
    "ReplicaSet": apps.validate_selector_immutable,
    "DaemonSet": apps.validate_selector_immutable,
    "StatefulSet": apps.validate_statefulset_update,
    "Job": batch.validate_job_update,
}


def _status_of(check: Check) -> UpdateCheck:
    return lambda errs, new, old: check(errs, new)


def _counters(kind: str) -> UpdateCheck:
    return lambda errs, new, old: status.validate_counters(errs, kind, new)


_STATUS: dict[str, UpdateCheck] = {
    "Pod": pod.validate_pod_status,
    "Node": _status_of(other.validate_node_status),
    "Namespace": _status_of(status.validate_namespace_status),
    "Service": _status_of(status.validate_service_status),
    **{k: _counters(k) for k in status.COUNTERS},
}


def _not_object(value: Any) -> list[StatusCause]:
    return [type_error("", value, "an object")]


def validate_create(kind: str, obj: dict[str, Any]) -> list[StatusCause]:
    """Every cause that makes `obj` (already defaulted) invalid for creation."""
    if not isinstance(obj, dict):
        return _not_object(obj)
    errs: Errs = []
    validate_object_meta(
        errs,
        obj,
        namespaced=_NAMESPACED.get(kind, True),
        name_fn=_NAME_FN.get(kind, dns1123_subdomain_msgs),
    )
    check = _CREATE.get(kind)
    if check is not None:
        check(errs, obj)
    return errs


def validate_update(kind: str, new: dict[str, Any], old: dict[str, Any]) -> list[StatusCause]:
    """`validate_create` on `new` plus the kind's immutability rules against `old`."""
    errs = validate_create(kind, new)
    if not isinstance(new, dict) or not isinstance(old, dict):
        return errs
    validate_object_meta_update(errs, new, old)
    check = _UPDATE.get(kind)
    if check is not None:
        check(errs, new, old)
    return errs


def validate_status_update(
    kind: str, new: dict[str, Any], old: dict[str, Any]
) -> list[StatusCause]:
    """Light checks on a status write: identity unchanged, status well-formed."""
    if not isinstance(new, dict):
        return _not_object(new)
    errs: Errs = []
    if isinstance(old, dict):
        validate_object_meta_update(errs, new, old)
    check = _STATUS.get(kind)
    if check is not None:
        check(errs, new, old if isinstance(old, dict) else {})
    elif new.get("status") is not None and not isinstance(new.get("status"), dict):
        errs.append(type_error("status", new["status"], "an object"))
    return errs
