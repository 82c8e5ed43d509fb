"""Informer benchmark: `.venv/bin/python bench/informer.py`.

Starts its own etcd and API server on loopback ports, then measures machinery's Informer:

  1. sync: time from start() to has_synced for 10,000 pods (a paged LIST into typed objects
     and the indexed cache), median of several runs;
  2. events: the informer watches pods while a separate load process (bench/loadgen.py,
     closed loop, 50 connections) creates pods as fast as the API server takes them. It
     reports the events per second the informer received and handled, how far behind the
     last write it finished, and its own CPU per event, from which follows the rate one
     core could sustain (events per CPU-second of the informer's process).

Baseline for the sync figure: the same paged LIST done raw (aiohttp + orjson, no typed
model, no cache), in the same run. Every process started is stopped by PID on the way out;
all traffic goes to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
import orjson

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))

from loadgen import pod_body  # noqa: E402

from machinery.api import Pod  # noqa: E402
from machinery.client import Client  # noqa: E402
from machinery.informer import Informer  # noqa: E402
from machinery.kubeconfig import ClientConfig  # noqa: E402
from tests.support.procs import ApiServer, Etcd  # noqa: E402

HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


async def fill(url: str, namespace: str, count: int, *, concurrency: int = 50) -> None:
    """Create `count` pods in `namespace`, concurrently."""
    async with aiohttp.ClientSession() as s:
        await s.post(f"{url}/api/v1/namespaces", json={"metadata": {"name": namespace}})
        target = f"{url}/api/v1/namespaces/{namespace}/pods"
        names = iter(range(count))

        async def worker() -> None:
            for i in names:
                async with s.post(target, data=pod_body(f"p-{i}"), headers=HEADERS) as r:
                    if r.status != 201:
                        raise RuntimeError(f"create failed: {r.status} {await r.text()}")

        await asyncio.gather(*(worker() for _ in range(concurrency)))


async def raw_list(url: str, namespace: str, page: int) -> float:
    t0 = time.perf_counter()
    n = 0
    async with aiohttp.ClientSession() as s:
        cont = ""
        while True:
            q = f"limit={page}" + (f"&continue={cont}" if cont else "")
            async with s.get(f"{url}/api/v1/namespaces/{namespace}/pods?{q}") as r:
                body = orjson.loads(await r.read())
            n += len(body["items"])
            cont = body["metadata"].get("continue", "")
            if not cont:
                break
    return time.perf_counter() - t0


async def informer_sync(url: str, namespace: str) -> tuple[float, int]:
    async with Client(ClientConfig(server=url)) as client:
        inf = Informer(client, Pod, namespace=namespace)
        t0 = time.perf_counter()
        inf.start()
        await inf.wait_synced(120)
        took = time.perf_counter() - t0
        n = len(inf.cache)
        await inf.stop()
    return took, n


async def event_rate(url: str, namespace: str, duration: float) -> dict[str, Any]:
    """Informer on a namespace while loadgen creates pods there for `duration` seconds."""
    async with Client(ClientConfig(server=url)) as client:
        await client.request("POST", "/api/v1/namespaces", body={"metadata": {"name": namespace}})
        inf = Informer(client, Pod, namespace=namespace)
        seen: list[float] = []
        inf.add_handlers(on_add=lambda _pod: seen.append(time.perf_counter()))
        inf.start()
        await inf.wait_synced(30)
        cpu0 = time.process_time()
        t0 = time.perf_counter()
        gen = await asyncio.create_subprocess_exec(
            sys.executable,
            str(BENCH / "loadgen.py"),
            "closed",
            "--url",
            url,
            "--namespace",
            namespace,
            "--duration",
            str(duration),
            "--concurrency",
            "50",
            stdout=subprocess.PIPE,
        )
        out, _ = await gen.communicate()
        writes_done = time.perf_counter()
        result = json.loads(out.decode().strip().splitlines()[-1])
        created = int(result["created"])
        deadline = time.perf_counter() + 30
        while len(seen) < created and time.perf_counter() < deadline:
            await asyncio.sleep(0.01)
        cpu = time.process_time() - cpu0
        await inf.stop()
    wall = (seen[-1] - t0) if seen else float("nan")
    return {
        "created": created,
        "events": len(seen),
        "events_per_s": len(seen) / wall if seen else 0.0,
        "write_rps": result["rps"],
        "caught_up_after_last_write_ms": (seen[-1] - writes_done) * 1000 if seen else None,
        "informer_cpu_s": cpu,
        "events_per_cpu_s": len(seen) / cpu if cpu else 0.0,
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--objects", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--duration", type=float, default=10.0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="kubeling-bench-") as tmp:
        etcd = Etcd(Path(tmp))
        api = ApiServer(Path(tmp), etcd)
        try:
            etcd.start()
            api.start()
            t = time.perf_counter()
            asyncio.run(fill(api.url, "sync", args.objects))
            print(f"filled {args.objects} pods in {time.perf_counter() - t:.1f} s")
            syncs, raws = [], []
            for _ in range(args.runs):
                took, n = asyncio.run(informer_sync(api.url, "sync"))
                assert n == args.objects, f"informer synced {n} of {args.objects}"
                syncs.append(took)
                raws.append(asyncio.run(raw_list(api.url, "sync", 500)))
            ev = asyncio.run(event_rate(api.url, "events", args.duration))
        finally:
            api.stop()
            etcd.cleanup()
    sync_med, raw_med = statistics.median(syncs), statistics.median(raws)
    print()
    print(f"{'metric':58} value")
    print(f"{'informer sync, ' + str(args.objects) + ' pods (median of runs)':58} {sync_med:.2f} s")
    print(f"{'  runs':58} {', '.join(f'{s:.2f}' for s in syncs)} s")
    print(f"{'  baseline: raw paged LIST, no model or cache (median)':58} {raw_med:.2f} s")
    print(f"{'  objects synced per second':58} {args.objects / sync_med:,.0f}/s")
    print(f"{'events: writes by loadgen (closed loop, 50 conns)':58} {ev['write_rps']:.0f}/s")
    print(f"{'events: received and handled by the informer':58} {ev['events_per_s']:.0f}/s")
    print(f"{'  events handled / created':58} {ev['events']} / {ev['created']}")
    lag = ev["caught_up_after_last_write_ms"]
    print(f"{'  caught up after the last write returned':58} {lag:.0f} ms")
    per_event_us = 1e6 * ev["informer_cpu_s"] / max(ev["events"], 1)
    print(f"{'  informer CPU per event':58} {per_event_us:.0f} µs")
    print(
        f"{'  sustainable on one core (events per CPU-second)':58} {ev['events_per_cpu_s']:,.0f}/s"
    )
    return 0 if ev["events"] == ev["created"] else 1


if __name__ == "__main__":
    sys.exit(main())
