"""The typed model against the real apiserver: what it returns parses and writes back unchanged.

Each kind is created from `Kind.from_dict(manifest).to_dict()`; the reply (defaulted by the
server) must survive `Kind.from_dict(reply).to_dict()` exactly, and so must the object
after a full status write through the `/status` subresource.
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

import httpx
import pytest

from machinery.api import Deployment, KubeObject, Scale, from_wire, kind_class
from machinery.resources import by_kind
from tests.unit.test_api_model import DEPLOYMENT, EVENT, NODE, OTHERS, POD, SERVICE

_SUBRESOURCE_BODIES = {"Binding", "Eviction", "Scale"}
_KEEP_META = ("name", "labels", "annotations")


def _manifest(wire: dict[str, Any], ns: str) -> dict[str, Any]:
    """The object as a user would send it: no server-set metadata, no status."""
    out = copy.deepcopy(wire)
    meta = {k: v for k, v in out["metadata"].items() if k in _KEEP_META}
    out["metadata"] = meta
    info = by_kind(_group(out["apiVersion"]), out["kind"])
    assert info is not None
    if info.namespaced:
        meta["namespace"] = ns
    else:
        meta["name"] = f"{meta['name']}-{uuid.uuid4().hex[:6]}"
    out.pop("status", None)
    if out["kind"] == "Pod":
        spec = out["spec"]
        for key in ("nodeName", "priorityClassName", "priority", "serviceAccountName"):
            spec.pop(key, None)
        spec.pop("serviceAccount", None)
        spec["volumes"] = [v for v in spec["volumes"] if "nfs" not in v]  # not served here
    return out


def _group(api_version: str) -> str:
    return api_version.rpartition("/")[0] if "/" in api_version else ""


def _url(obj: dict[str, Any], *, name: bool = False) -> str:
    info = by_kind(_group(obj["apiVersion"]), obj["kind"])
    assert info is not None
    prefix = f"/apis/{info.group_version}" if info.group else "/api/v1"
    if info.namespaced:
        prefix += f"/namespaces/{obj['metadata']['namespace']}"
    url = f"{prefix}/{info.resource}"
    return f"{url}/{obj['metadata']['name']}" if name else url


def _assert_round_trip(reply: dict[str, Any]) -> KubeObject:
    obj = from_wire(reply)
    assert type(obj) is kind_class(reply["apiVersion"], reply["kind"])
    assert obj.to_dict() == reply
    return obj


_CASES = [
    w
    for w in [POD, DEPLOYMENT, NODE, SERVICE, EVENT, *OTHERS]
    if w["kind"] not in _SUBRESOURCE_BODIES
]


@pytest.mark.parametrize("wire", _CASES, ids=lambda d: d["kind"])
def test_create_reply_round_trips(client: httpx.Client, ns: str, wire: dict[str, Any]) -> None:
    cls = kind_class(wire["apiVersion"], wire["kind"])
    body = cls.from_dict(_manifest(wire, ns)).to_dict()
    r = client.post(_url(body), json=body)
    assert r.status_code == 201, r.text
    created = r.json()
    _assert_round_trip(created)
    got = client.get(_url(created, name=True))
    assert got.status_code == 200
    _assert_round_trip(got.json())

    info = by_kind(_group(wire["apiVersion"]), wire["kind"])
    assert info is not None
    if info.has_status and "status" in wire:
        # write the full realistic status through /status and read it back
        obj = cls.from_dict(got.json())
        update = obj.to_dict()
        update["status"] = copy.deepcopy(wire["status"])
        r = client.put(_url(created, name=True) + "/status", json=cls.from_dict(update).to_dict())
        assert r.status_code == 200, r.text
        written = _assert_round_trip(r.json())
        assert written.to_dict()["status"] == wire["status"]


def test_scale_subresource_round_trips(client: httpx.Client, ns: str) -> None:
    body = Deployment.from_dict(_manifest(DEPLOYMENT, ns)).to_dict()
    assert client.post(_url(body), json=body).status_code == 201
    r = client.get(_url(body, name=True) + "/scale")
    assert r.status_code == 200, r.text
    scale = Scale.from_dict(r.json())
    assert scale.to_dict() == r.json()
    assert scale.spec.replicas == 3
    scale.spec.replicas = 5
    r = client.put(_url(body, name=True) + "/scale", json=scale.to_dict())
    assert r.status_code == 200, r.text
    assert Scale.from_dict(r.json()).to_dict() == r.json()
    dep = Deployment.from_dict(client.get(_url(body, name=True)).json())
    assert dep.spec.replicas == 5


def test_list_items_round_trip(client: httpx.Client, ns: str) -> None:
    body = kind_class("v1", "Pod").from_dict(_manifest(POD, ns)).to_dict()
    assert client.post(_url(body), json=body).status_code == 201
    lst = client.get(f"/api/v1/namespaces/{ns}/pods").json()
    for item in lst["items"]:
        item.setdefault("apiVersion", "v1")
        item.setdefault("kind", "Pod")
        _assert_round_trip(item)
