"""The aiohttp load generator of bench/apiserver.py, run in its own process.

Every mode prints one JSON line with its results on stdout, including the CPU it used over
its measured window (so the caller can tell whether the generator was the bottleneck) and,
with --pids, the CPU the given server processes used over the same window.

Modes (all bounded in count and in time; all traffic to the URL given, 127.0.0.1 only):
  closed  CONC workers POST pods back to back until COUNT are done or DURATION has passed
  open    POST pods at a fixed RATE for DURATION, each at its scheduled time (open loop)
  watch   WATCHERS watch streams, then pods created at RATE for DURATION; delivery latency
  list    full LISTs and limit=N paged LISTs of a namespace's pods
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import sys
import time
from collections import Counter
from typing import Any
from urllib.parse import quote, urlsplit

import aiohttp
import orjson

# A typical small pod manifest; @@NAME@@ is replaced by a unique name.
POD_TEMPLATE = (
    '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"@@NAME@@","labels":'
    '{"app":"bench","tier":"web","release":"stable"},"annotations":{"bench/run":"kubeling"}},'
    '"spec":{"containers":[{"name":"web","image":"nginx:1.25","imagePullPolicy":"IfNotPresent",'
    '"ports":[{"name":"http","containerPort":80,"protocol":"TCP"}],'
    '"env":[{"name":"MODE","value":"bench"}],'
    '"resources":{"requests":{"cpu":"100m","memory":"64Mi"},'
    '"limits":{"cpu":"200m","memory":"128Mi"}},'
    '"readinessProbe":{"httpGet":{"path":"/","port":80},"periodSeconds":5}}],'
    '"restartPolicy":"Always","terminationGracePeriodSeconds":30}}'
)
_HEAD, _TAIL = (s.encode() for s in POD_TEMPLATE.split("@@NAME@@"))
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}
TICK = os.sysconf("SC_CLK_TCK")
MAX_DURATION = 120.0  # no mode runs longer than this, whatever it is asked


def pod_body(name: str) -> bytes:
    return _HEAD + name.encode() + _TAIL


def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of values; 0 when there are none."""
    if not values:
        return 0.0
    s = sorted(values)
    k = max(0, min(len(s) - 1, math.ceil(p / 100 * len(s)) - 1))
    return s[k]


def proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far; -1 when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK
    except (OSError, IndexError, ValueError):
        return -1.0


def machine_busy() -> float:
    """CPU seconds all processes on the machine have used (from /proc/stat)."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = (v + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / TICK


def others_share(busy: float, wall: float, ours: float) -> float:
    """Share of a core used by processes other than the measured ones (never negative)."""
    return max(0.0, (busy / wall) - ours) if wall > 0 else 0.0


class Window:
    """Wall time and CPU (own and of other processes) over a measured window."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids
        self.t0 = time.monotonic()
        self.cpu0 = time.process_time()
        self.busy0 = machine_busy()
        self.other0 = {name: proc_cpu(pid) for name, pid in pids.items()}

    def result(self) -> dict[str, Any]:
        wall = time.monotonic() - self.t0
        cpu = time.process_time() - self.cpu0
        others = {
            name: round((proc_cpu(pid) - self.other0[name]) / wall, 3) if wall > 0 else 0.0
            for name, pid in self.pids.items()
        }
        own = cpu / wall if wall > 0 else 0.0
        rest = others_share(machine_busy() - self.busy0, wall, own + sum(others.values()))
        return {"wall_s": wall, "loadgen_cpu": own, "cpu": others, "other_cpu": rest}


def latency_stats(lat_s: list[float], prefix: str = "") -> dict[str, float]:
    return {
        f"{prefix}p50_ms": pct(lat_s, 50) * 1000,
        f"{prefix}p99_ms": pct(lat_s, 99) * 1000,
        f"{prefix}max_ms": max(lat_s, default=0.0) * 1000,
    }


async def post_pod(
    session: aiohttp.ClientSession, url: str, name: str, statuses: Counter[str]
) -> bool:
    try:
        async with session.post(url, data=pod_body(name), headers=JSON_HEADERS) as r:
            await r.read()
            statuses[str(r.status)] += 1
            return r.status == 201
    except (aiohttp.ClientError, TimeoutError) as e:
        statuses[f"error:{type(e).__name__}"] += 1
        return False


def session(limit: int, total_timeout: float | None = 10.0) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=limit, force_close=False),
        timeout=aiohttp.ClientTimeout(total=total_timeout),
    )


def pods_url(base: str, namespace: str) -> str:
    return f"{base}/api/v1/namespaces/{namespace}/pods"


async def closed(args: argparse.Namespace, pids: dict[str, int]) -> dict[str, Any]:
    url = pods_url(args.url, args.namespace)
    statuses: Counter[str] = Counter()
    lat: list[float] = []
    next_i = 0
    duration = min(args.duration, MAX_DURATION)
    async with session(args.concurrency) as s:
        deadline = time.monotonic() + duration

        async def worker() -> None:
            nonlocal next_i
            while next_i < args.count and time.monotonic() < deadline:
                i = next_i
                next_i += 1
                t = time.monotonic()
                if await post_pod(s, url, f"{args.prefix}-{i}", statuses):
                    lat.append(time.monotonic() - t)

        win = Window(pids)
        await asyncio.gather(*(worker() for _ in range(args.concurrency)))
        res = win.result()
    return {
        **res,
        "requests": next_i,
        "created": len(lat),
        "statuses": dict(statuses),
        "rps": len(lat) / res["wall_s"],
        **latency_stats(lat),
    }


async def open_loop(
    s: aiohttp.ClientSession,
    url: str,
    prefix: str,
    rate: float,
    duration: float,
    statuses: Counter[str],
    on_send: dict[str, float] | None = None,
    on_done: dict[str, float] | None = None,
) -> tuple[list[float], list[float]]:
    """Creates at fixed intervals, never waiting for completions.

    Returns (latency from the scheduled send time, how late each send started)."""
    n = int(rate * min(duration, MAX_DURATION))
    lat: list[float] = []
    lag: list[float] = []

    async def one(i: int, scheduled: float) -> None:
        name = f"{prefix}-{i}"
        start = time.monotonic()
        lag.append(start - scheduled)
        if on_send is not None:
            on_send[name] = start
        ok = await post_pod(s, url, name, statuses)
        end = time.monotonic()
        if ok:
            lat.append(end - scheduled)
            if on_done is not None:
                on_done[name] = end

    tasks = []
    t0 = time.monotonic() + 0.01
    for i in range(n):
        scheduled = t0 + i / rate
        delay = scheduled - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i, scheduled)))
    await asyncio.gather(*tasks)
    return lat, lag


async def open_mode(args: argparse.Namespace, pids: dict[str, int]) -> dict[str, Any]:
    url = pods_url(args.url, args.namespace)
    statuses: Counter[str] = Counter()
    async with session(0) as s:
        # Warm the connection pool so the first measured requests do not pay for connects.
        await asyncio.gather(
            *(post_pod(s, url, f"{args.prefix}-warm-{i}", Counter()) for i in range(8))
        )
        win = Window(pids)
        lat, lag = await open_loop(s, url, args.prefix, args.rate, args.duration, statuses)
        res = win.result()
    return {
        **res,
        "requests": len(lag),
        "created": len(lat),
        "statuses": dict(statuses),
        "max_send_lag_ms": max(lag, default=0.0) * 1000,
        "p99_send_lag_ms": pct(lag, 99) * 1000,
        **latency_stats(lat),
    }


async def watch_mode(args: argparse.Namespace, pids: dict[str, int]) -> dict[str, Any]:
    url = pods_url(args.url, args.namespace)
    n_pods = int(args.rate * min(args.duration, MAX_DURATION))
    expected = n_pods * args.watchers
    async with session(0, None) as ws, session(0) as cs:
        async with cs.get(url, params={"limit": "1"}) as r:
            rv = (await r.json())["metadata"]["resourceVersion"]
        wurl = f"{url}?watch=1&resourceVersion={quote(rv)}&timeoutSeconds=120"
        received: list[list[tuple[float, bytes]]] = [[] for _ in range(args.watchers)]
        opened = 0
        total = 0
        all_open = asyncio.Event()
        all_received = asyncio.Event()
        watch_status: Counter[str] = Counter()

        async def watcher(i: int) -> None:
            nonlocal opened, total
            buf = received[i]
            try:
                async with ws.get(wurl) as r:
                    watch_status[str(r.status)] += 1
                    opened += 1
                    if opened == args.watchers:
                        all_open.set()
                    while True:
                        line = await r.content.readline()
                        if not line:
                            return
                        buf.append((time.monotonic(), line))
                        total += 1
                        if total >= expected:
                            all_received.set()
            except (aiohttp.ClientError, TimeoutError) as e:
                watch_status[f"error:{type(e).__name__}"] += 1

        watchers = [asyncio.create_task(watcher(i)) for i in range(args.watchers)]
        try:
            await asyncio.wait_for(all_open.wait(), 20)
            await asyncio.sleep(0.5)  # let every stream subscribe to the cache
            sent: dict[str, float] = {}
            answered: dict[str, float] = {}
            statuses: Counter[str] = Counter()
            win = Window(pids)
            await open_loop(
                cs, url, args.prefix, args.rate, args.duration, statuses, sent, answered
            )
            try:
                await asyncio.wait_for(all_received.wait(), 15)
            except TimeoutError:
                pass
            res = win.result()
        finally:
            for task in watchers:
                task.cancel()
            await asyncio.gather(*watchers, return_exceptions=True)
    from_send: list[float] = []
    from_resp: list[float] = []
    other = 0
    for buf in received:
        for t, line in buf:
            ev = orjson.loads(line)
            name = ev["object"].get("metadata", {}).get("name", "")
            if ev.get("type") != "ADDED" or name not in sent:
                other += 1
                continue
            from_send.append(t - sent[name])
            if name in answered:
                from_resp.append(t - answered[name])
    return {
        **res,
        "watchers": args.watchers,
        "watch_status": dict(watch_status),
        "pods": n_pods,
        "create_statuses": dict(statuses),
        "expected": expected,
        "delivered": len(from_send),
        "other_events": other,
        **latency_stats(from_send),
        **latency_stats(from_resp, "resp_"),
    }


async def list_mode(args: argparse.Namespace, pids: dict[str, int]) -> dict[str, Any]:
    url = pods_url(args.url, args.namespace)
    full: list[float] = []
    paged: list[float] = []
    page_times: list[float] = []
    counts: set[int] = set()
    size = 0
    async with session(1, 60) as s:
        win = Window(pids)
        for _ in range(args.repeats):
            t = time.monotonic()
            async with s.get(url, headers=JSON_HEADERS) as r:
                body = await r.read()
            full.append(time.monotonic() - t)
            size = len(body)
            counts.add(len(orjson.loads(body)["items"]))
        for _ in range(args.repeats):
            t = time.monotonic()
            token, n, pages = "", 0, 0
            while pages < 1000:
                params = {"limit": str(args.limit)}
                if token:
                    params["continue"] = token
                tp = time.monotonic()
                async with s.get(url, params=params, headers=JSON_HEADERS) as r:
                    page = orjson.loads(await r.read())
                page_times.append(time.monotonic() - tp)
                pages += 1
                n += len(page["items"])
                token = page["metadata"].get("continue", "")
                if not token:
                    break
            paged.append(time.monotonic() - t)
            counts.add(n)
        res = win.result()
    return {
        **res,
        "counts": sorted(counts),
        "bytes": size,
        "pages": pages,
        **latency_stats(full, "full_"),
        **latency_stats(paged, "paged_"),
        **latency_stats(page_times, "page_"),
    }


MODES = {"closed": closed, "open": open_mode, "watch": watch_mode, "list": list_mode}


def parse_pids(spec: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for part in filter(None, spec.split(",")):
        name, pid = part.split("=")
        out[name] = int(pid)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=sorted(MODES))
    ap.add_argument("--url", required=True)
    ap.add_argument("--namespace", default="bench")
    ap.add_argument("--prefix", default="p")
    ap.add_argument("--concurrency", type=int, default=50)
    ap.add_argument("--count", type=int, default=1_000_000)
    ap.add_argument("--duration", type=float, default=10.0)
    ap.add_argument("--rate", type=float, default=100.0)
    ap.add_argument("--watchers", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--limit", type=int, default=500)
    ap.add_argument("--pids", default="", help="name=pid,... whose CPU to report")
    args = ap.parse_args()
    if urlsplit(args.url).hostname != "127.0.0.1":
        sys.exit("loadgen: only 127.0.0.1 is allowed")
    coro = MODES[args.mode](args, parse_pids(args.pids))
    try:
        import uvloop

        result = uvloop.run(coro)
    except ImportError:
        result = asyncio.run(coro)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
