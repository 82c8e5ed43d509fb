"""Subresources: status, scale, binding, eviction, log, and namespaces' finalize."""

from __future__ import annotations

import copy
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from apiserver import paths, podlogs, wire
from apiserver.codec import now_rfc3339
from apiserver.patch import apply_patch
from apiserver.registry import ResourceInfo, lookup
from apiserver.store import DeleteOptions, Store, conflict
from machinery.errors import BadRequest, Conflict, Invalid, MethodNotAllowed, NotFound, StatusCause
from machinery.selectors import LabelSelector

Obj = dict[str, Any]


def _not_allowed(t: paths.Target, method: str) -> MethodNotAllowed:
    return MethodNotAllowed(
        f"the server does not allow this method on the requested resource "
        f"({method} {t.info.resource}/{t.subresource})"
    )


def selector_string(selector: Any) -> str:
    """A LabelSelector object as its string form (for Scale.status.selector)."""
    try:
        return str(LabelSelector.from_dict(selector)) if selector else ""
    except ValueError:
        return ""


def to_scale(info: ResourceInfo, obj: Obj) -> Obj:
    meta = obj["metadata"]
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            k: meta[k]
            for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
            if k in meta
        },
        "spec": {"replicas": int((obj.get("spec") or {}).get("replicas") or 0)},
        "status": {
            "replicas": int((obj.get("status") or {}).get("replicas") or 0),
            "selector": selector_string((obj.get("spec") or {}).get("selector")),
        },
    }


class Subresources:
    def __init__(self, store: Store, *, kubelet_timeout: float) -> None:
        self.store = store
        self.logs = podlogs.LogProxy(timeout=kubelet_timeout)

    async def serve(self, request: Request, t: paths.Target) -> Response:
        handler = getattr(self, "_" + t.subresource, None)
        if handler is None:
            raise _not_allowed(t, request.method)
        result: Response = await handler(request, t)
        return result

    async def _status(self, request: Request, t: paths.Target) -> Response:
        m, dry = request.method, wire.dry_run(request)
        if m == "GET":
            return wire.json_response(await self.store.get(t.info, t.namespace, t.name))
        if m == "PUT":
            body = await wire.read_body(request)
            obj = await self.store.update(
                t.info, t.namespace, t.name, body, subresource="status", dry_run=dry
            )
            return wire.json_response(obj)
        if m == "PATCH":
            mt, body = wire.media_type(request), await wire.read_body(request)
            obj = await self.store.guaranteed_update(
                t.info,
                t.namespace,
                t.name,
                lambda cur: apply_patch(cur, body, mt, t.info.kind),
                subresource="status",
                dry_run=dry,
            )
            return wire.json_response(obj)
        raise _not_allowed(t, m)

    async def _finalize(self, request: Request, t: paths.Target) -> Response:
        if request.method != "PUT":
            raise _not_allowed(t, request.method)
        body = await wire.read_body(request)
        finalizers = list(((body or {}).get("spec") or {}).get("finalizers") or [])

        def set_finalizers(cur: Obj) -> Obj:
            cur.setdefault("spec", {})["finalizers"] = finalizers
            return cur

        obj = await self.store.guaranteed_update(
            t.info, t.namespace, t.name, set_finalizers, subresource="finalize"
        )
        return wire.json_response(obj)

    async def _scale(self, request: Request, t: paths.Target) -> Response:
        m, dry = request.method, wire.dry_run(request)
        if m == "GET":
            return wire.json_response(
                to_scale(t.info, await self.store.get(t.info, t.namespace, t.name))
            )
        if m not in ("PUT", "PATCH"):
            raise _not_allowed(t, m)
        mt, body = wire.media_type(request), await wire.read_body(request)

        def rescale(cur: Obj) -> Obj:
            scale = to_scale(t.info, cur)
            new = body if m == "PUT" else apply_patch(scale, body, mt, "Scale")
            if not isinstance(new, dict):
                raise BadRequest("the body must be a Scale object")
            want_rv = str((new.get("metadata") or {}).get("resourceVersion") or "")
            if want_rv and want_rv != cur["metadata"]["resourceVersion"]:
                raise conflict(t.info, t.name)
            replicas = (new.get("spec") or {}).get("replicas")
            if not isinstance(replicas, int) or isinstance(replicas, bool) or replicas < 0:
                raise Invalid(
                    f'Scale.autoscaling "{t.name}" is invalid: spec.replicas: Invalid value: '
                    f"{replicas}: must be greater than or equal to 0",
                    name=t.name,
                    group="autoscaling",
                    kind="Scale",
                    causes=[
                        StatusCause(
                            "FieldValueInvalid",
                            f"Invalid value: {replicas}: must be greater than or equal to 0",
                            "spec.replicas",
                        )
                    ],
                )
            cur.setdefault("spec", {})["replicas"] = replicas
            return cur

        obj = await self.store.guaranteed_update(t.info, t.namespace, t.name, rescale, dry_run=dry)
        return wire.json_response(to_scale(t.info, obj))

    async def _binding(self, request: Request, t: paths.Target) -> Response:
        if request.method != "POST":
            raise _not_allowed(t, request.method)
        body = await wire.read_body(request)
        node = ((body or {}).get("target") or {}).get("name") if isinstance(body, dict) else None
        if not node:
            raise BadRequest("a binding needs target.name (the node)")
        await self.bind(t, str(node), dry=wire.dry_run(request))
        return wire.json_response(wire.success_status(code=201), 201)

    async def bind(self, t: paths.Target, node: str, *, dry: bool = False) -> Obj:
        def assign(pod: Obj) -> Obj:
            spec = pod.setdefault("spec", {})
            if pod["metadata"].get("deletionTimestamp"):
                raise Conflict(
                    f"pod {t.name} is being deleted, cannot be assigned to a host",
                    name=t.name,
                    kind="pods",
                )
            if spec.get("nodeName"):
                raise Conflict(
                    f'Operation cannot be fulfilled on pods/binding "{t.name}": pod {t.name} is '
                    f'already assigned to node "{spec["nodeName"]}"',
                    name=t.name,
                    kind="pods",
                )
            spec["nodeName"] = node
            status = pod.setdefault("status", {})
            conditions = [
                c for c in status.get("conditions") or [] if c.get("type") != "PodScheduled"
            ]
            conditions.append(
                {
                    "type": "PodScheduled",
                    "status": "True",
                    "lastProbeTime": None,
                    "lastTransitionTime": now_rfc3339(),
                }
            )
            status["conditions"] = conditions
            return pod

        # Binding writes spec.nodeName and status together, like kube-apiserver's binding.
        return await self.store.guaranteed_update(
            t.info, t.namespace, t.name, assign, subresource="binding", dry_run=dry
        )

    async def _eviction(self, request: Request, t: paths.Target) -> Response:
        if request.method != "POST":
            raise _not_allowed(t, request.method)
        body = await wire.read_body(request)
        opts = (body or {}).get("deleteOptions") or {} if isinstance(body, dict) else {}
        grace = opts.get("gracePeriodSeconds")
        pre = opts.get("preconditions") or {}
        await self.store.delete(
            t.info,
            t.namespace,
            t.name,
            DeleteOptions(
                grace_period=int(grace) if grace is not None else None,
                uid=pre.get("uid"),
                resource_version=pre.get("resourceVersion"),
                dry_run=wire.dry_run(request),
            ),
        )
        return wire.json_response(wire.success_status(code=201), 201)

    async def _log(self, request: Request, t: paths.Target) -> Response:
        if request.method != "GET":
            raise _not_allowed(t, request.method)
        pod = await self.store.get(t.info, t.namespace, t.name)
        node_name = (pod.get("spec") or {}).get("nodeName")
        if not node_name:
            raise BadRequest(f"pod {t.name} does not have a host assigned")
        try:
            node = await self.store.get(_nodes(), None, node_name)
        except NotFound:
            node = {}
        return await self.logs.proxy(request, pod, copy.deepcopy(node))


def _nodes() -> ResourceInfo:
    info = lookup("", "v1", "nodes")
    assert info is not None
    return info
