"""Small building blocks shared by every validator: typed field access and cause helpers.

Objects arrive as untrusted JSON, so every read goes through a helper that checks the
type and records a `FieldValueTypeInvalid` cause (instead of raising) when it is wrong.
Validators append causes to one list (`Errs`) and keep going, so a caller sees every
problem at once, as with kube-apiserver.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import orjson

from machinery.errors import (
    FIELD_FORBIDDEN,
    FIELD_INVALID,
    FIELD_REQUIRED,
    StatusCause,
    duplicate,
    forbidden,
    not_supported,
    required,
    too_long,
)
from machinery.errors import invalid as _invalid

from .names import IMMUTABLE, NEGATIVE

__all__ = [
    "IMMUTABLE",
    "NEGATIVE",
    "Errs",
    "as_bool",
    "as_dict",
    "as_int",
    "as_list",
    "as_str",
    "check_enum",
    "check_msgs",
    "check_nonneg",
    "duplicate",
    "forbidden",
    "immutable",
    "invalid",
    "not_found",
    "not_supported",
    "required",
    "required_detail",
    "show",
    "sub",
    "too_long",
]

Errs = list[StatusCause]
FIELD_TYPE_INVALID = "FieldValueTypeInvalid"
FIELD_NOT_FOUND = "FieldValueNotFound"


def show(value: Any, limit: int = 200) -> str:
    """Render a value for a message: strings quoted, composites as compact JSON."""
    if isinstance(value, str):
        return '"' + value + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dict | list):
        try:
            text = orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
        except TypeError:
            text = repr(value)
        return text if len(text) <= limit else text[: limit - 3] + "..."
    return str(value)


def invalid(path: str, value: Any, detail: str) -> StatusCause:
    if isinstance(value, dict | list):
        return StatusCause(FIELD_INVALID, f"Invalid value: {show(value)}: {detail}", path)
    return _invalid(path, value, detail)


def required_detail(path: str, detail: str) -> StatusCause:
    return StatusCause(FIELD_REQUIRED, f"Required value: {detail}", path)


def not_found(path: str, value: Any) -> StatusCause:
    return StatusCause(FIELD_NOT_FOUND, f"Not found: {show(value)}", path)


def forbidden_value(path: str, detail: str) -> StatusCause:
    return StatusCause(FIELD_FORBIDDEN, f"Forbidden: {detail}", path)


def type_error(path: str, value: Any, expected: str) -> StatusCause:
    return StatusCause(
        FIELD_TYPE_INVALID, f"Invalid value: {show(value, 64)}: must be {expected}", path
    )


_NONE: dict[str, Any] = {}


def sub(obj: Any, key: str) -> dict[str, Any]:
    """obj[key] when both are objects, else an empty dict (no cause: reported elsewhere)."""
    v = obj.get(key) if isinstance(obj, dict) else None
    return v if isinstance(v, dict) else _NONE


def as_dict(errs: Errs, path: str, value: Any) -> dict[str, Any] | None:
    """The value if it is an object; None when absent or (after a cause) of another type."""
    if value is None or type(value) is dict:
        return value
    if isinstance(value, dict):
        return value
    errs.append(type_error(path, value, "an object"))
    return None


def as_list(errs: Errs, path: str, value: Any) -> list[Any] | None:
    if value is None or type(value) is list:
        return value
    errs.append(type_error(path, value, "a list"))
    return None


def as_str(errs: Errs, path: str, value: Any) -> str | None:
    if value is None or type(value) is str:
        return value
    errs.append(type_error(path, value, "a string"))
    return None


def as_int(errs: Errs, path: str, value: Any) -> int | None:
    if value is None or type(value) is int:
        return value
    errs.append(type_error(path, value, "an integer"))
    return None


def as_bool(errs: Errs, path: str, value: Any) -> bool | None:
    if value is None or type(value) is bool:
        return value
    errs.append(type_error(path, value, "a boolean"))
    return None


def as_str_map(errs: Errs, path: str, value: Any) -> dict[str, str] | None:
    """A map of strings to strings (labels, annotations, nodeSelector, data)."""
    d = as_dict(errs, path, value)
    if not d:
        return d
    for k, v in d.items():
        if type(v) is not str:
            errs.append(type_error(f"{path}[{k}]", v, "a string"))
            return None
    return d


def check_nonneg(errs: Errs, path: str, value: Any) -> None:
    v = as_int(errs, path, value)
    if v is not None and v < 0:
        errs.append(_invalid(path, v, NEGATIVE))


def check_positive(errs: Errs, path: str, value: Any) -> None:
    v = as_int(errs, path, value)
    if v is not None and v <= 0:
        errs.append(_invalid(path, v, "must be greater than 0"))


def check_range(errs: Errs, path: str, value: Any, lo: int, hi: int) -> None:
    v = as_int(errs, path, value)
    if v is not None and not lo <= v <= hi:
        errs.append(_invalid(path, v, f"must be between {lo} and {hi}, inclusive"))


def check_enum(
    errs: Errs, path: str, value: Any, choices: Iterable[str], *, need: bool = False
) -> None:
    """An optional (or, with need=True, required) value from a fixed set."""
    if value is None or value == "":
        if need:
            errs.append(required(path))
        return
    if type(value) is not str:
        errs.append(type_error(path, value, "a string"))
        return
    if value not in choices:
        errs.append(not_supported(path, value, sorted(choices)))


def check_msgs(errs: Errs, path: str, value: str, fn: Callable[[str], tuple[str, ...]]) -> None:
    """One `Invalid value` cause per message a format check returns."""
    for msg in fn(value):
        errs.append(_invalid(path, value, msg))


def immutable(errs: Errs, path: str, new: Any, old: Any) -> None:
    if new != old:
        errs.append(invalid(path, new, IMMUTABLE))


def go_map(labels: Any) -> str:
    """A label map as Go prints it: `map[string]string{"app":"web"}`."""
    if not isinstance(labels, dict) or not labels:
        return "map[string]string(nil)"
    inner = ", ".join(f'"{k}":"{v}"' for k, v in sorted(labels.items()))
    return "map[string]string{" + inner + "}"
