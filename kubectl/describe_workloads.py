"""`describe deployment|replicaset`: replicas, strategy, the pod template, conditions, and the
ReplicaSets a deployment controls (found as kubectl does: owner uid, then template match)."""

from __future__ import annotations

from typing import Any

from kubectl.describe import Writer, common_header, meta
from kubectl.describe_pod import Fetch, pod_template, selector_text

Obj = dict[str, Any]


def _conditions(w: Writer, conditions: list[Obj] | None) -> None:
    if not conditions:
        return
    w.raw("Conditions:")
    w.line(1, "Type", "Status", "Reason")
    w.line(1, "----", "------", "------")
    for c in conditions:
        w.line(1, c.get("type", ""), c.get("status", ""), c.get("reason", ""))


def deployment(w: Writer, obj: Obj, fetch: Fetch) -> None:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    common_header(w, obj, created=True)
    w.line(0, "Selector:", selector_text(spec.get("selector")))
    replicas = spec.get("replicas", 1)
    w.line(
        0,
        "Replicas:",
        f"{replicas} desired | {status.get('updatedReplicas', 0)} updated | "
        f"{status.get('replicas', 0)} total | {status.get('availableReplicas', 0)} available"
        f" | {status.get('unavailableReplicas', 0)} unavailable",
    )
    strategy = spec.get("strategy") or {}
    w.line(0, "StrategyType:", strategy.get("type", "RollingUpdate"))
    w.line(0, "MinReadySeconds:", spec.get("minReadySeconds", 0))
    ru = strategy.get("rollingUpdate")
    if strategy.get("type", "RollingUpdate") == "RollingUpdate" and ru is not None:
        w.line(
            0,
            "RollingUpdateStrategy:",
            f"{ru.get('maxUnavailable', '25%')} max unavailable, "
            f"{ru.get('maxSurge', '25%')} max surge",
        )
    pod_template(w, spec.get("template") or {})
    _conditions(w, status.get("conditions"))
    rss = owned_replicasets(obj, fetch)
    # the new ReplicaSet is the one whose template equals the deployment's (kubectl's
    # FindNewReplicaSet), the oldest one if several do
    want = _bare_template(spec.get("template") or {})
    new = [r for r in rss if _bare_template((r.get("spec") or {}).get("template") or {}) == want]
    new = sorted(new, key=lambda r: meta(r).get("creationTimestamp", ""))[:1]
    old = [r for r in rss if r not in new]
    if rss:
        w.line(0, "OldReplicaSets:", ", ".join(_rs_line(r) for r in old) or "<none>")
        w.line(0, "NewReplicaSet:", ", ".join(_rs_line(r) for r in new) or "<none>")


def _bare_template(tmpl: Obj) -> Obj:
    """A pod template without pod-template-hash and a null creationTimestamp."""
    import copy

    out = copy.deepcopy(tmpl)
    tm = out.setdefault("metadata", {})
    if tm.get("creationTimestamp") is None:
        tm.pop("creationTimestamp", None)
    labels = dict(tm.get("labels") or {})
    labels.pop("pod-template-hash", None)
    tm["labels"] = labels
    return out


def _rs_line(rs: Obj) -> str:
    st = rs.get("status") or {}
    return (
        f"{meta(rs).get('name')} ({st.get('replicas', 0)}/"
        f"{(rs.get('spec') or {}).get('replicas', 0)} replicas created)"
    )


def owned_replicasets(deploy: Obj, fetch: Fetch) -> list[Obj]:
    """ReplicaSets controlled by the deployment (ownerReferences uid + controller)."""
    m = meta(deploy)
    labels = ((deploy.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
    query = {"labelSelector": ",".join(f"{k}={v}" for k, v in sorted(labels.items()))}
    items = fetch(f"/apis/apps/v1/namespaces/{m.get('namespace')}/replicasets", query)
    return [
        rs
        for rs in items
        if any(
            o.get("uid") == m.get("uid") and o.get("controller")
            for o in meta(rs).get("ownerReferences") or []
        )
    ]


def replicaset(w: Writer, obj: Obj, fetch: Fetch) -> None:
    spec, status, m = obj.get("spec") or {}, obj.get("status") or {}, meta(obj)
    w.line(0, "Name:", m.get("name", ""))
    w.line(0, "Namespace:", m.get("namespace", ""))
    w.line(0, "Selector:", selector_text(spec.get("selector")))
    w.map(0, "Labels", m.get("labels"))
    w.annotations(0, m.get("annotations"))
    owners = [o for o in m.get("ownerReferences") or [] if o.get("controller")]
    if owners:
        w.line(0, "Controlled By:", f"{owners[0].get('kind')}/{owners[0].get('name')}")
    w.line(
        0, "Replicas:", f"{status.get('replicas', 0)} current / {spec.get('replicas', 1)} desired"
    )
    phases = {"Running": 0, "Pending": 0, "Succeeded": 0, "Failed": 0}
    labels = (spec.get("selector") or {}).get("matchLabels") or {}
    query = {"labelSelector": ",".join(f"{k}={v}" for k, v in sorted(labels.items()))}
    for p in fetch(f"/api/v1/namespaces/{m.get('namespace')}/pods", query):
        if any(
            o.get("uid") == m.get("uid") and o.get("controller")
            for o in meta(p).get("ownerReferences") or []
        ):
            phase = (p.get("status") or {}).get("phase", "Pending")
            phases[phase] = phases.get(phase, 0) + 1
    w.line(
        0,
        "Pods Status:",
        f"{phases['Running']} Running / {phases['Pending']} Waiting / "
        f"{phases['Succeeded']} Succeeded / {phases['Failed']} Failed",
    )
    pod_template(w, spec.get("template") or {})
    _conditions(w, status.get("conditions"))
