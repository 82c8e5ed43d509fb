"""The ContainerRuntime on a Docker engine, through the docker SDK.

The SDK is blocking, so every call runs on a small thread pool and the event loop never
waits on Docker. A pod is a sandbox container (the pause image) on the node's pod network
plus one container per spec container joined to the sandbox's network and IPC namespaces
(`network_mode: container:<sandbox>`). Containers carry the labels of kubelet.runtime, so
listing by label is all a restarted kubelet needs to find its pods again.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import math
import threading
import uuid
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import docker
import docker.errors
from docker.types import IPAMConfig, IPAMPool

from kubelet.runtime import (
    CREATED,
    EXITED,
    L_CONTAINER,
    L_KIND,
    L_NODE,
    L_POD_NAME,
    L_POD_NAMESPACE,
    L_POD_UID,
    L_RESTART_COUNT,
    L_SANDBOX,
    RUNNING,
    ContainerConfig,
    ContainerInfo,
    ContainerStats,
    ExecResult,
    PullFailed,
    RuntimeError_,
    SandboxConfig,
    SandboxInfo,
)
from kubelet.threaded_stream import iterate_in_thread
from machinery.timeutil import parse_time

log = logging.getLogger(__name__)

R = TypeVar("R")


def _epoch(value: str | None) -> float:
    if not value or value.startswith("0001-"):
        return 0.0
    try:
        return parse_time(value).timestamp()
    except ValueError:
        return 0.0


def _state(raw: str) -> str:
    if raw == "running" or raw == "paused" or raw == "restarting":
        return RUNNING
    if raw == "created":
        return CREATED
    return EXITED


def _safe_name(*parts: str) -> str:
    return "_".join(p.replace("/", "-") for p in parts)


class DockerRuntime:
    name = "docker"

    def __init__(
        self,
        *,
        node_name: str,
        pause_image: str = "kubeling/pause:latest",
        network_name: str = "",
        workers: int = 16,
        base_url: str | None = None,
    ) -> None:
        self.node_name = node_name
        self.pause_image = pause_image
        self.network_name = network_name or f"kubeling-{node_name}"
        self._client = (
            docker.DockerClient(base_url=base_url, timeout=120)
            if base_url
            else docker.from_env(timeout=120)
        )
        self._api = self._client.api
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="docker")
        self._inspected: dict[str, tuple[str, dict[str, Any]]] = {}  # id -> (state, inspect)
        self._inspect_lock = threading.Lock()

    async def _run(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, lambda: fn(*args, **kwargs))

    async def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        await asyncio.to_thread(self._client.close)

    async def version(self) -> str:
        v = await self._run(self._api.version)
        return f"docker://{v.get('Version', 'unknown')}"

    # ---- network ------------------------------------------------------------------------
    async def ensure_network(self, cidr: str) -> str:
        return await self._run(self._ensure_network, cidr)

    def _ensure_network(self, cidr: str) -> str:
        subnet = str(ipaddress.ip_network(cidr, strict=False))
        for net in self._api.networks(names=[self.network_name]):
            if net.get("Name") != self.network_name:
                continue
            configs = (net.get("IPAM") or {}).get("Config") or []
            current = next((c.get("Subnet") for c in configs if c.get("Subnet")), "")
            if current == subnet:
                return subnet
            if self._api.inspect_network(net["Id"]).get("Containers"):
                # Pods run on the old subnet (e.g. podCIDR assigned after they started): keep it
                # until the network is empty, as a kubelet never renumbers running pods.
                log.info(
                    "pod network in use, keeping its subnet network=%s subnet=%s wanted=%s",
                    self.network_name,
                    current,
                    subnet,
                )
                return str(current)
            log.info("pod network subnet changed network=%s cidr=%s", self.network_name, subnet)
            self._api.remove_network(net["Id"])
        gateway = str(next(ipaddress.ip_network(subnet).hosts()))
        ipam = IPAMConfig(pool_configs=[IPAMPool(subnet=subnet, gateway=gateway)])
        try:
            self._api.create_network(
                self.network_name,
                driver="bridge",
                ipam=ipam,
                internal=True,  # ENVIRONMENT.md: pod networks have no way out
                labels={L_NODE: self.node_name},
                check_duplicate=True,
            )
        except docker.errors.APIError as e:
            if e.status_code != 409:
                raise
        log.info("pod network ready network=%s cidr=%s", self.network_name, subnet)
        return subnet

    async def remove_network(self) -> None:
        def remove() -> None:
            with contextlib.suppress(docker.errors.NotFound):
                self._api.remove_network(self.network_name)

        await self._run(remove)

    # ---- images -------------------------------------------------------------------------
    async def image_present(self, image: str) -> bool:
        def present() -> bool:
            try:
                self._api.inspect_image(image)
                return True
            except docker.errors.ImageNotFound:
                return False

        return await self._run(present)

    async def image_id(self, image: str) -> str:
        try:
            data = await self._run(self._api.inspect_image, image)
        except docker.errors.ImageNotFound:
            return ""
        return f"docker-pullable://{data.get('Id', '')}"

    async def list_images(self) -> list[tuple[list[str], int]]:
        def listing() -> list[tuple[list[str], int]]:
            out = []
            for img in self._api.images():
                names = [t for t in img.get("RepoTags") or [] if t != "<none>:<none>"]
                out.append(([img["Id"], *names], int(img.get("Size") or 0)))
            return out

        return await self._run(listing)

    async def pull_image(self, image: str) -> None:
        repo, _, tag = image.rpartition(":") if ":" in image.split("/")[-1] else (image, "", "")
        try:
            await self._run(self._api.pull, repo or image, tag=tag or "latest")
        except docker.errors.APIError as e:
            raise PullFailed(f'failed to pull image "{image}": {e.explanation or e}') from e

    # ---- volumes ------------------------------------------------------------------------
    async def create_memory_volume(self, name: str, labels: dict[str, str]) -> None:
        def create() -> None:
            try:
                self._api.inspect_volume(name)
            except docker.errors.NotFound:
                self._api.create_volume(
                    name,
                    driver="local",
                    driver_opts={"type": "tmpfs", "device": "tmpfs"},
                    labels={L_NODE: self.node_name, **labels},
                )

        await self._run(create)

    async def remove_pod_volumes(self, pod_uid: str) -> None:
        def remove() -> None:
            vols = self._api.volumes(filters={"label": [f"{L_POD_UID}={pod_uid}"]})
            for v in (vols or {}).get("Volumes") or []:
                with contextlib.suppress(docker.errors.NotFound):
                    self._api.remove_volume(v["Name"], force=True)

        await self._run(remove)

    # ---- sandboxes ----------------------------------------------------------------------
    async def run_sandbox(self, config: SandboxConfig) -> SandboxInfo:
        return await self._run(self._run_sandbox, config)

    def _run_sandbox(self, config: SandboxConfig) -> SandboxInfo:
        labels = {**config.labels, L_NODE: self.node_name, L_KIND: "sandbox"}
        host_config = self._api.create_host_config(
            network_mode=self.network_name,
            ipc_mode="shareable",
            dns=config.dns_servers,
            dns_search=config.dns_search,
            dns_opt=config.dns_options,
            restart_policy={"Name": "no"},
            init=False,
        )
        name = _safe_name(
            "k8s", "POD", config.name, config.namespace, config.pod_uid, uuid.uuid4().hex[:6]
        )
        created = self._api.create_container(
            self.pause_image,
            name=name,
            hostname=config.hostname[:63],
            labels=labels,
            host_config=host_config,
        )
        cid = created["Id"]
        try:
            self._api.start(cid)
            data = self._api.inspect_container(cid)
        except docker.errors.APIError:
            with contextlib.suppress(docker.errors.APIError):
                self._api.remove_container(cid, force=True)
            raise
        return self._sandbox_from_inspect(data)

    def _sandbox_from_inspect(self, data: dict[str, Any]) -> SandboxInfo:
        labels = (data.get("Config") or {}).get("Labels") or {}
        nets = (data.get("NetworkSettings") or {}).get("Networks") or {}
        ip = (nets.get(self.network_name) or {}).get("IPAddress") or ""
        state = data.get("State") or {}
        return SandboxInfo(
            id=data["Id"],
            pod_uid=labels.get(L_POD_UID, ""),
            namespace=labels.get(L_POD_NAMESPACE, ""),
            name=labels.get(L_POD_NAME, ""),
            state=_state(str(state.get("Status", ""))),
            ip=ip,
            created=_epoch(data.get("Created")),
            labels=labels,
        )

    async def stop_sandbox(self, sandbox_id: str) -> None:
        def stop() -> None:
            with contextlib.suppress(docker.errors.NotFound):
                self._api.stop(sandbox_id, timeout=2)

        await self._run(stop)

    async def remove_sandbox(self, sandbox_id: str) -> None:
        def disconnect() -> None:
            # Leave the network explicitly first: under load Docker 20.10 can otherwise keep a
            # stale endpoint that makes the network impossible to remove.
            with contextlib.suppress(docker.errors.APIError):
                self._api.disconnect_container_from_network(
                    sandbox_id, self.network_name, force=True
                )

        await self._run(disconnect)
        await self.remove_container(sandbox_id)

    async def list_sandboxes(self, *, pod_uid: str = "") -> list[SandboxInfo]:
        def listing() -> list[SandboxInfo]:
            filters = [f"{L_NODE}={self.node_name}", f"{L_KIND}=sandbox"]
            if pod_uid:
                filters.append(f"{L_POD_UID}={pod_uid}")
            out = []
            for summary in self._api.containers(all=True, filters={"label": filters}):
                labels = summary.get("Labels") or {}
                nets = (summary.get("NetworkSettings") or {}).get("Networks") or {}
                out.append(
                    SandboxInfo(
                        id=summary["Id"],
                        pod_uid=labels.get(L_POD_UID, ""),
                        namespace=labels.get(L_POD_NAMESPACE, ""),
                        name=labels.get(L_POD_NAME, ""),
                        state=_state(str(summary.get("State", ""))),
                        ip=(nets.get(self.network_name) or {}).get("IPAddress") or "",
                        created=float(summary.get("Created") or 0),
                        labels=labels,
                    )
                )
            return out

        return await self._run(listing)

    # ---- containers ---------------------------------------------------------------------
    async def start_container(self, sandbox_id: str, config: ContainerConfig) -> ContainerInfo:
        return await self._run(self._start_container, sandbox_id, config)

    def _start_container(self, sandbox_id: str, config: ContainerConfig) -> ContainerInfo:
        labels = {**config.labels, L_NODE: self.node_name, L_SANDBOX: sandbox_id}
        binds = [
            f"{m.source or m.volume}:{m.target}:{'ro' if m.read_only else 'rw'}"
            for m in config.mounts
        ]
        host_config = self._api.create_host_config(
            network_mode=f"container:{sandbox_id}",
            ipc_mode=f"container:{sandbox_id}",
            binds=binds,
            restart_policy={"Name": "no"},
            nano_cpus=int(config.cpu_limit * 1e9) if config.cpu_limit else None,
            mem_limit=config.memory_limit or None,
            memswap_limit=config.memory_limit or None,
        )
        name = _safe_name(
            "k8s",
            config.name,
            labels.get(L_POD_NAME, ""),
            labels.get(L_POD_NAMESPACE, ""),
            labels.get(L_POD_UID, ""),
            labels.get(L_RESTART_COUNT, "0"),
            uuid.uuid4().hex[:4],
        )
        entrypoint: list[str] | None = config.command
        cmd: list[str] | None = config.args
        if entrypoint is not None and cmd is None:
            cmd = []
        created = self._api.create_container(
            config.image,
            name=name,
            entrypoint=entrypoint,
            command=cmd,
            environment=[f"{k}={v}" for k, v in config.env.items()],
            working_dir=config.working_dir or None,
            labels=labels,
            host_config=host_config,
            tty=config.tty,
        )
        cid = created["Id"]
        try:
            self._api.start(cid)
        except docker.errors.APIError as e:
            # The container exists (state created, or exited at once): its status says why.
            log.warning("container start failed id=%s err=%s", cid[:12], e.explanation or e)
            raise RuntimeError_("RunContainerError", str(e.explanation or e)) from e
        return self._container_from_inspect(self._api.inspect_container(cid))

    def _container_from_inspect(self, data: dict[str, Any]) -> ContainerInfo:
        labels = (data.get("Config") or {}).get("Labels") or {}
        state = data.get("State") or {}
        st = _state(str(state.get("Status", "")))
        code = int(state.get("ExitCode") or 0)
        reason = ""
        if st == EXITED:
            reason = (
                "OOMKilled" if state.get("OOMKilled") else ("Completed" if code == 0 else "Error")
            )
        return ContainerInfo(
            id=data["Id"],
            pod_uid=labels.get(L_POD_UID, ""),
            name=labels.get(L_CONTAINER, ""),
            kind=labels.get(L_KIND, "app"),
            restart_count=int(labels.get(L_RESTART_COUNT, "0") or 0),
            state=st,
            image=(data.get("Config") or {}).get("Image", ""),
            image_id=f"docker-pullable://{data.get('Image', '')}",
            exit_code=code,
            reason=reason,
            started_at=_epoch(state.get("StartedAt")),
            finished_at=_epoch(state.get("FinishedAt")) if st == EXITED else 0.0,
            created=_epoch(data.get("Created")),
            labels=labels,
        )

    async def stop_container(self, container_id: str, *, timeout: float, signal: str = "") -> None:
        def stop() -> None:
            try:
                seconds = max(0, math.ceil(timeout - 0.01))  # Docker counts whole seconds
                if signal and signal not in ("SIGTERM", "TERM"):
                    self._api.kill(container_id, signal=signal)
                    self._api.wait(container_id, timeout=max(1, seconds))
                self._api.stop(container_id, timeout=seconds)
            except docker.errors.NotFound:
                return
            except docker.errors.APIError as e:
                if e.status_code != 409:  # 409: not running any more
                    raise
            except Exception as e:  # the wait timed out: kill
                log.info("container did not stop in time, killing id=%s err=%r", container_id, e)
                with contextlib.suppress(docker.errors.APIError):
                    self._api.kill(container_id)

        await self._run(stop)

    async def remove_container(self, container_id: str) -> None:
        def remove() -> None:
            with contextlib.suppress(docker.errors.NotFound):
                self._api.remove_container(container_id, force=True, v=False)
            with self._inspect_lock:
                self._inspected.pop(container_id, None)

        await self._run(remove)

    async def list_containers(self, *, pod_uid: str = "") -> list[ContainerInfo]:
        return await self._run(self._list_containers, pod_uid)

    def _list_containers(self, pod_uid: str) -> list[ContainerInfo]:
        filters = [f"{L_NODE}={self.node_name}"]
        if pod_uid:
            filters.append(f"{L_POD_UID}={pod_uid}")
        out = []
        listed = self._api.containers(all=True, filters={"label": filters})
        self._forget_gone({s["Id"] for s in listed}, pod_uid)
        for summary in listed:
            labels = summary.get("Labels") or {}
            if labels.get(L_KIND) == "sandbox":
                continue
            cid = summary["Id"]
            raw_state = str(summary.get("State", ""))
            with self._inspect_lock:
                cached = self._inspected.get(cid)
            if cached is None or cached[0] != raw_state:
                try:
                    data = self._api.inspect_container(cid)
                except docker.errors.NotFound:
                    continue
                raw_state = str((data.get("State") or {}).get("Status", raw_state))
                with self._inspect_lock:
                    self._inspected[cid] = (raw_state, data)
                cached = (raw_state, data)
            out.append(self._container_from_inspect(cached[1]))
        return out

    def _forget_gone(self, present: set[str], pod_uid: str) -> None:
        """Drop cached inspections of containers removed behind our back (docker prune)."""
        with self._inspect_lock:
            for cid, (_, data) in list(self._inspected.items()):
                labels = (data.get("Config") or {}).get("Labels") or {}
                if cid not in present and (not pod_uid or labels.get(L_POD_UID) == pod_uid):
                    del self._inspected[cid]

    async def exec(self, container_id: str, cmd: list[str], *, timeout: float) -> ExecResult:
        def run() -> ExecResult:
            ex = self._api.exec_create(container_id, cmd, stdout=True, stderr=True)
            output = self._api.exec_start(ex["Id"])
            code = self._api.exec_inspect(ex["Id"]).get("ExitCode")
            return ExecResult(int(code if code is not None else 1), bytes(output or b""))

        return await asyncio.wait_for(self._run(run), timeout)

    async def logs(
        self,
        container_id: str,
        *,
        follow: bool = False,
        tail: int | None = None,
        timestamps: bool = False,
        since: float | None = None,
    ) -> AsyncIterator[bytes]:
        kwargs: dict[str, Any] = {
            "stream": True,
            "follow": follow,
            "timestamps": timestamps,
            "tail": tail if tail is not None else "all",
        }
        if since:
            kwargs["since"] = int(since)
        chunks = iterate_in_thread(
            lambda: self._api.logs(container_id, **kwargs), name=f"logs-{container_id[:12]}"
        )
        try:
            async for chunk in chunks:
                yield chunk
        finally:
            await chunks.aclose()

    async def stats(self, container_id: str) -> ContainerStats | None:
        def get() -> ContainerStats | None:
            try:
                data = self._api.stats(container_id, stream=False, one_shot=True)
            except docker.errors.APIError:
                return None
            cpu = int(
                ((data.get("cpu_stats") or {}).get("cpu_usage") or {}).get("total_usage") or 0
            )
            mem = data.get("memory_stats") or {}
            usage = int(mem.get("usage") or 0)
            inactive = int((mem.get("stats") or {}).get("total_inactive_file") or 0)
            return ContainerStats(
                cpu_usage_core_nanoseconds=cpu,
                memory_usage_bytes=usage,
                memory_working_set_bytes=max(0, usage - inactive),
                timestamp=_epoch(data.get("read")),
            )

        return await self._run(get)
