"""`kubectl logs` and `kubectl logs -f` (the real kubectl) through the apiserver's pods/log proxy
to the kubelet API, and the kubelet API's own parameters (tailLines, previous, timestamps)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.integration.kubelet.conftest import Pods, container_status, wait_logs
from tests.support.kubectl import KUBECTL, Kubectl, write_kubeconfig
from tests.support.kubelet_proc import Kubelet
from tests.support.procs import ApiServer

pytestmark = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not on PATH")

TICKER = (
    "i=0; trap 'exit 0' TERM; while [ $i -lt 300 ]; do i=$((i+1)); echo tick-$i; sleep 0.3; done"
)


@pytest.fixture
def kubectl(apiserver: ApiServer, ns: str, tmp_path: Path) -> Iterator[Kubectl]:
    cfg = write_kubeconfig(apiserver.kubeconfig(tmp_path / "kubeconfig"), ns)
    yield Kubectl(cfg, tmp_path)


def test_kubectl_logs_and_follow(pods: Pods, kubectl: Kubectl) -> None:
    pods.create("ticker", [{"name": "tick", "command": ["sh", "-c", TICKER]}])
    pods.running("ticker")
    wait_logs(pods, "ticker", "tick", "tick-3")
    out = kubectl.ok("logs", "ticker").stdout.splitlines()
    assert out[:3] == ["tick-1", "tick-2", "tick-3"]
    tail = kubectl.ok("logs", "ticker", "--tail", "1").stdout.splitlines()
    assert len(tail) == 1 and tail[0].startswith("tick-")
    stamped = kubectl.ok("logs", "ticker", "--timestamps", "--tail", "1").stdout.split()
    assert stamped[0][:4].isdigit() and "T" in stamped[0] and stamped[1].startswith("tick-")
    with kubectl.background("logs", "-f", "ticker", "--tail", "1") as follow:
        first = follow.wait_for(lambda lines: len(lines) >= 1, 15, "the first line")
        n = int(first[0].split("-")[1])
        # Lines written after the command started keep arriving on the open stream.
        follow.wait_for(
            lambda lines: any(ln == f"tick-{n + 3}" for ln in lines), 15, f"tick-{n + 3}"
        )
    missing = kubectl.run("logs", "ticker", "-c", "nope")
    assert missing.returncode != 0 and "nope" in missing.stderr


def test_previous_logs_of_a_restarted_container(pods: Pods) -> None:
    script = "n=0; [ -f /data/n ] && n=$(wc -l < /data/n); echo run-$n; echo x >> /data/n; exit 1"
    pods.create(
        "restarts",
        [
            {
                "name": "c",
                "command": ["sh", "-c", script],
                "volumeMounts": [{"name": "d", "mountPath": "/data"}],
            }
        ],
        volumes=[{"name": "d", "emptyDir": {}}],
    )
    pods.wait(
        "restarts", lambda p: container_status(p, "c").get("restartCount", 0) >= 1, "a restart"
    )
    pods.wait(
        "restarts",
        lambda p: (
            "terminated" in (container_status(p, "c").get("state") or {})
            or "waiting" in (container_status(p, "c").get("state") or {})
        ),
        "the restarted container to finish",
    )
    current = pods.logs("restarts", "c").strip()
    previous = pods.logs("restarts", "c", previous="true").strip()
    assert current.startswith("run-") and previous.startswith("run-")
    assert int(current.split("-")[1]) == int(previous.split("-")[1]) + 1


def test_kubelet_api_logs_direct(pods: Pods, kubelet: Kubelet) -> None:
    pods.create(
        "direct",
        [
            {
                "name": "c",
                "command": [
                    "sh",
                    "-c",
                    "echo a; echo b; echo c; trap 'exit 0' TERM; sleep 3600 & wait",
                ],
            }
        ],
    )
    pods.running("direct")
    wait_logs(pods, "direct", "c", "c\n")
    base = f"{kubelet.url}/containerLogs/{pods.ns}/direct/c"
    assert httpx.get(base, timeout=5).text == "a\nb\nc\n"
    assert httpx.get(base, params={"tailLines": "2"}, timeout=5).text == "b\nc\n"
    assert httpx.get(base, params={"limitBytes": "3"}, timeout=5).text == "a\nb"
    assert httpx.get(base, params={"sinceSeconds": "3600"}, timeout=5).text == "a\nb\nc\n"
    future = {"sinceTime": "2100-01-01T00:00:00Z"}
    assert httpx.get(base, params=future, timeout=5).text == ""
    r = httpx.get(base, params={"previous": "true"}, timeout=5)
    assert r.status_code == 400 and "previous terminated container" in r.text
    assert (
        httpx.get(f"{kubelet.url}/containerLogs/{pods.ns}/nosuch/c", timeout=5).status_code == 404
    )
    summary = httpx.get(f"{kubelet.url}/stats/summary", timeout=15).json()
    mine = [p for p in summary["pods"] if p["podRef"]["name"] == "direct"]
    assert mine and mine[0]["containers"][0]["name"] == "c"
    assert mine[0]["memory"]["workingSetBytes"] > 0
    assert mine[0]["cpu"]["usageCoreNanoSeconds"] > 0
