"""A minimal component for the process-level tests of machinery.component.

It serves health on the given address, waits for its stop event, and on shutdown writes
its marker file (or, with --hang-on-shutdown, writes "hanging" and never finishes).
Run as `python -m tests.support.sample_component --marker-file PATH`.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from machinery.component import Component, run_component
from machinery.settings import ComponentSettings, parse


class SampleSettings(ComponentSettings):
    """A sample component for tests."""

    health_bind_address: str = "127.0.0.1"
    health_port: int = 0
    marker_file: str = ""
    hang_on_shutdown: bool = False
    grace_period: float = 5.0


def main() -> None:
    settings = parse(SampleSettings, prog="sample-component")
    marker = Path(settings.marker_file)

    async def serve(stop: asyncio.Event) -> None:
        await stop.wait()

    async def write_marker() -> None:
        if settings.hang_on_shutdown:
            marker.write_text("hanging")
            await asyncio.Event().wait()
        marker.write_text("stopped")

    def setup(component: Component) -> None:
        component.on_shutdown(write_marker)

    run_component(
        "sample",
        settings,
        serve,
        health_host=settings.health_bind_address,
        health_port=settings.health_port,
        grace_period=settings.grace_period,
        setup=setup,
    )


if __name__ == "__main__":
    main()
