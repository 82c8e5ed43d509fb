"""`describe node`: conditions, addresses, capacity, system info, the lease, its pods and
their requests/limits as a share of allocatable."""

from __future__ import annotations

from typing import Any

from kubectl.describe import Writer, meta, timestamp
from kubectl.describe_pod import Fetch

Obj = dict[str, Any]


def node(w: Writer, obj: Obj, fetch: Fetch) -> None:
    def fetch_lease(name: str) -> Obj | str:
        try:
            items = fetch(
                "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases",
                {"fieldSelector": f"metadata.name={name}"},
            )
        except Exception as e:  # shown inline, as kubectl does
            return f"Failed to get lease: {e}"
        if not items:
            return f'Failed to get lease: leases.coordination.k8s.io "{name}" not found'
        return items[0]

    spec, status, m = obj.get("spec") or {}, obj.get("status") or {}, meta(obj)
    w.line(0, "Name:", m.get("name", ""))
    roles = sorted(
        k.split("/", 1)[1]
        for k in (m.get("labels") or {})
        if k.startswith("node-role.kubernetes.io/")
    )
    w.line(0, "Roles:", ",".join(roles) or "<none>")
    w.map(0, "Labels", m.get("labels"))
    w.annotations(0, m.get("annotations"))
    w.line(0, "CreationTimestamp:", timestamp(m.get("creationTimestamp")))
    taints = spec.get("taints") or []
    if not taints:
        w.line(0, "Taints:", "<none>")
    for i, t in enumerate(taints):
        value = f"={t['value']}" if t.get("value") else ""
        w.line(0, "Taints:" if i == 0 else "", f"{t.get('key')}{value}:{t.get('effect')}")
    w.line(0, "Unschedulable:", "true" if spec.get("unschedulable") else "false")
    lease = fetch_lease(m.get("name", ""))
    if isinstance(lease, str):
        w.line(0, "Lease:", lease)
    else:
        ls = lease.get("spec") or {}
        w.raw("Lease:")
        w.line(1, "HolderIdentity:", ls.get("holderIdentity") or "<unset>")
        for title, key in (("AcquireTime:", "acquireTime"), ("RenewTime:", "renewTime")):
            w.line(1, title, timestamp(ls[key]) if ls.get(key) else "<unset>")
    conds = status.get("conditions") or []
    if conds:
        w.raw("Conditions:")
        w.line(1, "Type", "Status", "LastHeartbeatTime", "LastTransitionTime", "Reason", "Message")
        w.line(1, "----", "------", "-----------------", "------------------", "------", "-------")
        for c in conds:  # kubectl writes these cells with a trailing space
            cells = (
                c.get("type", ""),
                c.get("status", ""),
                timestamp(c.get("lastHeartbeatTime")),
                timestamp(c.get("lastTransitionTime")),
                c.get("reason", ""),
            )
            w.line(1, *(f"{v} " for v in cells), c.get("message", ""))
    w.raw("Addresses:")
    for a in status.get("addresses") or []:
        w.line(1, f"{a.get('type')}:", a.get("address", ""))
    for title, key in (("Capacity", "capacity"), ("Allocatable", "allocatable")):
        if status.get(key):
            w.raw(f"{title}:")
            for k, v in sorted(status[key].items()):
                w.line(1, f"{k}:", v)
    info = status.get("nodeInfo") or {}
    w.raw("System Info:")
    for title, key in (
        ("Machine ID", "machineID"),
        ("System UUID", "systemUUID"),
        ("Boot ID", "bootID"),
        ("Kernel Version", "kernelVersion"),
        ("OS Image", "osImage"),
        ("Operating System", "operatingSystem"),
        ("Architecture", "architecture"),
        ("Container Runtime Version", "containerRuntimeVersion"),
        ("Kubelet Version", "kubeletVersion"),
        ("Kube-Proxy Version", "kubeProxyVersion"),
    ):
        w.line(1, f"{title}:", info.get(key, ""))
    if spec.get("podCIDR"):
        w.line(0, "PodCIDR:", spec["podCIDR"])
    pods = fetch(
        "/api/v1/pods",
        {
            "fieldSelector": f"spec.nodeName={m.get('name')},"
            "status.phase!=Succeeded,status.phase!=Failed"
        },
    )
    _node_pods(w, pods, status.get("allocatable") or {})


def _node_pods(w: Writer, pods: list[Obj], allocatable: Obj) -> None:
    from decimal import Decimal

    from kubectl.nodeinfo import RESOURCES, cell, pod_totals
    from kubectl.printers import age

    w.line(0, "Non-terminated Pods:", f"({len(pods)} in total)")
    head = (
        "Namespace",
        "Name",
        "",
        "CPU Requests",
        "CPU Limits",
        "Memory Requests",
        "Memory Limits",
        "Age",
    )
    w.line(1, *head)
    w.line(1, *("-" * len(h) for h in head))
    sums: dict[str, dict[str, Decimal]] = {"requests": {}, "limits": {}}
    for p in pods:
        pm = meta(p)
        t = pod_totals(p)
        for kind, total in sums.items():
            for res, v in t[kind].items():
                total[res] = total.get(res, Decimal(0)) + v
        cells = [
            cell(t[k].get(r, Decimal(0)), r, allocatable)
            for r in ("cpu", "memory")
            for k in ("requests", "limits")
        ]
        w.line(
            1,
            pm.get("namespace", ""),
            pm.get("name", ""),
            "",
            *cells,
            age(pm.get("creationTimestamp")),
        )
    w.raw("Allocated resources:")
    w.raw("  (Total limits may be over 100 percent, i.e., overcommitted.)")
    w.line(1, "Resource", "Requests", "Limits")
    w.line(1, "--------", "--------", "------")
    for r in RESOURCES:
        w.line(
            1,
            r,
            cell(sums["requests"].get(r, Decimal(0)), r, allocatable),
            cell(sums["limits"].get(r, Decimal(0)), r, allocatable),
        )
