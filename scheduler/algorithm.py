"""One scheduling decision: filter the nodes, score the feasible ones, pick the best.

As kube-scheduler: only as many feasible nodes are looked for as
percentageOfNodesToScore asks (all of them under 100 nodes; about 42% of 1,000), starting
where the previous pod stopped so every node gets its turn; a pod's nominated node is
tried first; ties go to a random one of the best nodes, so equal nodes share the work.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from scheduler import interpod, interpodscore
from scheduler.cache import SchedulerCache
from scheduler.filters import CycleState, Failure, filters_for, run_filters
from scheduler.nodeinfo import NodeInfo
from scheduler.podinfo import PodInfo
from scheduler.scores import score

MIN_FEASIBLE_NODES = 100
MIN_PERCENTAGE = 5


def nodes_to_find(total: int, percentage: int = 0) -> int:
    """numFeasibleNodesToFind with the adaptive default percentage (percentage 0)."""
    if total < MIN_FEASIBLE_NODES or percentage >= 100:
        return total
    pct = percentage or max(50 - total // 125, MIN_PERCENTAGE)
    return min(total, max(total * pct // 100, MIN_FEASIBLE_NODES))


@dataclass
class Result:
    node: str = ""
    failures: dict[str, Failure] = field(default_factory=dict)  # only when node == ""
    num_nodes: int = 0
    evaluated: int = 0
    feasible: int = 0


class Algorithm:
    def __init__(
        self,
        cache: SchedulerCache,
        *,
        percentage_of_nodes_to_score: int = 0,
        rng: random.Random | None = None,
    ) -> None:
        self.cache = cache
        self.percentage = percentage_of_nodes_to_score
        self.rng = rng or random.Random()
        self._next_start = 0

    def cycle_state(self, pod: PodInfo) -> CycleState:
        state = CycleState(nominated=self.cache.nominated)
        if interpod.needed(pod, self.cache.anti_affinity_pods):
            state.interpod = interpod.compute(pod, self.cache.nodes())
        return state

    def schedule(self, pod: PodInfo) -> Result:
        nodes = self.cache.nodes()
        result = Result(num_nodes=len(nodes))
        if not nodes:
            return result
        state = self.cycle_state(pod)
        if pod.nominated_node:  # evaluate the nominated node first (preemption made room)
            nominated = self.cache.node(pod.nominated_node)
            if nominated is not None and run_filters(pod, nominated, state) is None:
                result.node = nominated.name
                result.evaluated = result.feasible = 1
                return result
        feasible, failures = self._find_feasible(pod, nodes, state)
        result.evaluated = len(feasible) + len(failures)
        result.feasible = len(feasible)
        if not feasible:
            result.failures = failures
            return result
        if len(feasible) == 1:
            result.node = feasible[0].name
            return result
        pod_affinity = None
        if interpodscore.needed(pod, self.cache.scoring_affinity_pods):
            pod_affinity = interpodscore.normalized(pod, self.cache.nodes(), feasible)
        result.node = self._select(feasible, score(pod, feasible, pod_affinity=pod_affinity))
        return result

    def _find_feasible(
        self, pod: PodInfo, nodes: list[NodeInfo], state: CycleState
    ) -> tuple[list[NodeInfo], dict[str, Failure]]:
        total = len(nodes)
        want = nodes_to_find(total, self.percentage)
        start = self._next_start % total
        feasible: list[NodeInfo] = []
        failures: dict[str, Failure] = {}
        processed = 0
        plan = filters_for(pod, state)
        for i in range(total):
            node = nodes[(start + i) % total]
            processed += 1
            failure = None
            for f in plan:
                failure = f(pod, node, state)
                if failure is not None:
                    break
            if failure is None:
                feasible.append(node)
                if len(feasible) >= want:
                    break
            else:
                failures[node.name] = failure
        self._next_start = (start + processed) % total
        return feasible, failures

    def _select(self, nodes: list[NodeInfo], scores: list[int]) -> str:
        """The best node; among equals each has the same chance."""
        best = max(scores)
        ties = [i for i, s in enumerate(scores) if s == best]
        return nodes[ties[0] if len(ties) == 1 else self.rng.choice(ties)].name
