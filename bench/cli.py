"""CLI benchmark: `.venv/bin/python bench/cli.py` times `kubeling get pods` on 1,000 pods.

It starts its own etcd and API server on free loopback ports, creates 1,000 pods in one
namespace (concurrently, through httpx), then runs the console script `.venv/bin/kubeling get
pods` as a subprocess several times (plus `-o name` and `-o json` for context, and the real
kubectl if it is installed, as a baseline) and prints the median wall time against the 1 s
target. Everything it starts is stopped by PID on the way out; all traffic is to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402

from tests.support.procs import ApiServer, Etcd  # noqa: E402

TARGET_S = 1.0
KUBELING = Path(sys.executable).parent / "kubeling"


def create_pods(url: str, ns: str, count: int) -> None:
    with httpx.Client(base_url=url, timeout=30, limits=httpx.Limits(max_connections=8)) as client:

        def one(i: int) -> int:
            body = {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": f"pod-{i:05d}", "labels": {"app": "bench"}},
                "spec": {"containers": [{"name": "main", "image": "busybox:1.36"}]},
            }
            return client.post(f"/api/v1/namespaces/{ns}/pods", json=body).status_code

        with ThreadPoolExecutor(8) as pool:
            codes = list(pool.map(one, range(count)))
    bad = [c for c in codes if c != 201]
    if bad:
        raise SystemExit(f"{len(bad)} pod creates failed (e.g. HTTP {bad[0]})")


def timed(argv: list[str], env: dict[str, str], runs: int) -> tuple[list[float], int]:
    times, lines = [], 0
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
        times.append(time.perf_counter() - t0)
        if p.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed: {p.stderr}")
        lines = len(p.stdout.splitlines())
    return times, lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pods", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kubeling-bench-cli-"))
    etcd = Etcd(work)
    api = ApiServer(work, etcd)
    try:
        etcd.start()
        api.start()
        ns = "bench"
        httpx.post(
            api.url + "/api/v1/namespaces", json={"metadata": {"name": ns}}
        ).raise_for_status()
        t0 = time.perf_counter()
        create_pods(api.url, ns, args.pods)
        print(f"created {args.pods} pods in {time.perf_counter() - t0:.1f}s")
        cfg = api.kubeconfig(work / "kubeconfig")
        env = {**os.environ, "KUBECONFIG": str(cfg), "HOME": str(work)}
        rows = []
        for label, argv in (
            ("kubeling get pods", [str(KUBELING), "-n", ns, "get", "pods"]),
            ("kubeling get pods -o name", [str(KUBELING), "-n", ns, "get", "pods", "-o", "name"]),
            ("kubeling get pods -o json", [str(KUBELING), "-n", ns, "get", "pods", "-o", "json"]),
            ("kubeling version --client", [str(KUBELING), "version", "--client"]),
        ):
            times, lines = timed(argv, env, args.runs)
            rows.append((label, statistics.median(times), min(times), max(times), lines))
        kubectl = shutil.which("kubectl")
        if kubectl:
            argv = [kubectl, "--cache-dir", str(work / "cache"), "-n", ns, "get", "pods"]
            timed(argv, env, 1)  # warm the discovery cache
            times, lines = timed(argv, env, args.runs)
            rows.append(
                (
                    "real kubectl get pods (baseline)",
                    statistics.median(times),
                    min(times),
                    max(times),
                    lines,
                )
            )
        print(f"\n{'command':36} {'median':>8} {'min':>8} {'max':>8} {'lines':>6}")
        for label, med, lo, hi, lines in rows:
            print(f"{label:36} {med:8.3f} {lo:8.3f} {hi:8.3f} {lines:6d}")
        med = rows[0][1]
        verdict = "PASS" if med < TARGET_S else "MISS"
        print(
            f"\nkubeling get pods on {args.pods} pods: median {med:.3f}s over {args.runs} runs "
            f"(target < {TARGET_S:.1f}s): {verdict}"
        )
        print(
            f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} "
            "(other work on the machine makes these figures noisy)"
        )
    finally:
        api.stop()
        etcd.cleanup()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
