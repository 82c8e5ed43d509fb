"""Required pod affinity and anti-affinity on the hostname topology."""

from __future__ import annotations

from typing import Any

from scheduler import filters as f
from scheduler import interpod, interpodscore
from scheduler.filters import CycleState, Failure
from scheduler.nodeinfo import NodeInfo
from scheduler.podinfo import PodInfo
from tests.unit.scheduler.fixtures import info, node_info

HOST = "kubernetes.io/hostname"


def term(app: str, key: str = HOST) -> dict[str, Any]:
    return {"labelSelector": {"matchLabels": {"app": app}}, "topologyKey": key}


def check(pod: PodInfo, nodes: list[NodeInfo]) -> dict[str, Failure | None]:
    state = CycleState(interpod=interpod.compute(pod, nodes))
    return {n.name: f.inter_pod_affinity(pod, n, state) for n in nodes}


def test_anti_affinity_keeps_pods_of_a_kind_apart() -> None:
    a = node_info("a", info("web-1", labels={"app": "web"}))
    b = node_info("b")
    pod = info(
        "web-2",
        labels={"app": "web"},
        affinity={
            "podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term("web")]}
        },
    )
    verdict = check(pod, [a, b])
    assert verdict == {
        "a": Failure(("node(s) didn't match pod anti-affinity rules",), True),
        "b": None,
    }


def test_existing_pods_anti_affinity_is_respected() -> None:
    guard = info(
        "guard",
        labels={"app": "db"},
        affinity={
            "podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term("web")]}
        },
    )
    a = node_info("a", guard)
    b = node_info("b")
    verdict = check(info("web-1", labels={"app": "web"}), [a, b])
    assert verdict["a"] == Failure(
        ("node(s) didn't satisfy existing pods anti-affinity rules",), True
    )
    assert verdict["b"] is None
    assert check(info("other", labels={"app": "cache"}), [a, b]) == {"a": None, "b": None}


def test_anti_affinity_only_counts_its_namespaces() -> None:
    a = node_info("a", info("web-1", labels={"app": "web"}, namespace="elsewhere"))
    pod = info(
        "web-2",
        labels={"app": "web"},
        affinity={
            "podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term("web")]}
        },
    )
    assert check(pod, [a]) == {"a": None}


def test_affinity_needs_a_matching_pod_in_the_domain() -> None:
    a = node_info("a", info("db-1", labels={"app": "db"}))
    b = node_info("b")
    pod = info(
        "web",
        labels={"app": "web"},
        affinity={"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term("db")]}},
    )
    verdict = check(pod, [a, b])
    assert verdict == {"a": None, "b": Failure(("node(s) didn't match pod affinity rules",), False)}


def test_affinity_first_pod_of_a_self_selecting_group_goes_anywhere() -> None:
    pod = info(
        "web",
        labels={"app": "web"},
        affinity={"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term("web")]}},
    )
    assert check(pod, [node_info("a"), node_info("b")]) == {"a": None, "b": None}
    stranger = info(
        "x",
        labels={"app": "x"},
        affinity={"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term("web")]}},
    )
    assert all(v is not None for v in check(stranger, [node_info("a")]).values())


def test_zone_topology() -> None:
    a = node_info("a", info("db-1", labels={"app": "db"}), labels={"zone": "z1"})
    b = node_info("b", labels={"zone": "z1"})
    c = node_info("c", labels={"zone": "z2"})
    pod = info(
        "web",
        affinity={
            "podAntiAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": [term("db", "zone")]
            }
        },
    )
    verdict = check(pod, [a, b, c])
    assert verdict["a"] is not None and verdict["b"] is not None and verdict["c"] is None


def weighted(app: str, weight: int) -> dict[str, Any]:
    return {"weight": weight, "podAffinityTerm": term(app)}


def test_preferred_affinity_and_anti_affinity_scores() -> None:
    a = node_info("a", info("cache-1", labels={"app": "cache"}))
    b = node_info("b", info("noisy-1", labels={"app": "noisy"}))
    c = node_info("c")
    pod = info(
        "web",
        affinity={
            "podAffinity": {
                "preferredDuringSchedulingIgnoredDuringExecution": [weighted("cache", 10)]
            },
            "podAntiAffinity": {
                "preferredDuringSchedulingIgnoredDuringExecution": [weighted("noisy", 5)]
            },
        },
    )
    assert interpodscore.normalized(pod, [a, b, c], [a, b, c]) == [100, 0, 33]


def test_existing_pods_preferences_pull_the_incoming_pod() -> None:
    friend = info(
        "friend",
        affinity={
            "podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [weighted("web", 7)]}
        },
    )
    a = node_info("a", friend)
    b = node_info("b")
    web = info("web", labels={"app": "web"})
    assert interpodscore.needed(web, 1)
    assert interpodscore.normalized(web, [a, b], [a, b]) == [100, 0]
    assert interpodscore.normalized(info("x", labels={"app": "x"}), [a, b], [a, b]) == [0, 0]
