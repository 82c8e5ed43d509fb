"""API server benchmark: `make bench` or `.venv/bin/python bench/apiserver.py`.

One run starts its own etcd, our API server and a baseline app (bench/baseline.py: bare
FastAPI whose POST is one etcd create transaction) on random loopback ports, then measures:

  1. pod-create throughput at saturation, 50 connections, ours vs the baseline (same etcd,
     same load generator, same run); target ours >= 0.5 x baseline
  2. create latency under an open-loop 100 creates/s, from the scheduled send time;
     target p99 <= 25 ms
  3. watch delivery latency to 100 watchers while pods are created at 50/s, from the
     moment each create request was sent; target p99 <= 100 ms
  4. LIST of 5,000 pods, whole and in limit=500 pages as kubectl does; target < 1 s

and prints a table (metric, value, target, PASS/MISS), the machine facts, the load
generator and the CPU every process used in each phase. Load generators run in their own
processes: wrk (bench/create.lua) for the saturation phase when installed, else aiohttp;
aiohttp (bench/loadgen.py) for everything else. Every loop is bounded in count and time,
all traffic goes to 127.0.0.1, and every process started is stopped by PID on the way out.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))  # for tests.support.procs; bench/ stays on the path after it

import pyspy  # noqa: E402
from loadgen import POD_TEMPLATE, machine_busy, others_share, proc_cpu  # noqa: E402

from tests.support.procs import ApiServer, Etcd, Proc, free_port, wait_for  # noqa: E402

CONNECTIONS = 50
SATURATION_S = 12.0  # per server, in ROUNDS alternating runs
ROUNDS = 3
WARMUP_S = 2.0
OPEN_RATE = 100.0
OPEN_S = 10.0
WATCHERS = 100
WATCH_RATE = 50.0
WATCH_S = 4.0
LIST_PODS = 5_000
LIST_REPEATS = 5
LIST_PAGE = 500
NOISY = 0.25  # background CPU (share of a core) above which the report warns
SATURATED = 0.9  # a single-threaded load generator above this share of a core is suspect


class Baseline(Proc):
    """bench/baseline.py in its own process (uvicorn, uvloop, httptools)."""

    def __init__(self, log_dir: Path, etcd: Etcd) -> None:
        super().__init__("baseline", log_dir)
        self.etcd = etcd
        self.port = free_port()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        argv = [sys.executable, str(BENCH / "baseline.py"), "--etcd", self.etcd.endpoint]
        self._spawn([*argv, "--port", str(self.port)])
        wait_for(self.ready, 30, "baseline /healthz")

    def ready(self) -> bool:
        if not self.running:
            raise RuntimeError(f"baseline exited:\n{self.log_tail()}")
        try:
            with urllib.request.urlopen(self.url + "/healthz", timeout=1) as r:
                return bool(r.status == 200)
        except OSError:
            return False


def pid(p: Proc) -> int:
    assert p.proc is not None
    return p.proc.pid


def post_json(url: str, obj: dict[str, Any]) -> int:
    req = urllib.request.Request(
        url, json.dumps(obj).encode(), {"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        return int(r.status)


def last_json(out: str) -> dict[str, Any]:
    for line in reversed(out.strip().splitlines()):
        if line.startswith("{"):
            result: dict[str, Any] = json.loads(line)
            return result
    raise RuntimeError(f"no result in load generator output:\n{out[-2000:]}")


def loadgen(mode: str, url: str, pids: dict[str, int], timeout: float, **kw: Any) -> dict[str, Any]:
    argv = [sys.executable, str(BENCH / "loadgen.py"), mode, "--url", url]
    argv += ["--pids", ",".join(f"{k}={v}" for k, v in pids.items())]
    for k, v in kw.items():
        argv += [f"--{k}", str(v)]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, cwd=REPO)
    if out.returncode != 0:
        raise RuntimeError(f"loadgen {mode} failed ({out.returncode}):\n{out.stderr[-3000:]}")
    return last_json(out.stdout)


def wrk(
    url: str, namespace: str, prefix: str, duration: float, pids: dict[str, int]
) -> dict[str, Any]:
    """wrk -t1 -c50 POSTing unique pods; CPU of wrk and of pids over the run."""
    exe = shutil.which("wrk")
    assert exe is not None
    path = f"/api/v1/namespaces/{namespace}/pods"
    argv = [exe, "-t1", f"-c{CONNECTIONS}", f"-d{duration:g}s", "--timeout", "10s"]
    argv += ["-s", str(BENCH / "create.lua"), url, "--", path, prefix, POD_TEMPLATE]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu0 = {k: proc_cpu(v) for k, v in pids.items()}
    busy0 = machine_busy()
    t0 = time.monotonic()
    out = subprocess.run(argv, capture_output=True, text=True, timeout=duration + 30)
    wall = time.monotonic() - t0
    busy = machine_busy() - busy0
    cpu = {k: (proc_cpu(v) - cpu0[k]) / wall for k, v in pids.items()}
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        raise RuntimeError(f"wrk failed ({out.returncode}):\n{out.stderr[-2000:]}")
    r = last_json(out.stdout)
    secs = r["duration_us"] / 1e6
    errors = sum(r[k] for k in ("status_errors", "connect", "read", "write", "timeout"))
    used = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {
        "wall_s": secs,
        "rps": (r["requests"] - errors) / secs,
        "requests": r["requests"],
        "errors": errors,
        "p50_ms": r["p50_us"] / 1000,
        "p99_ms": r["p99_us"] / 1000,
        "loadgen_cpu": used / wall,
        "cpu": cpu,
        "other_cpu": others_share(busy, wall, used / wall + sum(cpu.values())),
    }


def saturate(
    gen: str, url: str, prefix: str, duration: float, pids: dict[str, int]
) -> dict[str, Any]:
    if gen == "wrk":
        return wrk(url, "bench", prefix, duration, pids)
    r = loadgen(
        "closed",
        url,
        pids,
        duration + 60,
        namespace="bench",
        prefix=prefix,
        concurrency=CONNECTIONS,
        duration=duration,
    )
    r["errors"] = r["requests"] - r["created"]
    return r


def merge(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Rounds of one server into one result: rates over the summed time, worst latencies."""
    wall = sum(r["wall_s"] for r in runs)
    return {
        "rps": sum(r["rps"] * r["wall_s"] for r in runs) / wall,
        "errors": sum(r["errors"] for r in runs),
        "p50_ms": max(r["p50_ms"] for r in runs),
        "p99_ms": max(r["p99_ms"] for r in runs),
        "loadgen_cpu": max(r["loadgen_cpu"] for r in runs),
        "cpu": {k: sum(r["cpu"][k] * r["wall_s"] for r in runs) / wall for k in runs[0]["cpu"]},
        "other_cpu": sum(r["other_cpu"] * r["wall_s"] for r in runs) / wall,
    }


def cpu_text(r: dict[str, Any], gen: str, report: Report) -> str:
    report.background = max(report.background, r["other_cpu"])
    parts = [f"{k} {v * 100:.0f}%" for k, v in r["cpu"].items()]
    parts.append(f"{gen} {r['loadgen_cpu'] * 100:.0f}%")
    parts.append(f"other processes {r['other_cpu'] * 100:.0f}%")
    return "CPU (share of one core): " + ", ".join(parts)


class Report:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, bool]] = []
        self.notes: list[str] = []
        self.background = 0.0  # most CPU other processes used in any phase (share of a core)

    def row(self, metric: str, value: str, target: str, ok: bool) -> None:
        self.rows.append((metric, value, target, ok))
        print(f"  -> {metric}: {value} (target {target}) {'PASS' if ok else 'MISS'}", flush=True)

    def note(self, text: str) -> None:
        self.notes.append(text)
        print(f"     {text}", flush=True)

    def table(self) -> str:
        head = ("metric", "value", "target", "")
        body = [(m, v, t, "PASS" if ok else "MISS") for m, v, t, ok in self.rows]
        w = [max(len(r[i]) for r in [head, *body]) for i in range(4)]
        lines = ["  ".join(c.ljust(w[i]) for i, c in enumerate(r)).rstrip() for r in [head, *body]]
        lines.insert(1, "  ".join("-" * x for x in w))
        return "\n".join(lines)


def machine_facts(gen: str) -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    etcd_v = subprocess.run(["etcd", "--version"], capture_output=True, text=True, timeout=10)
    ev = etcd_v.stdout.splitlines()[0] if etcd_v.stdout else "etcd ?"
    return (
        f"machine: {os.cpu_count()} cores ({len(os.sched_getaffinity(0))} usable), {model}; "
        f"Python {platform.python_version()}; {ev}\n"
        f"load generators: saturation phase: {gen} (1 thread, {CONNECTIONS} connections, own "
        f"process); open-loop, watch, list: aiohttp (own process, uvloop)"
    )


class Bench:
    """The running processes and the report; one method per measured phase."""

    def __init__(
        self, gen: str, etcd: Etcd, api: ApiServer, base: Baseline, profile: Path | None
    ) -> None:
        self.gen = gen
        self.profile = profile
        self.profiles: list[Path] = []
        self.api = api
        self.base = base
        self.report = Report()
        self.ours_pids = {"apiserver": pid(api), "etcd": pid(etcd)}
        self.base_pids = {"baseline": pid(base), "etcd": pid(etcd)}
        for ns in ("bench", "bench-lat", "bench-watch", "bench-list"):
            post_json(api.url + "/api/v1/namespaces", {"metadata": {"name": ns}})

    @contextlib.contextmanager
    def profiling(self, phase: str, *procs: Proc) -> Iterator[None]:
        """py-spy on procs while the phase runs, when --profile was given."""
        if self.profile is None:
            yield
            return
        spies = []
        try:
            for p in procs:
                out = self.profile / f"{phase}-{p.name}.txt"
                spies.append(pyspy.Profiler(pid(p), out))
                self.profiles.append(out)
            yield
        finally:
            for spy in spies:
                spy.stop()

    def throughput(self) -> None:
        """Closed loop, 50 connections; baseline and ours alternate so drift hits both."""
        gen, report = self.gen, self.report
        each = SATURATION_S / ROUNDS
        print(
            f"[1/4] create throughput: {CONNECTIONS} connections, {ROUNDS} x {each:g} s each "
            f"for baseline and ours, alternating, after {WARMUP_S:g} s warm-ups",
            flush=True,
        )
        saturate(gen, self.base.url, "warm", WARMUP_S, self.base_pids)
        saturate(gen, self.api.url, "warm", WARMUP_S, self.ours_pids)
        runs: dict[str, list[dict[str, Any]]] = {"baseline": [], "ours": []}
        with self.profiling("throughput", self.base, self.api):
            for i in range(ROUNDS):
                b_run = saturate(gen, self.base.url, f"b{i}", each, self.base_pids)
                runs["baseline"].append(b_run)
                runs["ours"].append(saturate(gen, self.api.url, f"o{i}", each, self.ours_pids))
        b, o = (merge(runs[k]) for k in ("baseline", "ours"))
        for name, r in (("baseline", b), ("ours", o)):
            per = ", ".join(f"{x['rps']:.0f}" for x in runs[name])
            report.note(
                f"{name}: {r['rps']:.0f} creates/s (rounds: {per}), {r['errors']} errors, "
                f"latency p50 {r['p50_ms']:.0f} ms p99 {r['p99_ms']:.0f} ms; "
                + cpu_text(r, gen, report)
            )
        gen_max = max(b["loadgen_cpu"], o["loadgen_cpu"])
        report.note(
            f"load generator ({gen}) used at most {gen_max * 100:.0f}% of one core: "
            + ("not saturated" if gen_max < SATURATED else "SATURATED - numbers are suspect")
        )
        ratio = o["rps"] / b["rps"] if b["rps"] else 0.0
        report.row(
            "create throughput, 50 conns",
            f"{o['rps']:.0f}/s = {ratio:.2f} x baseline {b['rps']:.0f}/s",
            ">= 0.5 x baseline",
            ratio >= 0.5 and o["errors"] == 0 and b["errors"] == 0 and gen_max < SATURATED,
        )

    def latency(self) -> None:
        print(f"[2/4] create latency: open loop {OPEN_RATE:g}/s for {OPEN_S:g} s", flush=True)
        with self.profiling("latency", self.api):
            r = loadgen(
                "open",
                self.api.url,
                self.ours_pids,
                OPEN_S + 60,
                namespace="bench-lat",
                prefix="l",
                rate=OPEN_RATE,
                duration=OPEN_S,
            )
        all_ok = r["created"] == r["requests"]
        self.report.note(
            f"{r['created']}/{r['requests']} created {r['statuses']}, max {r['max_ms']:.1f} ms; "
            f"sends late by at most {r['max_send_lag_ms']:.1f} ms; "
            + cpu_text(r, "aiohttp", self.report)
        )
        self.report.row("create latency p50 @100/s", f"{r['p50_ms']:.1f} ms", "-", all_ok)
        self.report.row(
            "create latency p99 @100/s",
            f"{r['p99_ms']:.1f} ms",
            "<= 25 ms",
            r["p99_ms"] <= 25 and all_ok,
        )

    def watch(self) -> None:
        print(
            f"[3/4] watch delivery: {WATCHERS} watchers, creates at {WATCH_RATE:g}/s for "
            f"{WATCH_S:g} s; latency from each create's send time",
            flush=True,
        )
        with self.profiling("watch", self.api):
            w = loadgen(
                "watch",
                self.api.url,
                self.ours_pids,
                WATCH_S + 90,
                namespace="bench-watch",
                prefix="w",
                watchers=WATCHERS,
                rate=WATCH_RATE,
                duration=WATCH_S,
            )
        complete = w["delivered"] == w["expected"]
        self.report.note(
            f"{w['delivered']}/{w['expected']} events delivered to {w['watchers']} watchers "
            f"(streams {w['watch_status']}, creates {w['create_statuses']}); from send: max "
            f"{w['max_ms']:.1f} ms; from the 201 response instead: p50 {w['resp_p50_ms']:.1f} ms "
            f"p99 {w['resp_p99_ms']:.1f} ms; " + cpu_text(w, "aiohttp", self.report)
        )
        self.report.row("watch delivery p50", f"{w['p50_ms']:.1f} ms", "-", complete)
        self.report.row(
            "watch delivery p99",
            f"{w['p99_ms']:.1f} ms",
            "<= 100 ms",
            w["p99_ms"] <= 100 and complete,
        )

    def lists(self) -> None:
        print(
            f"[4/4] LIST: creating {LIST_PODS} pods, then {LIST_REPEATS} LISTs whole and "
            f"{LIST_REPEATS} in limit={LIST_PAGE} pages",
            flush=True,
        )
        s = loadgen(
            "closed",
            self.api.url,
            self.ours_pids,
            180,
            namespace="bench-list",
            prefix="s",
            concurrency=CONNECTIONS,
            count=LIST_PODS,
            duration=120,
        )
        self.report.note(f"seeded {s['created']} pods in {s['wall_s']:.1f} s ({s['rps']:.0f}/s)")
        with self.profiling("list", self.api):
            lst = loadgen(
                "list",
                self.api.url,
                self.ours_pids,
                300,
                namespace="bench-list",
                repeats=LIST_REPEATS,
                limit=LIST_PAGE,
            )
        right = lst["counts"] == [LIST_PODS]
        self.report.note(
            f"items per LIST {lst['counts']}, {lst['bytes'] / 1e6:.1f} MB unpaged; whole p50 "
            f"{lst['full_p50_ms']:.0f} ms; paged p50 {lst['paged_p50_ms']:.0f} ms over "
            f"{lst['pages']} pages (page p50 {lst['page_p50_ms']:.0f} ms); "
            + cpu_text(lst, "aiohttp", self.report)
        )
        self.report.row(
            "LIST 5000 pods, whole (max of 5)",
            f"{lst['full_max_ms'] / 1000:.2f} s",
            "< 1 s",
            lst["full_max_ms"] < 1000 and right,
        )
        self.report.row(
            "LIST 5000 pods, limit=500 (max of 5)",
            f"{lst['paged_max_ms'] / 1000:.2f} s",
            "< 1 s",
            lst["paged_max_ms"] < 1000 and right,
        )


PHASES = {
    "throughput": Bench.throughput,
    "latency": Bench.latency,
    "watch": Bench.watch,
    "list": Bench.lists,
}


def phases(value: str) -> list[str]:
    names = [v.strip() for v in value.split(",") if v.strip()]
    unknown = set(names) - set(PHASES)
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown phases {sorted(unknown)}; known: {list(PHASES)}")
    return names


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--loadgen",
        choices=("wrk", "aiohttp"),
        default="wrk" if shutil.which("wrk") else "aiohttp",
        help="load generator for the saturation phase (default: wrk when installed)",
    )
    ap.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="sample the servers with py-spy in every phase; raw stacks and a summary in DIR",
    )
    ap.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    ap.add_argument(
        "--phases",
        type=phases,
        default=list(PHASES),
        help=f"comma-separated subset of {','.join(PHASES)} (default: all)",
    )
    args = ap.parse_args()

    def terminate(signum: int, _frame: Any) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminate)
    started = time.monotonic()
    print(machine_facts(args.loadgen), flush=True)
    log_dir = Path(tempfile.mkdtemp(prefix="kubeling-bench-"))
    report = Report()
    etcd = Etcd(log_dir)
    api = ApiServer(log_dir, etcd)
    base = Baseline(log_dir, etcd)
    bench: Bench | None = None
    try:
        etcd.start()
        api.start()
        base.start()
        if args.profile:
            args.profile.mkdir(parents=True, exist_ok=True)
        bench = Bench(args.loadgen, etcd, api, base, args.profile)
        report = bench.report
        for name, phase in PHASES.items():
            if name in args.phases:
                phase(bench)
    except BaseException:
        for p in (etcd, api, base):
            print(f"--- {p.name} log tail ---\n{p.log_tail()}", file=sys.stderr)
        raise
    finally:
        base.stop()
        api.stop()
        etcd.cleanup()
        shutil.rmtree(log_dir, ignore_errors=True)
    print()
    print(report.table())
    print(
        f"\n{os.cpu_count()} cores; saturation load generator {args.loadgen}, others aiohttp; "
        f"other processes on the machine used up to {report.background * 100:.0f}% of a core "
        "in a phase"
        + (" - the machine was shared, numbers are perturbed" if report.background > NOISY else "")
    )
    if bench is not None and bench.profiles:
        text = "\n\n".join(
            pyspy.summary(p, focus="" if "baseline" in p.name else "apiserver/")
            for p in bench.profiles
        )
        assert args.profile is not None
        (args.profile / "summary.txt").write_text(text + "\n")
        print(f"\nprofiles (py-spy, share of samples) in {args.profile}:\n{text}")
    print(f"\nrun time {time.monotonic() - started:.0f} s")
    return 1 if args.strict and not all(ok for *_, ok in report.rows) else 0


if __name__ == "__main__":
    sys.exit(main())
