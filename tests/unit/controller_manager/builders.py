"""Typed objects for controller unit tests, with only the fields a controller reads."""

from __future__ import annotations

import uuid
from typing import Any

from machinery.api import Deployment, Node, Pod, ReplicaSet, Service
from machinery.api.base import KubeObject

NS = "default"
TEMPLATE = {
    "metadata": {"labels": {"app": "web"}},
    "spec": {"containers": [{"name": "c", "image": "nginx"}]},
}


def ref(owner: KubeObject, *, controller: bool = True, block: bool = True) -> dict[str, Any]:
    return {
        "apiVersion": owner.api_version,
        "kind": owner.kind,
        "name": owner.metadata.name,
        "uid": owner.metadata.uid,
        "controller": controller,
        "blockOwnerDeletion": block,
    }


def replicaset(
    name: str = "web-abc",
    *,
    replicas: int = 3,
    labels: dict[str, str] | None = None,
    owner: KubeObject | None = None,
    annotations: dict[str, str] | None = None,
    created: str = "2026-01-01T11:00:00Z",
    status: dict[str, Any] | None = None,
    template: dict[str, Any] | None = None,
    min_ready: int = 0,
) -> ReplicaSet:
    labels = labels or {"app": "web"}
    tmpl = template or {"metadata": {"labels": dict(labels)}, "spec": TEMPLATE["spec"]}
    meta: dict[str, Any] = {
        "name": name,
        "namespace": NS,
        "uid": str(uuid.uuid4()),
        "resourceVersion": "10",
        "generation": 1,
        "creationTimestamp": created,
        "labels": dict(labels),
        "annotations": annotations or {},
    }
    if owner is not None:
        meta["ownerReferences"] = [ref(owner)]
    return ReplicaSet.model_validate(
        {
            "metadata": meta,
            "spec": {
                "replicas": replicas,
                "minReadySeconds": min_ready,
                "selector": {"matchLabels": dict(labels)},
                "template": tmpl,
            },
            "status": status or {},
        }
    )


def pod(
    name: str,
    *,
    labels: dict[str, str] | None = None,
    owner: KubeObject | None = None,
    ready: bool = True,
    node: str | None = "n1",
    created: str = "2026-01-01T11:00:00Z",
    ready_since: str = "2026-01-01T11:00:00Z",
    phase: str = "Running",
    ip: str | None = "10.244.1.5",
    deleting: bool = False,
    **spec: Any,
) -> Pod:
    meta: dict[str, Any] = {
        "name": name,
        "namespace": NS,
        "uid": str(uuid.uuid4()),
        "resourceVersion": "20",
        "creationTimestamp": created,
        "labels": labels if labels is not None else {"app": "web"},
    }
    if owner is not None:
        meta["ownerReferences"] = [ref(owner)]
    if deleting:
        meta["deletionTimestamp"] = "2026-01-01T12:00:30Z"
    status: dict[str, Any] = {"phase": phase}
    if ip:
        status["podIP"] = ip
    status["conditions"] = [
        {"type": "Ready", "status": "True" if ready else "False", "lastTransitionTime": ready_since}
    ]
    body: dict[str, Any] = {"containers": [{"name": "c", "image": "nginx"}], **spec}
    if node:
        body["nodeName"] = node
    return Pod.model_validate({"metadata": meta, "spec": body, "status": status})


def deployment(
    name: str = "web",
    *,
    replicas: int = 4,
    strategy: dict[str, Any] | None = None,
    image: str = "nginx",
    paused: bool = False,
    generation: int = 1,
    status: dict[str, Any] | None = None,
    annotations: dict[str, str] | None = None,
    history: int = 10,
) -> Deployment:
    return Deployment.model_validate(
        {
            "metadata": {
                "name": name,
                "namespace": NS,
                "uid": str(uuid.uuid4()),
                "resourceVersion": "5",
                "generation": generation,
                "creationTimestamp": "2026-01-01T10:00:00Z",
                "annotations": annotations or {},
            },
            "spec": {
                "replicas": replicas,
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "c", "image": image}]},
                },
                "strategy": strategy
                or {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 1}},
                "revisionHistoryLimit": history,
                "progressDeadlineSeconds": 600,
                "paused": paused,
            },
            "status": status or {},
        }
    )


def service(name: str = "web", *, ports: list[dict[str, Any]] | None = None) -> Service:
    return Service.model_validate(
        {
            "metadata": {"name": name, "namespace": NS, "uid": str(uuid.uuid4())},
            "spec": {
                "selector": {"app": "web"},
                "ports": ports or [{"port": 80, "targetPort": 8080}],
            },
        }
    )


def node(
    name: str = "n1", *, ready: str = "True", taints: list[dict[str, Any]] | None = None
) -> Node:
    return Node.model_validate(
        {
            "metadata": {"name": name, "uid": str(uuid.uuid4()), "resourceVersion": "3"},
            "spec": {"taints": taints or []},
            "status": {
                "conditions": [
                    {
                        "type": "Ready",
                        "status": ready,
                        "lastHeartbeatTime": "2026-01-01T11:59:00Z",
                        "lastTransitionTime": "2026-01-01T11:00:00Z",
                    }
                ]
            },
        }
    )
