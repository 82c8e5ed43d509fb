"""The manager: every enabled controller in one process, working only while it leads.

One client and one SharedInformerFactory (one watch per resource, however many
controllers read it) are built up front; informers start, caches sync and workers run
only after this process wins the `kube-controller-manager` Lease in kube-system. Losing
the lease stops the work and ends the process (as Kubernetes' controller manager does),
so a standby takes over with fresh caches.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Callable
from typing import Any

from prometheus_client import Gauge

from controller_manager.base import Controller
from controller_manager.deployment import DeploymentController
from controller_manager.endpoints import EndpointsController
from controller_manager.endpointslice import EndpointSliceController
from controller_manager.garbagecollector import GarbageCollector
from controller_manager.namespace import NamespaceController
from controller_manager.nodeipam import NodeIpamController
from controller_manager.nodelifecycle import NodeLifecycleController
from controller_manager.replicaset import ReplicaSetController
from controller_manager.settings import ControllerManagerSettings
from machinery import kubeconfig
from machinery.client.client import Client
from machinery.events import EventRecorder
from machinery.informer import SharedInformerFactory
from machinery.leaderelection import LeaderElector

log = logging.getLogger(__name__)

LEADER = Gauge("controller_manager_leader", "1 while this process holds the leader lease.")


class LeadershipLost(Exception):
    pass


class Manager:
    def __init__(self, settings: ControllerManagerSettings) -> None:
        self.settings = settings
        config = kubeconfig.load(settings.kubeconfig or None)
        if settings.master:
            from dataclasses import replace

            config = replace(config, server=settings.master)
        self.client = Client(config, user_agent="kubeling-controller-manager", max_connections=200)
        self.informers = SharedInformerFactory(self.client)
        self.identity = f"{socket.gethostname()}_{uuid.uuid4()}"
        self.recorder = EventRecorder(
            self.client, component="controller-manager", host=socket.gethostname()
        )
        self.controllers: list[Controller] = build_controllers(
            settings, self.client, self.informers, self.recorder
        )
        self.leading = False
        self.synced = False
        self.elector: LeaderElector | None = None

    def ready(self) -> bool:
        """A standby is ready; a leader once its caches have synced."""
        return not self.leading or self.synced

    async def _lead(self) -> None:
        self.leading = True
        LEADER.set(1)
        log.info("leading identity=%s controllers=%s", self.identity, self.settings.enabled())
        self.recorder.start()
        self.informers.start()
        await self.informers.wait_synced()
        self.synced = True
        log.info("caches synced")
        async with asyncio.TaskGroup() as tasks:
            for c in self.controllers:
                tasks.create_task(c.run(), name=f"controller-{c.name}")
                starter = getattr(c, "start", None)
                if starter is not None:
                    tasks.create_task(starter(), name=f"controller-{c.name}-loop")

    async def run(self, stop: asyncio.Event) -> None:
        s = self.settings
        if s.leader_elect:
            self.elector = LeaderElector(
                self.client,
                s.election_config(self.identity),
                on_started_leading=self._lead,
            )
            work: asyncio.Task[Any] = asyncio.create_task(self.elector.run(), name="election")
        else:
            work = asyncio.create_task(self._lead(), name="lead")
        stopper = asyncio.create_task(stop.wait())
        try:
            await asyncio.wait({work, stopper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopper.cancel()
            if not work.done():
                work.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await work
        if not stop.is_set():
            if work.exception() is not None:
                raise work.exception()  # type: ignore[misc]
            raise LeadershipLost("leader election lost")

    async def shutdown(self) -> None:
        for c in self.controllers:
            c.stop()
        if self.elector is not None:
            await self.elector.release()
        await self.recorder.stop(flush_timeout=1.0)
        await self.informers.stop()
        await self.client.close()
        LEADER.set(0)
        log.info("controller manager stopped pid=%d", os.getpid())


def build_controllers(
    settings: ControllerManagerSettings,
    client: Client,
    informers: SharedInformerFactory,
    recorder: EventRecorder,
) -> list[Controller]:
    """The enabled controllers, wired to the shared informers."""
    s = settings
    common: dict[str, Any] = {"recorder": recorder}
    factories: dict[str, Callable[[], Controller | None]] = {
        "replicaset": lambda: ReplicaSetController(
            client, informers, **common, workers=s.concurrent_replicaset_syncs
        ),
        "deployment": lambda: DeploymentController(
            client, informers, **common, workers=s.concurrent_deployment_syncs
        ),
        "endpoints": lambda: EndpointsController(
            client, informers, **common, workers=s.concurrent_endpoint_syncs
        ),
        "endpointslice": lambda: EndpointSliceController(
            client, informers, **common, workers=s.concurrent_endpoint_syncs
        ),
        "nodelifecycle": lambda: NodeLifecycleController(
            client,
            informers,
            **common,
            monitor_period=s.node_monitor_period,
            grace_period=s.node_monitor_grace_period,
            startup_grace_period=s.node_startup_grace_period,
        ),
        "nodeipam": lambda: (
            NodeIpamController(
                client,
                informers,
                **common,
                cluster_cidr=s.cluster_cidr,
                mask_size=s.node_cidr_mask_size,
                skip_first=s.skip_first_node_cidr,
            )
            if s.allocate_node_cidrs
            else None
        ),
        "garbagecollector": lambda: GarbageCollector(
            client, informers, **common, workers=s.concurrent_gc_syncs
        ),
        "namespace": lambda: NamespaceController(
            client, informers, **common, workers=s.concurrent_namespace_syncs
        ),
    }
    # settings.enabled() rejects unknown names
    return [c for name in s.enabled() if (c := factories[name]()) is not None]
