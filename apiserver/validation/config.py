"""ConfigMap, Secret and ServiceAccount: key formats, sizes, immutability."""

from __future__ import annotations

import binascii
from base64 import b64decode
from typing import Any

import orjson

from .common import (
    Errs,
    as_bool,
    as_dict,
    as_list,
    as_str,
    as_str_map,
    forbidden,
    immutable,
    invalid,
    required,
    sub,
    too_long,
)
from .names import config_key_msgs

MAX_SIZE = 1024 * 1024
REDACTED = "<secret contents redacted>"
_EMPTY: dict[str, Any] = {}
# Secret type -> keys its data must hold (any one of them for basic-auth).
_TYPE_KEYS = {
    "kubernetes.io/dockercfg": (".dockercfg",),
    "kubernetes.io/dockerconfigjson": (".dockerconfigjson",),
    "kubernetes.io/ssh-auth": ("ssh-privatekey",),
    "kubernetes.io/tls": ("tls.crt", "tls.key"),
}


def _keys(errs: Errs, field: str, data: dict[str, Any]) -> None:
    for key in data:
        for msg in config_key_msgs(key):
            errs.append(invalid(f"{field}[{key}]", key, msg))


def _decoded(errs: Errs, field: str, data: dict[str, Any], *, redact: bool) -> dict[str, bytes]:
    """Base64-decode a map of `[]byte` values (as Kubernetes' JSON decoding does)."""
    out: dict[str, bytes] = {}
    for key, value in data.items():
        shown = REDACTED if redact else value
        if type(value) is not str:
            errs.append(
                invalid(
                    f"{field}[{key}]",
                    shown if redact else str(value),
                    "must be a base64-encoded string",
                )
            )
            continue
        try:
            out[key] = b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            errs.append(invalid(f"{field}[{key}]", shown, "illegal base64 data"))
    return out


def validate_configmap(errs: Errs, obj: dict[str, Any]) -> None:
    data = as_str_map(errs, "data", obj.get("data")) or _EMPTY
    binary = as_dict(errs, "binaryData", obj.get("binaryData")) or _EMPTY
    _keys(errs, "data", data)
    _keys(errs, "binaryData", binary)
    for key in data:
        if key in binary:
            errs.append(invalid(f"data[{key}]", key, "duplicate of key present in binaryData"))
    size = sum(len(v.encode()) for v in data.values())
    size += sum(len(v) for v in _decoded(errs, "binaryData", binary, redact=False).values())
    if size > MAX_SIZE:
        errs.append(too_long("", MAX_SIZE))
    as_bool(errs, "immutable", obj.get("immutable"))


def validate_secret(errs: Errs, obj: dict[str, Any]) -> None:
    data = as_dict(errs, "data", obj.get("data")) or _EMPTY
    _keys(errs, "data", data)
    decoded = _decoded(errs, "data", data, redact=True)
    string_data = as_str_map(errs, "stringData", obj.get("stringData")) or _EMPTY
    _keys(errs, "stringData", string_data)
    size = sum(len(v) for v in decoded.values())
    if size > MAX_SIZE:
        errs.append(too_long("data", MAX_SIZE))
    as_bool(errs, "immutable", obj.get("immutable"))
    stype = as_str(errs, "type", obj.get("type"))
    keys = set(data) | set(string_data)
    if stype == "kubernetes.io/service-account-token":
        ann = sub(sub(obj, "metadata"), "annotations")
        if not isinstance(ann, dict) or not ann.get("kubernetes.io/service-account.name"):
            errs.append(required("metadata.annotations[kubernetes.io/service-account.name]"))
    elif stype == "kubernetes.io/basic-auth":
        if "username" not in keys and "password" not in keys:
            errs.append(required("data[username]"))
            errs.append(required("data[password]"))
    elif stype in _TYPE_KEYS:
        for key in _TYPE_KEYS[stype]:
            if key not in keys:
                errs.append(required(f"data[{key}]"))
        for key in (".dockercfg", ".dockerconfigjson"):
            if key in decoded:
                try:
                    orjson.loads(decoded[key])
                except orjson.JSONDecodeError as exc:
                    errs.append(invalid(f"data[{key}]", REDACTED, str(exc)))


def validate_immutable_data(
    errs: Errs, new: dict[str, Any], old: dict[str, Any], fields: tuple[str, ...]
) -> None:
    """Once `immutable: true`, neither the flag nor the data may change."""
    if old.get("immutable") is not True:
        return
    msg = "field is immutable when `immutable` is set"
    if new.get("immutable") is not True:
        errs.append(forbidden("immutable", msg))
    for f in fields:
        if (new.get(f) or None) != (old.get(f) or None):
            errs.append(forbidden(f, msg))


def validate_configmap_update(errs: Errs, new: dict[str, Any], old: dict[str, Any]) -> None:
    validate_immutable_data(errs, new, old, ("data", "binaryData"))


def validate_secret_update(errs: Errs, new: dict[str, Any], old: dict[str, Any]) -> None:
    immutable(errs, "type", new.get("type"), old.get("type"))
    validate_immutable_data(errs, new, old, ("data",))


def validate_serviceaccount(errs: Errs, obj: dict[str, Any]) -> None:
    as_bool(errs, "automountServiceAccountToken", obj.get("automountServiceAccountToken"))
    for key in ("secrets", "imagePullSecrets"):
        for i, ref in enumerate(as_list(errs, key, obj.get(key)) or ()):
            d = as_dict(errs, f"{key}[{i}]", ref)
            if d is not None:
                as_str(errs, f"{key}[{i}].name", d.get("name"))
