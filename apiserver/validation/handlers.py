"""Probes and lifecycle hooks: exactly one handler, each handler's own fields."""

from __future__ import annotations

import re
from typing import Any

from .common import (
    Errs,
    as_dict,
    as_list,
    as_str,
    check_enum,
    check_msgs,
    check_nonneg,
    forbidden,
    invalid,
    required,
    required_detail,
    type_error,
)
from .names import PORT_RANGE, port_name_msgs

PROBE_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")
HOOK_HANDLERS = ("exec", "httpGet", "tcpSocket", "sleep")
SCHEMES = ("HTTP", "HTTPS")
_HEADER_NAME = re.compile(r"[-A-Za-z0-9]+", re.ASCII)


def validate_port_num_or_name(errs: Errs, path: str, port: Any) -> None:
    """An IntOrString port: 1..65535 or an IANA service name."""
    if type(port) is int:
        if not 1 <= port <= 65535:
            errs.append(invalid(path, port, PORT_RANGE))
    elif type(port) is str:
        if not port:
            errs.append(required(path))
        else:
            check_msgs(errs, path, port, port_name_msgs)
    elif port is None:
        errs.append(required(path))
    else:
        errs.append(type_error(path, port, "an integer or a string"))


def _handler(errs: Errs, path: str, h: dict[str, Any], kinds: tuple[str, ...]) -> None:
    found = 0
    for kind in kinds:
        if h.get(kind) is None:
            continue
        found += 1
        hp = f"{path}.{kind}"
        if found > 1:
            errs.append(forbidden(hp, "may not specify more than 1 handler type"))
            continue
        body = as_dict(errs, hp, h[kind])
        if body is None:
            continue
        if kind == "exec":
            cmd = as_list(errs, f"{hp}.command", body.get("command"))
            if not cmd:
                errs.append(required(f"{hp}.command"))
        elif kind == "httpGet":
            _http_get(errs, hp, body)
        elif kind == "tcpSocket":
            validate_port_num_or_name(errs, f"{hp}.port", body.get("port"))
        elif kind == "grpc":
            port = body.get("port")
            if type(port) is not int:
                errs.append(type_error(f"{hp}.port", port, "an integer"))
            elif not 1 <= port <= 65535:
                errs.append(invalid(f"{hp}.port", port, PORT_RANGE))
        elif kind == "sleep":
            check_nonneg(errs, f"{hp}.seconds", body.get("seconds"))
    if not found:
        errs.append(required_detail(path, "must specify a handler type"))


def _http_get(errs: Errs, path: str, body: dict[str, Any]) -> None:
    p = as_str(errs, f"{path}.path", body.get("path"))
    if not p:
        errs.append(required(f"{path}.path"))
    validate_port_num_or_name(errs, f"{path}.port", body.get("port"))
    check_enum(errs, f"{path}.scheme", body.get("scheme"), SCHEMES, need=True)
    as_str(errs, f"{path}.host", body.get("host"))
    headers = as_list(errs, f"{path}.httpHeaders", body.get("httpHeaders"))
    for i, hdr in enumerate(headers or ()):
        q = f"{path}.httpHeaders[{i}]"
        h = as_dict(errs, q, hdr)
        if h is None:
            continue
        name = as_str(errs, f"{q}.name", h.get("name"))
        if not name or not _HEADER_NAME.fullmatch(name):
            errs.append(invalid(f"{q}.name", name or "", "must be a valid HTTP header name"))
        as_str(errs, f"{q}.value", h.get("value"))


def validate_probe(errs: Errs, path: str, value: Any, *, single_success: bool) -> None:
    """A probe: one handler, non-negative timings; liveness/startup successThreshold is 1."""
    probe = as_dict(errs, path, value)
    if probe is None:
        return
    _handler(errs, path, probe, PROBE_HANDLERS)
    for key in (
        "initialDelaySeconds",
        "timeoutSeconds",
        "periodSeconds",
        "successThreshold",
        "failureThreshold",
    ):
        v = probe.get(key)
        if v is not None and (type(v) is not int or v < 0):
            check_nonneg(errs, f"{path}.{key}", v)
    if single_success:
        st = probe.get("successThreshold")
        if type(st) is int and st != 1:
            errs.append(invalid(f"{path}.successThreshold", st, "must be 1"))
    tgps = probe.get("terminationGracePeriodSeconds")
    if tgps is not None:
        if type(tgps) is not int:
            errs.append(type_error(f"{path}.terminationGracePeriodSeconds", tgps, "an integer"))
        elif tgps <= 0:
            errs.append(
                invalid(f"{path}.terminationGracePeriodSeconds", tgps, "must be greater than 0")
            )


def validate_lifecycle(errs: Errs, path: str, value: Any) -> None:
    lc = as_dict(errs, path, value)
    if lc is None:
        return
    for hook in ("postStart", "preStop"):
        h = lc.get(hook)
        if h is None:
            continue
        hd = as_dict(errs, f"{path}.{hook}", h)
        if hd is not None:
            _handler(errs, f"{path}.{hook}", hd, HOOK_HANDLERS)
