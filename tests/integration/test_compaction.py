"""The apiserver compacts etcd history like kube-apiserver, and watches keep working."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.procs import ApiServer, Etcd, wait_for
from tests.support.watching import WatchStream


@pytest.fixture
def compacting(log_dir: Path) -> Iterator[tuple[Etcd, ApiServer]]:
    e = Etcd(log_dir)
    a = ApiServer(
        log_dir, e, name="apiserver-compacting", extra=["--etcd-compaction-interval", "0.5"]
    )
    try:
        e.start()
        a.start()
        yield e, a
    finally:
        a.stop()
        e.cleanup()


def compacted(etcd: Etcd, revision: int) -> bool:
    try:
        etcd.etcdctl("get", "--rev", str(revision), "/registry/core/configmaps/default/c0")
        return False
    except subprocess.CalledProcessError as e:
        return "compacted" in e.stderr


def test_history_is_compacted_and_watch_goes_on(compacting: tuple[Etcd, ApiServer]) -> None:
    etcd, api = compacting
    url = "/api/v1/namespaces/default/configmaps"
    with httpx.Client(base_url=api.url, timeout=10) as c:
        first = int(
            c.post(url, json={"metadata": {"name": "c0"}}).json()["metadata"]["resourceVersion"]
        )
        for i in range(1, 4):
            c.post(url, json={"metadata": {"name": f"c{i}"}})
        wait_for(lambda: compacted(etcd, first), 10, "etcd compaction")
        # the watch cache still serves the window it holds
        w = WatchStream(api.url, url, {"resourceVersion": str(first)})
        try:
            names = [e["object"]["metadata"]["name"] for e in w.take(3)]
            assert names == ["c1", "c2", "c3"]
            c.post(url, json={"metadata": {"name": "c4"}})
            assert w.take(1)[0]["object"]["metadata"]["name"] == "c4"
        finally:
            w.close()
