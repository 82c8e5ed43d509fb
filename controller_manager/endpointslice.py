"""The EndpointSlice controller: discovery.k8s.io/v1 slices for every Service with a selector.

reconcile(ns/name): one slice per resolved port set (at most 100 endpoints each), named
`<service>-<n>`, labelled `kubernetes.io/service-name` and
`endpointslice.kubernetes.io/managed-by`, owned by the Service (so the garbage collector
removes them with it). Endpoints carry ready/serving/terminating, targetRef and nodeName.
"""

from __future__ import annotations

import logging
from typing import Any

from controller_manager.backends import Backend, ServiceBackendController, backends, selector
from controller_manager.base import Api, split_key
from controller_manager.podutil import controller_ref
from machinery.api import EndpointSlice, Service
from machinery.errors import NotFound
from machinery.informer import SharedInformerFactory

log = logging.getLogger(__name__)

SERVICE_NAME = "kubernetes.io/service-name"
MANAGED_BY = "endpointslice.kubernetes.io/managed-by"
MANAGER = "endpointslice-controller.k8s.io"
MAX_ENDPOINTS = 100


def _endpoint(b: Backend) -> dict[str, Any]:
    pod = b.pod
    out: dict[str, Any] = {
        "addresses": [b.ip],
        "conditions": {
            "ready": b.ready,
            "serving": pod.is_ready(),
            "terminating": b.terminating,
        },
        "targetRef": {
            "kind": "Pod",
            "namespace": pod.metadata.namespace,
            "name": pod.metadata.name,
            "uid": pod.metadata.uid,
        },
    }
    if pod.spec.node_name:
        out["nodeName"] = pod.spec.node_name
    return out


def desired_slices(svc: Service, pods: Any) -> list[dict[str, Any]]:
    """[{ports, endpoints}] in a stable order."""
    out = []
    groups = backends(svc, pods, include_terminating=True)
    for ports, group in sorted(groups.items(), key=lambda kv: str(kv[0])):
        wire_ports = [
            {**({"name": n} if n else {}), "port": p, "protocol": proto} for n, p, proto in ports
        ]
        for i in range(0, len(group), MAX_ENDPOINTS):
            chunk = group[i : i + MAX_ENDPOINTS]
            out.append({"ports": wire_ports, "endpoints": [_endpoint(b) for b in chunk]})
    return out


class EndpointSliceController(ServiceBackendController):
    name = "endpointslice"

    def __init__(self, api: Api, informers: SharedInformerFactory, **kw: Any) -> None:
        super().__init__(api, informers, **kw)
        self.slices = informers.informer(EndpointSlice)
        self.slices.add_handlers(on_delete=self._slice)

    def _slice(self, s: EndpointSlice) -> None:
        svc = (s.metadata.labels or {}).get(SERVICE_NAME)
        if svc and (s.metadata.labels or {}).get(MANAGED_BY) == MANAGER:
            self.queue.add(f"{s.metadata.namespace}/{svc}")

    def owned(self, namespace: str, name: str) -> list[EndpointSlice]:
        return [
            s
            for s in self.slices.cache.by_index("label", f"{SERVICE_NAME}={name}")
            if s.metadata.namespace == namespace
            and (s.metadata.labels or {}).get(MANAGED_BY) == MANAGER
        ]

    async def reconcile(self, key: str) -> None:
        ns, name = split_key(key)
        ns = ns or ""
        svc = self.services.cache.get(key)
        existing = {s.metadata.name: s for s in self.owned(ns, name)}
        if svc is None or selector(svc) is None:
            for s in existing.values():
                try:
                    await self.api.delete(EndpointSlice, s.metadata.name, ns)
                except NotFound:
                    pass
            return
        labels = {**(svc.metadata.labels or {}), SERVICE_NAME: name, MANAGED_BY: MANAGER}
        wanted = desired_slices(svc, self.pods)
        names = set()
        for i, body in enumerate(wanted):
            slice_name = f"{name}-{i}"
            names.add(slice_name)
            obj = EndpointSlice.model_validate(
                {
                    "metadata": {
                        "name": slice_name,
                        "namespace": ns,
                        "labels": labels,
                        "ownerReferences": [controller_ref(svc).to_dict()],
                    },
                    "addressType": "IPv4",
                    **body,
                }
            )
            current = existing.get(slice_name)
            if current is None:
                await self.api.create(obj)
                continue
            if (
                [e.to_dict() for e in current.endpoints or []] == body["endpoints"]
                and [p.to_dict() for p in current.ports or []] == body["ports"]
                and current.metadata.labels == labels
            ):
                continue
            new = current.clone()
            new.metadata.labels = labels
            new.endpoints = obj.endpoints
            new.ports = obj.ports
            await self.api.update(new)
        for slice_name, s in existing.items():
            if slice_name not in names:
                try:
                    await self.api.delete(EndpointSlice, slice_name, ns, uid=s.metadata.uid)
                except NotFound:
                    pass
