"""Each filter plugin on fixtures: the verdict and Kubernetes' reason wording."""

from __future__ import annotations

from scheduler import filters as f
from scheduler.filters import CycleState, Failure
from scheduler.podinfo import pod_requests
from tests.unit.scheduler.fixtures import info, make_pod, node_info

S = CycleState()


def test_unschedulable_node_rejects_unless_tolerated() -> None:
    cordoned = node_info("n", unschedulable=True)
    assert f.node_unschedulable(info(), cordoned, S) == Failure(
        ("node(s) were unschedulable",), False
    )
    tolerant = info(
        tolerations=[
            {
                "key": "node.kubernetes.io/unschedulable",
                "operator": "Exists",
                "effect": "NoSchedule",
            }
        ]
    )
    assert f.node_unschedulable(tolerant, cordoned, S) is None
    assert f.node_unschedulable(info(), node_info("m"), S) is None


def test_node_name() -> None:
    pod = info(node_name="other")
    assert f.node_name(pod, node_info("n"), S) == Failure(
        ("node(s) didn't match the requested node name",), False
    )
    assert f.node_name(info(node_name="n"), node_info("n"), S) is None


def test_taints_no_schedule_and_no_execute_need_tolerations() -> None:
    taint = {"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}
    tainted = node_info("n", taints=[taint])
    failure = f.taint_toleration(info(), tainted, S)
    assert failure == Failure(("node(s) had untolerated taint {dedicated: gpu}",), False)
    equal = info(tolerations=[{"key": "dedicated", "operator": "Equal", "value": "gpu"}])
    assert f.taint_toleration(equal, tainted, S) is None
    wrong_value = info(tolerations=[{"key": "dedicated", "value": "cpu"}])
    assert f.taint_toleration(wrong_value, tainted, S) is not None
    exists_all = info(tolerations=[{"operator": "Exists"}])
    assert f.taint_toleration(exists_all, tainted, S) is None
    no_exec = node_info("n", taints=[{"key": "k", "effect": "NoExecute"}])
    wrong_effect = info(tolerations=[{"key": "k", "operator": "Exists", "effect": "NoSchedule"}])
    assert f.taint_toleration(wrong_effect, no_exec, S) == Failure(
        ("node(s) had untolerated taint {k: }",), False
    )
    soft = node_info("n", taints=[{"key": "k", "effect": "PreferNoSchedule"}])
    assert f.taint_toleration(info(), soft, S) is None


def test_not_ready_node_carries_the_not_ready_taint() -> None:
    not_ready = node_info("n", ready="False")
    failure = f.taint_toleration(info(), not_ready, S)
    assert failure == Failure(
        ("node(s) had untolerated taint {node.kubernetes.io/not-ready: }",), False
    )
    # the default NoExecute toleration (300 s) does not tolerate the NoSchedule taint
    default_tol = info(
        tolerations=[
            {
                "key": "node.kubernetes.io/not-ready",
                "operator": "Exists",
                "effect": "NoExecute",
                "tolerationSeconds": 300,
            }
        ]
    )
    assert f.taint_toleration(default_tol, not_ready, S) is not None
    unknown = node_info("n", ready="Unknown")
    assert f.taint_toleration(info(), unknown, S) == Failure(
        ("node(s) had untolerated taint {node.kubernetes.io/unreachable: }",), False
    )


def test_node_selector_and_required_affinity() -> None:
    ssd = node_info("n", labels={"disk": "ssd", "gen": "5"})
    hdd = node_info("m", labels={"disk": "hdd"})
    by_selector = info(nodeSelector={"disk": "ssd"})
    assert f.node_affinity(by_selector, ssd, S) is None
    assert f.node_affinity(by_selector, hdd, S) == Failure(
        ("node(s) didn't match Pod's node affinity/selector",), False
    )

    def req(*exprs: dict[str, object]) -> dict[str, object]:
        return {
            "nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {
                    "nodeSelectorTerms": [{"matchExpressions": list(exprs)}]
                }
            }
        }

    in_op = info(affinity=req({"key": "disk", "operator": "In", "values": ["ssd", "nvme"]}))
    assert f.node_affinity(in_op, ssd, S) is None and f.node_affinity(in_op, hdd, S) is not None
    not_in = info(affinity=req({"key": "disk", "operator": "NotIn", "values": ["ssd"]}))
    assert f.node_affinity(not_in, hdd, S) is None and f.node_affinity(not_in, ssd, S) is not None
    gt = info(affinity=req({"key": "gen", "operator": "Gt", "values": ["4"]}))
    assert f.node_affinity(gt, ssd, S) is None and f.node_affinity(gt, hdd, S) is not None
    absent = info(affinity=req({"key": "gen", "operator": "DoesNotExist"}))
    assert f.node_affinity(absent, hdd, S) is None and f.node_affinity(absent, ssd, S) is not None
    by_name = info(
        affinity={
            "nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {
                    "nodeSelectorTerms": [
                        {
                            "matchFields": [
                                {"key": "metadata.name", "operator": "In", "values": ["m"]}
                            ]
                        }
                    ]
                }
            }
        }
    )
    assert f.node_affinity(by_name, hdd, S) is None and f.node_affinity(by_name, ssd, S) is not None
    no_terms = info(
        affinity={
            "nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": []}
            }
        }
    )
    assert f.node_affinity(no_terms, ssd, S) is not None


def test_host_ports() -> None:
    node = node_info("n", info("a", host_port=8080))
    clash = f.node_ports(info("b", host_port=8080), node, S)
    assert clash == Failure(("node(s) didn't have free ports for the requested pod ports",), True)
    assert f.node_ports(info("c", host_port=8081), node, S) is None
    node.remove_pod("default/a")
    assert f.node_ports(info("b", host_port=8080), node, S) is None


def test_resources_fit_counts_cpu_memory_and_pods() -> None:
    node = node_info("n", info("a", cpu="3", memory="6Gi"), cpu="4", memory="8Gi", pods=2)
    assert f.resources_fit(info("b", cpu="1", memory="2Gi"), node, S) is None
    both = f.resources_fit(info("b", cpu="1500m", memory="3Gi"), node, S)
    assert both == Failure(("Insufficient cpu", "Insufficient memory"), True)
    node.add_pod(info("c"))
    assert f.resources_fit(info("d"), node, S) == Failure(("Too many pods",), True)
    assert f.resources_fit(info("e", cpu="0"), node_info("m", cpu="0"), S) is None


def test_nominated_pods_reserve_room_against_lower_priority() -> None:
    node = node_info("n", cpu="4")
    big = info("big", cpu="3", priority=100)
    state = CycleState(nominated={"n": {big.key: big}})
    assert f.resources_fit(info("low", cpu="2", priority=1), node, state) is not None
    assert f.resources_fit(info("high", cpu="2", priority=1000), node, state) is None
    assert f.resources_fit(big, node, state) is None  # its own reservation is not in its way


def test_requests_sum_containers_and_take_init_containers_at_their_max() -> None:
    pod = make_pod(
        "p",
        containers=[
            {
                "name": "a",
                "image": "x",
                "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}},
            },
            {"name": "b", "image": "x", "resources": {"requests": {"cpu": "200m"}}},
        ],
        initContainers=[
            {"name": "i1", "image": "x", "resources": {"requests": {"cpu": "1", "memory": "32Mi"}}},
            {"name": "i2", "image": "x", "resources": {"requests": {"cpu": "500m"}}},
        ],
    )
    cpu, mem, nz_cpu, nz_mem = pod_requests(pod)
    assert (cpu, mem) == (1000, 64 * 2**20)
    # scoring counts a container without requests as 100m / 200Mi
    assert nz_cpu == 1000 and nz_mem == 64 * 2**20 + 200 * 2**20


def test_sidecars_add_to_what_starts_after_them() -> None:
    pod = make_pod(
        "p",
        containers=[{"name": "a", "image": "x", "resources": {"requests": {"cpu": "1"}}}],
        initContainers=[
            {
                "name": "side",
                "image": "x",
                "restartPolicy": "Always",
                "resources": {"requests": {"cpu": "500m"}},
            },
            {"name": "init", "image": "x", "resources": {"requests": {"cpu": "2"}}},
        ],
    )
    assert pod_requests(pod)[0] == 2500


def test_run_filters_reports_the_first_failing_plugin_only() -> None:
    node = node_info("n", cpu="1", ready="False")
    failure = f.run_filters(info(cpu="2"), node, S)
    assert failure is not None
    assert failure.reasons == ("node(s) had untolerated taint {node.kubernetes.io/not-ready: }",)


def test_the_filter_plan_skips_only_filters_that_cannot_fail() -> None:
    plain = f.filters_for(info(), S)
    assert f.node_name not in plain and f.node_ports not in plain
    assert f.resources_fit in plain and f.taint_toleration in plain
    full = f.filters_for(info(node_name="n", host_port=80, nodeSelector={"a": "b"}), S)
    assert f.node_name in full and f.node_ports in full and f.node_affinity in full
