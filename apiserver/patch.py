"""PATCH bodies: JSON merge patch, JSON patch and Kubernetes strategic merge patch.

kubectl never sends a whole object to change one: `label`, `scale` use merge patch, `rollout undo`
uses JSON patch, `apply`, `set image`, `rollout restart` and `edit` use strategic merge patch (SMP),
and `apply --server-side` sends the manifest as an apply patch. A plain merge patch replaces lists,
so a server without SMP would wipe the other containers of a Deployment on every `kubectl apply`.
SMP needs to know, per field, whether a list is merged and by which key; Kubernetes reads that
from Go struct tags, here it comes from the small `MERGE_KEYS` table.

Everything here is a pure function over JSON values: inputs are never mutated, results are new.
"""

from __future__ import annotations

import copy
from typing import Any

import jsonpatch
import jsonpointer

from machinery.errors import BadRequest, Invalid, RequestEntityTooLarge, UnsupportedMediaType

Obj = dict[str, Any]
Path = tuple[str, ...]

JSON_PATCH = "application/json-patch+json"
MERGE_PATCH = "application/merge-patch+json"
STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json"
APPLY_PATCH = "application/apply-patch+yaml"
PATCH_TYPES = (JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH)
MAX_JSON_PATCH_OPERATIONS = 10000  # as kube-apiserver

# --- merge keys --------------------------------------------------------------------------------

SET = ""  # "merge key" of a list of scalars merged as an ordered set (patchStrategy=merge, no key)

_CONTAINERS = ("containers", "initContainers", "ephemeralContainers")
_CONTAINER_LISTS = {
    "ports": "containerPort",
    "env": "name",
    "volumeMounts": "mountPath",
    "volumeDevices": "devicePath",
}
_POD_SPEC: dict[Path, str] = {
    ("volumes",): "name",
    ("imagePullSecrets",): "name",
    ("hostAliases",): "ip",
    ("topologySpreadConstraints",): "topologyKey",
    ("schedulingGates",): "name",
    ("resourceClaims",): "name",
    **{(c,): "name" for c in _CONTAINERS},
    **{(c, f): key for c in _CONTAINERS for f, key in _CONTAINER_LISTS.items()},
}
_TEMPLATE = ("spec", "template", "spec")
_APPS = ("Deployment", "ReplicaSet", "DaemonSet", "StatefulSet")
_WORKLOADS = (*_APPS, "Job", "ReplicationController")
_POD_SPEC_AT: dict[str, Path] = {
    "Pod": ("spec",),
    "PodTemplate": ("template", "spec"),
    "CronJob": ("spec", "jobTemplate", *_TEMPLATE),
    **{k: _TEMPLATE for k in _WORKLOADS},
}
_WITH_CONDITIONS = ["Pod", "Node", "Namespace", "Service", *_WORKLOADS]

# (kind, path from the object root without list indices) -> merge key; kind "*" is every kind.
# A list not in the table is atomic: a patch replaces it.
MERGE_KEYS: dict[tuple[str, Path], str] = {
    ("*", ("metadata", "ownerReferences")): "uid",
    ("*", ("metadata", "finalizers")): SET,
    ("Service", ("spec", "ports")): "port",
    ("Node", ("status", "addresses")): "type",
    ("Pod", ("status", "podIPs")): "ip",
    ("Pod", ("status", "hostIPs")): "ip",
    **{(k, ("status", "conditions")): "type" for k in _WITH_CONDITIONS},
    **{(k, at + p): key for k, at in _POD_SPEC_AT.items() for p, key in _POD_SPEC.items()},
}


def merge_key(kind: str, path: Path) -> str | None:
    """How SMP merges the list at `path`: its merge key, `SET` for scalars, None to replace it."""
    return MERGE_KEYS.get((kind, path), MERGE_KEYS.get(("*", path)))


# --- dispatch ----------------------------------------------------------------------------------


def apply_patch(original: Obj, body: Any, content_type: str, kind: str) -> Obj:
    """Apply a PATCH body of media type `content_type` to `original` (an object of `kind`)."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media == MERGE_PATCH:
        return json_merge_patch(original, body)
    if media == JSON_PATCH:
        return json_patch(original, body)
    if media == STRATEGIC_MERGE_PATCH:
        return strategic_merge_patch(original, {} if body is None else body, kind)
    if media == APPLY_PATCH:
        # Server-side apply without managed fields: merge the manifest strategically.
        if not isinstance(body, dict):
            raise BadRequest(f"error decoding YAML: expected an object, got {_go_type(body)}")
        return strategic_merge_patch(original, body, kind)
    raise UnsupportedMediaType(
        "the body of the request was in an unknown format - accepted media types include: "
        + ", ".join(PATCH_TYPES)
    )


def _go_type(value: Any) -> str:
    """The JSON type name Go's decoder uses in its error messages."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    names = {dict: "object", list: "array", str: "string", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _unmarshal_error(value: Any, go_type: str) -> str:
    return f"json: cannot unmarshal {_go_type(value)} into Go value of type {go_type}"


def _as_object(value: Any) -> Obj:
    if not isinstance(value, dict):
        raise BadRequest(f"the patched object must be a JSON object, got {_go_type(value)}")
    return value


# --- RFC 7386 ----------------------------------------------------------------------------------


def json_merge_patch(original: Obj, patch: Any) -> Obj:
    """RFC 7386: objects merge recursively, null deletes, anything else replaces."""
    return _as_object(_merge(copy.deepcopy(original), patch))


def _merge(target: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = target if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = _merge(out.get(key), value)
    return out


# --- RFC 6902 ----------------------------------------------------------------------------------


def json_patch(original: Obj, ops: Any) -> Obj:
    """RFC 6902. A malformed document is a 400; an operation that cannot apply is a 422."""
    ops = [] if ops is None else ops  # Go decodes null into an empty patch
    if not isinstance(ops, list):
        raise BadRequest(_unmarshal_error(ops, "jsonpatch.Patch"))
    if len(ops) > MAX_JSON_PATCH_OPERATIONS:
        raise RequestEntityTooLarge(
            "Request entity too large: The allowed maximum operations in a JSON patch is "
            f"{MAX_JSON_PATCH_OPERATIONS}, got {len(ops)}"
        )
    for op in ops:
        if not isinstance(op, dict):
            raise BadRequest(_unmarshal_error(op, "jsonpatch.Operation"))
    try:
        result = jsonpatch.JsonPatch(copy.deepcopy(ops)).apply(original, in_place=False)
    except (
        jsonpatch.JsonPatchException,
        jsonpointer.JsonPointerException,
        KeyError,
        IndexError,
        TypeError,
        ValueError,
    ) as e:
        raise Invalid(
            f"the server rejected our request due to an error in our request: {e}"
        ) from None
    return _as_object(result)


# --- strategic merge patch ---------------------------------------------------------------------

_DIRECTIVE = "$patch"
_RETAIN_KEYS = "$retainKeys"
_ORDER = "$setElementOrder/"
_DELETE_FROM = "$deleteFromPrimitiveList/"


def strategic_merge_patch(original: Obj, patch: Obj, kind: str) -> Obj:
    """Kubernetes strategic merge patch of `original` (an object of `kind`) with `patch`."""
    if not isinstance(patch, dict):
        raise BadRequest(_unmarshal_error(patch, "map[string]interface {}"))
    if patch.get(_DIRECTIVE) == "delete":
        return {}
    return _smp_map(copy.deepcopy(original), patch, kind, ())


def _smp_map(target: Obj, patch: Obj, kind: str, path: Path) -> Obj:
    """Merge `patch` into `target` (a private copy, changed in place) and return it."""
    directive = patch.get(_DIRECTIVE)
    if directive == "replace":
        target = {}
    elif directive is not None:
        raise BadRequest(f"unknown patch type: {directive} in map: {patch}")
    _retain_keys(target, patch)
    for key, value in patch.items():
        if key.startswith(_DELETE_FROM):
            _delete_from_primitive_list(target, key[len(_DELETE_FROM) :], value)
    for key, value in patch.items():
        if key.startswith("$"):
            continue  # directives; unknown ones are ignored, as Kubernetes does
        if value is None or (isinstance(value, dict) and value.get(_DIRECTIVE) == "delete"):
            target.pop(key, None)
        else:
            target[key] = _smp_value(target.get(key), value, kind, (*path, key))
    for key, value in patch.items():
        if key.startswith(_ORDER):
            _set_element_order(target, key[len(_ORDER) :], value, kind, path)
    return target


def _smp_value(current: Any, value: Any, kind: str, path: Path) -> Any:
    if isinstance(value, dict):
        return _smp_map(current if isinstance(current, dict) else {}, value, kind, path)
    if isinstance(value, list):
        return _smp_list(current if isinstance(current, list) else [], value, kind, path)
    return value


def _smp_list(current: list[Any], patch: list[Any], kind: str, path: Path) -> list[Any]:
    key = merge_key(kind, path)
    if key is None:  # atomic list: the patch replaces it
        return [_smp_value(None, v, kind, path) for v in patch if not _is_directive(v)]
    out, items = list(current), []
    for item in patch:
        directive = item.get(_DIRECTIVE) if isinstance(item, dict) else None
        if directive is None:
            items.append(item)
        elif directive == "replace":
            out = []
        elif directive == "delete" and key != SET:
            out = [o for o in out if not _matches(o, key, _merge_value(item, key))]
        else:
            raise BadRequest(f"unknown patch type: {directive} in map: {item}")
    if key == SET:
        if any(isinstance(v, dict | list) for v in items):
            raise BadRequest("invalid patch format of primitive list")
        return _dedupe(out + items)
    for item in items:
        value = _merge_value(item, key)
        i = next((i for i, o in enumerate(out) if _matches(o, key, value)), None)
        if i is None:
            out.append(_smp_map({}, item, kind, path))
        else:
            out[i] = _smp_map(out[i], item, kind, path)
    return out


def _is_directive(value: Any) -> bool:
    return isinstance(value, dict) and _DIRECTIVE in value


def _merge_value(item: Any, key: str) -> Any:
    if not isinstance(item, dict) or key not in item:
        raise BadRequest(f"map: {item} does not contain declared merge key: {key}")
    return item[key]


def _matches(item: Any, key: str, value: Any) -> bool:
    return isinstance(item, dict) and key in item and item[key] == value


def _dedupe(values: list[Any]) -> list[Any]:
    out: list[Any] = []
    for v in values:
        if v not in out:
            out.append(v)
    return out


def _retain_keys(target: Obj, patch: Obj) -> None:
    """`$retainKeys`: clear the fields it does not list; the patch may only set listed ones."""
    if _RETAIN_KEYS not in patch:
        return
    keep = patch[_RETAIN_KEYS]
    if not isinstance(keep, list):
        raise BadRequest("invalid patch format of retainKeys")
    for key, value in patch.items():
        if value is not None and not key.startswith("$") and key not in keep:
            raise BadRequest("invalid patch format of retainKeys")
    for key in [k for k in target if k not in keep]:
        del target[key]


def _delete_from_primitive_list(target: Obj, field: str, values: Any) -> None:
    if not isinstance(values, list):
        raise BadRequest("invalid patch format of primitive list")
    current = target.get(field)
    if isinstance(current, list):
        target[field] = [v for v in current if v not in values]


def _set_element_order(target: Obj, field: str, order: Any, kind: str, path: Path) -> None:
    """Items named in `order` come first, in that order; the others follow as they were."""
    if not isinstance(order, list):
        raise BadRequest(f"invalid patch format of setElementOrder list: {_ORDER}{field}")
    current = target.get(field)
    if not isinstance(current, list):
        return
    key = merge_key(kind, (*path, field))

    def ident(v: Any) -> Any:
        return v.get(key) if key and isinstance(v, dict) else v

    wanted = [ident(v) for v in order]

    def rank(v: Any) -> int:
        i = ident(v)
        return wanted.index(i) if i in wanted else len(wanted)

    target[field] = sorted(current, key=rank)
