"""The Endpoints controller: one core/v1 Endpoints per Service with a selector.

reconcile(ns/name): the Service's backing pods (see backends.py) become subsets, one per
resolved port set, with ready pods under `addresses` and the others under
`notReadyAddresses` (each with targetRef and nodeName). Written only when different;
deleted with the Service.
"""

from __future__ import annotations

import logging
from typing import Any

from controller_manager.backends import Backend, ServiceBackendController, backends, selector
from controller_manager.base import Api, split_key
from machinery.api import Endpoints, Service
from machinery.errors import AlreadyExists, NotFound
from machinery.informer import SharedInformerFactory

log = logging.getLogger(__name__)


def _address(b: Backend) -> dict[str, Any]:
    pod = b.pod
    out: dict[str, Any] = {
        "ip": b.ip,
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


def desired_subsets(svc: Service, pods: Any) -> list[dict[str, Any]]:
    subsets = []
    for ports, group in sorted(backends(svc, pods).items(), key=lambda kv: str(kv[0])):
        subset: dict[str, Any] = {}
        ready = [_address(b) for b in group if b.ready]
        not_ready = [_address(b) for b in group if not b.ready]
        if ready:
            subset["addresses"] = ready
        if not_ready:
            subset["notReadyAddresses"] = not_ready
        if ports:
            subset["ports"] = [
                {**({"name": n} if n else {}), "port": p, "protocol": proto}
                for n, p, proto in ports
            ]
        subsets.append(subset)
    return subsets


class EndpointsController(ServiceBackendController):
    name = "endpoints"

    def __init__(self, api: Api, informers: SharedInformerFactory, **kw: Any) -> None:
        super().__init__(api, informers, **kw)
        self.endpoints = informers.informer(Endpoints)
        self.endpoints.add_handlers(on_delete=self.enqueue)

    async def reconcile(self, key: str) -> None:
        ns, name = split_key(key)
        svc = self.services.cache.get(key)
        current = self.endpoints.cache.get(key)
        if svc is None:
            if current is not None:
                try:
                    await self.api.delete(Endpoints, name, ns)
                except NotFound:
                    pass
            return
        if selector(svc) is None:
            return
        subsets = desired_subsets(svc, self.pods)
        labels = dict(svc.metadata.labels or {})
        if current is None:
            ep = Endpoints.model_validate(
                {"metadata": {"name": name, "namespace": ns, "labels": labels}, "subsets": subsets}
            )
            try:
                await self.api.create(ep)
            except AlreadyExists:
                raise  # the watch has not brought it yet: retry with back-off
            return
        have = [s.to_dict() for s in current.subsets or []]
        if have == subsets and (current.metadata.labels or {}) == labels:
            return
        new = current.clone()
        new.metadata.labels = labels
        new.subsets = Endpoints.model_validate({"subsets": subsets}).subsets
        await self.api.update(new)
