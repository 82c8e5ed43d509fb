"""FitError wording, the decision (filter, score, tie-break), the cache and preemption."""

from __future__ import annotations

import random
from collections import Counter

from scheduler import messages, preemption
from scheduler.algorithm import Algorithm, nodes_to_find
from scheduler.cache import SchedulerCache
from scheduler.filters import Failure
from tests.unit.scheduler.fixtures import info, make_node


def test_fit_error_counts_and_sorts_reasons_like_kubernetes() -> None:
    msg = messages.fit_error(
        3,
        {
            "a": ("Insufficient cpu",),
            "b": ("node(s) had untolerated taint {node.kubernetes.io/not-ready: }",),
            "c": ("Insufficient cpu",),
        },
    )
    assert msg == (
        "0/3 nodes are available: 1 node(s) had untolerated taint "
        "{node.kubernetes.io/not-ready: }, 2 Insufficient cpu."
    )
    both = messages.fit_error(
        2, {"a": ("Insufficient cpu", "Insufficient memory"), "b": ("Insufficient memory",)}
    )
    assert both == "0/2 nodes are available: 1 Insufficient cpu, 2 Insufficient memory."
    post = messages.preemption_failed(
        2, {"a": (messages.NO_VICTIMS,), "b": (messages.NOT_HELPFUL,)}
    )
    assert messages.with_post_filter(both, post) == (
        "0/2 nodes are available: 1 Insufficient cpu, 2 Insufficient memory. preemption: 0/2 nodes "
        "are available: 1 No preemption victims found for incoming pod, 1 Preemption is not "
        "helpful for scheduling."
    )


def test_nodes_to_find_follows_percentage_of_nodes_to_score() -> None:
    assert nodes_to_find(50) == 50
    assert nodes_to_find(100) == 100
    assert nodes_to_find(1000) == 420  # 50 - 1000/125 = 42 %
    assert nodes_to_find(5000) == 500  # 10 %
    assert nodes_to_find(1000, 100) == 1000


def cache_with(*nodes: str, **kw: object) -> SchedulerCache:
    cache = SchedulerCache()
    for n in nodes:
        cache.add_node(make_node(n, **kw))  # type: ignore[arg-type]
    return cache


def test_equal_nodes_share_the_work() -> None:
    cache = cache_with("a", "b", "c", "d")
    algo = Algorithm(cache, rng=random.Random(1))
    picks = Counter(algo.schedule(info(f"p{i}")).node for i in range(400))
    assert set(picks) == {"a", "b", "c", "d"}
    assert min(picks.values()) > 50


def test_assumed_pods_count_so_nothing_is_double_booked() -> None:
    cache = cache_with("a", "b", cpu="1")
    algo = Algorithm(cache)
    first = info("p1", cpu="1")
    node = algo.schedule(first).node
    cache.assume(first, node)
    second = algo.schedule(info("p2", cpu="1")).node
    assert second and second != node
    cache.assume(info("p2", cpu="1"), second)
    third = algo.schedule(info("p3", cpu="1"))
    assert third.node == "" and set(third.failures) == {"a", "b"}
    cache.forget("default/p2")  # its bind failed: the room is back
    assert algo.schedule(info("p3", cpu="1")).node == second


def test_confirmed_pod_replaces_the_assumed_one_and_expiry_forgets() -> None:
    now = [0.0]
    cache = SchedulerCache(assumed_ttl=5, clock=lambda: now[0])
    cache.add_node(make_node("a", cpu="2"))
    p = info("p", cpu="1")
    cache.assume(p, "a")
    cache.finish_binding(p.key)
    cache.add_pod(info("p", cpu="1", node_name="a"))
    now[0] = 10
    assert cache.cleanup_assumed() == []
    node = cache.node("a")
    assert node is not None and node.cpu == 1000
    q = info("q", cpu="1")
    cache.assume(q, "a")
    cache.finish_binding(q.key)
    now[0] = 20
    assert cache.cleanup_assumed() == [q.key]
    assert node.cpu == 1000


def test_rotation_spreads_evaluation_start_over_nodes() -> None:
    cache = cache_with(*[f"n{i:04d}" for i in range(1000)])
    algo = Algorithm(cache)
    r = algo.schedule(info("p"))
    assert r.evaluated == 420 and r.feasible == 420
    assert algo._next_start == 420


def test_preemption_picks_the_node_with_the_least_important_victims() -> None:
    cache = cache_with("a", "b", cpu="2")
    cache.add_pod(info("a-low", cpu="2", priority=10, node_name="a"))
    cache.add_pod(info("b-lower", cpu="1", priority=1, node_name="b"))
    cache.add_pod(info("b-lower2", cpu="1", priority=1, node_name="b"))
    pod = info("vip", cpu="2", priority=100)
    failures = Algorithm(cache).schedule(pod).failures
    outcome = preemption.preempt(pod, cache, failures)
    assert outcome.candidate is not None and outcome.message == ""
    assert outcome.candidate.node == "b"
    assert sorted(v.name for v in outcome.candidate.victims) == ["b-lower", "b-lower2"]


def test_preemption_reprieves_victims_it_does_not_need() -> None:
    cache = cache_with("a", cpu="3")
    cache.add_pod(info("keep", cpu="1", priority=50, node_name="a"))
    cache.add_pod(info("evict", cpu="2", priority=5, node_name="a"))
    pod = info("vip", cpu="2", priority=100)
    outcome = preemption.preempt(pod, cache, Algorithm(cache).schedule(pod).failures)
    assert outcome.candidate is not None
    assert [v.name for v in outcome.candidate.victims] == ["evict"]


def test_preemption_messages_when_it_cannot_help() -> None:
    cache = cache_with("a", "b", cpu="1")
    cache.add_pod(info("same", cpu="1", priority=100, node_name="a"))
    failures = {
        "a": Failure(("Insufficient cpu",), True),
        "b": Failure(("node(s) were unschedulable",), False),
    }
    outcome = preemption.preempt(info("p", cpu="1", priority=100), cache, failures)
    assert outcome.candidate is None
    assert outcome.message == (
        "preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, "
        "1 Preemption is not helpful for scheduling."
    )
    never = info("n", cpu="1", priority=1000, preemptionPolicy="Never")
    assert preemption.preempt(never, cache, failures).message == (
        "preemption: not eligible due to preemptionPolicy=Never."
    )
