"""The kubelet: its node's pods in, pod workers and housekeeping out.

An informer watches only the pods bound to this node (`spec.nodeName=<node>`); its
handlers create, poke or terminate one PodWorker per pod uid. Housekeeping wakes every
worker periodically (level-triggered: no event is load-bearing) and garbage-collects
containers of pods that no longer exist. On start, the workers of pods that already run
simply observe their containers (from runtime labels) and carry on: re-adoption needs no
state beyond what the runtime and the API hold.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import time
from collections.abc import Awaitable
from pathlib import Path

from kubelet.actions import Prober
from kubelet.backoff import Backoff
from kubelet.node import NodeAgent
from kubelet.podworker import PodContext, PodWorker
from kubelet.probes import ProbeManager
from kubelet.runtime import ContainerRuntime
from kubelet.settings import KubeletSettings
from kubelet.static_pods import is_mirror, is_static, mirror_of, read_manifests
from kubelet.status_writer import StatusWriter
from kubelet.volumes import VolumeManager
from machinery.api import ConfigMap, Node, Pod, PodStatus, Secret
from machinery.client import Client
from machinery.errors import Conflict, NotFound
from machinery.events import EventRecorder
from machinery.informer import Informer

log = logging.getLogger(__name__)


class ApiObjects:
    """configMaps and secrets read from the API when a pod needs them."""

    def __init__(self, client: Client) -> None:
        self.client = client

    async def config_map(self, namespace: str, name: str) -> ConfigMap | None:
        try:
            return await self.client.get(ConfigMap, name, namespace)
        except NotFound:
            return None

    async def secret(self, namespace: str, name: str) -> Secret | None:
        try:
            return await self.client.get(Secret, name, namespace)
        except NotFound:
            return None


class Kubelet:
    def __init__(
        self,
        settings: KubeletSettings,
        client: Client,
        runtime: ContainerRuntime,
        *,
        network_probes: bool = True,
    ) -> None:
        self.settings = settings
        self.client = client
        self.runtime = runtime
        self.node_name = settings.node_name
        self.recorder = EventRecorder(client, component="kubelet", host=settings.node_name)
        self.informer: Informer[Pod] = Informer(
            client, Pod, field_selector=f"spec.nodeName={settings.node_name}"
        )
        self.status_writer = StatusWriter(client)
        self.workers: dict[str, PodWorker] = {}
        self.prober = Prober(runtime, network=network_probes)
        self.probes = ProbeManager(self.prober, on_change=self._poke)
        self.node: NodeAgent | None = None
        self.static: dict[str, Pod] = {}  # static pods by uid
        self._bg: set[asyncio.Task[None]] = set()
        self._network_cidr = ""
        self._network_lock = asyncio.Lock()
        objects = ApiObjects(client)
        self.ctx = PodContext(
            runtime=runtime,
            volumes=VolumeManager(Path(settings.root_dir), runtime, objects),
            objects=objects,
            prober=self.prober,
            probes=self.probes,
            crash_backoff=Backoff(
                initial=settings.crashloop_backoff_initial,
                maximum=settings.crashloop_backoff_max,
                clock=time.time,
            ),
            image_backoff=Backoff(
                initial=settings.image_backoff_initial,
                maximum=settings.image_backoff_max,
                clock=time.time,
            ),
            write_status=self._write_status,
            delete_pod=self._delete_pod,
            ensure_network=self.ensure_network,
            host_ip=settings.node_ip,
            node_name=settings.node_name,
            recorder=self.recorder,
            pull_registries=tuple(
                r.strip() for r in settings.pull_registries.split(",") if r.strip()
            ),
        )

    # ---- wiring -----------------------------------------------------------------------
    def synced(self) -> bool:
        return self.informer.has_synced and self.node is not None and self.node.registered.is_set()

    async def run(self, stop: asyncio.Event) -> None:
        s = self.settings
        extra = dict(kv.split("=", 1) for kv in s.node_labels.split(",") if "=" in kv)
        self.node = NodeAgent(
            self.client,
            node_name=self.node_name,
            node_ip=s.node_ip,
            port=s.port,
            runtime_version=await self.runtime.version(),
            cpu=s.cpu,
            memory=s.memory,
            max_pods=s.max_pods,
            extra_labels=extra,
            lease_duration=s.node_lease_duration_seconds,
            lease_interval=s.node_lease_renew_interval,
            status_interval=s.node_status_update_frequency,
            report_interval=s.node_status_report_frequency,
            root_dir=s.root_dir,
            images=self.runtime.list_images,
        )
        while not stop.is_set():
            try:
                await self.node.register()
                break
            except Exception as e:
                log.warning("node registration failed, retrying node=%s err=%s", self.node_name, e)
                try:
                    await asyncio.wait_for(stop.wait(), 2)
                except TimeoutError:
                    pass
        self.recorder.start()
        self.informer.add_handlers(self._on_add, self._on_update, self._on_delete)
        self.informer.start()
        tasks = [
            asyncio.create_task(self.node.run_lease(stop), name="lease"),
            asyncio.create_task(self.node.run_status(stop), name="node-status"),
            asyncio.create_task(self._housekeeping(stop), name="housekeeping"),
        ]
        try:
            await stop.wait()
        finally:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await self.shutdown()

    async def shutdown(self) -> None:
        """Stop watching and working; leave the containers running (a restart re-adopts them)."""
        await self.informer.stop()
        for w in list(self.workers.values()):
            await w.stop()
        for task in list(self._bg):
            task.cancel()
        await asyncio.gather(*self._bg, return_exceptions=True)
        await self.probes.stop()
        await self.prober.close()
        await self.recorder.stop()

    # ---- informer handlers ------------------------------------------------------------
    def _on_add(self, pod: Pod) -> None:
        if is_mirror(pod):
            self._on_mirror(pod)
            return
        uid = pod.metadata.uid or ""
        w = self.workers.get(uid)
        if w is None:
            w = self.workers[uid] = PodWorker(pod, self.ctx)
            w.start()
            self._background(self._reap(w))
        else:
            w.update(pod)

    def _on_update(self, old: Pod, pod: Pod) -> None:
        if old.metadata.uid != pod.metadata.uid and old.metadata.uid in self.workers:
            self.workers[old.metadata.uid or ""].deleted(old)
        self._on_add(pod)

    def _on_delete(self, pod: Pod) -> None:
        if is_mirror(pod):
            return  # housekeeping puts it back while the static pod exists
        w = self.workers.get(pod.metadata.uid or "")
        if w is not None:
            w.deleted(pod)

    async def _reap(self, w: PodWorker) -> None:
        await w.finished.wait()
        self.workers.pop(w.uid, None)
        self.status_writer.forget(w.uid)

    def _poke(self, uid: str) -> None:
        w = self.workers.get(uid)
        if w is not None:
            w.trigger()

    # ---- what the pod workers call back ------------------------------------------------
    async def _write_status(self, pod: Pod, status: PodStatus) -> None:
        cached = self.informer.cache.get(pod.key)
        if is_static(pod):  # the status goes to the mirror pod, if there is one yet
            if cached is None or not is_mirror(cached) or cached.metadata.deletion_timestamp:
                return
            await self.status_writer.write(cached, status)
            return
        if cached is not None and cached.metadata.uid == pod.metadata.uid:
            pod = cached
        await self.status_writer.write(pod, status)

    async def _delete_pod(self, pod: Pod) -> None:
        try:
            await self.client.delete(
                Pod,
                pod.metadata.name,
                pod.metadata.namespace,
                grace_period_seconds=0,
                uid=pod.metadata.uid,
            )
        except (NotFound, Conflict):
            pass

    async def ensure_network(self) -> None:
        cidr = (self.node.pod_cidr if self.node else "") or self.settings.pod_cidr
        async with self._network_lock:
            if cidr != self._network_cidr:
                effective = await self.runtime.ensure_network(cidr)
                if str(ipaddress.ip_network(effective)) == str(
                    ipaddress.ip_network(cidr, strict=False)
                ):
                    self._network_cidr = cidr  # else: ask again when the next sandbox starts

    # ---- static pods ------------------------------------------------------------------
    def _on_mirror(self, mirror: Pod) -> None:
        static = next((p for p in self.static.values() if p.key == mirror.key), None)
        stale = static is None or (mirror.metadata.annotations or {}).get(
            "kubernetes.io/config.mirror"
        ) != (static.metadata.annotations or {}).get("kubernetes.io/config.hash")
        if mirror.metadata.deletion_timestamp or stale:
            self._background(self._delete_pod(mirror))  # housekeeping makes a fresh one
            return
        assert static is not None
        w = self.workers.get(static.metadata.uid or "")
        if w is not None:  # the worker compares its status with the mirror's
            w.update(static.model_copy(update={"status": mirror.status}))

    def _background(self, coro: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coro)
        self._bg.add(task)
        task.add_done_callback(self._bg.discard)

    async def sync_static_pods(self) -> None:
        if not self.settings.static_pod_path:
            return
        desired = read_manifests(Path(self.settings.static_pod_path), self.node_name)
        for uid, pod in desired.items():
            if uid not in self.workers:
                log.info("static pod added pod=%s uid=%s", pod.key, uid)
                self.static[uid] = pod
                w = self.workers[uid] = PodWorker(pod, self.ctx)
                w.start()
                self._background(self._reap(w))
            mirror = self.informer.cache.get(pod.key)
            if mirror is None:
                await self._create_mirror(pod)
        for uid in [u for u in self.static if u not in desired]:
            pod = self.static.pop(uid)
            log.info("static pod removed pod=%s uid=%s", pod.key, uid)
            stopping = self.workers.get(uid)
            if stopping is not None:
                stopping.deleted(pod)
            mirror = self.informer.cache.get(pod.key)
            if mirror is not None and is_mirror(mirror):
                await self._delete_pod(mirror)

    async def _create_mirror(self, pod: Pod) -> None:
        try:
            node = await self.client.get(Node, self.node_name)
            await self.client.create(mirror_of(pod, node.metadata.uid or ""))
        except Exception as e:
            log.warning("mirror pod not created pod=%s err=%s", pod.key, e)

    # ---- housekeeping -----------------------------------------------------------------
    async def _housekeeping(self, stop: asyncio.Event) -> None:
        await self.informer.wait_synced()
        while not stop.is_set():
            try:
                await self.sync_static_pods()
            except Exception as e:
                log.warning("static pods sync failed err=%r", e)
            try:
                await self.collect_garbage()
            except Exception as e:
                log.warning("garbage collection failed err=%r", e)
            for w in list(self.workers.values()):
                w.trigger()
            try:
                await asyncio.wait_for(stop.wait(), self.settings.housekeeping_interval)
            except TimeoutError:
                pass

    async def collect_garbage(self) -> int:
        """Remove the containers and sandboxes of pods this node no longer has."""
        before = set(self.workers)  # a worker finishing meanwhile removes its own containers
        sandboxes = await self.runtime.list_sandboxes()
        containers = await self.runtime.list_containers()
        # After listing: a pod created meanwhile has a worker by now, so it counts as known.
        known = before | set(self.workers) | {p.metadata.uid for p in self.informer.cache.list()}
        removed = 0
        for c in containers:
            if c.pod_uid not in known:
                await self.runtime.remove_container(c.id)
                removed += 1
        for sb in sandboxes:
            if sb.pod_uid not in known:
                await self.runtime.stop_sandbox(sb.id)
                await self.runtime.remove_sandbox(sb.id)
                await self.ctx.volumes.cleanup(sb.pod_uid)
                removed += 1
        if removed:
            log.info("garbage collected containers of deleted pods count=%d", removed)
        return removed
