"""Object-level operations with Kubernetes semantics, on top of the byte-level Storage.

Everything an HTTP verb means (create with defaulting, admission and validation;
optimistic-concurrency updates; patches with retry; graceful and finalizer-aware deletion)
lives here, independent of HTTP, so tests and subresources share one code path.
"""

from __future__ import annotations

import base64
import builtins
import copy
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from apiserver import admission, codec, objectmeta
from apiserver.allocators import Allocator, reservations
from apiserver.defaults import apply_defaults
from apiserver.lister import Lister
from apiserver.registry import ResourceInfo, lookup
from apiserver.storage import (
    KV,
    Compacted,
    Extra,
    ExtraKeyTaken,
    KeyExists,
    RevisionMismatch,
    Storage,
    Unavailable,
)
from apiserver.validation import validate_create, validate_status_update, validate_update
from apiserver.watchcache import Predicate
from machinery.errors import (
    AlreadyExists,
    BadRequest,
    Conflict,
    Forbidden,
    Gone,
    InvalidObject,
    NotFound,
    ServiceUnavailable,
)

log = logging.getLogger(__name__)

NAMESPACES = lookup("", "v1", "namespaces")
PRIORITY_CLASSES = lookup("scheduling.k8s.io", "v1", "priorityclasses")
RETRIES = 8
LIST_BATCH = 500

Obj = dict[str, Any]
Mutator = Callable[[Obj], Obj | Awaitable[Obj]]


@dataclass
class DeleteOptions:
    grace_period: int | None = None
    propagation: str | None = None
    uid: str | None = None
    resource_version: str | None = None
    dry_run: bool = False


@dataclass
class ListResult:
    items: list[Obj]
    revision: int
    continue_token: str
    remaining: int | None


def not_found(info: ResourceInfo, name: str) -> NotFound:
    return NotFound(
        f'{info.group_resource} "{name}" not found',
        name=name,
        group=info.group,
        kind=info.resource,
    )


def conflict(info: ResourceInfo, name: str) -> Conflict:
    return Conflict(
        f'Operation cannot be fulfilled on {info.group_resource} "{name}": the object has been '
        f"modified; please apply your changes to the latest version and try again",
        name=name,
        group=info.group,
        kind=info.resource,
    )


def _validate(info: ResourceInfo, obj: Obj, old: Obj | None, subresource: str) -> None:
    if old is None:
        causes = validate_create(info.kind, obj)
    elif subresource == "status":
        causes = validate_status_update(info.kind, obj, old)
    else:
        causes = validate_update(info.kind, obj, old)
    meta = obj.get("metadata") or {}
    InvalidObject(info.kind, str(meta.get("name", "")), info.group, list(causes)).raise_if_any()


def _deleting_done(info: ResourceInfo, obj: Obj) -> bool:
    """A deleting object with nothing left holding it goes away."""
    meta = obj["metadata"]
    if not meta.get("deletionTimestamp") or meta.get("finalizers"):
        return False
    if info.kind == "Namespace" and (obj.get("spec") or {}).get("finalizers"):
        return False
    return not (info.kind == "Pod" and int(meta.get("deletionGracePeriodSeconds") or 0) > 0)


def _rv(obj: Obj) -> str:
    return str((obj.get("metadata") or {}).get("resourceVersion") or "")


class Store:
    def __init__(self, storage: Storage, allocator: Allocator) -> None:
        self.storage = storage
        self.allocator = allocator
        # In-memory views that admission reads on every create; set once they are synced.
        self.namespaces: Lister | None = None
        self.priority_classes: Lister | None = None

    # ---- reads ----------------------------------------------------------------
    async def _get_kv(self, info: ResourceInfo, namespace: str | None, name: str) -> KV:
        kv = await self._guard(self.storage.get(info.key(namespace, name)))
        if kv is None:
            raise not_found(info, name)
        return kv

    async def get(self, info: ResourceInfo, namespace: str | None, name: str) -> Obj:
        kv = await self._get_kv(info, namespace, name)
        return codec.decode(kv.value, kv.mod_revision)

    async def list(
        self,
        info: ResourceInfo,
        namespace: str | None,
        *,
        predicate: Predicate | None = None,
        limit: int = 0,
        continue_token: str = "",
    ) -> ListResult:
        prefix = info.key_prefix(namespace)
        revision, start = 0, ""
        if continue_token:
            revision, start = _decode_continue(continue_token, prefix)
        items: builtins.list[Obj] = []
        next_start = ""
        while True:
            try:
                page = await self._guard(
                    self.storage.list(prefix, start=start, limit=LIST_BATCH, revision=revision)
                )
            except Compacted as e:
                raise Gone(
                    "The provided continue parameter is too old to display a consistent list "
                    "result. You can start a new list without the continue parameter."
                ) from e
            revision = revision or page.revision
            for i, kv in enumerate(page.kvs):
                obj = codec.decode(kv.value, kv.mod_revision)
                if predicate is None or predicate(obj):
                    items.append(obj)
                if limit and len(items) >= limit:
                    if i + 1 < len(page.kvs) or page.more:
                        next_start = kv.key + "\0"
                    break
            if next_start or (limit and len(items) >= limit) or not page.more:
                break
            start = page.kvs[-1].key + "\0"
        token = _encode_continue(revision, next_start) if next_start else ""
        return ListResult(items, revision, token, None)

    # ---- create ---------------------------------------------------------------
    async def create(
        self, info: ResourceInfo, namespace: str | None, obj: Obj, *, dry_run: bool = False
    ) -> Obj:
        objectmeta.check_type(info, obj)
        objectmeta.check_namespace(info, obj, namespace)
        objectmeta.prepare_create(info, obj)
        name = str(obj["metadata"].get("name") or "")
        if info.namespaced:
            await self._check_namespace_open(obj["metadata"].get("namespace") or "")
        apply_defaults(info.kind, obj)
        if info.kind == "Pod":
            await admission.resolve_priority(obj, self._priority_class, self._priority_classes)
            obj["status"]["qosClass"] = admission.qos_class(obj)
        _validate(info, obj, None, "")
        for _ in range(RETRIES):
            extra = None
            if info.kind == "Service":
                attempt = copy.deepcopy(obj)
                await self.allocator.assign(attempt, None)
                extra = Extra(create={k: name.encode() for k in reservations(attempt)})
            else:
                attempt = obj
            if dry_run:
                return attempt
            try:
                rev = await self._guard(
                    self.storage.create(
                        info.key(namespace, name), codec.encode(attempt), extra=extra
                    )
                )
            except KeyExists:
                raise AlreadyExists(
                    f'{info.group_resource} "{name}" already exists',
                    name=name,
                    group=info.group,
                    kind=info.resource,
                ) from None
            except ExtraKeyTaken:
                continue  # an address was taken meanwhile: allocate again
            attempt["metadata"]["resourceVersion"] = str(rev)
            self._observe(info, attempt)
            return attempt
        raise ServiceUnavailable("could not allocate service addresses; try again")

    async def _check_namespace_open(self, namespace: str) -> None:
        assert NAMESPACES is not None
        # The lister sees every namespace write (ours at once, others' through the watch);
        # one it does not know yet (created through another apiserver) is read from etcd.
        ns = self.namespaces.get(namespace) if self.namespaces else None
        if ns is None:
            kv = await self._guard(self.storage.get(NAMESPACES.key(None, namespace)))
            if kv is None:
                raise NotFound(
                    f'namespaces "{namespace}" not found', name=namespace, kind="namespaces"
                )
            ns = orjson.loads(kv.value)
        if (ns.get("status") or {}).get("phase") == "Terminating" or ns["metadata"].get(
            "deletionTimestamp"
        ):
            raise Forbidden(
                f"unable to create new content in namespace {namespace} because it is being "
                f"terminated",
                name=namespace,
                kind="namespaces",
            )

    async def _priority_class(self, name: str) -> Obj | None:
        assert PRIORITY_CLASSES is not None
        if self.priority_classes and (pc := self.priority_classes.get(name)):
            return pc
        kv = await self._guard(self.storage.get(PRIORITY_CLASSES.key(None, name)))
        return codec.decode(kv.value, kv.mod_revision) if kv else None

    async def _priority_classes(self) -> builtins.list[Obj]:
        assert PRIORITY_CLASSES is not None
        if self.priority_classes:
            return self.priority_classes.list()
        return (await self.list(PRIORITY_CLASSES, None)).items

    # ---- update ---------------------------------------------------------------
    async def update(
        self,
        info: ResourceInfo,
        namespace: str | None,
        name: str,
        obj: Obj,
        *,
        subresource: str = "",
        dry_run: bool = False,
    ) -> Obj:
        """PUT: the body replaces the object; its resourceVersion (if any) is a precondition."""
        objectmeta.check_type(info, obj)
        body_name = obj["metadata"].get("name")
        if body_name and body_name != name:
            raise BadRequest(
                f"the name of the object ({body_name}) does not match the name on the URL ({name})"
            )
        objectmeta.check_namespace(info, obj, namespace)
        precondition = _rv(obj)

        def replace(current: Obj) -> Obj:
            if precondition and precondition != _rv(current):
                raise conflict(info, name)
            return copy.deepcopy(obj)

        return await self.guaranteed_update(
            info, namespace, name, replace, subresource=subresource, dry_run=dry_run
        )

    async def guaranteed_update(
        self,
        info: ResourceInfo,
        namespace: str | None,
        name: str,
        mutate: Mutator,
        *,
        subresource: str = "",
        dry_run: bool = False,
    ) -> Obj:
        """Read, mutate, write with CAS; retry on conflicts the caller did not ask to see."""
        for _ in range(RETRIES):
            kv = await self._get_kv(info, namespace, name)
            old = codec.decode(kv.value, kv.mod_revision)
            result = mutate(copy.deepcopy(old))
            new = await result if isinstance(result, Awaitable) else result
            try:
                return await self._write_update(
                    info, namespace, name, kv, old, new, subresource=subresource, dry_run=dry_run
                )
            except RevisionMismatch:
                continue
        raise conflict(info, name)

    async def _write_update(
        self,
        info: ResourceInfo,
        namespace: str | None,
        name: str,
        kv: KV,
        old: Obj,
        new: Obj,
        *,
        subresource: str,
        dry_run: bool,
    ) -> Obj:
        objectmeta.check_type(info, new)
        internal = subresource == "binding"  # written by the server itself, not a client
        if not internal:
            new = objectmeta.prepare_update(info, new, old, subresource=subresource)
        if not subresource:
            apply_defaults(info.kind, new)
            old_finalizers = set(old["metadata"].get("finalizers") or [])
            added = set(new["metadata"].get("finalizers") or []) - old_finalizers
            if old["metadata"].get("deletionTimestamp") and added:
                raise Forbidden(
                    f'{info.kind} "{name}" is invalid: metadata.finalizers: Forbidden: '
                    f"no new finalizers can be added if the object is being deleted"
                )
        if not internal:
            _validate(info, new, old, subresource)
        extra = None
        if info.kind == "Service" and not subresource:
            await self.allocator.assign(new, old)
            before, after = reservations(old), reservations(new)
            extra = Extra(
                create={k: name.encode() for k in after - before}, delete=sorted(before - after)
            )
        key = info.key(namespace, name)
        if _deleting_done(info, new):
            if dry_run:
                return new
            await self._delete_kv(info, key, kv.mod_revision, new)
            return new
        new["metadata"].pop("resourceVersion", None)
        old_meta_rv = old["metadata"].pop("resourceVersion", None)
        unchanged = new == old
        old["metadata"]["resourceVersion"] = old_meta_rv
        if unchanged or dry_run:
            new["metadata"]["resourceVersion"] = str(kv.mod_revision)
            return new
        try:
            rev = await self._guard(
                self.storage.update(
                    key, codec.encode(new), expected_revision=kv.mod_revision, extra=extra
                )
            )
        except ExtraKeyTaken:
            raise RevisionMismatch(key, None) from None
        new["metadata"]["resourceVersion"] = str(rev)
        self._observe(info, new)
        return new

    # ---- delete ---------------------------------------------------------------
    async def delete(
        self, info: ResourceInfo, namespace: str | None, name: str, opts: DeleteOptions
    ) -> Obj:
        key = info.key(namespace, name)
        for _ in range(RETRIES):
            kv = await self._get_kv(info, namespace, name)
            obj = codec.decode(kv.value, kv.mod_revision)
            meta = obj["metadata"]
            if opts.uid and opts.uid != meta.get("uid"):
                raise Conflict(
                    f"Precondition failed: UID in precondition: {opts.uid}, UID in object meta: "
                    f"{meta.get('uid')}",
                    name=name,
                    group=info.group,
                    kind=info.resource,
                )
            if opts.resource_version and opts.resource_version != meta.get("resourceVersion"):
                raise Conflict(
                    f"Precondition failed: ResourceVersion in precondition: "
                    f"{opts.resource_version}, ResourceVersion in object meta: "
                    f"{meta.get('resourceVersion')}",
                    name=name,
                    group=info.group,
                    kind=info.resource,
                )
            new = copy.deepcopy(obj)
            changed = self._mark_deleting(info, new, opts)
            try:
                if _deleting_done(info, new):
                    if not opts.dry_run:
                        await self._delete_kv(info, key, kv.mod_revision, obj)
                    return obj
                if not changed or opts.dry_run:
                    return new
                new["metadata"].pop("resourceVersion", None)
                rev = await self._guard(
                    self.storage.update(key, codec.encode(new), expected_revision=kv.mod_revision)
                )
                new["metadata"]["resourceVersion"] = str(rev)
                self._observe(info, new)
                return new
            except RevisionMismatch:
                continue
        raise conflict(info, name)

    def _mark_deleting(self, info: ResourceInfo, obj: Obj, opts: DeleteOptions) -> bool:
        """Apply deletion to obj in place: finalizers for the policy, deletionTimestamp, grace."""
        meta = obj["metadata"]
        before = copy.deepcopy(meta), copy.deepcopy(obj.get("status"))
        finalizers = [f for f in meta.get("finalizers") or []]
        if opts.propagation == "Orphan":
            finalizers = [f for f in finalizers if f != "foregroundDeletion"]
            if "orphan" not in finalizers:
                finalizers.append("orphan")
        elif opts.propagation == "Foreground":
            finalizers = [f for f in finalizers if f != "orphan"]
            if "foregroundDeletion" not in finalizers:
                finalizers.append("foregroundDeletion")
        elif opts.propagation == "Background":
            finalizers = [f for f in finalizers if f not in ("orphan", "foregroundDeletion")]
        if finalizers:
            meta["finalizers"] = finalizers
        else:
            meta.pop("finalizers", None)
        grace = self._grace(info, obj, opts)
        now = datetime.now(UTC).replace(microsecond=0)
        existing = meta.get("deletionTimestamp")
        if existing is None or grace < int(meta.get("deletionGracePeriodSeconds") or 0):
            meta["deletionTimestamp"] = (now + timedelta(seconds=grace)).strftime(
                "%Y-%m-%dT%H:%M:%SZ"
            )
            meta["deletionGracePeriodSeconds"] = grace
        if info.kind == "Namespace":
            obj.setdefault("status", {})["phase"] = "Terminating"
        return (meta, obj.get("status")) != before

    @staticmethod
    def _grace(info: ResourceInfo, obj: Obj, opts: DeleteOptions) -> int:
        if info.kind != "Pod":
            return 0
        spec = obj.get("spec") or {}
        phase = (obj.get("status") or {}).get("phase")
        if not spec.get("nodeName") or phase in ("Succeeded", "Failed"):
            return 0
        if opts.grace_period is not None:
            return max(0, opts.grace_period)
        return int(spec.get("terminationGracePeriodSeconds", 30) or 0)

    async def _delete_kv(self, info: ResourceInfo, key: str, revision: int, obj: Obj) -> None:
        extra = Extra(delete=sorted(reservations(obj))) if info.kind == "Service" else None
        rev = await self._guard(self.storage.delete(key, expected_revision=revision, extra=extra))
        self._observe(
            info,
            {**obj, "metadata": {**obj["metadata"], "resourceVersion": str(rev)}},
            deleted=True,
        )

    def _observe(self, info: ResourceInfo, obj: Obj, *, deleted: bool = False) -> None:
        lister = {"namespaces": self.namespaces, "priorityclasses": self.priority_classes}.get(
            info.resource
        )
        if lister is not None:
            lister.observe(obj, deleted=deleted)

    async def _guard(self, aw: Awaitable[Any]) -> Any:
        try:
            return await aw
        except Unavailable as e:
            raise ServiceUnavailable(f"storage is unavailable: {e}", retry_after=1) from e


def _encode_continue(revision: int, start: str) -> str:
    raw = orjson.dumps({"v": "meta.k8s.io/v1", "rv": revision, "start": start})
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_continue(token: str, prefix: str) -> tuple[int, str]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = orjson.loads(raw)
        rev, start = int(data["rv"]), str(data["start"])
    except (ValueError, KeyError, TypeError) as e:
        raise BadRequest(f"continue key is not valid: {e}") from e
    if not start.startswith(prefix):
        raise BadRequest("continue key is not valid: key is outside the requested range")
    return rev, start
