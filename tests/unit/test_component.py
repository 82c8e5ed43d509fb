"""The component runner: health endpoints, metrics, and how Component.run starts and stops."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator, Awaitable, Callable

import aiohttp
import pytest
from aiohttp import web
from prometheus_client import CollectorRegistry, Counter

from machinery import component as component_module
from machinery.component import Component, HealthChecks, HealthServer, run_component
from machinery.settings import ComponentSettings


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as s, s.get(url) as r:
        return r.status, await r.text()


@pytest.fixture
def checks() -> HealthChecks:
    return HealthChecks()


@pytest.fixture
async def server(checks: HealthChecks) -> AsyncIterator[HealthServer]:
    srv = HealthServer(checks, registry=CollectorRegistry())
    await srv.start()
    try:
        yield srv
    finally:
        await srv.stop()


def url(srv: HealthServer, path: str) -> str:
    return f"http://127.0.0.1:{srv.port}{path}"


# --- health checks and the health server ---


async def test_port_zero_binds_a_free_port(server: HealthServer) -> None:
    assert server.port != 0
    assert await get(url(server, "/livez")) == (200, "ok")


async def test_failing_ready_check_fails_readyz_and_healthz_not_livez(
    checks: HealthChecks, server: HealthServer
) -> None:
    checks.add_ready("cache", lambda: False)
    assert await get(url(server, "/readyz")) == (500, "readyz check failed")
    assert await get(url(server, "/healthz")) == (500, "healthz check failed")
    assert await get(url(server, "/livez")) == (200, "ok")


async def test_failing_live_check_fails_livez_and_readyz(
    checks: HealthChecks, server: HealthServer
) -> None:
    checks.add_live("deadlock", lambda: False)
    assert await get(url(server, "/livez")) == (500, "livez check failed")
    assert await get(url(server, "/readyz")) == (500, "readyz check failed")


async def test_verbose_lists_every_check(checks: HealthChecks, server: HealthServer) -> None:
    checks.add_ready("informers", lambda: True)
    checks.add_ready("lease", lambda: False)
    assert await get(url(server, "/readyz?verbose")) == (
        500,
        "[+]ping ok\n[+]informers ok\n[-]lease failed\nreadyz check failed\n",
    )
    assert await get(url(server, "/livez?verbose")) == (200, "[+]ping ok\nlivez check passed\n")


async def test_async_and_sync_checks(checks: HealthChecks, server: HealthServer) -> None:
    state = {"synced": False}

    async def synced() -> bool:
        await asyncio.sleep(0)
        return state["synced"]

    checks.add_ready("sync-true", lambda: True)
    checks.add_ready("informers", synced)
    assert await get(url(server, "/readyz")) == (500, "readyz check failed")
    state["synced"] = True
    assert await get(url(server, "/readyz")) == (200, "ok")


async def test_raising_check_counts_as_failed_and_is_logged(
    checks: HealthChecks, server: HealthServer, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> bool:
        raise RuntimeError("boom")

    checks.add_ready("broken", broken)
    with caplog.at_level(logging.WARNING, logger="machinery.component"):
        status, text = await get(url(server, "/readyz?verbose"))
    assert status == 500
    assert "[-]broken failed" in text
    assert any(
        "check=broken" in r.getMessage() and "boom" in r.getMessage() for r in caplog.records
    )


async def test_slow_async_check_times_out_as_failed() -> None:
    checks = HealthChecks(timeout=0.05)
    never = asyncio.Event()

    async def hangs() -> bool:
        await never.wait()
        return True

    checks.add_ready("hangs", hangs)
    assert await checks.ready() == {"ping": True, "hangs": False}


def test_duplicate_check_name_is_refused(checks: HealthChecks) -> None:
    checks.add_live("etcd", lambda: True)
    with pytest.raises(ValueError, match="etcd"):
        checks.add_ready("etcd", lambda: True)


async def test_metrics_serves_the_given_registry() -> None:
    registry = CollectorRegistry()
    Counter("kubeling_test_syncs", "Syncs done.", registry=registry).inc(3)
    srv = HealthServer(HealthChecks(), registry=registry)
    await srv.start()
    try:
        async with aiohttp.ClientSession() as s, s.get(url(srv, "/metrics")) as r:
            assert r.status == 200
            assert r.headers["Content-Type"].startswith("text/plain; version=")
            assert "kubeling_test_syncs_total 3.0" in await r.text()
    finally:
        await srv.stop()


async def test_extra_routes_before_start_only() -> None:
    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="hello " + request.match_info["who"])

    srv = HealthServer(HealthChecks(), registry=CollectorRegistry())
    srv.add_route("GET", "/hello/{who}", hello)
    await srv.start()
    try:
        assert await get(url(srv, "/hello/node-1")) == (200, "hello node-1")
        with pytest.raises(RuntimeError, match="after the health server started"):
            srv.add_route("GET", "/late", hello)
    finally:
        await srv.stop()


async def test_stop_closes_the_port() -> None:
    srv = HealthServer(HealthChecks(), registry=CollectorRegistry())
    await srv.start()
    await srv.stop()
    with pytest.raises(aiohttp.ClientConnectorError):
        await get(url(srv, "/livez"))


# --- Component.run ---


def make_component(*, grace_period: float = 5.0) -> Component:
    return Component(
        "test",
        ComponentSettings(),
        health_host="127.0.0.1",
        health_port=0,
        grace_period=grace_period,
        setup_logging=False,
        registry=CollectorRegistry(),
    )


async def test_main_returning_exits_zero_and_runs_hooks() -> None:
    c = make_component()
    events: list[str] = []

    async def main(stop: asyncio.Event) -> None:
        events.append("main")

    async def hook() -> None:
        events.append("hook")

    c.on_shutdown(hook)
    assert await c.run(main) == 0
    assert events == ["main", "hook"]


async def test_main_raising_exits_one_and_logs(caplog: pytest.LogCaptureFixture) -> None:
    c = make_component()
    hook_ran = asyncio.Event()

    async def main(stop: asyncio.Event) -> None:
        raise ValueError("bad config")

    async def hook() -> None:
        hook_ran.set()

    c.on_shutdown(hook)
    with caplog.at_level(logging.ERROR, logger="machinery.component"):
        assert await c.run(main) == 1
    assert hook_ran.is_set()
    failed = [r for r in caplog.records if "main failed" in r.getMessage()]
    assert failed and "component=test" in failed[0].getMessage()
    assert "bad config" in failed[0].getMessage()
    assert failed[0].exc_info is not None


async def test_request_stop_reaches_main_and_readyz_fails_while_stopping() -> None:
    c = make_component()
    running = asyncio.Event()
    seen: dict[str, tuple[int, str]] = {}

    async def main(stop: asyncio.Event) -> None:
        base = f"http://127.0.0.1:{c.server.port}"
        seen["before"] = await get(base + "/readyz")
        running.set()
        await stop.wait()
        seen["during"] = await get(base + "/readyz?verbose")
        seen["live"] = await get(base + "/livez")

    run = asyncio.create_task(c.run(main))
    await asyncio.wait_for(running.wait(), 5)
    c.request_stop()
    assert await asyncio.wait_for(run, 5) == 0
    assert seen["before"] == (200, "ok")
    assert seen["during"][0] == 500 and "[-]shutdown failed" in seen["during"][1]
    assert seen["live"] == (200, "ok")


async def test_shutdown_hooks_run_in_reverse_order_after_main() -> None:
    c = make_component()
    order: list[str] = []

    def hook(name: str) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            order.append(name)

        return run

    for name in ("workers", "informers", "lease"):
        c.on_shutdown(hook(name))

    async def main(stop: asyncio.Event) -> None:
        order.append("main")

    assert await c.run(main) == 0
    assert order == ["main", "lease", "informers", "workers"]


async def test_failing_hook_exits_one_and_later_hooks_still_run() -> None:
    c = make_component()
    ran: list[str] = []

    async def first() -> None:
        ran.append("first")

    async def broken() -> None:
        raise RuntimeError("release failed")

    c.on_shutdown(first)
    c.on_shutdown(broken)

    async def main(stop: asyncio.Event) -> None:
        return None

    assert await c.run(main) == 1
    assert ran == ["first"]


async def test_main_ignoring_stop_is_cancelled_after_grace_period(
    caplog: pytest.LogCaptureFixture,
) -> None:
    c = make_component(grace_period=0.1)
    running = asyncio.Event()
    cancelled = asyncio.Event()

    async def main(stop: asyncio.Event) -> None:
        running.set()
        try:
            await asyncio.Event().wait()  # never looks at stop
        except asyncio.CancelledError:
            cancelled.set()
            raise

    run = asyncio.create_task(c.run(main))
    await asyncio.wait_for(running.wait(), 5)
    with caplog.at_level(logging.WARNING, logger="machinery.component"):
        c.request_stop()
        assert await asyncio.wait_for(run, 5) == 0
    assert cancelled.is_set()
    assert any("main ignored stop" in r.getMessage() for r in caplog.records)


async def test_cancelled_run_still_runs_hooks_and_stops_server() -> None:
    c = make_component()
    running = asyncio.Event()
    hook_ran = asyncio.Event()

    async def main(stop: asyncio.Event) -> None:
        running.set()
        await stop.wait()

    async def hook() -> None:
        hook_ran.set()

    c.on_shutdown(hook)
    run = asyncio.create_task(c.run(main))
    await asyncio.wait_for(running.wait(), 5)
    run.cancel()
    with pytest.raises(asyncio.CancelledError):
        await run
    assert hook_ran.is_set()
    with pytest.raises(aiohttp.ClientConnectorError):
        await get(f"http://127.0.0.1:{c.server.port}/livez")


async def test_port_in_use_exits_one_without_running_main() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        c = Component(
            "test",
            ComponentSettings(),
            health_host="127.0.0.1",
            health_port=busy.getsockname()[1],
            setup_logging=False,
            registry=CollectorRegistry(),
        )
        started: list[bool] = []

        async def main(stop: asyncio.Event) -> None:
            started.append(True)

        assert await c.run(main) == 1
        assert started == []


async def test_run_sets_up_logging_with_level_and_name(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str]] = []
    monkeypatch.setattr(component_module.logs, "setup", lambda lvl, name: calls.append((lvl, name)))
    c = Component(
        "scheduler",
        ComponentSettings(log_level="DEBUG"),
        health_host="127.0.0.1",
        health_port=0,
        registry=CollectorRegistry(),
    )

    async def main(stop: asyncio.Event) -> None:
        return None

    assert await c.run(main) == 0
    assert calls == [("DEBUG", "scheduler")]


def test_run_component_exits_with_the_code_and_calls_setup(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(component_module.logs, "setup", lambda lvl, name: None)
    configured: list[Component] = []

    async def main(stop: asyncio.Event) -> None:
        raise RuntimeError("crash")

    with pytest.raises(SystemExit) as exit_info:
        run_component(
            "kubelet",
            ComponentSettings(),
            main,
            health_host="127.0.0.1",
            health_port=0,
            setup=configured.append,
        )
    assert exit_info.value.code == 1
    assert [c.name for c in configured] == ["kubelet"]
