"""The ASGI application: wires storage, watch caches, the store and every route."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from apiserver import discovery, openapi, wire
from apiserver.allocators import Allocator, ServiceRanges
from apiserver.bootstrap import bootstrap
from apiserver.lister import Lister
from apiserver.registry import RESOURCES
from apiserver.rest import Api
from apiserver.settings import ApiServerSettings
from apiserver.storage import Storage
from apiserver.storage.etcd import EtcdStorage
from apiserver.store import Store
from apiserver.watchcache import WatchCache
from machinery.errors import NotFound, StatusError

log = logging.getLogger(__name__)


class Server:
    """Everything one API server process holds."""

    def __init__(self, settings: ApiServerSettings, storage: Storage | None = None) -> None:
        self.settings = settings
        endpoint = settings.etcd_servers.split(",")[0]
        self.storage: Storage = storage or EtcdStorage(endpoint)
        self.ranges = ServiceRanges.parse(
            settings.service_cluster_ip_range, settings.service_node_port_range
        )
        self.store = Store(self.storage, Allocator(self.storage, self.ranges))
        self.caches = {
            r.resource: WatchCache(self.storage, r, capacity=settings.watch_cache_size)
            for r in RESOURCES
        }
        self.api = Api(
            self.store,
            self.caches,
            bookmark_interval=settings.watch_bookmark_interval,
            min_request_timeout=settings.min_request_timeout,
            kubelet_timeout=settings.kubelet_timeout,
        )
        self.ready = False
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        delay = 0.2
        while True:  # etcd may still be starting: wait for it with back-off
            try:
                for cache in self.caches.values():
                    if not cache.ready.is_set():
                        await cache.start()
                address = self.settings.advertise_address or self.settings.bind_address
                await bootstrap(
                    self.store,
                    service_ip=self.ranges.first_ip,
                    address=address,
                    port=self.settings.port,
                )
                for attr, resource in (
                    ("namespaces", "namespaces"),
                    ("priority_classes", "priorityclasses"),
                ):
                    if getattr(self.store, attr) is None:
                        cache = self.caches[resource]
                        lister = Lister(self.storage, cache, cache.info)
                        await lister.start()
                        setattr(self.store, attr, lister)
                break
            except StatusError as e:
                log.warning("waiting for etcd err=%s", e.message)
            except Exception as e:
                log.warning("waiting for etcd err=%s", e)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)
        if self.settings.etcd_compaction_interval > 0:
            self._tasks.append(asyncio.create_task(self._compactor()))
        self.ready = True
        log.info("apiserver ready port=%d", self.settings.port)

    async def stop(self) -> None:
        for t in self._tasks:
            t.cancel()
        for lister in (self.store.namespaces, self.store.priority_classes):
            if lister is not None:
                await lister.stop()
        for cache in self.caches.values():
            await cache.stop()
        await self.storage.close()

    async def _compactor(self) -> None:
        """Compact etcd history older than one interval, as kube-apiserver does."""
        previous = 0
        while True:
            await asyncio.sleep(self.settings.etcd_compaction_interval)
            try:
                current = await self.storage.revision()
                if previous:
                    await self.storage.compact(previous)
                    log.info("compacted etcd revision=%d", previous)
                previous = current
            except Exception as e:
                log.warning("compaction failed err=%s", e)

    async def etcd_ok(self) -> bool:
        try:
            await asyncio.wait_for(self.storage.revision(), timeout=2)
            return True
        except Exception:
            return False


def health_response(checks: dict[str, bool], request: Request, name: str) -> Response:
    ok = all(checks.values())
    if "verbose" in request.query_params:
        lines = [f"[{'+' if v else '-'}]{k} {'ok' if v else 'failed'}" for k, v in checks.items()]
        lines.append(f"{name} check {'passed' if ok else 'failed'}")
        return PlainTextResponse("\n".join(lines) + "\n", status_code=200 if ok else 500)
    return PlainTextResponse("ok" if ok else f"{name} check failed", status_code=200 if ok else 500)


def create_app(settings: ApiServerSettings, storage: Storage | None = None) -> FastAPI:
    server = Server(settings, storage)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await server.start()
        yield
        await server.stop()

    async def version(request: Request) -> Response:
        return wire.json_response(discovery.version_info())

    async def api_root(request: Request) -> Response:
        negotiated = discovery.negotiate(request.headers.get("accept", ""))
        if negotiated:
            body, ctype = discovery.aggregated(True, negotiated)
            return wire.json_response(body, media_type=ctype)
        address = f"{settings.advertise_address or settings.bind_address}:{settings.port}"
        return wire.json_response(discovery.api_versions(address))

    async def apis_root(request: Request) -> Response:
        negotiated = discovery.negotiate(request.headers.get("accept", ""))
        if negotiated:
            body, ctype = discovery.aggregated(False, negotiated)
            return wire.json_response(body, media_type=ctype)
        return wire.json_response(discovery.api_group_list())

    async def core_resources(request: Request) -> Response:
        doc = discovery.api_resource_list("", "v1")
        return wire.json_response(doc)

    async def group_resources(request: Request) -> Response:
        p = request.path_params
        doc = discovery.api_resource_list(p["group"], p["version"])
        if doc is None:
            return wire.status_response(
                NotFound("the server could not find the requested resource")
            )
        return wire.json_response(doc)

    async def group_root(request: Request) -> Response:
        doc = discovery.api_group(request.path_params["group"])
        if doc is None:
            return wire.status_response(
                NotFound("the server could not find the requested resource")
            )
        return wire.json_response(doc)

    async def openapi_root(request: Request) -> Response:
        return wire.json_response(openapi.v3_root())

    async def openapi_gv(request: Request) -> Response:
        doc = openapi.v3_group_version(request.path_params["path"])
        if doc is None:
            return wire.status_response(
                NotFound("the server could not find the requested resource")
            )
        return wire.json_response(doc)

    async def not_found(request: Request) -> Response:
        return wire.status_response(NotFound("the server could not find the requested resource"))

    async def livez(request: Request) -> Response:
        return health_response({"ping": True}, request, "livez")

    async def readyz(request: Request) -> Response:
        checks = {"ping": True, "etcd": await server.etcd_ok(), "bootstrap": server.ready}
        return health_response(checks, request, "readyz")

    async def metrics(request: Request) -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    all_methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
    routes: list[Any] = [
        Route("/version", version),
        Route("/livez", livez),
        Route("/readyz", readyz),
        Route("/healthz", readyz),
        Route("/metrics", metrics),
        Route("/openapi/v3", openapi_root),
        Route("/openapi/v3/{path:path}", openapi_gv),
        Route("/openapi/v2", not_found),
        Route("/api", api_root),
        Route("/api/v1", core_resources),
        Route("/api/v1/{path:path}", server.api.core, methods=all_methods),
        Route("/apis", apis_root),
        Route("/apis/{group}", group_root),
        Route("/apis/{group}/{version}", group_resources),
        Route("/apis/{group}/{version}/{path:path}", server.api.grouped, methods=all_methods),
    ]
    app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.router.routes.extend(routes)
    app.state.server = server

    @app.exception_handler(StatusError)
    async def status_error(request: Request, exc: StatusError) -> Response:
        return wire.status_response(exc)

    return app
