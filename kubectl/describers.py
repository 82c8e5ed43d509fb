"""Per-kind `describe` bodies: service, namespace and configmap here, pods, workloads and
nodes in their own modules, and a generic fallback for every other kind."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kubectl.describe import Writer, common_header, meta
from kubectl.describe_node import node
from kubectl.describe_pod import Fetch, pod
from kubectl.describe_workloads import deployment, replicaset
from kubectl.printers import format_labels

Obj = dict[str, Any]


def service(w: Writer, obj: Obj, fetch: Fetch) -> None:
    spec = obj.get("spec") or {}
    common_header(w, obj)
    w.line(0, "Selector:", format_labels(spec.get("selector")))
    w.line(0, "Type:", spec.get("type", "ClusterIP"))
    if spec.get("ipFamilyPolicy"):
        w.line(0, "IP Family Policy:", spec["ipFamilyPolicy"])
    if spec.get("ipFamilies"):
        w.line(0, "IP Families:", ",".join(spec["ipFamilies"]))
    w.line(0, "IP:", spec.get("clusterIP", ""))
    if spec.get("clusterIPs"):
        w.line(0, "IPs:", ",".join(spec["clusterIPs"]))
    m = meta(obj)
    eps: list[Obj] = []
    try:
        eps = fetch(
            f"/api/v1/namespaces/{m.get('namespace')}/endpoints",
            {"fieldSelector": f"metadata.name={m.get('name')}"},
        )
    except Exception:
        eps = []
    for p in spec.get("ports") or []:
        w.line(
            0, "Port:", f"{p.get('name') or '<unset>'}  {p.get('port')}/{p.get('protocol', 'TCP')}"
        )
        w.line(0, "TargetPort:", f"{p.get('targetPort', p.get('port'))}/{p.get('protocol', 'TCP')}")
        if p.get("nodePort"):
            w.line(
                0,
                "NodePort:",
                f"{p.get('name') or '<unset>'}  {p['nodePort']}/{p.get('protocol', 'TCP')}",
            )
        addrs = [
            f"{a.get('ip')}:{pp.get('port')}"
            for e in eps
            for s in e.get("subsets") or []
            for a in s.get("addresses") or []
            for pp in s.get("ports") or []
        ]
        w.line(0, "Endpoints:", ",".join(addrs) or "<none>")
    w.line(0, "Session Affinity:", spec.get("sessionAffinity", "None"))
    if spec.get("internalTrafficPolicy"):
        w.line(0, "Internal Traffic Policy:", spec["internalTrafficPolicy"])


def namespace(w: Writer, obj: Obj, fetch: Fetch) -> None:
    common_header(w, obj, namespaced=False)
    w.line(0, "Status:", (obj.get("status") or {}).get("phase", "Active"))


def configmap(w: Writer, obj: Obj, fetch: Fetch) -> None:
    common_header(w, obj)
    w.raw("")
    w.raw("Data")
    w.raw("====")
    for k, v in sorted((obj.get("data") or {}).items()):
        w.raw(f"{k}:")
        w.raw("----")
        w.raw(str(v))
        w.raw("")
    w.raw("")
    w.raw("BinaryData")
    w.raw("====")
    for k, v in sorted((obj.get("binaryData") or {}).items()):
        w.raw(f"{k}: {len(v) * 3 // 4} bytes")
    w.raw("")


def generic(w: Writer, obj: Obj, fetch: Fetch, *, namespaced: bool = True) -> None:
    """Fallback: header plus the object's other top-level sections as nested keys."""
    common_header(w, obj, namespaced=namespaced)
    w.line(0, "API Version:", obj.get("apiVersion", ""))
    w.line(0, "Kind:", obj.get("kind", ""))
    for section in sorted(k for k in obj if k not in ("apiVersion", "kind", "metadata")):
        _nested(w, 0, section, obj[section])


def smart_label(key: str) -> str:
    """`holderIdentity` -> `Holder Identity`, like kubectl's generic describer."""
    import re

    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", key)
    return words[:1].upper() + words[1:]


def _nested(w: Writer, level: int, key: str, value: Any) -> None:
    title = smart_label(key)
    if isinstance(value, dict):
        w.raw("  " * level + f"{title}:")
        for k, v in value.items():
            _nested(w, level + 1, k, v)
    elif isinstance(value, list):
        w.raw("  " * level + f"{title}:")
        for item in value:
            if isinstance(item, dict):
                for k, v in item.items():
                    _nested(w, level + 1, k, v)
            else:
                w.line(level + 1, str(item))
    else:
        w.line(level, f"{title}:", value)


DESCRIBERS: dict[str, Callable[[Writer, Obj, Fetch], None]] = {
    "Pod": pod,
    "Deployment": deployment,
    "ReplicaSet": replicaset,
    "Service": service,
    "Node": node,
    "Namespace": namespace,
    "ConfigMap": configmap,
}
