"""What the scheduler needs to know about a pod, computed once per pod version.

Filters and scores run for every (pod, node) pair, so nothing on that path should parse
quantities or walk containers: requests, host ports, tolerations, priority and the
compiled node affinity are derived here, once, when the informer hands us the pod.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from machinery.api import Pod
from machinery.api.core import Container, PodAffinityTerm, Toleration, WeightedPodAffinityTerm
from machinery.quantity import cpu_millis, memory_bytes
from machinery.timeutil import parse_time
from scheduler.nodeaffinity import NodeMatcher, compile_preferred, compile_required

DEFAULT_SCHEDULER = "default-scheduler"
# Kubernetes scores a container without requests as if it asked for this much
# (pkg/scheduler/util: DefaultMilliCPURequest, DefaultMemoryRequest).
DEFAULT_MILLI_CPU = 100
DEFAULT_MEMORY = 200 * 1024 * 1024

Port = tuple[str, str, int]  # (hostIP, protocol, hostPort)


@dataclass(slots=True)
class PodInfo:
    pod: Pod
    key: str
    namespace: str
    name: str
    uid: str
    labels: Mapping[str, str]
    node_name: str
    priority: int
    created: float
    cpu: int  # millicores requested
    memory: int  # bytes requested
    nz_cpu: int  # the same with Kubernetes' non-zero defaults, for scoring
    nz_memory: int
    ports: tuple[Port, ...]
    tolerations: tuple[Toleration, ...]
    owner_uid: str
    node_selector: Mapping[str, str]
    required_affinity: NodeMatcher | None
    preferred_affinity: tuple[tuple[int, NodeMatcher], ...]
    affinity_terms: tuple[PodAffinityTerm, ...] = ()
    anti_affinity_terms: tuple[PodAffinityTerm, ...] = ()
    preferred_affinity_terms: tuple[WeightedPodAffinityTerm, ...] = ()
    preferred_anti_terms: tuple[WeightedPodAffinityTerm, ...] = ()
    preempt_never: bool = False
    nominated_node: str = ""
    terminating: bool = False

    @property
    def has_pod_affinity(self) -> bool:
        return bool(self.affinity_terms or self.anti_affinity_terms)

    @property
    def scores_pod_affinity(self) -> bool:
        """Terms that the InterPodAffinity score plugin reads, on this pod's side."""
        return bool(
            self.preferred_affinity_terms or self.preferred_anti_terms or self.affinity_terms
        )


@lru_cache(maxsize=4096)
def _cpu(value: str | int | float) -> int:
    return cpu_millis(value)


@lru_cache(maxsize=4096)
def _memory(value: str | int | float) -> int:
    return memory_bytes(value)


def _requests(c: Container) -> tuple[int, int, int, int]:
    req = (c.resources.requests if c.resources else None) or {}
    cpu = _cpu(req["cpu"]) if "cpu" in req else 0
    mem = _memory(req["memory"]) if "memory" in req else 0
    return (
        cpu,
        mem,
        cpu if "cpu" in req else DEFAULT_MILLI_CPU,
        mem if "memory" in req else (DEFAULT_MEMORY),
    )


def pod_requests(pod: Pod) -> tuple[int, int, int, int]:
    """(cpu, memory, non-zero cpu, non-zero memory) as Kubernetes' resource helpers sum them.

    Containers add up; a (non-sidecar) init container runs alone, so the pod needs the max
    of that and the containers; sidecars (init containers with restartPolicy Always) keep
    running, so they add to everything that starts after them. Pod overhead is added last.
    """
    total = [0, 0, 0, 0]
    for c in pod.spec.containers or []:
        for i, v in enumerate(_requests(c)):
            total[i] += v
    sidecars = [0, 0, 0, 0]
    init_max = [0, 0, 0, 0]
    for c in pod.spec.init_containers or []:
        r = _requests(c)
        for i in range(4):
            if c.restart_policy == "Always":
                sidecars[i] += r[i]
                init_max[i] = max(init_max[i], sidecars[i])
            else:
                init_max[i] = max(init_max[i], sidecars[i] + r[i])
    out = [max(total[i] + sidecars[i], init_max[i]) for i in range(4)]
    overhead = pod.spec.overhead or {}
    if "cpu" in overhead:
        out[0] += cpu_millis(overhead["cpu"])
        out[2] += cpu_millis(overhead["cpu"])
    if "memory" in overhead:
        out[1] += memory_bytes(overhead["memory"])
        out[3] += memory_bytes(overhead["memory"])
    return out[0], out[1], out[2], out[3]


def host_ports(pod: Pod) -> tuple[Port, ...]:
    ports: list[Port] = []
    for c in [*(pod.spec.init_containers or []), *(pod.spec.containers or [])]:
        for p in c.ports or []:
            if p.host_port:
                ports.append((p.host_ip or "0.0.0.0", p.protocol or "TCP", p.host_port))
    return tuple(ports)


def _created(pod: Pod) -> float:
    ts = pod.metadata.creation_timestamp
    return parse_time(ts).timestamp() if ts else 0.0


def pod_info(pod: Pod) -> PodInfo:
    meta = pod.metadata
    spec = pod.spec
    cpu, mem, nz_cpu, nz_mem = pod_requests(pod)
    owner = meta.controller_ref()
    affinity = spec.affinity
    node_aff = affinity.node_affinity if affinity else None
    pod_aff = affinity.pod_affinity if affinity else None
    anti_aff = affinity.pod_anti_affinity if affinity else None
    return PodInfo(
        pod=pod,
        key=pod.key,
        namespace=meta.namespace or "",
        name=meta.name,
        uid=meta.uid or "",
        labels=meta.labels or {},
        node_name=spec.node_name or "",
        priority=spec.priority or 0,
        created=_created(pod),
        cpu=cpu,
        memory=mem,
        nz_cpu=nz_cpu,
        nz_memory=nz_mem,
        ports=host_ports(pod),
        tolerations=tuple(spec.tolerations or ()),
        owner_uid=owner.uid if owner else "",
        node_selector=spec.node_selector or {},
        required_affinity=compile_required(
            node_aff.required_during_scheduling_ignored_during_execution if node_aff else None
        ),
        preferred_affinity=compile_preferred(
            node_aff.preferred_during_scheduling_ignored_during_execution if node_aff else None
        ),
        affinity_terms=tuple(
            (pod_aff.required_during_scheduling_ignored_during_execution or ()) if pod_aff else ()
        ),
        anti_affinity_terms=tuple(
            (anti_aff.required_during_scheduling_ignored_during_execution or ()) if anti_aff else ()
        ),
        preferred_affinity_terms=tuple(
            (pod_aff.preferred_during_scheduling_ignored_during_execution or ()) if pod_aff else ()
        ),
        preferred_anti_terms=tuple(
            (anti_aff.preferred_during_scheduling_ignored_during_execution or ())
            if anti_aff
            else ()
        ),
        preempt_never=spec.preemption_policy == "Never",
        nominated_node=pod.status.nominated_node_name or "",
        terminating=bool(meta.deletion_timestamp),
    )


def responsible_for(pod: Pod) -> bool:
    """This scheduler places the pod: default-scheduler's, not bound, not terminal, and
    not held back by spec.schedulingGates (it enters the queue once they are removed)."""
    return (
        (pod.spec.scheduler_name or DEFAULT_SCHEDULER) == DEFAULT_SCHEDULER
        and not pod.spec.node_name
        and not pod.is_terminal()
        and not pod.spec.scheduling_gates
    )
