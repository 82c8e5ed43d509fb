"""The kubelet's Node: registration, the heartbeat Lease, and node status.

Registration creates the Node (or adopts an existing one) with the well-known labels,
capacity/allocatable, addresses, daemonEndpoints and all ten nodeInfo fields. The Lease
in kube-node-lease is renewed every renew interval (the cheap heartbeat the node
lifecycle controller watches); the status (Ready and the pressure conditions) is written
when it changes and at least every report interval.
"""

from __future__ import annotations

import asyncio
import logging
import os
import platform
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from machinery.api import Lease, Node
from machinery.client import Client
from machinery.errors import AlreadyExists, Conflict, NotFound
from machinery.timeutil import now_rfc3339, now_rfc3339_micro

log = logging.getLogger(__name__)

KUBELET_VERSION = "v1.32.0-kubeling"
LEASE_NAMESPACE = "kube-node-lease"
ARCH = {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm"}


def _read(path: str, default: str = "") -> str:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return default


def _os_image() -> str:
    for line in _read("/etc/os-release").splitlines():
        if line.startswith("PRETTY_NAME="):
            return line.partition("=")[2].strip('"')
    return "Linux"


def _meminfo_ki(field: str) -> int:
    for line in _read("/proc/meminfo").splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def machine_memory_ki() -> int:
    return _meminfo_ki("MemTotal")


# Kubernetes' default hard eviction thresholds (the kubelet here reports, it does not evict).
MEMORY_AVAILABLE_MIN = 100 * 1024 * 1024  # memory.available < 100Mi
NODEFS_AVAILABLE_MIN = 0.10  # nodefs.available < 10%
PIDS_AVAILABLE_MIN = 0.05


def pressure(
    *, memory_available: int, disk_available: float, pids_available: float
) -> dict[str, bool]:
    """Which pressure conditions hold, from the free fractions and bytes."""
    return {
        "MemoryPressure": memory_available < MEMORY_AVAILABLE_MIN,
        "DiskPressure": disk_available < NODEFS_AVAILABLE_MIN,
        "PIDPressure": pids_available < PIDS_AVAILABLE_MIN,
    }


def measure_pressure(root_dir: str) -> dict[str, bool]:
    try:
        usage = shutil.disk_usage(root_dir)
        disk = usage.free / usage.total if usage.total else 1.0
    except OSError:
        disk = 1.0
    pid_max = int(_read("/proc/sys/kernel/pid_max", "0") or 0)
    try:
        pids = sum(1 for p in os.listdir("/proc") if p.isdigit())
    except OSError:
        pids = 0
    mem = _meminfo_ki("MemAvailable") * 1024
    return pressure(
        memory_available=mem if mem else MEMORY_AVAILABLE_MIN,
        disk_available=disk,
        pids_available=1 - pids / pid_max if pid_max else 1.0,
    )


def node_info(runtime_version: str) -> dict[str, str]:
    machine_id = _read("/etc/machine-id") or _read("/var/lib/dbus/machine-id")
    return {
        "machineID": machine_id,
        "systemUUID": _read("/sys/class/dmi/id/product_uuid", machine_id),
        "bootID": _read("/proc/sys/kernel/random/boot_id"),
        "kernelVersion": platform.release(),
        "osImage": _os_image(),
        "containerRuntimeVersion": runtime_version,
        "kubeletVersion": KUBELET_VERSION,
        "kubeProxyVersion": KUBELET_VERSION,
        "operatingSystem": "linux",
        "architecture": ARCH.get(platform.machine(), platform.machine()),
    }


class NodeAgent:
    def __init__(
        self,
        client: Client,
        *,
        node_name: str,
        node_ip: str,
        port: int,
        runtime_version: str,
        cpu: str = "",
        memory: str = "",
        max_pods: int = 110,
        extra_labels: dict[str, str] | None = None,
        lease_duration: int = 40,
        lease_interval: float = 10.0,
        status_interval: float = 10.0,
        report_interval: float = 300.0,
        root_dir: str = "/",
        images: Callable[[], Awaitable[list[tuple[list[str], int]]]] | None = None,
    ) -> None:
        self.client = client
        self.node_name = node_name
        self.node_ip = node_ip
        self.port = port
        self.runtime_version = runtime_version
        self.cpu = cpu or str(os.cpu_count() or 1)
        self.memory = memory or f"{machine_memory_ki()}Ki"
        self.max_pods = max_pods
        self.extra_labels = extra_labels or {}
        self.lease_duration = lease_duration
        self.lease_interval = lease_interval
        self.status_interval = status_interval
        self.report_interval = report_interval
        self.root_dir = root_dir
        self.images = images
        self.pod_cidr = ""
        self.registered = asyncio.Event()
        self._last_report = 0.0
        self.lease_renewals = 0

    # ---- registration -----------------------------------------------------------------
    def labels(self) -> dict[str, str]:
        info = node_info(self.runtime_version)
        return {
            "kubernetes.io/hostname": self.node_name,
            "kubernetes.io/os": info["operatingSystem"],
            "kubernetes.io/arch": info["architecture"],
            "beta.kubernetes.io/os": info["operatingSystem"],
            "beta.kubernetes.io/arch": info["architecture"],
            **self.extra_labels,
        }

    def status(self, old: dict[str, Any] | None = None) -> dict[str, Any]:
        now = now_rfc3339()
        resources = {"cpu": self.cpu, "memory": self.memory, "pods": str(self.max_pods)}
        old_conds = {c.get("type"): c for c in (old or {}).get("conditions") or []}

        def cond(type_: str, status: str, reason: str, message: str) -> dict[str, str]:
            prev = old_conds.get(type_) or {}
            since = prev.get("lastTransitionTime") if prev.get("status") == status else None
            return {
                "type": type_,
                "status": status,
                "lastHeartbeatTime": now,
                "lastTransitionTime": since or now,
                "reason": reason,
                "message": message,
            }

        p = measure_pressure(self.root_dir)
        mem, disk, pid = p["MemoryPressure"], p["DiskPressure"], p["PIDPressure"]
        return {
            "capacity": resources,
            "allocatable": resources,
            "conditions": [
                cond(
                    "MemoryPressure",
                    str(mem),
                    "KubeletHasInsufficientMemory" if mem else "KubeletHasSufficientMemory",
                    f"kubelet has {'insufficient' if mem else 'sufficient'} memory available",
                ),
                cond(
                    "DiskPressure",
                    str(disk),
                    "KubeletHasDiskPressure" if disk else "KubeletHasNoDiskPressure",
                    f"kubelet has {'' if disk else 'no '}disk pressure",
                ),
                cond(
                    "PIDPressure",
                    str(pid),
                    "KubeletHasInsufficientPID" if pid else "KubeletHasSufficientPID",
                    f"kubelet has {'insufficient' if pid else 'sufficient'} PID available",
                ),
                cond("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
            ],
            "addresses": [
                {"type": "InternalIP", "address": self.node_ip},
                {"type": "Hostname", "address": self.node_name},
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": self.port}},
            "nodeInfo": node_info(self.runtime_version),
        }

    async def register(self) -> Node:
        body = Node.model_validate(
            {"metadata": {"name": self.node_name, "labels": self.labels()}, "status": self.status()}
        )
        try:
            node = await self.client.create(body)
            log.info("node registered node=%s", self.node_name)
        except AlreadyExists:
            node = await self.client.get(Node, self.node_name)
            labels = {**(node.metadata.labels or {}), **self.labels()}
            if labels != node.metadata.labels:
                node = await self.client.patch(
                    Node, self.node_name, {"metadata": {"labels": labels}}
                )
            log.info("node already registered, adopting it node=%s", self.node_name)
        node = await self._write_status(node)
        self.pod_cidr = node.spec.pod_cidr or ""
        self.registered.set()
        return node

    async def _write_status(self, node: Node | None = None) -> Node:
        if node is None:
            node = await self.client.get(Node, self.node_name)
        old = node.to_dict().get("status") or {}
        status = self.status(old)
        if self.images is not None:
            listed = sorted(await self.images(), key=lambda i: -i[1])[:50]  # as Kubernetes
            status["images"] = [{"names": names, "sizeBytes": size} for names, size in listed]
        node = await self.client.patch(
            Node, self.node_name, {"status": status}, subresource="status"
        )
        self._last_report = asyncio.get_running_loop().time()
        self.pod_cidr = node.spec.pod_cidr or self.pod_cidr
        return node

    # ---- loops ------------------------------------------------------------------------
    async def run_status(self, stop: asyncio.Event) -> None:
        """Node status on change (checked every status interval) and every report interval."""
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            try:
                await self.sync_status(now=loop.time())
            except NotFound:
                log.warning("node object is gone, registering again node=%s", self.node_name)
                await self._safe_register()
            except Exception as e:
                log.warning("node status update failed node=%s err=%s", self.node_name, e)
            await _wait(stop, self.status_interval)

    async def sync_status(self, *, now: float) -> bool:
        """Write the status when it differs from the API's copy of the Node, or when due.

        The comparison is with what the API holds, not with what this kubelet last wrote:
        after an outage the node lifecycle controller may have set Ready=Unknown, and that
        must be corrected at once, not at the next report interval. Returns True on a write.
        """
        node = await self.client.get(Node, self.node_name)
        self.pod_cidr = node.spec.pod_cidr or self.pod_cidr
        current = {(c["type"], c["status"]) for c in self.status()["conditions"]}
        api = node.to_dict().get("status") or {}
        stored = {(c.get("type"), c.get("status")) for c in api.get("conditions") or []}
        due = now - self._last_report >= self.report_interval
        if due or not current <= stored:
            await self._write_status(node)
            return True
        return False

    async def _safe_register(self) -> None:
        try:
            await self.register()
        except Exception as e:
            log.warning("node registration failed node=%s err=%s", self.node_name, e)

    async def run_lease(self, stop: asyncio.Event) -> None:
        lease: Lease | None = None
        while not stop.is_set():
            try:
                lease = await self.renew(lease)
                self.lease_renewals += 1
            except Exception as e:
                lease = None
                log.warning("lease renewal failed node=%s err=%s", self.node_name, e)
            await _wait(stop, self.lease_interval)

    async def renew(self, lease: Lease | None) -> Lease:
        now = now_rfc3339_micro()
        if lease is None:
            try:
                lease = await self.client.get(Lease, self.node_name, LEASE_NAMESPACE)
            except NotFound:
                node = await self.client.get(Node, self.node_name)
                fresh = Lease.model_validate(
                    {
                        "metadata": {
                            "name": self.node_name,
                            "namespace": LEASE_NAMESPACE,
                            "ownerReferences": [
                                {
                                    "apiVersion": "v1",
                                    "kind": "Node",
                                    "name": self.node_name,
                                    "uid": node.metadata.uid,
                                }
                            ],
                        },
                        "spec": {
                            "holderIdentity": self.node_name,
                            "leaseDurationSeconds": self.lease_duration,
                            "renewTime": now,
                        },
                    }
                )
                return await self.client.create(fresh)
        updated = lease.model_copy(deep=True)
        updated.spec.holder_identity = self.node_name
        updated.spec.lease_duration_seconds = self.lease_duration
        updated.spec.renew_time = now
        try:
            return await self.client.update(updated)
        except Conflict:
            fresh_lease = await self.client.get(Lease, self.node_name, LEASE_NAMESPACE)
            return await self.renew(fresh_lease)


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        pass
