"""Every kind kubeling serves, and how it is addressed.

One table drives the apiserver's routing, discovery and storage keys, and the clients'
URLs: plural, group/version, scope, short names and subresources of each kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]


@dataclass(frozen=True)
class ResourceInfo:
    group: str
    version: str
    resource: str
    kind: str
    namespaced: bool
    singular: str
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    subresources: frozenset[str] = field(default_factory=frozenset)

    @property
    def group_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def api_version(self) -> str:
        return self.group_version

    @property
    def list_kind(self) -> str:
        return self.kind + "List"

    @property
    def group_resource(self) -> str:
        """`pods`, `deployments.apps`: the name Kubernetes uses in messages."""
        return f"{self.resource}.{self.group}" if self.group else self.resource

    @property
    def has_status(self) -> bool:
        return "status" in self.subresources

    def key_prefix(self, namespace: str | None = None) -> str:
        """etcd key prefix for a list (all namespaces when namespace is None)."""
        group = self.group or "core"
        base = f"/registry/{group}/{self.resource}/"
        if self.namespaced and namespace:
            return f"{base}{namespace}/"
        return base

    def key(self, namespace: str | None, name: str) -> str:
        group = self.group or "core"
        if self.namespaced:
            return f"/registry/{group}/{self.resource}/{namespace}/{name}"
        return f"/registry/{group}/{self.resource}/{name}"


def _r(
    group: str,
    resource: str,
    kind: str,
    *,
    namespaced: bool = True,
    short: tuple[str, ...] = (),
    all_category: bool = False,
    sub: tuple[str, ...] = (),
) -> ResourceInfo:
    return ResourceInfo(
        group=group,
        version="v1",
        resource=resource,
        kind=kind,
        namespaced=namespaced,
        singular=kind.lower(),
        short_names=short,
        categories=("all",) if all_category else (),
        subresources=frozenset(sub),
    )


RESOURCES: tuple[ResourceInfo, ...] = (
    _r("", "namespaces", "Namespace", namespaced=False, short=("ns",), sub=("status", "finalize")),
    _r(
        "",
        "pods",
        "Pod",
        short=("po",),
        all_category=True,
        sub=("status", "binding", "eviction", "log"),
    ),
    _r("", "nodes", "Node", namespaced=False, short=("no",), sub=("status",)),
    _r("", "services", "Service", short=("svc",), all_category=True, sub=("status",)),
    _r("", "endpoints", "Endpoints", short=("ep",)),
    _r("", "events", "Event", short=("ev",)),
    _r("", "configmaps", "ConfigMap", short=("cm",)),
    _r("", "secrets", "Secret"),
    _r("", "serviceaccounts", "ServiceAccount", short=("sa",)),
    _r(
        "apps",
        "deployments",
        "Deployment",
        short=("deploy",),
        all_category=True,
        sub=("status", "scale"),
    ),
    _r(
        "apps",
        "replicasets",
        "ReplicaSet",
        short=("rs",),
        all_category=True,
        sub=("status", "scale"),
    ),
    _r("apps", "daemonsets", "DaemonSet", short=("ds",), all_category=True, sub=("status",)),
    _r(
        "apps",
        "statefulsets",
        "StatefulSet",
        short=("sts",),
        all_category=True,
        sub=("status", "scale"),
    ),
    _r("batch", "jobs", "Job", all_category=True, sub=("status",)),
    _r("batch", "cronjobs", "CronJob", short=("cj",), all_category=True, sub=("status",)),
    _r("discovery.k8s.io", "endpointslices", "EndpointSlice"),
    _r("coordination.k8s.io", "leases", "Lease"),
    _r("scheduling.k8s.io", "priorityclasses", "PriorityClass", namespaced=False, short=("pc",)),
)

_BY_PATH: dict[tuple[str, str, str], ResourceInfo] = {
    (r.group, r.version, r.resource): r for r in RESOURCES
}
_BY_KIND: dict[tuple[str, str], ResourceInfo] = {(r.group, r.kind): r for r in RESOURCES}


def lookup(group: str, version: str, resource: str) -> ResourceInfo | None:
    return _BY_PATH.get((group, version, resource))


def by_kind(group: str, kind: str) -> ResourceInfo | None:
    return _BY_KIND.get((group, kind))


def groups() -> list[tuple[str, list[str]]]:
    """(group, [versions]) in a stable order; the legacy core group is ''."""
    seen: dict[str, list[str]] = {}
    for r in RESOURCES:
        versions = seen.setdefault(r.group, [])
        if r.version not in versions:
            versions.append(r.version)
    return list(seen.items())


def in_group_version(group: str, version: str) -> list[ResourceInfo]:
    return [r for r in RESOURCES if r.group == group and r.version == version]
