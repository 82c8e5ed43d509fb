"""Score plugins on fixtures, and the weighted total."""

from __future__ import annotations

from scheduler import scores
from tests.unit.scheduler.fixtures import info, node_info


def test_least_allocated_prefers_the_emptier_node() -> None:
    pod = info(cpu="1", memory="1Gi")
    empty = node_info("a", cpu="4", memory="4Gi")
    busy = node_info("b", info("x", cpu="2", memory="2Gi"), cpu="4", memory="4Gi")
    assert scores.least_allocated(pod, empty) == 75
    assert scores.least_allocated(pod, busy) == 25
    assert scores.least_allocated(info(cpu="8", memory="1Gi"), empty) == (0 + 75) // 2


def test_least_allocated_counts_request_less_pods_at_kubernetes_defaults() -> None:
    node = node_info("a", cpu="1", memory="2000Mi")
    assert scores.least_allocated(info(), node) == (90 + 90) // 2


def test_balanced_allocation_prefers_even_use() -> None:
    node = node_info("a", cpu="4", memory="4Gi")
    assert scores.balanced_allocation(info(cpu="2", memory="2Gi"), node) == 100
    assert scores.balanced_allocation(info(cpu="2", memory="0.5Gi"), node) < 100
    skewed = scores.balanced_allocation(info(cpu="4", memory="1Gi"), node)
    assert skewed == int((1 - abs(1.0 - 0.25) / 2) * 100)


def test_preferred_node_affinity_sums_matching_weights() -> None:
    pod = info(
        affinity={
            "nodeAffinity": {
                "preferredDuringSchedulingIgnoredDuringExecution": [
                    {
                        "weight": 10,
                        "preference": {
                            "matchExpressions": [
                                {"key": "disk", "operator": "In", "values": ["ssd"]}
                            ]
                        },
                    },
                    {
                        "weight": 5,
                        "preference": {"matchExpressions": [{"key": "zone", "operator": "Exists"}]},
                    },
                ]
            }
        }
    )
    both = node_info("a", labels={"disk": "ssd", "zone": "z"})
    one = node_info("b", labels={"zone": "z"})
    none = node_info("c")
    raw = [scores.node_affinity_raw(pod, n) for n in (both, one, none)]
    assert raw == [15, 5, 0]
    assert scores.normalize(raw, reverse=False) == [100, 33, 0]


def test_prefer_no_schedule_taints_lower_the_score() -> None:
    soft = node_info("a", taints=[{"key": "k", "effect": "PreferNoSchedule"}])
    clean = node_info("b")
    pod = info()
    raw = [scores.intolerable_taints_raw(pod, n) for n in (soft, clean)]
    assert raw == [1, 0]
    assert scores.normalize(raw, reverse=True) == [0, 100]
    tolerant = info(tolerations=[{"key": "k", "operator": "Exists", "effect": "PreferNoSchedule"}])
    assert scores.intolerable_taints_raw(tolerant, soft) == 0


def test_spreading_prefers_nodes_with_fewer_pods_of_the_same_owner() -> None:
    a = node_info("a", info("r1", owner="rs"), info("r2", owner="rs"))
    b = node_info("b", info("r3", owner="rs"), info("other", owner="other"))
    c = node_info("c")
    pod = info("r4", owner="rs")
    raw = [scores.owner_pods_raw(pod, n) for n in (a, b, c)]
    assert raw == [2, 1, 0]
    assert scores.normalize(raw, reverse=True) == [0, 50, 100]
    totals = scores.score(pod, [a, b, c])
    assert totals[2] > totals[1] > totals[0]


def test_weighted_total_favours_affinity_over_free_room() -> None:
    pod = info(
        cpu="1",
        affinity={
            "nodeAffinity": {
                "preferredDuringSchedulingIgnoredDuringExecution": [
                    {
                        "weight": 1,
                        "preference": {"matchExpressions": [{"key": "fast", "operator": "Exists"}]},
                    }
                ]
            }
        },
    )
    fast_busy = node_info("a", info("x", cpu="2"), labels={"fast": "1"}, cpu="4")
    slow_empty = node_info("b", cpu="4")
    t = scores.score(pod, [fast_busy, slow_empty])
    assert t[0] > t[1]


def test_the_inlined_resource_scores_equal_the_plugins() -> None:
    nodes = [
        node_info("a", info("x", cpu="3", memory="1Gi"), cpu="4", memory="4Gi"),
        node_info("b", cpu="2", memory="16Gi"),
        node_info("c", info("y", cpu="5"), cpu="4", memory="1Gi"),
        node_info("d", cpu="0", memory="0"),
    ]
    for pod in (info(cpu="500m", memory="256Mi"), info(), info(cpu="8", memory="64Gi")):
        expected = [
            scores.W_LEAST * scores.least_allocated(pod, n)
            + scores.W_BALANCED * scores.balanced_allocation(pod, n)
            for n in nodes
        ]
        assert scores.resource_scores(pod, nodes) == expected
