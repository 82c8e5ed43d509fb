"""Storage behind a small interface: the API server's only view of etcd.

Keys and values are bytes-level here; the registry above turns them into objects.
Every write is a compare-and-swap transaction; `extra` keys (IP and port reservations)
are written or removed in the same transaction, so nothing is ever half written.
"""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol


@dataclass(frozen=True, slots=True)
class KV:
    key: str
    value: bytes
    mod_revision: int
    create_revision: int


@dataclass(frozen=True, slots=True)
class Event:
    """One change. For DELETE, `value` is empty and `prev_value` holds the last state."""

    type: Literal["PUT", "DELETE"]
    key: str
    value: bytes
    revision: int
    prev_value: bytes | None
    created: bool = False


@dataclass(frozen=True, slots=True)
class Page:
    kvs: list[KV]
    more: bool
    revision: int


@dataclass
class Extra:
    """Side keys written atomically with the main one (reservations)."""

    create: dict[str, bytes] = field(default_factory=dict)  # must not exist yet
    delete: Sequence[str] = ()


class StorageError(Exception):
    pass


class KeyExists(StorageError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class KeyNotFound(StorageError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class RevisionMismatch(StorageError):
    """The key's mod_revision is not the expected one (or it is gone: current is None)."""

    def __init__(self, key: str, current: KV | None) -> None:
        super().__init__(key)
        self.key = key
        self.current = current


class ExtraKeyTaken(StorageError):
    """One of the extra keys to create already exists (a reservation race)."""


class Compacted(StorageError):
    def __init__(self, requested: int, compact_revision: int) -> None:
        super().__init__(f"revision {requested} compacted (oldest {compact_revision})")
        self.requested = requested
        self.compact_revision = compact_revision


class Unavailable(StorageError):
    """The backend cannot be reached right now."""


class Storage(Protocol):
    async def get(self, key: str) -> KV | None: ...

    async def create(self, key: str, value: bytes, *, extra: Extra | None = None) -> int:
        """Create key; return its revision. KeyExists if present."""
        ...

    async def update(
        self, key: str, value: bytes, *, expected_revision: int, extra: Extra | None = None
    ) -> int:
        """Replace key if its mod_revision is expected_revision; return the new revision."""
        ...

    async def delete(self, key: str, *, expected_revision: int, extra: Extra | None = None) -> int:
        """Delete key if its mod_revision is expected_revision; return the deletion revision."""
        ...

    async def list(
        self, prefix: str, *, start: str = "", limit: int = 0, revision: int = 0
    ) -> Page:
        """Keys under prefix from `start` (inclusive) at `revision` (0: latest)."""
        ...

    async def keys(self, prefix: str) -> builtins.list[str]: ...

    async def revision(self) -> int:
        """The store's current revision."""
        ...

    def watch(self, prefix: str, *, start_revision: int) -> AsyncIterator[builtins.list[Event]]:
        """Batches of events under prefix from start_revision (inclusive), in order.

        Raises Compacted when start_revision is gone, Unavailable when the stream breaks.
        """
        ...

    async def compact(self, revision: int) -> None: ...

    async def close(self) -> None: ...
