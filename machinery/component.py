"""The runner every long-running component uses: health server, logging, clean shutdown.

The scheduler, controller manager, kubelet and kube-proxy all need the same process shell:
key=value logging, `/livez` `/readyz` `/healthz` (with `?verbose`) and `/metrics`
(ARCHITECTURE.md style rule 12), SIGTERM/SIGINT turned into an `asyncio.Event` the
component's main coroutine watches, and shutdown hooks (stop workers, release the lease)
run in reverse order before the process exits. A second signal exits at once.

A component declares its health address in its own settings (style rule 7) and passes it
down from `__main__`::

    class SchedulerSettings(ComponentSettings):
        health_bind_address: str = "127.0.0.1"
        health_port: int = 0  # 0 picks a free port (logged at start)

    def main() -> None:
        settings = parse(SchedulerSettings, prog="kubeling-scheduler")
        sched = Scheduler(settings)

        def setup(component: Component) -> None:
            component.checks.add_ready("informers-synced", sched.synced)
            component.on_shutdown(sched.stop)

        run_component("scheduler", settings, sched.run, setup=setup,
                      health_host=settings.health_bind_address, health_port=settings.health_port)
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, NoReturn

import prometheus_client
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from machinery import logs
from machinery.settings import ComponentSettings

log = logging.getLogger(__name__)

Check = Callable[[], bool | Awaitable[bool]]
Main = Callable[[asyncio.Event], Awaitable[None]]
Hook = Callable[[], Awaitable[None]]


class HealthChecks:
    """Named liveness and readiness checks; /readyz runs the live checks too (as Kubernetes)."""

    def __init__(self, *, timeout: float = 5.0) -> None:
        self.timeout = timeout
        self._live: dict[str, Check] = {"ping": lambda: True}
        self._ready: dict[str, Check] = {}

    def add_live(self, name: str, check: Check) -> None:
        self._add(self._live, name, check)

    def add_ready(self, name: str, check: Check) -> None:
        self._add(self._ready, name, check)

    def _add(self, into: dict[str, Check], name: str, check: Check) -> None:
        if name in self._live or name in self._ready:
            raise ValueError(f"health check {name!r} is already registered")
        into[name] = check

    async def live(self) -> dict[str, bool]:
        return await self._run(dict(self._live))

    async def ready(self) -> dict[str, bool]:
        return await self._run({**self._live, **self._ready})

    async def _run(self, checks: dict[str, Check]) -> dict[str, bool]:
        results = await asyncio.gather(*(self._one(n, c) for n, c in checks.items()))
        return dict(zip(checks, results, strict=True))

    async def _one(self, name: str, check: Check) -> bool:
        try:
            result = check()
            if inspect.isawaitable(result):
                result = await asyncio.wait_for(result, self.timeout)
            return bool(result)
        except TimeoutError:
            log.warning("health check timed out check=%s timeout=%s", name, self.timeout)
        except Exception as e:
            log.warning("health check raised check=%s err=%r", name, e, exc_info=e)
        return False


def health_response(checks: dict[str, bool], request: web.Request, name: str) -> web.Response:
    """The apiserver's format: "ok" / "<name> check failed", or one line per check."""
    ok = all(checks.values())
    status = 200 if ok else 500
    if "verbose" in request.query:
        lines = [f"[{'+' if v else '-'}]{k} {'ok' if v else 'failed'}" for k, v in checks.items()]
        lines.append(f"{name} check {'passed' if ok else 'failed'}")
        return web.Response(text="\n".join(lines) + "\n", status=status)
    return web.Response(text="ok" if ok else f"{name} check failed", status=status)


class HealthServer:
    """/livez, /readyz, /healthz and /metrics on one small aiohttp server."""

    def __init__(
        self,
        checks: HealthChecks,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        registry: CollectorRegistry = prometheus_client.REGISTRY,
    ) -> None:
        self.checks = checks
        self.host = host
        self.port = port  # the bound port once started (port 0 picks a free one)
        self.registry = registry
        self._app = web.Application()
        self._runner: web.AppRunner | None = None
        self.add_route("GET", "/livez", self._livez)
        self.add_route("GET", "/readyz", self._readyz)
        self.add_route("GET", "/healthz", self._healthz)
        self.add_route("GET", "/metrics", self._metrics)

    def add_route(
        self,
        method: str,
        path: str,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> None:
        if self._runner is not None:
            raise RuntimeError(f"add_route({method} {path}) after the health server started")
        self._app.router.add_route(method, path, handler)

    async def start(self) -> None:
        runner = web.AppRunner(self._app, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self.port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self.port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _livez(self, request: web.Request) -> web.Response:
        return health_response(await self.checks.live(), request, "livez")

    async def _readyz(self, request: web.Request) -> web.Response:
        return health_response(await self.checks.ready(), request, "readyz")

    async def _healthz(self, request: web.Request) -> web.Response:
        return health_response(await self.checks.ready(), request, "healthz")

    async def _metrics(self, request: web.Request) -> web.Response:
        body = generate_latest(self.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


class Component:
    """Runs a component's main coroutine with health server, logging and clean shutdown."""

    def __init__(
        self,
        name: str,
        settings: ComponentSettings,
        *,
        health_host: str,
        health_port: int,
        grace_period: float = 5.0,
        setup_logging: bool = True,
        registry: CollectorRegistry = prometheus_client.REGISTRY,
    ) -> None:
        self.name = name
        self.settings = settings
        self.grace_period = grace_period  # for main to return, and for each shutdown hook
        self.setup_logging = setup_logging
        self.checks = HealthChecks()
        self.server = HealthServer(
            self.checks, host=health_host, port=health_port, registry=registry
        )
        self.stopping = asyncio.Event()
        self.checks.add_ready("shutdown", lambda: not self.stopping.is_set())
        self._hooks: list[Hook] = []

    def on_shutdown(self, fn: Hook) -> None:
        """Run fn at shutdown, after main has finished; hooks run last-registered first."""
        self._hooks.append(fn)

    def request_stop(self, reason: str = "requested") -> None:
        if self.stopping.is_set():
            return
        log.info("stopping component=%s reason=%s", self.name, reason)
        self.stopping.set()

    def _on_signal(self, sig: signal.Signals) -> None:
        if self.stopping.is_set():
            log.error("second signal, exiting now component=%s signal=%s", self.name, sig.name)
            logging.shutdown()
            os._exit(1)
        self.request_stop(f"signal {sig.name}")

    async def run(self, main: Main) -> int:
        """Run main(stop) until it returns or stop is set; return the process exit code.

        0 when main returned or was stopped (cancelled after the grace period if it ignored
        stop); 1 when main raised, a shutdown hook failed, or the health server could not bind.
        """
        if self.setup_logging:
            logs.setup(self.settings.log_level, self.name)
        try:
            await self.server.start()
        except OSError as e:
            log.error(
                "health server failed component=%s address=%s:%d err=%s",
                self.name,
                self.server.host,
                self.server.port,
                e,
            )
            return 1
        log.info("started component=%s health=%s:%d", self.name, self.server.host, self.server.port)
        code = 1
        with _signals_to(self._on_signal):
            try:
                code = await self._main(main)
            finally:  # hooks run even when run() itself is cancelled
                code = max(code, await self._shutdown())
        log.info("exited component=%s code=%d", self.name, code)
        return code

    async def _main(self, main: Main) -> int:
        task = asyncio.create_task(_as_coro(main(self.stopping)), name=f"{self.name}-main")
        stop = asyncio.create_task(self.stopping.wait())
        cancelled = False
        try:
            await asyncio.wait({task, stop}, return_when=asyncio.FIRST_COMPLETED)
            if task.done():  # main returning (or failing) ends the component too
                self.request_stop("main failed" if _failed(task) else "main returned")
            if not task.done():
                await asyncio.wait({task}, timeout=self.grace_period)
            if not task.done():
                log.warning(
                    "main ignored stop, cancelling component=%s grace_period=%s",
                    self.name,
                    self.grace_period,
                )
                cancelled = task.cancel()
                await asyncio.wait({task}, timeout=self.grace_period)
        except asyncio.CancelledError:  # run() itself cancelled: take main down with it
            task.cancel()
            await asyncio.wait({task}, timeout=self.grace_period)
            raise
        finally:
            stop.cancel()
        if not task.done():
            log.error("main did not stop after cancel component=%s", self.name)
            return 1
        if task.cancelled():
            return 0 if cancelled else 1
        if (err := task.exception()) is not None:
            log.error("main failed component=%s err=%r", self.name, err, exc_info=err)
            return 1
        return 0

    async def _shutdown(self) -> int:
        code = 0
        for hook in reversed(self._hooks):
            hook_name = getattr(hook, "__qualname__", repr(hook))
            try:
                await asyncio.wait_for(hook(), self.grace_period)
            except Exception as e:
                log.error(
                    "shutdown hook failed component=%s hook=%s err=%r",
                    self.name,
                    hook_name,
                    e,
                    exc_info=e,
                )
                code = 1
        await self.server.stop()
        return code


@contextlib.contextmanager
def _signals_to(handler: Callable[[signal.Signals], None]) -> Iterator[None]:
    """Route SIGTERM and SIGINT to handler on the running loop; restore the old ones after."""
    loop = asyncio.get_running_loop()
    previous: dict[signal.Signals, Any] = {}
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            old = signal.getsignal(sig)
            loop.add_signal_handler(sig, handler, sig)
            previous[sig] = old
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread
            log.debug("cannot install signal handler signal=%s", sig.name)
    try:
        yield
    finally:
        for sig, old in previous.items():
            loop.remove_signal_handler(sig)
            if old is not None:
                signal.signal(sig, old)


def _failed(task: asyncio.Task[None]) -> bool:
    return task.cancelled() or task.exception() is not None


async def _as_coro(aw: Awaitable[None]) -> None:
    await aw


def run_component(
    name: str,
    settings: ComponentSettings,
    main: Main,
    *,
    health_host: str,
    health_port: int,
    grace_period: float = 5.0,
    setup: Callable[[Component], None] | None = None,
) -> NoReturn:
    """Build a Component (setup may add checks and hooks), run it on uvloop if present, exit."""
    component = Component(
        name, settings, health_host=health_host, health_port=health_port, grace_period=grace_period
    )
    if setup is not None:
        setup(component)
    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        code = runner.run(component.run(main))
    sys.exit(code)


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    try:
        import uvloop
    except ImportError:
        return None
    factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
    return factory


__all__ = ["Component", "HealthChecks", "HealthServer", "health_response", "run_component"]
