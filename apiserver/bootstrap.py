"""What exists from the start: system namespaces, the `kubernetes` Service, priority classes."""

from __future__ import annotations

import ipaddress
import logging
from typing import Any

from apiserver.admission import SYSTEM_PRIORITY_CLASSES
from apiserver.registry import lookup
from apiserver.store import Store
from machinery.errors import AlreadyExists, NotFound

log = logging.getLogger(__name__)

SYSTEM_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")


def _info(group: str, resource: str) -> Any:
    info = lookup(group, "v1", resource)
    assert info is not None
    return info


async def _ensure(
    store: Store, group: str, resource: str, ns: str | None, obj: dict[str, Any]
) -> None:
    info = _info(group, resource)
    try:
        await store.get(info, ns, obj["metadata"]["name"])
        return
    except NotFound:
        pass
    try:
        await store.create(info, ns, obj)
        log.info("bootstrap created resource=%s name=%s", resource, obj["metadata"]["name"])
    except AlreadyExists:
        pass


async def bootstrap(store: Store, *, service_ip: str, address: str, port: int) -> None:
    for ns in SYSTEM_NAMESPACES:
        await _ensure(store, "", "namespaces", None, {"metadata": {"name": ns}})
    for name, value in SYSTEM_PRIORITY_CLASSES.items():
        await _ensure(
            store,
            "scheduling.k8s.io",
            "priorityclasses",
            None,
            {
                "metadata": {"name": name},
                "value": value,
                "description": "Used for system critical pods that must not be moved from their "
                "current node.",
            },
        )
    await _ensure(
        store,
        "",
        "services",
        "default",
        {
            "metadata": {
                "name": "kubernetes",
                "namespace": "default",
                "labels": {"component": "apiserver", "provider": "kubernetes"},
            },
            "spec": {
                "type": "ClusterIP",
                "clusterIP": service_ip,
                "sessionAffinity": "None",
                "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": port}],
            },
        },
    )
    if ipaddress.ip_address(address).is_loopback:
        # Endpoints may not point at loopback (as in Kubernetes); a local, single-process
        # control plane has no other address to publish.
        log.info("bootstrap skips the kubernetes Endpoints: %s is loopback", address)
        return
    await _ensure(
        store,
        "",
        "endpoints",
        "default",
        {
            "metadata": {"name": "kubernetes", "namespace": "default"},
            "subsets": [
                {
                    "addresses": [{"ip": address}],
                    "ports": [{"name": "https", "port": port, "protocol": "TCP"}],
                }
            ],
        },
    )
