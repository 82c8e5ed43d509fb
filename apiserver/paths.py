"""Parsing Kubernetes resource paths into (resource, namespace, name, subresource)."""

from __future__ import annotations

from dataclasses import dataclass

from apiserver.registry import ResourceInfo, lookup
from machinery.errors import NotFound


@dataclass(frozen=True)
class Target:
    info: ResourceInfo
    namespace: str | None  # None: all namespaces (or a cluster-scoped resource)
    name: str
    subresource: str

    @property
    def is_collection(self) -> bool:
        return not self.name


def _missing(path: str) -> NotFound:
    return NotFound("the server could not find the requested resource")


def parse(group: str, version: str, segments: list[str], path: str) -> Target:
    segs = [s for s in segments if s]
    namespace: str | None = None
    if len(segs) >= 3 and segs[0] == "namespaces":
        info = lookup(group, version, segs[2])
        if info is not None and info.namespaced:
            namespace = segs[1]
            segs = segs[2:]
    if not segs:
        raise _missing(path)
    info = lookup(group, version, segs[0])
    if info is None or len(segs) > 3:
        raise _missing(path)
    if info.namespaced and namespace is None and len(segs) > 1:
        raise _missing(path)  # a namespaced object needs its namespace
    name = segs[1] if len(segs) > 1 else ""
    sub = segs[2] if len(segs) > 2 else ""
    if sub and sub not in info.subresources:
        raise _missing(path)
    return Target(info, namespace, name, sub)
