"""One node as the scheduler sees it: the Node plus running totals of what its pods use.

The totals (requested cpu/memory, non-zero requests for scoring, pod count, host ports,
pods per owner) change by one pod at a time, so a pod is added or removed in O(1) and
filters never walk a node's pods (Kubernetes' framework.NodeInfo does the same).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from machinery.api import Node
from machinery.api.core import Taint
from machinery.quantity import cpu_millis, memory_bytes
from scheduler.podinfo import PodInfo, Port

NOT_READY_TAINT = "node.kubernetes.io/not-ready"
UNREACHABLE_TAINT = "node.kubernetes.io/unreachable"
UNSCHEDULABLE_TAINT = "node.kubernetes.io/unschedulable"


def _ready_taint(node: Node) -> Taint | None:
    """The taint the node lifecycle controller puts on a node whose Ready is not True.

    The scheduler adds it itself when the node does not carry it yet, so a node that is not
    Ready is never chosen even before the controller has tainted it.
    """
    cond = node.condition("Ready")
    if cond is not None and cond.status == "True":
        return None
    key = UNREACHABLE_TAINT if cond is not None and cond.status == "Unknown" else NOT_READY_TAINT
    if any(t.key == key for t in node.spec.taints or ()):
        return None
    return Taint(key=key, effect="NoSchedule")


@dataclass(slots=True)
class NodeInfo:
    name: str
    node: Node | None = None  # None while only pods of an unknown node are known
    labels: dict[str, str] = field(default_factory=dict)
    unschedulable: bool = False
    hard_taints: tuple[Taint, ...] = ()  # NoSchedule and NoExecute
    soft_taints: tuple[Taint, ...] = ()  # PreferNoSchedule
    alloc_cpu: int = 0
    alloc_memory: int = 0
    alloc_pods: int = 0
    cpu: int = 0
    memory: int = 0
    nz_cpu: int = 0
    nz_memory: int = 0
    pods: dict[str, PodInfo] = field(default_factory=dict)
    ports: dict[tuple[str, int], Counter[str]] = field(default_factory=dict)
    owners: Counter[str] = field(default_factory=Counter)
    anti_affinity_pods: int = 0  # pods here with required anti-affinity terms
    scoring_affinity_pods: int = 0  # pods here whose terms the affinity score reads

    def set_node(self, node: Node) -> None:
        self.node = node
        self.labels = dict(node.metadata.labels or {})
        self.unschedulable = bool(node.spec.unschedulable)
        taints = list(node.spec.taints or ())
        extra = _ready_taint(node)
        if extra is not None:
            taints.append(extra)
        self.hard_taints = tuple(t for t in taints if t.effect in ("NoSchedule", "NoExecute"))
        self.soft_taints = tuple(t for t in taints if t.effect == "PreferNoSchedule")
        alloc = node.status.allocatable or node.status.capacity or {}
        self.alloc_cpu = cpu_millis(alloc["cpu"]) if "cpu" in alloc else 0
        self.alloc_memory = memory_bytes(alloc["memory"]) if "memory" in alloc else 0
        self.alloc_pods = int(memory_bytes(alloc["pods"])) if "pods" in alloc else 0

    def add_pod(self, p: PodInfo) -> None:
        if p.key in self.pods:
            self.remove_pod(p.key)
        self.pods[p.key] = p
        self.cpu += p.cpu
        self.memory += p.memory
        self.nz_cpu += p.nz_cpu
        self.nz_memory += p.nz_memory
        for ip, proto, port in p.ports:
            self.ports.setdefault((proto, port), Counter())[ip] += 1
        if p.owner_uid:
            self.owners[p.owner_uid] += 1
        if p.anti_affinity_terms:
            self.anti_affinity_pods += 1
        if p.scores_pod_affinity:
            self.scoring_affinity_pods += 1

    def remove_pod(self, key: str) -> PodInfo | None:
        p = self.pods.pop(key, None)
        if p is None:
            return None
        self.cpu -= p.cpu
        self.memory -= p.memory
        self.nz_cpu -= p.nz_cpu
        self.nz_memory -= p.nz_memory
        for ip, proto, port in p.ports:
            used = self.ports[(proto, port)]
            used[ip] -= 1
            if used[ip] <= 0:
                del used[ip]
            if not used:
                del self.ports[(proto, port)]
        if p.owner_uid:
            self.owners[p.owner_uid] -= 1
            if self.owners[p.owner_uid] <= 0:
                del self.owners[p.owner_uid]
        if p.anti_affinity_terms:
            self.anti_affinity_pods -= 1
        if p.scores_pod_affinity:
            self.scoring_affinity_pods -= 1
        return p

    def port_conflict(self, ports: tuple[Port, ...]) -> bool:
        """Kubernetes' HostPortInfo: same protocol and port, and same IP or either 0.0.0.0."""
        for ip, proto, port in ports:
            used = self.ports.get((proto, port))
            if used and (ip == "0.0.0.0" or "0.0.0.0" in used or ip in used):
                return True
        return False

    def clone(self) -> NodeInfo:
        """A copy whose totals can change without touching this one (preemption dry runs)."""
        return NodeInfo(
            name=self.name,
            node=self.node,
            labels=self.labels,
            unschedulable=self.unschedulable,
            hard_taints=self.hard_taints,
            soft_taints=self.soft_taints,
            alloc_cpu=self.alloc_cpu,
            alloc_memory=self.alloc_memory,
            alloc_pods=self.alloc_pods,
            cpu=self.cpu,
            memory=self.memory,
            nz_cpu=self.nz_cpu,
            nz_memory=self.nz_memory,
            pods=dict(self.pods),
            ports={k: Counter(v) for k, v in self.ports.items()},
            owners=Counter(self.owners),
            anti_affinity_pods=self.anti_affinity_pods,
            scoring_affinity_pods=self.scoring_affinity_pods,
        )
