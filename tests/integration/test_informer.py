"""Informers against real etcd + apiserver processes, through restarts of both."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from machinery.api.base import KubeObject
from machinery.client import Client
from machinery.errors import StatusError
from machinery.informer import Informer
from machinery.kubeconfig import ClientConfig
from tests.support.procs import ApiServer, Etcd


class ConfigMap(KubeObject):
    API_VERSION = "v1"
    KIND = "ConfigMap"


NS = "default"
KEYS = 150
WRITES = 1000


@pytest.fixture
def cluster(log_dir: Path) -> Iterator[tuple[Etcd, ApiServer]]:
    e = Etcd(log_dir)
    a = ApiServer(log_dir, e, name="apiserver-informer", extra=["--watch-cache-size", "20"])
    try:
        e.start()
        a.start()
        yield e, a
    finally:
        a.stop()
        e.cleanup()


async def retry(fn: Any, deadline: float) -> Any:
    """Retry through outages; a write whose answer was lost may or may not have happened."""
    loop = asyncio.get_running_loop()
    while True:
        try:
            return await fn()
        except StatusError as e:
            if e.code in (404, 409, 422):
                return None
            if loop.time() > deadline:
                raise
            await asyncio.sleep(0.05)


def state_of(objs: list[ConfigMap]) -> dict[str, tuple[str, Any]]:
    return {o.key: (o.metadata.resource_version or "", o.model_extra.get("data")) for o in objs}


async def until(cond: Any, timeout: float, what: str) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not cond():
        if loop.time() > end:
            raise TimeoutError(what)
        await asyncio.sleep(0.05)


async def test_informer_exact_through_apiserver_and_etcd_restarts(
    cluster: tuple[Etcd, ApiServer],
) -> None:
    etcd, api = cluster
    cfg = ClientConfig(server=api.url)
    seen: dict[str, ConfigMap] = {}
    async with Client(cfg, retries=2) as watcher_client, Client(cfg, retries=2) as writer:
        informer: Informer[ConfigMap] = Informer(watcher_client, ConfigMap, namespace=NS)
        informer.add_handlers(
            on_add=lambda o: seen.__setitem__(o.key, o),
            on_update=lambda old, new: seen.__setitem__(new.key, new),
            on_delete=lambda o: seen.pop(o.key, None),
        )
        informer.start()
        await informer.wait_synced(10)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 120
        rng = random.Random(7)
        for i in range(WRITES):
            if i == 300:
                await asyncio.to_thread(api.stop)
                await asyncio.to_thread(api.start)
            if i == 600:
                await asyncio.to_thread(etcd.stop)
                await asyncio.to_thread(etcd.start)
            name = f"cm-{rng.randrange(KEYS)}"
            op = rng.random()
            if op < 0.5:
                body = ConfigMap.model_validate(
                    {"metadata": {"name": name, "namespace": NS}, "data": {"v": str(i)}}
                )
                await retry(lambda b=body: writer.create(b), deadline)
            elif op < 0.85:
                await retry(
                    lambda n=name, v=i: writer.patch(
                        ConfigMap, n, {"data": {"v": str(v)}}, namespace=NS
                    ),
                    deadline,
                )
            else:
                await retry(lambda n=name: writer.delete(ConfigMap, n, NS), deadline)
        fresh = state_of((await writer.list(ConfigMap, NS)).items)
        assert len(fresh) > 50
        await until(lambda: state_of(informer.cache.list()) == fresh, 30, "cache == fresh list")
        assert state_of(list(seen.values())) == fresh
        assert informer.stats.errors >= 1  # it really lost its watch along the way
        await informer.stop()


async def test_forced_410_relists_and_carries_on(cluster: tuple[Etcd, ApiServer]) -> None:
    _, api = cluster
    cfg = ClientConfig(server=api.url)
    added: list[str] = []
    async with Client(cfg) as c:
        informer: Informer[ConfigMap] = Informer(c, ConfigMap, namespace=NS)
        informer.add_handlers(on_add=lambda o: added.append(o.metadata.name))
        informer.start()
        await informer.wait_synced(10)
        await informer.stop()
        for i in range(30):  # more than the apiserver's 20-event window
            await c.create(ConfigMap.model_validate({"metadata": {"name": f"x{i}"}}))
        lists_before = informer.stats.lists
        informer.start()  # resumes from its old version: 410, then a relist
        await until(lambda: len(informer.cache) == 30, 10, "relisted cache")
        assert informer.stats.lists == lists_before + 1
        assert sorted(added) == sorted(f"x{i}" for i in range(30))
        await c.create(ConfigMap.model_validate({"metadata": {"name": "after"}}))
        await until(lambda: "default/after" in informer.cache, 10, "watch after relist")
        await informer.stop()
