"""Adopting and releasing: a controller claims the objects its selector matches.

Kubernetes' ControllerRefManager: an orphan that matches the selector is adopted (gets
our controller ownerReference), an object we control that no longer matches is released
(loses it), and whatever another controller owns is left alone. Writes are JSON patches
guarded by a `test` of the object's uid, so a recreated object of the same name is safe.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, TypeVar

from controller_manager.base import Api
from controller_manager.podutil import controller_ref
from machinery.api.base import KubeObject
from machinery.errors import Invalid, NotFound, StatusError
from machinery.selectors import LabelSelector

log = logging.getLogger(__name__)

T = TypeVar("T", bound=KubeObject)


async def claim(
    api: Api, owner: KubeObject, candidates: Sequence[T], selector: LabelSelector
) -> list[T]:
    """The candidates owner controls after adopting matching orphans and releasing the rest."""
    uid = owner.metadata.uid or ""
    deleting = bool(owner.metadata.deletion_timestamp)
    claimed: list[T] = []
    for obj in candidates:
        ref = obj.metadata.controller_ref()
        matches = selector.matches(obj.metadata.labels)
        if ref is not None:
            if ref.uid != uid:
                continue
            if matches or deleting:
                claimed.append(obj)
            else:
                await release(api, owner, obj)
        elif (
            matches
            and not deleting
            and not obj.metadata.deletion_timestamp
            and await adopt(api, owner, obj)
        ):
            claimed.append(obj)
    return claimed


async def _patch(api: Api, obj: KubeObject, ops: list[dict[str, Any]]) -> bool:
    try:
        await api.patch(
            type(obj), obj.metadata.name, ops, namespace=obj.metadata.namespace, patch_type="json"
        )
    except (NotFound, Invalid):  # gone, or replaced by another object of that name
        return False
    except StatusError as e:
        if e.code == 422:
            return False
        raise
    return True


async def adopt(api: Api, owner: KubeObject, obj: KubeObject) -> bool:
    ref = controller_ref(owner).to_dict()
    ops: list[dict[str, Any]] = [{"op": "test", "path": "/metadata/uid", "value": obj.metadata.uid}]
    if obj.metadata.owner_references:
        ops.append({"op": "add", "path": "/metadata/ownerReferences/-", "value": ref})
    else:
        ops.append({"op": "add", "path": "/metadata/ownerReferences", "value": [ref]})
    ok = await _patch(api, obj, ops)
    if ok:
        log.info("adopted kind=%s key=%s owner=%s", obj.kind, obj.key, owner.key)
    return ok


async def release(api: Api, owner: KubeObject, obj: KubeObject) -> bool:
    uid = owner.metadata.uid
    keep = [r.to_dict() for r in obj.metadata.owner_references or [] if r.uid != uid]
    ops: list[dict[str, Any]] = [{"op": "test", "path": "/metadata/uid", "value": obj.metadata.uid}]
    if keep:
        ops.append({"op": "replace", "path": "/metadata/ownerReferences", "value": keep})
    else:
        ops.append({"op": "remove", "path": "/metadata/ownerReferences"})
    ok = await _patch(api, obj, ops)
    if ok:
        log.info("released kind=%s key=%s owner=%s", obj.kind, obj.key, owner.key)
    return ok
