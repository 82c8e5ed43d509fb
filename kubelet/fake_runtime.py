"""An in-memory ContainerRuntime: containers "run" the moment they start.

Two uses: unit tests drive the pod state machine through it (make a container exit, make an
image absent, script exec results, then read back what the kubelet did), and
`--runtime fake` turns a kubelet into a hollow node for scale tests and for exercising the
scheduler and controllers without Docker. Pod IPs come from the pod CIDR but nothing
listens on them: probes against a fake runtime never touch the network.
"""

from __future__ import annotations

import ipaddress
import itertools
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace

from kubelet.runtime import (
    CREATED,
    EXITED,
    L_CONTAINER,
    L_KIND,
    L_POD_NAME,
    L_POD_NAMESPACE,
    L_POD_UID,
    L_RESTART_COUNT,
    RUNNING,
    ContainerConfig,
    ContainerInfo,
    ContainerStats,
    ExecResult,
    PullFailed,
    SandboxConfig,
    SandboxInfo,
)


@dataclass
class FakeContainer:
    info: ContainerInfo
    config: ContainerConfig
    sandbox_id: str
    logs: list[bytes] = field(default_factory=list)
    stop_signals: list[str] = field(default_factory=list)


class FakeRuntime:
    name = "fake"

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        images: set[str] | None = None,
        all_images_present: bool = True,
    ) -> None:
        self.clock = clock
        self.images: set[str] = set(images or ())
        self.all_images_present = all_images_present
        self.sandboxes: dict[str, SandboxInfo] = {}
        self.containers: dict[str, FakeContainer] = {}
        self.calls: list[tuple[str, str]] = []  # (operation, container or pod name)
        self.exec_results: dict[tuple[str, str], ExecResult] = {}  # (container name, argv0)
        self.exit_on_stop: int = 137  # exit code of a stopped container (SIGKILL-like)
        self.cidr = "10.88.0.0/24"
        self._ids = itertools.count(1)
        self._ips: dict[str, str] = {}
        self.volumes: dict[str, dict[str, str]] = {}

    # ---- test controls ------------------------------------------------------------------
    def running(self, pod_uid: str, name: str) -> FakeContainer | None:
        for c in self.containers.values():
            if c.info.pod_uid == pod_uid and c.info.name == name and c.info.state == RUNNING:
                return c
        return None

    def exit(self, container_id: str, code: int, *, reason: str = "") -> None:
        """Make a running container exit now with code."""
        c = self.containers[container_id]
        c.info.state = EXITED
        c.info.exit_code = code
        c.info.reason = reason or ("Completed" if code == 0 else "Error")
        c.info.finished_at = self.clock()

    def attempts(self, pod_uid: str, name: str) -> list[ContainerInfo]:
        found = [c.info for c in self.containers.values() if c.info.pod_uid == pod_uid]
        return sorted((i for i in found if i.name == name), key=lambda i: i.restart_count)

    # ---- the protocol -------------------------------------------------------------------
    async def version(self) -> str:
        return "fake://0.1.0"

    async def ensure_network(self, cidr: str) -> str:
        if not self._ips:  # like Docker: renumber only an empty network
            self.cidr = cidr
        return self.cidr

    async def remove_network(self) -> None:
        return None

    async def image_present(self, image: str) -> bool:
        return self.all_images_present or image in self.images

    async def pull_image(self, image: str) -> None:
        self.calls.append(("pull", image))
        if not await self.image_present(image):
            raise PullFailed(f'failed to pull image "{image}": no registry')

    async def list_images(self) -> list[tuple[list[str], int]]:
        return [([name], 1_000_000) for name in sorted(self.images)]

    async def image_id(self, image: str) -> str:
        return f"fake://sha256:{abs(hash(image)):x}"

    async def create_memory_volume(self, name: str, labels: dict[str, str]) -> None:
        self.volumes[name] = labels

    async def remove_pod_volumes(self, pod_uid: str) -> None:
        for name in [n for n, lab in self.volumes.items() if lab.get(L_POD_UID) == pod_uid]:
            del self.volumes[name]

    def _ip(self, sandbox_id: str) -> str:
        net = ipaddress.ip_network(self.cidr, strict=False)
        used = set(self._ips.values())
        for host in itertools.islice(net.hosts(), 1, None):  # .1 is the gateway
            if str(host) not in used:
                self._ips[sandbox_id] = str(host)
                return str(host)
        raise RuntimeError(f"pod CIDR {self.cidr} is full")

    async def run_sandbox(self, config: SandboxConfig) -> SandboxInfo:
        sid = f"sandbox-{next(self._ids)}"
        info = SandboxInfo(
            id=sid,
            pod_uid=config.pod_uid,
            namespace=config.namespace,
            name=config.name,
            state=RUNNING,
            ip=self._ip(sid),
            created=self.clock(),
            labels=dict(config.labels),
        )
        self.sandboxes[sid] = info
        self.calls.append(("run_sandbox", config.name))
        return replace(info)

    async def stop_sandbox(self, sandbox_id: str) -> None:
        sb = self.sandboxes.get(sandbox_id)
        if sb is not None:
            sb.state = EXITED
            self._ips.pop(sandbox_id, None)

    async def remove_sandbox(self, sandbox_id: str) -> None:
        self.sandboxes.pop(sandbox_id, None)
        self._ips.pop(sandbox_id, None)

    async def list_sandboxes(self, *, pod_uid: str = "") -> list[SandboxInfo]:
        return [replace(s) for s in self.sandboxes.values() if not pod_uid or s.pod_uid == pod_uid]

    async def start_container(self, sandbox_id: str, config: ContainerConfig) -> ContainerInfo:
        cid = f"c{next(self._ids)}-{config.name}"
        now = self.clock()
        info = ContainerInfo(
            id=cid,
            pod_uid=config.labels.get(L_POD_UID, ""),
            name=config.labels.get(L_CONTAINER, config.name),
            kind=config.labels.get(L_KIND, "app"),
            restart_count=int(config.labels.get(L_RESTART_COUNT, "0")),
            state=RUNNING,
            image=config.image,
            image_id=await self.image_id(config.image),
            started_at=now,
            created=now,
            labels={**config.labels},
        )
        self.containers[cid] = FakeContainer(info, config, sandbox_id)
        pod = config.labels.get(L_POD_NAME, "")
        self.calls.append(("start", f"{pod}/{info.name}"))
        return replace(info)

    async def stop_container(self, container_id: str, *, timeout: float, signal: str = "") -> None:
        c = self.containers.get(container_id)
        if c is None or c.info.state != RUNNING:
            return
        c.stop_signals.append(signal or "SIGTERM")
        self.calls.append(("stop", f"{c.info.labels.get(L_POD_NAME, '')}/{c.info.name}"))
        self.exit(container_id, self.exit_on_stop)

    async def remove_container(self, container_id: str) -> None:
        c = self.containers.pop(container_id, None)
        if c is not None:
            self.calls.append(("remove", f"{c.info.labels.get(L_POD_NAME, '')}/{c.info.name}"))
        self.sandboxes.pop(container_id, None)

    async def list_containers(self, *, pod_uid: str = "") -> list[ContainerInfo]:
        return [
            replace(c.info)
            for c in self.containers.values()
            if not pod_uid or c.info.pod_uid == pod_uid
        ]

    async def exec(self, container_id: str, cmd: list[str], *, timeout: float) -> ExecResult:
        c = self.containers.get(container_id)
        if c is None or c.info.state != RUNNING:
            return ExecResult(126, b"container is not running")
        self.calls.append(("exec", f"{c.info.name}:{' '.join(cmd)}"))
        return self.exec_results.get((c.info.name, cmd[0] if cmd else ""), ExecResult(0, b""))

    async def logs(
        self,
        container_id: str,
        *,
        follow: bool = False,
        tail: int | None = None,
        timestamps: bool = False,
        since: float | None = None,
    ) -> AsyncIterator[bytes]:
        c = self.containers.get(container_id)
        lines = list(c.logs) if c is not None else []
        if tail is not None:
            lines = lines[-tail:] if tail > 0 else []
        for line in lines:
            yield line

    async def stats(self, container_id: str) -> ContainerStats | None:
        c = self.containers.get(container_id)
        if c is None or c.info.state != RUNNING:
            return None
        return ContainerStats(0, 0, 0, self.clock())

    async def close(self) -> None:
        return None


__all__ = ["CREATED", "EXITED", "L_POD_NAMESPACE", "RUNNING", "FakeContainer", "FakeRuntime"]
