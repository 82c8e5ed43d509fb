"""Server-side printing: golden cells per kind, human_age, includeObject, Table shape."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from apiserver import registry, tables
from apiserver.registry import ResourceInfo
from apiserver.tables import human_age

NOW = datetime(2024, 6, 1, 12, 0, 0, tzinfo=UTC)


def ago(**kw: float) -> str:
    """An RFC3339 timestamp `kw` (timedelta arguments) before NOW."""
    return (NOW - timedelta(**kw)).strftime("%Y-%m-%dT%H:%M:%SZ")


def info(resource: str, group: str = "") -> ResourceInfo:
    found = registry.lookup(group, "v1", resource)
    assert found is not None
    return found


def cells(resource: str, obj: dict[str, Any], group: str = "") -> list[Any]:
    result = tables.table(info(resource, group), [obj], resource_version="1", now=NOW)
    return list(result["rows"][0]["cells"])


def columns(resource: str, group: str = "") -> list[tuple[str, str, str, int]]:
    result = tables.table(info(resource, group), [], resource_version="1", now=NOW)
    return [(c["name"], c["type"], c["format"], c["priority"]) for c in result["columnDefinitions"]]


def meta(name: str = "x", age: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "namespace": "default",
        "creationTimestamp": age or ago(minutes=5),
        **extra,
    }


# ----------------------------------------------------------------------- human_age


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(seconds=0), "0s"),
        (timedelta(seconds=1.9), "1s"),
        (timedelta(seconds=-1.5), "0s"),  # up to 2s of clock skew counts as now
        (timedelta(seconds=-2), "<invalid>"),
        (timedelta(seconds=59), "59s"),
        (timedelta(seconds=119), "119s"),
        (timedelta(minutes=2), "2m"),
        (timedelta(minutes=2, seconds=1), "2m1s"),
        (timedelta(minutes=9, seconds=59), "9m59s"),
        (timedelta(minutes=10), "10m"),
        (timedelta(minutes=10, seconds=30), "10m"),
        (timedelta(minutes=179, seconds=59), "179m"),
        (timedelta(hours=3), "3h"),
        (timedelta(hours=3, minutes=12), "3h12m"),
        (timedelta(hours=7, minutes=59), "7h59m"),
        (timedelta(hours=8, minutes=30), "8h"),
        (timedelta(hours=47, minutes=59), "47h"),
        (timedelta(hours=48), "2d"),
        (timedelta(days=2, hours=5), "2d5h"),
        (timedelta(days=7, hours=23), "7d23h"),
        (timedelta(days=8, hours=5), "8d"),
        (timedelta(days=729), "729d"),
        (timedelta(days=730), "2y"),
        (timedelta(days=733), "2y3d"),
        (timedelta(days=2919), "7y364d"),
        (timedelta(days=2920), "8y"),
        (timedelta(days=4000), "10y"),
    ],
)
def test_human_age_boundaries(delta: timedelta, expected: str) -> None:
    assert human_age(NOW - delta, NOW) == expected


@pytest.mark.parametrize("missing", [None, "", "yesterday"])
def test_human_age_unknown(missing: str | None) -> None:
    assert human_age(missing, NOW) == "<unknown>"


def test_human_age_parses_rfc3339_forms() -> None:
    assert human_age("2024-06-01T11:55:00Z", NOW) == "5m"
    assert human_age("2024-06-01T11:55:00.123456Z", NOW) == "4m59s"
    assert human_age("2024-06-01T13:55:00+02:00", NOW) == "5m"
    assert human_age("2024-06-01T11:55:00", NOW) == "5m"  # no zone: read as UTC
    assert human_age("2024-06-01T11:55:00Z", NOW.replace(tzinfo=None)) == "5m"


# ----------------------------------------------------------------------------- pods


def pod(status: dict[str, Any], spec: dict[str, Any] | None = None, **metadata: Any) -> dict:
    return {
        "kind": "Pod",
        "apiVersion": "v1",
        "metadata": meta("nginx", **metadata),
        "spec": spec or {"containers": [{"name": "nginx", "image": "nginx"}]},
        "status": status,
    }


def running(name: str = "nginx", restarts: int = 0, ready: bool = True) -> dict[str, Any]:
    return {
        "name": name,
        "image": "nginx",
        "imageID": "",
        "ready": ready,
        "restartCount": restarts,
        "state": {"running": {"startedAt": ago(minutes=4)}},
    }


def waiting(why: str, name: str = "nginx", restarts: int = 0, **last: Any) -> dict:
    """A waiting container status; `last` is its lastState.terminated."""
    status = {
        "name": name,
        "image": "nginx",
        "imageID": "",
        "ready": False,
        "restartCount": restarts,
        "state": {"waiting": {"reason": why}},
    }
    if last:
        status["lastState"] = {"terminated": last}
    return status


def terminated(name: str = "nginx", **state: Any) -> dict[str, Any]:
    return {
        "name": name,
        "image": "nginx",
        "imageID": "",
        "ready": False,
        "restartCount": 0,
        "state": {"terminated": state},
    }


def test_pod_columns_match_upstream() -> None:
    assert columns("pods") == [
        ("Name", "string", "name", 0),
        ("Ready", "string", "", 0),
        ("Status", "string", "", 0),
        ("Restarts", "string", "", 0),
        ("Age", "string", "", 0),
        ("IP", "string", "", 1),
        ("Node", "string", "", 1),
        ("Nominated Node", "string", "", 1),
        ("Readiness Gates", "string", "", 1),
    ]


def test_running_pod() -> None:
    obj = pod(
        {
            "phase": "Running",
            "podIP": "10.244.1.5",
            "conditions": [{"type": "Ready", "status": "True"}],
            "containerStatuses": [running()],
        },
        nodeName=None,
    )
    obj["spec"]["nodeName"] = "node-1"
    assert cells("pods", obj) == [
        "nginx",
        "1/1",
        "Running",
        "0",
        "5m",
        "10.244.1.5",
        "node-1",
        "<none>",
        "<none>",
    ]


def test_crashing_pod_restarts_show_when_last_restarted() -> None:
    obj = pod(
        {
            "phase": "Running",
            "containerStatuses": [
                waiting(
                    "CrashLoopBackOff",
                    restarts=5,
                    exitCode=1,
                    reason="Error",
                    finishedAt=ago(minutes=2),
                ),
            ],
        }
    )
    assert cells("pods", obj)[1:5] == ["0/1", "CrashLoopBackOff", "5 (2m ago)", "5m"]


def test_restarts_without_a_termination_time_have_no_suffix() -> None:
    obj = pod({"phase": "Running", "containerStatuses": [running(restarts=3)]})
    assert cells("pods", obj)[3] == "3"


def test_restarts_sum_containers_and_take_the_latest_restart() -> None:
    a = running("a", restarts=1)
    a["lastState"] = {"terminated": {"finishedAt": ago(hours=1)}}
    b = running("b", restarts=2)
    b["lastState"] = {"terminated": {"finishedAt": ago(seconds=30)}}
    spec = {"containers": [{"name": "a"}, {"name": "b"}]}
    obj = pod({"phase": "Running", "containerStatuses": [a, b]}, spec)
    assert cells("pods", obj)[1:4] == ["2/2", "Running", "3 (30s ago)"]


def test_pending_pod_container_creating() -> None:
    obj = pod({"phase": "Pending", "containerStatuses": [waiting("ContainerCreating")]})
    assert cells("pods", obj) == [
        "nginx",
        "0/1",
        "ContainerCreating",
        "0",
        "5m",
        "<none>",
        "<none>",
        "<none>",
        "<none>",
    ]


def test_unscheduled_pod_is_pending() -> None:
    assert cells("pods", pod({"phase": "Pending"}))[1:3] == ["0/1", "Pending"]


def test_pod_without_status_has_empty_reason() -> None:
    obj = pod({})
    del obj["status"]
    assert cells("pods", obj)[1:4] == ["0/1", "", "0"]


@pytest.mark.parametrize(
    "reason", ["ErrImagePull", "ImagePullBackOff", "CreateContainerConfigError"]
)
def test_waiting_reasons_show_as_status(reason: str) -> None:
    obj = pod({"phase": "Pending", "containerStatuses": [waiting(reason)]})
    assert cells("pods", obj)[2] == reason


def test_terminating_pod() -> None:
    obj = pod(
        {"phase": "Running", "containerStatuses": [running()]}, deletionTimestamp=ago(seconds=10)
    )
    assert cells("pods", obj)[1:3] == ["1/1", "Terminating"]


def test_terminated_pods_do_not_show_terminating() -> None:
    obj = pod(
        {"phase": "Succeeded", "containerStatuses": [terminated(reason="Completed", exitCode=0)]},
        deletionTimestamp=ago(seconds=10),
    )
    assert cells("pods", obj)[2] == "Completed"


def test_node_lost_pod_being_deleted_is_unknown() -> None:
    obj = pod({"phase": "Running", "reason": "NodeLost"}, deletionTimestamp=ago(seconds=1))
    assert cells("pods", obj)[2] == "Unknown"


def test_completed_pod_has_row_condition() -> None:
    obj = pod(
        {"phase": "Succeeded", "containerStatuses": [terminated(reason="Completed", exitCode=0)]}
    )
    result = tables.table(info("pods"), [obj], resource_version="3", now=NOW)
    assert result["rows"][0]["cells"][1:4] == ["0/1", "Completed", "0"]
    assert result["rows"][0]["conditions"] == [
        {
            "type": "Completed",
            "status": "True",
            "reason": "Succeeded",
            "message": "The pod has completed successfully.",
        }
    ]


def test_failed_pod_condition_and_exit_code_reason() -> None:
    obj = pod({"phase": "Failed", "containerStatuses": [terminated(exitCode=137)]})
    result = tables.table(info("pods"), [obj], resource_version="3", now=NOW)
    assert result["rows"][0]["cells"][2] == "ExitCode:137"
    assert result["rows"][0]["conditions"][0]["reason"] == "Failed"
    obj["status"]["containerStatuses"] = [terminated(exitCode=0, signal=9)]
    assert cells("pods", obj)[2] == "Signal:9"


def test_running_pod_has_no_row_conditions() -> None:
    result = tables.table(info("pods"), [pod({"phase": "Running"})], resource_version="3", now=NOW)
    assert "conditions" not in result["rows"][0]


def test_completed_container_beside_running_one() -> None:
    spec = {"containers": [{"name": "a"}, {"name": "b"}]}
    statuses = [running("a"), terminated("b", reason="Completed", exitCode=0)]
    obj = pod(
        {
            "phase": "Running",
            "containerStatuses": statuses,
            "conditions": [{"type": "Ready", "status": "True"}],
        },
        spec,
    )
    assert cells("pods", obj)[1:3] == ["1/2", "Running"]
    obj["status"]["conditions"] = [{"type": "Ready", "status": "False"}]
    assert cells("pods", obj)[1:3] == ["1/2", "NotReady"]


INIT_SPEC = {"initContainers": [{"name": "init"}], "containers": [{"name": "nginx"}]}


@pytest.mark.parametrize(
    ("init_status", "expected"),
    [
        (waiting("PodInitializing", name="init"), "Init:0/1"),
        (running("init", ready=False), "Init:0/1"),
        (waiting("CrashLoopBackOff", name="init"), "Init:CrashLoopBackOff"),
        (terminated("init", reason="Error", exitCode=1), "Init:Error"),
        (terminated("init", exitCode=2), "Init:ExitCode:2"),
        (terminated("init", exitCode=143, signal=15), "Init:Signal:15"),
    ],
)
def test_init_container_states(init_status: dict[str, Any], expected: str) -> None:
    obj = pod(
        {
            "phase": "Pending",
            "initContainerStatuses": [init_status],
            "containerStatuses": [waiting("PodInitializing")],
        },
        INIT_SPEC,
    )
    assert cells("pods", obj)[1:3] == ["0/1", expected]


def test_finished_init_containers_let_main_containers_decide() -> None:
    obj = pod(
        {
            "phase": "Running",
            "initContainerStatuses": [terminated("init", reason="Completed", exitCode=0)],
            "containerStatuses": [running()],
        },
        INIT_SPEC,
    )
    assert cells("pods", obj)[1:3] == ["1/1", "Running"]


def test_sidecar_init_container_counts_as_a_container() -> None:
    spec = {
        "initContainers": [{"name": "proxy", "restartPolicy": "Always"}],
        "containers": [{"name": "nginx"}],
    }
    side = running("proxy", restarts=1)
    side["started"] = True
    side["lastState"] = {"terminated": {"finishedAt": ago(minutes=1)}}
    obj = pod(
        {
            "phase": "Running",
            "initContainerStatuses": [side],
            "containerStatuses": [running()],
            "conditions": [{"type": "Initialized", "status": "True"}],
        },
        spec,
    )
    assert cells("pods", obj)[1:4] == ["2/2", "Running", "1 (60s ago)"]


def test_scheduling_gated_pod() -> None:
    obj = pod(
        {
            "phase": "Pending",
            "conditions": [
                {"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}
            ],
        }
    )
    assert cells("pods", obj)[2] == "SchedulingGated"


def test_pod_ip_nominated_node_and_readiness_gates() -> None:
    spec = {
        "containers": [{"name": "nginx"}],
        "nodeName": "node-2",
        "readinessGates": [{"conditionType": "a/ok"}, {"conditionType": "b/ok"}],
    }
    obj = pod(
        {
            "phase": "Running",
            "podIP": "10.0.0.1",
            "podIPs": [{"ip": "10.0.0.9"}],
            "nominatedNodeName": "node-3",
            "conditions": [{"type": "a/ok", "status": "True"}, {"type": "b/ok", "status": "False"}],
        },
        spec,
    )
    assert cells("pods", obj)[5:] == ["10.0.0.9", "node-2", "node-3", "1/2"]


# ------------------------------------------------------------------------- workloads

TEMPLATE = {
    "spec": {
        "containers": [{"name": "web", "image": "nginx:1.25"}, {"name": "side", "image": "busybox"}]
    }
}


def test_deployment_counts() -> None:
    obj = {
        "metadata": meta("web", age=ago(days=2, hours=5)),
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": TEMPLATE},
        "status": {"replicas": 3, "readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2},
    }
    assert columns("deployments", "apps") == [
        ("Name", "string", "name", 0),
        ("Ready", "string", "", 0),
        ("Up-to-date", "string", "", 0),
        ("Available", "string", "", 0),
        ("Age", "string", "", 0),
        ("Containers", "string", "", 1),
        ("Images", "string", "", 1),
        ("Selector", "string", "", 1),
    ]
    assert cells("deployments", obj, "apps") == [
        "web",
        "2/3",
        3,
        2,
        "2d5h",
        "web,side",
        "nginx:1.25,busybox",
        "app=web",
    ]


def test_new_deployment_defaults_and_selector_formatting() -> None:
    obj = {
        "metadata": meta("web"),
        "spec": {
            "selector": {
                "matchLabels": {"tier": "front", "app": "web"},
                "matchExpressions": [
                    {"key": "env", "operator": "In", "values": ["prod", "dev"]},
                    {"key": "canary", "operator": "DoesNotExist"},
                    {"key": "zone", "operator": "Exists"},
                    {"key": "os", "operator": "NotIn", "values": ["windows"]},
                ],
            }
        },
    }
    assert cells("deployments", obj, "apps") == [
        "web",
        "0/1",
        0,
        0,
        "5m",
        "",
        "",
        "app=web,!canary,env in (dev,prod),os notin (windows),tier=front,zone",
    ]


def test_replicaset() -> None:
    obj = {
        "metadata": meta("web-5d4f"),
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}}, "template": TEMPLATE},
        "status": {"replicas": 2, "readyReplicas": 1},
    }
    assert cells("replicasets", obj, "apps") == [
        "web-5d4f",
        2,
        2,
        1,
        "5m",
        "web,side",
        "nginx:1.25,busybox",
        "app=web",
    ]
    assert cells("replicasets", {"metadata": meta("rs")}, "apps")[1:4] == [1, 0, 0]
    assert cells("replicasets", {"metadata": meta("rs")}, "apps")[-1] == "<none>"


def test_daemonset() -> None:
    obj = {
        "metadata": meta("agent"),
        "spec": {
            "selector": {"matchLabels": {"app": "agent"}},
            "template": {
                "spec": {
                    "nodeSelector": {"os": "linux", "arch": "amd64"},
                    "containers": [{"name": "a", "image": "agent:1"}],
                }
            },
        },
        "status": {
            "desiredNumberScheduled": 3,
            "currentNumberScheduled": 3,
            "numberReady": 2,
            "updatedNumberScheduled": 3,
            "numberAvailable": 2,
        },
    }
    assert cells("daemonsets", obj, "apps") == [
        "agent",
        3,
        3,
        2,
        3,
        2,
        "arch=amd64,os=linux",
        "5m",
        "a",
        "agent:1",
        "app=agent",
    ]
    assert cells("daemonsets", {"metadata": meta("d")}, "apps")[6] == "<none>"


def test_statefulset() -> None:
    obj = {
        "metadata": meta("db"),
        "spec": {"replicas": 3, "template": TEMPLATE},
        "status": {"readyReplicas": 1},
    }
    assert columns("statefulsets", "apps")[1:3] == [
        ("Ready", "string", "", 0),
        ("Age", "string", "", 0),
    ]
    assert cells("statefulsets", obj, "apps") == [
        "db",
        "1/3",
        "5m",
        "web,side",
        "nginx:1.25,busybox",
    ]


def test_completed_job() -> None:
    obj = {
        "metadata": meta("pi", age=ago(minutes=10)),
        "spec": {
            "completions": 1,
            "template": TEMPLATE,
            "selector": {"matchLabels": {"batch.kubernetes.io/job-name": "pi"}},
        },
        "status": {
            "succeeded": 1,
            "startTime": ago(minutes=10),
            "completionTime": ago(minutes=5),
            "conditions": [{"type": "Complete", "status": "True"}],
        },
    }
    assert [c[0] for c in columns("jobs", "batch")] == [
        "Name",
        "Status",
        "Completions",
        "Duration",
        "Age",
        "Containers",
        "Images",
        "Selector",
    ]
    assert cells("jobs", obj, "batch") == [
        "pi",
        "Complete",
        "1/1",
        "5m",
        "10m",
        "web,side",
        "nginx:1.25,busybox",
        "batch.kubernetes.io/job-name=pi",
    ]


@pytest.mark.parametrize(
    ("spec", "status", "expected"),
    [
        ({}, {}, ["Running", "0/1", ""]),
        ({"parallelism": 3}, {"startTime": ago(seconds=30)}, ["Running", "0/1 of 3", "30s"]),
        ({"parallelism": 1}, {}, ["Running", "0/1", ""]),
        (
            {"completions": 5},
            {"succeeded": 2, "conditions": [{"type": "Failed", "status": "True"}]},
            ["Failed", "2/5", ""],
        ),
        ({}, {"conditions": [{"type": "Suspended", "status": "True"}]}, ["Suspended", "0/1", ""]),
        ({}, {"conditions": [{"type": "Complete", "status": "False"}]}, ["Running", "0/1", ""]),
    ],
)
def test_job_status_and_completions(spec: dict, status: dict, expected: list[str]) -> None:
    obj = {"metadata": meta("j"), "spec": spec, "status": status}
    assert cells("jobs", obj, "batch")[1:4] == expected


def test_cronjob() -> None:
    obj = {
        "metadata": meta("backup", age=ago(hours=1)),
        "spec": {"schedule": "*/5 * * * *", "jobTemplate": {"spec": {"template": TEMPLATE}}},
        "status": {"active": [{"name": "backup-1"}], "lastScheduleTime": ago(minutes=3)},
    }
    assert columns("cronjobs", "batch")[3] == ("Suspend", "boolean", "", 0)
    assert cells("cronjobs", obj, "batch") == [
        "backup",
        "*/5 * * * *",
        "<none>",
        "False",
        1,
        "3m",
        "60m",
        "web,side",
        "nginx:1.25,busybox",
        "<none>",
    ]
    obj["spec"].update(suspend=True, timeZone="Europe/Paris")
    del obj["status"]
    assert cells("cronjobs", obj, "batch")[2:6] == ["Europe/Paris", "True", 0, "<none>"]


# -------------------------------------------------------------------------- services


def svc(spec: dict[str, Any], status: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"metadata": meta("web"), "spec": spec, "status": status or {}}


def test_cluster_ip_service() -> None:
    obj = svc(
        {
            "type": "ClusterIP",
            "clusterIP": "10.96.0.10",
            "clusterIPs": ["10.96.0.10"],
            "selector": {"app": "web"},
            "ports": [{"port": 80, "protocol": "TCP"}, {"port": 443}],
        }
    )
    assert cells("services", obj) == [
        "web",
        "ClusterIP",
        "10.96.0.10",
        "<none>",
        "80/TCP,443/TCP",
        "5m",
        "app=web",
    ]


def test_node_port_service() -> None:
    obj = svc(
        {
            "type": "NodePort",
            "clusterIP": "10.96.0.11",
            "externalIPs": ["1.2.3.4"],
            "ports": [{"port": 80, "nodePort": 30080}, {"port": 53, "protocol": "UDP"}],
        }
    )
    assert cells("services", obj)[1:5] == [
        "NodePort",
        "10.96.0.11",
        "1.2.3.4",
        "80:30080/TCP,53/UDP",
    ]


def test_load_balancer_service() -> None:
    spec = {
        "type": "LoadBalancer",
        "clusterIP": "10.96.0.12",
        "ports": [{"port": 80, "nodePort": 31000, "protocol": "TCP"}],
    }
    assert cells("services", svc(spec))[3] == "<pending>"
    ingress = {
        "loadBalancer": {
            "ingress": [{"ip": "203.0.113.9"}, {"hostname": "lb.example"}, {"ip": "203.0.113.1"}]
        }
    }
    assert cells("services", svc(spec, ingress))[3] == "203.0.113.1,203.0.113.9,lb.example"
    spec["externalIPs"] = ["198.51.100.1"]
    assert cells("services", svc(spec))[3] == "198.51.100.1"


def test_other_service_types() -> None:
    assert cells("services", svc({"type": "ExternalName", "externalName": "db.example"}))[1:5] == [
        "ExternalName",
        "<none>",
        "db.example",
        "<none>",
    ]
    headless = svc({"clusterIP": "None", "ports": [{"port": 5432}]})
    assert cells("services", headless)[1:] == [
        "ClusterIP",
        "None",
        "<none>",
        "5432/TCP",
        "5m",
        "<none>",
    ]


def test_endpoints_lists_three_then_more() -> None:
    obj = {
        "metadata": meta("web"),
        "subsets": [
            {
                "addresses": [{"ip": "10.244.1.5"}, {"ip": "10.244.2.7"}],
                "ports": [{"port": 80}, {"port": 443}],
            },
            {"addresses": [{"ip": "fd00::1"}], "ports": [{"port": 8080}]},
        ],
    }
    assert cells("endpoints", obj) == [
        "web",
        "10.244.1.5:80,10.244.2.7:80,10.244.1.5:443 + 2 more...",
        "5m",
    ]
    few = {
        "metadata": meta("db"),
        "subsets": [{"addresses": [{"ip": "fd00::1"}], "ports": [{"port": 5432}]}],
    }
    assert cells("endpoints", few)[1] == "[fd00::1]:5432"
    headless = {"metadata": meta("h"), "subsets": [{"addresses": [{"ip": "10.0.0.1"}]}]}
    assert cells("endpoints", headless)[1] == "10.0.0.1"
    assert cells("endpoints", {"metadata": meta("e")})[1] == "<none>"


def test_endpointslice() -> None:
    obj = {
        "metadata": meta("web-abc"),
        "addressType": "IPv4",
        "ports": [{"port": 80}, {"name": "metrics"}, {}],
        "endpoints": [{"addresses": [f"10.0.0.{i}"]} for i in range(1, 6)],
    }
    assert cells("endpointslices", obj, "discovery.k8s.io") == [
        "web-abc",
        "IPv4",
        "80,metrics,*",
        "10.0.0.1,10.0.0.2,10.0.0.3 + 2 more...",
        "5m",
    ]
    empty = {"metadata": meta("e"), "addressType": "IPv6"}
    assert cells("endpointslices", empty, "discovery.k8s.io")[2:4] == ["<unset>", "<unset>"]


# ----------------------------------------------------------------------------- nodes


def node(
    conditions: list[dict], unschedulable: bool = False, labels: dict[str, str] | None = None
) -> dict:
    return {
        "metadata": {"name": "node-1", "creationTimestamp": ago(days=3), "labels": labels or {}},
        "spec": {"unschedulable": unschedulable} if unschedulable else {},
        "status": {
            "conditions": conditions,
            "addresses": [
                {"type": "InternalIP", "address": "172.18.0.2"},
                {"type": "Hostname", "address": "node-1"},
            ],
            "nodeInfo": {
                "kubeletVersion": "v1.32.0",
                "osImage": "Debian 12",
                "kernelVersion": "6.1.0",
                "containerRuntimeVersion": "",
            },
        },
    }


READY = [{"type": "MemoryPressure", "status": "False"}, {"type": "Ready", "status": "True"}]


def test_ready_node() -> None:
    labels = {"node-role.kubernetes.io/control-plane": "", "kubernetes.io/role": "master"}
    assert cells("nodes", node(READY, labels=labels)) == [
        "node-1",
        "Ready",
        "control-plane,master",
        "3d",
        "v1.32.0",
        "172.18.0.2",
        "<none>",
        "Debian 12",
        "6.1.0",
        "<unknown>",
    ]


@pytest.mark.parametrize(
    ("conditions", "unschedulable", "expected"),
    [
        ([{"type": "Ready", "status": "False"}], False, "NotReady"),
        ([{"type": "Ready", "status": "Unknown"}], False, "NotReady"),
        (READY, True, "Ready,SchedulingDisabled"),
        ([], False, "Unknown"),
        ([], True, "Unknown,SchedulingDisabled"),
    ],
)
def test_node_status(conditions: list[dict], unschedulable: bool, expected: str) -> None:
    result = cells("nodes", node(conditions, unschedulable))
    assert result[1:3] == [expected, "<none>"]


# ---------------------------------------------------------------- other kinds


def test_namespace_configmap_secret_serviceaccount() -> None:
    ns = {
        "metadata": {"name": "dev", "creationTimestamp": ago(days=1)},
        "status": {"phase": "Active"},
    }
    assert cells("namespaces", ns) == ["dev", "Active", "24h"]
    assert cells("namespaces", {"metadata": {"name": "new"}})[1:] == ["Active", "<unknown>"]
    gone = {"metadata": {"name": "old", "deletionTimestamp": ago(seconds=1)}}
    assert cells("namespaces", gone)[1] == "Terminating"
    cm = {"metadata": meta("cfg"), "data": {"a": "1", "b": "2"}, "binaryData": {"c": "AA=="}}
    assert cells("configmaps", cm) == ["cfg", 3, "5m"]
    assert cells("configmaps", {"metadata": meta("empty")}) == ["empty", 0, "5m"]
    secret = {
        "metadata": meta("tls"),
        "type": "kubernetes.io/tls",
        "data": {"tls.crt": "", "tls.key": ""},
    }
    assert cells("secrets", secret) == ["tls", "kubernetes.io/tls", 2, "5m"]
    assert cells("secrets", {"metadata": meta("s"), "stringData": {"k": "v"}})[1:3] == ["Opaque", 1]
    sa = {"metadata": meta("default"), "secrets": [{"name": "token"}]}
    assert cells("serviceaccounts", sa) == ["default", 1, "5m"]


def test_lease_and_priorityclass() -> None:
    lease = {"metadata": meta("node-1"), "spec": {"holderIdentity": "node-1"}}
    assert cells("leases", lease, "coordination.k8s.io") == ["node-1", "node-1", "5m"]
    assert cells("leases", {"metadata": meta("l")}, "coordination.k8s.io")[1] == ""
    pc = {
        "metadata": {"name": "high", "creationTimestamp": ago(minutes=5)},
        "value": 1000,
        "globalDefault": True,
    }
    assert columns("priorityclasses", "scheduling.k8s.io")[1:3] == [
        ("Value", "integer", "", 0),
        ("Global-Default", "boolean", "", 0),
    ]
    assert cells("priorityclasses", pc, "scheduling.k8s.io") == [
        "high",
        1000,
        True,
        "5m",
        "PreemptLowerPriority",
    ]


def test_event() -> None:
    ev = {
        "metadata": meta("nginx.17a"),
        "type": "Normal",
        "reason": "Pulled",
        "message": "  Successfully pulled image\n",
        "count": 3,
        "firstTimestamp": ago(minutes=10),
        "lastTimestamp": ago(minutes=1),
        "involvedObject": {"kind": "Pod", "name": "nginx", "fieldPath": "spec.containers{nginx}"},
        "source": {"component": "kubelet", "host": "node-1"},
    }
    assert [c[0] for c in columns("events")] == [
        "Last Seen",
        "Type",
        "Reason",
        "Object",
        "Subobject",
        "Source",
        "Message",
        "First Seen",
        "Count",
        "Name",
    ]
    assert columns("events")[9] == ("Name", "string", "name", 1)
    assert cells("events", ev) == [
        "60s",
        "Normal",
        "Pulled",
        "pod/nginx",
        "spec.containers{nginx}",
        "kubelet, node-1",
        "Successfully pulled image",
        "10m",
        3,
        "nginx.17a",
    ]


def test_new_style_event_uses_event_time_series_and_reporting_fields() -> None:
    ev = {
        "metadata": meta("e"),
        "type": "Warning",
        "reason": "BackOff",
        "eventTime": "2024-06-01T11:58:00.000000Z",
        "reportingComponent": "kubelet",
        "involvedObject": {"kind": "Node"},
    }
    assert cells("events", ev)[:9] == [
        "2m",
        "Warning",
        "BackOff",
        "node",
        "",
        "kubelet",
        "",
        "2m",
        1,
    ]
    ev["series"] = {"count": 7, "lastObservedTime": "2024-06-01T11:59:30.000000Z"}
    assert cells("events", ev)[0] == "30s"
    assert cells("events", ev)[8] == 7


def test_kind_without_printer_gets_name_and_created_at() -> None:
    widgets = ResourceInfo(
        group="example.com",
        version="v1",
        resource="widgets",
        kind="Widget",
        namespaced=True,
        singular="widget",
    )
    obj = {"metadata": {"name": "w", "creationTimestamp": "2024-05-31T22:00:00+02:00"}}
    result = tables.table(
        widgets, [obj, {"metadata": {"name": "v"}}], resource_version="9", now=NOW
    )
    assert result["columnDefinitions"] == [
        {"name": "Name", "type": "string", "format": "name", "description": "", "priority": 0},
        {"name": "Created At", "type": "date", "format": "", "description": "", "priority": 0},
    ]
    assert [r["cells"] for r in result["rows"]] == [
        ["w", "2024-05-31T20:00:00Z"],
        ["v", "0001-01-01T00:00:00Z"],
    ]


# ----------------------------------------------------------------- table structure


@pytest.mark.parametrize("resource_info", registry.RESOURCES, ids=lambda r: r.resource)
def test_every_kind_has_one_cell_per_column(resource_info: ResourceInfo) -> None:
    for obj in ({}, {"metadata": meta("a")}, {"metadata": meta("a"), "spec": {}, "status": {}}):
        result = tables.table(resource_info, [obj], resource_version="1", now=NOW)
        assert len(result["rows"][0]["cells"]) == len(result["columnDefinitions"])
    names = [c["name"] for c in result["columnDefinitions"] if c["format"] == "name"]
    assert names == ["Name"]
    printer = tables.printer_for(resource_info.group, resource_info.kind)
    assert printer is not tables.DEFAULT_PRINTER


def test_table_envelope_and_paging_metadata() -> None:
    result = tables.table(info("configmaps"), [], resource_version="108", now=NOW)
    assert result["kind"] == "Table"
    assert result["apiVersion"] == "meta.k8s.io/v1"
    assert result["metadata"] == {"resourceVersion": "108"}
    assert result["rows"] == []
    paged = tables.table(
        info("configmaps"), [], resource_version="108", continue_token="abc", remaining=7, now=NOW
    )
    assert paged["metadata"] == {
        "resourceVersion": "108",
        "continue": "abc",
        "remainingItemCount": 7,
    }


CM = {
    "kind": "ConfigMap",
    "apiVersion": "v1",
    "metadata": {
        "name": "cfg",
        "namespace": "default",
        "uid": "u-1",
        "resourceVersion": "105",
        "creationTimestamp": "2024-06-01T11:55:00Z",
        "labels": {"app": "x"},
    },
    "data": {"k": "v"},
}


def test_include_object_metadata_is_the_default() -> None:
    for mode in ("Metadata", ""):
        result = tables.table(
            info("configmaps"), [CM], resource_version="1", include_object=mode, now=NOW
        )
        assert result["rows"][0]["object"] == {
            "kind": "PartialObjectMetadata",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": CM["metadata"],
        }
    default = tables.table(info("configmaps"), [CM], resource_version="1", now=NOW)
    assert default["rows"][0]["object"]["kind"] == "PartialObjectMetadata"


def test_include_object_object_and_none() -> None:
    full = tables.table(
        info("configmaps"), [CM], resource_version="1", include_object="Object", now=NOW
    )
    assert full["rows"][0]["object"] == CM
    bare = {k: v for k, v in CM.items() if k not in ("kind", "apiVersion")}
    filled = tables.table(
        info("configmaps"), [bare], resource_version="1", include_object="Object", now=NOW
    )
    assert filled["rows"][0]["object"] == CM
    none = tables.table(
        info("configmaps"), [CM], resource_version="1", include_object="None", now=NOW
    )
    assert none["rows"][0] == {"cells": ["cfg", 1, "5m"]}


def test_unknown_include_object_is_rejected() -> None:
    with pytest.raises(ValueError, match='unrecognized includeObject value: "Everything"'):
        tables.table(info("configmaps"), [CM], resource_version="1", include_object="Everything")


def test_table_for_watch() -> None:
    result = tables.table_for_watch(info("configmaps"), CM, now=NOW)
    assert result["kind"] == "Table"
    assert result["metadata"] == {"resourceVersion": "105"}
    assert [c["name"] for c in result["columnDefinitions"]] == ["Name", "Data", "Age"]
    assert len(result["rows"]) == 1
    assert result["rows"][0]["cells"] == ["cfg", 1, "5m"]
    assert result["rows"][0]["object"]["metadata"]["uid"] == "u-1"
    later = tables.table_for_watch(
        info("configmaps"), CM, include_object="Object", include_columns=False, now=NOW
    )
    assert later["columnDefinitions"] is None
    assert later["rows"][0]["object"] == CM


def test_now_defaults_to_the_current_time() -> None:
    obj = {
        "metadata": {
            "name": "fresh",
            "creationTimestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
    }
    age = tables.table(info("configmaps"), [obj], resource_version="1")["rows"][0]["cells"][2]
    assert age in ("0s", "1s", "2s")
