"""The client's watch against a loopback server that goes silent without closing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from machinery.api import ConfigMap
from machinery.client import Client
from machinery.errors import ServiceUnavailable
from machinery.kubeconfig import ClientConfig

EVENT = (
    b'{"type":"ADDED","object":{"apiVersion":"v1","kind":"ConfigMap",'
    b'"metadata":{"name":"a","namespace":"default","resourceVersion":"5"}}}\n'
)


@pytest.fixture
async def silent_server() -> AsyncIterator[str]:
    """Answers a watch with one event, then sends nothing more and never closes."""
    release = asyncio.Event()

    async def watch(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "application/json"})
        await resp.prepare(request)
        await resp.write(EVENT)
        await release.wait()  # a peer that vanished: no data, no FIN
        return resp

    app = web.Application()
    app.router.add_get("/api/v1/namespaces/default/configmaps", watch)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        release.set()
        await runner.cleanup()


async def test_a_silent_watch_breaks_after_the_idle_timeout(silent_server: str) -> None:
    async with Client(ClientConfig(server=silent_server), watch_idle_timeout=0.5) as client:
        seen = []
        with pytest.raises(ServiceUnavailable, match="watch stream broke"):
            async with asyncio.timeout(10):  # without the idle timeout this would hang
                async for ev in client.watch(ConfigMap, "default"):
                    seen.append(ev.object.metadata.name)
        assert seen == ["a"]
