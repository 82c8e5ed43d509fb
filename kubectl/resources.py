"""Resource names as users type them: `po`, `pods`, `Pod`, `deploy.apps`, `deploy,svc`, `all`.

Resolution uses machinery.resources (the same table the apiserver serves, so no discovery
round-trip at startup). Arguments follow kubectl: `TYPE [NAME...]`, `TYPE/NAME...`, comma
lists of types, and `all` (the `all` category).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kubectl.errors import CLIError
from machinery.resources import RESOURCES, ResourceInfo


def _index() -> dict[str, list[ResourceInfo]]:
    out: dict[str, list[ResourceInfo]] = {}
    for r in RESOURCES:
        names = {r.resource, r.singular, r.kind.lower(), *r.short_names}
        for n in names:
            out.setdefault(n, []).append(r)
            if r.group:
                out.setdefault(f"{n}.{r.group}", []).append(r)
                out.setdefault(f"{n}.{r.version}.{r.group}", []).append(r)
    return out


_INDEX = _index()


def resolve(name: str) -> ResourceInfo:
    """One resource type, or kubectl's `the server doesn't have a resource type` error."""
    found = _INDEX.get(name.lower()) or _INDEX.get(name)
    if not found:
        raise CLIError(f'the server doesn\'t have a resource type "{name}"')
    return found[0]


def expand(types: str) -> list[ResourceInfo]:
    """`deploy,svc` -> two infos; `all` -> the `all` category, in kubectl's order."""
    out: list[ResourceInfo] = []
    for t in types.split(","):
        if not t:
            continue
        infos = all_category() if t == "all" else [resolve(t)]
        for info in infos:
            if info not in out:
                out.append(info)
    return out


ALL_ORDER = (
    "pods",
    "services",
    "daemonsets",
    "deployments",
    "replicasets",
    "statefulsets",
    "jobs",
    "cronjobs",
)


def all_category() -> list[ResourceInfo]:
    infos = [r for r in RESOURCES if "all" in r.categories]
    return sorted(
        infos,
        key=lambda r: ALL_ORDER.index(r.resource) if r.resource in ALL_ORDER else len(ALL_ORDER),
    )


@dataclass(frozen=True)
class Target:
    """What a verb acts on: one type, and either names or a whole list (names empty)."""

    info: ResourceInfo
    names: tuple[str, ...] = ()


def parse_args(args: tuple[str, ...] | list[str], *, need_names: bool = False) -> list[Target]:
    """kubectl's argument forms: `TYPE[,TYPE] [NAME...]` or `TYPE/NAME [TYPE/NAME...]`."""
    if not args:
        raise CLIError(
            "you must specify the type of resource to get. "
            'Use "kubeling api-resources" for a complete list of supported resources.'
        )
    if any("/" in a for a in args):
        if not all("/" in a for a in args):
            raise CLIError(
                "there is no need to specify a resource type as a separate argument "
                "when passing arguments in resource/name form (e.g. 'kubeling get "
                "resource/<resource_name>' instead of 'kubeling get resource "
                "resource/<resource_name>'"
            )
        targets: list[Target] = []
        for a in args:
            t, _, n = a.partition("/")
            if not n:
                raise CLIError(
                    "arguments in resource/name form must have a single resource and name"
                )
            targets.append(Target(resolve(t), (n,)))
        return targets
    types, names = args[0], tuple(args[1:])
    infos = expand(types)  # `deploy,svc web` names an object of each type, as in kubectl
    if need_names and not names:
        raise CLIError("resource(s) were provided, but no name was specified")
    return [Target(info, names) for info in infos]


def path(info: ResourceInfo, namespace: str | None, name: str = "", sub: str = "") -> str:
    """The REST path; namespace None means all namespaces (or a cluster-scoped kind)."""
    base = f"/apis/{info.group}/{info.version}" if info.group else f"/api/{info.version}"
    if info.namespaced and namespace:
        base += f"/namespaces/{namespace}"
    out = f"{base}/{info.resource}"
    if name:
        out += f"/{name}"
    if sub:
        out += f"/{sub}"
    return out


def for_object(obj: dict[str, Any]) -> ResourceInfo:
    """The resource serving a manifest's apiVersion/kind."""
    from machinery.resources import by_kind

    api_version = str(obj.get("apiVersion") or "")
    kind = str(obj.get("kind") or "")
    group, _, version = api_version.rpartition("/")
    info = by_kind(group, kind)
    if info is None or info.version != version:
        raise CLIError(
            f'resource mapping not found for name: "{name_of(obj)}" namespace: '
            f'"{(obj.get("metadata") or {}).get("namespace", "")}" from "": '
            f'no matches for kind "{kind}" in version "{api_version}"'
        )
    return info


def name_of(obj: dict[str, Any]) -> str:
    meta = obj.get("metadata")
    return str(meta.get("name", "")) if isinstance(meta, dict) else ""


def ref(info: ResourceInfo, name: str) -> str:
    """`deployment.apps/web`, `pod/x`: how kubectl names an object in its output lines."""
    kind = info.kind.lower()
    return f"{kind}.{info.group}/{name}" if info.group else f"{kind}/{name}"
