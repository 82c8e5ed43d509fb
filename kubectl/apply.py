"""Client-side apply: kubectl's three-way strategic merge with the last-applied annotation.

`kubeling apply` computes the same patch the real kubectl sends, so the two tools can take
turns on one object: the annotation holds the previous manifest (original), the new manifest
plus its own annotation is `modified`, the live object is `current`, and

    patch = merge(diff(original -> modified, deletions only),
                  diff(current -> modified, changes and additions only))

Lists with a merge key (containers by name, ports by containerPort...) are diffed element
by element with `$patch: delete` and `$setElementOrder/<list>` directives; other lists are
replaced whole; maps with the retainKeys strategy (Deployment spec.strategy, volumes) carry
`$retainKeys`. An empty patch means `unchanged`.
"""

from __future__ import annotations

import json
from typing import Any

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"

Obj = dict[str, Any]
Path = tuple[str, ...]

_NAME_KEYED = {
    "containers",
    "initContainers",
    "ephemeralContainers",
    "volumes",
    "env",
    "imagePullSecrets",
    "resourceClaims",
}


def merge_key(path: Path, kind: str) -> str | None:
    """The patchMergeKey of the list at `path` (map keys from the root), None if atomic."""
    field = path[-1]
    parent = path[-2] if len(path) > 1 else ""
    if field in _NAME_KEYED:
        return "name"
    if field == "ports":
        if parent in {"containers", "initContainers", "ephemeralContainers"}:
            return "containerPort"
        if kind == "Service" and path == ("spec", "ports"):
            return "port"
        return None
    return {
        "volumeMounts": "mountPath",
        "volumeDevices": "devicePath",
        "conditions": "type",
        "ownerReferences": "uid",
        "hostAliases": "ip",
        "topologySpreadConstraints": "topologyKey",
    }.get(field)


def retain_keys(path: Path, kind: str) -> bool:
    """Maps whose patch strategy includes retainKeys (a union: keep only listed keys)."""
    return (kind == "Deployment" and path == ("spec", "strategy")) or path[-1:] == ("volumes",)


def serialize(obj: Obj) -> str:
    """Go's json.Encoder output for an unstructured object: sorted keys, compact, HTML-escaped,
    ending in a newline (the exact bytes kubectl stores in the annotation)."""
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    for ch, esc in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(ch, esc)
    return text + "\n"


def with_last_applied(manifest: Obj) -> Obj:
    """The manifest with its own last-applied annotation, as kubectl's GetModifiedConfiguration."""
    obj = json.loads(json.dumps(manifest))
    meta = obj.setdefault("metadata", {})
    annotations = dict(meta.get("annotations") or {})
    annotations.pop(LAST_APPLIED, None)
    meta["annotations"] = annotations
    text = serialize(obj)
    meta["annotations"] = {**annotations, LAST_APPLIED: text}
    return obj


def last_applied(live: Obj) -> Obj | None:
    text = ((live.get("metadata") or {}).get("annotations") or {}).get(LAST_APPLIED)
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


# --- diff ------------------------------------------------------------------------------------


def _diff_maps(orig: Obj, mod: Obj, path: Path, kind: str, *, deletions: bool) -> Obj:
    """deletions=False: changes and additions only; True: deletions only."""
    patch: Obj = {}
    for key, mval in mod.items():
        if key not in orig:
            if not deletions:
                patch[key] = mval
            continue
        oval = orig[key]
        sub_path = (*path, key)
        if isinstance(oval, dict) and isinstance(mval, dict):
            sub = _diff_maps(oval, mval, sub_path, kind, deletions=deletions)
            if sub:
                if retain_keys(sub_path, kind):
                    sub["$retainKeys"] = sorted(k for k in mval if not k.startswith("$"))
                patch[key] = sub
        elif isinstance(oval, list) and isinstance(mval, list):
            _diff_lists(patch, key, oval, mval, sub_path, kind, deletions=deletions)
        elif type(oval) is not type(mval) and not _numbers(oval, mval):
            if not deletions:
                patch[key] = mval
        elif oval != mval and not deletions:
            patch[key] = mval
    if deletions:
        for key in orig:
            if key not in mod:
                patch[key] = None
    return patch


def _numbers(a: Any, b: Any) -> bool:
    return all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (a, b))


def _diff_lists(
    patch: Obj,
    key: str,
    orig: list[Any],
    mod: list[Any],
    path: Path,
    kind: str,
    *,
    deletions: bool,
) -> None:
    mkey = merge_key(path, kind)
    maps = all(isinstance(e, dict) for e in orig + mod)
    if mkey is None or not maps:
        if not deletions and orig != mod:
            patch[key] = mod
        return
    orig_by = {e.get(mkey): e for e in orig}
    mod_keys = {e.get(mkey) for e in mod}
    out: list[Any] = []
    for elem in mod:
        k = elem.get(mkey)
        if k not in orig_by:
            if not deletions:
                out.append(elem)
            continue
        sub = _diff_maps(orig_by[k], elem, path, kind, deletions=deletions)
        if sub:
            if retain_keys(path, kind):
                sub["$retainKeys"] = sorted(x for x in elem if not x.startswith("$"))
            out.append({mkey: k, **sub})
    if deletions:
        out.extend(
            {"$patch": "delete", mkey: e.get(mkey)} for e in orig if e.get(mkey) not in mod_keys
        )
    if out:
        patch[key] = out
        patch[f"$setElementOrder/{key}"] = [{mkey: e.get(mkey)} for e in mod]


def _merge_patches(a: Obj, b: Obj, path: Path, kind: str) -> Obj:
    """Combine two patches: b's values win; merge-keyed lists merge with deletes last."""
    out = dict(a)
    for key, bval in b.items():
        aval = out.get(key)
        if isinstance(aval, dict) and isinstance(bval, dict):
            out[key] = _merge_patches(aval, bval, (*path, key), kind)
        elif isinstance(aval, list) and isinstance(bval, list) and not key.startswith("$"):
            mkey = merge_key((*path, key), kind)
            if mkey is None:
                out[key] = bval
                continue
            regular: list[Any] = []
            index: dict[Any, int] = {}
            for elem in [e for e in aval if e.get("$patch") != "delete"] + bval:
                k = elem.get(mkey)
                if k in index:
                    regular[index[k]] = _merge_patches(regular[index[k]], elem, (*path, key), kind)
                else:
                    index[k] = len(regular)
                    regular.append(elem)
            deletes = [e for e in aval if e.get("$patch") == "delete"]
            out[key] = regular + deletes
        else:
            out[key] = bval
    return out


def three_way_patch(original: Obj | None, modified: Obj, current: Obj) -> Obj:
    """The strategic merge patch kubectl's client-side apply sends ({} when unchanged)."""
    kind = str(modified.get("kind", ""))
    delta = _diff_maps(current, modified, (), kind, deletions=False)
    removed = _diff_maps(original or {}, modified, (), kind, deletions=True)
    return _merge_patches(removed, delta, (), kind)
