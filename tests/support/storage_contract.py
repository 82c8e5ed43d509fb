"""The Storage contract: one suite, run against etcd and the in-memory store alike."""

from __future__ import annotations

import asyncio

import pytest

from apiserver.storage import (
    Compacted,
    Extra,
    ExtraKeyTaken,
    KeyExists,
    RevisionMismatch,
    Storage,
)


class StorageContract:
    """Subclasses provide a `storage` fixture (a fresh, empty Storage)."""

    async def test_create_get(self, storage: Storage) -> None:
        rev = await storage.create("/registry/x/a", b"1")
        kv = await storage.get("/registry/x/a")
        assert kv is not None and kv.value == b"1" and kv.mod_revision == rev
        assert kv.create_revision == rev
        assert await storage.get("/registry/x/missing") is None

    async def test_create_twice_fails(self, storage: Storage) -> None:
        await storage.create("/registry/x/a", b"1")
        with pytest.raises(KeyExists):
            await storage.create("/registry/x/a", b"2")
        kv = await storage.get("/registry/x/a")
        assert kv is not None and kv.value == b"1"

    async def test_update_cas(self, storage: Storage) -> None:
        rev = await storage.create("/registry/x/a", b"1")
        rev2 = await storage.update("/registry/x/a", b"2", expected_revision=rev)
        assert rev2 > rev
        with pytest.raises(RevisionMismatch) as err:
            await storage.update("/registry/x/a", b"3", expected_revision=rev)
        assert err.value.current is not None and err.value.current.value == b"2"
        with pytest.raises(RevisionMismatch):
            await storage.update("/registry/x/gone", b"3", expected_revision=rev)

    async def test_delete_cas(self, storage: Storage) -> None:
        rev = await storage.create("/registry/x/a", b"1")
        with pytest.raises(RevisionMismatch):
            await storage.delete("/registry/x/a", expected_revision=rev + 100)
        await storage.delete("/registry/x/a", expected_revision=rev)
        assert await storage.get("/registry/x/a") is None

    async def test_extra_keys_are_atomic(self, storage: Storage) -> None:
        await storage.create("/registry/r/1", b"held")
        with pytest.raises(ExtraKeyTaken):
            await storage.create("/registry/x/a", b"1", extra=Extra(create={"/registry/r/1": b""}))
        assert await storage.get("/registry/x/a") is None
        rev = await storage.create(
            "/registry/x/b", b"1", extra=Extra(create={"/registry/r/2": b""})
        )
        assert await storage.get("/registry/r/2") is not None
        await storage.delete(
            "/registry/x/b", expected_revision=rev, extra=Extra(delete=["/registry/r/2"])
        )
        assert await storage.get("/registry/r/2") is None

    async def test_list_pages_and_revision(self, storage: Storage) -> None:
        for i in range(7):
            await storage.create(f"/registry/x/{i}", str(i).encode())
        await storage.create("/registry/y/0", b"other")
        page = await storage.list("/registry/x/", limit=3)
        assert [kv.value for kv in page.kvs] == [b"0", b"1", b"2"] and page.more
        rev = page.revision
        await storage.create("/registry/x/9", b"9")
        rest = await storage.list("/registry/x/", start=page.kvs[-1].key + "\0", revision=rev)
        assert [kv.value for kv in rest.kvs] == [b"3", b"4", b"5", b"6"]
        assert not rest.more
        assert await storage.keys("/registry/y/") == ["/registry/y/0"]

    async def test_watch_from_revision(self, storage: Storage) -> None:
        start = await storage.revision()
        r1 = await storage.create("/registry/x/a", b"1")
        await storage.update("/registry/x/a", b"2", expected_revision=r1)
        kv = await storage.get("/registry/x/a")
        assert kv is not None
        await storage.delete("/registry/x/a", expected_revision=kv.mod_revision)
        await storage.create("/registry/other/z", b"no")
        seen = []

        async def collect() -> None:
            async for batch in storage.watch("/registry/x/", start_revision=start + 1):
                seen.extend(batch)
                if len(seen) >= 3:
                    return

        await asyncio.wait_for(collect(), 5)
        assert [(e.type, e.value, e.prev_value) for e in seen] == [
            ("PUT", b"1", None),
            ("PUT", b"2", b"1"),
            ("DELETE", b"", b"2"),
        ]
        assert seen[0].created and not seen[1].created
        assert [e.revision for e in seen] == sorted(e.revision for e in seen)

    async def test_watch_compacted(self, storage: Storage) -> None:
        r1 = await storage.create("/registry/x/a", b"1")
        r2 = await storage.update("/registry/x/a", b"2", expected_revision=r1)
        await storage.update("/registry/x/a", b"3", expected_revision=r2)
        await storage.compact(r2)
        with pytest.raises(Compacted):
            async for _ in storage.watch("/registry/x/", start_revision=r1):
                break
