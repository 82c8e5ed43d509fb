"""A minimal OpenAPI v3 that lets `kubectl create/apply/replace -f` validate.

With the default `--validate=strict`, kubectl downloads `/openapi/v3`, then the
group-version document of the object, and looks for any path whose `patch`
operation carries the object's `x-kubernetes-group-version-kind` and a query
parameter named `fieldValidation` (queryParamVerifierV3). When it finds one it
skips client-side schema validation and sends `fieldValidation=Strict` to the server.

The documents hold no schemas on purpose: with none, `kubectl apply` takes its
strategic-merge patch metadata from its built-in Go types (merge keys such as
containers[].name), which a partial schema would hide. `kubectl explain` therefore
does not work.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
from typing import Any

from apiserver import registry
from apiserver.discovery import SERVER_VERSION
from apiserver.registry import ResourceInfo

Obj = dict[str, Any]

_PATCH_TYPES = (
    "application/apply-patch+yaml",
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
)


def _query(name: str, schema_type: str, description: str) -> Obj:
    return {
        "name": name,
        "in": "query",
        "description": description,
        "schema": {"type": schema_type, "uniqueItems": True},
    }


def _path_param(name: str, description: str) -> Obj:
    return {
        "name": name,
        "in": "path",
        "description": description,
        "required": True,
        "schema": {"type": "string", "uniqueItems": True},
    }


_PATCH_PARAMS = [
    _query("dryRun", "string", "When present, do not persist the changes (All)."),
    _query("fieldManager", "string", "A name associated with the actor making the change."),
    _query(
        "fieldValidation",
        "string",
        "How the server handles unknown or duplicate fields: Ignore, Warn or Strict.",
    ),
    _query("force", "boolean", "Force apply requests, re-acquiring conflicting fields."),
]


def _path_key(group: str, version: str) -> str:
    """ "api/v1" for the core group, "apis/<group>/<version>" otherwise."""
    return f"api/{version}" if not group else f"apis/{group}/{version}"


def _operation_id(info: ResourceInfo) -> str:
    """Upstream's style: patchCoreV1NamespacedPod, patchSchedulingV1PriorityClass."""
    group = (info.group or "core").split(".")[0].capitalize()
    scope = "Namespaced" if info.namespaced else ""
    return f"patch{group}{info.version.capitalize()}{scope}{info.kind}"


def _patch_path(info: ResourceInfo) -> tuple[str, Obj]:
    """The item path of a resource and its PathItem with the patch operation."""
    base = "/" + _path_key(info.group, info.version)
    params = [_path_param("name", f"name of the {info.kind}")]
    if info.namespaced:
        path = f"{base}/namespaces/{{namespace}}/{info.resource}/{{name}}"
        params.append(_path_param("namespace", "object name and auth scope"))
    else:
        path = f"{base}/{info.resource}/{{name}}"
    ok = {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}}
    operation = {
        "tags": [_path_key(info.group, info.version).replace("/", "_")],
        "description": f"partially update the specified {info.kind}",
        "operationId": _operation_id(info),
        "parameters": copy.deepcopy(_PATCH_PARAMS),
        "requestBody": {
            "content": {t: {"schema": {"type": "object"}} for t in _PATCH_TYPES},
            "required": True,
        },
        "responses": {"200": ok, "201": {**ok, "description": "Created"}},
        "x-kubernetes-action": "patch",
        "x-kubernetes-group-version-kind": {
            "group": info.group,
            "version": info.version,
            "kind": info.kind,
        },
    }
    return path, {"patch": operation, "parameters": params}


@functools.cache
def _documents() -> dict[str, tuple[Obj, str]]:
    """Every group-version document, with its hash, by path key ("api/v1"...)."""
    docs: dict[str, tuple[Obj, str]] = {}
    for group, versions in registry.groups():
        for version in versions:
            paths = dict(_patch_path(r) for r in registry.in_group_version(group, version))
            doc: Obj = {
                "openapi": "3.0.0",
                "info": {"title": "Kubernetes", "version": SERVER_VERSION["gitVersion"]},
                "paths": dict(sorted(paths.items())),
                "components": {"schemas": {}},
            }
            canonical = json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()
            docs[_path_key(group, version)] = (doc, hashlib.sha512(canonical).hexdigest().upper())
    return docs


def v3_root() -> Obj:
    """`GET /openapi/v3`: the index of every group-version document.

    Each `serverRelativeURL` carries `?hash=` (sha512 of the document, as upstream),
    so clients may cache the documents for good.
    """
    return {
        "paths": {
            key: {"serverRelativeURL": f"/openapi/v3/{key}?hash={digest}"}
            for key, (_, digest) in _documents().items()
        }
    }


def v3_group_version(path: str) -> Obj | None:
    """`GET /openapi/v3/<path>` for a path like "api/v1" or "apis/apps/v1".

    A leading "/" or "openapi/v3/" is accepted; None when the group-version is not
    served. The caller gets its own copy.
    """
    key = path.strip("/").removeprefix("openapi/v3/").strip("/")
    found = _documents().get(key)
    return copy.deepcopy(found[0]) if found else None


def v3_hash(path: str) -> str | None:
    """The hash of a group-version document (for an ETag), None when unknown."""
    key = path.strip("/").removeprefix("openapi/v3/").strip("/")
    found = _documents().get(key)
    return found[1] if found else None
