"""The kubelet API: container logs, stats summary (health endpoints come from machinery.component).

`GET /containerLogs/{namespace}/{pod}/{container}` with follow, tailLines, timestamps,
previous, sinceSeconds, sinceTime and limitBytes is what the apiserver's pods/log proxies
to (apiserver/podlogs.py), so `kubectl logs` and `logs -f` land here. `/stats/summary`
reports CPU and memory per pod and container, in the shape of the kubelet's summary API.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from kubelet.podstate import Observed
from kubelet.runtime import L_POD_NAME, L_POD_NAMESPACE, ContainerInfo, ContainerRuntime
from machinery.api import Pod
from machinery.component import HealthServer
from machinery.informer import Cache
from machinery.timeutil import format_time, parse_time

log = logging.getLogger(__name__)


def _bad(message: str, status: int = 400) -> web.Response:
    """An error as a Kubernetes Status, which the apiserver passes on to kubectl as is."""
    reason = {400: "BadRequest", 404: "NotFound"}.get(status, "InternalError")
    body = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": status,
    }
    return web.json_response(body, status=status)


class KubeletServer:
    def __init__(self, runtime: ContainerRuntime, pods: Cache[Pod], *, node_name: str) -> None:
        self.runtime = runtime
        self.pods = pods
        self.node_name = node_name

    def install(self, server: HealthServer) -> None:
        server.add_route("GET", "/containerLogs/{namespace}/{pod}/{container}", self.container_logs)
        server.add_route("GET", "/stats/summary", self.stats_summary)
        server.add_route("GET", "/pods", self.pods_list)

    async def _containers(self, namespace: str, name: str) -> list[ContainerInfo]:
        pod = self.pods.get_by(namespace, name)
        if pod is not None:
            found = await self.runtime.list_containers(pod_uid=pod.metadata.uid or "")
            if found:
                return found
        # A mirror pod (its static pod has another uid) or a pod the API no longer has.
        return [
            c
            for c in await self.runtime.list_containers()
            if c.labels.get(L_POD_NAMESPACE) == namespace and c.labels.get(L_POD_NAME) == name
        ]

    async def container_logs(self, request: web.Request) -> web.StreamResponse:
        ns, name = request.match_info["namespace"], request.match_info["pod"]
        cname = request.match_info["container"]
        q = request.query
        observed = Observed.build([], await self._containers(ns, name))
        attempts = observed.containers.get(cname) or []
        previous = q.get("previous", "").lower() in ("true", "1")
        if previous:
            if len(attempts) < 2:
                return _bad(f'previous terminated container "{cname}" in pod "{name}" not found')
            target = attempts[-2]
        else:
            if not attempts:
                pod = self.pods.get_by(ns, name)
                if pod is None:
                    return _bad(f'pod "{name}" not found on node {self.node_name}', 404)
                return _bad(
                    f'container "{cname}" in pod "{name}" is waiting to start: ContainerCreating'
                )
            target = attempts[-1]
        follow = q.get("follow", "").lower() in ("true", "1")
        tail = int(q["tailLines"]) if q.get("tailLines", "").lstrip("-").isdigit() else None
        since: float | None = None
        if q.get("sinceSeconds", "").isdigit():
            since = time.time() - int(q["sinceSeconds"])
        elif q.get("sinceTime"):
            try:
                since = parse_time(q["sinceTime"]).timestamp()
            except ValueError:
                return _bad(f"invalid sinceTime {q['sinceTime']!r}")
        limit = int(q["limitBytes"]) if q.get("limitBytes", "").isdigit() else None
        timestamps = q.get("timestamps", "").lower() in ("true", "1")
        resp = web.StreamResponse(headers={"Content-Type": "text/plain"})
        await resp.prepare(request)
        sent = 0
        chunks = self.runtime.logs(
            target.id,
            follow=follow,
            tail=tail if tail is None or tail >= 0 else None,
            timestamps=timestamps,
            since=since,
        )
        try:
            async for chunk in chunks:
                if limit is not None:
                    chunk = chunk[: max(0, limit - sent)]
                await resp.write(chunk)
                sent += len(chunk)
                if limit is not None and sent >= limit:
                    break
        except (ConnectionResetError, asyncio.CancelledError):
            raise
        finally:
            aclose = getattr(chunks, "aclose", None)
            if aclose is not None:
                await aclose()
        await resp.write_eof()
        return resp

    async def pods_list(self, request: web.Request) -> web.Response:
        items = [p.to_dict() for p in self.pods.list()]
        return web.json_response({"kind": "PodList", "apiVersion": "v1", "items": items})

    async def stats_summary(self, request: web.Request) -> web.Response:
        now = format_time(datetime.now(UTC))
        containers = [c for c in await self.runtime.list_containers() if c.state == "running"]
        stats = await asyncio.gather(*(self.runtime.stats(c.id) for c in containers))
        pods: dict[str, dict[str, Any]] = {}
        for c, st in zip(containers, stats, strict=True):
            if st is None:
                continue
            entry = pods.setdefault(
                c.pod_uid,
                {
                    "podRef": {
                        "name": c.labels.get(L_POD_NAME, ""),
                        "namespace": c.labels.get(L_POD_NAMESPACE, ""),
                        "uid": c.pod_uid,
                    },
                    "startTime": now,
                    "containers": [],
                    "cpu": {"time": now, "usageCoreNanoSeconds": 0},
                    "memory": {"time": now, "usageBytes": 0, "workingSetBytes": 0},
                },
            )
            entry["containers"].append(
                {
                    "name": c.name,
                    "startTime": format_time(datetime.fromtimestamp(c.started_at, UTC)),
                    "cpu": {"time": now, "usageCoreNanoSeconds": st.cpu_usage_core_nanoseconds},
                    "memory": {
                        "time": now,
                        "usageBytes": st.memory_usage_bytes,
                        "workingSetBytes": st.memory_working_set_bytes,
                    },
                }
            )
            entry["cpu"]["usageCoreNanoSeconds"] += st.cpu_usage_core_nanoseconds
            entry["memory"]["usageBytes"] += st.memory_usage_bytes
            entry["memory"]["workingSetBytes"] += st.memory_working_set_bytes
        body = {
            "node": {"nodeName": self.node_name, "startTime": now},
            "pods": list(pods.values()),
        }
        return web.json_response(body)
