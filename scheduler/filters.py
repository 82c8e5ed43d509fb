"""Filter plugins: can this pod run on this node? Each answers None or a Failure.

The reasons are Kubernetes' own wording (they end up, counted, in the FailedScheduling
message), and each Failure says whether evicting pods could help (Unschedulable) or not
(UnschedulableAndUnresolvable), which preemption needs. Filters run in kube-scheduler's
order and the first failure decides the node's reasons, as in the framework.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from machinery.api.core import Taint, Toleration
from scheduler.interpod import InterPodState
from scheduler.nodeinfo import UNSCHEDULABLE_TAINT, NodeInfo
from scheduler.podinfo import PodInfo

UNSCHEDULABLE = "node(s) were unschedulable"
NODE_NAME = "node(s) didn't match the requested node name"
NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector"
NODE_PORTS = "node(s) didn't have free ports for the requested pod ports"
TOO_MANY_PODS = "Too many pods"
INSUFFICIENT_CPU = "Insufficient cpu"
INSUFFICIENT_MEMORY = "Insufficient memory"
POD_AFFINITY = "node(s) didn't match pod affinity rules"
POD_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules"
EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules"


def untolerated_taint(taint: Taint) -> str:
    return f"node(s) had untolerated taint {{{taint.key}: {taint.value or ''}}}"


@dataclass(frozen=True, slots=True)
class Failure:
    reasons: tuple[str, ...]
    resolvable: bool  # True when removing pods from the node could make the pod fit


@dataclass(slots=True)
class CycleState:
    """What one scheduling attempt computes once for all nodes (PreFilter's output)."""

    nominated: dict[str, dict[str, PodInfo]] = field(default_factory=dict)
    interpod: InterPodState | None = None


Filter = Callable[[PodInfo, NodeInfo, CycleState], Failure | None]


def tolerates(tol: Toleration, taint: Taint) -> bool:
    """v1.Toleration.ToleratesTaint."""
    if tol.effect and tol.effect != taint.effect:
        return False
    if tol.key and tol.key != taint.key:
        return False
    if tol.operator == "Exists":
        return True
    if tol.operator in (None, "", "Equal"):
        return (tol.value or "") == (taint.value or "")
    return False


def tolerated(tolerations: Sequence[Toleration], taint: Taint) -> bool:
    return any(tolerates(t, taint) for t in tolerations)


_CORDON = Taint(key=UNSCHEDULABLE_TAINT, effect="NoSchedule")


def node_unschedulable(pod: PodInfo, node: NodeInfo, state: CycleState) -> Failure | None:
    if node.unschedulable and not tolerated(pod.tolerations, _CORDON):
        return Failure((UNSCHEDULABLE,), False)
    return None


def node_name(pod: PodInfo, node: NodeInfo, state: CycleState) -> Failure | None:
    wanted = pod.pod.spec.node_name
    if wanted and wanted != node.name:
        return Failure((NODE_NAME,), False)
    return None


def taint_toleration(pod: PodInfo, node: NodeInfo, state: CycleState) -> Failure | None:
    for taint in node.hard_taints:
        if not tolerated(pod.tolerations, taint):
            return Failure((untolerated_taint(taint),), False)
    return None


def node_affinity(pod: PodInfo, node: NodeInfo, state: CycleState) -> Failure | None:
    labels = node.labels
    for k, v in pod.node_selector.items():
        if labels.get(k) != v:
            return Failure((NODE_AFFINITY,), False)
    if pod.required_affinity is not None and not pod.required_affinity.matches(labels, node.name):
        return Failure((NODE_AFFINITY,), False)
    return None


def node_ports(pod: PodInfo, node: NodeInfo, state: CycleState) -> Failure | None:
    if pod.ports and node.port_conflict(pod.ports):
        return Failure((NODE_PORTS,), True)
    return None


def resources_fit(pod: PodInfo, node: NodeInfo, state: CycleState) -> Failure | None:
    count, cpu, mem = len(node.pods), node.cpu, node.memory
    nominated = state.nominated.get(node.name)
    if nominated:  # room promised to preemptors of at least this priority
        for other in nominated.values():
            if other.key != pod.key and other.priority >= pod.priority:
                count += 1
                cpu += other.cpu
                mem += other.memory
    if (
        count < node.alloc_pods
        and pod.cpu <= node.alloc_cpu - cpu
        and pod.memory <= node.alloc_memory - mem
    ):
        return None  # the common case, without building a list
    reasons: list[str] = []
    if count + 1 > node.alloc_pods:
        reasons.append(TOO_MANY_PODS)
    if pod.cpu > 0 and pod.cpu > node.alloc_cpu - cpu:
        reasons.append(INSUFFICIENT_CPU)
    if pod.memory > 0 and pod.memory > node.alloc_memory - mem:
        reasons.append(INSUFFICIENT_MEMORY)
    return Failure(tuple(reasons), True) if reasons else None


def inter_pod_affinity(pod: PodInfo, node: NodeInfo, state: CycleState) -> Failure | None:
    ip = state.interpod
    if ip is None:
        return None
    if not ip.satisfies_affinity(node):
        return Failure((POD_AFFINITY,), False)
    if not ip.satisfies_anti_affinity(node):
        return Failure((POD_ANTI_AFFINITY,), True)
    if not ip.satisfies_existing_anti_affinity(node):
        return Failure((EXISTING_ANTI_AFFINITY,), True)
    return None


FILTERS: tuple[Filter, ...] = (
    node_unschedulable,
    node_name,
    taint_toleration,
    node_affinity,
    node_ports,
    resources_fit,
    inter_pod_affinity,
)


def filters_for(pod: PodInfo, state: CycleState) -> tuple[Filter, ...]:
    """FILTERS minus those that cannot fail for this pod (same order, same verdicts)."""
    skip: set[Filter] = set()
    if not pod.pod.spec.node_name:
        skip.add(node_name)
    if not pod.node_selector and pod.required_affinity is None:
        skip.add(node_affinity)
    if not pod.ports:
        skip.add(node_ports)
    if state.interpod is None:
        skip.add(inter_pod_affinity)
    return tuple(f for f in FILTERS if f not in skip)


def run_filters(pod: PodInfo, node: NodeInfo, state: CycleState) -> Failure | None:
    for f in FILTERS:
        failure = f(pod, node, state)
        if failure is not None:
            return failure
    return None
