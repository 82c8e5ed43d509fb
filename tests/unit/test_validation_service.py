"""Service, Endpoints and EndpointSlice validation."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from apiserver.validation import validate_status_update
from tests.unit.test_validation import check, check_update, fields, find, valid


def service(**spec: Any) -> dict[str, Any]:
    obj = valid("Service")
    obj["spec"].update(spec)
    return obj


def test_ports_required_unless_headless_or_external_name() -> None:
    find(check("Service", service(ports=[])), "spec.ports", "FieldValueRequired")
    assert check("Service", service(ports=[], clusterIP="None")) == []
    ext = service(type="ExternalName", externalName="db.example.com.", ports=[])
    del ext["spec"]["selector"]
    assert check("Service", ext) == []


@pytest.mark.parametrize(
    ("port", "field", "reason"),
    [
        ({"port": 0}, "port", "FieldValueInvalid"),
        ({"port": 70000}, "port", "FieldValueInvalid"),
        ({"port": 80, "protocol": "ICMP"}, "protocol", "FieldValueNotSupported"),
        ({"port": 80, "targetPort": 70000}, "targetPort", "FieldValueInvalid"),
        ({"port": 80, "targetPort": "Web_Port"}, "targetPort", "FieldValueInvalid"),
        ({"port": 80, "targetPort": [80]}, "targetPort", "FieldValueTypeInvalid"),
        ({"port": 80, "name": "Web"}, "name", "FieldValueInvalid"),
        ({"port": 80, "nodePort": 30080}, "nodePort", "FieldValueForbidden"),
    ],
)
def test_port_rules(port: dict[str, Any], field: str, reason: str) -> None:
    find(check("Service", service(ports=[port])), f"spec.ports[0].{field}", reason)


def test_node_port_message() -> None:
    c = find(
        check("Service", service(ports=[{"port": 80, "nodePort": 30080}])), "spec.ports[0].nodePort"
    )
    assert c.message == "Forbidden: may not be used when `type` is 'ClusterIP'"
    ok = service(type="NodePort", ports=[{"port": 80, "nodePort": 30080}])
    assert check("Service", ok) == []


def test_multi_port_names() -> None:
    causes = check("Service", service(ports=[{"port": 80}, {"port": 443, "name": "https"}]))
    find(causes, "spec.ports[0].name", "FieldValueRequired")
    causes = check(
        "Service", service(ports=[{"port": 80, "name": "web"}, {"port": 81, "name": "web"}])
    )
    find(causes, "spec.ports[1].name", "FieldValueDuplicate")
    causes = check("Service", service(ports=[{"port": 80, "name": "a"}, {"port": 80, "name": "b"}]))
    find(causes, "spec.ports[1]", "FieldValueDuplicate")
    udp = service(ports=[{"port": 53, "name": "a"}, {"port": 53, "name": "b", "protocol": "UDP"}])
    assert check("Service", udp) == []


def test_type_cluster_ip_and_external_name() -> None:
    c = find(check("Service", service(type="Magic")), "spec.type", "FieldValueNotSupported")
    assert c.message == (
        'Unsupported value: "Magic": supported values: "ClusterIP", '
        '"ExternalName", "LoadBalancer", "NodePort"'
    )
    c = find(check("Service", service(clusterIP="10.96.0.300")), "spec.clusterIP")
    assert c.message.endswith("must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")
    assert check("Service", service(clusterIP="10.96.0.10")) == []
    find(check("Service", service(type="ExternalName")), "spec.externalName", "FieldValueRequired")
    find(
        check("Service", service(type="ExternalName", externalName="Bad_Host")),
        "spec.externalName",
        "FieldValueInvalid",
    )
    find(
        check("Service", service(type="ExternalName", externalName="a.b", clusterIP="1.2.3.4")),
        "spec.clusterIP",
        "FieldValueForbidden",
    )


def test_session_affinity_and_policies() -> None:
    find(
        check("Service", service(sessionAffinity="Cookie")),
        "spec.sessionAffinity",
        "FieldValueNotSupported",
    )
    bad = service(
        sessionAffinity="ClientIP", sessionAffinityConfig={"clientIP": {"timeoutSeconds": 0}}
    )
    find(
        check("Service", bad),
        "spec.sessionAffinityConfig.clientIP.timeoutSeconds",
        "FieldValueInvalid",
    )
    assert check("Service", service(sessionAffinity="ClientIP")) == []
    find(
        check("Service", service(externalTrafficPolicy="Nearby", type="NodePort")),
        "spec.externalTrafficPolicy",
        "FieldValueNotSupported",
    )
    find(
        check("Service", service(ipFamilies=["IPv5"])),
        "spec.ipFamilies[0]",
        "FieldValueNotSupported",
    )
    find(
        check("Service", service(externalIPs=["nope"])), "spec.externalIPs[0]", "FieldValueInvalid"
    )
    find(
        check("Service", service(selector={"app": "bad value"})),
        "spec.selector",
        "FieldValueInvalid",
    )


def test_cluster_ip_immutable() -> None:
    old = service(clusterIP="10.96.0.10")
    new = copy.deepcopy(old)
    new["spec"]["clusterIP"] = "10.96.0.11"
    c = find(check_update("Service", new, old), "spec.clusterIP", "FieldValueInvalid")
    assert c.message == 'Invalid value: "10.96.0.11": field is immutable'
    new["spec"]["clusterIP"] = "10.96.0.10"
    new["spec"]["type"] = "NodePort"
    assert check_update("Service", new, old) == []
    ext = copy.deepcopy(old)
    ext["spec"] = {"type": "ExternalName", "externalName": "x.example.com"}
    assert check_update("Service", ext, old) == []
    unallocated = service()
    new = copy.deepcopy(unallocated)
    new["spec"]["clusterIP"] = "10.96.0.12"
    assert check_update("Service", new, unallocated) == []


def test_type_change_may_carry_old_values() -> None:
    old = service(type="NodePort", clusterIP="10.96.0.10", ports=[{"port": 80, "nodePort": 30080}])
    new = copy.deepcopy(old)
    new["spec"]["type"] = "ClusterIP"
    assert check_update("Service", new, old) == []
    new["spec"]["ports"][0]["nodePort"] = 30081
    find(check_update("Service", new, old), "spec.ports[0].nodePort", "FieldValueForbidden")
    ext = copy.deepcopy(old)
    ext["spec"].update(type="ExternalName", externalName="db.example.com")
    assert check_update("Service", ext, old) == []
    ext["spec"]["clusterIP"] = "10.96.0.99"
    find(check_update("Service", ext, old), "spec.clusterIP", "FieldValueForbidden")


def test_service_status() -> None:
    old = valid("Service")
    new = copy.deepcopy(old)
    new["status"] = {"loadBalancer": {"ingress": [{"ip": "not-an-ip"}]}}
    find(
        validate_status_update("Service", new, old),
        "status.loadBalancer.ingress[0].ip",
        "FieldValueInvalid",
    )


# --- Endpoints -----------------------------------------------------------------------------


def test_endpoints_rules() -> None:
    obj = valid("Endpoints")
    obj["subsets"] = [
        {
            "addresses": [{"ip": "127.0.0.1"}, {"ip": "10.0.0.300", "hostname": "Bad"}],
            "ports": [{"port": 80}, {"port": 0, "name": "x", "protocol": "FTP"}],
        },
        {"ports": [{"port": 80}]},
        {"addresses": [{"ip": "10.0.0.1"}]},
    ]
    causes = check("Endpoints", obj)
    assert find(causes, "subsets[0].addresses[0].ip").message.endswith(
        "may not be in the loopback range (127.0.0.0/8, ::1/128)"
    )
    find(causes, "subsets[0].addresses[1].ip", "FieldValueInvalid")
    find(causes, "subsets[0].addresses[1].hostname", "FieldValueInvalid")
    find(causes, "subsets[0].ports[0].name", "FieldValueRequired")
    find(causes, "subsets[0].ports[1].port", "FieldValueInvalid")
    find(causes, "subsets[0].ports[1].protocol", "FieldValueNotSupported")
    find(causes, "subsets[1]", "FieldValueRequired")
    find(causes, "subsets[2].ports", "FieldValueRequired")


def test_empty_endpoints_are_fine() -> None:
    obj = valid("Endpoints")
    obj["subsets"] = []
    assert check("Endpoints", obj) == []


# --- EndpointSlice -------------------------------------------------------------------------


def test_endpointslice_rules() -> None:
    obj = valid("EndpointSlice")
    obj["endpoints"] = [
        {"addresses": ["fd00::1"]},
        {"addresses": []},
        {"addresses": ["10.0.0.1"], "conditions": {"ready": "yes"}, "hostname": "A"},
    ]
    obj["ports"] = [{"name": "web", "port": 80}, {"name": "web", "port": 99999}]
    causes = check("EndpointSlice", obj)
    assert find(causes, "endpoints[0].addresses[0]").message.endswith(
        "must be a valid IPv4 address"
    )
    find(causes, "endpoints[1].addresses", "FieldValueRequired")
    find(causes, "endpoints[2].conditions.ready", "FieldValueTypeInvalid")
    find(causes, "endpoints[2].hostname", "FieldValueInvalid")
    find(causes, "ports[1].name", "FieldValueDuplicate")
    find(causes, "ports[1].port", "FieldValueInvalid")


def test_endpointslice_address_type() -> None:
    obj = valid("EndpointSlice")
    obj["addressType"] = "IPv5"
    find(check("EndpointSlice", obj), "addressType", "FieldValueNotSupported")
    del obj["addressType"]
    find(check("EndpointSlice", obj), "addressType", "FieldValueRequired")
    fqdn = valid("EndpointSlice")
    fqdn["addressType"] = "FQDN"
    fqdn["endpoints"] = [{"addresses": ["db.example.com"]}]
    assert check("EndpointSlice", fqdn) == []
    old = valid("EndpointSlice")
    new = copy.deepcopy(old)
    new["addressType"] = "IPv6"
    new["endpoints"] = [{"addresses": ["fd00::1"]}]
    assert fields(check_update("EndpointSlice", new, old)) == ["addressType"]
