"""Preferred inter-pod affinity and anti-affinity (the InterPodAffinity score plugin).

Every placed pod adds to the score of its topology pair (label key, value of its node):
+weight for each of the incoming pod's preferred affinity terms it matches, -weight for
each preferred anti-affinity term; and the placed pod's own terms work the other way
round (its preferred affinity / anti-affinity terms that match the incoming pod, and its
required affinity terms at weight 1, Kubernetes' hardPodAffinityWeight). A node scores
the sum over its labels' pairs, then min-max normalised to 0..100.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from machinery.api.core import WeightedPodAffinityTerm
from scheduler.interpod import Pair, Term, compile_term
from scheduler.nodeinfo import NodeInfo
from scheduler.podinfo import PodInfo

HARD_POD_AFFINITY_WEIGHT = 1


def _weighted(
    terms: Iterable[WeightedPodAffinityTerm], namespace: str, sign: int
) -> list[tuple[Term, int]]:
    return [(compile_term(t.pod_affinity_term, namespace), sign * t.weight) for t in terms]


def needed(pod: PodInfo, cluster_scoring_pods: int) -> bool:
    return bool(pod.preferred_affinity_terms or pod.preferred_anti_terms) or (
        cluster_scoring_pods > 0
    )


def topology_scores(pod: PodInfo, nodes: Iterable[NodeInfo]) -> Counter[Pair]:
    mine = _weighted(pod.preferred_affinity_terms, pod.namespace, 1) + _weighted(
        pod.preferred_anti_terms, pod.namespace, -1
    )
    scores: Counter[Pair] = Counter()
    for node in nodes:
        if not node.pods or (not mine and not node.scoring_affinity_pods):
            continue
        labels = node.labels
        for other in node.pods.values():
            if other.key == pod.key:
                continue
            for term, weight in mine:
                if term.topology_key in labels and term.matches(other):
                    scores[(term.topology_key, labels[term.topology_key])] += weight
            if not other.scores_pod_affinity:
                continue
            theirs = (
                _weighted(other.preferred_affinity_terms, other.namespace, 1)
                + _weighted(other.preferred_anti_terms, other.namespace, -1)
                + [
                    (compile_term(t, other.namespace), HARD_POD_AFFINITY_WEIGHT)
                    for t in other.affinity_terms
                ]
            )
            for term, weight in theirs:
                if term.topology_key in labels and term.matches(pod):
                    scores[(term.topology_key, labels[term.topology_key])] += weight
    return scores


def normalized(
    pod: PodInfo, all_nodes: Iterable[NodeInfo], feasible: Sequence[NodeInfo]
) -> list[int]:
    """0..100 per feasible node (all zero when nothing distinguishes them)."""
    scores = topology_scores(pod, all_nodes)
    raw = [sum(scores.get(pair, 0) for pair in n.labels.items()) for n in feasible]
    low, high = min(raw, default=0), max(raw, default=0)
    if high == low:
        return [0 for _ in raw]
    return [100 * (r - low) // (high - low) for r in raw]
