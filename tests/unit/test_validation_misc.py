"""ConfigMap, Secret, ServiceAccount, Namespace, Node, Event, Lease and PriorityClass."""

from __future__ import annotations

import base64
import copy

import pytest

from apiserver.validation import validate_status_update
from tests.unit.test_validation import check, check_update, fields, find, valid

# --- ConfigMap -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "snippet"),
    [
        ("bad key", "a valid config key must consist of alphanumeric characters, '-', '_' or '.'"),
        (".", "must not be '.'"),
        ("..", "must not be '..'"),
        ("..data", "must not start with '..'"),
        ("k" * 254, "must be no more than 253 characters"),
    ],
)
def test_configmap_keys(key: str, snippet: str) -> None:
    obj = valid("ConfigMap")
    obj["data"] = {key: "v"}
    c = find(check("ConfigMap", obj), f"data[{key}]", "FieldValueInvalid")
    assert snippet in c.message


def test_configmap_duplicates_size_and_types() -> None:
    obj = valid("ConfigMap")
    obj["binaryData"]["app.conf"] = "AA=="
    c = find(check("ConfigMap", obj), "data[app.conf]", "FieldValueInvalid")
    assert c.message.endswith("duplicate of key present in binaryData")
    obj = valid("ConfigMap")
    obj["data"] = {"big": "x" * (1024 * 1024 + 1)}
    c = find(check("ConfigMap", obj), "", "FieldValueTooLong")
    assert c.message == "Too long: may not be more than 1048576 bytes"
    obj = valid("ConfigMap")
    obj["data"] = {"n": 1}
    find(check("ConfigMap", obj), "data[n]", "FieldValueTypeInvalid")
    obj = valid("ConfigMap")
    obj["binaryData"] = {"b": "!!!"}
    find(check("ConfigMap", obj), "binaryData[b]", "FieldValueInvalid")


def test_immutable_configmap() -> None:
    old = valid("ConfigMap")
    old["immutable"] = True
    new = copy.deepcopy(old)
    new["metadata"]["labels"] = {"touched": "yes"}
    assert check_update("ConfigMap", new, old) == []
    new["data"]["app.conf"] = "x=2"
    c = find(check_update("ConfigMap", new, old), "data", "FieldValueForbidden")
    assert c.message == "Forbidden: field is immutable when `immutable` is set"
    new = copy.deepcopy(old)
    new["immutable"] = False
    find(check_update("ConfigMap", new, old), "immutable", "FieldValueForbidden")
    mutable = valid("ConfigMap")
    changed = copy.deepcopy(mutable)
    changed["data"] = {"other": "1"}
    assert check_update("ConfigMap", changed, mutable) == []


# --- Secret --------------------------------------------------------------------------------


def test_secret_values_must_be_base64_and_are_redacted() -> None:
    obj = valid("Secret")
    obj["data"] = {"password": "hunter2!"}
    c = find(check("Secret", obj), "data[password]", "FieldValueInvalid")
    assert "hunter2" not in c.message
    assert "<secret contents redacted>" in c.message


def test_secret_string_data_and_keys() -> None:
    obj = valid("Secret")
    obj["stringData"] = {"token": "plain text"}
    assert check("Secret", obj) == []
    obj = valid("Secret")
    obj["stringData"] = {"bad key": "x"}
    find(check("Secret", obj), "data[bad key]", "FieldValueInvalid")


def test_secret_type_rules() -> None:
    tls = valid("Secret")
    tls["type"] = "kubernetes.io/tls"
    assert set(fields(check("Secret", tls))) == {"data[tls.crt]", "data[tls.key]"}
    sa = valid("Secret")
    sa["type"] = "kubernetes.io/service-account-token"
    find(
        check("Secret", sa),
        "metadata.annotations[kubernetes.io/service-account.name]",
        "FieldValueRequired",
    )
    docker = valid("Secret")
    docker["type"] = "kubernetes.io/dockerconfigjson"
    docker["data"] = {".dockerconfigjson": "bm90IGpzb24="}  # "not json"
    find(check("Secret", docker), "data[.dockerconfigjson]", "FieldValueInvalid")
    custom = valid("Secret")
    custom["type"] = "helm.sh/release.v1"
    assert check("Secret", custom) == []


def test_secret_size_type_and_immutability() -> None:
    big = valid("Secret")
    big["data"] = {"blob": base64.b64encode(b"x" * (1024 * 1024 + 1)).decode()}
    find(check("Secret", big), "data", "FieldValueTooLong")
    old = valid("Secret")
    new = copy.deepcopy(old)
    new["type"] = "kubernetes.io/basic-auth"
    new["data"] = {"username": "YQ=="}
    assert find(check_update("Secret", new, old), "type").message.endswith("field is immutable")
    old["immutable"] = True
    new = copy.deepcopy(old)
    new["data"] = {}
    find(check_update("Secret", new, old), "data", "FieldValueForbidden")


def test_service_account() -> None:
    obj = valid("ServiceAccount")
    obj["automountServiceAccountToken"] = "no"
    obj["secrets"] = "robot-token"
    causes = check("ServiceAccount", obj)
    assert set(fields(causes)) == {"automountServiceAccountToken", "secrets"}


# --- Namespace and Node --------------------------------------------------------------------


def test_namespace_rules() -> None:
    ns = valid("Namespace")
    ns["metadata"]["name"] = "A" * 64
    msgs = [c.message for c in check("Namespace", ns) if c.field == "metadata.name"]
    assert any("must be no more than 63 characters" in m for m in msgs)
    ns = valid("Namespace")
    ns["spec"] = {"finalizers": ["cleanup"]}
    find(check("Namespace", ns), "spec.finalizers", "FieldValueInvalid")
    ns = valid("Namespace")
    ns["status"] = {"phase": "Gone"}
    find(check("Namespace", ns), "status.phase", "FieldValueNotSupported")
    find(
        validate_status_update("Namespace", ns, valid("Namespace")),
        "status.phase",
        "FieldValueNotSupported",
    )


def test_node_rules() -> None:
    node = valid("Node")
    node["spec"]["podCIDR"] = "10.244.1.0"
    node["spec"]["taints"] = [
        {"key": "a", "effect": "NoSchedule"},
        {"key": "a", "effect": "NoSchedule", "value": "x"},
        {"key": "b"},
        {"key": "bad key", "effect": "Sometimes"},
    ]
    node["status"]["capacity"]["cpu"] = "four"
    causes = check("Node", node)
    find(causes, "spec.podCIDR", "FieldValueInvalid")
    c = find(causes, "spec.taints[1]", "FieldValueDuplicate")
    assert c.message.endswith("taints must be unique by key and effect pair")
    find(causes, "spec.taints[2].effect", "FieldValueRequired")
    find(causes, "spec.taints[3].key", "FieldValueInvalid")
    find(causes, "spec.taints[3].effect", "FieldValueNotSupported")
    find(causes, "status.capacity[cpu]", "FieldValueInvalid")


def test_node_update_and_status() -> None:
    old = valid("Node")
    new = copy.deepcopy(old)
    new["spec"]["unschedulable"] = True
    assert check_update("Node", new, old) == []
    new["spec"]["podCIDR"] = "10.244.2.0/24"
    c = find(check_update("Node", new, old), "spec.podCIDRs", "FieldValueForbidden")
    assert 'may not change podCIDR except from "" to valid' in c.message
    fresh = valid("Node")
    del fresh["spec"]["podCIDR"]
    assigned = copy.deepcopy(fresh)
    assigned["spec"]["podCIDR"] = "10.244.3.0/24"
    assert check_update("Node", assigned, fresh) == []
    bad_status = copy.deepcopy(old)
    bad_status["status"]["allocatable"] = {"memory": "lots"}
    find(
        validate_status_update("Node", bad_status, old),
        "status.allocatable[memory]",
        "FieldValueInvalid",
    )


# --- Event, Lease, PriorityClass -----------------------------------------------------------


def test_event_namespace_must_match() -> None:
    ev = valid("Event")
    ev["involvedObject"]["namespace"] = "other"
    c = find(check("Event", ev), "involvedObject.namespace", "FieldValueInvalid")
    assert c.message == 'Invalid value: "other": does not match event.namespace'
    node_event = valid("Event")
    node_event["involvedObject"] = {"kind": "Node", "name": "node-1"}
    assert check("Event", node_event) == []
    ev = valid("Event")
    ev["count"] = -1
    find(check("Event", ev), "count", "FieldValueInvalid")


def test_new_style_event_needs_reporting_fields() -> None:
    ev = valid("Event")
    ev["eventTime"] = "2024-05-01T10:00:00.000000Z"
    assert set(fields(check("Event", ev))) == {"reportingComponent", "reportingInstance", "action"}


def test_lease_rules() -> None:
    lease = valid("Lease")
    lease["spec"].update(
        leaseDurationSeconds=0,
        leaseTransitions=-1,
        renewTime="yesterday",
        holderIdentity=7,
        preferredHolder="node-2",
    )
    causes = check("Lease", lease)
    assert find(causes, "spec.leaseDurationSeconds").message == (
        "Invalid value: 0: must be greater than 0"
    )
    find(causes, "spec.leaseTransitions", "FieldValueInvalid")
    find(causes, "spec.renewTime", "FieldValueInvalid")
    find(causes, "spec.holderIdentity", "FieldValueTypeInvalid")
    find(causes, "spec.preferredHolder", "FieldValueForbidden")


def test_priority_class_rules() -> None:
    pc = valid("PriorityClass")
    pc["value"] = 2_000_000_000
    c = find(check("PriorityClass", pc), "value", "FieldValueForbidden")
    assert c.message == "Forbidden: maximum allowed value of a user defined priority is 1000000000"
    system = valid("PriorityClass")
    system["metadata"]["name"] = "system-node-critical"
    system["value"] = 2_000_001_000
    assert check("PriorityClass", system) == []
    system["value"] = 5
    c = find(check("PriorityClass", system), "metadata.name", "FieldValueForbidden")
    assert "value of system-node-critical PriorityClass must be 2000001000" in c.message
    rogue = valid("PriorityClass")
    rogue["metadata"]["name"] = "system-mine"
    find(check("PriorityClass", rogue), "metadata.name", "FieldValueForbidden")
    pc = valid("PriorityClass")
    pc["preemptionPolicy"] = "Sometimes"
    find(check("PriorityClass", pc), "preemptionPolicy", "FieldValueNotSupported")
    pc = valid("PriorityClass")
    pc["value"] = "high"
    find(check("PriorityClass", pc), "value", "FieldValueTypeInvalid")


def test_priority_class_value_immutable() -> None:
    old = valid("PriorityClass")
    new = copy.deepcopy(old)
    new["description"] = "changed"
    assert check_update("PriorityClass", new, old) == []
    new["value"] = 5
    c = find(check_update("PriorityClass", new, old), "value", "FieldValueForbidden")
    assert c.message == "Forbidden: may not be changed in an update."
    new = copy.deepcopy(old)
    new["preemptionPolicy"] = "Never"
    find(check_update("PriorityClass", new, old), "preemptionPolicy", "FieldValueInvalid")
