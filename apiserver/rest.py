"""The resource endpoints: one handler that routes a Kubernetes path to the Store.

Starlette-level handlers (no FastAPI parameter machinery) keep the hot path short.
"""

from __future__ import annotations

import time
from typing import Any

from prometheus_client import Counter, Histogram
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from apiserver import paths, subresources, tables, wire
from apiserver.filters import predicate
from apiserver.patch import apply_patch
from apiserver.registry import ResourceInfo
from apiserver.store import DeleteOptions, Store, conflict
from apiserver.watch import WatchRequest, stream
from apiserver.watchcache import WatchCache
from machinery.errors import BadRequest, MethodNotAllowed, NotFound, StatusError

REQUESTS = Counter(
    "apiserver_request_total",
    "API requests by verb, resource and code",
    ["verb", "resource", "code"],
)
LATENCY = Histogram(
    "apiserver_request_duration_seconds",
    "API request latency by verb and resource",
    ["verb", "resource"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


class Api:
    def __init__(
        self,
        store: Store,
        caches: dict[str, WatchCache],
        *,
        bookmark_interval: float = 60.0,
        min_request_timeout: float = 1800.0,
        kubelet_timeout: float = 5.0,
    ) -> None:
        self.store = store
        self.caches = caches
        self.bookmark_interval = bookmark_interval
        self.min_request_timeout = min_request_timeout
        self.subresources = subresources.Subresources(store, kubelet_timeout=kubelet_timeout)

    async def core(self, request: Request) -> Response:
        segs = request.path_params["path"].split("/")
        return await self._serve(request, "", "v1", segs)

    async def grouped(self, request: Request) -> Response:
        p = request.path_params
        return await self._serve(request, p["group"], p["version"], p["path"].split("/"))

    async def _serve(self, request: Request, group: str, version: str, segs: list[str]) -> Response:
        started = time.perf_counter()
        verb, resource, code = request.method.lower(), "", 500
        try:
            target = paths.parse(group, version, segs, request.url.path)
            resource = target.info.resource
            response = await self._dispatch(request, target)
            verb = _verb(request, target)
            code = response.status_code
            return response
        except StatusError as e:
            code = e.code
            return wire.status_response(e)
        finally:
            REQUESTS.labels(verb, resource, str(code)).inc()
            LATENCY.labels(verb, resource).observe(time.perf_counter() - started)

    async def _dispatch(self, request: Request, t: paths.Target) -> Response:
        m = request.method
        if t.subresource:
            return await self.subresources.serve(request, t)
        if t.is_collection:
            if m == "GET":
                q = request.query_params
                if wire.parse_bool(q.get("watch"), "watch"):
                    return self._watch(request, t)
                return await self._list(request, t)
            if m == "POST":
                body = await wire.read_body(request)
                obj = await self.store.create(
                    t.info, t.namespace, body, dry_run=wire.dry_run(request)
                )
                return wire.json_response(obj, 201)
            if m == "DELETE":
                return await self._delete_collection(request, t)
            raise MethodNotAllowed(
                f"the server does not allow this method on the requested resource ({m})"
            )
        if m == "GET":
            obj = await self.store.get(t.info, t.namespace, t.name)
            return self._object(request, t.info, obj)
        if m == "PUT":
            body = await wire.read_body(request)
            obj = await self.store.update(
                t.info, t.namespace, t.name, body, dry_run=wire.dry_run(request)
            )
            return wire.json_response(obj)
        if m == "PATCH":
            return await self._patch(request, t)
        if m == "DELETE":
            opts = await delete_options(request)
            obj = await self.store.delete(t.info, t.namespace, t.name, opts)
            return wire.json_response(obj)
        raise MethodNotAllowed(
            f"the server does not allow this method on the requested resource ({m})"
        )

    def _object(self, request: Request, info: ResourceInfo, obj: dict[str, Any]) -> Response:
        if wire.wants_table(request):
            include = wire.include_object(request)
            rv = str(obj["metadata"].get("resourceVersion", ""))
            return wire.json_response(
                tables.table(info, [obj], resource_version=rv, include_object=include)
            )
        return wire.json_response(obj)

    async def _list(self, request: Request, t: paths.Target) -> Response:
        q = request.query_params
        pred = predicate(t.info, q.get("labelSelector", ""), q.get("fieldSelector", ""))
        limit = wire.parse_int(q.get("limit"), "limit") or 0
        result = await self.store.list(
            t.info,
            t.namespace,
            predicate=pred,
            limit=max(0, limit),
            continue_token=q.get("continue", ""),
        )
        rv = str(result.revision)
        if wire.wants_table(request):
            return wire.json_response(
                tables.table(
                    t.info,
                    result.items,
                    resource_version=rv,
                    include_object=wire.include_object(request),
                    continue_token=result.continue_token,
                )
            )
        meta: dict[str, Any] = {"resourceVersion": rv}
        if result.continue_token:
            meta["continue"] = result.continue_token
        return wire.json_response(
            {
                "kind": t.info.list_kind,
                "apiVersion": t.info.api_version,
                "metadata": meta,
                "items": result.items,
            }
        )

    def _watch(self, request: Request, t: paths.Target) -> Response:
        q = request.query_params
        pred = predicate(t.info, q.get("labelSelector", ""), q.get("fieldSelector", ""))
        timeout = wire.parse_int(q.get("timeoutSeconds"), "timeoutSeconds")
        req = WatchRequest(
            info=t.info,
            namespace=t.namespace,
            predicate=pred,
            resource_version=q.get("resourceVersion", ""),
            timeout=float(timeout) if timeout else None,
            bookmarks=wire.parse_bool(q.get("allowWatchBookmarks"), "allowWatchBookmarks"),
            table=wire.wants_table(request),
            include_object=wire.include_object(request),
            bookmark_interval=self.bookmark_interval,
            default_timeout=self.min_request_timeout,
        )
        cache = self.caches[t.info.resource]
        return StreamingResponse(stream(req, cache, self.store), media_type=wire.JSON)

    async def _patch(self, request: Request, t: paths.Target) -> Response:
        mt = wire.media_type(request)
        body = await wire.read_body(request)
        dry = wire.dry_run(request)
        info = t.info
        if mt == "application/apply-patch+yaml":
            force_create = await self._apply_create(t, body, dry)
            if force_create is not None:
                return wire.json_response(force_create, 201)
        precondition = ""
        if isinstance(body, dict):
            precondition = str((body.get("metadata") or {}).get("resourceVersion") or "")

        def mutate(current: dict[str, Any]) -> dict[str, Any]:
            if precondition and precondition != current["metadata"].get("resourceVersion"):
                raise conflict(info, t.name)
            return apply_patch(current, body, mt, info.kind)

        obj = await self.store.guaranteed_update(info, t.namespace, t.name, mutate, dry_run=dry)
        return wire.json_response(obj)

    async def _apply_create(self, t: paths.Target, body: Any, dry: bool) -> dict[str, Any] | None:
        """Server-side apply creates a missing object."""
        try:
            await self.store.get(t.info, t.namespace, t.name)
            return None
        except NotFound:
            if not isinstance(body, dict):
                raise BadRequest("apply patch body must be an object") from None
            body.setdefault("metadata", {}).setdefault("name", t.name)
            return await self.store.create(t.info, t.namespace, body, dry_run=dry)

    async def _delete_collection(self, request: Request, t: paths.Target) -> Response:
        q = request.query_params
        pred = predicate(t.info, q.get("labelSelector", ""), q.get("fieldSelector", ""))
        opts = await delete_options(request)
        result = await self.store.list(t.info, t.namespace, predicate=pred)
        deleted = []
        for obj in result.items:
            meta = obj["metadata"]
            try:
                deleted.append(
                    await self.store.delete(t.info, meta.get("namespace"), meta["name"], opts)
                )
            except StatusError as e:
                if e.code != 404:
                    raise
        return wire.json_response(
            {
                "kind": t.info.list_kind,
                "apiVersion": t.info.api_version,
                "metadata": {"resourceVersion": str(result.revision)},
                "items": deleted,
            }
        )


async def delete_options(request: Request) -> DeleteOptions:
    """DeleteOptions from the query and/or a JSON body (kubectl sends a body)."""
    q = request.query_params
    body: dict[str, Any] = {}
    if request.headers.get("content-length", "0") not in ("0", ""):
        raw = await wire.read_body(request)
        if isinstance(raw, dict):
            body = raw
    pre = body.get("preconditions") or {}
    grace = body.get("gracePeriodSeconds")
    if grace is None:
        grace = wire.parse_int(q.get("gracePeriodSeconds"), "gracePeriodSeconds")
    policy = body.get("propagationPolicy") or q.get("propagationPolicy")
    if body.get("orphanDependents") is True or q.get("orphanDependents") == "true":
        policy = policy or "Orphan"
    if policy not in (None, "Orphan", "Foreground", "Background"):
        raise BadRequest(
            f'propagationPolicy: Unsupported value: "{policy}": supported '
            f'values: "Foreground", "Background", "Orphan"'
        )
    dry = bool(body.get("dryRun")) or wire.dry_run(request)
    return DeleteOptions(
        grace_period=int(grace) if grace is not None else None,
        propagation=policy,
        uid=pre.get("uid"),
        resource_version=pre.get("resourceVersion"),
        dry_run=dry,
    )


def _verb(request: Request, t: paths.Target) -> str:
    m = request.method
    if m == "GET":
        if t.is_collection:
            return "watch" if request.query_params.get("watch") else "list"
        return "get"
    return {
        "POST": "create",
        "PUT": "update",
        "PATCH": "patch",
        "DELETE": "deletecollection" if t.is_collection else "delete",
    }.get(m, m.lower())
