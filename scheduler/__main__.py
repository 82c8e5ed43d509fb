"""`python -m scheduler` / `kubeling-scheduler`: the scheduler process.

Informers start at once on every replica; with --leader-elect (the default) only the
holder of the `kube-scheduler` Lease schedules, and a replica that loses the lease exits
(as kube-scheduler does) so that it never acts on a stale belief that it leads.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket

from machinery import kubeconfig
from machinery.client import Client
from machinery.component import Component, run_component
from machinery.events import EventRecorder
from machinery.leaderelection import LeaderElector
from machinery.settings import parse
from scheduler.scheduler import Scheduler
from scheduler.settings import SchedulerSettings

log = logging.getLogger(__name__)


class LeadershipLost(RuntimeError):
    pass


class App:
    def __init__(self, settings: SchedulerSettings) -> None:
        self.settings = settings
        self.identity = settings.identity or f"{socket.gethostname()}_{os.getpid()}"
        self.client: Client | None = None
        self.scheduler: Scheduler | None = None
        self.elector: LeaderElector | None = None

    def ready(self) -> bool:
        return self.scheduler is not None and self.scheduler.synced()

    def may_act(self) -> bool:
        return self.elector is None or self.elector.is_leader

    async def run(self, stop: asyncio.Event) -> None:
        s = self.settings
        config = kubeconfig.load(s.kubeconfig or None)
        self.client = Client(config, user_agent="kubeling-scheduler", max_connections=100)
        recorder = EventRecorder(self.client, component="default-scheduler", host=self.identity)
        if s.leader_elect:
            self.elector = LeaderElector(
                self.client,
                s.election_config(self.identity),
                on_started_leading=self._lead,
            )
        self.scheduler = Scheduler(
            self.client,
            recorder=recorder,
            parallel_binds=s.parallel_binds,
            percentage_of_nodes_to_score=s.percentage_of_nodes_to_score,
            initial_backoff=s.pod_initial_backoff_seconds,
            max_backoff=s.pod_max_backoff_seconds,
            may_act=self.may_act,
        )
        self.scheduler.start()
        work = asyncio.create_task(
            self.elector.run() if self.elector is not None else self._lead(), name="scheduler"
        )
        stopping = asyncio.create_task(stop.wait())
        try:
            await asyncio.wait({work, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            if self.elector is not None and not work.done():
                # while still leading: release() needs a live lease, and a standby
                # takes over at once instead of after a lease duration
                await self.elector.release()
            if not work.done():
                work.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await work
        if not stop.is_set():
            work.result()  # raises what the scheduler raised
            if self.elector is None:
                raise RuntimeError("the scheduling loop ended")
            raise LeadershipLost(f"leader election lost identity={self.identity}")

    async def _lead(self) -> None:
        assert self.scheduler is not None
        log.info("leading identity=%s", self.identity)
        await self.scheduler.run()

    async def shutdown(self) -> None:
        if self.scheduler is not None:
            await self.scheduler.stop()
        if self.client is not None:
            await self.client.close()


def main() -> None:
    settings = parse(SchedulerSettings, prog="kubeling-scheduler")
    app = App(settings)

    def setup(component: Component) -> None:
        component.checks.add_ready("informers-synced", app.ready)
        component.on_shutdown(app.shutdown)

    run_component(
        "scheduler",
        settings,
        app.run,
        health_host=settings.health_bind_address,
        health_port=settings.port,
        grace_period=settings.grace_period,
        setup=setup,
    )


if __name__ == "__main__":
    main()
