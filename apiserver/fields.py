"""Which fields each kind exposes to `?fieldSelector=`, and their values for one object.

kube-apiserver answers field selectors in two steps, and so do we: the request's field
labels are checked against the kind's field label conversion func (an unknown label is a
400 with that func's own message), then every listed or watched object is reduced to a flat
`{label: value}` set by the kind's `GetAttrs` (`ToSelectableFields`) and matched against it.
This module holds both tables for the kinds we serve. It runs once per object per list or
watch event, so it reads the plain JSON dicts directly: no models, no copies.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from apiserver.registry import RESOURCES
from machinery.errors import BadRequest
from machinery.selectors import FieldSelector, go_quote

Obj = dict[str, Any]

_NAMESPACED: dict[str, bool] = {r.kind: r.namespaced for r in RESOURCES}


def _s(value: Any) -> str:
    """A JSON scalar as the string Go's field set would hold ("" when absent)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def _bool(value: Any) -> str:
    return "true" if value is True else "false"


def _int(value: Any) -> str:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else "0"


def _pod(obj: Obj, out: dict[str, str]) -> None:
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    node = _s(spec.get("nodeName"))
    out["spec.nodeName"] = node
    out["spec.host"] = node  # old clients' name for spec.nodeName, converted by Kubernetes
    out["spec.restartPolicy"] = _s(spec.get("restartPolicy"))
    out["spec.schedulerName"] = _s(spec.get("schedulerName"))
    out["spec.serviceAccountName"] = _s(spec.get("serviceAccountName"))
    out["spec.hostNetwork"] = _bool(spec.get("hostNetwork"))
    out["status.phase"] = _s(status.get("phase"))
    pod_ip = status.get("podIP")
    if not pod_ip:
        pod_ips = status.get("podIPs") or []
        pod_ip = (pod_ips[0] or {}).get("ip") if pod_ips else ""
    out["status.podIP"] = _s(pod_ip)
    out["status.nominatedNodeName"] = _s(status.get("nominatedNodeName"))


def _event(obj: Obj, out: dict[str, str]) -> None:
    involved = obj.get("involvedObject") or {}
    for name in ("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"):
        out["involvedObject." + name] = _s(involved.get(name))
    reporting = _s(obj.get("reportingComponent"))
    out["reason"] = _s(obj.get("reason"))
    out["reportingComponent"] = reporting
    out["source"] = _s((obj.get("source") or {}).get("component")) or reporting
    out["type"] = _s(obj.get("type"))


def _secret(obj: Obj, out: dict[str, str]) -> None:
    out["type"] = _s(obj.get("type"))


def _node(obj: Obj, out: dict[str, str]) -> None:
    out["spec.unschedulable"] = _bool((obj.get("spec") or {}).get("unschedulable"))


def _namespace(obj: Obj, out: dict[str, str]) -> None:
    out["status.phase"] = _s((obj.get("status") or {}).get("phase"))


def _replica_set(obj: Obj, out: dict[str, str]) -> None:
    out["status.replicas"] = _int((obj.get("status") or {}).get("replicas"))


def _job(obj: Obj, out: dict[str, str]) -> None:
    out["status.successful"] = _int((obj.get("status") or {}).get("succeeded"))


def _service(obj: Obj, out: dict[str, str]) -> None:
    spec = obj.get("spec") or {}
    out["spec.clusterIP"] = _s(spec.get("clusterIP"))
    out["spec.type"] = _s(spec.get("type"))


_EXTRA: dict[str, Callable[[Obj, dict[str, str]], None]] = {
    "Pod": _pod,
    "Event": _event,
    "Secret": _secret,
    "Node": _node,
    "Namespace": _namespace,
    "ReplicaSet": _replica_set,
    "Job": _job,
    "Service": _service,
}


def object_fields(kind: str, obj: dict[str, Any]) -> dict[str, str]:
    """The field set of one object: `metadata.name`, `metadata.namespace` and the kind's own."""
    meta = obj.get("metadata") or {}
    out = {
        "metadata.name": _s(meta.get("name")),
        "metadata.namespace": _s(meta.get("namespace")) if _NAMESPACED.get(kind, True) else "",
    }
    extra = _EXTRA.get(kind)
    if extra is not None:
        extra(obj, out)
    return out


# The field labels each kind's conversion func accepts, and how it rejects the others.
_META = frozenset({"metadata.name", "metadata.namespace"})
_SUPPORTED: dict[str, frozenset[str]] = {
    "Pod": _META | {
        "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
        "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs",
        "status.nominatedNodeName", "spec.host",
    },
    "Node": frozenset({"metadata.name", "spec.unschedulable"}),
    "Namespace": frozenset({"metadata.name", "status.phase"}),
    "Event": _META | {
        "involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
        "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
        "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type",
    },
    "Secret": _META | {"type"},
    "Service": _META | {"spec.clusterIP", "spec.type"},
    "Job": _META | {"status.successful"},
    # ReplicaSet's status.replicas is in its field set, but apps/v1 registers no conversion
    # func for it, so kube-apiserver rejects it (kubernetes/kubernetes#135136): so do we.
}  # fmt: skip


def _core_v1_rejection(label: str) -> str:
    return f"field label not supported: {label}"


def _job_rejection(label: str) -> str:
    return f"field label {go_quote(label)} not supported for batchv1.Job"


_ONLY_META = 'only "metadata.name", "metadata.namespace"'


def _default_rejection(label: str) -> str:
    """runtime.DefaultMetaV1FieldSelectorConversion's message."""
    return f"{go_quote(label)} is not a known field selector: {_ONLY_META}"


_REJECTION: dict[str, Callable[[str], str]] = {
    "Pod": _core_v1_rejection,
    "Node": _core_v1_rejection,
    "Namespace": _core_v1_rejection,
    "Event": _core_v1_rejection,
    "Secret": _core_v1_rejection,
    "Service": _core_v1_rejection,
    "Job": _job_rejection,
}


def supported_field_labels(kind: str) -> frozenset[str]:
    return _SUPPORTED.get(kind, _META)


def check_field_selector(kind: str, selector: FieldSelector) -> None:
    """Raise BadRequest, as kube-apiserver does, for the first label `kind` cannot select on."""
    supported = supported_field_labels(kind)
    for term in selector.terms:
        if term.field not in supported:
            reject = _REJECTION.get(kind, _default_rejection)
            raise BadRequest(reject(term.field))
