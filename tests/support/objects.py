"""Small manifest builders for tests."""

from __future__ import annotations

from typing import Any


def pod(
    name: str,
    *,
    labels: dict[str, str] | None = None,
    image: str = "busybox:1.36",
    node: str | None = None,
    **spec: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": labels or {}},
        "spec": {"containers": [{"name": "main", "image": image}], **spec},
    }
    if node:
        body["spec"]["nodeName"] = node
    return body


def deployment(
    name: str, *, replicas: int = 1, image: str = "nginx:1.25", labels: dict[str, str] | None = None
) -> dict[str, Any]:
    labels = labels or {"app": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": dict(labels)},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": dict(labels)},
            "template": {
                "metadata": {"labels": dict(labels)},
                "spec": {"containers": [{"name": "web", "image": image}]},
            },
        },
    }


def service(
    name: str, *, selector: dict[str, str] | None = None, type_: str = "ClusterIP", port: int = 80
) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name},
        "spec": {"type": type_, "selector": selector or {"app": name}, "ports": [{"port": port}]},
    }
