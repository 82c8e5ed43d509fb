"""Pod validation: spec rules (shared with templates), update immutability, status writes."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from apiserver.defaults import apply_defaults
from apiserver.validation import validate_status_update
from tests.unit.test_validation import check, check_update, fields, find, valid

C0 = "spec.containers[0]"


def pod_with(**container: Any) -> dict[str, Any]:
    p = valid("Pod")
    p["spec"]["containers"][0].update(container)
    return p


def pod_spec(**spec: Any) -> dict[str, Any]:
    p = valid("Pod")
    p["spec"].update(spec)
    return p


# --- containers ----------------------------------------------------------------------------


def test_containers_required() -> None:
    find(check("Pod", pod_spec(containers=[])), "spec.containers", "FieldValueRequired")
    p = valid("Pod")
    del p["spec"]
    find(check("Pod", p), "spec.containers", "FieldValueRequired")


def test_container_name_rules() -> None:
    find(check("Pod", pod_with(name="")), f"{C0}.name", "FieldValueRequired")
    c = find(check("Pod", pod_with(name="App_1")), f"{C0}.name", "FieldValueInvalid")
    assert "RFC 1123 label" in c.message
    p = pod_spec(initContainers=[{"name": "app", "image": "busybox"}])
    c = find(check("Pod", p), "spec.initContainers[0].name", "FieldValueDuplicate")
    assert c.message == 'Duplicate value: "app"'


def test_image_rules() -> None:
    p = valid("Pod")
    del p["spec"]["containers"][0]["image"]
    c = find(check("Pod", p), f"{C0}.image", "FieldValueRequired")
    assert c.message == "Required value"
    find(check("Pod", pod_with(image=" nginx")), f"{C0}.image", "FieldValueInvalid")
    find(
        check("Pod", pod_with(imagePullPolicy="Sometimes")),
        f"{C0}.imagePullPolicy",
        "FieldValueNotSupported",
    )


@pytest.mark.parametrize(
    ("port", "field", "reason", "message"),
    [
        ({"containerPort": 0}, "containerPort", "FieldValueRequired", "Required value"),
        (
            {"containerPort": 70000},
            "containerPort",
            "FieldValueInvalid",
            "Invalid value: 70000: must be between 1 and 65535, inclusive",
        ),
        ({"containerPort": 80, "hostPort": -1}, "hostPort", "FieldValueInvalid", None),
        (
            {"containerPort": 80, "protocol": "HTTP"},
            "protocol",
            "FieldValueNotSupported",
            'Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
        ),
        (
            {"containerPort": 80, "name": "a-very-long-port-name"},
            "name",
            "FieldValueInvalid",
            'Invalid value: "a-very-long-port-name": must be no more than 15 characters',
        ),
        (
            {"containerPort": 80, "name": "8080"},
            "name",
            "FieldValueInvalid",
            'Invalid value: "8080": must contain at least one letter (a-z)',
        ),
        (
            {"containerPort": 80, "name": "web--x"},
            "name",
            "FieldValueInvalid",
            'Invalid value: "web--x": must not contain consecutive hyphens',
        ),
        ({"containerPort": 80, "hostIP": "1.2.3"}, "hostIP", "FieldValueInvalid", None),
    ],
)
def test_port_rules(port: dict[str, Any], field: str, reason: str, message: str | None) -> None:
    c = find(check("Pod", pod_with(ports=[port])), f"{C0}.ports[0].{field}", reason)
    if message:
        assert c.message == message


def test_port_names_unique_and_host_ports_unique() -> None:
    p = pod_with(ports=[{"containerPort": 80, "name": "web"}, {"containerPort": 81, "name": "web"}])
    find(check("Pod", p), f"{C0}.ports[1].name", "FieldValueDuplicate")
    p = pod_spec(
        containers=[
            {"name": "a", "image": "x", "ports": [{"containerPort": 80, "hostPort": 8080}]},
            {"name": "b", "image": "x", "ports": [{"containerPort": 81, "hostPort": 8080}]},
        ]
    )
    find(check("Pod", p), "spec.containers[1].ports[0].hostPort", "FieldValueDuplicate")


def test_host_network_host_port_must_match() -> None:
    p = pod_spec(hostNetwork=True)
    p["spec"]["containers"][0]["ports"] = [{"containerPort": 80, "hostPort": 81}]
    find(check("Pod", p), f"{C0}.ports[0].hostPort", "FieldValueInvalid")


def test_resources_requests_not_above_limits() -> None:
    p = pod_with(resources={"requests": {"cpu": "600m"}, "limits": {"cpu": "500m"}})
    c = find(check("Pod", p), f"{C0}.resources.requests", "FieldValueInvalid")
    assert c.message == 'Invalid value: "600m": must be less than or equal to cpu limit of 500m'
    p = pod_with(resources={"requests": {"memory": "1Gi"}, "limits": {"memory": "1024Mi"}})
    assert check("Pod", p) == []


@pytest.mark.parametrize(
    ("resources", "field", "snippet"),
    [
        ({"limits": {"cpu": "lots"}}, "limits[cpu]", "quantities must match the regular"),
        ({"requests": {"memory": "-1Gi"}}, "requests[memory]", "must be greater than or equal"),
        ({"requests": {"gpu": "1"}}, "requests[gpu]", "must be a standard resource for"),
        ({"limits": {"cpu": [1]}}, "limits[cpu]", "must be a quantity"),
        (
            {"requests": {"example.com/gpu": "1"}},
            "limits[example.com/gpu]",
            "Limit must be set for non overcommitable resources",
        ),
        (
            {"requests": {"example.com/gpu": "1"}, "limits": {"example.com/gpu": "2"}},
            "requests",
            "must be equal to example.com/gpu limit",
        ),
    ],
)
def test_resource_rules(resources: dict[str, Any], field: str, snippet: str) -> None:
    causes = check("Pod", pod_with(resources=resources))
    assert snippet in find(causes, f"{C0}.resources.{field}").message


def test_numeric_quantities_are_fine() -> None:
    assert check("Pod", pod_with(resources={"limits": {"cpu": 1, "memory": 1e9}})) == []


def test_restart_and_dns_policy() -> None:
    c = find(
        check("Pod", pod_spec(restartPolicy="Sometimes")),
        "spec.restartPolicy",
        "FieldValueNotSupported",
    )
    assert c.message == (
        'Unsupported value: "Sometimes": supported values: "Always", "Never", "OnFailure"'
    )
    find(check("Pod", pod_spec(dnsPolicy="Google")), "spec.dnsPolicy", "FieldValueNotSupported")
    find(check("Pod", pod_spec(dnsPolicy="None")), "spec.dnsConfig", "FieldValueRequired")


def test_volume_rules() -> None:
    p = pod_spec(
        volumes=[
            {"name": "a", "emptyDir": {}},
            {"name": "a", "emptyDir": {}},
            {"name": "Bad", "emptyDir": {}},
            {"name": "two", "emptyDir": {}, "hostPath": {"path": "/x"}},
            {"name": "nfs", "nfs": {"server": "s", "path": "/"}},
            {"name": "cm", "configMap": {"items": [{"key": "k", "path": "../x"}]}},
            {"name": "hp", "hostPath": {"path": "/x", "type": "Dir"}},
            {"name": "mode", "secret": {"secretName": "s", "defaultMode": 1000}},
            {"name": "pvc", "persistentVolumeClaim": {}},
        ]
    )
    causes = check("Pod", p)
    find(causes, "spec.volumes[1].name", "FieldValueDuplicate")
    find(causes, "spec.volumes[2].name", "FieldValueInvalid")
    c = find(causes, "spec.volumes[3].hostPath", "FieldValueForbidden")
    assert c.message == "Forbidden: may not specify more than 1 volume type"
    find(causes, "spec.volumes[4].nfs", "FieldValueForbidden")
    find(causes, "spec.volumes[5].configMap.name", "FieldValueRequired")
    find(causes, "spec.volumes[5].configMap.items[0].path", "FieldValueInvalid")
    find(causes, "spec.volumes[6].hostPath.type", "FieldValueNotSupported")
    find(causes, "spec.volumes[7].secret.defaultMode", "FieldValueInvalid")
    find(causes, "spec.volumes[8].persistentVolumeClaim.claimName", "FieldValueRequired")


def test_volume_without_source_is_defaulted_to_empty_dir() -> None:
    p = pod_spec(volumes=[{"name": "scratch"}])
    p["spec"]["containers"][0]["volumeMounts"] = [{"name": "scratch", "mountPath": "/tmp/x"}]
    assert check("Pod", p) == []


def test_volume_mount_rules() -> None:
    p = pod_spec(volumes=[{"name": "data", "emptyDir": {}}])
    p["spec"]["containers"][0]["volumeMounts"] = [
        {"name": "missing", "mountPath": "/a"},
        {"name": "data"},
        {"name": "data", "mountPath": "relative"},
        {"name": "data", "mountPath": "/a"},
        {"name": "data", "mountPath": "/b", "subPath": "../etc"},
    ]
    causes = check("Pod", p)
    c = find(causes, f"{C0}.volumeMounts[0].name", "FieldValueNotFound")
    assert c.message == 'Not found: "missing"'
    find(causes, f"{C0}.volumeMounts[1].mountPath", "FieldValueRequired")
    find(causes, f"{C0}.volumeMounts[2].mountPath", "FieldValueInvalid")
    assert find(causes, f"{C0}.volumeMounts[3].mountPath").message.endswith("must be unique")
    find(causes, f"{C0}.volumeMounts[4].subPath", "FieldValueInvalid")


def test_env_rules() -> None:
    p = pod_with(
        env=[
            {"name": ""},
            {"name": "A=B"},
            {"name": "1.dotted-Name ok"},
            {"name": "X", "valueFrom": {}},
            {
                "name": "Y",
                "valueFrom": {
                    "fieldRef": {"fieldPath": "metadata.name"},
                    "secretKeyRef": {"name": "s", "key": "k"},
                },
            },
            {"name": "Z", "value": "v", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
            {"name": "F", "valueFrom": {"fieldRef": {"fieldPath": "spec.containers"}}},
            {"name": "K", "valueFrom": {"configMapKeyRef": {"name": "c", "key": "bad key"}}},
        ]
    )
    causes = check("Pod", p)
    find(causes, f"{C0}.env[0].name", "FieldValueRequired")
    c = find(causes, f"{C0}.env[1].name", "FieldValueInvalid")
    assert c.message.endswith(
        "a valid environment variable name must consist only of "
        "printable ASCII characters other than '='"
    )
    assert f"{C0}.env[2].name" not in fields(causes)
    assert "must specify one of" in find(causes, f"{C0}.env[3].valueFrom").message
    assert "may not have more than one field" in find(causes, f"{C0}.env[4].valueFrom").message
    assert (
        "may not be specified when `value` is not empty"
        in find(causes, f"{C0}.env[5].valueFrom").message
    )
    find(causes, f"{C0}.env[6].valueFrom.fieldRef.fieldPath", "FieldValueNotSupported")
    find(causes, f"{C0}.env[7].valueFrom.configMapKeyRef.key", "FieldValueInvalid")


def test_env_from_rules() -> None:
    p = pod_with(
        envFrom=[{"prefix": "A="}, {"configMapRef": {"name": "c"}, "secretRef": {"name": "s"}}]
    )
    causes = check("Pod", p)
    find(causes, f"{C0}.envFrom[0]", "FieldValueInvalid")
    find(causes, f"{C0}.envFrom[0].prefix", "FieldValueInvalid")
    find(causes, f"{C0}.envFrom[1]", "FieldValueInvalid")


def test_probe_rules() -> None:
    p = pod_with(
        livenessProbe={"httpGet": {"port": 80}, "tcpSocket": {"port": 80}, "successThreshold": 2},
        readinessProbe={"periodSeconds": -1},
        startupProbe={"exec": {"command": []}, "failureThreshold": -3},
    )
    causes = check("Pod", p)
    c = find(causes, f"{C0}.livenessProbe.tcpSocket", "FieldValueForbidden")
    assert c.message == "Forbidden: may not specify more than 1 handler type"
    assert find(causes, f"{C0}.livenessProbe.successThreshold").message == (
        "Invalid value: 2: must be 1"
    )
    c = find(causes, f"{C0}.readinessProbe", "FieldValueRequired")
    assert c.message == "Required value: must specify a handler type"
    find(causes, f"{C0}.readinessProbe.periodSeconds", "FieldValueInvalid")
    find(causes, f"{C0}.startupProbe.exec.command", "FieldValueRequired")
    find(causes, f"{C0}.startupProbe.failureThreshold", "FieldValueInvalid")


def test_readiness_may_need_more_successes_and_named_ports() -> None:
    p = pod_with(readinessProbe={"httpGet": {"port": "http"}, "successThreshold": 3})
    assert check("Pod", p) == []
    p = pod_with(readinessProbe={"tcpSocket": {"port": 0}})
    find(check("Pod", p), f"{C0}.readinessProbe.tcpSocket.port", "FieldValueInvalid")
    p = pod_with(readinessProbe={"httpGet": {"port": 80, "scheme": "FTP"}})
    find(check("Pod", p), f"{C0}.readinessProbe.httpGet.scheme", "FieldValueNotSupported")


def test_init_container_probes_need_sidecar() -> None:
    p = pod_spec(
        initContainers=[
            {"name": "init", "image": "x", "livenessProbe": {"exec": {"command": ["true"]}}}
        ]
    )
    find(check("Pod", p), "spec.initContainers[0].livenessProbe", "FieldValueForbidden")
    p["spec"]["initContainers"][0]["restartPolicy"] = "Always"
    assert check("Pod", p) == []
    find(
        check("Pod", pod_with(restartPolicy="Always")), f"{C0}.restartPolicy", "FieldValueForbidden"
    )


@pytest.mark.parametrize(
    ("toleration", "field", "reason"),
    [
        ({"key": "a", "operator": "Maybe"}, "operator", "FieldValueNotSupported"),
        ({"key": "a", "operator": "Exists", "value": "b"}, "operator", "FieldValueInvalid"),
        ({"operator": "Equal", "value": "b"}, "operator", "FieldValueInvalid"),
        ({"key": "a", "effect": "Never"}, "effect", "FieldValueNotSupported"),
        (
            {"key": "a", "effect": "NoSchedule", "tolerationSeconds": 5},
            "effect",
            "FieldValueInvalid",
        ),
        ({"key": "bad key", "operator": "Exists"}, "key", "FieldValueInvalid"),
    ],
)
def test_toleration_rules(toleration: dict[str, Any], field: str, reason: str) -> None:
    find(check("Pod", pod_spec(tolerations=[toleration])), f"spec.tolerations[0].{field}", reason)


def test_other_pod_spec_fields() -> None:
    causes = check(
        "Pod",
        pod_spec(
            nodeSelector={"disk": "s s d"},
            terminationGracePeriodSeconds=-1,
            activeDeadlineSeconds=0,
            nodeName="Node_1",
            serviceAccountName="Robot",
            hostname="a.b",
            priority="high",
            affinity={
                "nodeAffinity": {
                    "requiredDuringSchedulingIgnoredDuringExecution": {
                        "nodeSelectorTerms": [
                            {"matchExpressions": [{"key": "a", "operator": "Near"}]}
                        ]
                    }
                }
            },
            topologySpreadConstraints=[
                {"maxSkew": 0, "topologyKey": "zone", "whenUnsatisfiable": "Sometimes"}
            ],
        ),
    )
    find(causes, "spec.nodeSelector", "FieldValueInvalid")
    find(causes, "spec.terminationGracePeriodSeconds", "FieldValueInvalid")
    assert find(causes, "spec.activeDeadlineSeconds").message == (
        "Invalid value: 0: must be between 1 and 2147483647, inclusive"
    )
    find(causes, "spec.nodeName", "FieldValueInvalid")
    find(causes, "spec.serviceAccountName", "FieldValueInvalid")
    find(causes, "spec.hostname", "FieldValueInvalid")
    find(causes, "spec.priority", "FieldValueTypeInvalid")
    find(
        causes,
        "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
        ".nodeSelectorTerms[0].matchExpressions[0].operator",
        "FieldValueNotSupported",
    )
    find(causes, "spec.topologySpreadConstraints[0].maxSkew", "FieldValueInvalid")
    find(causes, "spec.topologySpreadConstraints[0].whenUnsatisfiable", "FieldValueNotSupported")


# --- updates -------------------------------------------------------------------------------


def stored_pod(**spec: Any) -> dict[str, Any]:
    p = pod_spec(**spec)
    apply_defaults("Pod", p)
    return p


def test_image_and_deadline_may_change() -> None:
    old = stored_pod(activeDeadlineSeconds=100)
    new = copy.deepcopy(old)
    new["spec"]["containers"][0]["image"] = "nginx:1.26"
    new["spec"]["activeDeadlineSeconds"] = 50
    assert check_update("Pod", new, old) == []


def test_other_spec_changes_are_forbidden() -> None:
    old = stored_pod()
    new = copy.deepcopy(old)
    new["spec"]["containers"][0]["ports"][0]["containerPort"] = 8080
    c = find(check_update("Pod", new, old), "spec", "FieldValueForbidden")
    assert c.message.startswith(
        "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,"
        "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` "
        "(only additions to existing tolerations),`spec.terminationGracePeriodSeconds` "
        "(allow it to be set to 1 if it was previously negative)"
    )
    assert "spec.containers" in c.message


def test_containers_may_not_be_added() -> None:
    old = stored_pod()
    new = copy.deepcopy(old)
    new["spec"]["containers"].append({"name": "side", "image": "x"})
    c = find(check_update("Pod", new, old), "spec.containers", "FieldValueForbidden")
    assert c.message == "Forbidden: pod updates may not add or remove containers"


def test_active_deadline_rules() -> None:
    old = stored_pod(activeDeadlineSeconds=100)
    new = copy.deepcopy(old)
    new["spec"]["activeDeadlineSeconds"] = 200
    find(check_update("Pod", new, old), "spec.activeDeadlineSeconds", "FieldValueInvalid")
    del new["spec"]["activeDeadlineSeconds"]
    c = find(check_update("Pod", new, old), "spec.activeDeadlineSeconds")
    assert c.message.endswith("must not update from a positive integer to nil value")
    old = stored_pod()
    new = copy.deepcopy(old)
    new["spec"]["activeDeadlineSeconds"] = 30
    assert check_update("Pod", new, old) == []


def test_tolerations_may_only_be_added() -> None:
    old = stored_pod(
        tolerations=[
            {"key": "a", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 60}
        ]
    )
    new = copy.deepcopy(old)
    new["spec"]["tolerations"].append({"key": "b", "operator": "Exists"})
    new["spec"]["tolerations"][0]["tolerationSeconds"] = 10
    assert check_update("Pod", new, old) == []
    new = copy.deepcopy(old)
    new["spec"]["tolerations"][0]["key"] = "c"
    c = find(check_update("Pod", new, old), "spec.tolerations", "FieldValueForbidden")
    assert "existing toleration can not be modified" in c.message


def test_node_name_set_once() -> None:
    old = stored_pod()
    new = copy.deepcopy(old)
    new["spec"]["nodeName"] = "node-1"
    assert check_update("Pod", new, old) == []
    newer = copy.deepcopy(new)
    newer["spec"]["nodeName"] = "node-2"
    find(check_update("Pod", newer, new), "spec.nodeName", "FieldValueInvalid")


# --- status --------------------------------------------------------------------------------


def test_pod_status_update_rules() -> None:
    old = stored_pod(restartPolicy="Never")
    old["status"] = {
        "phase": "Failed",
        "containerStatuses": [{"name": "app", "state": {"terminated": {"exitCode": 1}}}],
    }
    new = copy.deepcopy(old)
    new["spec"]["nodeName"] = "elsewhere"
    new["status"] = {
        "phase": "Exploded",
        "podIP": "10.0.0.300",
        "containerStatuses": [{"name": "app", "state": {"running": {}}}],
    }
    causes = validate_status_update("Pod", new, old)
    find(causes, "status.nodeName", "FieldValueForbidden")
    find(causes, "status.phase", "FieldValueNotSupported")
    find(causes, "status.podIP", "FieldValueInvalid")
    find(causes, "status.containerStatuses[0].state", "FieldValueForbidden")
    ok = copy.deepcopy(old)
    ok["status"]["podIP"] = "10.244.1.7"
    assert validate_status_update("Pod", ok, old) == []
