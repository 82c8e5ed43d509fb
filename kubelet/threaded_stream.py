"""A blocking byte stream (the docker SDK's log stream) as an async iterator.

One daemon thread reads the stream and hands chunks to the event loop through a bounded
queue (back-pressure: a slow HTTP client slows the reader, not the kubelet). Closing the
async iterator (client gone, `kubectl logs -f` interrupted) closes the underlying stream,
which ends the thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncGenerator, Callable, Iterable
from typing import Any

_DONE = object()


async def iterate_in_thread(
    open_stream: Callable[[], Iterable[bytes]], *, name: str, maxsize: int = 256
) -> AsyncGenerator[bytes, None]:
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[object] = asyncio.Queue(maxsize=maxsize)
    opened: list[Any] = []
    closed = threading.Event()

    def put(item: object) -> None:
        if closed.is_set():
            return
        fut = asyncio.run_coroutine_threadsafe(queue.put(item), loop)
        with contextlib.suppress(Exception):
            fut.result()

    def pump() -> None:
        try:
            stream = open_stream()
            opened.append(stream)
            for chunk in stream:
                if closed.is_set():
                    break
                put(chunk)
        except Exception as e:
            if not closed.is_set():
                put(e)
        finally:
            put(_DONE)

    threading.Thread(target=pump, name=name, daemon=True).start()
    try:
        while True:
            item = await queue.get()
            if item is _DONE:
                return
            if isinstance(item, Exception):
                raise item
            assert isinstance(item, bytes)
            yield item
    finally:
        closed.set()
        for stream in opened:
            close = getattr(stream, "close", None)
            if close is not None:
                with contextlib.suppress(Exception):
                    close()
        while not queue.empty():  # unblock a reader waiting on a full queue
            queue.get_nowait()
