"""Per-key exponential back-off on an injected clock (Kubernetes' flowcontrol.Backoff).

Used for CrashLoopBackOff (key: pod uid + container) and ImagePullBackOff (key: pod uid +
image). The first restart after a failure is immediate; each later one waits twice as
long as the one before, up to the maximum. An entry untouched for twice the maximum is
forgotten, so a container that has run well for a while starts again from the initial delay.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Entry:
    delay: float
    updated: float


class Backoff:
    def __init__(self, *, initial: float, maximum: float, clock: Callable[[], float]) -> None:
        self.initial = initial
        self.maximum = maximum
        self.clock = clock
        self._entries: dict[str, _Entry] = {}

    def _fresh(self, key: str) -> _Entry | None:
        entry = self._entries.get(key)
        if entry is not None and self.clock() - entry.updated > 2 * self.maximum:
            del self._entries[key]
            return None
        return entry

    def delay(self, key: str) -> float:
        entry = self._fresh(key)
        return entry.delay if entry else 0.0

    def remaining(self, key: str, since: float) -> float:
        """Seconds still to wait when the last failure happened at `since` (0: go ahead)."""
        entry = self._fresh(key)
        if entry is None:
            return 0.0
        return max(0.0, since + entry.delay - self.clock())

    def next(self, key: str) -> float:
        """Record one more attempt now; return the delay the next failure will wait."""
        entry = self._fresh(key)
        now = self.clock()
        if entry is None:
            entry = self._entries[key] = _Entry(self.initial, now)
        else:
            entry.delay = min(entry.delay * 2, self.maximum)
            entry.updated = now
        return entry.delay

    def forget(self, prefix: str) -> None:
        for key in [k for k in self._entries if k.startswith(prefix)]:
            del self._entries[key]
