"""A container's environment: env values and refs, envFrom, and `$(VAR)` expansion.

Refs resolve like Kubernetes: configMapKeyRef and secretKeyRef read the objects (a missing
one that is not optional is a CreateContainerConfigError), fieldRef covers the pod's
name, namespace, uid, labels/annotations, node name, service account, pod IP and host IP;
resourceFieldRef gives a request or limit through its divisor, rounded up.
`$(VAR)` in values, command and args expands to earlier variables; `$$` escapes.
"""

from __future__ import annotations

import base64
import math
import os
import re

from kubelet.volumes import ConfigError, ObjectSource
from machinery.api import Container, EnvVar, Pod
from machinery.api.core import ResourceFieldSelector
from machinery.quantity import parse_quantity

_REF = re.compile(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)")


def expand(text: str, env: dict[str, str]) -> str:
    def sub(m: re.Match[str]) -> str:
        if m.group(0) == "$$":
            return "$"
        name = m.group(1)
        return env.get(name, m.group(0))

    return _REF.sub(sub, text)


def field_value(pod: Pod, path: str, *, pod_ip: str, host_ip: str) -> str:
    meta = pod.metadata
    simple = {
        "metadata.name": meta.name,
        "metadata.namespace": meta.namespace or "",
        "metadata.uid": meta.uid or "",
        "spec.nodeName": pod.spec.node_name or "",
        "spec.serviceAccountName": pod.spec.service_account_name or "",
        "status.podIP": pod_ip,
        "status.podIPs": pod_ip,
        "status.hostIP": host_ip,
        "status.hostIPs": host_ip,
    }
    if path in simple:
        return simple[path]
    m = re.fullmatch(r"metadata\.(labels|annotations)\['([^']*)'\]", path)
    if m:
        source = (meta.labels if m.group(1) == "labels" else meta.annotations) or {}
        return source.get(m.group(2), "")
    raise ConfigError(f"unsupported fieldRef {path!r}")


async def build_env(
    pod: Pod, container: Container, objects: ObjectSource, *, pod_ip: str, host_ip: str
) -> dict[str, str]:
    ns = pod.metadata.namespace or "default"
    env: dict[str, str] = {}
    for src in container.env_from or []:
        prefix = src.prefix or ""
        if src.config_map_ref is not None:
            cm = await objects.config_map(ns, src.config_map_ref.name or "")
            if cm is None and not src.config_map_ref.optional:
                raise ConfigError(f'configmap "{src.config_map_ref.name}" not found')
            for k, v in ((cm.data or {}) if cm else {}).items():
                env[prefix + k] = v
        if src.secret_ref is not None:
            secret = await objects.secret(ns, src.secret_ref.name or "")
            if secret is None and not src.secret_ref.optional:
                raise ConfigError(f'secret "{src.secret_ref.name}" not found')
            for k, v in ((secret.data or {}) if secret else {}).items():
                env[prefix + k] = base64.b64decode(v).decode(errors="replace")
    for var in container.env or []:
        if var.value_from is not None and var.value_from.resource_field_ref is not None:
            env[var.name] = resource_value(pod, container, var.value_from.resource_field_ref)
            continue
        value = await _value(pod, var, objects, ns, env, pod_ip=pod_ip, host_ip=host_ip)
        if value is not None:
            env[var.name] = value
    return env


async def _value(
    pod: Pod,
    var: EnvVar,
    objects: ObjectSource,
    ns: str,
    env: dict[str, str],
    *,
    pod_ip: str,
    host_ip: str,
) -> str | None:
    if var.value_from is None:
        return expand(var.value or "", env)
    vf = var.value_from
    if vf.field_ref is not None:
        return field_value(pod, vf.field_ref.field_path, pod_ip=pod_ip, host_ip=host_ip)
    if vf.config_map_key_ref is not None:
        ref = vf.config_map_key_ref
        cm = await objects.config_map(ns, ref.name or "")
        if cm is None or ref.key not in (cm.data or {}):
            if ref.optional:
                return None
            what = (
                f'configmap "{ref.name}" not found'
                if cm is None
                else (f"couldn't find key {ref.key} in ConfigMap {ns}/{ref.name}")
            )
            raise ConfigError(what)
        return (cm.data or {})[ref.key]
    if vf.secret_key_ref is not None:
        sref = vf.secret_key_ref
        secret = await objects.secret(ns, sref.name or "")
        if secret is None or sref.key not in (secret.data or {}):
            if sref.optional:
                return None
            what = (
                f'secret "{sref.name}" not found'
                if secret is None
                else (f"couldn't find key {sref.key} in Secret {ns}/{sref.name}")
            )
            raise ConfigError(what)
        return base64.b64decode((secret.data or {})[sref.key]).decode(errors="replace")
    return None


def _node_capacity(resource: str) -> str:
    """What an unset limit means (Kubernetes: the node's allocatable): this machine's."""
    if resource == "cpu":
        return str(os.cpu_count() or 1)
    if resource == "memory":
        return str(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    return "0"


def resource_value(pod: Pod, container: Container, sel: ResourceFieldSelector) -> str:
    """resourceFieldRef: a container's request or limit divided by the divisor, rounded up
    (limits.cpu of 250m with divisor 1 is "1"; with divisor 1m, "250")."""
    target = container
    if sel.container_name:
        named = [c for c in pod.spec.containers or [] if c.name == sel.container_name]
        target = named[0] if named else container
    kind, _, resource = sel.resource.partition(".")
    resources = target.resources
    values = (resources.limits if kind == "limits" else resources.requests) if resources else None
    raw = (values or {}).get(resource)
    if raw is None:
        raw = _node_capacity(resource) if kind == "limits" else "0"
    divisor = parse_quantity(sel.divisor or "1") or parse_quantity("1")
    return str(math.ceil(parse_quantity(raw) / divisor))
