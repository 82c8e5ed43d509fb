"""LeaderElector against an in-memory Lease store: failures, hangs, release."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from machinery.api import Lease
from machinery.errors import AlreadyExists, Conflict, NotFound
from machinery.leaderelection import ElectionConfig, LeaderElector

CONFIG = ElectionConfig(
    name="l", identity="me", namespace="ns", lease_duration=0.6, renew_deadline=0.4,
    retry_period=0.05,
)  # fmt: skip


class LeaseStore:
    """get/create/update of one Lease with resourceVersion checks; can be made to hang."""

    def __init__(self) -> None:
        self.lease: dict[str, Any] | None = None
        self.rv = 0
        self.hang = asyncio.Event()  # set: every call blocks until cleared
        self.unhung = asyncio.Event()
        self.writes = 0

    async def _maybe_hang(self) -> None:
        if self.hang.is_set():
            await self.unhung.wait()

    async def get(self, cls: type[Lease], name: str, namespace: str | None = None) -> Lease:
        await self._maybe_hang()
        if self.lease is None:
            raise NotFound("no lease")
        return Lease.model_validate(self.lease)

    async def create(self, obj: Lease) -> Lease:
        await self._maybe_hang()
        if self.lease is not None:
            raise AlreadyExists("exists")
        return self._store(obj)

    async def update(self, obj: Lease) -> Lease:
        await self._maybe_hang()
        assert self.lease is not None
        if obj.metadata.resource_version != self.lease["metadata"]["resourceVersion"]:
            raise Conflict("stale")
        return self._store(obj)

    def _store(self, obj: Lease) -> Lease:
        self.rv += 1
        self.writes += 1
        obj.metadata.resource_version = str(self.rv)
        self.lease = obj.to_dict()
        return Lease.model_validate(self.lease)

    @property
    def holder(self) -> str:
        return str((self.lease or {}).get("spec", {}).get("holderIdentity") or "")


def elector(store: LeaseStore, work: Any) -> LeaderElector:
    return LeaderElector(store, CONFIG, on_started_leading=work)  # type: ignore[arg-type]


async def test_a_failing_leader_raises_its_own_error() -> None:
    store = LeaseStore()

    async def work() -> None:
        raise ValueError("controller broke")

    e = elector(store, work)
    with pytest.raises(ValueError, match="controller broke"):
        async with asyncio.timeout(5):
            await e.run()
    assert not e.is_leader


async def test_a_hung_renewal_is_cut_off_at_the_renew_deadline() -> None:
    store = LeaseStore()
    acting = asyncio.Event()
    stopped = asyncio.Event()

    async def work() -> None:
        acting.set()
        try:
            await asyncio.Event().wait()
        finally:
            stopped.set()

    e = elector(store, work)
    task = asyncio.create_task(e.run())
    async with asyncio.timeout(5):
        await acting.wait()
    assert e.is_leader and store.holder == "me"
    store.hang.set()  # the API stops answering mid-renewal (a partition)
    async with asyncio.timeout(CONFIG.renew_deadline + 2 * CONFIG.retry_period + 1):
        await task  # returns although the request never does
    assert stopped.is_set() and not e.is_leader
    store.unhung.set()


async def test_release_after_run_returned_hands_the_lease_over() -> None:
    store = LeaseStore()

    async def work() -> None:
        return None  # ends by itself: run() returns

    e = elector(store, work)
    async with asyncio.timeout(5):
        await e.run()
    assert store.holder == "me"
    await e.release()
    assert store.holder == ""
    assert store.lease is not None and store.lease["spec"]["leaseDurationSeconds"] == 1


async def test_release_leaves_a_lease_someone_else_took_alone() -> None:
    store = LeaseStore()

    async def work() -> None:
        return None

    e = elector(store, work)
    async with asyncio.timeout(5):
        await e.run()
    assert store.lease is not None
    store.lease["spec"]["holderIdentity"] = "other"  # taken over meanwhile
    store.lease["metadata"]["resourceVersion"] = str(store.rv + 100)
    writes = store.writes
    await e.release()
    assert store.holder == "other" and store.writes == writes
