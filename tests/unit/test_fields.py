"""Per-kind field sets and field label checks, as kube-apiserver's GetAttrs and conversions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apiserver.fields import check_field_selector, object_fields, supported_field_labels
from apiserver.registry import RESOURCES
from machinery.errors import BadRequest
from machinery.selectors import FieldSelector

UNKNOWN = ' is not a known field selector: only "metadata.name", "metadata.namespace"'
META = {"metadata": {"name": "obj", "namespace": "ns1"}}


def _meta(namespace: str = "ns1") -> dict[str, str]:
    return {"metadata.name": "obj", "metadata.namespace": namespace}


# --- object_fields ------------------------------------------------------------------------


def test_pod_fields() -> None:
    pod = {
        **META,
        "spec": {
            "nodeName": "node-1",
            "restartPolicy": "Always",
            "schedulerName": "default-scheduler",
            "serviceAccountName": "default",
            "hostNetwork": True,
        },
        "status": {
            "phase": "Running",
            "podIP": "10.244.1.5",
            "podIPs": [{"ip": "10.244.1.5"}],
            "nominatedNodeName": "node-2",
        },
    }
    assert object_fields("Pod", pod) == {
        **_meta(),
        "spec.nodeName": "node-1",
        "spec.host": "node-1",
        "spec.restartPolicy": "Always",
        "spec.schedulerName": "default-scheduler",
        "spec.serviceAccountName": "default",
        "spec.hostNetwork": "true",
        "status.phase": "Running",
        "status.podIP": "10.244.1.5",
        "status.nominatedNodeName": "node-2",
    }


def test_pod_fields_default_to_empty() -> None:
    assert object_fields("Pod", {}) == {
        **_meta(""),
        "metadata.name": "",
        "spec.nodeName": "",
        "spec.host": "",
        "spec.restartPolicy": "",
        "spec.schedulerName": "",
        "spec.serviceAccountName": "",
        "spec.hostNetwork": "false",
        "status.phase": "",
        "status.podIP": "",
        "status.nominatedNodeName": "",
    }


def test_pod_ip_falls_back_to_first_pod_ips_entry() -> None:
    pod = {"status": {"podIPs": [{"ip": "fd00::1"}, {"ip": "10.0.0.1"}]}}
    assert object_fields("Pod", pod)["status.podIP"] == "fd00::1"


def test_event_fields() -> None:
    event = {
        **META,
        "involvedObject": {
            "kind": "Pod",
            "namespace": "ns1",
            "name": "web-1",
            "uid": "u-1",
            "apiVersion": "v1",
            "resourceVersion": "42",
            "fieldPath": "spec.containers{app}",
        },
        "reason": "Scheduled",
        "reportingComponent": "kubeling-scheduler",
        "source": {"component": "default-scheduler"},
        "type": "Normal",
    }
    assert object_fields("Event", event) == {
        **_meta(),
        "involvedObject.kind": "Pod",
        "involvedObject.namespace": "ns1",
        "involvedObject.name": "web-1",
        "involvedObject.uid": "u-1",
        "involvedObject.apiVersion": "v1",
        "involvedObject.resourceVersion": "42",
        "involvedObject.fieldPath": "spec.containers{app}",
        "reason": "Scheduled",
        "reportingComponent": "kubeling-scheduler",
        "source": "default-scheduler",
        "type": "Normal",
    }


def test_event_source_falls_back_to_reporting_component() -> None:
    event = {"reportingComponent": "kubelet", "source": {}}
    fields = object_fields("Event", event)
    assert fields["source"] == "kubelet"
    assert fields["involvedObject.name"] == ""
    assert object_fields("Event", {})["source"] == ""


@pytest.mark.parametrize(
    ("kind", "obj", "extra"),
    [
        ("Secret", {**META, "type": "kubernetes.io/tls"}, {"type": "kubernetes.io/tls"}),
        ("Secret", META, {"type": ""}),
        ("Service", {**META, "spec": {"clusterIP": "10.96.0.10", "type": "NodePort"}},
         {"spec.clusterIP": "10.96.0.10", "spec.type": "NodePort"}),
        ("Service", META, {"spec.clusterIP": "", "spec.type": ""}),
        ("ReplicaSet", {**META, "status": {"replicas": 3}}, {"status.replicas": "3"}),
        ("ReplicaSet", META, {"status.replicas": "0"}),
        ("Job", {**META, "status": {"succeeded": 2}}, {"status.successful": "2"}),
        ("Job", META, {"status.successful": "0"}),
        ("ConfigMap", META, {}),
        ("ServiceAccount", META, {}),
        ("Endpoints", META, {}),
        ("Deployment", META, {}),
        ("DaemonSet", META, {}),
        ("StatefulSet", META, {}),
        ("CronJob", META, {}),
        ("EndpointSlice", META, {}),
        ("Lease", META, {}),
    ],
)  # fmt: skip
def test_namespaced_kind_fields(kind: str, obj: dict, extra: dict[str, str]) -> None:
    assert object_fields(kind, obj) == {**_meta(), **extra}


@pytest.mark.parametrize(
    ("kind", "obj", "extra"),
    [
        ("Node", {"metadata": {"name": "obj"}, "spec": {"unschedulable": True}},
         {"spec.unschedulable": "true"}),
        ("Node", {"metadata": {"name": "obj"}}, {"spec.unschedulable": "false"}),
        ("Namespace", {"metadata": {"name": "obj"}, "status": {"phase": "Terminating"}},
         {"status.phase": "Terminating"}),
        ("Namespace", {"metadata": {"name": "obj"}}, {"status.phase": ""}),
        ("PriorityClass", {"metadata": {"name": "obj"}}, {}),
        # a stray namespace on a cluster-scoped object is not a field value
        ("PriorityClass", {"metadata": {"name": "obj", "namespace": "x"}}, {}),
    ],
)  # fmt: skip
def test_cluster_scoped_kind_fields(kind: str, obj: dict, extra: dict[str, str]) -> None:
    assert object_fields(kind, obj) == {**_meta(""), **extra}


def test_unknown_kind_gets_metadata_fields() -> None:
    assert object_fields("Widget", META) == _meta()


def test_every_registered_kind_has_fields_and_accepts_metadata_name() -> None:
    for r in RESOURCES:
        fields = object_fields(r.kind, {"metadata": {"name": "n"}})
        assert fields["metadata.name"] == "n", r.kind
        check_field_selector(r.kind, FieldSelector.parse("metadata.name=n"))


def test_supported_labels_are_in_the_field_set() -> None:
    # Kubernetes accepts status.podIPs for Pods but never sets it: it always compares as "".
    for r in RESOURCES:
        labels = supported_field_labels(r.kind) - {"status.podIPs"}
        missing = labels - object_fields(r.kind, {}).keys()
        assert not missing, (r.kind, missing)


# --- check_field_selector -----------------------------------------------------------------


def _rejected(kind: str, selector: str) -> str:
    with pytest.raises(BadRequest) as info:
        check_field_selector(kind, FieldSelector.parse(selector))
    err = info.value
    assert err.code == 400
    assert err.to_status()["reason"] == "BadRequest"
    return err.message


ACCEPTED = {
    "Pod": [
        "metadata.name", "metadata.namespace", "spec.nodeName", "spec.restartPolicy",
        "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "status.phase",
        "status.podIP", "status.podIPs", "status.nominatedNodeName", "spec.host",
    ],
    "Node": ["metadata.name", "spec.unschedulable"],
    "Namespace": ["metadata.name", "status.phase"],
    "Event": [
        "metadata.name", "metadata.namespace", "involvedObject.kind",
        "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
        "involvedObject.apiVersion", "involvedObject.resourceVersion",
        "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type",
    ],
    "Secret": ["metadata.name", "metadata.namespace", "type"],
    "Service": ["metadata.name", "metadata.namespace", "spec.clusterIP", "spec.type"],
    "Job": ["metadata.name", "metadata.namespace", "status.successful"],
    "ReplicaSet": ["metadata.name", "metadata.namespace"],
    "ConfigMap": ["metadata.name", "metadata.namespace"],
    "PriorityClass": ["metadata.name", "metadata.namespace"],
}  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "label"), [(k, label) for k, labels in ACCEPTED.items() for label in labels]
)
def test_accepted_labels(kind: str, label: str) -> None:
    check_field_selector(kind, FieldSelector.parse(f"{label}=x"))
    check_field_selector(kind, FieldSelector.parse(f"{label}!=x"))


def test_accepted_sets_are_exact() -> None:
    for kind, labels in ACCEPTED.items():
        assert supported_field_labels(kind) == frozenset(labels), kind


@pytest.mark.parametrize(
    ("kind", "selector", "message"),
    [
        ("Pod", "spec.containers=x", "field label not supported: spec.containers"),
        ("Pod", "metadata.name=a,status.podIP=b,zzz=c", "field label not supported: zzz"),
        ("Node", "metadata.namespace=x", "field label not supported: metadata.namespace"),
        ("Namespace", "metadata.namespace=", "field label not supported: metadata.namespace"),
        ("Event", "message=x", "field label not supported: message"),
        ("Secret", "data=x", "field label not supported: data"),
        ("Service", "spec.ports=x", "field label not supported: spec.ports"),
        ("Job", "status.succeeded=1",
         'field label "status.succeeded" not supported for batchv1.Job'),
        ("ReplicaSet", "status.replicas=0", '"status.replicas"' + UNKNOWN),
        ("Deployment", "spec.replicas=1", '"spec.replicas"' + UNKNOWN),
        ("ConfigMap", "data=x", '"data"' + UNKNOWN),
        ("PriorityClass", "value=1", '"value"' + UNKNOWN),
        ("Lease", 'a"b=1', '"a\\"b"' + UNKNOWN),
        ("Pod", "=x", "field label not supported: "),
    ],
)  # fmt: skip
def test_rejected_labels(kind: str, selector: str, message: str) -> None:
    assert _rejected(kind, selector) == message


def test_first_unsupported_label_in_kubernetes_order_is_reported() -> None:
    # terms are checked in parse order (sorted raw terms), so "a..." is reported before "z..."
    assert _rejected("Pod", "zz=1,aa=2") == "field label not supported: aa"


def test_empty_selector_is_always_accepted() -> None:
    for r in RESOURCES:
        check_field_selector(r.kind, FieldSelector.parse(""))


# --- selecting objects end to end ---------------------------------------------------------


def _select(kind: str, selector: str, objs: list[dict]) -> list[str]:
    sel = FieldSelector.parse(selector)
    check_field_selector(kind, sel)
    return [o["metadata"]["name"] for o in objs if sel.matches(object_fields(kind, o))]


def test_select_pods() -> None:
    pods = [
        {"metadata": {"name": "a"}, "spec": {"nodeName": "n1"}, "status": {"phase": "Running"}},
        {"metadata": {"name": "b"}, "spec": {"nodeName": "n2"}, "status": {"phase": "Pending"}},
        {"metadata": {"name": "c"}, "spec": {}, "status": {"phase": "Pending"}},
    ]
    assert _select("Pod", "spec.nodeName=n1", pods) == ["a"]
    assert _select("Pod", "spec.host=n2", pods) == ["b"]
    assert _select("Pod", "spec.nodeName=", pods) == ["c"]
    assert _select("Pod", "spec.nodeName!=,status.phase!=Running", pods) == ["b"]
    assert _select("Pod", "status.podIPs=", pods) == ["a", "b", "c"]
    assert _select("Pod", "spec.hostNetwork=false", pods) == ["a", "b", "c"]


def test_select_events_for_an_object() -> None:
    events = [
        {"metadata": {"name": "e1"}, "involvedObject": {"kind": "Pod", "name": "web", "uid": "1"}},
        {"metadata": {"name": "e2"}, "involvedObject": {"kind": "Pod", "name": "db", "uid": "2"}},
    ]
    sel = "involvedObject.kind=Pod,involvedObject.name=web,involvedObject.uid=1"
    assert _select("Event", sel, events) == ["e1"]


@given(
    st.sampled_from([r.kind for r in RESOURCES]),
    st.dictionaries(
        st.sampled_from(["metadata", "spec", "status", "type", "source", "involvedObject"]),
        st.one_of(
            st.none(),
            st.dictionaries(
                st.sampled_from(["name", "namespace", "nodeName", "phase", "replicas", "type"]),
                st.one_of(st.none(), st.text(max_size=3), st.integers(0, 5), st.booleans()),
                max_size=4,
            ),
        ),
        max_size=4,
    ),
)
def test_property_object_fields_are_always_strings(kind: str, obj: dict) -> None:
    fields = object_fields(kind, obj)
    assert {"metadata.name", "metadata.namespace"} <= fields.keys()
    assert all(isinstance(v, str) for v in fields.values())
