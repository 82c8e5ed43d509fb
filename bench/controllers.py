"""Controller manager benchmark: `.venv/bin/python bench/controllers.py [--replicas 1000]`.

Starts its own etcd, API server, controller manager and a hollow-node process (ten fake
kubelets that also bind pending pods round-robin, tests/support/hollow.py) on loopback
ports, then creates one Deployment of --replicas replicas and reports:

  1. created:   time from the Deployment's creation until that many pods exist;
  2. Ready:     time until that many pods are Ready (bound and started by the hollow
                kubelets: the part of the chain that is not the controller manager);
  3. available: time until the Deployment's status says availableReplicas == replicas
                (the whole chain: Deployment -> ReplicaSet -> pods -> bind -> kubelet
                status -> ReplicaSet status -> Deployment status);

each also as pods per second; then

  4. endpoints: a Service selects those pods; time until its Endpoints list them all, and
     for 20 pods in turn, the time from a readiness change written to the pod's status
     until the Endpoints show it (target: within a second, p99).

There is no baseline process here (the ceiling of this
stack is the API server: see bench/apiserver.py); the figure to watch is the trend.
Everything started is stopped by PID on the way out, even after a failure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))

from machinery.api import Deployment, Endpoints, Pod  # noqa: E402
from machinery.client import Client  # noqa: E402
from machinery.informer import Informer  # noqa: E402
from machinery.kubeconfig import ClientConfig  # noqa: E402
from tests.support.cm_proc import ControllerManager  # noqa: E402
from tests.support.procs import ApiServer, Etcd, Proc, wait_for  # noqa: E402

NAMESPACE = "bench"


class Hollow(Proc):
    def __init__(self, log_dir: Path, url: str, nodes: int) -> None:
        super().__init__("hollow", log_dir)
        self.url = url
        self.nodes = nodes

    def start(self) -> None:
        self._spawn(
            [
                sys.executable,
                "-m",
                "tests.support.hollow",
                "--server",
                self.url,
                "--nodes",
                str(self.nodes),
                "--prefix",
                "bench",
                "--bind",
                "--workers",
                "64",
            ]
        )
        wait_for(lambda: "hollow nodes up" in self.log_tail(200), 60, "hollow nodes")


async def measure(url: str, replicas: int, timeout: float) -> tuple[float, float, float]:
    client = Client(ClientConfig(server=url), max_connections=20)
    pods: Informer[Pod] = Informer(client, Pod, namespace=NAMESPACE)
    created_at: float | None = None
    all_ready_at: float | None = None
    ready: set[str] = set()
    seen: set[str] = set()
    t0 = 0.0

    def on_pod(pod: Pod) -> None:
        nonlocal created_at, all_ready_at
        seen.add(pod.metadata.name)
        if created_at is None and len(seen) >= replicas:
            created_at = time.monotonic()
        if pod.is_ready():
            ready.add(pod.metadata.name)
            if all_ready_at is None and len(ready) >= replicas:
                all_ready_at = time.monotonic()

    pods.add_handlers(on_add=on_pod, on_update=lambda old, new: on_pod(new))
    try:
        await client.request("POST", "/api/v1/namespaces", body={"metadata": {"name": NAMESPACE}})
        pods.start()
        await pods.wait_synced(30)
        deploy = Deployment.model_validate(
            {
                "metadata": {"name": "big", "namespace": NAMESPACE},
                "spec": {
                    "replicas": replicas,
                    "selector": {"matchLabels": {"app": "big"}},
                    "template": {
                        "metadata": {"labels": {"app": "big"}},
                        "spec": {"containers": [{"name": "c", "image": "busybox"}]},
                    },
                },
            }
        )
        t0 = time.monotonic()
        await client.create(deploy)
        deadline = t0 + timeout
        available_at: float | None = None
        while available_at is None:
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"after {timeout}s: {len(seen)} pods created, {len(ready)} ready"
                )
            await asyncio.sleep(0.1)
            if len(ready) >= replicas:
                d = await client.get(Deployment, "big", NAMESPACE)
                if (d.status.available_replicas or 0) >= replicas:
                    available_at = time.monotonic()
        assert created_at is not None and all_ready_at is not None
        return created_at - t0, all_ready_at - t0, available_at - t0
    finally:
        await pods.stop()
        await client.close()


def _ready_ips(ep: Endpoints) -> set[str]:
    return {a.ip for s in ep.subsets or [] for a in s.addresses or [] if a.ip}


async def endpoints_latency(url: str, replicas: int, flips: int) -> tuple[float, list[float]]:
    """Seconds until a Service's Endpoints list every pod; latencies of readiness flips."""
    client = Client(ClientConfig(server=url), max_connections=5)
    eps: Informer[Endpoints] = Informer(
        client, Endpoints, namespace=NAMESPACE, field_selector="metadata.name=big"
    )
    changed = asyncio.Event()
    eps.add_handlers(on_add=lambda _e: changed.set(), on_update=lambda _o, _n: changed.set())

    def current() -> set[str]:
        ep = eps.cache.get_by(NAMESPACE, "big")
        return _ready_ips(ep) if ep else set()

    def shown(ip: str | None, present: bool) -> bool:
        return (ip in current()) == present

    async def until(cond: Callable[[], bool], limit: float) -> None:
        deadline = time.monotonic() + limit
        while not cond():
            changed.clear()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("endpoints did not follow")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    try:
        eps.start()
        await eps.wait_synced(30)
        t0 = time.monotonic()
        await client.request(
            "POST",
            f"/api/v1/namespaces/{NAMESPACE}/services",
            body={
                "metadata": {"name": "big"},
                "spec": {"selector": {"app": "big"}, "ports": [{"port": 80}]},
            },
        )
        await until(lambda: len(current()) >= replicas, 120)
        first = time.monotonic() - t0
        pods = (await client.list(Pod, NAMESPACE)).items[:flips]
        lat: list[float] = []
        for pod in pods:
            ip = pod.status.pod_ip
            for status, present in (("False", False), ("True", True)):
                t = time.monotonic()
                await client.request(
                    "PATCH",
                    f"/api/v1/namespaces/{NAMESPACE}/pods/{pod.metadata.name}/status",
                    body={"status": {"conditions": [{"type": "Ready", "status": status}]}},
                    content_type="application/strategic-merge-patch+json",
                )
                await until(functools.partial(shown, ip, present), 30)
                lat.append(time.monotonic() - t)
        return first, lat
    finally:
        await eps.stop()
        await client.close()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--replicas", type=int, default=1000)
    p.add_argument("--nodes", type=int, default=10)
    p.add_argument("--timeout", type=float, default=300)
    args = p.parse_args()
    log_dir = Path(tempfile.mkdtemp(prefix="kubeling-bench-cm-"))
    etcd = Etcd(log_dir)
    api = ApiServer(log_dir, etcd)
    cm = ControllerManager(log_dir, api)
    hollow = Hollow(log_dir, api.url, args.nodes)
    try:
        etcd.start()
        api.start()
        cm.start()
        hollow.start()
        created, ready, available = asyncio.run(measure(api.url, args.replicas, args.timeout))
        n = args.replicas
        print(f"controller manager: Deployment of {n} replicas on {args.nodes} hollow nodes")
        print(f"  {n} pods created:   {created:7.2f} s  ({n / created:7.1f} pods/s)")
        print(f"  {n} pods Ready:     {ready:7.2f} s  ({n / ready:7.1f} pods/s)  (bound + kubelet)")
        print(f"  {n} pods available: {available:7.2f} s  ({n / available:7.1f} pods/s)")
        first, lat = asyncio.run(endpoints_latency(api.url, n, 20))
        lat.sort()
        p50, p99 = lat[len(lat) // 2], lat[min(len(lat) - 1, int(len(lat) * 0.99))]
        print(f"  Endpoints list all {n} pods after the Service is created: {first:6.2f} s")
        print(
            f"  readiness change -> Endpoints ({len(lat)} changes): p50 {p50 * 1000:.0f} ms, "
            f"p99 {p99 * 1000:.0f} ms (target p99 <= 1000 ms: {'PASS' if p99 <= 1 else 'MISS'})"
        )
        print(f"  logs: {log_dir}")
    finally:
        hollow.stop()
        cm.stop()
        api.stop()
        etcd.cleanup()


if __name__ == "__main__":
    main()
