"""Required inter-pod affinity and anti-affinity (the InterPodAffinity filter's state).

Computed once per scheduling attempt from the pods in the cache, as Kubernetes' PreFilter
does: topology pairs (label key, value) holding pods that the incoming pod's affinity
terms match, pairs its anti-affinity terms forbid, and pairs forbidden by the
anti-affinity terms of pods already placed. Then each node is a few dictionary lookups.

Namespaces: a term applies to the namespaces it lists, or to its own pod's namespace;
an empty namespaceSelector ({}) means every namespace. A non-empty namespaceSelector is
not evaluated (the scheduler does not watch namespaces) and adds no namespace.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from machinery.api.core import PodAffinityTerm
from machinery.selectors import LabelSelector
from scheduler.nodeinfo import NodeInfo
from scheduler.podinfo import PodInfo

Pair = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Term:
    selector: LabelSelector
    namespaces: frozenset[str] | None  # None: every namespace
    topology_key: str

    def matches(self, pod: PodInfo) -> bool:
        if self.namespaces is not None and pod.namespace not in self.namespaces:
            return False
        return self.selector.matches(pod.labels)


def compile_term(term: PodAffinityTerm, own_namespace: str) -> Term:
    sel = term.label_selector
    selector = LabelSelector.from_dict(sel.to_dict() if sel is not None else None)
    namespaces: frozenset[str] | None = frozenset(term.namespaces or ())
    ns_sel = term.namespace_selector
    if ns_sel is not None and not ns_sel.match_labels and not ns_sel.match_expressions:
        namespaces = None
    elif not namespaces:
        namespaces = frozenset((own_namespace,))
    return Term(selector, namespaces, term.topology_key)


def compile_terms(terms: Iterable[PodAffinityTerm], own_namespace: str) -> tuple[Term, ...]:
    return tuple(compile_term(t, own_namespace) for t in terms)


@dataclass(slots=True)
class InterPodState:
    affinity: tuple[Term, ...]
    anti_affinity: tuple[Term, ...]
    affinity_counts: Counter[Pair]
    anti_counts: Counter[Pair]
    existing_anti_counts: Counter[Pair]
    matches_own_terms: bool

    def satisfies_affinity(self, node: NodeInfo) -> bool:
        if not self.affinity:
            return True
        pods_exist = True
        for term in self.affinity:
            value = node.labels.get(term.topology_key)
            if value is None:
                return False
            if self.affinity_counts[(term.topology_key, value)] <= 0:
                pods_exist = False
        if pods_exist:
            return True
        # The first pod of a group that selects itself may go anywhere the keys exist.
        return not self.affinity_counts and self.matches_own_terms

    def satisfies_anti_affinity(self, node: NodeInfo) -> bool:
        for term in self.anti_affinity:
            value = node.labels.get(term.topology_key)
            if value is not None and self.anti_counts[(term.topology_key, value)] > 0:
                return False
        return True

    def satisfies_existing_anti_affinity(self, node: NodeInfo) -> bool:
        if not self.existing_anti_counts:
            return True
        return not any(self.existing_anti_counts[pair] > 0 for pair in node.labels.items())


def compute(
    pod: PodInfo,
    nodes: Iterable[NodeInfo],
    *,
    exclude: Mapping[str, object] | None = None,
) -> InterPodState:
    """The state for pod over the given nodes' pods (minus `exclude`, for dry runs)."""
    affinity = compile_terms(pod.affinity_terms, pod.namespace)
    anti = compile_terms(pod.anti_affinity_terms, pod.namespace)
    state = InterPodState(
        affinity,
        anti,
        Counter(),
        Counter(),
        Counter(),
        all(t.matches(pod) for t in affinity),
    )
    for node in nodes:
        if not node.pods:
            continue
        scan_all = bool(affinity or anti)
        if not scan_all and not node.anti_affinity_pods:
            continue
        labels = node.labels
        for other in node.pods.values():
            if other.key == pod.key or (exclude is not None and other.key in exclude):
                continue
            if scan_all:
                for term in affinity:
                    if term.topology_key in labels and term.matches(other):
                        state.affinity_counts[(term.topology_key, labels[term.topology_key])] += 1
                for term in anti:
                    if term.topology_key in labels and term.matches(other):
                        state.anti_counts[(term.topology_key, labels[term.topology_key])] += 1
            if other.anti_affinity_terms:
                for term in compile_terms(other.anti_affinity_terms, other.namespace):
                    if term.topology_key in labels and term.matches(pod):
                        pair = (term.topology_key, labels[term.topology_key])
                        state.existing_anti_counts[pair] += 1
    return state


def needed(pod: PodInfo, cluster_anti_affinity_pods: int) -> bool:
    return pod.has_pod_affinity or cluster_anti_affinity_pods > 0
