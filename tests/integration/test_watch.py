"""Watch semantics: initial state, resume, selectors, bookmarks, 410, timeouts, etcd restart."""

from __future__ import annotations

import queue
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.objects import pod
from tests.support.procs import ApiServer, Etcd
from tests.support.watching import WatchStream


def cm(name: str, **labels: str) -> dict[str, object]:
    return {"metadata": {"name": name, "labels": labels}, "data": {"v": "0"}}


def test_initial_state_then_changes(apiserver: ApiServer, client: httpx.Client, ns: str) -> None:
    url = f"/api/v1/namespaces/{ns}/configmaps"
    client.post(url, json=cm("a"))
    client.post(url, json=cm("b"))
    w = WatchStream(apiserver.url, url)
    try:
        first = w.take(2)
        assert sorted(e["object"]["metadata"]["name"] for e in first) == ["a", "b"]
        assert all(e["type"] == "ADDED" for e in first)
        assert first[0]["object"]["kind"] == "ConfigMap"
        client.post(url, json=cm("c"))
        got = client.get(f"{url}/a").json()
        got["data"] = {"v": "1"}
        client.put(f"{url}/a", json=got)
        client.delete(f"{url}/b")
        evs = w.take(3)
        assert [(e["type"], e["object"]["metadata"]["name"]) for e in evs] == [
            ("ADDED", "c"),
            ("MODIFIED", "a"),
            ("DELETED", "b"),
        ]
        assert evs[1]["object"]["data"] == {"v": "1"}
        rvs = [int(e["object"]["metadata"]["resourceVersion"]) for e in evs]
        assert rvs == sorted(rvs)
    finally:
        w.close()


def test_resume_from_resource_version(apiserver: ApiServer, client: httpx.Client, ns: str) -> None:
    url = f"/api/v1/namespaces/{ns}/configmaps"
    rv = client.get(url).json()["metadata"]["resourceVersion"]
    client.post(url, json=cm("a"))
    client.post(url, json=cm("b"))
    w = WatchStream(apiserver.url, url, {"resourceVersion": rv})
    try:
        evs = w.take(2)
        assert [(e["type"], e["object"]["metadata"]["name"]) for e in evs] == [
            ("ADDED", "a"),
            ("ADDED", "b"),
        ]
        mid = evs[0]["object"]["metadata"]["resourceVersion"]
    finally:
        w.close()
    w = WatchStream(apiserver.url, url, {"resourceVersion": mid})
    try:
        evs = w.take(1)
        assert evs[0]["object"]["metadata"]["name"] == "b"
        with pytest.raises(queue.Empty):
            w.events.get(timeout=0.3)  # nothing repeated
    finally:
        w.close()


def test_selectors_apply_to_watch(apiserver: ApiServer, client: httpx.Client, ns: str) -> None:
    url = f"/api/v1/namespaces/{ns}/configmaps"
    rv = client.get(url).json()["metadata"]["resourceVersion"]
    w = WatchStream(apiserver.url, url, {"resourceVersion": rv, "labelSelector": "app=web"})
    try:
        client.post(url, json=cm("other", app="db"))
        client.post(url, json=cm("web1", app="web"))
        obj = client.get(f"{url}/web1").json()
        obj["metadata"]["labels"] = {"app": "none"}  # leaves the selection: DELETED
        client.put(f"{url}/web1", json=obj)
        evs = w.take(2)
        assert [(e["type"], e["object"]["metadata"]["name"]) for e in evs] == [
            ("ADDED", "web1"),
            ("DELETED", "web1"),
        ]
    finally:
        w.close()
    rv = client.get(url).json()["metadata"]["resourceVersion"]
    w = WatchStream(
        apiserver.url, url, {"resourceVersion": rv, "fieldSelector": "metadata.name=target"}
    )
    try:
        client.post(url, json=cm("noise"))
        client.post(url, json=cm("target"))
        evs = w.take(1)
        assert evs[0]["object"]["metadata"]["name"] == "target"
    finally:
        w.close()


def test_bookmarks_and_timeout(apiserver: ApiServer, client: httpx.Client, ns: str) -> None:
    url = f"/api/v1/namespaces/{ns}/configmaps"
    rv = client.get(url).json()["metadata"]["resourceVersion"]
    start = time.monotonic()
    w = WatchStream(
        apiserver.url,
        url,
        {"resourceVersion": rv, "allowWatchBookmarks": "true", "timeoutSeconds": "3"},
    )
    try:
        ev = w.next(timeout=5)
        assert ev is not None and ev["type"] == "BOOKMARK"
        assert int(ev["object"]["metadata"]["resourceVersion"]) >= int(rv)
        while (ev := w.next(timeout=10)) is not None:
            pass  # the server ends the stream at timeoutSeconds
        assert 2.5 < time.monotonic() - start < 8
    finally:
        w.close()


def test_too_old_resource_version_gives_410(small_cache: tuple[Etcd, ApiServer]) -> None:
    """A version older than the watch window answers 200 with an ERROR event (410 Expired)."""
    _, api = small_cache
    url = "/api/v1/namespaces/default/configmaps"
    with httpx.Client(base_url=api.url, timeout=10) as c:
        first = c.post(url, json=cm("c0")).json()["metadata"]["resourceVersion"]
        for i in range(1, 8):  # push the first event out of a 5-event window
            assert c.post(url, json=cm(f"c{i}")).status_code == 201
    w = WatchStream(api.url, url, {"resourceVersion": first})
    try:
        ev = w.next()
        assert w.status_code == 200
        assert ev is not None and ev["type"] == "ERROR"
        status = ev["object"]
        assert status["code"] == 410 and status["reason"] == "Expired"
        assert status["kind"] == "Status" and "too old resource version" in status["message"]
        assert w.next() is None  # the stream ends after the error
    finally:
        w.close()


def test_python_client_style_watch(apiserver: ApiServer, client: httpx.Client, ns: str) -> None:
    """watch=True (capital T, as the Python client <= 36 sends) and no resourceVersion."""
    url = f"/api/v1/namespaces/{ns}/configmaps"
    client.post(url, json=cm("a"))
    with httpx.Client(base_url=apiserver.url) as c:
        r = c.get(url, params={"watch": "True", "timeoutSeconds": "1"})
    lines = [ln for ln in r.text.split("\n") if ln]
    assert r.status_code == 200 and len(lines) == 1
    assert r.text.endswith("\n")


@pytest.fixture
def own_cluster(log_dir: Path) -> Iterator[tuple[Etcd, ApiServer]]:
    """A private etcd + apiserver, for tests that restart them."""
    e = Etcd(log_dir)
    a = ApiServer(log_dir, e, name="apiserver-own")
    try:
        e.start()
        a.start()
        yield e, a
    finally:
        a.stop()
        e.cleanup()


@pytest.fixture
def small_cache(log_dir: Path) -> Iterator[tuple[Etcd, ApiServer]]:
    e = Etcd(log_dir)
    a = ApiServer(log_dir, e, name="apiserver-small", extra=["--watch-cache-size", "5"])
    try:
        e.start()
        a.start()
        yield e, a
    finally:
        a.stop()
        e.cleanup()


def test_watch_survives_etcd_restart(own_cluster: tuple[Etcd, ApiServer]) -> None:
    etcd, api = own_cluster
    url = "/api/v1/namespaces/default/configmaps"
    with httpx.Client(base_url=api.url, timeout=10) as c:
        rv = c.get(url).json()["metadata"]["resourceVersion"]
        w = WatchStream(api.url, url, {"resourceVersion": rv})
        try:
            for i in range(3):
                assert c.post(url, json=cm(f"before{i}")).status_code == 201
            assert len(w.take(3)) == 3
            etcd.stop()
            r = c.post(url, json=cm("while-down"))
            assert r.status_code in (500, 503, 504)
            assert client_status(r) in ("ServiceUnavailable", "InternalError", "Timeout")
            etcd.start()
            deadline = time.monotonic() + 20
            while c.post(url, json=cm("after0")).status_code != 201:
                assert time.monotonic() < deadline, "apiserver did not recover"
                time.sleep(0.2)
            for i in range(1, 3):
                assert c.post(url, json=cm(f"after{i}")).status_code == 201
            evs = w.take(3, timeout=20)
            assert [e["object"]["metadata"]["name"] for e in evs] == ["after0", "after1", "after2"]
            with pytest.raises(queue.Empty):
                w.events.get(timeout=0.3)  # no repeats
        finally:
            w.close()


def client_status(r: httpx.Response) -> str:
    try:
        return str(r.json().get("reason"))
    except ValueError:
        return ""


def test_pods_watch_with_table(apiserver: ApiServer, client: httpx.Client, ns: str) -> None:
    url = f"/api/v1/namespaces/{ns}/pods"
    rv = client.get(url).json()["metadata"]["resourceVersion"]
    accept = (
        "application/json;as=Table;v=v1;g=meta.k8s.io,"
        "application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
    )
    w = WatchStream(apiserver.url, url, {"resourceVersion": rv}, headers={"Accept": accept})
    try:
        client.post(url, json=pod("tp"))
        ev = w.take(1)[0]
        assert ev["object"]["kind"] == "Table"
        assert ev["object"]["rows"][0]["cells"][0] == "tp"
    finally:
        w.close()
