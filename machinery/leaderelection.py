"""Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it.

Candidates race to hold the Lease. The holder renews it every retry period; others take it
over once it has not changed for a lease duration (measured on their own clock, so clock
skew between machines does not matter). A leader that has not renewed within the renew
deadline stops its work at once: after a pause (SIGSTOP, a partition) it must assume that
somebody else leads.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from pydantic import Field

from machinery.api import Lease
from machinery.client.client import Client
from machinery.errors import AlreadyExists, Conflict, NotFound
from machinery.settings import ComponentSettings
from machinery.timeutil import now_rfc3339_micro

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ElectionConfig:
    name: str
    identity: str
    namespace: str = "kube-system"
    lease_duration: float = 15.0
    renew_deadline: float = 10.0
    retry_period: float = 2.0

    def __post_init__(self) -> None:
        if not self.lease_duration > self.renew_deadline > self.retry_period > 0:
            raise ValueError("need lease_duration > renew_deadline > retry_period > 0")


class LeaderElectionSettings(ComponentSettings):
    """The leader-election flags of kube-scheduler and kube-controller-manager, same names."""

    leader_elect: bool = Field(True, description="act only while holding the Lease")
    leader_elect_lease_duration: float = Field(15.0, description="seconds a lease lasts")
    leader_elect_renew_deadline: float = Field(10.0, description="leader gives up after this")
    leader_elect_retry_period: float = Field(2.0, description="seconds between lease attempts")
    leader_elect_resource_name: str = Field("", description="the Lease's name")
    leader_elect_resource_namespace: str = Field("kube-system", description="the Lease's namespace")

    def election_config(self, identity: str) -> ElectionConfig:
        return ElectionConfig(
            name=self.leader_elect_resource_name,
            identity=identity,
            namespace=self.leader_elect_resource_namespace,
            lease_duration=self.leader_elect_lease_duration,
            renew_deadline=self.leader_elect_renew_deadline,
            retry_period=self.leader_elect_retry_period,
        )


class LeaderElector:
    def __init__(
        self,
        client: Client,
        config: ElectionConfig,
        *,
        on_started_leading: Callable[[], Coroutine[Any, Any, None]],
        on_stopped_leading: Callable[[], None] | None = None,
        on_new_leader: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.config = config
        self.on_started_leading = on_started_leading
        self.on_stopped_leading = on_stopped_leading
        self.on_new_leader = on_new_leader
        self.clock = clock
        self.leader = ""  # who holds the lease, as last observed
        self._observed: tuple[str, str, str] | None = None  # (holder, renewTime, RV)
        self._observed_at = 0.0
        self._last_renew: float | None = None  # when we last renewed successfully
        self._lease: Lease | None = None

    @property
    def is_leader(self) -> bool:
        """True only while our last successful renewal is within the renew deadline."""
        return (
            self._last_renew is not None
            and self.clock() - self._last_renew < self.config.renew_deadline
        )

    async def run(self) -> None:
        """Campaign until elected, lead until the lease is lost; then return.

        If the leader's work fails, its exception is raised here (after the work has
        stopped), so a component crashes with the real cause instead of "lost the lease".
        """
        await self._acquire()
        work: asyncio.Task[None] = asyncio.create_task(
            self.on_started_leading(), name="leader-work"
        )
        try:
            await self._renew_until_lost(work)
        finally:
            if not work.done():
                work.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await work
            self._last_renew = None
            if self.on_stopped_leading:
                self.on_stopped_leading()
        if not work.cancelled() and (error := work.exception()) is not None:
            raise error

    async def _acquire(self) -> None:
        while not await self._try_acquire_or_renew():
            await asyncio.sleep(self.config.retry_period)
        log.info("became leader lease=%s identity=%s", self.config.name, self.config.identity)

    async def _renew_until_lost(self, work: asyncio.Task[None]) -> None:
        while True:
            await asyncio.sleep(self.config.retry_period)
            if work.done():
                return  # the work ended by itself: give up leadership
            if not self.is_leader:  # paused past the deadline: someone else may lead
                log.warning("lost leadership (renew deadline passed) lease=%s", self.config.name)
                return
            deadline = self._last_renew + self.config.renew_deadline if self._last_renew else 0
            # Every attempt is cut off at the renew deadline (a request may hang on a
            # partition far longer): past it, another candidate may already lead.
            while not await self._attempt_until(deadline):
                if self.clock() >= deadline:
                    log.warning("lost leadership (could not renew) lease=%s", self.config.name)
                    return
                await asyncio.sleep(min(self.config.retry_period / 2, 1.0))

    async def _attempt_until(self, deadline: float) -> bool:
        try:
            async with asyncio.timeout(max(0.0, deadline - self.clock())):
                return await self._try_acquire_or_renew()
        except TimeoutError:
            return False

    async def _try_acquire_or_renew(self) -> bool:
        cfg = self.config
        now = now_rfc3339_micro()
        started = self.clock()  # a renewal counts from when it was sent, not answered
        try:
            lease = await self.client.get(Lease, cfg.name, cfg.namespace)
        except NotFound:
            fresh = Lease.model_validate(
                {
                    "metadata": {"name": cfg.name, "namespace": cfg.namespace},
                    "spec": {
                        "holderIdentity": cfg.identity,
                        "leaseDurationSeconds": int(cfg.lease_duration),
                        "acquireTime": now,
                        "renewTime": now,
                        "leaseTransitions": 0,
                    },
                }
            )
            try:
                self._lease = await self.client.create(fresh)
            except (AlreadyExists, Conflict):
                return False
            self._renewed(self._lease, started)
            return True
        except Exception as e:
            log.debug("lease get failed lease=%s err=%s", cfg.name, e)
            return False
        spec = lease.spec
        holder = spec.holder_identity or ""
        record = (holder, spec.renew_time or "", lease.metadata.resource_version or "")
        if record != self._observed:
            self._observed, self._observed_at = record, self.clock()
            if holder != self.leader:
                self.leader = holder
                if self.on_new_leader and holder:
                    self.on_new_leader(holder)
        duration = float(spec.lease_duration_seconds or cfg.lease_duration)
        expired = self.clock() > self._observed_at + duration
        if holder and holder != cfg.identity and not expired:
            return False
        if holder != cfg.identity:
            spec.acquire_time = now
            spec.lease_transitions = (spec.lease_transitions or 0) + 1
        spec.holder_identity = cfg.identity
        spec.lease_duration_seconds = int(cfg.lease_duration)
        spec.renew_time = now
        try:
            self._lease = await self.client.update(lease)
        except Exception as e:  # a conflict means someone else wrote first
            log.debug("lease update failed lease=%s err=%s", cfg.name, e)
            return False
        self._renewed(self._lease, started)
        return True

    def _renewed(self, lease: Lease, started: float) -> None:
        self._last_renew = started
        self.leader = self.config.identity
        spec = lease.spec
        self._observed = (
            self.config.identity,
            spec.renew_time or "",
            lease.metadata.resource_version or "",
        )
        self._observed_at = self._last_renew

    async def release(self) -> None:
        """Give the lease up (on clean shutdown) so a standby takes over at once.

        Works after run() has returned too; a lease somebody else took meanwhile is left
        alone (our stale resourceVersion makes the write a conflict).
        """
        lease = self._lease
        if lease is None or lease.spec.holder_identity != self.config.identity:
            return
        self._lease = None
        lease.spec.holder_identity = ""
        lease.spec.lease_duration_seconds = 1
        with contextlib.suppress(Exception):
            async with asyncio.timeout(self.config.retry_period):
                await self.client.update(lease)
        self._last_renew = None
