"""Defaulting fills what Kubernetes fills, leaves explicit values alone, and is idempotent."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from apiserver.defaults import apply_defaults


def pod(**spec: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"containers": [{"name": "app", "image": "nginx:1.25"}]}
    base.update(spec)
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p", "namespace": "default"},
        "spec": base,
    }


def template(**spec: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"containers": [{"name": "app", "image": "nginx"}]}
    base.update(spec)
    return {"metadata": {"labels": {"app": "web"}}, "spec": base}


def defaulted(kind: str, obj: dict[str, Any]) -> dict[str, Any]:
    apply_defaults(kind, obj)
    return obj


def test_pod_spec_defaults_match_kubernetes() -> None:
    spec = defaulted("Pod", pod())["spec"]
    assert spec["restartPolicy"] == "Always"
    assert spec["dnsPolicy"] == "ClusterFirst"
    assert spec["terminationGracePeriodSeconds"] == 30
    assert spec["schedulerName"] == "default-scheduler"
    assert spec["securityContext"] == {}
    assert spec["serviceAccountName"] == "default"
    assert spec["serviceAccount"] == "default"
    assert spec["enableServiceLinks"] is True
    assert spec["priority"] == 0
    assert spec["preemptionPolicy"] == "PreemptLowerPriority"
    c = spec["containers"][0]
    assert c["imagePullPolicy"] == "IfNotPresent"
    assert c["terminationMessagePath"] == "/dev/termination-log"
    assert c["terminationMessagePolicy"] == "File"
    assert c["resources"] == {}


def test_pod_default_toleration_seconds() -> None:
    spec = defaulted("Pod", pod())["spec"]
    assert spec["tolerations"] == [
        {
            "key": "node.kubernetes.io/not-ready",
            "operator": "Exists",
            "effect": "NoExecute",
            "tolerationSeconds": 300,
        },
        {
            "key": "node.kubernetes.io/unreachable",
            "operator": "Exists",
            "effect": "NoExecute",
            "tolerationSeconds": 300,
        },
    ]


def test_existing_tolerations_are_respected() -> None:
    mine = {
        "key": "node.kubernetes.io/not-ready",
        "operator": "Exists",
        "effect": "NoExecute",
        "tolerationSeconds": 5,
    }
    spec = defaulted("Pod", pod(tolerations=[mine]))["spec"]
    assert spec["tolerations"][0] == mine
    assert [t["key"] for t in spec["tolerations"]] == [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ]
    everything = {"operator": "Exists"}
    spec = defaulted("Pod", pod(tolerations=[everything]))["spec"]
    assert spec["tolerations"] == [everything]


@pytest.mark.parametrize(
    ("image", "policy"),
    [
        ("nginx", "Always"),
        ("nginx:latest", "Always"),
        ("nginx:1.25", "IfNotPresent"),
        ("localhost:5000/nginx", "Always"),
        ("localhost:5000/nginx:v1", "IfNotPresent"),
        ("nginx@sha256:" + "a" * 64, "IfNotPresent"),
        ("nginx:latest@sha256:" + "a" * 64, "Always"),
        ("registry.example.com/team/app:2", "IfNotPresent"),
    ],
)
def test_image_pull_policy(image: str, policy: str) -> None:
    p = pod()
    p["spec"]["containers"][0]["image"] = image
    assert defaulted("Pod", p)["spec"]["containers"][0]["imagePullPolicy"] == policy


def test_explicit_values_are_kept() -> None:
    p = pod(
        restartPolicy="Never",
        dnsPolicy="Default",
        terminationGracePeriodSeconds=0,
        serviceAccountName="robot",
        enableServiceLinks=False,
    )
    p["spec"]["containers"][0]["imagePullPolicy"] = "Never"
    spec = defaulted("Pod", p)["spec"]
    assert spec["restartPolicy"] == "Never"
    assert spec["dnsPolicy"] == "Default"
    assert spec["terminationGracePeriodSeconds"] == 0
    assert spec["serviceAccountName"] == spec["serviceAccount"] == "robot"
    assert spec["enableServiceLinks"] is False
    assert spec["containers"][0]["imagePullPolicy"] == "Never"


def test_priority_class_leaves_priority_to_admission() -> None:
    spec = defaulted("Pod", pod(priorityClassName="high"))["spec"]
    assert "priority" not in spec


def test_container_ports_probes_env() -> None:
    c = {
        "name": "app",
        "image": "app:1",
        "ports": [{"containerPort": 80}, {"containerPort": 53, "protocol": "UDP"}],
        "livenessProbe": {"httpGet": {"port": 80}, "timeoutSeconds": 0, "periodSeconds": 5},
        "readinessProbe": {"tcpSocket": {"port": 80}},
        "lifecycle": {"preStop": {"httpGet": {"port": 80, "path": "/quit"}}},
        "env": [
            {"name": "N", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
            {"name": "C", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu"}}},
        ],
    }
    spec = defaulted("Pod", pod(containers=[c]))["spec"]
    c = spec["containers"][0]
    assert [p["protocol"] for p in c["ports"]] == ["TCP", "UDP"]
    live = c["livenessProbe"]
    assert (
        live["timeoutSeconds"],
        live["periodSeconds"],
        live["successThreshold"],
        live["failureThreshold"],
    ) == (1, 5, 1, 3)
    assert live["httpGet"] == {"port": 80, "path": "/", "scheme": "HTTP"}
    assert c["readinessProbe"]["periodSeconds"] == 10
    assert c["lifecycle"]["preStop"]["httpGet"] == {"port": 80, "path": "/quit", "scheme": "HTTP"}
    assert c["env"][0]["valueFrom"]["fieldRef"]["apiVersion"] == "v1"
    assert c["env"][1]["valueFrom"]["resourceFieldRef"]["divisor"] == "0"


def test_pod_requests_default_to_limits() -> None:
    c = {
        "name": "app",
        "image": "x",
        "resources": {"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "500m"}},
    }
    res = defaulted("Pod", pod(containers=[c]))["spec"]["containers"][0]["resources"]
    assert res["requests"] == {"cpu": "500m", "memory": "1Gi"}
    # templates are not pods: no request defaulting there
    d: dict[str, Any] = {
        "metadata": {"name": "d"},
        "spec": {
            "template": template(
                containers=[{"name": "a", "image": "x", "resources": {"limits": {"cpu": "1"}}}]
            )
        },
    }
    apply_defaults("Deployment", d)
    assert "requests" not in d["spec"]["template"]["spec"]["containers"][0]["resources"]


def test_host_network_ports() -> None:
    c = {"name": "app", "image": "x", "ports": [{"containerPort": 8080}]}
    spec = defaulted("Pod", pod(containers=[c], hostNetwork=True))["spec"]
    assert spec["containers"][0]["ports"][0]["hostPort"] == 8080


def test_volume_defaults() -> None:
    vols = [
        {"name": "scratch"},
        {"name": "cm", "configMap": {"name": "c"}},
        {"name": "sec", "secret": {"secretName": "s", "defaultMode": 256}},
        {"name": "host", "hostPath": {"path": "/data"}},
        {
            "name": "dapi",
            "downwardAPI": {"items": [{"path": "n", "fieldRef": {"fieldPath": "metadata.name"}}]},
        },
        {"name": "proj", "projected": {"sources": [{"serviceAccountToken": {"path": "t"}}]}},
        {"name": "nfs", "nfs": {"server": "x", "path": "/"}},
    ]
    v = defaulted("Pod", pod(volumes=vols))["spec"]["volumes"]
    assert v[0] == {"name": "scratch", "emptyDir": {}}
    assert v[1]["configMap"]["defaultMode"] == 420
    assert v[2]["secret"]["defaultMode"] == 256
    assert v[3]["hostPath"]["type"] == ""
    assert v[4]["downwardAPI"]["defaultMode"] == 420
    assert v[4]["downwardAPI"]["items"][0]["fieldRef"]["apiVersion"] == "v1"
    assert v[5]["projected"]["defaultMode"] == 420
    assert v[5]["projected"]["sources"][0]["serviceAccountToken"]["expirationSeconds"] == 3600
    assert "emptyDir" not in v[6]


def test_deployment_defaults() -> None:
    d = defaulted("Deployment", {"metadata": {"name": "d"}, "spec": {"template": template()}})
    spec = d["spec"]
    assert spec["replicas"] == 1
    assert spec["strategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"},
    }
    assert spec["revisionHistoryLimit"] == 10
    assert spec["progressDeadlineSeconds"] == 600
    assert "minReadySeconds" not in spec
    tspec = spec["template"]["spec"]
    assert tspec["restartPolicy"] == "Always"
    assert tspec["containers"][0]["imagePullPolicy"] == "Always"
    # pod-only defaults stay out of templates, as in Kubernetes
    for key in ("serviceAccountName", "priority", "tolerations", "enableServiceLinks"):
        assert key not in tspec


def test_deployment_recreate_gets_no_rolling_update() -> None:
    d = defaulted("Deployment", {"spec": {"strategy": {"type": "Recreate"}, "replicas": 0}})
    assert d["spec"]["strategy"] == {"type": "Recreate"}
    assert d["spec"]["replicas"] == 0


def test_replicaset_daemonset_statefulset_defaults() -> None:
    rs = defaulted("ReplicaSet", {"spec": {"template": template()}})
    assert rs["spec"]["replicas"] == 1
    ds = defaulted("DaemonSet", {"spec": {"template": template()}})
    assert ds["spec"]["updateStrategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0},
    }
    assert ds["spec"]["revisionHistoryLimit"] == 10
    sts = defaulted("StatefulSet", {"spec": {"template": template(), "serviceName": "db"}})
    s = sts["spec"]
    assert s["replicas"] == 1
    assert s["podManagementPolicy"] == "OrderedReady"
    assert s["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}
    assert s["revisionHistoryLimit"] == 10
    assert s["persistentVolumeClaimRetentionPolicy"] == {
        "whenDeleted": "Retain",
        "whenScaled": "Retain",
    }
    ondelete = defaulted("StatefulSet", {"spec": {"updateStrategy": {"type": "OnDelete"}}})
    assert ondelete["spec"]["updateStrategy"] == {"type": "OnDelete"}


def test_job_defaults() -> None:
    job = defaulted(
        "Job", {"metadata": {"name": "pi"}, "spec": {"template": template(restartPolicy="Never")}}
    )
    s = job["spec"]
    assert (s["parallelism"], s["completions"], s["backoffLimit"]) == (1, 1, 6)
    assert s["completionMode"] == "NonIndexed"
    assert s["suspend"] is False
    assert s["podReplacementPolicy"] == "TerminatingOrFailed"
    assert s["template"]["spec"]["restartPolicy"] == "Never"
    assert job["metadata"]["labels"] == {"app": "web"}
    # only one of completions/parallelism given: the other is not invented
    job = defaulted("Job", {"spec": {"parallelism": 3, "template": template()}})
    assert "completions" not in job["spec"]
    assert "restartPolicy" not in job["spec"]["template"]["spec"]


def test_job_selector_generated_from_uid() -> None:
    job = defaulted(
        "Job",
        {
            "metadata": {"name": "pi", "uid": "u-1"},
            "spec": {"template": {"spec": {"containers": []}}},
        },
    )
    assert job["spec"]["selector"] == {"matchLabels": {"batch.kubernetes.io/controller-uid": "u-1"}}
    labels = job["spec"]["template"]["metadata"]["labels"]
    assert labels["batch.kubernetes.io/job-name"] == "pi"
    assert labels["controller-uid"] == "u-1"
    assert job["metadata"]["labels"] == labels
    manual = defaulted(
        "Job",
        {
            "metadata": {"name": "m", "uid": "u"},
            "spec": {"manualSelector": True, "template": template()},
        },
    )
    assert "selector" not in manual["spec"]


def test_cronjob_defaults() -> None:
    cj = defaulted(
        "CronJob",
        {
            "spec": {
                "schedule": "* * * * *",
                "jobTemplate": {"spec": {"template": template(restartPolicy="OnFailure")}},
            }
        },
    )
    s = cj["spec"]
    assert (
        s["concurrencyPolicy"],
        s["suspend"],
        s["successfulJobsHistoryLimit"],
        s["failedJobsHistoryLimit"],
    ) == ("Allow", False, 3, 1)
    tspec = s["jobTemplate"]["spec"]["template"]["spec"]
    assert tspec["dnsPolicy"] == "ClusterFirst"
    assert tspec["restartPolicy"] == "OnFailure"
    assert "backoffLimit" not in s["jobTemplate"]["spec"]


def test_service_defaults() -> None:
    svc = defaulted(
        "Service",
        {"spec": {"ports": [{"port": 80}, {"port": 53, "protocol": "UDP", "targetPort": "dns"}]}},
    )
    s = svc["spec"]
    assert s["type"] == "ClusterIP"
    assert s["sessionAffinity"] == "None"
    assert s["ports"][0] == {"port": 80, "protocol": "TCP", "targetPort": 80}
    assert s["ports"][1]["targetPort"] == "dns"
    assert s["internalTrafficPolicy"] == "Cluster"
    assert "externalTrafficPolicy" not in s
    assert s["ipFamilies"] == ["IPv4"]
    assert s["ipFamilyPolicy"] == "SingleStack"
    assert "clusterIP" not in s


def test_service_external_types() -> None:
    np_ = defaulted("Service", {"spec": {"type": "NodePort", "ports": [{"port": 80}]}})
    assert np_["spec"]["externalTrafficPolicy"] == "Cluster"
    lb = defaulted("Service", {"spec": {"type": "LoadBalancer", "ports": [{"port": 80}]}})
    assert lb["spec"]["allocateLoadBalancerNodePorts"] is True
    ext = defaulted("Service", {"spec": {"type": "ExternalName", "externalName": "x.io"}})
    for key in ("ipFamilies", "ipFamilyPolicy", "internalTrafficPolicy"):
        assert key not in ext["spec"]
    sticky = defaulted("Service", {"spec": {"sessionAffinity": "ClientIP", "ports": []}})
    assert sticky["spec"]["sessionAffinityConfig"] == {"clientIP": {"timeoutSeconds": 10800}}


def test_namespace_secret_node_and_friends() -> None:
    ns = defaulted("Namespace", {"metadata": {"name": "team"}})
    assert ns["spec"] == {"finalizers": ["kubernetes"]}
    assert ns["status"] == {"phase": "Active"}
    assert ns["metadata"]["labels"] == {"kubernetes.io/metadata.name": "team"}
    sec = defaulted("Secret", {"stringData": {"pw": "hunter2"}, "data": {"a": "Yg=="}})
    assert sec["type"] == "Opaque"
    assert sec["data"] == {"a": "Yg==", "pw": "aHVudGVyMg=="}
    assert "stringData" not in sec
    node = defaulted("Node", {"status": {"capacity": {"cpu": "4", "pods": "110"}}})
    assert node["status"]["allocatable"] == {"cpu": "4", "pods": "110"}
    eps = defaulted("Endpoints", {"subsets": [{"ports": [{"port": 80}]}]})
    assert eps["subsets"][0]["ports"][0]["protocol"] == "TCP"
    slc = defaulted("EndpointSlice", {"ports": [{"port": 80}]})
    assert slc["ports"][0] == {"port": 80, "protocol": "TCP", "name": ""}
    pc = defaulted("PriorityClass", {"value": 10})
    assert pc["preemptionPolicy"] == "PreemptLowerPriority"


@pytest.mark.parametrize(
    ("kind", "obj"),
    [
        ("Pod", pod(volumes=[{"name": "v"}], tolerations=[{"key": "a", "operator": "Exists"}])),
        ("Deployment", {"metadata": {"name": "d"}, "spec": {"template": template()}}),
        ("StatefulSet", {"spec": {"template": template()}}),
        ("DaemonSet", {"spec": {"template": template()}}),
        ("Job", {"metadata": {"name": "j", "uid": "u"}, "spec": {"template": template()}}),
        ("CronJob", {"spec": {"jobTemplate": {"spec": {"template": template()}}}}),
        ("Service", {"spec": {"type": "NodePort", "ports": [{"port": 1}]}}),
        ("Namespace", {"metadata": {"name": "n"}}),
        ("Secret", {"stringData": {"k": "v"}}),
        ("Node", {"status": {"capacity": {"cpu": "1"}}}),
    ],
)
def test_defaults_are_idempotent(kind: str, obj: dict[str, Any]) -> None:
    apply_defaults(kind, obj)
    once = copy.deepcopy(obj)
    apply_defaults(kind, obj)
    assert obj == once


@pytest.mark.parametrize(
    "obj",
    [
        {"spec": "nope"},
        {"spec": {"containers": "x", "volumes": 3, "tolerations": {"a": 1}}},
        {"spec": {"containers": [1, None, {"ports": "x", "livenessProbe": [1], "env": 5}]}},
        {"metadata": [], "spec": {"template": 7, "strategy": "fast", "selector": 1}},
        {"spec": {"ports": [{"port": "eighty"}], "type": 5}},
        [],
        "pod",
    ],
)
def test_garbage_never_raises(obj: Any) -> None:
    for kind in (
        "Pod",
        "Deployment",
        "DaemonSet",
        "StatefulSet",
        "Job",
        "CronJob",
        "Service",
        "Namespace",
        "Secret",
        "Node",
        "Endpoints",
        "EndpointSlice",
        "PriorityClass",
    ):
        apply_defaults(kind, copy.deepcopy(obj))


def test_unknown_kind_untouched() -> None:
    obj: dict[str, Any] = {"spec": {}}
    apply_defaults("Widget", obj)
    assert obj == {"spec": {}}
