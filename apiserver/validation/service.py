"""Services and the objects that back them: Endpoints, EndpointSlice."""

from __future__ import annotations

from typing import Any

from machinery.errors import FIELD_FORBIDDEN

from .common import (
    Errs,
    as_bool,
    as_dict,
    as_int,
    as_list,
    as_str,
    check_enum,
    check_msgs,
    duplicate,
    forbidden,
    immutable,
    invalid,
    required,
    required_detail,
    type_error,
)
from .handlers import validate_port_num_or_name
from .meta import validate_labels
from .names import (
    PORT_RANGE,
    cidr_msgs,
    dns1123_label_msgs,
    dns1123_subdomain_msgs,
    ip_msgs,
    special_ip_msgs,
)

_EMPTY: dict[str, Any] = {}
SERVICE_TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")
PROTOCOLS = ("SCTP", "TCP", "UDP")
MAX_AFFINITY_SECONDS = 86400


def _port(errs: Errs, p: str, value: Any) -> None:
    v = as_int(errs, p, value)
    if v is None:
        if value is None:
            errs.append(invalid(p, 0, PORT_RANGE))
    elif not 1 <= v <= 65535:
        errs.append(invalid(p, v, PORT_RANGE))


def validate_service(errs: Errs, obj: dict[str, Any]) -> None:
    spec = as_dict(errs, "spec", obj.get("spec")) or _EMPTY
    stype = spec.get("type")
    check_enum(errs, "spec.type", stype, SERVICE_TYPES, need=True)
    cip = as_str(errs, "spec.clusterIP", spec.get("clusterIP")) or ""
    headless = cip == "None"
    if stype == "ExternalName":
        if cip:
            errs.append(forbidden("spec.clusterIP", "may not be set for ExternalName services"))
        ext = as_str(errs, "spec.externalName", spec.get("externalName")) or ""
        cname = ext[:-1] if ext.endswith(".") else ext
        if not cname:
            errs.append(required("spec.externalName"))
        else:
            check_msgs(errs, "spec.externalName", cname, dns1123_subdomain_msgs)
    elif cip and not headless:
        check_msgs(errs, "spec.clusterIP", cip, ip_msgs)
    cips = as_list(errs, "spec.clusterIPs", spec.get("clusterIPs"))
    if cips and cip and cips[0] != cip:
        errs.append(
            invalid(
                "spec.clusterIPs",
                cips,
                "must be empty or the first value must match spec.clusterIP",
            )
        )
    _service_ports(errs, spec, stype, headless)
    if spec.get("selector"):
        validate_labels(errs, "spec.selector", spec["selector"])
    _affinity(errs, spec)
    check_enum(
        errs, "spec.externalTrafficPolicy", spec.get("externalTrafficPolicy"), ("Cluster", "Local")
    )
    check_enum(
        errs, "spec.internalTrafficPolicy", spec.get("internalTrafficPolicy"), ("Cluster", "Local")
    )
    check_enum(
        errs,
        "spec.ipFamilyPolicy",
        spec.get("ipFamilyPolicy"),
        ("PreferDualStack", "RequireDualStack", "SingleStack"),
    )
    fams = as_list(errs, "spec.ipFamilies", spec.get("ipFamilies")) or []
    for i, f in enumerate(fams):
        check_enum(errs, f"spec.ipFamilies[{i}]", f, ("IPv4", "IPv6"), need=True)
        if f in fams[:i]:
            errs.append(duplicate(f"spec.ipFamilies[{i}]", f))
    for i, ip in enumerate(as_list(errs, "spec.externalIPs", spec.get("externalIPs")) or ()):
        check_msgs(errs, f"spec.externalIPs[{i}]", ip if isinstance(ip, str) else "", ip_msgs)
    for i, r in enumerate(
        as_list(errs, "spec.loadBalancerSourceRanges", spec.get("loadBalancerSourceRanges")) or ()
    ):
        check_msgs(
            errs, f"spec.loadBalancerSourceRanges[{i}]", r if isinstance(r, str) else "", cidr_msgs
        )
    as_bool(errs, "spec.allocateLoadBalancerNodePorts", spec.get("allocateLoadBalancerNodePorts"))
    as_bool(errs, "spec.publishNotReadyAddresses", spec.get("publishNotReadyAddresses"))


def _service_ports(errs: Errs, spec: dict[str, Any], stype: Any, headless: bool) -> None:
    raw = spec.get("ports")
    if raw is None or raw == []:
        if not headless and stype != "ExternalName":
            errs.append(required("spec.ports"))
        return
    ports = as_list(errs, "spec.ports", raw)
    if ports is None:
        return
    names: set[str] = set()
    keys: set[tuple[Any, Any]] = set()
    node_ports: set[tuple[Any, Any]] = set()
    for i, item in enumerate(ports):
        p = f"spec.ports[{i}]"
        sp = as_dict(errs, p, item)
        if sp is None:
            continue
        name = as_str(errs, f"{p}.name", sp.get("name"))
        if not name:
            if len(ports) > 1:
                errs.append(required(f"{p}.name"))
        else:
            check_msgs(errs, f"{p}.name", name, dns1123_label_msgs)
            if name in names:
                errs.append(duplicate(f"{p}.name", name))
            names.add(name)
        _port(errs, f"{p}.port", sp.get("port"))
        proto = sp.get("protocol")
        check_enum(errs, f"{p}.protocol", proto, PROTOCOLS, need=True)
        if sp.get("targetPort") is not None:
            validate_port_num_or_name(errs, f"{p}.targetPort", sp["targetPort"])
        key = (sp.get("port"), proto)
        if type(key[0]) is int and type(proto) is str:
            if key in keys:
                errs.append(duplicate(p, {"port": key[0], "protocol": proto}))
            keys.add(key)
        np_ = sp.get("nodePort")
        if np_:
            if stype in ("ClusterIP", "ExternalName"):
                errs.append(forbidden(f"{p}.nodePort", f"may not be used when `type` is '{stype}'"))
            else:
                _port(errs, f"{p}.nodePort", np_)
                if type(np_) is int and type(proto) is str:
                    if (np_, proto) in node_ports:
                        errs.append(duplicate(f"{p}.nodePort", np_))
                    node_ports.add((np_, proto))


def _affinity(errs: Errs, spec: dict[str, Any]) -> None:
    aff = spec.get("sessionAffinity")
    check_enum(errs, "spec.sessionAffinity", aff, ("ClientIP", "None"), need=True)
    cfg = as_dict(errs, "spec.sessionAffinityConfig", spec.get("sessionAffinityConfig"))
    if aff == "ClientIP":
        client = (
            as_dict(errs, "spec.sessionAffinityConfig.clientIP", (cfg or _EMPTY).get("clientIP"))
            or _EMPTY
        )
        p = "spec.sessionAffinityConfig.clientIP.timeoutSeconds"
        t = as_int(errs, p, client.get("timeoutSeconds"))
        if t is None or not 0 < t <= MAX_AFFINITY_SECONDS:
            errs.append(
                invalid(
                    p,
                    client.get("timeoutSeconds"),
                    f"must be greater than 0 and less than {MAX_AFFINITY_SECONDS}",
                )
            )
    elif aff == "None" and cfg:
        errs.append(
            forbidden("spec.sessionAffinityConfig", "must not be set when session affinity is None")
        )


def validate_service_update(errs: Errs, new: dict[str, Any], old: dict[str, Any]) -> None:
    """clusterIP is immutable unless the type moves to or from ExternalName.

    Values merely carried over from the old object when the type changes (a nodePort
    after NodePort -> ClusterIP, the clusterIP after -> ExternalName) are not held
    against the update: Kubernetes drops them (dropTypeDependentFields) and so does
    kubeling's allocator, which runs after validation.
    """
    ns, os_ = new.get("spec"), old.get("spec")
    if not isinstance(ns, dict) or not isinstance(os_, dict):
        return
    carried = _carried_over(ns, os_)
    if carried:
        errs[:] = [c for c in errs if (c.field, c.reason) not in carried]
    if "ExternalName" in (ns.get("type"), os_.get("type")):
        return
    if os_.get("clusterIP"):
        immutable(errs, "spec.clusterIP", ns.get("clusterIP"), os_.get("clusterIP"))


def _carried_over(ns: dict[str, Any], os_: dict[str, Any]) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    if ns.get("type") == os_.get("type"):
        return out
    if ns.get("clusterIP") and ns.get("clusterIP") == os_.get("clusterIP"):
        out.add(("spec.clusterIP", FIELD_FORBIDDEN))
    old_node_ports = {np_ for _, np_ in _node_ports(os_)}
    for i, np_ in _node_ports(ns):
        if np_ in old_node_ports:
            out.add((f"spec.ports[{i}].nodePort", FIELD_FORBIDDEN))
    return out


def _node_ports(spec: dict[str, Any]) -> list[tuple[int, int]]:
    ports = spec.get("ports")
    if not isinstance(ports, list):
        return []
    return [
        (i, p["nodePort"])
        for i, p in enumerate(ports)
        if isinstance(p, dict) and type(p.get("nodePort")) is int
    ]


def _endpoint_ports(errs: Errs, path: str, value: Any, *, optional_port: bool) -> None:
    ports = as_list(errs, path, value) or []
    names: set[str] = set()
    for i, item in enumerate(ports):
        p = f"{path}[{i}]"
        port = as_dict(errs, p, item)
        if port is None:
            continue
        name = as_str(errs, f"{p}.name", port.get("name"))
        if name:
            check_msgs(errs, f"{p}.name", name, dns1123_label_msgs)
            if name in names:
                errs.append(duplicate(f"{p}.name", name))
            names.add(name)
        elif len(ports) > 1 and not optional_port:
            errs.append(required(f"{p}.name"))
        if not optional_port or port.get("port") is not None:
            _port(errs, f"{p}.port", port.get("port"))
        check_enum(errs, f"{p}.protocol", port.get("protocol"), PROTOCOLS, need=True)


def validate_endpoints(errs: Errs, obj: dict[str, Any]) -> None:
    for i, ss in enumerate(as_list(errs, "subsets", obj.get("subsets")) or ()):
        p = f"subsets[{i}]"
        subset = as_dict(errs, p, ss)
        if subset is None:
            continue
        ready = as_list(errs, f"{p}.addresses", subset.get("addresses"))
        not_ready = as_list(errs, f"{p}.notReadyAddresses", subset.get("notReadyAddresses"))
        if not ready and not not_ready:
            errs.append(required_detail(p, "must specify `addresses` or `notReadyAddresses`"))
        for key, addrs in (("addresses", ready), ("notReadyAddresses", not_ready)):
            for j, a in enumerate(addrs or ()):
                _endpoint_address(errs, f"{p}.{key}[{j}]", a)
        if not subset.get("ports"):
            errs.append(required(f"{p}.ports"))
        else:
            _endpoint_ports(errs, f"{p}.ports", subset["ports"], optional_port=False)


def _endpoint_address(errs: Errs, p: str, value: Any) -> None:
    addr = as_dict(errs, p, value)
    if addr is None:
        return
    ip = as_str(errs, f"{p}.ip", addr.get("ip")) or ""
    msgs = ip_msgs(ip) or special_ip_msgs(ip)
    for msg in msgs:
        errs.append(invalid(f"{p}.ip", ip, msg))
    host = as_str(errs, f"{p}.hostname", addr.get("hostname"))
    if host:
        check_msgs(errs, f"{p}.hostname", host, dns1123_label_msgs)
    node = as_str(errs, f"{p}.nodeName", addr.get("nodeName"))
    if node:
        check_msgs(errs, f"{p}.nodeName", node, dns1123_subdomain_msgs)
    as_dict(errs, f"{p}.targetRef", addr.get("targetRef"))


def validate_endpointslice(errs: Errs, obj: dict[str, Any]) -> None:
    at = obj.get("addressType")
    check_enum(errs, "addressType", at, ("FQDN", "IPv4", "IPv6"), need=True)
    eps = as_list(errs, "endpoints", obj.get("endpoints")) or []
    if len(eps) > 1000:
        errs.append(invalid("endpoints", len(eps), "must have at most 1000 items"))
    for i, item in enumerate(eps):
        p = f"endpoints[{i}]"
        ep = as_dict(errs, p, item)
        if ep is None:
            continue
        addrs = as_list(errs, f"{p}.addresses", ep.get("addresses")) or []
        if not addrs:
            errs.append(required_detail(f"{p}.addresses", "must contain at least 1 address"))
        elif len(addrs) > 100:
            errs.append(invalid(f"{p}.addresses", len(addrs), "must have at most 100 items"))
        for j, a in enumerate(addrs):
            q = f"{p}.addresses[{j}]"
            if type(a) is not str:
                errs.append(type_error(q, a, "a string"))
            elif at == "IPv4":
                check_msgs(errs, q, a, lambda v: ip_msgs(v, family=4))
            elif at == "IPv6":
                check_msgs(errs, q, a, lambda v: ip_msgs(v, family=6))
            elif at == "FQDN":
                check_msgs(errs, q, a, dns1123_subdomain_msgs)
        cond = as_dict(errs, f"{p}.conditions", ep.get("conditions")) or _EMPTY
        for key in ("ready", "serving", "terminating"):
            as_bool(errs, f"{p}.conditions.{key}", cond.get(key))
        host = as_str(errs, f"{p}.hostname", ep.get("hostname"))
        if host:
            check_msgs(errs, f"{p}.hostname", host, dns1123_label_msgs)
        node = as_str(errs, f"{p}.nodeName", ep.get("nodeName"))
        if node:
            check_msgs(errs, f"{p}.nodeName", node, dns1123_subdomain_msgs)
    ports = obj.get("ports")
    if isinstance(ports, list) and len(ports) > 100:
        errs.append(invalid("ports", len(ports), "must have at most 100 items"))
    _endpoint_ports(errs, "ports", ports, optional_port=True)


def validate_endpointslice_update(errs: Errs, new: dict[str, Any], old: dict[str, Any]) -> None:
    immutable(errs, "addressType", new.get("addressType"), old.get("addressType"))
