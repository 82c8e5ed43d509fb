"""PodSpec (ValidatePodSpec) and PodTemplateSpec, shared by pods and every workload."""

from __future__ import annotations

from typing import Any

from .common import (
    Errs,
    as_bool,
    as_dict,
    as_int,
    as_list,
    as_str,
    check_enum,
    check_msgs,
    check_nonneg,
    forbidden,
    invalid,
    not_supported,
    required,
    required_detail,
    type_error,
)
from .containers import validate_containers
from .meta import validate_annotations, validate_labels
from .names import dns1123_label_msgs, dns1123_subdomain_msgs, ip_msgs
from .scheduling import validate_affinity, validate_tolerations, validate_topology_spread
from .volumes import validate_volumes

RESTART_POLICIES = ("Always", "Never", "OnFailure")
DNS_POLICIES = ("ClusterFirst", "ClusterFirstWithHostNet", "Default", "None")
MAX_INT32 = 2147483647


def validate_pod_spec(errs: Errs, path: str, value: Any) -> dict[str, Any] | None:
    """Validate a PodSpec at `path` (`spec`, `spec.template.spec`, ...); returns it."""
    if value is None:
        errs.append(required(f"{path}.containers"))
        return None
    spec = as_dict(errs, path, value)
    if spec is None:
        return None
    volumes = (
        validate_volumes(errs, f"{path}.volumes", spec.get("volumes"))
        if spec.get("volumes")
        else set()
    )
    host_network = spec.get("hostNetwork") is True
    names: set[str] = set()
    host_ports: set[str] = set()
    containers = spec.get("containers")
    if not containers:
        if containers is None or containers == []:
            errs.append(required(f"{path}.containers"))
        else:
            errs.append(type_error(f"{path}.containers", containers, "a list"))
    else:
        validate_containers(
            errs,
            f"{path}.containers",
            containers,
            volumes=volumes,
            names=names,
            init=False,
            host_network=host_network,
            host_ports=host_ports,
        )
    inits = spec.get("initContainers")
    if inits:
        validate_containers(
            errs,
            f"{path}.initContainers",
            inits,
            volumes=volumes,
            names=names,
            init=True,
            host_network=host_network,
            host_ports=host_ports,
        )
    rp = spec.get("restartPolicy")
    if rp not in RESTART_POLICIES:
        check_enum(errs, f"{path}.restartPolicy", rp, RESTART_POLICIES, need=True)
    dp = spec.get("dnsPolicy")
    if dp not in DNS_POLICIES:
        check_enum(errs, f"{path}.dnsPolicy", dp, DNS_POLICIES, need=True)
    ns = spec.get("nodeSelector")
    if ns:
        validate_labels(errs, f"{path}.nodeSelector", ns)
    for key, fn in (
        ("serviceAccountName", dns1123_subdomain_msgs),
        ("serviceAccount", dns1123_subdomain_msgs),
        ("nodeName", dns1123_subdomain_msgs),
        ("priorityClassName", dns1123_subdomain_msgs),
        ("hostname", dns1123_label_msgs),
        ("subdomain", dns1123_label_msgs),
    ):
        v = spec.get(key)
        if v:
            if type(v) is not str:
                errs.append(type_error(f"{path}.{key}", v, "a string"))
            elif fn(v):
                check_msgs(errs, f"{path}.{key}", v, fn)
    ads = spec.get("activeDeadlineSeconds")
    if ads is not None:
        v = as_int(errs, f"{path}.activeDeadlineSeconds", ads)
        if v is not None and not 1 <= v <= MAX_INT32:
            errs.append(
                invalid(
                    f"{path}.activeDeadlineSeconds",
                    v,
                    f"must be between 1 and {MAX_INT32}, inclusive",
                )
            )
    tgps = spec.get("terminationGracePeriodSeconds")
    if tgps is not None and (type(tgps) is not int or tgps < 0):
        check_nonneg(errs, f"{path}.terminationGracePeriodSeconds", tgps)
    prio = spec.get("priority")
    if prio is not None:
        as_int(errs, f"{path}.priority", prio)
    for key in (
        "hostNetwork",
        "hostPID",
        "hostIPC",
        "enableServiceLinks",
        "shareProcessNamespace",
        "automountServiceAccountToken",
        "setHostnameAsFQDN",
        "hostUsers",
    ):
        if key in spec:
            as_bool(errs, f"{path}.{key}", spec[key])
    as_str(errs, f"{path}.schedulerName", spec.get("schedulerName"))
    _rest(errs, path, spec)
    return spec


def _rest(errs: Errs, path: str, spec: dict[str, Any]) -> None:
    """The less common fields, kept out of the hot path above."""
    if spec.get("tolerations"):
        validate_tolerations(errs, f"{path}.tolerations", spec["tolerations"])
    if spec.get("affinity") is not None:
        validate_affinity(errs, f"{path}.affinity", spec["affinity"])
    if spec.get("topologySpreadConstraints"):
        validate_topology_spread(
            errs, f"{path}.topologySpreadConstraints", spec["topologySpreadConstraints"]
        )
    sc = spec.get("securityContext")
    if sc is not None:
        sctx = as_dict(errs, f"{path}.securityContext", sc)
        for key in ("runAsUser", "runAsGroup", "fsGroup"):
            if sctx and key in sctx:
                v = as_int(errs, f"{path}.securityContext.{key}", sctx[key])
                if v is not None and not 0 <= v <= MAX_INT32:
                    errs.append(
                        invalid(
                            f"{path}.securityContext.{key}",
                            v,
                            f"must be between 0 and {MAX_INT32}, inclusive",
                        )
                    )
    secrets = as_list(errs, f"{path}.imagePullSecrets", spec.get("imagePullSecrets"))
    for i, s in enumerate(secrets or ()):
        d = as_dict(errs, f"{path}.imagePullSecrets[{i}]", s)
        if d is not None:
            as_str(errs, f"{path}.imagePullSecrets[{i}].name", d.get("name"))
    aliases = as_list(errs, f"{path}.hostAliases", spec.get("hostAliases"))
    for i, a in enumerate(aliases or ()):
        d = as_dict(errs, f"{path}.hostAliases[{i}]", a)
        if d is not None:
            ip = as_str(errs, f"{path}.hostAliases[{i}].ip", d.get("ip"))
            check_msgs(errs, f"{path}.hostAliases[{i}].ip", ip or "", ip_msgs)
    _dns_config(errs, path, spec)


def _dns_config(errs: Errs, path: str, spec: dict[str, Any]) -> None:
    cfg = as_dict(errs, f"{path}.dnsConfig", spec.get("dnsConfig"))
    if spec.get("dnsPolicy") == "None":
        if cfg is None:
            errs.append(
                required_detail(
                    f"{path}.dnsConfig", "must provide `dnsConfig` when `dnsPolicy` is None"
                )
            )
            return
        if not cfg.get("nameservers"):
            errs.append(
                required_detail(
                    f"{path}.dnsConfig.nameservers",
                    "must provide at least one DNS nameserver when `dnsPolicy` is None",
                )
            )
    if not cfg:
        return
    servers = as_list(errs, f"{path}.dnsConfig.nameservers", cfg.get("nameservers"))
    if servers and len(servers) > 3:
        errs.append(
            invalid(
                f"{path}.dnsConfig.nameservers", servers, "must not have more than 3 nameservers"
            )
        )
    for i, s in enumerate(servers or ()):
        ns = as_str(errs, f"{path}.dnsConfig.nameservers[{i}]", s)
        check_msgs(errs, f"{path}.dnsConfig.nameservers[{i}]", ns or "", ip_msgs)
    searches = as_list(errs, f"{path}.dnsConfig.searches", cfg.get("searches"))
    for i, s in enumerate(searches or ()):
        as_str(errs, f"{path}.dnsConfig.searches[{i}]", s)


def validate_pod_template(
    errs: Errs,
    path: str,
    value: Any,
    *,
    restart_policies: tuple[str, ...] = ("Always",),
    deadline_msg: str = "",
) -> dict[str, Any] | None:
    """A PodTemplateSpec at `path`.

    `restart_policies` restricts spec.restartPolicy; a non-empty `deadline_msg` forbids
    spec.activeDeadlineSeconds (replica sets and daemon sets run forever).
    """
    tmpl = as_dict(errs, path, value)
    if tmpl is None:
        if value is None:
            errs.append(required(f"{path}.spec.containers"))
        return None
    meta = as_dict(errs, f"{path}.metadata", tmpl.get("metadata"))
    if meta:
        if meta.get("labels"):
            validate_labels(errs, f"{path}.metadata.labels", meta["labels"])
        if meta.get("annotations"):
            validate_annotations(errs, f"{path}.metadata.annotations", meta["annotations"])
    spec = validate_pod_spec(errs, f"{path}.spec", tmpl.get("spec"))
    if spec is not None:
        rp = spec.get("restartPolicy")
        if rp in RESTART_POLICIES and rp not in restart_policies:
            errs.append(not_supported(f"{path}.spec.restartPolicy", rp, list(restart_policies)))
        if deadline_msg and spec.get("activeDeadlineSeconds") is not None:
            errs.append(forbidden(f"{path}.spec.activeDeadlineSeconds", deadline_msg))
    return tmpl
