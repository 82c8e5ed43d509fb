"""`describe pod` and the pieces other describers share: containers with their state,
volumes, tolerations and the Pod Template section, in kubectl's layout."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kubectl.describe import Writer, meta, timestamp
from kubectl.printers import format_labels

Obj = dict[str, Any]
Fetch = Callable[[str, dict[str, Any]], list[Obj]]  # (path, query) -> items


def selector_text(sel: Obj | None) -> str:
    if not sel:
        return "<none>"
    parts = [f"{k}={v}" for k, v in sorted((sel.get("matchLabels") or {}).items())]
    for e in sel.get("matchExpressions") or []:
        op = e.get("operator", "")
        vals = ",".join(e.get("values") or [])
        if op == "In":
            parts.append(f"{e['key']} in ({vals})")
        elif op == "NotIn":
            parts.append(f"{e['key']} notin ({vals})")
        elif op == "Exists":
            parts.append(e["key"])
        else:
            parts.append(f"!{e['key']}")
    return ",".join(parts) or "<none>"


def _ports(ports: list[Obj] | None, key: str) -> str:
    if not ports:
        return "<none>"
    return ", ".join(f"{p.get(key, 0)}/{p.get('protocol') or 'TCP'}" for p in ports)


def _container(w: Writer, level: int, c: Obj, status: Obj | None, *, name_indent: str = "") -> None:
    w.raw((name_indent or "  " * level) + f"{c.get('name', '')}:")
    lvl = level + 1
    if status is not None:
        w.line(lvl, "Container ID:", status.get("containerID", ""))
    w.line(lvl, "Image:", c.get("image", ""))
    if status is not None:
        w.line(lvl, "Image ID:", status.get("imageID", ""))
    ports = c.get("ports") or []
    if len(ports) <= 1:
        w.line(lvl, "Port:", _ports(ports, "containerPort"))
        w.line(lvl, "Host Port:", _ports(ports, "hostPort") if ports else "<none>")
    else:
        w.line(lvl, "Ports:", _ports(ports, "containerPort"))
        w.line(lvl, "Host Ports:", _ports(ports, "hostPort"))
    if c.get("command"):
        w.raw("  " * lvl + "Command:")
        for part in c["command"]:
            w.line(lvl + 1, part)
    if c.get("args"):
        w.raw("  " * lvl + "Args:")
        for part in c["args"]:
            w.line(lvl + 1, part)
    if status is not None:
        _state(w, lvl, "State", status.get("state") or {})
        last = status.get("lastState") or {}
        if any(last.get(k) for k in ("running", "waiting", "terminated")):
            _state(w, lvl, "Last State", last)
        w.line(lvl, "Ready:", "True" if status.get("ready") else "False")
        w.line(lvl, "Restart Count:", status.get("restartCount", 0))
    res = c.get("resources") or {}
    for title, key in (("Limits", "limits"), ("Requests", "requests")):
        if res.get(key):
            w.raw("  " * lvl + f"{title}:")
            for k, v in sorted(res[key].items()):
                w.line(lvl + 1, f"{k}:", v)
    env = c.get("env") or []
    if not env:
        w.line(lvl, "Environment:", "<none>")
    else:
        w.raw("  " * lvl + "Environment:")
        for e in env:
            value = e.get("value")
            if value is None and e.get("valueFrom"):
                value = "<set from a reference>"
            w.line(lvl + 1, f"{e.get('name')}:", value if value is not None else "")
    mounts = c.get("volumeMounts") or []
    if not mounts:
        w.line(lvl, "Mounts:", "<none>")
    else:
        w.raw("  " * lvl + "Mounts:")
        for m in mounts:
            ro = "ro" if m.get("readOnly") else "rw"
            w.line(lvl + 1, f"{m.get('mountPath')} from {m.get('name')} ({ro})")


def _state(w: Writer, lvl: int, title: str, state: Obj) -> None:
    """kubectl's printContainerState."""
    if state.get("running") is not None:
        w.line(lvl, f"{title}:", "Running")
        w.line(lvl + 1, "Started:", timestamp(state["running"].get("startedAt")))
    elif state.get("waiting") is not None:
        w.line(lvl, f"{title}:", "Waiting")
        if state["waiting"].get("reason"):
            w.line(lvl + 1, "Reason:", state["waiting"]["reason"])
    elif state.get("terminated") is not None:
        t = state["terminated"]
        w.line(lvl, f"{title}:", "Terminated")
        if t.get("reason"):
            w.line(lvl + 1, "Reason:", t["reason"])
        if t.get("message"):
            w.line(lvl + 1, "Message:", t["message"])
        w.line(lvl + 1, "Exit Code:", t.get("exitCode", 0))
        if t.get("signal"):
            w.line(lvl + 1, "Signal:", t["signal"])
        w.line(lvl + 1, "Started:", timestamp(t.get("startedAt")))
        w.line(lvl + 1, "Finished:", timestamp(t.get("finishedAt")))
    else:
        w.line(lvl, f"{title}:", "Waiting")


_VOLUME_TYPES: dict[str, tuple[str, tuple[tuple[str, str, Any], ...]]] = {
    # source key: (Type line, ((label, field, default), ...)) as kubectl prints them
    "emptyDir": (
        "EmptyDir (a temporary directory that shares a pod's lifetime)",
        (("Medium", "medium", ""), ("SizeLimit", "sizeLimit", "<unset>")),
    ),
    "hostPath": (
        "HostPath (bare host directory volume)",
        (("Path", "path", ""), ("HostPathType", "type", "")),
    ),
    "configMap": (
        "ConfigMap (a volume populated by a ConfigMap)",
        (("Name", "name", ""), ("Optional", "optional", "false")),
    ),
    "secret": (
        "Secret (a volume populated by a Secret)",
        (("SecretName", "secretName", ""), ("Optional", "optional", "false")),
    ),
    "persistentVolumeClaim": (
        "PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)",
        (("ClaimName", "claimName", ""), ("ReadOnly", "readOnly", "false")),
    ),
}


def _volumes(w: Writer, level: int, vols: list[Obj] | None) -> None:
    if not vols:
        w.line(level, "Volumes:", "<none>")
        return
    w.raw("  " * level + "Volumes:")
    for v in vols:
        w.raw("  " * (level + 1) + f"{v.get('name')}:")
        for k in (k for k in v if k != "name"):
            src = v.get(k) or {}
            known = _VOLUME_TYPES.get(k)
            if known is None:
                w.line(level + 2, "Type:", k)
                for kk, vv in sorted(src.items()):
                    w.line(level + 2, f"{kk[0].upper()}{kk[1:]}:", vv)
                continue
            w.line(level + 2, "Type:", known[0])
            for label, field, default in known[1]:
                value = src.get(field, default)
                if isinstance(value, bool):
                    value = "true" if value else "false"
                w.line(level + 2, f"{label}:", value)


def _tolerations(w: Writer, level: int, tols: list[Obj] | None) -> None:
    if not tols:
        w.line(level, "Tolerations:", "<none>")
        return
    for i, t in enumerate(tols):
        text = t.get("key", "")
        if t.get("value"):
            text += f"={t['value']}"
        if t.get("effect"):
            text += f":{t['effect']}"
        if t.get("operator") == "Exists" and not t.get("value"):
            text += " op=Exists"
        if t.get("tolerationSeconds") is not None:
            text += f" for {t['tolerationSeconds']}s"
        w.line(level, "Tolerations:" if i == 0 else "", text)


def pod(w: Writer, obj: Obj, fetch: Fetch) -> None:
    m, spec, status = meta(obj), obj.get("spec") or {}, obj.get("status") or {}
    w.line(0, "Name:", m.get("name", ""))
    w.line(0, "Namespace:", m.get("namespace", ""))
    w.line(0, "Priority:", spec.get("priority", 0))
    if spec.get("priorityClassName"):
        w.line(0, "Priority Class Name:", spec["priorityClassName"])
    w.line(0, "Service Account:", spec.get("serviceAccountName") or "default")
    node = spec.get("nodeName")
    w.line(0, "Node:", f"{node}/{status.get('hostIP', '')}" if node else "<none>")
    if status.get("startTime"):
        w.line(0, "Start Time:", timestamp(status["startTime"]))
    w.map(0, "Labels", m.get("labels"))
    w.annotations(0, m.get("annotations"))
    if m.get("deletionTimestamp"):
        w.line(0, "Status:", f"Terminating (lasts {timestamp(m['deletionTimestamp'])})")
    else:
        w.line(0, "Status:", status.get("phase", ""))
    if status.get("reason"):
        w.line(0, "Reason:", status["reason"])
    w.line(0, "IP:", status.get("podIP", ""))
    ips = [p.get("ip", "") for p in status.get("podIPs") or []]
    if ips:
        w.raw("IPs:")
        for ip in ips:
            w.line(1, "IP:", ip)
    else:
        w.line(0, "IPs:", "<none>")
    owners = [o for o in m.get("ownerReferences") or [] if o.get("controller")]
    if owners:
        w.line(0, "Controlled By:", f"{owners[0].get('kind')}/{owners[0].get('name')}")
    statuses = {s.get("name"): s for s in status.get("containerStatuses") or []}
    for title, key in (("Init Containers", "initContainers"), ("Containers", "containers")):
        if spec.get(key):
            w.raw(f"{title}:")
            for c in spec[key]:
                _container(w, 1, c, statuses.get(c.get("name")) if statuses else None)
    if status.get("conditions"):
        w.raw("Conditions:")
        w.line(1, "Type", "Status")
        for c in status["conditions"]:  # kubectl writes each cell with a trailing space
            w.line(1, f"{c.get('type', '')} ", f"{c.get('status', '')} ")
    _volumes(w, 0, spec.get("volumes"))
    if status.get("qosClass"):
        w.line(0, "QoS Class:", status["qosClass"])
    w.line(0, "Node-Selectors:", format_labels(spec.get("nodeSelector")))
    _tolerations(w, 0, spec.get("tolerations"))


def pod_template(w: Writer, tmpl: Obj) -> None:
    w.raw("Pod Template:")
    tm, ts = tmpl.get("metadata") or {}, tmpl.get("spec") or {}
    w.map(1, "Labels", tm.get("labels"))
    if tm.get("annotations"):
        w.annotations(1, tm.get("annotations"))
    w.raw("  Containers:")
    for c in ts.get("containers") or []:
        _container(w, 1, c, None, name_indent="   ")
    _volumes(w, 1, ts.get("volumes"))
    w.line(1, "Node-Selectors:", format_labels(ts.get("nodeSelector")))
    _tolerations(w, 1, ts.get("tolerations"))
