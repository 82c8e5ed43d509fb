"""Hollow kubelets: N fake nodes in one asyncio task set, for tests and benchmarks.

No Docker: each hollow node registers a Ready Node (cpu, memory, pods allocatable),
renews its Lease in kube-node-lease, turns pods bound to it Running and Ready (container
statuses, conditions, a pod IP from the node's podCIDR or a counter) and completes the
graceful deletion of its pods (delete with gracePeriodSeconds=0 once deletionTimestamp is
set). `stop_node` silences a node (no heartbeats, no pod work) for node-loss tests;
`bind=True` also binds pending pods round-robin to live nodes whose labels match the
pod's nodeSelector (there is no scheduler in the controller tests).

In a test: `HollowThread(server_url, count=3)` runs it on a background event loop.
As a process: `python -m tests.support.hollow --server URL --nodes N --prefix NAME [--bind]`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import itertools
import logging
import signal
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from machinery.api import Lease, Node, Pod
from machinery.client.client import Client
from machinery.errors import AlreadyExists, Conflict, NotFound
from machinery.informer import Informer
from machinery.kubeconfig import ClientConfig
from machinery.timeutil import now_rfc3339, now_rfc3339_micro
from machinery.workqueue import WorkQueue, run_workers

log = logging.getLogger(__name__)

LEASE_NAMESPACE = "kube-node-lease"
R = TypeVar("R")


class HollowNodes:
    def __init__(
        self,
        client: Client,
        *,
        prefix: str = "hollow",
        count: int = 3,
        lease_interval: float = 2.0,
        bind: bool = False,
        cpu: str = "16",
        memory: str = "64Gi",
        max_pods: int = 1000,
        workers: int = 16,
    ) -> None:
        self.client = client
        self.prefix = prefix
        self.lease_interval = lease_interval
        self.bind = bind
        self.capacity = {"cpu": cpu, "memory": memory, "pods": str(max_pods)}
        self.workers = workers
        self.names: list[str] = []
        self.stopped: set[str] = set()
        self.pods: Informer[Pod] = Informer(client, Pod)
        self.nodes: Informer[Node] = Informer(client, Node)
        self.queue: WorkQueue[str] = WorkQueue(name=f"hollow-{prefix}")
        self._ip_counters: dict[str, itertools.count[int]] = {}
        self._rr = itertools.count()
        self._tasks: list[asyncio.Task[Any]] = []
        self._leases: dict[str, Lease] = {}
        self.add_names(count)

    def add_names(self, count: int) -> list[str]:
        start = len(self.names)
        new = [f"{self.prefix}-{i}" for i in range(start, start + count)]
        self.names.extend(new)
        return new

    @property
    def live(self) -> list[str]:
        return [n for n in self.names if n not in self.stopped]

    # ---- lifecycle ------------------------------------------------------------------------
    async def start(self) -> None:
        for name in self.names:
            await self.register(name)
        self.pods.add_handlers(on_add=self._enqueue, on_update=lambda old, new: self._enqueue(new))
        self.pods.start()
        self.nodes.start()
        await self.pods.wait_synced(30)
        await self.nodes.wait_synced(30)
        self._tasks.append(asyncio.create_task(self._heartbeats(), name="hollow-leases"))
        self._tasks.append(
            asyncio.create_task(
                run_workers(self.queue, self._handle, workers=self.workers, on_error=_quiet),
                name="hollow-workers",
            )
        )

    async def stop(self, *, unregister: bool = False) -> None:
        """Stop every node; with unregister also delete their Node and Lease objects."""
        self.queue.shutdown()
        for t in self._tasks:
            t.cancel()
        for t in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t
        self._tasks.clear()
        await self.pods.stop()
        await self.nodes.stop()
        if unregister:
            for name in self.names:
                with contextlib.suppress(NotFound):
                    await self.client.delete(Lease, name, LEASE_NAMESPACE)
                with contextlib.suppress(NotFound):
                    await self.client.delete(Node, name)

    async def add_nodes(self, count: int) -> list[str]:
        new = self.add_names(count)
        for name in new:
            await self.register(name)
        return new

    def stop_node(self, name: str) -> None:
        """The node goes silent: no lease renewals, no pod status, no deletions."""
        self.stopped.add(name)

    def resume_node(self, name: str) -> None:
        self.stopped.discard(name)
        for pod in self.pods.cache.by_index("node", name):
            self.queue.add(pod.key)

    # ---- nodes and leases -----------------------------------------------------------------
    def _node_index(self, name: str) -> int:
        return self.names.index(name) if name in self.names else 0

    async def register(self, name: str) -> None:
        node = Node.model_validate(
            {
                "metadata": {
                    "name": name,
                    "labels": {
                        "kubernetes.io/hostname": name,
                        "kubernetes.io/os": "linux",
                        "kubernetes.io/arch": "amd64",
                        "kubeling.io/hollow": "true",
                    },
                }
            }
        )
        with contextlib.suppress(AlreadyExists):
            await self.client.create(node)
        await self._post_ready(name)
        await self._renew(name)

    async def _post_ready(self, name: str) -> None:
        """Post a Ready status (re-reading the node when something else wrote it first)."""
        for attempt in range(10):
            try:
                await self._write_ready(await self.client.get(Node, name))
                return
            except Conflict:
                if attempt == 9:
                    raise
                await asyncio.sleep(0.05)

    async def _write_ready(self, node: Node) -> None:
        i = self._node_index(node.metadata.name)
        now = now_rfc3339()
        new = node.clone()
        new.status = new.status.model_validate(
            {
                "capacity": dict(self.capacity),
                "allocatable": dict(self.capacity),
                "conditions": [
                    _cond("Ready", "True", "KubeletReady", "kubelet is posting ready status", now),
                    _cond("MemoryPressure", "False", "KubeletHasSufficientMemory", "", now),
                    _cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "", now),
                    _cond("PIDPressure", "False", "KubeletHasSufficientPID", "", now),
                ],
                "addresses": [
                    {"type": "InternalIP", "address": f"127.0.{1 + i // 250}.{1 + i % 250}"},
                    {"type": "Hostname", "address": node.metadata.name},
                ],
                "daemonEndpoints": {"kubeletEndpoint": {"Port": 0}},
                "nodeInfo": {
                    "machineID": node.metadata.name,
                    "systemUUID": node.metadata.name,
                    "bootID": "hollow",
                    "kernelVersion": "hollow",
                    "osImage": "hollow",
                    "containerRuntimeVersion": "hollow://0",
                    "kubeletVersion": "v1.32.0-hollow",
                    "kubeProxyVersion": "",
                    "operatingSystem": "linux",
                    "architecture": "amd64",
                },
            }
        )
        await self.client.update_status(new)

    async def _renew(self, name: str) -> None:
        lease = self._leases.get(name)
        now = now_rfc3339_micro()
        if lease is None:
            try:
                lease = await self.client.get(Lease, name, LEASE_NAMESPACE)
            except NotFound:
                fresh = Lease.model_validate(
                    {
                        "metadata": {"name": name, "namespace": LEASE_NAMESPACE},
                        "spec": {"holderIdentity": name, "leaseDurationSeconds": 40},
                    }
                )
                fresh.spec.renew_time = now
                self._leases[name] = await self.client.create(fresh)
                return
        new = lease.clone()
        new.spec.renew_time = now
        new.spec.holder_identity = name
        try:
            self._leases[name] = await self.client.update(new)
        except (Conflict, NotFound):
            self._leases.pop(name, None)
            raise

    async def _heartbeats(self) -> None:
        while True:
            await asyncio.sleep(self.lease_interval)
            for name in self.live:
                try:
                    await self._renew(name)
                    node = self.nodes.cache.get(name)
                    if node is not None and not node.is_ready():
                        await self._post_ready(name)  # a kubelet that is back says so
                except Exception as e:
                    log.warning("hollow heartbeat failed node=%s err=%s", name, e)

    # ---- pods -----------------------------------------------------------------------------
    def _enqueue(self, pod: Pod) -> None:
        node = pod.spec.node_name
        if (node and node in self.names) or (self.bind and not node):
            self.queue.add(pod.key)

    def _pod_ip(self, node_name: str) -> str:
        counter = self._ip_counters.setdefault(node_name, itertools.count(2))
        n = next(counter)
        node = self.nodes.cache.get(node_name)
        cidr = node.spec.pod_cidr if node is not None else None
        if cidr:
            net = ipaddress.ip_network(cidr)
            return str(net.network_address + 1 + (n - 1) % (net.num_addresses - 2))
        i = self._node_index(node_name)
        return f"10.{200 + i // 256}.{i % 256}.{n % 250 + 2}"

    def _fits(self, pod: Pod, node_name: str) -> bool:
        """The only scheduling rule hollow binding knows: spec.nodeSelector."""
        wanted = pod.spec.node_selector or {}
        if not wanted:
            return True
        node = self.nodes.cache.get(node_name)
        labels = (node.metadata.labels or {}) if node is not None else {}
        return all(labels.get(k) == v for k, v in wanted.items())

    async def _handle(self, key: str) -> None:
        pod = self.pods.cache.get(key)
        if pod is None:
            return
        node = pod.spec.node_name
        ns, name = pod.metadata.namespace or "default", pod.metadata.name
        if not node:
            if self.bind and not pod.metadata.deletion_timestamp:
                fits = [n for n in self.live if self._fits(pod, n)]
                if fits:  # else it stays Pending, as with a scheduler that finds no node
                    target = fits[next(self._rr) % len(fits)]
                    with contextlib.suppress(Conflict, NotFound):
                        await self.client.bind(ns, name, target)
            return
        if node not in self.names or node in self.stopped:
            return
        if pod.metadata.deletion_timestamp:
            with contextlib.suppress(NotFound):
                await self.client.delete(Pod, name, ns, grace_period_seconds=0)
            return
        if pod.status.phase in ("Running", "Succeeded", "Failed"):
            return
        await self.client.update_status(_running(pod, node, self._pod_ip(node)))


def _cond(type_: str, status: str, reason: str, message: str, now: str) -> dict[str, Any]:
    return {
        "type": type_,
        "status": status,
        "reason": reason,
        "message": message,
        "lastHeartbeatTime": now,
        "lastTransitionTime": now,
    }


def _running(pod: Pod, node: str, ip: str) -> Pod:
    now = now_rfc3339()
    new = pod.clone()
    containers = pod.spec.containers or []
    host_ip = "127.0.0.1"
    new.status = new.status.model_validate(
        {
            **pod.status.to_dict(),
            "phase": "Running",
            "hostIP": host_ip,
            "hostIPs": [{"ip": host_ip}],
            "podIP": ip,
            "podIPs": [{"ip": ip}],
            "startTime": now,
            "conditions": [
                {"type": t, "status": "True", "lastTransitionTime": now}
                for t in ("PodReadyToStartContainers", "Initialized", "ContainersReady", "Ready")
            ]
            + [{"type": "PodScheduled", "status": "True", "lastTransitionTime": now}],
            "containerStatuses": [
                {
                    "name": c.name,
                    "image": c.image or "",
                    "imageID": "",
                    "containerID": f"hollow://{pod.metadata.uid}/{c.name}",
                    "ready": True,
                    "started": True,
                    "restartCount": 0,
                    "state": {"running": {"startedAt": now}},
                }
                for c in containers
            ],
        }
    )
    return new


def _quiet(key: str, exc: Exception) -> None:
    log.debug("hollow retry key=%s err=%r", key, exc)


class HollowThread:
    """HollowNodes on a background event loop, driven from synchronous test code."""

    def __init__(self, server: str, **kw: Any) -> None:
        self.server = server
        self.kw = kw
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.hollow: HollowNodes | None = None
        self.client: Client | None = None

    def _call(self, coro: Coroutine[Any, Any, R], timeout: float = 60) -> R:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def start(self) -> HollowThread:
        self.thread.start()

        async def boot() -> HollowNodes:
            self.client = Client(ClientConfig(server=self.server), max_connections=64)
            h = HollowNodes(self.client, **self.kw)
            await h.start()
            return h

        self.hollow = self._call(boot())
        return self

    @property
    def names(self) -> list[str]:
        assert self.hollow is not None
        return list(self.hollow.names)

    def stop_node(self, name: str) -> None:
        assert self.hollow is not None
        self.loop.call_soon_threadsafe(self.hollow.stop_node, name)

    def resume_node(self, name: str) -> None:
        assert self.hollow is not None
        self.loop.call_soon_threadsafe(self.hollow.resume_node, name)

    def add_nodes(self, count: int) -> list[str]:
        assert self.hollow is not None
        return self._call(self.hollow.add_nodes(count))

    def stop(self, *, unregister: bool = False) -> None:
        if not self.thread.is_alive():
            return

        async def down() -> None:
            if self.hollow is not None:
                await self.hollow.stop(unregister=unregister)
            if self.client is not None:
                await self.client.close()

        try:
            self._call(down(), timeout=20)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)

    def __enter__(self) -> HollowThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


async def _amain(args: argparse.Namespace) -> None:
    client = Client(ClientConfig(server=args.server), max_connections=64)
    hollow = HollowNodes(
        client,
        prefix=args.prefix,
        count=args.nodes,
        bind=args.bind,
        lease_interval=args.lease_interval,
        workers=args.workers,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await hollow.start()
    log.info("hollow nodes up prefix=%s count=%d", args.prefix, args.nodes)
    try:
        await stop.wait()
    finally:
        await hollow.stop()
        await client.close()


def main() -> None:
    p = argparse.ArgumentParser(prog="hollow", description="fake kubelets for tests")
    p.add_argument("--server", required=True)
    p.add_argument("--nodes", type=int, default=3)
    p.add_argument("--prefix", default="hollow")
    p.add_argument("--bind", action="store_true", help="bind pending pods round-robin")
    p.add_argument("--lease-interval", type=float, default=2.0)
    p.add_argument("--workers", type=int, default=16, help="concurrent pod updates")
    args = p.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    asyncio.run(_amain(args))


if __name__ == "__main__":
    main()
