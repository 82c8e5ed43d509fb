"""A synchronous facade over the async Client, for scripts and notebooks.

It runs the async client on a private event loop in a daemon thread, so there is one
client implementation (paths, errors, retries) and not two.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from machinery.client.client import Client
from machinery.kubeconfig import ClientConfig

R = TypeVar("R")


class SyncClient:
    def __init__(self, config: ClientConfig, **kwargs: Any) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, daemon=True, name="kubeling-client"
        )
        self._thread.start()
        self.aio = Client(config, **kwargs)

    def run(self, coro: Coroutine[Any, Any, R], timeout: float | None = None) -> R:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def __getattr__(self, name: str) -> Any:
        """client.get(...), client.list(...) ... run the async method to completion."""
        method = getattr(self.aio, name)
        if not callable(method):
            return method

        def call(*args: Any, **kwargs: Any) -> Any:
            return self.run(method(*args, **kwargs))

        return call

    def close(self) -> None:
        self.run(self.aio.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
