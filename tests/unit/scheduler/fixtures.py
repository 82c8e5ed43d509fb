"""Pod and node fixtures for the scheduler's unit tests (typed objects, no apiserver)."""

from __future__ import annotations

from typing import Any

from machinery.api import Node, Pod
from scheduler.nodeinfo import NodeInfo
from scheduler.podinfo import PodInfo, pod_info


def make_pod(
    name: str = "p",
    *,
    cpu: str | None = None,
    memory: str | None = None,
    namespace: str = "default",
    labels: dict[str, str] | None = None,
    priority: int | None = None,
    owner: str = "",
    host_port: int | None = None,
    node_name: str = "",
    created: str = "2026-01-01T00:00:00Z",
    **spec: Any,
) -> Pod:
    requests: dict[str, str] = {}
    if cpu:
        requests["cpu"] = cpu
    if memory:
        requests["memory"] = memory
    container: dict[str, Any] = {"name": "c", "image": "x", "resources": {"requests": requests}}
    if host_port:
        container["ports"] = [{"containerPort": 80, "hostPort": host_port}]
    meta: dict[str, Any] = {
        "name": name,
        "namespace": namespace,
        "uid": f"uid-{name}",
        "labels": labels or {},
        "creationTimestamp": created,
    }
    if owner:
        meta["ownerReferences"] = [
            {
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "name": owner,
                "uid": owner,
                "controller": True,
            }
        ]
    body: dict[str, Any] = {"metadata": meta, "spec": {"containers": [container], **spec}}
    if priority is not None:
        body["spec"]["priority"] = priority
    if node_name:
        body["spec"]["nodeName"] = node_name
    return Pod.model_validate(body)


def info(name: str = "p", **kw: Any) -> PodInfo:
    return pod_info(make_pod(name, **kw))


def make_node(
    name: str,
    *,
    cpu: str = "4",
    memory: str = "8Gi",
    pods: int = 110,
    labels: dict[str, str] | None = None,
    taints: list[dict[str, Any]] | None = None,
    ready: str = "True",
    unschedulable: bool = False,
) -> Node:
    return Node.model_validate(
        {
            "metadata": {
                "name": name,
                "labels": {"kubernetes.io/hostname": name, **(labels or {})},
            },
            "spec": {"taints": taints or [], "unschedulable": unschedulable},
            "status": {
                "allocatable": {"cpu": cpu, "memory": memory, "pods": str(pods)},
                "conditions": [{"type": "Ready", "status": ready}],
            },
        }
    )


def node_info(name: str = "n", *pods: PodInfo, **kw: Any) -> NodeInfo:
    n = NodeInfo(name)
    n.set_node(make_node(name, **kw))
    for p in pods:
        n.add_pod(p)
    return n
