"""`kubeling logs` through the apiserver's pods/log proxy, to a stand-in kubelet on loopback.

The stand-in answers /containerLogs/{ns}/{pod}/{container} with lines that echo what it was
asked (container, tailLines, follow, previous), so the tests see which query kubeling sent
and that the bytes come back through the apiserver unchanged.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.integration.kubectl_cli.helpers import created
from tests.support.cli import Kubeling
from tests.support.objects import pod


class FakeKubelet(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        url = urlsplit(self.path)
        parts = url.path.strip("/").split("/")
        if parts[0] != "containerLogs" or len(parts) != 4:
            self.send_error(404)
            return
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        _, _ns, name, container = parts
        lines = [f"{name}/{container} line {i}" for i in range(1, 6)]
        if "tailLines" in q:
            lines = lines[-int(q["tailLines"]) :]
        if q.get("previous") == "true":
            lines = [f"{name}/{container} previous"]
        if q.get("follow") == "true":
            lines.append(f"{name}/{container} followed")
        body = "".join(line + "\n" for line in lines).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def kubelet_node(client: httpx.Client) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeKubelet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    name = f"logs-{uuid.uuid4().hex[:6]}"
    created(
        client,
        "/api/v1/nodes",
        {
            "metadata": {"name": name},
            "status": {
                "addresses": [{"type": "InternalIP", "address": "127.0.0.1"}],
                "daemonEndpoints": {"kubeletEndpoint": {"Port": server.server_address[1]}},
            },
        },
    )
    try:
        yield name
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
        client.delete(f"/api/v1/nodes/{name}")


def test_logs_through_the_proxy(
    kubeling: Kubeling, client: httpx.Client, ns: str, kubelet_node: str
) -> None:
    two = pod("two", labels={"app": "web"}, node=kubelet_node)
    two["spec"]["containers"].append({"name": "side", "image": "busybox"})
    created(
        client,
        f"/api/v1/namespaces/{ns}/pods",
        pod("one", labels={"app": "web"}, node=kubelet_node),
    )
    created(client, f"/api/v1/namespaces/{ns}/pods", two)
    assert kubeling.ok("logs", "one").stdout == "".join(f"one/main line {i}\n" for i in range(1, 6))
    assert kubeling.ok("logs", "pod/one", "--tail=2").stdout == (
        "one/main line 4\none/main line 5\n"
    )
    assert kubeling.ok("logs", "one", "--previous").stdout == "one/main previous\n"
    assert kubeling.ok("logs", "one", "-f", "--tail=1").stdout == (
        "one/main line 5\none/main followed\n"
    )
    r = kubeling.ok("logs", "two")
    assert r.stderr == 'Defaulted container "main" out of: main, side\n'
    assert r.stdout.startswith("two/main line 1\n")
    assert kubeling.ok("logs", "two", "-c", "side", "--tail=1").stdout == "two/side line 5\n"
    out = kubeling.ok("logs", "-l", "app=web", "--all-containers", "--prefix").stdout
    lines = out.splitlines()
    assert "[pod/one/main] one/main line 5" in lines and "[pod/two/side] two/side line 5" in lines
    assert len(lines) == 15  # -l means the last 10 lines each (5 here), per container
    d = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "main", "image": "busybox"}]},
            },
        },
    }
    created(client, f"/apis/apps/v1/namespaces/{ns}/deployments", d)
    assert kubeling.ok("logs", "deploy/web", "--tail=1").stdout == "one/main line 5\n"
