"""Score plugins: how good is each feasible node? Higher is better, 0..100 per plugin.

Kubernetes' default plugins and weights: NodeResourcesFit with LeastAllocated (1),
NodeResourcesBalancedAllocation (1), NodeAffinity preferred terms (2), TaintToleration
for PreferNoSchedule taints (3), and spreading the pods of one owner over nodes (2, what
PodTopologySpread's default constraints and the old SelectorSpread do), and preferred
inter-pod affinity (2, computed in interpodscore.py). Raw scores that are counts are
normalised over the feasible nodes like DefaultNormalizeScore.
"""

from __future__ import annotations

from collections.abc import Sequence

from scheduler.filters import tolerated
from scheduler.nodeinfo import NodeInfo
from scheduler.podinfo import PodInfo

MAX_SCORE = 100
W_LEAST, W_BALANCED, W_AFFINITY, W_TAINT, W_SPREAD, W_POD_AFFINITY = 1, 1, 2, 3, 2, 2


def _least(requested: int, capacity: int) -> int:
    if capacity <= 0 or requested > capacity:
        return 0
    return (capacity - requested) * MAX_SCORE // capacity


def least_allocated(pod: PodInfo, node: NodeInfo) -> int:
    cpu = _least(node.nz_cpu + pod.nz_cpu, node.alloc_cpu)
    mem = _least(node.nz_memory + pod.nz_memory, node.alloc_memory)
    return (cpu + mem) // 2


def _fraction(requested: int, capacity: int) -> float:
    return 1.0 if capacity <= 0 else min(requested / capacity, 1.0)


def balanced_allocation(pod: PodInfo, node: NodeInfo) -> int:
    cpu = _fraction(node.nz_cpu + pod.nz_cpu, node.alloc_cpu)
    mem = _fraction(node.nz_memory + pod.nz_memory, node.alloc_memory)
    std = abs(cpu - mem) / 2  # the standard deviation of two values
    return int((1 - std) * MAX_SCORE)


def node_affinity_raw(pod: PodInfo, node: NodeInfo) -> int:
    return sum(w for w, m in pod.preferred_affinity if m.matches(node.labels, node.name))


def intolerable_taints_raw(pod: PodInfo, node: NodeInfo) -> int:
    tols = [t for t in pod.tolerations if not t.effect or t.effect == "PreferNoSchedule"]
    return sum(1 for taint in node.soft_taints if not tolerated(tols, taint))


def owner_pods_raw(pod: PodInfo, node: NodeInfo) -> int:
    return node.owners.get(pod.owner_uid, 0)


def normalize(raw: Sequence[int], *, reverse: bool) -> list[int]:
    """DefaultNormalizeScore: scale to 0..100 by the maximum, reversed for counts of bad."""
    top = max(raw, default=0)
    if top == 0:
        return [MAX_SCORE if reverse else 0 for _ in raw]
    scaled = [MAX_SCORE * r // top for r in raw]
    return [MAX_SCORE - s for s in scaled] if reverse else scaled


def resource_scores(pod: PodInfo, nodes: Sequence[NodeInfo]) -> list[int]:
    """least_allocated and balanced_allocation, weighted, in one pass (the hot loop).

    The same arithmetic as the two functions above, inlined: this runs for hundreds of
    nodes per pod.
    """
    pc, pm = pod.nz_cpu, pod.nz_memory
    out = []
    for n in nodes:
        ac, am = n.alloc_cpu, n.alloc_memory
        rc, rm = n.nz_cpu + pc, n.nz_memory + pm
        lc = (ac - rc) * MAX_SCORE // ac if ac > 0 and rc <= ac else 0
        lm = (am - rm) * MAX_SCORE // am if am > 0 and rm <= am else 0
        fc = 1.0 if ac <= 0 or rc >= ac else rc / ac
        fm = 1.0 if am <= 0 or rm >= am else rm / am
        balanced = int((1 - abs(fc - fm) / 2) * MAX_SCORE)
        out.append(W_LEAST * ((lc + lm) // 2) + W_BALANCED * balanced)
    return out


def score(
    pod: PodInfo, nodes: Sequence[NodeInfo], *, pod_affinity: Sequence[int] | None = None
) -> list[int]:
    """The weighted total per node (same order as nodes); pod_affinity: normalised
    InterPodAffinity scores when they apply (see interpodscore.py)."""
    totals = resource_scores(pod, nodes)
    if pod_affinity is not None:
        for i, s in enumerate(pod_affinity):
            totals[i] += W_POD_AFFINITY * s
    if pod.preferred_affinity:
        raw = [node_affinity_raw(pod, n) for n in nodes]
        for i, s in enumerate(normalize(raw, reverse=False)):
            totals[i] += W_AFFINITY * s
    if any(n.soft_taints for n in nodes):
        raw = [intolerable_taints_raw(pod, n) for n in nodes]
        for i, s in enumerate(normalize(raw, reverse=True)):
            totals[i] += W_TAINT * s
    else:
        totals = [t + W_TAINT * MAX_SCORE for t in totals]
    if pod.owner_uid:
        raw = [owner_pods_raw(pod, n) for n in nodes]
        for i, s in enumerate(normalize(raw, reverse=True)):
            totals[i] += W_SPREAD * s
    return totals
