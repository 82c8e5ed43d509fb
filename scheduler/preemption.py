"""Preemption (kube-scheduler's DefaultPreemption PostFilter), as a dry run on the cache.

When a pod fits nowhere, each node whose failure evicting pods could cure is tried:
remove every lower-priority pod, check that the pod fits, then give back ("reprieve")
the most important of them one by one while it still fits; whoever is left are the
victims. The node chosen has the lowest highest-victim priority, then the lowest sum of
priorities, then the fewest victims. Nodes that failed for reasons no eviction cures
count as "Preemption is not helpful for scheduling".
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduler import interpod, messages
from scheduler.cache import SchedulerCache
from scheduler.filters import CycleState, Failure, run_filters
from scheduler.nodeinfo import NodeInfo
from scheduler.podinfo import PodInfo

TERMINATING_ON_NOMINATED = "not eligible due to a terminating pod on the nominated node."
_OFFSET = 2**31  # keeps sums of negative priorities ordered (Kubernetes: MaxInt32 + 1)


@dataclass
class Candidate:
    node: str
    victims: list[PodInfo]

    def rank(self) -> tuple[int, int, int]:
        top = max(v.priority for v in self.victims) if self.victims else -(2**31)
        return top, sum(v.priority + _OFFSET for v in self.victims), len(self.victims)


@dataclass
class Outcome:
    candidate: Candidate | None
    message: str  # the PostFilter message ("" when a candidate was found)


def eligible(pod: PodInfo, cache: SchedulerCache) -> str:
    """ "" when pod may preempt, else the reason it may not (PodEligibleToPreemptOthers)."""
    if pod.preempt_never:
        return messages.PREEMPT_NEVER
    if pod.nominated_node:
        node = cache.node(pod.nominated_node)
        if node is not None and any(
            p.terminating and p.priority < pod.priority for p in node.pods.values()
        ):
            return TERMINATING_ON_NOMINATED
    return ""


def _fits(
    pod: PodInfo, node: NodeInfo, cache: SchedulerCache, removed: dict[str, PodInfo]
) -> Failure | None:
    state = CycleState(nominated=cache.nominated)
    if interpod.needed(pod, cache.anti_affinity_pods):
        others = [n for n in cache.nodes() if n.name != node.name]
        state.interpod = interpod.compute(pod, [*others, node], exclude=removed)
    return run_filters(pod, node, state)


def select_victims(
    pod: PodInfo, node: NodeInfo, cache: SchedulerCache
) -> tuple[list[PodInfo] | None, tuple[str, ...]]:
    """(victims, ()) when evicting them makes pod fit on node, else (None, reasons)."""
    potential = [p for p in node.pods.values() if p.priority < pod.priority]
    if not potential:
        return None, (messages.NO_VICTIMS,)
    sim = node.clone()
    removed: dict[str, PodInfo] = {}
    for p in potential:
        sim.remove_pod(p.key)
        removed[p.key] = p
    failure = _fits(pod, sim, cache, removed)
    if failure is not None:
        return None, failure.reasons
    victims: list[PodInfo] = []
    for p in sorted(potential, key=lambda v: (-v.priority, v.created)):
        sim.add_pod(p)
        del removed[p.key]
        if _fits(pod, sim, cache, removed) is not None:
            sim.remove_pod(p.key)
            removed[p.key] = p
            victims.append(p)
    return victims, ()


def preempt(pod: PodInfo, cache: SchedulerCache, failures: dict[str, Failure]) -> Outcome:
    reason = eligible(pod, cache)
    if reason:
        return Outcome(None, "preemption: " + reason)
    nodes = cache.nodes()
    why: dict[str, tuple[str, ...]] = {}
    best: Candidate | None = None
    for node in nodes:
        failure = failures.get(node.name)
        if failure is not None and not failure.resolvable:
            why[node.name] = (messages.NOT_HELPFUL,)
            continue
        victims, reasons = select_victims(pod, node, cache)
        if victims is None:
            why[node.name] = reasons
            continue
        candidate = Candidate(node.name, victims)
        if best is None or candidate.rank() < best.rank():
            best = candidate
    if best is not None:
        return Outcome(best, "")
    return Outcome(None, messages.preemption_failed(len(nodes), why))
