"""Small API helpers shared by the kubeling CLI integration tests (setup and checks via httpx)."""

from __future__ import annotations

from typing import Any

import httpx


def created(client: httpx.Client, path: str, body: dict[str, Any]) -> dict[str, Any]:
    r = client.post(path, json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


def fetch(client: httpx.Client, path: str) -> dict[str, Any]:
    r = client.get(path)
    assert r.status_code == 200, r.text
    return dict(r.json())


def gone(client: httpx.Client, path: str) -> bool:
    return client.get(path).status_code == 404


def set_status(client: httpx.Client, path: str, status: dict[str, Any]) -> dict[str, Any]:
    obj = fetch(client, path)
    obj["status"] = {**obj.get("status", {}), **status}
    r = client.put(path + "/status", json=obj)
    assert r.status_code == 200, r.text
    return dict(r.json())
