"""Reading a watch stream line by line in a background thread, with deadlines."""

from __future__ import annotations

import json
import queue
import threading
import time
from typing import Any

import httpx


class WatchStream:
    def __init__(
        self,
        base_url: str,
        path: str,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.events: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.status_code = 0
        self._client = httpx.Client(base_url=base_url, timeout=httpx.Timeout(10, read=None))
        self._ready = threading.Event()
        self._thread = threading.Thread(
            target=self._run,
            args=(path, {"watch": "1", **(params or {})}, headers or {}),
            daemon=True,
        )
        self._thread.start()
        self._ready.wait(10)

    def _run(self, path: str, params: dict[str, str], headers: dict[str, str]) -> None:
        try:
            with self._client.stream("GET", path, params=params, headers=headers) as r:
                self.status_code = r.status_code
                self._ready.set()
                for line in r.iter_lines():
                    if line.strip():
                        self.events.put(json.loads(line))
        except httpx.HTTPError:
            pass
        finally:
            self._ready.set()
            self.events.put(None)

    def next(self, timeout: float = 10) -> dict[str, Any] | None:
        """The next event, or None once the server has ended the stream."""
        return self.events.get(timeout=timeout)

    def take(
        self, n: int, timeout: float = 10, skip_bookmarks: bool = True
    ) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        deadline = time.monotonic() + timeout
        while len(out) < n:
            ev = self.next(max(0.01, deadline - time.monotonic()))
            if ev is None:
                break
            if skip_bookmarks and ev["type"] == "BOOKMARK":
                continue
            out.append(ev)
        return out

    def close(self) -> None:
        self._client.close()
        self._thread.join(5)
