"""The narrow interface between the kubelet and whatever runs containers.

The pod workers, the log server and garbage collection speak only this protocol; the
Docker implementation (kubelet.docker_runtime) and the in-memory one
(kubelet.fake_runtime, for unit tests and hollow nodes) sit behind it. Everything the
kubelet must remember about a container lives in its labels, so a restarted kubelet
rediscovers its pods by asking the runtime (ARCHITECTURE.md style rule 6).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Protocol

# Labels on every container the kubelet creates.
L_NODE = "io.kubeling.node"
L_POD_UID = "io.kubeling.pod.uid"
L_POD_NAME = "io.kubeling.pod.name"
L_POD_NAMESPACE = "io.kubeling.pod.namespace"
L_CONTAINER = "io.kubeling.container.name"
L_RESTART_COUNT = "io.kubeling.container.restartCount"
L_KIND = "io.kubeling.kind"  # "sandbox", "init" or "app"
L_SANDBOX = "io.kubeling.sandbox.id"
L_HASH = "io.kubeling.container.hash"  # of the container's spec: a changed spec restarts it

RUNNING = "running"
CREATED = "created"
EXITED = "exited"


class RuntimeError_(Exception):
    """A runtime operation failed; `reason` is what the pod status shows."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


class ImageNotPresent(RuntimeError_):
    def __init__(self, message: str) -> None:
        super().__init__("ErrImageNeverPull", message)


class PullFailed(RuntimeError_):
    def __init__(self, message: str) -> None:
        super().__init__("ErrImagePull", message)


@dataclass(frozen=True)
class Mount:
    target: str
    source: str = ""  # a host path (bind) ...
    volume: str = ""  # ... or a runtime volume (tmpfs emptyDir)
    read_only: bool = False


@dataclass(frozen=True)
class SandboxConfig:
    pod_uid: str
    namespace: str
    name: str
    hostname: str
    labels: dict[str, str]
    dns_servers: list[str] | None = None  # the seam for cluster DNS (dnsPolicy, dnsConfig)
    dns_search: list[str] | None = None
    dns_options: list[str] | None = None


@dataclass(frozen=True)
class ContainerConfig:
    name: str
    image: str
    labels: dict[str, str]
    command: list[str] | None = None  # entrypoint (None: the image's)
    args: list[str] | None = None
    env: dict[str, str] = field(default_factory=dict)
    working_dir: str | None = None
    mounts: list[Mount] = field(default_factory=list)
    cpu_limit: float | None = None  # cores
    memory_limit: int | None = None  # bytes
    tty: bool = False


@dataclass
class SandboxInfo:
    id: str
    pod_uid: str
    namespace: str
    name: str
    state: str  # running, created, exited
    ip: str = ""
    created: float = 0.0
    labels: dict[str, str] = field(default_factory=dict)


@dataclass
class ContainerInfo:
    id: str
    pod_uid: str
    name: str  # the container's name in the pod spec
    kind: str  # init or app
    restart_count: int
    state: str  # running, created, exited
    image: str = ""
    image_id: str = ""
    exit_code: int = 0
    reason: str = ""  # OOMKilled, Error, Completed (for exited containers)
    started_at: float = 0.0  # epoch seconds (0 = never)
    finished_at: float = 0.0
    created: float = 0.0
    labels: dict[str, str] = field(default_factory=dict)


@dataclass
class ExecResult:
    exit_code: int
    output: bytes


@dataclass
class ContainerStats:
    cpu_usage_core_nanoseconds: int
    memory_usage_bytes: int
    memory_working_set_bytes: int
    timestamp: float


class ContainerRuntime(Protocol):
    """What the kubelet needs from a container runtime; every call is safe on the event loop."""

    name: str  # "docker", "fake": the prefix of container IDs in pod status

    async def version(self) -> str: ...

    async def ensure_network(self, cidr: str) -> str:
        """Create the node's pod network for cidr; return the subnet in effect.

        A network whose subnet differs is recreated only once no container uses it.
        """
        ...

    async def remove_network(self) -> None: ...

    async def image_present(self, image: str) -> bool: ...

    async def pull_image(self, image: str) -> None:
        """Fetch image from its registry; PullFailed when that is not possible."""
        ...

    async def image_id(self, image: str) -> str: ...

    async def list_images(self) -> list[tuple[list[str], int]]:
        """(names, size in bytes) of every local image: the Node's status.images."""
        ...

    async def create_memory_volume(self, name: str, labels: dict[str, str]) -> None:
        """A tmpfs-backed volume that containers mount as Mount(volume=name)."""
        ...

    async def remove_pod_volumes(self, pod_uid: str) -> None: ...

    async def run_sandbox(self, config: SandboxConfig) -> SandboxInfo: ...

    async def stop_sandbox(self, sandbox_id: str) -> None: ...

    async def remove_sandbox(self, sandbox_id: str) -> None: ...

    async def list_sandboxes(self, *, pod_uid: str = "") -> list[SandboxInfo]:
        """This node's sandboxes (running or not), or one pod's."""
        ...

    async def start_container(self, sandbox_id: str, config: ContainerConfig) -> ContainerInfo:
        """Create a container joined to the sandbox's namespaces and start it."""
        ...

    async def stop_container(self, container_id: str, *, timeout: float, signal: str = "") -> None:
        """SIGTERM (or signal), then SIGKILL after timeout seconds; idempotent."""
        ...

    async def remove_container(self, container_id: str) -> None: ...

    async def list_containers(self, *, pod_uid: str = "") -> list[ContainerInfo]:
        """This node's pod containers (not sandboxes) in any state, or one pod's."""
        ...

    async def exec(self, container_id: str, cmd: list[str], *, timeout: float) -> ExecResult: ...

    def logs(
        self,
        container_id: str,
        *,
        follow: bool = False,
        tail: int | None = None,
        timestamps: bool = False,
        since: float | None = None,
    ) -> AsyncIterator[bytes]: ...

    async def stats(self, container_id: str) -> ContainerStats | None: ...

    async def close(self) -> None: ...
