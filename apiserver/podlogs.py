"""pods/log: proxied to the kubelet API on the pod's node, streamed back as it comes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from machinery.errors import BadRequest, ServiceUnavailable

PASSED = (
    "follow",
    "tailLines",
    "timestamps",
    "previous",
    "sinceSeconds",
    "sinceTime",
    "limitBytes",
)


def kubelet_address(node: dict[str, Any]) -> tuple[str, int] | None:
    status = node.get("status") or {}
    port = ((status.get("daemonEndpoints") or {}).get("kubeletEndpoint") or {}).get("Port")
    addresses = {
        a.get("type"): a.get("address")
        for a in status.get("addresses") or []
        if isinstance(a, dict)
    }
    host = addresses.get("InternalIP") or addresses.get("Hostname")
    if not host or not port:
        return None
    return str(host), int(port)


def pick_container(pod: dict[str, Any], requested: str | None) -> str:
    containers = [c.get("name") for c in (pod.get("spec") or {}).get("containers") or []]
    inits = [c.get("name") for c in (pod.get("spec") or {}).get("initContainers") or []]
    name = pod["metadata"]["name"]
    if requested:
        if requested not in containers + inits:
            raise BadRequest(f"container {requested} is not valid for pod {name}")
        return requested
    if len(containers) == 1:
        return str(containers[0])
    raise BadRequest(
        f"a container name must be specified for pod {name}, choose one of: "
        f"[{' '.join(str(c) for c in containers)}]"
    )


class LogProxy:
    def __init__(self, *, timeout: float) -> None:
        self.timeout = timeout

    async def proxy(self, request: Request, pod: dict[str, Any], node: dict[str, Any]) -> Response:
        container = pick_container(pod, request.query_params.get("container"))
        address = kubelet_address(node)
        node_name = (pod.get("spec") or {}).get("nodeName")
        if address is None:
            raise ServiceUnavailable(
                f"the kubelet on node {node_name} has not published its address; cannot get logs"
            )
        host, port = address
        meta = pod["metadata"]
        url = f"http://{host}:{port}/containerLogs/{meta['namespace']}/{meta['name']}/{container}"
        params = {k: v for k, v in request.query_params.items() if k in PASSED}
        session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=self.timeout)
        )
        try:
            upstream = await session.get(url, params=params)
        except (aiohttp.ClientError, TimeoutError) as e:
            await session.close()
            raise ServiceUnavailable(
                f"the kubelet on node {node_name} ({host}:{port}) does not answer: {e}"
            ) from e
        if upstream.status != 200:
            body = await upstream.read()
            upstream.release()
            await session.close()
            return Response(
                body,
                status_code=upstream.status,
                media_type=upstream.headers.get("content-type", "text/plain"),
            )

        async def chunks() -> AsyncIterator[bytes]:
            try:
                async for chunk in upstream.content.iter_any():
                    yield chunk
            finally:
                upstream.release()
                await session.close()

        return StreamingResponse(chunks(), media_type="text/plain")
