"""API discovery documents: /version, aggregated /api and /apis, and the legacy forms.

kubectl >= 1.27 asks for aggregated discovery (apidiscovery.k8s.io v2 / v2beta1) in
the Accept header of `GET /api` and `GET /apis`; the reply's Content-Type must name
the version served, or kubectl cannot find any resource type. Clients that do not
ask for it (the Python DynamicClient) get the legacy APIVersions / APIGroupList and
then fetch `/api/v1` and `/apis/<group>/<version>` one by one.

Everything is derived from `apiserver.registry`.
"""

from __future__ import annotations

from typing import Any

from apiserver import registry
from apiserver.registry import ResourceInfo

Obj = dict[str, Any]

DISCOVERY_GROUP = "apidiscovery.k8s.io"
DISCOVERY_KIND = "APIGroupDiscoveryList"
DISCOVERY_VERSIONS = ("v2", "v2beta1")

SERVER_VERSION: Obj = {
    "major": "1",
    "minor": "32",
    "gitVersion": "v1.32.0",
    "gitCommit": "70d3cc986aa8221cd1dfb1121852688902d3bf53",
    "gitTreeState": "clean",
    "buildDate": "2024-12-11T17:59:15Z",
    "goVersion": "go1.23.3",
    "compiler": "gc",
    "platform": "linux/amd64",
}

# Subresource -> (responseKind group, version, kind or None for the parent's kind, verbs).
# As kube-apiserver v1.32 serves them.
_SUBRESOURCES: dict[str, tuple[str, str, str | None, tuple[str, ...]]] = {
    "status": ("", "", None, ("get", "patch", "update")),
    "scale": ("autoscaling", "v1", "Scale", ("get", "patch", "update")),
    "binding": ("", "v1", "Binding", ("create",)),
    "eviction": ("policy", "v1", "Eviction", ("create",)),
    "log": ("", "v1", "Pod", ("get",)),
    "exec": ("", "v1", "PodExecOptions", ("create", "get")),
    "attach": ("", "v1", "PodAttachOptions", ("create", "get")),
    "portforward": ("", "v1", "PodPortForwardOptions", ("create", "get")),
    "ephemeralcontainers": ("", "v1", "Pod", ("get", "patch", "update")),
    "resize": ("", "v1", "Pod", ("get", "patch", "update")),
    "finalize": ("", "v1", "Namespace", ("update",)),
    "token": ("authentication.k8s.io", "v1", "TokenRequest", ("create",)),
}
_PROXY_VERBS = ("create", "delete", "get", "patch", "update")

# Resources whose REST storage lacks some verbs upstream.
_VERB_EXCEPTIONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("", "namespaces"): ("create", "delete", "get", "list", "patch", "update", "watch"),
}


def version_info() -> Obj:
    """The `/version` body. Its `minor` picks the kubectl the gcloud dispatcher runs."""
    return dict(SERVER_VERSION)


# ------------------------------------------------------------------- negotiation


def _media_ranges(accept: str) -> list[tuple[str, dict[str, str]]]:
    """The Accept header's media ranges in order: (type/subtype, {param: value})."""
    ranges = []
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        params = {}
        for field in fields[1:]:
            key, _, value = field.partition("=")
            params[key.strip().lower()] = value.strip().strip('"')
        ranges.append((fields[0].lower(), params))
    return ranges


def negotiate(accept: str | None) -> str | None:
    """The aggregated discovery version to serve ("v2"/"v2beta1"), or None for the
    legacy documents as plain JSON.

    The first JSON media range asking for APIGroupDiscoveryList in a version we
    serve wins (kubectl 1.27-1.29 offer only v2beta1; 1.30+ offer v2 first).
    """
    for media_type, params in _media_ranges(accept or ""):
        if media_type != "application/json":
            continue
        if params.get("g") != DISCOVERY_GROUP or params.get("as") != DISCOVERY_KIND:
            continue
        if params.get("q", "1").strip() in ("0", "0.0", "0.00", "0.000"):
            continue
        if params.get("v") in DISCOVERY_VERSIONS:
            return params["v"]
    return None


def content_type(version: str) -> str:
    """The exact Content-Type of an aggregated discovery reply."""
    return f"application/json;g={DISCOVERY_GROUP};v={version};as={DISCOVERY_KIND}"


# ------------------------------------------------------------------- per resource


def verbs(info: ResourceInfo) -> list[str]:
    """The verbs of a resource's main endpoint, sorted as upstream lists them."""
    return list(_VERB_EXCEPTIONS.get((info.group, info.resource), registry.ALL_VERBS))


def subresource_kind(info: ResourceInfo, sub: str) -> tuple[str, str, str, list[str]]:
    """(group, version, kind, verbs) of a subresource's responseKind."""
    if sub == "proxy":
        return "", "v1", f"{info.kind}ProxyOptions", list(_PROXY_VERBS)
    group, version, kind, sub_verbs = _SUBRESOURCES.get(sub, ("", "", None, ("get",)))
    if kind is None:
        group, version, kind = info.group, info.version, info.kind
    return group, version, kind, list(sub_verbs)


def _gvk(group: str, version: str, kind: str) -> Obj:
    return {"group": group, "version": version, "kind": kind}


def _resource_discovery(info: ResourceInfo) -> Obj:
    """One APIResourceDiscovery (aggregated form)."""
    entry: Obj = {
        "resource": info.resource,
        "responseKind": _gvk(info.group, info.version, info.kind),
        "scope": "Namespaced" if info.namespaced else "Cluster",
        "singularResource": info.singular,
        "verbs": verbs(info),
    }
    if info.short_names:
        entry["shortNames"] = list(info.short_names)
    if info.categories:
        entry["categories"] = list(info.categories)
    subs = []
    for sub in sorted(info.subresources):
        group, version, kind, sub_verbs = subresource_kind(info, sub)
        subs.append(
            {"subresource": sub, "responseKind": _gvk(group, version, kind), "verbs": sub_verbs}
        )
    if subs:
        entry["subresources"] = subs
    return entry


def _api_resources(info: ResourceInfo) -> list[Obj]:
    """The legacy APIResource entries of a resource: itself, then `<resource>/<sub>`."""
    main: Obj = {
        "name": info.resource,
        "singularName": info.singular,
        "namespaced": info.namespaced,
        "kind": info.kind,
        "verbs": verbs(info),
    }
    if info.short_names:
        main["shortNames"] = list(info.short_names)
    if info.categories:
        main["categories"] = list(info.categories)
    entries = [main]
    for sub in sorted(info.subresources):
        group, version, kind, sub_verbs = subresource_kind(info, sub)
        entry: Obj = {
            "name": f"{info.resource}/{sub}",
            "singularName": "",
            "namespaced": info.namespaced,
        }
        if (group, version) != (info.group, info.version):
            entry["group"], entry["version"] = group, version
        entry.update({"kind": kind, "verbs": sub_verbs})
        entries.append(entry)
    return entries


def _sorted(infos: list[ResourceInfo]) -> list[ResourceInfo]:
    return sorted(infos, key=lambda r: r.resource)


# ------------------------------------------------------------------------ documents


def aggregated(legacy: bool, version: str) -> tuple[Obj, str]:
    """(APIGroupDiscoveryList body, exact Content-Type) for `/api` (legacy=True) or `/apis`.

    `version` is what `negotiate` returned; ValueError for anything else.
    """
    if version not in DISCOVERY_VERSIONS:
        raise ValueError(f"unsupported discovery version {version!r}")
    items = []
    for group, versions in registry.groups():
        if (group == "") != legacy:
            continue
        metadata: Obj = (
            {"name": group, "creationTimestamp": None} if group else {"creationTimestamp": None}
        )
        items.append(
            {
                "metadata": metadata,
                "versions": [
                    {
                        "version": v,
                        "resources": [
                            _resource_discovery(r)
                            for r in _sorted(registry.in_group_version(group, v))
                        ],
                        "freshness": "Current",
                    }
                    for v in versions
                ],
            }
        )
    body = {
        "kind": DISCOVERY_KIND,
        "apiVersion": f"{DISCOVERY_GROUP}/{version}",
        "metadata": {},
        "items": items,
    }
    return body, content_type(version)


def api_versions(server_address: str) -> Obj:
    """Legacy `GET /api`: APIVersions."""
    return {
        "kind": "APIVersions",
        "apiVersion": "v1",
        "versions": [v for g, vs in registry.groups() if g == "" for v in vs],
        "serverAddressByClientCIDRs": [
            {"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}
        ],
    }


def api_group_list() -> Obj:
    """Legacy `GET /apis`: APIGroupList of every named group."""
    groups = []
    for group, versions in registry.groups():
        if not group:
            continue
        gvs = [{"groupVersion": f"{group}/{v}", "version": v} for v in versions]
        groups.append({"name": group, "versions": gvs, "preferredVersion": gvs[0]})
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def api_group(group: str) -> Obj | None:
    """Legacy `GET /apis/<group>`: one APIGroup, None if unknown."""
    for entry in api_group_list()["groups"]:
        if entry["name"] == group:
            return {"kind": "APIGroup", "apiVersion": "v1", **entry}
    return None


def api_resource_list(group: str, version: str) -> Obj | None:
    """Legacy `GET /api/v1` or `GET /apis/<group>/<version>`: APIResourceList.

    Includes the subresource entries (`pods/status`, `deployments/scale`...); None
    when the group/version is not served.
    """
    infos = registry.in_group_version(group, version)
    if not infos:
        return None
    resources = [entry for info in _sorted(infos) for entry in _api_resources(info)]
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": f"{group}/{version}" if group else version,
        "resources": resources,
    }
