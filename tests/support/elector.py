"""A leader-election candidate process for tests: `python -m tests.support.elector URL ID`.

Prints `LEADING`, then `ACTING <wall time>` lines while it believes it leads, and
`STOPPED` once it has lost the lease (then exits).
"""

from __future__ import annotations

import asyncio
import sys
import time

from machinery.client import Client
from machinery.kubeconfig import ClientConfig
from machinery.leaderelection import ElectionConfig, LeaderElector


async def main(url: str, identity: str) -> None:
    async with Client(ClientConfig(server=url), retries=1, timeout=2) as client:
        elector: LeaderElector

        async def work() -> None:
            print("LEADING", flush=True)
            while True:
                if elector.is_leader:  # guard every action, as controllers do
                    print(f"ACTING {time.time():.3f}", flush=True)
                await asyncio.sleep(0.1)

        elector = LeaderElector(
            client,
            ElectionConfig(
                name="test-election",
                identity=identity,
                namespace="default",
                lease_duration=3.0,
                renew_deadline=2.0,
                retry_period=0.5,
            ),
            on_started_leading=work,
            on_stopped_leading=lambda: print("STOPPED", flush=True),
        )
        await elector.run()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
