"""Pod startup latency through the kubelet, next to the same Docker work done directly.

`.venv/bin/python bench/pod_startup.py [--pods 50]` starts its own etcd, API server and a
Docker kubelet on random loopback ports, builds the local images if missing, then measures:

  1. sequential: N pods created one at a time, each waited for until Running;
  2. burst: N pods created at once;

latency = from the create request being sent to the pod seen Running through a watch
(creationTimestamp has whole-second resolution, so the client's send time is the start; the
image is present). The baseline, in the same run, does the same Docker work straight
through the SDK: a pause container on a bridge network, then an app container joined to
its network namespace, one at a time and then N at once (16 threads, the kubelet's Docker
pool size). Targets: p50 <= 1.5 x the baseline's p50, p99 <= 2 s.
Everything it creates is removed on the way out (containers by label, the network, the
processes by PID), even on failure.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import docker
import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.support.kubelet_proc import Kubelet, build_images  # noqa: E402
from tests.support.procs import ApiServer, Etcd, wait_for  # noqa: E402

APP = "kubeling/web:latest"
PAUSE = "kubeling/pause:latest"
BASELINE_LABEL = "io.kubeling.bench"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


# ---- baseline: the same Docker work, straight through the SDK ------------------------------
class Baseline:
    def __init__(self, run_id: str) -> None:
        self.api = docker.from_env(timeout=120).api
        self.run_id = run_id
        self.network = f"kubeling-bench-{run_id}"
        ipam = docker.types.IPAMConfig(
            pool_configs=[docker.types.IPAMPool(subnet="10.87.0.0/24", gateway="10.87.0.1")]
        )
        self.api.create_network(
            self.network,
            driver="bridge",
            internal=True,
            ipam=ipam,
            labels={BASELINE_LABEL: run_id},
        )

    def one_pod(self, i: int) -> float:
        t0 = time.perf_counter()
        labels = {BASELINE_LABEL: self.run_id}
        sb = self.api.create_container(
            PAUSE,
            name=f"bench-{self.run_id}-{i}-pause",
            hostname=f"pod-{i}",
            labels=labels,
            host_config=self.api.create_host_config(
                network_mode=self.network, ipc_mode="shareable", restart_policy={"Name": "no"}
            ),
        )["Id"]
        self.api.start(sb)
        self.api.inspect_container(sb)  # the kubelet reads the sandbox's IP
        app = self.api.create_container(
            APP,
            name=f"bench-{self.run_id}-{i}-app",
            labels=labels,
            host_config=self.api.create_host_config(
                network_mode=f"container:{sb}",
                ipc_mode=f"container:{sb}",
                restart_policy={"Name": "no"},
            ),
        )["Id"]
        self.api.start(app)
        return time.perf_counter() - t0

    def sequential(self, n: int) -> list[float]:
        return [self.one_pod(i) for i in range(n)]

    def burst(self, n: int, offset: int) -> list[float]:
        t0 = time.perf_counter()
        done: list[float] = []
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            futures = [pool.submit(self.one_pod, offset + i) for i in range(n)]
            for f in concurrent.futures.as_completed(futures):
                f.result()
                done.append(time.perf_counter() - t0)
        return done

    def cleanup(self) -> None:
        for c in self.api.containers(
            all=True, filters={"label": f"{BASELINE_LABEL}={self.run_id}"}
        ):
            self.api.remove_container(c["Id"], force=True)
        try:
            self.api.remove_network(self.network)
        except docker.errors.APIError:
            pass


# ---- the kubelet ---------------------------------------------------------------------------
class RunningWatch:
    """Records when each pod is first seen Running on a watch of the namespace."""

    def __init__(self, base: str, ns: str) -> None:
        self.seen: dict[str, float] = {}
        self.cond = threading.Condition()
        self.client = httpx.Client(base_url=base, timeout=httpx.Timeout(10, read=None))
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self.run, args=(ns,), daemon=True)
        self.thread.start()
        self.ready.wait(10)

    def run(self, ns: str) -> None:
        try:
            with self.client.stream(
                "GET", f"/api/v1/namespaces/{ns}/pods", params={"watch": "1"}
            ) as r:
                self.ready.set()
                for line in r.iter_lines():
                    if not line.strip():
                        continue
                    ev = json.loads(line)
                    obj = ev.get("object") or {}
                    if (obj.get("status") or {}).get("phase") == "Running":
                        name = obj["metadata"]["name"]
                        with self.cond:
                            self.seen.setdefault(name, time.perf_counter())
                            self.cond.notify_all()
        except httpx.HTTPError:
            pass

    def wait(self, names: list[str], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        with self.cond:
            while not all(n in self.seen for n in names):
                left = deadline - time.monotonic()
                if left <= 0:
                    missing = [n for n in names if n not in self.seen]
                    raise TimeoutError(f"pods never Running: {missing[:5]}...")
                self.cond.wait(min(left, 0.5))

    def close(self) -> None:
        self.client.close()


def pod_body(name: str, node: str) -> dict[str, Any]:
    return {
        "metadata": {"name": name},
        "spec": {
            "nodeName": node,
            "terminationGracePeriodSeconds": 1,
            "containers": [{"name": "app", "image": APP, "imagePullPolicy": "IfNotPresent"}],
        },
    }


def kubelet_runs(api: str, node: str, n: int) -> tuple[list[float], list[float]]:
    ns = "bench-" + uuid.uuid4().hex[:6]
    with httpx.Client(base_url=api, timeout=30) as c:
        assert c.post("/api/v1/namespaces", json={"metadata": {"name": ns}}).status_code == 201
        watch = RunningWatch(api, ns)
        try:
            seq: list[float] = []
            for i in range(n):
                name = f"seq-{i}"
                t0 = time.perf_counter()
                assert (
                    c.post(f"/api/v1/namespaces/{ns}/pods", json=pod_body(name, node)).status_code
                    == 201
                )
                watch.wait([name], 60)
                seq.append(watch.seen[name] - t0)
            for i in range(n):  # clean the node before the burst
                c.request(
                    "DELETE",
                    f"/api/v1/namespaces/{ns}/pods/seq-{i}",
                    json={"gracePeriodSeconds": 0},
                )
            wait_for(lambda: _containers(node) == 0, 120, "sequential pods to be removed", 0.2)
            names = [f"burst-{i}" for i in range(n)]
            starts: dict[str, float] = {}
            with concurrent.futures.ThreadPoolExecutor(16) as pool:

                def create(name: str) -> None:
                    starts[name] = time.perf_counter()
                    r = httpx.post(
                        f"{api}/api/v1/namespaces/{ns}/pods", json=pod_body(name, node), timeout=30
                    )
                    assert r.status_code == 201, r.text

                list(pool.map(create, names))
            watch.wait(names, 120)
            burst = [watch.seen[n_] - starts[n_] for n_ in names]
            for name in names:
                c.request(
                    "DELETE", f"/api/v1/namespaces/{ns}/pods/{name}", json={"gracePeriodSeconds": 0}
                )
            return seq, burst
        finally:
            watch.close()


def row(label: str, ours: list[float], base: list[float]) -> list[str]:
    p50, p99 = pct(ours, 50), pct(ours, 99)
    b50, b99 = pct(base, 50), pct(base, 99)
    ok50 = p50 <= 1.5 * b50
    ok99 = p99 <= 2.0
    return [
        f"{label:<12} kubelet p50 {p50 * 1000:7.0f} ms  p99 {p99 * 1000:7.0f} ms   "
        f"baseline p50 {b50 * 1000:7.0f} ms  p99 {b99 * 1000:7.0f} ms",
        f"{'':<12} p50 <= 1.5 x baseline ({1.5 * b50 * 1000:.0f} ms): {'PASS' if ok50 else 'MISS'}"
        f"   p99 <= 2000 ms: {'PASS' if ok99 else 'MISS'}",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pods", type=int, default=50)
    args = parser.parse_args()
    n = max(1, min(args.pods, 200))
    build_images()
    logs = Path(tempfile.mkdtemp(prefix="kubeling-bench-"))
    run_id = uuid.uuid4().hex[:6]
    etcd = Etcd(logs)
    api = ApiServer(logs, etcd)
    kubelet: Kubelet | None = None
    baseline: Baseline | None = None
    try:
        baseline = Baseline(run_id)
        base_seq = baseline.sequential(n)
        base_burst = baseline.burst(n, n)
        baseline.cleanup()
        baseline = None
        etcd.start()
        api.start()
        kubelet = Kubelet(logs, api)
        kubelet.start()
        seq, burst = kubelet_runs(api.url, kubelet.node_name, n)
        wait_for(lambda: _containers(kubelet.node_name) == 0, 120, "bench pods to be removed", 0.5)
    finally:
        if baseline is not None:
            baseline.cleanup()
        if kubelet is not None:
            kubelet.cleanup()
        api.stop()
        etcd.cleanup()
    print(f"pod startup, {n} pods, image present (create sent -> Running on a watch)")
    for line in row("sequential", seq, base_seq) + row("burst", burst, base_burst):
        print(line)
    print(
        f"mean: kubelet seq {statistics.mean(seq) * 1000:.0f} ms, burst "
        f"{statistics.mean(burst) * 1000:.0f} ms; baseline seq "
        f"{statistics.mean(base_seq) * 1000:.0f} ms, "
        f"burst {statistics.mean(base_burst) * 1000:.0f} ms"
    )
    print(f"logs: {logs}")
    return 0


def _containers(node: str) -> int:
    out = subprocess.run(
        ["docker", "ps", "-aq", "--filter", f"label=io.kubeling.node={node}"],
        capture_output=True,
        text=True,
    ).stdout.split()
    return len(out)


if __name__ == "__main__":
    raise SystemExit(main())
