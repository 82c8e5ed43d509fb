"""An in-memory Storage with etcd's semantics (revisions, CAS, history, compaction).

For unit tests and scale simulation only; integration tests always run a real etcd.
"""

from __future__ import annotations

import asyncio
import builtins
from collections.abc import AsyncIterator, Callable

from apiserver.storage import (
    KV,
    Compacted,
    Event,
    Extra,
    ExtraKeyTaken,
    KeyExists,
    Page,
    RevisionMismatch,
)


class MemoryStorage:
    def __init__(self) -> None:
        self._data: dict[str, KV] = {}
        self._rev = 1
        self._history: list[Event] = []
        self._compacted = 0
        self._undo: list[tuple[int, str, KV | None]] = []  # (revision, key, previous KV)
        self._changed = asyncio.Condition()

    def _check_extra(self, extra: Extra | None) -> None:
        if extra and any(k in self._data for k in extra.create):
            raise ExtraKeyTaken(",".join(extra.create))

    async def _commit(self, events: list[tuple[str, bytes | None]]) -> int:
        self._rev += 1
        rev = self._rev
        for key, value in events:
            prev = self._data.get(key)
            self._undo.append((rev, key, prev))
            if value is None:
                if prev is None:
                    continue
                del self._data[key]
                self._history.append(Event("DELETE", key, b"", rev, prev.value))
            else:
                created = prev.create_revision if prev else rev
                self._data[key] = KV(key, value, rev, created)
                self._history.append(
                    Event("PUT", key, value, rev, prev.value if prev else None, prev is None)
                )
        async with self._changed:
            self._changed.notify_all()
        return rev

    def _extra_events(self, extra: Extra | None) -> list[tuple[str, bytes | None]]:
        if extra is None:
            return []
        out: list[tuple[str, bytes | None]] = list(extra.create.items())
        out += [(k, None) for k in extra.delete]
        return out

    async def get(self, key: str) -> KV | None:
        return self._data.get(key)

    async def create(self, key: str, value: bytes, *, extra: Extra | None = None) -> int:
        if key in self._data:
            raise KeyExists(key)
        self._check_extra(extra)
        return await self._commit([(key, value), *self._extra_events(extra)])

    async def update(
        self, key: str, value: bytes, *, expected_revision: int, extra: Extra | None = None
    ) -> int:
        cur = self._data.get(key)
        if cur is None or cur.mod_revision != expected_revision:
            raise RevisionMismatch(key, cur)
        self._check_extra(extra)
        return await self._commit([(key, value), *self._extra_events(extra)])

    async def delete(self, key: str, *, expected_revision: int, extra: Extra | None = None) -> int:
        cur = self._data.get(key)
        if cur is None or cur.mod_revision != expected_revision:
            raise RevisionMismatch(key, cur)
        extra_events = [(k, None) for k in extra.delete] if extra else []
        return await self._commit([(key, None), *extra_events])

    async def list(
        self, prefix: str, *, start: str = "", limit: int = 0, revision: int = 0
    ) -> Page:
        if revision and revision < self._compacted:
            raise Compacted(revision, self._compacted)
        data = self._at(revision) if revision else self._data
        keys = sorted(k for k in data if k.startswith(prefix) and k >= (start or prefix))
        more = bool(limit) and len(keys) > limit
        if limit:
            keys = keys[:limit]
        return Page([data[k] for k in keys], more, revision or self._rev)

    def _at(self, revision: int) -> dict[str, KV]:
        data = dict(self._data)
        for rev, key, prev in reversed(self._undo):
            if rev <= revision:
                break
            if prev is None:
                data.pop(key, None)
            else:
                data[key] = prev
        return data

    async def keys(self, prefix: str) -> builtins.list[str]:
        return sorted(k for k in self._data if k.startswith(prefix))

    async def revision(self) -> int:
        return self._rev

    async def watch(
        self, prefix: str, *, start_revision: int
    ) -> AsyncIterator[builtins.list[Event]]:
        if start_revision and start_revision <= self._compacted:
            raise Compacted(start_revision, self._compacted)
        next_rev = start_revision or self._rev + 1
        while True:
            batch = [
                e for e in self._history if e.revision >= next_rev and e.key.startswith(prefix)
            ]
            if batch:
                next_rev = batch[-1].revision + 1
                yield batch
                continue
            async with self._changed:
                await self._changed.wait_for(self._reached(next_rev))

    def _reached(self, revision: int) -> Callable[[], bool]:
        return lambda: self._rev >= revision

    async def compact(self, revision: int) -> None:
        self._compacted = max(self._compacted, revision)
        self._history = [e for e in self._history if e.revision > revision]
        self._undo = [u for u in self._undo if u[0] > revision]

    async def close(self) -> None:
        return None
