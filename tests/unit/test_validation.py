"""Validation entry points and ObjectMeta rules; shared builders for the other test modules."""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest

from apiserver.defaults import apply_defaults
from apiserver.validation import validate_create, validate_status_update, validate_update
from machinery.errors import StatusCause

Obj = dict[str, Any]


def meta(name: str = "demo", namespace: str | None = "default", **extra: Any) -> Obj:
    m: Obj = {"name": name, **extra}
    if namespace is not None:
        m["namespace"] = namespace
    return m


def pod_template(labels: dict[str, str] | None = None, **spec: Any) -> Obj:
    s: Obj = {"containers": [{"name": "app", "image": "nginx:1.25"}]}
    s.update(spec)
    return {"metadata": {"labels": labels if labels is not None else {"app": "web"}}, "spec": s}


def valid(kind: str) -> Obj:
    """A minimal valid object of each kind, as a client would send it (before defaults)."""
    tmpl = pod_template()
    objs: dict[str, Obj] = {
        "Pod": {
            "metadata": meta("web-0", labels={"app": "web"}),
            "spec": {
                "containers": [
                    {
                        "name": "app",
                        "image": "nginx:1.25",
                        "ports": [{"containerPort": 80, "name": "http"}],
                    }
                ]
            },
        },
        "Namespace": {"metadata": meta("team-a", None)},
        "Node": {
            "metadata": meta("node-1.lab", None),
            "spec": {
                "podCIDR": "10.244.1.0/24",
                "taints": [{"key": "dedicated", "value": "db", "effect": "NoSchedule"}],
            },
            "status": {"capacity": {"cpu": "4", "memory": "8Gi", "pods": "110"}},
        },
        "Service": {
            "metadata": meta("web"),
            "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": "http"}]},
        },
        "Endpoints": {
            "metadata": meta("web"),
            "subsets": [
                {"addresses": [{"ip": "10.244.1.5", "nodeName": "node-1"}], "ports": [{"port": 80}]}
            ],
        },
        "Event": {
            "metadata": meta("web-0.17a"),
            "involvedObject": {"kind": "Pod", "name": "web-0", "namespace": "default"},
            "reason": "Scheduled",
            "message": "ok",
            "type": "Normal",
            "count": 1,
        },
        "ConfigMap": {
            "metadata": meta("cfg"),
            "data": {"app.conf": "x=1", "KEY_2": "y"},
            "binaryData": {"blob": "AAEC"},
        },
        "Secret": {"metadata": meta("creds"), "data": {"password": "aHVudGVyMg=="}},
        "ServiceAccount": {"metadata": meta("robot"), "secrets": [{"name": "robot-token"}]},
        "Deployment": {
            "metadata": meta("web"),
            "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": tmpl},
        },
        "ReplicaSet": {
            "metadata": meta("web-abc"),
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}}, "template": tmpl},
        },
        "DaemonSet": {
            "metadata": meta("agent"),
            "spec": {
                "selector": {
                    "matchExpressions": [{"key": "app", "operator": "In", "values": ["web"]}]
                },
                "template": tmpl,
            },
        },
        "StatefulSet": {
            "metadata": meta("db"),
            "spec": {
                "serviceName": "db",
                "selector": {"matchLabels": {"app": "web"}},
                "template": tmpl,
            },
        },
        "Job": {
            "metadata": meta("pi", uid="0b5e7a0e-1"),
            "spec": {"template": pod_template({}, restartPolicy="Never")},
        },
        "CronJob": {
            "metadata": meta("hourly"),
            "spec": {
                "schedule": "*/15 * * * *",
                "jobTemplate": {"spec": {"template": pod_template({}, restartPolicy="OnFailure")}},
            },
        },
        "EndpointSlice": {
            "metadata": meta("web-x1", labels={"kubernetes.io/service-name": "web"}),
            "addressType": "IPv4",
            "endpoints": [{"addresses": ["10.244.1.5"], "conditions": {"ready": True}}],
            "ports": [{"name": "http", "port": 80}],
        },
        "Lease": {
            "metadata": meta("node-1", "kube-node-lease"),
            "spec": {
                "holderIdentity": "node-1",
                "leaseDurationSeconds": 40,
                "renewTime": "2024-05-01T10:00:00.000000Z",
            },
        },
        "PriorityClass": {
            "metadata": meta("high", None),
            "value": 1000,
            "description": "important",
        },
    }
    return copy.deepcopy(objs[kind])


KINDS = (
    "Pod",
    "Namespace",
    "Node",
    "Service",
    "Endpoints",
    "Event",
    "ConfigMap",
    "Secret",
    "ServiceAccount",
    "Deployment",
    "ReplicaSet",
    "DaemonSet",
    "StatefulSet",
    "Job",
    "CronJob",
    "EndpointSlice",
    "Lease",
    "PriorityClass",
)


def check(kind: str, obj: Obj) -> list[StatusCause]:
    """Defaults then create validation, as the request path does."""
    apply_defaults(kind, obj)
    return validate_create(kind, obj)


def check_update(kind: str, new: Obj, old: Obj) -> list[StatusCause]:
    apply_defaults(kind, old)
    apply_defaults(kind, new)
    return validate_update(kind, new, old)


def find(causes: list[StatusCause], field: str, reason: str | None = None) -> StatusCause:
    for c in causes:
        if c.field == field and (reason is None or c.reason == reason):
            return c
    raise AssertionError(f"no cause {reason or ''} at {field!r} in {causes}")


def fields(causes: list[StatusCause]) -> list[str]:
    return [c.field for c in causes]


# --- every kind: valid objects pass ------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_valid_object_passes(kind: str) -> None:
    assert check(kind, valid(kind)) == []


@pytest.mark.parametrize("kind", KINDS)
def test_unchanged_update_passes(kind: str) -> None:
    old = valid(kind)
    apply_defaults(kind, old)
    assert validate_update(kind, copy.deepcopy(old), old) == []


@pytest.mark.parametrize("kind", KINDS)
def test_status_update_of_valid_object_passes(kind: str) -> None:
    old = valid(kind)
    apply_defaults(kind, old)
    assert validate_status_update(kind, copy.deepcopy(old), old) == []


# --- metadata ------------------------------------------------------------------------------


def test_name_required() -> None:
    obj = valid("ConfigMap")
    del obj["metadata"]["name"]
    c = find(check("ConfigMap", obj), "metadata.name", "FieldValueRequired")
    assert c.message == "Required value: name or generateName is required"


def test_subdomain_name_message_matches_kubernetes() -> None:
    obj = valid("ConfigMap")
    obj["metadata"]["name"] = "Foo"
    c = find(check("ConfigMap", obj), "metadata.name", "FieldValueInvalid")
    assert c.message == (
        'Invalid value: "Foo": a lowercase RFC 1123 subdomain must consist of lower case '
        "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric "
        "character (e.g. 'example.com', regex used for validation is "
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    )


def test_long_name_gets_both_messages() -> None:
    obj = valid("Pod")
    obj["metadata"]["name"] = "a" * 254
    msgs = [c.message for c in check("Pod", obj) if c.field == "metadata.name"]
    assert msgs == ['Invalid value: "' + "a" * 254 + '": must be no more than 253 characters']


def test_namespace_and_service_names_are_labels() -> None:
    ns = valid("Namespace")
    ns["metadata"]["name"] = "a.b"
    assert "RFC 1123 label" in find(check("Namespace", ns), "metadata.name").message
    svc = valid("Service")
    svc["metadata"]["name"] = "1web"
    assert "DNS-1035 label" in find(check("Service", svc), "metadata.name").message
    pod = valid("Pod")
    pod["metadata"]["name"] = "1web.a"
    assert check("Pod", pod) == []


def test_generate_name_prefix_may_end_with_dash() -> None:
    obj = valid("Pod")
    obj["metadata"]["generateName"] = "web-"
    assert check("Pod", obj) == []
    obj["metadata"]["generateName"] = "Web-"
    find(check("Pod", obj), "metadata.generateName", "FieldValueInvalid")


def test_namespace_rules() -> None:
    obj = valid("Pod")
    obj["metadata"]["namespace"] = "Bad_NS"
    find(check("Pod", obj), "metadata.namespace", "FieldValueInvalid")
    del obj["metadata"]["namespace"]
    find(check("Pod", obj), "metadata.namespace", "FieldValueRequired")
    node = valid("Node")
    node["metadata"]["namespace"] = "default"
    c = find(check("Node", node), "metadata.namespace", "FieldValueForbidden")
    assert c.message == "Forbidden: not allowed on this type"


@pytest.mark.parametrize(
    ("labels", "snippet"),
    [
        ({"-bad": "x"}, "name part must consist of alphanumeric characters"),
        ({"a/b/c": "x"}, "a qualified name must consist of"),
        ({"/x": "x"}, "prefix part must be non-empty"),
        ({"Example.com/x": "x"}, "prefix part a lowercase RFC 1123 subdomain"),
        ({"k" * 64: "x"}, "name part must be no more than 63 characters"),
        ({"ok": "v" * 64}, "must be no more than 63 characters"),
        ({"ok": "bad value"}, "a valid label must be an empty string or consist of"),
    ],
)
def test_label_rules(labels: dict[str, str], snippet: str) -> None:
    obj = valid("ConfigMap")
    obj["metadata"]["labels"] = labels
    c = find(check("ConfigMap", obj), "metadata.labels", "FieldValueInvalid")
    assert snippet in c.message


def test_label_values_must_be_strings() -> None:
    obj = valid("ConfigMap")
    obj["metadata"]["labels"] = {"a": 1}
    find(check("ConfigMap", obj), "metadata.labels[a]", "FieldValueTypeInvalid")


def test_annotation_rules() -> None:
    obj = valid("ConfigMap")
    obj["metadata"]["annotations"] = {"Example.COM/Key": "fine", "bad key": "x"}
    causes = check("ConfigMap", obj)
    assert fields(causes) == ["metadata.annotations"]
    obj["metadata"]["annotations"] = {"big": "x" * (256 * 1024)}
    c = find(check("ConfigMap", obj), "metadata.annotations", "FieldValueTooLong")
    assert c.message == "Too long: may not be more than 262144 bytes"


def test_owner_references() -> None:
    obj = valid("Pod")
    obj["metadata"]["ownerReferences"] = [
        {
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "name": "rs",
            "uid": "1",
            "controller": True,
        },
        {"kind": "ReplicaSet", "name": "", "uid": "2", "controller": True},
    ]
    causes = check("Pod", obj)
    assert find(causes, "metadata.ownerReferences[1].apiVersion").message.endswith(
        "version must not be empty"
    )
    find(causes, "metadata.ownerReferences[1].name")
    assert (
        "Only one reference can have Controller set to true"
        in find(causes, "metadata.ownerReferences").message
    )


def test_finalizers() -> None:
    obj = valid("ConfigMap")
    obj["metadata"]["finalizers"] = ["kubernetes", "example.com/cleanup", "cleanup"]
    c = find(check("ConfigMap", obj), "metadata.finalizers[2]")
    assert c.message.endswith("name is neither a standard finalizer name nor is it fully qualified")


def test_metadata_identity_is_immutable() -> None:
    old = valid("ConfigMap")
    old["metadata"].update(uid="u1", creationTimestamp="2024-01-01T00:00:00Z")
    new = copy.deepcopy(old)
    new["metadata"]["uid"] = "u2"
    c = find(check_update("ConfigMap", new, old), "metadata.uid")
    assert c.message == 'Invalid value: "u2": field is immutable'


# --- robustness ----------------------------------------------------------------------------


def _mutations(obj: Any, rng: random.Random) -> Any:
    """Replace random sub-values with values of the wrong type."""
    junk = [None, 0, -1, 1.5, "x", "", [], {}, [1], {"a": 1}, True, "Ki"]
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            out[k] = rng.choice(junk) if rng.random() < 0.15 else _mutations(v, rng)
        return out
    if isinstance(obj, list):
        return [rng.choice(junk) if rng.random() < 0.15 else _mutations(v, rng) for v in obj]
    return obj


@pytest.mark.parametrize("kind", KINDS)
def test_wrong_types_give_causes_not_exceptions(kind: str) -> None:
    rng = random.Random(kind)
    base = valid(kind)
    apply_defaults(kind, base)
    for _ in range(150):
        new = _mutations(base, rng)
        apply_defaults(kind, new)
        validate_create(kind, new)
        validate_update(kind, new, base)
        validate_status_update(kind, new, base)


def test_non_objects_are_reported() -> None:
    bad: Any
    for bad in ([], "pod", None, 3):
        causes = validate_create("Pod", bad)
        assert causes[0].reason == "FieldValueTypeInvalid"
        assert validate_status_update("Pod", bad, {})


def test_wrong_type_message() -> None:
    obj = valid("Pod")
    obj["spec"]["containers"][0]["ports"][0]["containerPort"] = "80"
    c = find(check("Pod", obj), "spec.containers[0].ports[0].containerPort")
    assert (c.reason, c.message) == (
        "FieldValueTypeInvalid",
        'Invalid value: "80": must be an integer',
    )
    obj = valid("Pod")
    obj["metadata"]["labels"] = ["app"]
    assert find(check("Pod", obj), "metadata.labels").message == (
        'Invalid value: ["app"]: must be an object'
    )


def test_all_causes_reported_not_just_first() -> None:
    obj = valid("Pod")
    obj["metadata"]["name"] = "Bad"
    c = obj["spec"]["containers"][0]
    c["name"] = "Bad_Name"
    del c["image"]
    c["ports"][0]["containerPort"] = 70000
    assert set(fields(check("Pod", obj))) >= {
        "metadata.name",
        "spec.containers[0].name",
        "spec.containers[0].image",
        "spec.containers[0].ports[0].containerPort",
    }


def test_unknown_kind_gets_metadata_checks_only() -> None:
    assert fields(validate_create("Widget", {"metadata": {"namespace": "d"}})) == ["metadata.name"]


# --- the benchmark's pod ---


def typical_pod(i: int) -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": f"web-{i}",
            "namespace": "default",
            "labels": {"app": "web", "pod-template-hash": "5d4f8b"},
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "ReplicaSet",
                    "name": "web-5d4f8b",
                    "uid": "abc",
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
        },
        "spec": {
            "containers": [
                {
                    "name": "web",
                    "image": "nginx:1.25",
                    "ports": [{"containerPort": 80, "name": "http"}],
                    "env": [{"name": "MODE", "value": "prod"}],
                    "resources": {
                        "requests": {"cpu": "100m", "memory": "64Mi"},
                        "limits": {"cpu": "500m", "memory": "128Mi"},
                    },
                    "readinessProbe": {"httpGet": {"path": "/", "port": 80}},
                }
            ]
        },
    }


def test_typical_pod_defaults_and_validates() -> None:
    """The pod the benchmark times (bench/validation.py) is valid once defaulted."""
    p = typical_pod(1)
    apply_defaults("Pod", p)
    assert validate_create("Pod", p) == []
    assert p["spec"]["containers"][0]["imagePullPolicy"] == "IfNotPresent"
