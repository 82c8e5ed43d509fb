"""Containers of a pod spec: names, image, ports, env, resources, mounts, probes, hooks.

This is the hot path of pod creation, so field paths are only formatted when a cause is
recorded, and format checks go through cached helpers.
"""

from __future__ import annotations

from typing import Any

from .common import (
    Errs,
    as_bool,
    as_dict,
    as_int,
    as_list,
    as_str,
    check_enum,
    check_msgs,
    duplicate,
    forbidden,
    invalid,
    not_found,
    not_supported,
    required,
    type_error,
)
from .handlers import validate_lifecycle, validate_probe
from .names import (
    PORT_RANGE,
    dns1123_label_msgs,
    env_var_name_msgs,
    ip_msgs,
    port_name_msgs,
)
from .resources import validate_resources
from .volumes import validate_env_from, validate_env_var_source

PROTOCOLS = ("SCTP", "TCP", "UDP")
PULL_POLICIES = ("Always", "IfNotPresent", "Never")
MESSAGE_POLICIES = ("FallbackToLogsOnError", "File")
PROPAGATION = ("Bidirectional", "HostToContainer", "None")


def validate_containers(
    errs: Errs,
    path: str,
    value: Any,
    *,
    volumes: set[str],
    names: set[str],
    init: bool,
    host_network: bool,
    host_ports: set[str],
) -> None:
    """Validate `containers` or `initContainers`; `names` collects names across both."""
    ctrs = as_list(errs, path, value)
    if ctrs is None:
        return
    for i, c in enumerate(ctrs):
        p = f"{path}[{i}]"
        if type(c) is not dict:
            errs.append(type_error(p, c, "an object"))
            continue
        _container(errs, p, c, volumes, names, init, host_network, host_ports)


def _container(
    errs: Errs,
    p: str,
    c: dict[str, Any],
    volumes: set[str],
    names: set[str],
    init: bool,
    host_network: bool,
    host_ports: set[str],
) -> None:
    name = c.get("name")
    if not name:
        errs.append(required(f"{p}.name"))
    elif type(name) is not str:
        errs.append(type_error(f"{p}.name", name, "a string"))
    else:
        if dns1123_label_msgs(name):
            check_msgs(errs, f"{p}.name", name, dns1123_label_msgs)
        if name in names:
            errs.append(duplicate(f"{p}.name", name))
        names.add(name)
    image = c.get("image")
    if not image:
        errs.append(required(f"{p}.image"))
    elif type(image) is not str:
        errs.append(type_error(f"{p}.image", image, "a string"))
    elif image != image.strip():
        errs.append(invalid(f"{p}.image", image, "must not have leading or trailing whitespace"))
    check_enum(errs, f"{p}.imagePullPolicy", c.get("imagePullPolicy"), PULL_POLICIES, need=True)
    check_enum(
        errs,
        f"{p}.terminationMessagePolicy",
        c.get("terminationMessagePolicy"),
        MESSAGE_POLICIES,
        need=True,
    )
    for key in ("command", "args"):
        v = c.get(key)
        if v is not None:
            _str_list(errs, f"{p}.{key}", v)
    for key in ("workingDir", "terminationMessagePath"):
        v = c.get(key)
        if v is not None and type(v) is not str:
            errs.append(type_error(f"{p}.{key}", v, "a string"))
    for key in ("stdin", "stdinOnce", "tty"):
        if key in c:
            as_bool(errs, f"{p}.{key}", c[key])
    ports = c.get("ports")
    if ports:
        _ports(errs, f"{p}.ports", ports, host_network, host_ports)
    env = c.get("env")
    if env:
        _env(errs, f"{p}.env", env)
    env_from = c.get("envFrom")
    if env_from:
        validate_env_from(errs, f"{p}.envFrom", env_from)
    res = c.get("resources")
    if res:
        validate_resources(errs, f"{p}.resources", res)
    mounts = c.get("volumeMounts")
    if mounts:
        _mounts(errs, f"{p}.volumeMounts", mounts, volumes)
    restart = c.get("restartPolicy")
    sidecar = init and restart == "Always"
    if restart is not None:
        if not init:
            errs.append(forbidden(f"{p}.restartPolicy", "may not be set for non-init containers"))
        elif restart != "Always":
            errs.append(not_supported(f"{p}.restartPolicy", restart, ["Always"]))
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        pr = c.get(probe)
        if pr is None:
            continue
        if init and not sidecar:
            errs.append(
                forbidden(
                    f"{p}.{probe}",
                    "may not be set for init containers without restartPolicy=Always",
                )
            )
            continue
        validate_probe(errs, f"{p}.{probe}", pr, single_success=probe != "readinessProbe")
    lifecycle = c.get("lifecycle")
    if lifecycle is not None:
        if init and not sidecar:
            errs.append(
                forbidden(
                    f"{p}.lifecycle",
                    "may not be set for init containers without restartPolicy=Always",
                )
            )
        else:
            validate_lifecycle(errs, f"{p}.lifecycle", lifecycle)
    sc = c.get("securityContext")
    if sc is not None:
        _security_context(errs, f"{p}.securityContext", sc)


def _str_list(errs: Errs, path: str, value: Any) -> None:
    items = as_list(errs, path, value)
    for i, v in enumerate(items or ()):
        if type(v) is not str:
            errs.append(type_error(f"{path}[{i}]", v, "a string"))


def _ports(errs: Errs, path: str, value: Any, host_network: bool, host_ports: set[str]) -> None:
    ports = as_list(errs, path, value)
    seen: set[str] = set()
    for i, port in enumerate(ports or ()):
        q = f"{path}[{i}]"
        if type(port) is not dict:
            errs.append(type_error(q, port, "an object"))
            continue
        name = port.get("name")
        if name:
            if type(name) is not str:
                errs.append(type_error(f"{q}.name", name, "a string"))
            elif port_name_msgs(name):
                check_msgs(errs, f"{q}.name", name, port_name_msgs)
            elif name in seen:
                errs.append(duplicate(f"{q}.name", name))
            else:
                seen.add(name)
        cport = port.get("containerPort")
        if not cport:
            errs.append(required(f"{q}.containerPort"))
        elif type(cport) is not int:
            errs.append(type_error(f"{q}.containerPort", cport, "an integer"))
        elif not 1 <= cport <= 65535:
            errs.append(invalid(f"{q}.containerPort", cport, PORT_RANGE))
        hport = port.get("hostPort")
        if hport:
            if type(hport) is not int:
                errs.append(type_error(f"{q}.hostPort", hport, "an integer"))
                hport = None
            elif not 1 <= hport <= 65535:
                errs.append(invalid(f"{q}.hostPort", hport, PORT_RANGE))
            elif host_network and hport != cport:
                errs.append(
                    invalid(
                        f"{q}.hostPort",
                        hport,
                        "must match `containerPort` when `hostNetwork` is true",
                    )
                )
        proto = port.get("protocol")
        if proto not in PROTOCOLS:
            check_enum(errs, f"{q}.protocol", proto, PROTOCOLS, need=True)
        host_ip = as_str(errs, f"{q}.hostIP", port.get("hostIP"))
        if host_ip:
            check_msgs(errs, f"{q}.hostIP", host_ip, ip_msgs)
        if hport:
            key = f"{host_ip or ''}/{proto}/{hport}"
            if key in host_ports:
                errs.append(duplicate(f"{q}.hostPort", key))
            host_ports.add(key)


def _env(errs: Errs, path: str, value: Any) -> None:
    env = as_list(errs, path, value)
    for i, ev in enumerate(env or ()):
        q = f"{path}[{i}]"
        if type(ev) is not dict:
            errs.append(type_error(q, ev, "an object"))
            continue
        name = ev.get("name")
        if not name:
            errs.append(required(f"{q}.name"))
        elif type(name) is not str:
            errs.append(type_error(f"{q}.name", name, "a string"))
        elif env_var_name_msgs(name):
            check_msgs(errs, f"{q}.name", name, env_var_name_msgs)
        val = ev.get("value")
        if val is not None and type(val) is not str:
            errs.append(type_error(f"{q}.value", val, "a string"))
        src = ev.get("valueFrom")
        if src is not None:
            if val:
                errs.append(
                    invalid(f"{q}.valueFrom", "", "may not be specified when `value` is not empty")
                )
            validate_env_var_source(errs, f"{q}.valueFrom", src)


def _mounts(errs: Errs, path: str, value: Any, volumes: set[str]) -> None:
    mounts = as_list(errs, path, value)
    seen: set[str] = set()
    for i, m in enumerate(mounts or ()):
        q = f"{path}[{i}]"
        if type(m) is not dict:
            errs.append(type_error(q, m, "an object"))
            continue
        name = m.get("name")
        if not name:
            errs.append(required(f"{q}.name"))
        elif type(name) is not str:
            errs.append(type_error(f"{q}.name", name, "a string"))
        elif name not in volumes:
            errs.append(not_found(f"{q}.name", name))
        mp = m.get("mountPath")
        if not mp:
            errs.append(required(f"{q}.mountPath"))
        elif type(mp) is not str:
            errs.append(type_error(f"{q}.mountPath", mp, "a string"))
        else:
            if not mp.startswith("/"):
                errs.append(invalid(f"{q}.mountPath", mp, "must be an absolute path"))
            if mp in seen:
                errs.append(invalid(f"{q}.mountPath", mp, "must be unique"))
            seen.add(mp)
        if "readOnly" in m:
            as_bool(errs, f"{q}.readOnly", m["readOnly"])
        sub = as_str(errs, f"{q}.subPath", m.get("subPath"))
        if sub:
            if sub.startswith("/"):
                errs.append(invalid(f"{q}.subPath", sub, "must be a relative path"))
            if ".." in sub.split("/"):
                errs.append(invalid(f"{q}.subPath", sub, "must not contain '..'"))
        check_enum(errs, f"{q}.mountPropagation", m.get("mountPropagation"), PROPAGATION)


def _security_context(errs: Errs, path: str, value: Any) -> None:
    sc = as_dict(errs, path, value)
    if not sc:
        return
    for key in ("privileged", "readOnlyRootFilesystem", "runAsNonRoot", "allowPrivilegeEscalation"):
        if key in sc:
            as_bool(errs, f"{path}.{key}", sc[key])
    for key in ("runAsUser", "runAsGroup"):
        if key in sc:
            v = as_int(errs, f"{path}.{key}", sc[key])
            if v is not None and not 0 <= v <= 2147483647:
                errs.append(
                    invalid(f"{path}.{key}", v, "must be between 0 and 2147483647, inclusive")
                )
    if sc.get("privileged") is True and sc.get("allowPrivilegeEscalation") is False:
        errs.append(
            invalid(
                path, sc, "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"
            )
        )
