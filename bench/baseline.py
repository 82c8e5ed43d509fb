"""The baseline for the create benchmark: a bare FastAPI app whose POST does one etcd create.

Same stack as the API server (uvicorn with uvloop + httptools, aetcd's raw gRPC stubs),
and nothing else: read the body, take the name, one transaction (create_revision == 0 ->
put, else range), answer 201 with the body. Keys live under /bench-baseline/, outside
/registry/, so the API server's watch caches never see them.

Run: python bench/baseline.py --etcd http://127.0.0.1:2379 --port 8080
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import grpc
import orjson
import uvicorn
from aetcd import rpc
from fastapi import FastAPI, Request, Response

PREFIX = "/bench-baseline/pods/"


def make_app(endpoint: str) -> FastAPI:
    target = endpoint.removeprefix("http://").rstrip("/")
    state: dict[str, Any] = {}

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        channel = grpc.aio.insecure_channel(target)
        state["kv"] = rpc.KVStub(channel)
        try:
            yield
        finally:
            await channel.close()

    app = FastAPI(lifespan=lifespan)

    @app.get("/healthz")
    async def healthz() -> Response:
        return Response(b"ok", media_type="text/plain")

    @app.post("/api/v1/namespaces/{namespace}/pods")
    async def create(namespace: str, request: Request) -> Response:
        body = await request.body()
        name = orjson.loads(body)["metadata"]["name"]
        key = f"{PREFIX}{namespace}/{name}".encode()
        cmp = rpc.Compare(key=key, result=rpc.Compare.EQUAL, target=rpc.Compare.CREATE)
        cmp.create_revision = 0
        txn = rpc.TxnRequest(
            compare=[cmp],
            success=[rpc.RequestOp(request_put=rpc.PutRequest(key=key, value=body))],
            failure=[rpc.RequestOp(request_range=rpc.RangeRequest(key=key))],
        )
        resp = await state["kv"].Txn(txn, timeout=10)
        if not resp.succeeded:
            return Response(b'{"reason":"AlreadyExists"}', 409, media_type="application/json")
        return Response(body, 201, media_type="application/json")

    return app


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--etcd", required=True)
    ap.add_argument("--port", type=int, required=True)
    args = ap.parse_args()
    uvicorn.run(
        make_app(args.etcd),
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        access_log=False,
        loop="uvloop",
        http="httptools",
    )


if __name__ == "__main__":
    main()
