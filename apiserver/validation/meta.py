"""ObjectMeta and label selectors: the rules every kind shares (ValidateObjectMeta & co)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .common import (
    Errs,
    as_bool,
    as_dict,
    as_list,
    as_str,
    as_str_map,
    check_msgs,
    forbidden,
    immutable,
    invalid,
    required,
    required_detail,
    too_long,
    type_error,
)
from .names import dns1123_label_msgs, label_value_msgs, qualified_name_msgs

NameFn = Callable[[str], tuple[str, ...]]

TOTAL_ANNOTATION_SIZE = 256 * 1024
STANDARD_FINALIZERS = frozenset({"kubernetes", "orphan", "foregroundDeletion"})
_EMPTY: dict[str, Any] = {}


def validate_object_meta(
    errs: Errs, obj: dict[str, Any], *, namespaced: bool, name_fn: NameFn
) -> dict[str, Any]:
    """Validate `metadata`; returns it (or an empty dict) for the kind's own checks."""
    meta = as_dict(errs, "metadata", obj.get("metadata"))
    if meta is None:
        meta = _EMPTY
    raw_name = meta.get("name")
    if raw_name is None or raw_name == "":
        errs.append(required_detail("metadata.name", "name or generateName is required"))
    else:
        name = as_str(errs, "metadata.name", raw_name)
        if name:
            check_msgs(errs, "metadata.name", name, name_fn)
    gen = as_str(errs, "metadata.generateName", meta.get("generateName"))
    if gen:
        masked = gen[:-1] + "a" if gen.endswith("-") else gen
        for msg in name_fn(masked):
            errs.append(invalid("metadata.generateName", gen, msg))
    ns = as_str(errs, "metadata.namespace", meta.get("namespace"))
    if namespaced:
        if not ns:
            errs.append(required("metadata.namespace"))
        else:
            check_msgs(errs, "metadata.namespace", ns, dns1123_label_msgs)
    elif ns:
        errs.append(forbidden("metadata.namespace", "not allowed on this type"))
    labels = meta.get("labels")
    if labels:
        validate_labels(errs, "metadata.labels", labels)
    annotations = meta.get("annotations")
    if annotations:
        validate_annotations(errs, "metadata.annotations", annotations)
    refs = meta.get("ownerReferences")
    if refs:
        _owner_references(errs, refs)
    finalizers = meta.get("finalizers")
    if finalizers:
        _finalizers(errs, finalizers)
    return meta


def validate_labels(errs: Errs, path: str, labels: Any) -> None:
    d = as_str_map(errs, path, labels)
    if not d:
        return
    for k, v in d.items():
        for msg in qualified_name_msgs(k):
            errs.append(invalid(path, k, msg))
        for msg in label_value_msgs(v):
            errs.append(invalid(path, v, msg))


def validate_annotations(errs: Errs, path: str, annotations: Any) -> None:
    d = as_str_map(errs, path, annotations)
    if not d:
        return
    size = 0
    for k, v in d.items():
        for msg in qualified_name_msgs(k.lower()):
            errs.append(invalid(path, k, msg))
        size += len(k) + len(v)
    if size > TOTAL_ANNOTATION_SIZE:
        errs.append(too_long(path, TOTAL_ANNOTATION_SIZE))


def _owner_references(errs: Errs, refs: Any) -> None:
    base = "metadata.ownerReferences"
    items = as_list(errs, base, refs)
    if not items:
        return
    controllers = []
    for i, ref in enumerate(items):
        p = f"{base}[{i}]"
        r = as_dict(errs, p, ref)
        if r is None:
            continue
        for key, detail in (
            ("apiVersion", "version must not be empty"),
            ("kind", "kind must not be empty"),
            ("name", "name must not be empty"),
            ("uid", "uid must not be empty"),
        ):
            v = as_str(errs, f"{p}.{key}", r.get(key))
            if not v:
                errs.append(invalid(f"{p}.{key}", v or "", detail))
        as_bool(errs, f"{p}.blockOwnerDeletion", r.get("blockOwnerDeletion"))
        if as_bool(errs, f"{p}.controller", r.get("controller")):
            controllers.append(f"{r.get('kind')}/{r.get('name')}")
    if len(controllers) > 1:
        errs.append(
            invalid(
                base,
                refs,
                'Only one reference can have Controller set to true. Found "true" in '
                f"references for {' and '.join(controllers)}",
            )
        )


def _finalizers(errs: Errs, finalizers: Any) -> None:
    base = "metadata.finalizers"
    items = as_list(errs, base, finalizers)
    if not items:
        return
    for i, f in enumerate(items):
        validate_finalizer_name(errs, f"{base}[{i}]", f)
    if "orphan" in items and "foregroundDeletion" in items:
        errs.append(
            invalid(base, items, "finalizer orphan and foregroundDeletion cannot be both set")
        )


def validate_finalizer_name(errs: Errs, path: str, value: Any) -> None:
    f = as_str(errs, path, value)
    if f is None:
        return
    check_msgs(errs, path, f, qualified_name_msgs)
    if "/" not in f and f not in STANDARD_FINALIZERS:
        errs.append(
            invalid(path, f, "name is neither a standard finalizer name nor is it fully qualified")
        )


def validate_object_meta_update(errs: Errs, new: dict[str, Any], old: dict[str, Any]) -> None:
    """The parts of metadata that never change after create."""
    nm = new.get("metadata")
    om = old.get("metadata")
    if not isinstance(nm, dict) or not isinstance(om, dict):
        return
    for key in ("name", "namespace", "uid", "creationTimestamp"):
        if key in om and om.get(key):
            immutable(errs, f"metadata.{key}", nm.get(key), om.get(key))


def selector_is_empty(selector: dict[str, Any]) -> bool:
    return not selector.get("matchLabels") and not selector.get("matchExpressions")


def validate_label_selector(errs: Errs, path: str, selector: Any) -> dict[str, Any] | None:
    """A metav1.LabelSelector; returns it when it is well-formed enough to evaluate."""
    sel = as_dict(errs, path, selector)
    if sel is None:
        return None
    before = len(errs)
    ml = sel.get("matchLabels")
    if ml:
        validate_labels(errs, f"{path}.matchLabels", ml)
    exprs = as_list(errs, f"{path}.matchExpressions", sel.get("matchExpressions"))
    for i, expr in enumerate(exprs or ()):
        p = f"{path}.matchExpressions[{i}]"
        e = as_dict(errs, p, expr)
        if e is None:
            if expr is None:
                errs.append(type_error(p, expr, "an object"))
            continue
        op = e.get("operator")
        values = as_list(errs, f"{p}.values", e.get("values"))
        if op in ("In", "NotIn"):
            if not values:
                errs.append(
                    required_detail(
                        f"{p}.values", "must be specified when `operator` is 'In' or 'NotIn'"
                    )
                )
        elif op in ("Exists", "DoesNotExist"):
            if values:
                errs.append(
                    forbidden(
                        f"{p}.values",
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    )
                )
        else:
            errs.append(invalid(f"{p}.operator", op, "not a valid selector operator"))
        key = as_str(errs, f"{p}.key", e.get("key"))
        check_msgs(errs, f"{p}.key", key or "", qualified_name_msgs)
        for j, v in enumerate(values or ()):
            vs = as_str(errs, f"{p}.values[{j}]", v)
            if vs is not None:
                check_msgs(errs, f"{p}.values[{j}]", vs, label_value_msgs)
    return sel if len(errs) == before else None


def selector_matches(selector: dict[str, Any], labels: dict[str, Any] | None) -> bool:
    """Whether a (valid) label selector selects the given labels."""
    labels = labels or {}
    for k, v in (selector.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    for e in selector.get("matchExpressions") or ():
        op, key, values = e.get("operator"), e.get("key"), e.get("values") or ()
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True
