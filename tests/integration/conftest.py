"""Fixtures: one real etcd + API server per test session, a fresh namespace per test."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.procs import ApiServer, Etcd


@pytest.fixture(scope="session")
def log_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("logs")


@pytest.fixture(scope="session")
def etcd(log_dir: Path) -> Iterator[Etcd]:
    e = Etcd(log_dir)
    try:
        e.start()
        yield e
    finally:
        e.cleanup()


@pytest.fixture(scope="session")
def apiserver(etcd: Etcd, log_dir: Path) -> Iterator[ApiServer]:
    a = ApiServer(log_dir, etcd, extra=["--watch-bookmark-interval", "1"])
    try:
        a.start()
        yield a
    finally:
        a.stop()


@pytest.fixture
def client(apiserver: ApiServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=apiserver.url, timeout=10) as c:
        yield c


@pytest.fixture
def ns(client: httpx.Client) -> Iterator[str]:
    """A namespace of this test's own."""
    name = "t-" + uuid.uuid4().hex[:8]
    r = client.post("/api/v1/namespaces", json={"metadata": {"name": name}})
    assert r.status_code == 201, r.text
    yield name
