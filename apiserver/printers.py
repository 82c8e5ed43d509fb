"""Per-kind table printers, as kube-apiserver's pkg/printers/internalversion does them.

Each `<kind>_cells(obj, now)` gives one object's row cells in the order of the
columns `apiserver.tables` declares for the kind. The API server always prints the
wide form: priority-1 cells are part of every row, kubectl hides them unless `-o wide`.

Objects are plain JSON dicts that may lack fields the real API server would have
defaulted (spec.replicas, service type, port protocol...); the printers apply those
defaults so the cells look like upstream's.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

Obj = dict[str, Any]
Cells = list[Any]

NONE = "<none>"
UNKNOWN = "<unknown>"


# --------------------------------------------------------------------------- time


def parse_time(value: datetime | str | None) -> datetime | None:
    """An RFC3339 timestamp as an aware datetime; None when missing or unparseable.

    A timestamp without a zone is read as UTC.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    else:
        try:
            dt = datetime.fromisoformat(str(value).replace("z", "Z"))
        except ValueError:
            return None
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


def human_duration(seconds_float: float) -> str:
    """k8s.io/apimachinery/pkg/util/duration.HumanDuration for a duration in seconds."""
    seconds = int(seconds_float)  # Go truncates toward zero
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 60 * 2:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 10:
        s = seconds % 60
        return f"{minutes}m" if s == 0 else f"{minutes}m{s}s"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = seconds // 3600
    if hours < 8:
        m = minutes % 60
        return f"{hours}h" if m == 0 else f"{hours}h{m}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        h = hours % 24
        return f"{hours // 24}d" if h == 0 else f"{hours // 24}d{h}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        years = hours // 24 // 365
        return f"{years}y" if dy == 0 else f"{years}y{dy}d"
    return f"{hours // 24 // 365}y"


def human_age(since: datetime | str | None, now: datetime) -> str:
    """Time elapsed since `since`, like kubectl's AGE column; "<unknown>" when missing."""
    start = parse_time(since)
    if start is None:
        return UNKNOWN
    end = now if now.tzinfo is not None else now.replace(tzinfo=UTC)
    return human_duration((end - start).total_seconds())


# ------------------------------------------------------------------ small formatters


def _get(obj: Any, *path: str) -> Any:
    """obj[path[0]][path[1]]..., None as soon as a step is missing or not a dict."""
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def format_labels(labels: dict[str, str] | None) -> str:
    """labels.FormatLabels: "a=b,c=d" in key order, "<none>" when empty."""
    if not labels:
        return NONE
    return ",".join(f"{k}={labels[k]}" for k in sorted(labels))


def selector_string(selector: Obj | None) -> str:
    """metav1.LabelSelectorAsSelector(sel).String(); "" for a nil or empty selector."""
    if not selector:
        return ""
    reqs: list[tuple[str, str]] = []
    for key, value in (selector.get("matchLabels") or {}).items():
        reqs.append((key, f"{key}={value}"))
    for expr in selector.get("matchExpressions") or []:
        key = expr.get("key", "")
        op = expr.get("operator", "")
        values = ",".join(sorted(expr.get("values") or []))
        text = {
            "In": f"{key} in ({values})",
            "NotIn": f"{key} notin ({values})",
            "Exists": key,
            "DoesNotExist": f"!{key}",
        }.get(op, f"{key} {op} ({values})")
        reqs.append((key, text))
    reqs.sort(key=lambda r: r[0])
    return ",".join(text for _, text in reqs)


def format_selector(selector: Obj | None) -> str:
    """metav1.FormatLabelSelector: like selector_string but "<none>" when empty."""
    return selector_string(selector) or NONE


def containers_cells(pod_spec: Obj | None) -> tuple[str, str]:
    """(names, images) of a pod template's containers, comma-joined."""
    containers = (pod_spec or {}).get("containers") or []
    names = ",".join(str(c.get("name", "")) for c in containers)
    images = ",".join(str(c.get("image", "")) for c in containers)
    return names, images


def _with_more(items: list[str], count: int, limit: int = 3, empty: str = "<unset>") -> str:
    """Upstream's listWithMoreString: the first `limit` items then "+ N more..."."""
    text = ",".join(items[:limit])
    if count > limit:
        return f"{text} + {count - limit} more..."
    return text or empty


def _join_host_port(host: str, port: Any) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


# -------------------------------------------------------------------- cell helpers


def _name(obj: Obj) -> str:
    return str(_get(obj, "metadata", "name") or "")


def _age(obj: Obj, now: datetime) -> str:
    return human_age(_get(obj, "metadata", "creationTimestamp"), now)


def _int(value: Any, default: int = 0) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


# -- workloads ----------------------------------------------------------------------


def deployment_cells(obj: Obj, now: datetime) -> Cells:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    names, images = containers_cells(_get(spec, "template", "spec"))
    ready = f"{_int(status.get('readyReplicas'))}/{_int(spec.get('replicas'), 1)}"
    return [
        _name(obj),
        ready,
        _int(status.get("updatedReplicas")),
        _int(status.get("availableReplicas")),
        _age(obj, now),
        names,
        images,
        selector_string(spec.get("selector")),
    ]


def replicaset_cells(obj: Obj, now: datetime) -> Cells:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    names, images = containers_cells(_get(spec, "template", "spec"))
    return [
        _name(obj),
        _int(spec.get("replicas"), 1),
        _int(status.get("replicas")),
        _int(status.get("readyReplicas")),
        _age(obj, now),
        names,
        images,
        format_selector(spec.get("selector")),
    ]


def daemonset_cells(obj: Obj, now: datetime) -> Cells:
    spec, st = obj.get("spec") or {}, obj.get("status") or {}
    names, images = containers_cells(_get(spec, "template", "spec"))
    return [
        _name(obj),
        _int(st.get("desiredNumberScheduled")),
        _int(st.get("currentNumberScheduled")),
        _int(st.get("numberReady")),
        _int(st.get("updatedNumberScheduled")),
        _int(st.get("numberAvailable")),
        format_labels(_get(spec, "template", "spec", "nodeSelector")),
        _age(obj, now),
        names,
        images,
        format_selector(spec.get("selector")),
    ]


def statefulset_cells(obj: Obj, now: datetime) -> Cells:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    names, images = containers_cells(_get(spec, "template", "spec"))
    ready = f"{_int(status.get('readyReplicas'))}/{_int(spec.get('replicas'), 1)}"
    return [_name(obj), ready, _age(obj, now), names, images]


def _condition_true(conditions: Any, ctype: str) -> bool:
    """True when the first condition of type `ctype` has status "True"."""
    for cond in conditions or []:
        if cond.get("type") == ctype:
            return bool(cond.get("status") == "True")
    return False


def job_cells(obj: Obj, now: datetime) -> Cells:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    succeeded = _int(status.get("succeeded"))
    completions = spec.get("completions")
    parallelism = spec.get("parallelism")
    if completions is not None:
        done = f"{succeeded}/{completions}"
    elif _int(parallelism) > 1:
        done = f"{succeeded}/1 of {parallelism}"
    else:
        done = f"{succeeded}/1"
    start, end = parse_time(status.get("startTime")), parse_time(status.get("completionTime"))
    duration = ""
    if start is not None:
        duration = human_duration(((end or now) - start).total_seconds())
    conds = status.get("conditions")
    if _condition_true(conds, "Complete"):
        state = "Complete"
    elif _condition_true(conds, "Failed"):
        state = "Failed"
    elif _get(obj, "metadata", "deletionTimestamp"):
        state = "Terminating"
    elif _condition_true(conds, "Suspended"):
        state = "Suspended"
    elif _condition_true(conds, "FailureTarget"):
        state = "FailureTarget"
    else:
        state = "Running"
    names, images = containers_cells(_get(spec, "template", "spec"))
    return [
        _name(obj),
        state,
        done,
        duration,
        _age(obj, now),
        names,
        images,
        format_selector(spec.get("selector")),
    ]


def cronjob_cells(obj: Obj, now: datetime) -> Cells:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    last = status.get("lastScheduleTime")
    suspend = spec.get("suspend", False)
    job_spec = _get(spec, "jobTemplate", "spec") or {}
    names, images = containers_cells(_get(job_spec, "template", "spec"))
    return [
        _name(obj),
        spec.get("schedule", ""),
        spec.get("timeZone") or NONE,
        "<unset>" if suspend is None else ("True" if suspend else "False"),
        len(status.get("active") or []),
        human_age(last, now) if last else NONE,
        _age(obj, now),
        names,
        images,
        format_selector(job_spec.get("selector")),
    ]


# -- pods -----------------------------------------------------------------------------


def _later(current: datetime | None, state: Any) -> datetime | None:
    """The later of `current` and lastState.terminated.finishedAt."""
    finished = parse_time(_get(state, "terminated", "finishedAt"))
    if finished is not None and (current is None or current < finished):
        return finished
    return current


def pod_summary(pod: Obj, now: datetime) -> tuple[str, str, str]:
    """(ready "n/m", status reason, restarts) exactly as upstream printPod computes them."""
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    phase = status.get("phase") or ""
    reason = status.get("reason") or phase
    for cond in status.get("conditions") or []:
        if cond.get("type") == "PodScheduled" and cond.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"

    init_specs = spec.get("initContainers") or []
    sidecars = {c.get("name") for c in init_specs if c.get("restartPolicy") == "Always"}
    total = len(spec.get("containers") or []) + sum(
        1 for c in init_specs if c.get("restartPolicy") == "Always"
    )
    ready = restarts = sidecar_restarts = 0
    last_restart: datetime | None = None
    last_sidecar_restart: datetime | None = None

    initializing = False
    for i, cs in enumerate(status.get("initContainerStatuses") or []):
        restarts += _int(cs.get("restartCount"))
        last_restart = _later(last_restart, cs.get("lastState"))
        is_sidecar = cs.get("name") in sidecars
        if is_sidecar:
            sidecar_restarts += _int(cs.get("restartCount"))
            last_sidecar_restart = _later(last_sidecar_restart, cs.get("lastState"))
        state = cs.get("state") or {}
        terminated, waiting = state.get("terminated"), state.get("waiting")
        if terminated is not None and _int(terminated.get("exitCode")) == 0:
            continue
        if is_sidecar and cs.get("started") is True:
            if cs.get("ready"):
                ready += 1
            continue
        if terminated is not None:
            if terminated.get("reason"):
                reason = "Init:" + terminated["reason"]
            elif _int(terminated.get("signal")):
                reason = f"Init:Signal:{terminated['signal']}"
            else:
                reason = f"Init:ExitCode:{_int(terminated.get('exitCode'))}"
        elif (
            waiting is not None and waiting.get("reason") and waiting["reason"] != "PodInitializing"
        ):
            reason = "Init:" + waiting["reason"]
        else:
            reason = f"Init:{i}/{len(init_specs)}"
        initializing = True
        break

    if not initializing or _condition_true(status.get("conditions"), "Initialized"):
        restarts, last_restart = sidecar_restarts, last_sidecar_restart
        has_running = False
        for cs in reversed(status.get("containerStatuses") or []):
            restarts += _int(cs.get("restartCount"))
            last_restart = _later(last_restart, cs.get("lastState"))
            state = cs.get("state") or {}
            waiting, terminated = state.get("waiting"), state.get("terminated")
            if waiting is not None and waiting.get("reason"):
                reason = waiting["reason"]
            elif terminated is not None and terminated.get("reason"):
                reason = terminated["reason"]
            elif terminated is not None:
                if _int(terminated.get("signal")):
                    reason = f"Signal:{terminated['signal']}"
                else:
                    reason = f"ExitCode:{_int(terminated.get('exitCode'))}"
            elif cs.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            reason = "Running" if _condition_true(status.get("conditions"), "Ready") else "NotReady"

    if _get(pod, "metadata", "deletionTimestamp"):
        if status.get("reason") == "NodeLost":
            reason = "Unknown"
        elif phase not in ("Succeeded", "Failed"):
            reason = "Terminating"

    restarts_text = str(restarts)
    if restarts != 0 and last_restart is not None:
        restarts_text = f"{restarts} ({human_age(last_restart, now)} ago)"
    return f"{ready}/{total}", reason, restarts_text


def pod_cells(pod: Obj, now: datetime) -> Cells:
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    ready, reason, restarts = pod_summary(pod, now)
    ips = status.get("podIPs") or []
    pod_ip = (ips[0].get("ip") if ips else status.get("podIP")) or NONE
    gates = spec.get("readinessGates") or []
    gates_text = NONE
    if gates:
        conds = {c.get("type"): c for c in reversed(status.get("conditions") or [])}
        true = sum(
            1 for g in gates if (conds.get(g.get("conditionType")) or {}).get("status") == "True"
        )
        gates_text = f"{true}/{len(gates)}"
    return [
        _name(pod),
        ready,
        reason,
        restarts,
        _age(pod, now),
        pod_ip,
        spec.get("nodeName") or NONE,
        status.get("nominatedNodeName") or NONE,
        gates_text,
    ]


def pod_conditions(pod: Obj) -> list[Obj]:
    phase = _get(pod, "status", "phase")
    if phase == "Succeeded":
        message = "The pod has completed successfully."
    elif phase == "Failed":
        message = "The pod failed."
    else:
        return []
    return [{"type": "Completed", "status": "True", "reason": phase, "message": message}]


# -- services and networking --------------------------------------------------------------


def _external_ip(svc: Obj) -> str:
    spec = svc.get("spec") or {}
    external = [str(ip) for ip in spec.get("externalIPs") or []]
    svc_type = spec.get("type") or "ClusterIP"
    if svc_type in ("ClusterIP", "NodePort"):
        return ",".join(external) or NONE
    if svc_type == "LoadBalancer":
        ingress = _get(svc, "status", "loadBalancer", "ingress") or []
        lb = sorted({i.get("ip") or i.get("hostname") for i in ingress} - {None, ""})
        return ",".join(lb + external) or "<pending>"
    if svc_type == "ExternalName":
        return str(spec.get("externalName", ""))
    return UNKNOWN


def _ports(ports: list[Obj]) -> str:
    pieces = []
    for p in ports:
        proto = p.get("protocol") or "TCP"
        node_port = _int(p.get("nodePort"))
        port = p.get("port")
        pieces.append(f"{port}:{node_port}/{proto}" if node_port > 0 else f"{port}/{proto}")
    return ",".join(pieces) or NONE


def service_cells(svc: Obj, now: datetime) -> Cells:
    spec = svc.get("spec") or {}
    ips = spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else [])
    return [
        _name(svc),
        spec.get("type") or "ClusterIP",
        ips[0] if ips else NONE,
        _external_ip(svc),
        _ports(spec.get("ports") or []),
        _age(svc, now),
        format_labels(spec.get("selector")),
    ]


def format_endpoints(endpoints: Obj) -> str:
    """Upstream formatEndpoints: "ip:port,..." (at most 3) then "+ N more..."."""
    subsets = endpoints.get("subsets") or []
    if not subsets:
        return NONE
    items: list[str] = []
    count = 0
    for ss in subsets:
        addresses = [str(a.get("ip", "")) for a in ss.get("addresses") or []]
        ports = ss.get("ports") or []
        if not ports:
            count += len(addresses)
            items.extend(addresses)
            continue
        for port in ports:
            count += len(addresses)
            items.extend(_join_host_port(ip, port.get("port")) for ip in addresses)
    text = ",".join(items[:3])
    return f"{text} + {count - 3} more..." if count > 3 else text


def endpoints_cells(obj: Obj, now: datetime) -> Cells:
    return [_name(obj), format_endpoints(obj), _age(obj, now)]


def endpointslice_cells(obj: Obj, now: datetime) -> Cells:
    ports = []
    for p in obj.get("ports") or []:
        if p.get("port") is not None:
            ports.append(str(p["port"]))
        elif p.get("name") is not None:
            ports.append(str(p["name"]))
        else:
            ports.append("*")
    addresses = [str(a) for e in obj.get("endpoints") or [] for a in e.get("addresses") or []]
    return [
        _name(obj),
        obj.get("addressType", ""),
        _with_more(ports, len(ports)),
        _with_more(addresses, len(addresses)),
        _age(obj, now),
    ]


# -- cluster objects -------------------------------------------------------------------


def node_status(node: Obj) -> str:
    """ "Ready", "NotReady", "Unknown", plus ",SchedulingDisabled" when cordoned."""
    status = ["Unknown"]
    for cond in _get(node, "status", "conditions") or []:
        if cond.get("type") == "Ready":
            status = ["Ready" if cond.get("status") == "True" else "NotReady"]
    if _get(node, "spec", "unschedulable"):
        status.append("SchedulingDisabled")
    return ",".join(status)


def node_roles(node: Obj) -> str:
    roles = set()
    for key, value in (_get(node, "metadata", "labels") or {}).items():
        if key.startswith("node-role.kubernetes.io/"):
            role = key.removeprefix("node-role.kubernetes.io/")
            if role:
                roles.add(role)
        elif key == "kubernetes.io/role" and value:
            roles.add(value)
    return ",".join(sorted(roles)) or NONE


def _node_address(node: Obj, kind: str) -> str:
    for addr in _get(node, "status", "addresses") or []:
        if addr.get("type") == kind:
            return str(addr.get("address", ""))
    return NONE


def node_cells(node: Obj, now: datetime) -> Cells:
    info = _get(node, "status", "nodeInfo") or {}
    return [
        _name(node),
        node_status(node),
        node_roles(node),
        _age(node, now),
        info.get("kubeletVersion", ""),
        _node_address(node, "InternalIP"),
        _node_address(node, "ExternalIP"),
        info.get("osImage") or UNKNOWN,
        info.get("kernelVersion") or UNKNOWN,
        info.get("containerRuntimeVersion") or UNKNOWN,
    ]


def namespace_cells(obj: Obj, now: datetime) -> Cells:
    phase = _get(obj, "status", "phase") or (
        "Terminating" if _get(obj, "metadata", "deletionTimestamp") else "Active"
    )
    return [_name(obj), phase, _age(obj, now)]


def configmap_cells(obj: Obj, now: datetime) -> Cells:
    count = len(obj.get("data") or {}) + len(obj.get("binaryData") or {})
    return [_name(obj), count, _age(obj, now)]


def secret_cells(obj: Obj, now: datetime) -> Cells:
    keys = set(obj.get("data") or {}) | set(obj.get("stringData") or {})
    return [_name(obj), obj.get("type") or "Opaque", len(keys), _age(obj, now)]


def serviceaccount_cells(obj: Obj, now: datetime) -> Cells:
    return [_name(obj), len(obj.get("secrets") or []), _age(obj, now)]


def lease_cells(obj: Obj, now: datetime) -> Cells:
    return [_name(obj), _get(obj, "spec", "holderIdentity") or "", _age(obj, now)]


def priorityclass_cells(obj: Obj, now: datetime) -> Cells:
    return [
        _name(obj),
        _int(obj.get("value")),
        bool(obj.get("globalDefault", False)),
        _age(obj, now),
        obj.get("preemptionPolicy") or "PreemptLowerPriority",
    ]


def event_cells(ev: Obj, now: datetime) -> Cells:
    first = human_age(ev.get("firstTimestamp"), now)
    if parse_time(ev.get("firstTimestamp")) is None:
        first = human_age(ev.get("eventTime"), now)
    last = human_age(ev.get("lastTimestamp"), now)
    if parse_time(ev.get("lastTimestamp")) is None:
        last = first
    count = _int(ev.get("count"))
    series = ev.get("series")
    if series:
        last = human_age(series.get("lastObservedTime"), now)
        count = _int(series.get("count"))
    elif count == 0:
        count = 1
    involved = ev.get("involvedObject") or {}
    kind = str(involved.get("kind", "")).lower()
    target = f"{kind}/{involved['name']}" if involved.get("name") else kind
    source = ev.get("source") or {}
    component = source.get("component") or ev.get("reportingComponent") or ""
    host = source.get("host") or ev.get("reportingInstance") or ""
    return [
        last,
        ev.get("type", ""),
        ev.get("reason", ""),
        target,
        involved.get("fieldPath", ""),
        f"{component}, {host}" if host else component,
        str(ev.get("message", "")).strip(),
        first,
        count,
        _name(ev),
    ]


def default_cells(obj: Obj, now: datetime) -> Cells:
    created = parse_time(_get(obj, "metadata", "creationTimestamp"))
    stamp = (created or datetime(1, 1, 1, tzinfo=UTC)).astimezone(UTC)
    return [_name(obj), stamp.replace(microsecond=0, tzinfo=None).isoformat() + "Z"]
