"""Rules for system-owned metadata on create and update (uid, timestamps, generation)."""

from __future__ import annotations

import copy
import random
import uuid
from typing import Any

from apiserver.codec import now_rfc3339
from apiserver.registry import ResourceInfo
from machinery.errors import BadRequest

# Kubernetes' generateName alphabet: no vowels, no confusable digits.
_NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789"
SYSTEM_FIELDS = (
    "uid",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "generation",
    "resourceVersion",
    "selfLink",
    "managedFields",
)


def random_suffix(n: int = 5) -> str:
    return "".join(random.choice(_NAME_CHARS) for _ in range(n))


def check_type(info: ResourceInfo, obj: Any) -> dict[str, Any]:
    """The body must be an object of this resource's kind (kind/apiVersion may be left out)."""
    if not isinstance(obj, dict):
        raise BadRequest(
            "the body of the request was in an unknown format - "
            "accepted media types include: application/json, application/yaml"
        )
    kind = obj.get("kind")
    api_version = obj.get("apiVersion")
    if kind not in (None, "", info.kind) or api_version not in (None, "", info.api_version):
        raise BadRequest(
            f"the API version in the data ({api_version}) does not match the expected API "
            f"version ({info.api_version})"
            if api_version not in (None, "", info.api_version)
            else f"kind in the data ({kind}) does not match the expected kind ({info.kind})"
        )
    meta = obj.get("metadata")
    if meta is None:
        obj["metadata"] = {}
    elif not isinstance(meta, dict):
        raise BadRequest("metadata must be an object")
    obj["kind"] = info.kind
    obj["apiVersion"] = info.api_version
    return obj


def check_namespace(info: ResourceInfo, obj: dict[str, Any], namespace: str | None) -> None:
    meta = obj["metadata"]
    if not info.namespaced:
        meta.pop("namespace", None)
        return
    given = meta.get("namespace")
    if given and namespace and given != namespace:
        raise BadRequest(
            "the namespace of the provided object does not match the namespace sent on the request"
        )
    if namespace:
        meta["namespace"] = namespace


def prepare_create(info: ResourceInfo, obj: dict[str, Any]) -> None:
    meta = obj["metadata"]
    for f in SYSTEM_FIELDS:
        meta.pop(f, None)
    if not meta.get("name") and meta.get("generateName"):
        meta["name"] = str(meta["generateName"]) + random_suffix()
    meta["uid"] = str(uuid.uuid4())
    meta["creationTimestamp"] = now_rfc3339()
    if "spec" in obj:
        meta["generation"] = 1
    if info.has_status:
        obj["status"] = _initial_status(info, obj)


def _initial_status(info: ResourceInfo, obj: dict[str, Any]) -> dict[str, Any]:
    if info.kind == "Pod":
        return {"phase": "Pending"}
    if info.kind == "Namespace":
        return {"phase": "Active"}
    if info.kind == "Node":
        status = obj.get("status")
        return copy.deepcopy(status) if isinstance(status, dict) else {}
    if info.kind == "Service":
        return {"loadBalancer": {}}
    return {}


def prepare_update(
    info: ResourceInfo, new: dict[str, Any], old: dict[str, Any], *, subresource: str = ""
) -> dict[str, Any]:
    """Carry system fields over from old; for the status subresource only status changes."""
    if subresource == "status":
        out = copy.deepcopy(old)
        out["status"] = new.get("status", {})
        meta = new.get("metadata") or {}
        out["metadata"]["resourceVersion"] = meta.get("resourceVersion", "")
        return out
    if subresource == "finalize":  # namespaces/finalize changes spec.finalizers only
        out = copy.deepcopy(old)
        finalizers = (new.get("spec") or {}).get("finalizers") or []
        out.setdefault("spec", {})["finalizers"] = list(finalizers)
        return out
    meta = new["metadata"]
    old_meta = old["metadata"]
    for f in (
        "uid",
        "creationTimestamp",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "namespace",
        "name",
    ):
        if f in old_meta:
            meta[f] = old_meta[f]
        else:
            meta.pop(f, None)
    meta.pop("managedFields", None)
    meta.pop("selfLink", None)
    if info.has_status:
        if "status" in old:
            new["status"] = copy.deepcopy(old["status"])
        else:
            new.pop("status", None)
    if info.kind == "Namespace" and isinstance(new.get("spec", {}), dict):
        # only namespaces/finalize may change them
        old_finalizers = (old.get("spec") or {}).get("finalizers", [])
        new.setdefault("spec", {})["finalizers"] = copy.deepcopy(old_finalizers)
    if info.kind == "Service":
        keep_allocations(new, old)
    if "generation" in old_meta or "spec" in new:
        gen = int(old_meta.get("generation") or 0) or 1
        if new.get("spec") != old.get("spec"):
            gen += 1
        meta["generation"] = gen
    return new


def keep_allocations(new: dict[str, Any], old: dict[str, Any]) -> None:
    """A Service update that leaves out clusterIP or nodePorts keeps the allocated ones.

    (kubectl replace and most manifests do not carry them; Kubernetes copies them over.)
    """
    spec, old_spec = new.get("spec"), old.get("spec") or {}
    if not isinstance(spec, dict) or spec.get("type") == "ExternalName":
        return
    keep_ip = old_spec.get("type") != "ExternalName" and old_spec.get("clusterIP")
    if keep_ip and not spec.get("clusterIP"):
        spec["clusterIP"] = old_spec["clusterIP"]
        spec["clusterIPs"] = list(old_spec.get("clusterIPs") or [old_spec["clusterIP"]])
    if spec.get("type") not in ("NodePort", "LoadBalancer"):
        return
    allocated = {
        (p.get("port"), p.get("protocol") or "TCP"): p.get("nodePort")
        for p in old_spec.get("ports") or []
        if isinstance(p, dict) and p.get("nodePort")
    }
    for p in spec.get("ports") or []:
        if isinstance(p, dict) and not p.get("nodePort"):
            node_port = allocated.get((p.get("port"), p.get("protocol") or "TCP"))
            if node_port:
                p["nodePort"] = node_port
