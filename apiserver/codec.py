"""Objects to and from stored bytes.

etcd holds each object as JSON without its resourceVersion: the version is the key's
mod_revision, set on the way out. Timestamps are RFC 3339 in UTC with a `Z`, seconds only,
as Kubernetes writes them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson


def now_rfc3339() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def encode(obj: dict[str, Any]) -> bytes:
    """Bytes for etcd: the object minus resourceVersion."""
    meta = obj.get("metadata")
    if isinstance(meta, dict) and "resourceVersion" in meta:
        meta = {k: v for k, v in meta.items() if k != "resourceVersion"}
        obj = {**obj, "metadata": meta}
    return orjson.dumps(obj)


def decode(value: bytes, revision: int) -> dict[str, Any]:
    obj: dict[str, Any] = orjson.loads(value)
    obj.setdefault("metadata", {})["resourceVersion"] = str(revision)
    return obj


def dumps(obj: Any) -> bytes:
    return orjson.dumps(obj)
