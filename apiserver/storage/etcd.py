"""The etcd implementation of Storage, on the raw etcd v3 gRPC API.

aetcd provides the generated stubs; we call them directly because the API server needs
what its high-level wrapper hides: ranges with limit and revision, transactions whose
answer carries the new revision, and watch streams with prev_kv and compaction notices.
"""

from __future__ import annotations

import asyncio
import builtins
import logging
from collections.abc import AsyncIterator
from typing import Any

import grpc
from aetcd import rpc

from apiserver.storage import (
    KV,
    Compacted,
    Event,
    Extra,
    ExtraKeyTaken,
    KeyExists,
    Page,
    RevisionMismatch,
    Unavailable,
)

log = logging.getLogger(__name__)

# Big enough for a page of large objects; pages are also bounded by count.
MAX_MESSAGE = 256 * 1024 * 1024
PAGE_SIZE = 500
RPC_TIMEOUT = 10.0
_UNAVAILABLE = {
    grpc.StatusCode.UNAVAILABLE,
    grpc.StatusCode.DEADLINE_EXCEEDED,
    grpc.StatusCode.CANCELLED,
    grpc.StatusCode.UNKNOWN,
}


def _prefix_end(prefix: bytes) -> bytes:
    """The range end that covers every key starting with prefix."""
    end = bytearray(prefix)
    for i in range(len(end) - 1, -1, -1):
        if end[i] < 0xFF:
            end[i] += 1
            return bytes(end[: i + 1])
    return b"\0"


def _kv(kv: Any) -> KV:
    return KV(kv.key.decode(), kv.value, kv.mod_revision, kv.create_revision)


def _compare(key: str, target: str, value: int) -> Any:
    c = rpc.Compare(key=key.encode(), result=rpc.Compare.EQUAL)
    if target == "create":
        c.target = rpc.Compare.CREATE
        c.create_revision = value
    else:
        c.target = rpc.Compare.MOD
        c.mod_revision = value
    return c


def _put(key: str, value: bytes) -> Any:
    return rpc.RequestOp(request_put=rpc.PutRequest(key=key.encode(), value=value))


def _delete(key: str) -> Any:
    return rpc.RequestOp(request_delete_range=rpc.DeleteRangeRequest(key=key.encode()))


def _get(key: str) -> Any:
    return rpc.RequestOp(request_range=rpc.RangeRequest(key=key.encode()))


class EtcdStorage:
    def __init__(self, endpoint: str) -> None:
        self._target = endpoint.removeprefix("http://").removeprefix("https://").rstrip("/")
        self._channel: grpc.aio.Channel | None = None

    def _connect(self) -> grpc.aio.Channel:
        """The channel is made on first use, inside the event loop that will use it."""
        if self._channel is None:
            self._channel = grpc.aio.insecure_channel(
                self._target,
                options=[
                    ("grpc.max_receive_message_length", MAX_MESSAGE),
                    ("grpc.max_send_message_length", MAX_MESSAGE),
                    ("grpc.keepalive_time_ms", 10_000),
                    ("grpc.keepalive_timeout_ms", 5_000),
                    ("grpc.initial_reconnect_backoff_ms", 200),
                    ("grpc.max_reconnect_backoff_ms", 2_000),
                ],
            )
            self._kv_stub = rpc.KVStub(self._channel)
            self._watch_stub = rpc.WatchStub(self._channel)
        return self._channel

    @property
    def _kv(self) -> Any:
        self._connect()
        return self._kv_stub

    @property
    def _watch(self) -> Any:
        self._connect()
        return self._watch_stub

    async def _call(self, method: Any, request: Any) -> Any:
        try:
            return await method(request, timeout=RPC_TIMEOUT)
        except grpc.aio.AioRpcError as e:
            if e.code() in _UNAVAILABLE:
                raise Unavailable(f"etcd: {e.code().name}: {e.details()}") from e
            if e.code() == grpc.StatusCode.OUT_OF_RANGE:
                raise Compacted(getattr(request, "revision", 0), 0) from e
            raise

    async def get(self, key: str) -> KV | None:
        resp = await self._call(self._kv.Range, rpc.RangeRequest(key=key.encode()))
        return _kv(resp.kvs[0]) if resp.kvs else None

    async def _txn(self, compare: list[Any], success: list[Any], failure: list[Any]) -> Any:
        return await self._call(
            self._kv.Txn, rpc.TxnRequest(compare=compare, success=success, failure=failure)
        )

    def _extra_ops(self, extra: Extra | None) -> tuple[list[Any], list[Any]]:
        if extra is None:
            return [], []
        cmp = [_compare(k, "create", 0) for k in extra.create]
        ops = [_put(k, v) for k, v in extra.create.items()] + [_delete(k) for k in extra.delete]
        return cmp, ops

    async def create(self, key: str, value: bytes, *, extra: Extra | None = None) -> int:
        ecmp, eops = self._extra_ops(extra)
        resp = await self._txn(
            [_compare(key, "create", 0), *ecmp], [_put(key, value), *eops], [_get(key)]
        )
        if not resp.succeeded:
            if resp.responses[0].response_range.kvs:
                raise KeyExists(key)
            raise ExtraKeyTaken(key)
        return int(resp.header.revision)

    async def update(
        self, key: str, value: bytes, *, expected_revision: int, extra: Extra | None = None
    ) -> int:
        ecmp, eops = self._extra_ops(extra)
        resp = await self._txn(
            [_compare(key, "mod", expected_revision), *ecmp],
            [_put(key, value), *eops],
            [_get(key)],
        )
        if not resp.succeeded:
            kvs = resp.responses[0].response_range.kvs
            current = _kv(kvs[0]) if kvs else None
            if current is not None and current.mod_revision == expected_revision:
                raise ExtraKeyTaken(key)
            raise RevisionMismatch(key, current)
        return int(resp.header.revision)

    async def delete(self, key: str, *, expected_revision: int, extra: Extra | None = None) -> int:
        _, eops = self._extra_ops(extra)
        resp = await self._txn(
            [_compare(key, "mod", expected_revision)], [_delete(key), *eops], [_get(key)]
        )
        if not resp.succeeded:
            kvs = resp.responses[0].response_range.kvs
            raise RevisionMismatch(key, _kv(kvs[0]) if kvs else None)
        return int(resp.header.revision)

    async def list(
        self, prefix: str, *, start: str = "", limit: int = 0, revision: int = 0
    ) -> Page:
        p = prefix.encode()
        req = rpc.RangeRequest(
            key=(start or prefix).encode(),
            range_end=_prefix_end(p),
            limit=limit,
            revision=revision,
        )
        resp = await self._call(self._kv.Range, req)
        return Page([_kv(kv) for kv in resp.kvs], bool(resp.more), int(resp.header.revision))

    async def keys(self, prefix: str) -> builtins.list[str]:
        p = prefix.encode()
        req = rpc.RangeRequest(key=p, range_end=_prefix_end(p), keys_only=True)
        resp = await self._call(self._kv.Range, req)
        return [kv.key.decode() for kv in resp.kvs]

    async def revision(self) -> int:
        req = rpc.RangeRequest(
            key=b"/registry/", range_end=_prefix_end(b"/registry/"), count_only=True
        )
        resp = await self._call(self._kv.Range, req)
        return int(resp.header.revision)

    async def watch(
        self, prefix: str, *, start_revision: int
    ) -> AsyncIterator[builtins.list[Event]]:
        p = prefix.encode()
        create = rpc.WatchRequest(
            create_request=rpc.WatchCreateRequest(
                key=p,
                range_end=_prefix_end(p),
                start_revision=start_revision,
                prev_kv=True,
                progress_notify=True,
            )
        )
        requests: asyncio.Queue[Any] = asyncio.Queue()
        requests.put_nowait(create)

        async def request_iter() -> AsyncIterator[Any]:
            while True:
                item = await requests.get()
                if item is None:
                    return
                yield item

        call = self._watch.Watch(request_iter())
        try:
            async for resp in call:
                if resp.compact_revision:
                    raise Compacted(start_revision, int(resp.compact_revision))
                if resp.canceled:
                    raise Unavailable(f"etcd watch canceled: {resp.cancel_reason}")
                if not resp.events:
                    continue
                batch = []
                for ev in resp.events:
                    kv = ev.kv
                    prev = ev.prev_kv.value if ev.HasField("prev_kv") else None
                    if ev.type == rpc.Event.PUT:
                        batch.append(
                            Event(
                                "PUT",
                                kv.key.decode(),
                                kv.value,
                                int(kv.mod_revision),
                                prev,
                                created=kv.version == 1,
                            )
                        )
                    else:
                        batch.append(
                            Event("DELETE", kv.key.decode(), b"", int(kv.mod_revision), prev)
                        )
                yield batch
            raise Unavailable("etcd watch stream ended")
        except grpc.aio.AioRpcError as e:
            raise Unavailable(f"etcd watch: {e.code().name}: {e.details()}") from e
        finally:
            requests.put_nowait(None)
            call.cancel()

    async def compact(self, revision: int) -> None:
        try:
            await self._call(self._kv.Compact, rpc.CompactionRequest(revision=revision))
        except Compacted:
            pass  # already compacted past it

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.close()
            self._channel = None
