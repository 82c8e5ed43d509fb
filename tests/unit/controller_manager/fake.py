"""A recording fake of the API client for controller unit tests, and cache helpers.

Every write is recorded as an `Action` (verb, kind, namespace/name, body); objects live
in a small in-memory store so a controller can read back what it wrote. Caches are the
real informer caches of a `SharedInformerFactory` that is never started: tests fill them.
"""

from __future__ import annotations

import copy
import itertools
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import jsonpatch

from machinery.api.base import KubeObject
from machinery.client.client import ObjectList
from machinery.errors import AlreadyExists, NotFound
from machinery.informer import SharedInformerFactory

T = TypeVar("T", bound=KubeObject)
NOW = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)


@dataclass
class Action:
    verb: str
    kind: str
    key: str
    body: Any = None
    options: dict[str, Any] = field(default_factory=dict)


def _key(ns: str | None, name: str) -> str:
    return f"{ns}/{name}" if ns else name


def _merge(target: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = dict(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = _merge(out.get(k), v)
    return out


class FakeApi:
    def __init__(self) -> None:
        self.actions: list[Action] = []
        self.store: dict[tuple[str, str], dict[str, Any]] = {}
        self._rv = itertools.count(1000)
        self._suffix = itertools.count()

    # ---- test helpers -----------------------------------------------------------------
    def seed(self, *objs: KubeObject) -> None:
        for o in objs:
            self.store[(o.kind, o.key)] = o.to_dict()

    def writes(self, verb: str | None = None, kind: str | None = None) -> list[Action]:
        return [
            a
            for a in self.actions
            if a.verb != "get"
            and a.verb != "list"
            and (verb is None or a.verb == verb)
            and (kind is None or a.kind == kind)
        ]

    # ---- the Api protocol -------------------------------------------------------------
    async def get(self, cls: type[T], name: str, namespace: str | None = None) -> T:
        self.actions.append(Action("get", cls.KIND, _key(namespace, name)))
        data = self.store.get((cls.KIND, _key(namespace, name)))
        if data is None:
            raise NotFound(f"{cls.KIND} {name} not found")
        return cls.model_validate(copy.deepcopy(data))

    async def list(self, cls: type[T], namespace: str | None = None, **kw: Any) -> ObjectList[T]:
        self.actions.append(Action("list", cls.KIND, namespace or ""))
        items = [
            cls.model_validate(copy.deepcopy(d))
            for (kind, key), d in self.store.items()
            if kind == cls.KIND and (namespace is None or key.startswith(f"{namespace}/"))
        ]
        return ObjectList(items, "1")

    async def create(self, obj: T, *, dry_run: bool = False) -> T:
        data = obj.to_dict()
        meta = data.setdefault("metadata", {})
        if not meta.get("name") and meta.get("generateName"):
            meta["name"] = f"{meta['generateName']}{next(self._suffix):05d}"
        meta.setdefault("uid", str(uuid.uuid4()))
        meta["resourceVersion"] = str(next(self._rv))
        meta.setdefault("creationTimestamp", "2026-01-01T12:00:00Z")
        key = _key(meta.get("namespace"), meta["name"])
        self.actions.append(Action("create", obj.kind, key, data))
        if (obj.kind, key) in self.store:
            raise AlreadyExists(f"{key} exists")
        self.store[(obj.kind, key)] = data
        return type(obj).model_validate(copy.deepcopy(data))

    async def update(self, obj: T, *, subresource: str = "") -> T:
        data = obj.to_dict()
        key = obj.key
        verb = f"update/{subresource}" if subresource else "update"
        self.actions.append(Action(verb, obj.kind, key, data))
        data["metadata"]["resourceVersion"] = str(next(self._rv))
        self.store[(obj.kind, key)] = data
        return type(obj).model_validate(copy.deepcopy(data))

    async def update_status(self, obj: T) -> T:
        return await self.update(obj, subresource="status")

    async def patch(
        self,
        cls: type[T],
        name: str,
        patch: Any,
        *,
        namespace: str | None = None,
        patch_type: str = "merge",
        subresource: str = "",
        **kw: Any,
    ) -> T:
        key = _key(namespace, name)
        self.actions.append(Action("patch", cls.KIND, key, patch, {"type": patch_type}))
        current = self.store.get((cls.KIND, key))
        if current is None:
            raise NotFound(f"{key} not found")
        if patch_type == "json":
            new = jsonpatch.JsonPatch(patch).apply(current, in_place=False)
        else:
            new = _merge(current, patch)
        new["metadata"]["resourceVersion"] = str(next(self._rv))
        self.store[(cls.KIND, key)] = new
        return cls.model_validate(copy.deepcopy(new))

    async def delete(
        self, cls: type[KubeObject], name: str, namespace: str | None = None, **kw: Any
    ) -> Any:
        key = _key(namespace, name)
        opts = {k: v for k, v in kw.items() if v is not None}
        self.actions.append(Action("delete", cls.KIND, key, None, opts))
        if self.store.pop((cls.KIND, key), None) is None:
            raise NotFound(f"{key} not found")
        return {}

    async def request(self, method: str, path: str, **kw: Any) -> Any:
        self.actions.append(Action(method.lower(), "raw", path, kw.get("body")))
        return {}


def factory(api: FakeApi) -> SharedInformerFactory:
    return SharedInformerFactory(api)  # type: ignore[arg-type]


def fill(informers: SharedInformerFactory, *objs: KubeObject) -> None:
    """Put objects into the (never started) informers' caches, as a synced watch would."""
    for o in objs:
        informers.informer(type(o)).cache.put(o)


def clock() -> datetime:
    return NOW
