"""The namespace controller: a Terminating namespace is emptied, then finalized.

reconcile(name): for a namespace with a deletionTimestamp and the `kubernetes`
finalizer, delete every object of every namespaced kind in it (machinery.resources has
the table); while anything is left (pods wait for their kubelet), look again shortly;
once it is empty, remove the finalizer through the namespaces/{name}/finalize
subresource, and the API server removes the namespace.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from controller_manager.base import Api, Controller
from machinery.api import Namespace
from machinery.api.base import KubeObject, kind_class
from machinery.errors import Conflict, NotFound
from machinery.informer import SharedInformerFactory
from machinery.resources import RESOURCES, ResourceInfo

log = logging.getLogger(__name__)

FINALIZER = "kubernetes"
RECHECK = 1.0


class NamespaceController(Controller):
    name = "namespace"

    def __init__(
        self, api: Api, informers: SharedInformerFactory, *, recheck: float = RECHECK, **kw: Any
    ) -> None:
        super().__init__(api, informers, **kw)
        self.recheck = recheck
        self.namespaces = informers.informer(Namespace)
        self.namespaces.add_handlers(
            on_add=self.enqueue, on_update=lambda old, new: self.enqueue(new)
        )

    async def reconcile(self, key: str) -> None:
        ns = self.namespaces.cache.get(key)
        if ns is None or not ns.metadata.deletion_timestamp:
            return
        if FINALIZER not in (ns.spec.finalizers or []):
            return
        left = sum(
            await asyncio.gather(*(self._empty(info, key) for info in RESOURCES if info.namespaced))
        )
        if left:
            log.info("namespace not empty yet namespace=%s objects=%d", key, left)
            self.queue.add_after(key, self.recheck)
            return
        new = ns.clone()
        new.spec.finalizers = [f for f in ns.spec.finalizers or [] if f != FINALIZER]
        try:
            await self.api.update(new, subresource="finalize")
        except (NotFound, Conflict):
            return
        log.info("namespace finalized namespace=%s", key)

    async def _empty(self, info: ResourceInfo, namespace: str) -> int:
        """Delete what is left of one kind; return how many objects still exist."""
        cls: type[KubeObject] = kind_class(info.api_version, info.kind)
        items = (await self.api.list(cls, namespace)).items
        for obj in items:
            if obj.metadata.deletion_timestamp:
                continue
            try:
                await self.api.delete(
                    cls, obj.metadata.name, namespace, propagation_policy="Background"
                )
            except NotFound:
                continue
        return len(items)
