"""Expectations: what a controller is waiting to see in its cache after its own writes.

A ReplicaSet that just created 10 pods must not create 10 more because the watch has not
delivered them yet. Before writing, the controller records how many creations and which
deletions it expects; informer handlers count them down; until then (or until the record
expires, in case a watch event was lost) the controller does not manage replicas again.
Modelled on Kubernetes' ControllerExpectations / UIDTrackingControllerExpectations.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

EXPECTATIONS_TIMEOUT = 300.0


@dataclass
class _Record:
    adds: int = 0
    deletes: set[str] = field(default_factory=set)
    stamp: float = 0.0


class Expectations:
    def __init__(
        self,
        *,
        timeout: float = EXPECTATIONS_TIMEOUT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.timeout = timeout
        self.clock = clock
        self._records: dict[str, _Record] = {}

    def satisfied(self, key: str) -> bool:
        rec = self._records.get(key)
        if rec is None:
            return True
        if rec.adds <= 0 and not rec.deletes:
            return True
        return self.clock() - rec.stamp > self.timeout

    def expect_creations(self, key: str, count: int) -> None:
        self._records[key] = _Record(adds=count, stamp=self.clock())

    def expect_deletions(self, key: str, pod_keys: Iterable[str]) -> None:
        self._records[key] = _Record(deletes=set(pod_keys), stamp=self.clock())

    def creation_observed(self, key: str) -> None:
        rec = self._records.get(key)
        if rec is not None:
            rec.adds -= 1

    def deletion_observed(self, key: str, pod_key: str) -> None:
        rec = self._records.get(key)
        if rec is not None:
            rec.deletes.discard(pod_key)

    def forget(self, key: str) -> None:
        self._records.pop(key, None)
