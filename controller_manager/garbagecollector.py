"""The garbage collector: ownerReferences drive cascading deletion.

Level-triggered per object (`Kind/ns/name`), as Kubernetes' attemptToDelete/orphan:
- a dependent whose owners are all gone (confirmed against the API, by uid) is deleted
  (background); owners that are gone are removed from a dependent that still has others;
- an owner being deleted in the foreground (`foregroundDeletion` finalizer) has its
  dependents deleted, and keeps the finalizer until no dependent with
  blockOwnerDeletion is left;
- an owner being deleted with `orphan` has its ownerReference removed from every
  dependent, then loses the finalizer.
"""

from __future__ import annotations

import logging
from typing import Any

from controller_manager.base import Api, Controller
from machinery.api import (
    ConfigMap,
    CronJob,
    DaemonSet,
    Deployment,
    Endpoints,
    EndpointSlice,
    Job,
    Lease,
    Node,
    Pod,
    PriorityClass,
    ReplicaSet,
    Secret,
    Service,
    ServiceAccount,
    StatefulSet,
)
from machinery.api.base import KubeObject, OwnerReference, kind_class
from machinery.errors import Conflict, Invalid, NotFound, StatusError
from machinery.informer import Informer, SharedInformerFactory
from machinery.resources import by_kind

log = logging.getLogger(__name__)

WATCHED: tuple[type[KubeObject], ...] = (
    Node,  # mirror pods are owned by their Node
    Pod,
    ReplicaSet,
    Deployment,
    DaemonSet,
    StatefulSet,
    Job,
    CronJob,
    Service,
    Endpoints,
    EndpointSlice,
    ConfigMap,
    Secret,
    ServiceAccount,
    Lease,  # the kubelet's node Lease is owned by its Node
    PriorityClass,
)
ABSENT_MAX = 100_000
ORPHAN = "orphan"
FOREGROUND = "foregroundDeletion"


class GarbageCollector(Controller):
    name = "garbagecollector"

    def __init__(self, api: Api, informers: SharedInformerFactory, **kw: Any) -> None:
        super().__init__(api, informers, **kw)
        self.kinds: dict[str, Informer[Any]] = {}
        self.uids: dict[str, tuple[str, str]] = {}  # uid -> (kind, key)
        self.absent: set[str] = set()  # owner uids the API confirmed gone
        for cls in WATCHED:
            inf = informers.informer(cls)
            self.kinds[cls.KIND] = inf
            inf.add_handlers(
                on_add=self._changed,
                on_update=lambda old, new: self._changed(new),
                on_delete=self._deleted,
            )

    # ---- handlers ---------------------------------------------------------------------
    def _item(self, obj: KubeObject) -> str:
        return f"{obj.kind}/{obj.key}"

    def _changed(self, obj: KubeObject) -> None:
        if obj.metadata.uid:
            self.uids[obj.metadata.uid] = (obj.kind, obj.key)
        meta = obj.metadata
        if meta.owner_references or (
            meta.deletion_timestamp and {ORPHAN, FOREGROUND} & set(meta.finalizers or [])
        ):
            self.queue.add(self._item(obj))
        self._poke_deleting_owners(obj)

    def _deleted(self, obj: KubeObject) -> None:
        uid = obj.metadata.uid or ""
        self.uids.pop(uid, None)
        for dep in self.dependents(uid):
            self.queue.add(self._item(dep))
        self._poke_deleting_owners(obj)

    def _poke_deleting_owners(self, obj: KubeObject) -> None:
        for ref in obj.metadata.owner_references or []:
            owner = self._cached(ref.uid)
            if owner is not None and owner.metadata.deletion_timestamp:
                self.queue.add(self._item(owner))

    # ---- lookups ------------------------------------------------------------------------
    def _cached(self, uid: str) -> KubeObject | None:
        found = self.uids.get(uid)
        if found is None:
            return None
        inf = self.kinds.get(found[0])
        obj = inf.cache.get(found[1]) if inf is not None else None
        return obj if obj is not None and obj.metadata.uid == uid else None

    def dependents(self, uid: str) -> list[KubeObject]:
        out: list[KubeObject] = []
        for inf in self.kinds.values():
            out.extend(inf.cache.by_index("owner", uid))
        return out

    async def _owner_state(self, ref: OwnerReference, namespace: str | None) -> str:
        """ "solid", "dangling" or "waiting" (being deleted in the foreground)."""
        owner = self._cached(ref.uid)
        if owner is None:
            if ref.uid in self.absent:
                return "dangling"
            group = ref.api_version.rpartition("/")[0]
            info = by_kind(group, ref.kind)
            if info is None:
                return "solid"  # a kind we do not serve: never delete on its account
            cls = kind_class(ref.api_version, ref.kind)
            try:
                owner = await self.api.get(cls, ref.name, namespace if info.namespaced else None)
            except NotFound:
                self._remember_absent(ref.uid)
                return "dangling"
            if owner.metadata.uid != ref.uid:
                self._remember_absent(ref.uid)
                return "dangling"
        if owner.metadata.deletion_timestamp and FOREGROUND in (owner.metadata.finalizers or []):
            return "waiting"
        return "solid"

    def _remember_absent(self, uid: str) -> None:
        if len(self.absent) >= ABSENT_MAX:  # uids never come back; forgetting is only slower
            self.absent.clear()
        self.absent.add(uid)

    # ---- reconcile ----------------------------------------------------------------------
    async def reconcile(self, key: str) -> None:
        kind, _, obj_key = key.partition("/")
        inf = self.kinds.get(kind)
        obj = inf.cache.get(obj_key) if inf is not None else None
        if obj is None:
            return
        finalizers = obj.metadata.finalizers or []
        if obj.metadata.deletion_timestamp:
            if ORPHAN in finalizers:
                await self._orphan(obj)
            elif FOREGROUND in finalizers:
                await self._foreground(obj)
            return
        refs = obj.metadata.owner_references or []
        if not refs:
            return
        states = {r.uid: await self._owner_state(r, obj.metadata.namespace) for r in refs}
        gone = [r for r in refs if states[r.uid] != "solid"]
        if not gone:
            return
        if len(gone) < len(refs):
            log.info("removing owner references key=%s owners=%s", key, [r.name for r in gone])
            keep = [r.to_dict() for r in refs if states[r.uid] == "solid"]
            await self._patch_refs(obj, keep)
            return
        waiting = any(states[r.uid] == "waiting" for r in refs)
        policy = "Foreground" if waiting and self.dependents(obj.metadata.uid or "") else None
        log.info("deleting dependent key=%s policy=%s", key, policy or "Background")
        try:
            await self.api.delete(
                type(obj),
                obj.metadata.name,
                obj.metadata.namespace,
                uid=obj.metadata.uid,
                propagation_policy=policy or "Background",
            )
        except (NotFound, Conflict):
            return

    async def _patch_refs(self, obj: KubeObject, keep: list[dict[str, Any]]) -> None:
        ops: list[dict[str, Any]] = [
            {"op": "test", "path": "/metadata/uid", "value": obj.metadata.uid}
        ]
        if keep:
            ops.append({"op": "replace", "path": "/metadata/ownerReferences", "value": keep})
        else:
            ops.append({"op": "remove", "path": "/metadata/ownerReferences"})
        try:
            await self.api.patch(
                type(obj),
                obj.metadata.name,
                ops,
                namespace=obj.metadata.namespace,
                patch_type="json",
            )
        except (NotFound, Invalid):
            return
        except StatusError as e:
            if e.code != 422:
                raise

    async def _orphan(self, owner: KubeObject) -> None:
        uid = owner.metadata.uid or ""
        for dep in self.dependents(uid):
            keep = [r.to_dict() for r in dep.metadata.owner_references or [] if r.uid != uid]
            await self._patch_refs(dep, keep)
        log.info("orphaned dependents owner=%s", self._item(owner))
        await self._remove_finalizer(owner, ORPHAN)

    async def _foreground(self, owner: KubeObject) -> None:
        uid = owner.metadata.uid or ""
        blocking = 0
        for dep in self.dependents(uid):
            ref = next((r for r in dep.metadata.owner_references or [] if r.uid == uid), None)
            if ref is not None and ref.block_owner_deletion:
                blocking += 1
            if not dep.metadata.deletion_timestamp:
                self.queue.add(self._item(dep))
        if blocking == 0:
            log.info("foreground deletion done owner=%s", self._item(owner))
            await self._remove_finalizer(owner, FOREGROUND)

    async def _remove_finalizer(self, obj: KubeObject, finalizer: str) -> None:
        rest = [f for f in obj.metadata.finalizers or [] if f != finalizer]
        ops: list[dict[str, Any]] = [
            {"op": "test", "path": "/metadata/uid", "value": obj.metadata.uid},
            {"op": "replace", "path": "/metadata/finalizers", "value": rest},
        ]
        try:
            await self.api.patch(
                type(obj),
                obj.metadata.name,
                ops,
                namespace=obj.metadata.namespace,
                patch_type="json",
            )
        except NotFound:
            return
