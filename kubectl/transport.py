"""A tiny blocking HTTP client on the standard library, for a CLI that makes a handful of calls.

Why not machinery's aiohttp client: importing it (pydantic model, aiohttp) costs about half a
second, and `kubeling get pods` must answer in well under one. http.client keeps one
keep-alive connection, speaks JSON through orjson and streams watch lines.
"""

from __future__ import annotations

import http.client
import ssl
import urllib.parse
from collections.abc import Iterator, Mapping
from typing import Any

import orjson

from machinery.errors import StatusError
from machinery.kubeconfig import ClientConfig

TABLE_ACCEPT = "application/json;as=Table;v=v1;g=meta.k8s.io, application/json"
JSON = "application/json"
PATCH_TYPES = {
    "strategic": "application/strategic-merge-patch+json",
    "merge": "application/merge-patch+json",
    "json": "application/json-patch+json",
}

Query = Mapping[str, str | int | bool | list[str] | None]


class ConnectionRefused(Exception):
    """The apiserver did not answer; the message names host:port as kubectl does."""

    def __init__(self, hostport: str) -> None:
        super().__init__(hostport)
        self.hostport = hostport


def encode_query(query: Query | None) -> str:
    if not query:
        return ""
    pairs: list[tuple[str, str]] = []
    for k, v in query.items():
        if v is None or v == "":
            continue
        if isinstance(v, bool):
            pairs.append((k, "true" if v else "false"))
        elif isinstance(v, list):
            pairs.extend((k, str(item)) for item in v)
        else:
            pairs.append((k, str(v)))
    return "?" + urllib.parse.urlencode(pairs) if pairs else ""


class Api:
    """Requests against one apiserver; errors come back as machinery.errors.StatusError."""

    def __init__(self, config: ClientConfig, *, timeout: float = 30.0) -> None:
        self.config = config
        url = urllib.parse.urlsplit(config.server)
        self.scheme = url.scheme or "http"
        self.host = url.hostname or "127.0.0.1"
        self.port = url.port or (443 if self.scheme == "https" else 80)
        self.base_path = url.path.rstrip("/")
        self.timeout = timeout
        self._conn: http.client.HTTPConnection | None = None

    @property
    def hostport(self) -> str:
        return f"{self.host}:{self.port}"

    def _connect(self, timeout: float | None) -> http.client.HTTPConnection:
        if self.scheme == "https":
            ctx = ssl.create_default_context(cafile=self.config.ca_file)
            if self.config.insecure:
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
            if self.config.client_cert:
                ctx.load_cert_chain(self.config.client_cert, self.config.client_key)
            return http.client.HTTPSConnection(self.host, self.port, timeout=timeout, context=ctx)
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def _headers(self, accept: str, content_type: str | None) -> dict[str, str]:
        headers = {"Accept": accept, "User-Agent": "kubeling/v1.32.0"}
        if content_type:
            headers["Content-Type"] = content_type
        if self.config.token:
            headers["Authorization"] = f"Bearer {self.config.token}"
        return headers

    def _send(
        self,
        conn: http.client.HTTPConnection,
        method: str,
        target: str,
        body: bytes | None,
        headers: dict[str, str],
    ) -> http.client.HTTPResponse:
        try:
            conn.request(method, target, body=body, headers=headers)
            return conn.getresponse()
        except (ConnectionRefusedError, OSError) as e:
            if isinstance(e, ConnectionRefusedError) or "refused" in str(e).lower():
                raise ConnectionRefused(self.hostport) from None
            raise

    def raw(
        self,
        method: str,
        path: str,
        *,
        query: Query | None = None,
        body: Any = None,
        content_type: str | None = None,
        accept: str = JSON,
    ) -> tuple[int, bytes]:
        payload = None
        if body is not None:
            payload = body if isinstance(body, bytes) else orjson.dumps(body)
            content_type = content_type or JSON
        target = self.base_path + path + encode_query(query)
        headers = self._headers(accept, content_type)
        if self._conn is None:
            self._conn = self._connect(self.timeout)
        try:
            resp = self._send(self._conn, method, target, payload, headers)
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            # a stale keep-alive connection: reconnect once
            self._conn.close()
            self._conn = self._connect(self.timeout)
            resp = self._send(self._conn, method, target, payload, headers)
        data = resp.read()
        return resp.status, data

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Query | None = None,
        body: Any = None,
        content_type: str | None = None,
        accept: str = JSON,
    ) -> Any:
        status, data = self.raw(
            method, path, query=query, body=body, content_type=content_type, accept=accept
        )
        if status >= 400:
            raise status_error(status, data)
        if not data:
            return {}
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            return data.decode(errors="replace")

    def get(self, path: str, *, query: Query | None = None, accept: str = JSON) -> Any:
        return self.request("GET", path, query=query, accept=accept)

    def post(self, path: str, body: Any, *, query: Query | None = None) -> Any:
        return self.request("POST", path, query=query, body=body)

    def put(self, path: str, body: Any, *, query: Query | None = None) -> Any:
        return self.request("PUT", path, query=query, body=body)

    def patch(self, path: str, body: Any, *, kind: str, query: Query | None = None) -> Any:
        return self.request("PATCH", path, query=query, body=body, content_type=PATCH_TYPES[kind])

    def delete(self, path: str, *, body: Any = None, query: Query | None = None) -> Any:
        return self.request("DELETE", path, query=query, body=body)

    def stream(
        self,
        path: str,
        *,
        query: Query | None = None,
        accept: str = JSON,
        timeout: float | None = None,
    ) -> Iterator[bytes]:
        """GET on a fresh connection, yielding the body line by line (watch, logs -f)."""
        conn = self._connect(timeout)
        try:
            target = self.base_path + path + encode_query(query)
            resp = self._send(conn, "GET", target, None, self._headers(accept, None))
            if resp.status >= 400:
                raise status_error(resp.status, resp.read())
            while True:
                line = resp.readline()
                if not line:
                    return
                yield line
        finally:
            conn.close()

    def watch(
        self, path: str, *, query: Query | None = None, accept: str = JSON, timeout: float | None
    ) -> Iterator[dict[str, Any]]:
        """Watch events as dicts ({type, object}); an ERROR event raises its Status."""
        for line in self.stream(
            path, query={**(query or {}), "watch": "true"}, accept=accept, timeout=timeout
        ):
            if not line.strip():
                continue
            event = orjson.loads(line)
            if event.get("type") == "ERROR":
                obj = event.get("object") or {}
                raise StatusError.from_status(obj, code=int(obj.get("code") or 500))
            yield event

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def status_error(code: int, data: bytes) -> StatusError:
    try:
        body = orjson.loads(data) if data else {}
    except orjson.JSONDecodeError:
        body = {}
    if not isinstance(body, dict) or body.get("kind") != "Status":
        text = data.decode(errors="replace").strip()
        body = {"code": code, "message": text or f"the server returned HTTP {code}"}
    return StatusError.from_status(body, code=code)
