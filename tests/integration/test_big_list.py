"""A list larger than etcd's default 4 MiB message still comes back whole and in order."""

from __future__ import annotations

import asyncio

import httpx

from tests.support.procs import ApiServer

COUNT = 300
VALUE = "x" * 16384  # 300 x 16 KiB: about 5 MiB of values


async def _fill(url: str, ns: str) -> None:
    sem = asyncio.Semaphore(20)
    async with httpx.AsyncClient(base_url=url, timeout=30) as c:

        async def one(i: int) -> None:
            async with sem:
                r = await c.post(
                    f"/api/v1/namespaces/{ns}/configmaps",
                    json={"metadata": {"name": f"big-{i:05d}"}, "data": {"v": VALUE}},
                )
                assert r.status_code == 201, r.text

        await asyncio.gather(*(one(i) for i in range(COUNT)))


def test_list_bigger_than_grpc_default(apiserver: ApiServer, client: httpx.Client, ns: str) -> None:
    asyncio.run(_fill(apiserver.url, ns))
    r = client.get(f"/api/v1/namespaces/{ns}/configmaps", timeout=60)
    assert r.status_code == 200
    assert len(r.content) > 4 * 1024 * 1024
    names = [c["metadata"]["name"] for c in r.json()["items"]]
    assert names == [f"big-{i:05d}" for i in range(COUNT)]
