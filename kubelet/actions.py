"""Running a probe's or a lifecycle hook's action: exec, httpGet, tcpSocket (and sleep).

Probes and hooks share these. httpGet and tcpSocket go to the pod IP on the node's local
pod bridge (the only addresses the kubelet ever connects to, besides loopback: the
network rule); a `host` field that points elsewhere is ignored. A hollow node's runtime
has no real pods, so its Prober is built with `network=False` and answers success.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from dataclasses import dataclass

import aiohttp

from kubelet.runtime import ContainerRuntime
from machinery.api import Container, ExecAction, HTTPGetAction, TCPSocketAction

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    ok: bool
    message: str = ""


def resolve_port(port: int | str, container: Container) -> int | None:
    if isinstance(port, int):
        return port
    if port.isdigit():
        return int(port)
    for p in container.ports or []:
        if p.name == port:
            return p.container_port
    return None


def _target_host(host: str | None, pod_ip: str) -> str:
    if host:
        try:
            if ipaddress.ip_address(host).is_loopback:
                return host
        except ValueError:
            pass
    return pod_ip


class Prober:
    def __init__(self, runtime: ContainerRuntime, *, network: bool = True) -> None:
        self.runtime = runtime
        self.network = network
        self._session: aiohttp.ClientSession | None = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=50, force_close=True)
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def run(
        self,
        *,
        container: Container,
        container_id: str,
        pod_ip: str,
        timeout: float,
        exec_: ExecAction | None = None,
        http_get: HTTPGetAction | None = None,
        tcp_socket: TCPSocketAction | None = None,
    ) -> Outcome:
        try:
            if exec_ is not None:
                return await self._exec(exec_, container_id, timeout)
            if http_get is not None:
                return await self._http_get(http_get, container, pod_ip, timeout)
            if tcp_socket is not None:
                return await self._tcp(tcp_socket, container, pod_ip, timeout)
        except TimeoutError:
            return Outcome(False, f"timed out after {timeout:g}s")
        except Exception as e:
            return Outcome(False, str(e) or type(e).__name__)
        return Outcome(True, "no action")

    async def _exec(self, action: ExecAction, container_id: str, timeout: float) -> Outcome:
        result = await self.runtime.exec(container_id, list(action.command or []), timeout=timeout)
        if result.exit_code == 0:
            return Outcome(True)
        text = result.output.decode(errors="replace").strip()[-200:]
        return Outcome(False, f"command exited with {result.exit_code}: {text}")

    async def _http_get(
        self, action: HTTPGetAction, container: Container, pod_ip: str, timeout: float
    ) -> Outcome:
        port = resolve_port(action.port, container)
        if port is None:
            return Outcome(False, f"unknown port {action.port!r}")
        if not self.network:
            return Outcome(True)
        host = _target_host(action.host, pod_ip)
        if not host:
            return Outcome(False, "pod has no IP")
        scheme = (action.scheme or "HTTP").lower()
        path = action.path or "/"
        if not path.startswith("/"):
            path = "/" + path
        headers = {h.name: h.value for h in action.http_headers or []}
        headers.setdefault("User-Agent", "kube-probe/1.32")
        url = f"{scheme}://{host}:{port}{path}"
        async with self._http().get(
            url,
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=timeout),
            allow_redirects=False,
            ssl=False,
        ) as resp:
            if 200 <= resp.status < 400:
                return Outcome(True)
            return Outcome(False, f"HTTP probe failed with statuscode: {resp.status}")

    async def _tcp(
        self, action: TCPSocketAction, container: Container, pod_ip: str, timeout: float
    ) -> Outcome:
        port = resolve_port(action.port, container)
        if port is None:
            return Outcome(False, f"unknown port {action.port!r}")
        if not self.network:
            return Outcome(True)
        host = _target_host(action.host, pod_ip)
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
        writer.close()
        try:
            await writer.wait_closed()
        except OSError:
            pass
        return Outcome(True)
