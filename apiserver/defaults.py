"""Defaulting: fill in what Kubernetes fills in before validation (SetDefaults_* & admission).

`apply_defaults(kind, obj)` mutates a wire-shaped object in place and is idempotent, so
it can run on create and on update. It mirrors Kubernetes' `SetDefaults_*` functions and
the default admission plugins that shape pods (ServiceAccount, Priority,
DefaultTolerationSeconds), so objects read back look as they do on a real cluster.
Values of the wrong type are left alone for validation to report.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from apiserver.validation.volumes import ALL_SOURCES

__all__ = ["apply_defaults"]

Obj = dict[str, Any]
_PROBE_DEFAULTS = (
    ("timeoutSeconds", 1),
    ("periodSeconds", 10),
    ("successThreshold", 1),
    ("failureThreshold", 3),
)
_MODE_SOURCES = ("configMap", "secret", "projected", "downwardAPI")
_NOT_READY, _UNREACHABLE = "node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"


def apply_defaults(kind: str, obj: Obj) -> None:
    """Fill Kubernetes' defaults for `kind` into `obj` (in place; idempotent)."""
    if isinstance(obj, dict):
        fn = _DEFAULTERS.get(kind)
        if fn is not None:
            fn(obj)


def _dict(parent: Obj, key: str, *, create: bool = False) -> Obj | None:
    """parent[key] if it is a dict (created empty when missing and `create`)."""
    v = parent.get(key)
    if v is None and create:
        v = parent[key] = {}
    return v if type(v) is dict else None


def _dicts(parent: Obj, key: str) -> list[Obj]:
    v = parent.get(key)
    return [x for x in v if type(x) is dict] if type(v) is list else []


def _unset(d: Obj, key: str) -> bool:
    v = d.get(key)
    return v is None or v == ""


def _default(d: Obj, key: str, value: Any) -> None:
    v = d.get(key)
    if v is None or v == "":
        d[key] = value


def _pull_policy(image: Any) -> str:
    """Always for `:latest` or an untagged, undigested image; else IfNotPresent."""
    if type(image) is not str or not image:
        return "IfNotPresent"
    name, _, digest = image.partition("@")
    last = name.rsplit("/", 1)[-1]
    tag = last.partition(":")[2]
    if not tag and not digest:
        tag = "latest"
    return "Always" if tag == "latest" else "IfNotPresent"


def _http_get(handler: Obj | None) -> None:
    hg = _dict(handler, "httpGet") if handler is not None else None
    if hg is not None:
        _default(hg, "path", "/")
        _default(hg, "scheme", "HTTP")


def _field_ref(holder: Obj) -> None:
    ref = _dict(holder, "fieldRef")
    if ref is not None:
        _default(ref, "apiVersion", "v1")


def _container(c: Obj, host_network: bool) -> None:
    if _unset(c, "imagePullPolicy"):
        c["imagePullPolicy"] = _pull_policy(c.get("image"))
    _default(c, "terminationMessagePath", "/dev/termination-log")
    _default(c, "terminationMessagePolicy", "File")
    if c.get("resources") is None:
        c["resources"] = {}
    for port in _dicts(c, "ports"):
        _default(port, "protocol", "TCP")
        if host_network and not port.get("hostPort"):
            port["hostPort"] = port.get("containerPort")
    for key in ("livenessProbe", "readinessProbe", "startupProbe"):
        probe = _dict(c, key)
        if probe is None:
            continue
        for field, value in _PROBE_DEFAULTS:
            v = probe.get(field)
            if v is None or (type(v) is int and v == 0):
                probe[field] = value
        _http_get(probe)
    lifecycle = _dict(c, "lifecycle")
    if lifecycle is not None:
        _http_get(_dict(lifecycle, "postStart"))
        _http_get(_dict(lifecycle, "preStop"))
    for env in _dicts(c, "env"):
        src = _dict(env, "valueFrom")
        if src is not None:
            _field_ref(src)
            res = _dict(src, "resourceFieldRef")
            if res is not None:
                _default(res, "divisor", "0")


def _volume(v: Obj) -> None:
    if all(v.get(k) is None for k in ALL_SOURCES):
        v["emptyDir"] = {}
        return
    for key in _MODE_SOURCES:
        src = _dict(v, key)
        if src is not None and src.get("defaultMode") is None:
            src["defaultMode"] = 420
    host_path = _dict(v, "hostPath")
    if host_path is not None and host_path.get("type") is None:
        host_path["type"] = ""
    downward = _dict(v, "downwardAPI")
    for item in _dicts(downward, "items") if downward is not None else ():
        _field_ref(item)
    projected = _dict(v, "projected")
    for source in _dicts(projected, "sources") if projected is not None else ():
        dapi = _dict(source, "downwardAPI")
        for item in _dicts(dapi, "items") if dapi is not None else ():
            _field_ref(item)
        token = _dict(source, "serviceAccountToken")
        if token is not None and token.get("expirationSeconds") is None:
            token["expirationSeconds"] = 3600


def _pod_spec(spec: Obj, *, job: bool = False) -> None:
    """SetDefaults_PodSpec and friends; `job` keeps the template's restartPolicy unset."""
    _default(spec, "dnsPolicy", "ClusterFirst")
    if not job:
        _default(spec, "restartPolicy", "Always")
    if spec.get("securityContext") is None:
        spec["securityContext"] = {}
    if spec.get("terminationGracePeriodSeconds") is None:
        spec["terminationGracePeriodSeconds"] = 30
    _default(spec, "schedulerName", "default-scheduler")
    sa, old_sa = spec.get("serviceAccountName"), spec.get("serviceAccount")
    if sa and _unset(spec, "serviceAccount"):
        spec["serviceAccount"] = sa
    elif old_sa and _unset(spec, "serviceAccountName"):
        spec["serviceAccountName"] = old_sa
    host_network = spec.get("hostNetwork") is True
    for c in _dicts(spec, "containers"):
        _container(c, host_network)
    for c in _dicts(spec, "initContainers"):
        _container(c, host_network)
    for v in _dicts(spec, "volumes"):
        _volume(v)


def _template(parent: Obj | None, *, job: bool = False) -> None:
    tmpl = _dict(parent, "template") if parent is not None else None
    spec = _dict(tmpl, "spec") if tmpl is not None else None
    if spec is not None:
        _pod_spec(spec, job=job)


def _pod(obj: Obj) -> None:
    spec = _dict(obj, "spec")
    if spec is None:
        return
    _pod_spec(spec)
    _default(spec, "serviceAccountName", "default")
    _default(spec, "serviceAccount", spec["serviceAccountName"])
    if spec.get("enableServiceLinks") is None:
        spec["enableServiceLinks"] = True
    if _unset(spec, "priorityClassName"):
        if spec.get("priority") is None:
            spec["priority"] = 0
        _default(spec, "preemptionPolicy", "PreemptLowerPriority")
    for c in _dicts(spec, "containers") + _dicts(spec, "initContainers"):
        res = _dict(c, "resources")
        limits = _dict(res, "limits") if res is not None else None
        if res is not None and limits:
            requests = _dict(res, "requests", create=True)
            if requests is not None:
                for name, value in limits.items():
                    requests.setdefault(name, value)
    _default_tolerations(spec)


def _default_tolerations(spec: Obj) -> None:
    """DefaultTolerationSeconds: tolerate not-ready/unreachable nodes for 300s."""
    tols = spec.get("tolerations")
    if tols is None:
        tols = []
    elif type(tols) is not list:
        return
    not_ready = unreachable = False
    for t in tols:
        if type(t) is not dict or (t.get("effect") or "NoExecute") != "NoExecute":
            continue
        key = t.get("key") or ""
        not_ready = not_ready or key in ("", _NOT_READY)
        unreachable = unreachable or key in ("", _UNREACHABLE)
    for key, present in ((_NOT_READY, not_ready), (_UNREACHABLE, unreachable)):
        if not present:
            tols.append(
                {"key": key, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}
            )
    if tols:
        spec["tolerations"] = tols


def _rolling(strategy: Obj | None, **values: Any) -> None:
    if strategy is None:
        return
    _default(strategy, "type", "RollingUpdate")
    if strategy.get("type") == "RollingUpdate":
        ru = _dict(strategy, "rollingUpdate", create=True)
        if ru is not None:
            for key, value in values.items():
                if ru.get(key) is None:
                    ru[key] = value


def _deployment(obj: Obj) -> None:
    spec = _dict(obj, "spec", create=True)
    if spec is None:
        return
    for key, value in (
        ("replicas", 1),
        ("revisionHistoryLimit", 10),
        ("progressDeadlineSeconds", 600),
    ):
        if spec.get(key) is None:
            spec[key] = value
    _rolling(_dict(spec, "strategy", create=True), maxUnavailable="25%", maxSurge="25%")
    _template(spec)


def _replicaset(obj: Obj) -> None:
    spec = _dict(obj, "spec", create=True)
    if spec is not None:
        if spec.get("replicas") is None:
            spec["replicas"] = 1
        _template(spec)


def _daemonset(obj: Obj) -> None:
    spec = _dict(obj, "spec", create=True)
    if spec is None:
        return
    _rolling(_dict(spec, "updateStrategy", create=True), maxUnavailable=1, maxSurge=0)
    if spec.get("revisionHistoryLimit") is None:
        spec["revisionHistoryLimit"] = 10
    _template(spec)


def _statefulset(obj: Obj) -> None:
    spec = _dict(obj, "spec", create=True)
    if spec is None:
        return
    for key, value in (("replicas", 1), ("revisionHistoryLimit", 10)):
        if spec.get(key) is None:
            spec[key] = value
    _default(spec, "podManagementPolicy", "OrderedReady")
    strategy = _dict(spec, "updateStrategy", create=True)
    if strategy is not None:
        if _unset(strategy, "type"):
            strategy["type"] = "RollingUpdate"
            strategy.setdefault("rollingUpdate", {"partition": 0})
        ru = _dict(strategy, "rollingUpdate")
        if strategy.get("type") == "RollingUpdate" and ru is not None:
            ru.setdefault("partition", 0)
    policy = _dict(spec, "persistentVolumeClaimRetentionPolicy", create=True)
    if policy is not None:
        _default(policy, "whenDeleted", "Retain")
        _default(policy, "whenScaled", "Retain")
    _template(spec)


def _job(obj: Obj) -> None:
    spec = _dict(obj, "spec", create=True)
    if spec is None:
        return
    if spec.get("completions") is None and spec.get("parallelism") is None:
        spec["completions"] = 1
    if spec.get("parallelism") is None:
        spec["parallelism"] = 1
    if spec.get("backoffLimit") is None:
        spec["backoffLimit"] = 2147483647 if spec.get("backoffLimitPerIndex") is not None else 6
    _default(spec, "completionMode", "NonIndexed")
    if spec.get("suspend") is None:
        spec["suspend"] = False
    _default(
        spec,
        "podReplacementPolicy",
        "Failed" if spec.get("podFailurePolicy") else "TerminatingOrFailed",
    )
    _job_selector(obj, spec)
    _template(spec, job=True)
    meta = _dict(obj, "metadata", create=True)
    tmpl = _dict(spec, "template")
    tmeta = _dict(tmpl, "metadata") if tmpl is not None else None
    labels = _dict(tmeta, "labels") if tmeta is not None else None
    if meta is not None and labels and not meta.get("labels"):
        meta["labels"] = dict(labels)


def _job_selector(obj: Obj, spec: Obj) -> None:
    """Kubernetes generates a Job's selector from its uid (unless manualSelector)."""
    meta = _dict(obj, "metadata")
    uid = meta.get("uid") if meta is not None else None
    if spec.get("manualSelector") is True or spec.get("selector") is not None or not uid:
        return
    tmpl = _dict(spec, "template", create=True)
    tmeta = _dict(tmpl, "metadata", create=True) if tmpl is not None else None
    labels = _dict(tmeta, "labels", create=True) if tmeta is not None else None
    if labels is None or meta is None:
        return
    name = meta.get("name") or ""
    labels.update(
        {
            "batch.kubernetes.io/controller-uid": uid,
            "batch.kubernetes.io/job-name": name,
            "controller-uid": uid,
            "job-name": name,
        }
    )
    spec["selector"] = {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}


def _cronjob(obj: Obj) -> None:
    spec = _dict(obj, "spec", create=True)
    if spec is None:
        return
    _default(spec, "concurrencyPolicy", "Allow")
    for key, value in (
        ("suspend", False),
        ("successfulJobsHistoryLimit", 3),
        ("failedJobsHistoryLimit", 1),
    ):
        if spec.get(key) is None:
            spec[key] = value
    jt = _dict(spec, "jobTemplate")
    _template(_dict(jt, "spec") if jt is not None else None, job=True)


def _service(obj: Obj) -> None:
    spec = _dict(obj, "spec", create=True)
    if spec is None:
        return
    _default(spec, "type", "ClusterIP")
    _default(spec, "sessionAffinity", "None")
    stype = spec.get("type")
    if spec.get("sessionAffinity") == "ClientIP":
        cfg = _dict(spec, "sessionAffinityConfig", create=True)
        client = _dict(cfg, "clientIP", create=True) if cfg is not None else None
        if client is not None and client.get("timeoutSeconds") is None:
            client["timeoutSeconds"] = 10800
    for port in _dicts(spec, "ports"):
        _default(port, "protocol", "TCP")
        if port.get("targetPort") in (None, 0, "") and type(port.get("port")) is int:
            port["targetPort"] = port["port"]
    external = stype in ("NodePort", "LoadBalancer") or bool(spec.get("externalIPs"))
    if external:
        _default(spec, "externalTrafficPolicy", "Cluster")
    if stype != "ExternalName":
        _default(spec, "internalTrafficPolicy", "Cluster")
        _default(spec, "ipFamilyPolicy", "SingleStack")
        if not spec.get("ipFamilies"):
            spec["ipFamilies"] = ["IPv4"]
    if stype == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is None:
        spec["allocateLoadBalancerNodePorts"] = True


def _namespace(obj: Obj) -> None:
    meta = _dict(obj, "metadata", create=True)
    name = meta.get("name") if meta is not None else None
    if meta is not None and type(name) is str and name:
        labels = _dict(meta, "labels", create=True)
        if labels is not None:
            labels["kubernetes.io/metadata.name"] = name
    spec = _dict(obj, "spec", create=True)
    if spec is not None and spec.get("finalizers") is None:
        spec["finalizers"] = ["kubernetes"]
    status = _dict(obj, "status", create=True)
    if status is not None:
        _default(status, "phase", "Active")


def _secret(obj: Obj) -> None:
    _default(obj, "type", "Opaque")
    string_data = obj.get("stringData")
    if type(string_data) is dict and all(type(v) is str for v in string_data.values()):
        data = _dict(obj, "data", create=True)
        if data is not None:
            for key, value in string_data.items():
                data[key] = base64.b64encode(value.encode()).decode()
            del obj["stringData"]


def _node(obj: Obj) -> None:
    status = _dict(obj, "status")
    capacity = _dict(status, "capacity") if status is not None else None
    if status is not None and capacity is not None and status.get("allocatable") is None:
        status["allocatable"] = dict(capacity)


def _ports_protocol(ports: list[Obj], *, name: bool = False) -> None:
    for port in ports:
        _default(port, "protocol", "TCP")
        if name and port.get("name") is None:
            port["name"] = ""


def _endpoints(obj: Obj) -> None:
    for subset in _dicts(obj, "subsets"):
        _ports_protocol(_dicts(subset, "ports"))


def _endpointslice(obj: Obj) -> None:
    _ports_protocol(_dicts(obj, "ports"), name=True)


def _priorityclass(obj: Obj) -> None:
    _default(obj, "preemptionPolicy", "PreemptLowerPriority")


_DEFAULTERS: dict[str, Callable[[Obj], None]] = {
    "Pod": _pod,
    "Deployment": _deployment,
    "ReplicaSet": _replicaset,
    "DaemonSet": _daemonset,
    "StatefulSet": _statefulset,
    "Job": _job,
    "CronJob": _cronjob,
    "Service": _service,
    "Namespace": _namespace,
    "Secret": _secret,
    "Node": _node,
    "Endpoints": _endpoints,
    "EndpointSlice": _endpointslice,
    "PriorityClass": _priorityclass,
}
