"""Where a client connects and as whom: kubeconfig files (as kubectl reads them) and in-cluster env.

Order, as kubectl: an explicit path, else $KUBECONFIG (colon-separated files, merged with
the first file winning per entry), else ~/.kube/config; a context name picks the cluster,
user and namespace. With no file at all, a pod's in-cluster environment is used.
"""

from __future__ import annotations

import base64
import hashlib
import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

SA_DIR = Path("/var/run/secrets/kubernetes.io/serviceaccount")


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class ClientConfig:
    server: str
    namespace: str = "default"
    token: str | None = None
    ca_file: str | None = None
    insecure: bool = False
    client_cert: str | None = None
    client_key: str | None = None
    context: str = ""

    def with_namespace(self, namespace: str | None) -> ClientConfig:
        return replace(self, namespace=namespace) if namespace else self


def _files(explicit: str | None) -> list[Path]:
    if explicit:
        return [Path(explicit).expanduser()]
    env = os.environ.get("KUBECONFIG")
    if env:
        return [Path(p).expanduser() for p in env.split(os.pathsep) if p]
    return [Path.home() / ".kube" / "config"]


def merged(explicit: str | None = None) -> dict[str, Any]:
    """The merged kubeconfig document (first file wins per named entry)."""
    out: dict[str, Any] = {"clusters": [], "users": [], "contexts": [], "current-context": ""}
    seen: dict[str, set[str]] = {"clusters": set(), "users": set(), "contexts": set()}
    for path in _files(explicit):
        if not path.exists():
            if explicit:
                raise ConfigError(f"kubeconfig {path} does not exist")
            continue
        try:
            doc = yaml.safe_load(path.read_text()) or {}
        except yaml.YAMLError as e:
            raise ConfigError(f"kubeconfig {path} is not valid YAML: {e}") from e
        for section in ("clusters", "users", "contexts"):
            for entry in doc.get(section) or []:
                name = entry.get("name", "")
                if name not in seen[section]:
                    seen[section].add(name)
                    out[section].append(entry)
        if not out["current-context"] and doc.get("current-context"):
            out["current-context"] = doc["current-context"]
    return out


def _named(doc: dict[str, Any], section: str, name: str) -> dict[str, Any]:
    for entry in doc.get(section) or []:
        if entry.get("name") == name:
            body = entry.get(section[:-1]) or {}
            return body if isinstance(body, dict) else {}
    raise ConfigError(f"{section[:-1]} {name!r} not found in kubeconfig")


def _data_file(data: str, suffix: str) -> str:
    """Write base64 *-data to a private file (aiohttp's TLS context wants paths).

    Named by the content's hash, so loading the same kubeconfig again reuses the file
    instead of leaving one more behind in the temp directory each time.
    """
    raw = base64.b64decode(data)
    path = Path(tempfile.gettempdir()) / (
        f"kubeling-{os.getuid()}-{hashlib.sha256(raw).hexdigest()[:24]}{suffix}"
    )
    if not path.exists():
        fd, tmp = tempfile.mkstemp(prefix="kubeling-", suffix=suffix)
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
        os.replace(tmp, path)  # mkstemp made it 0600
    return str(path)


def load(
    path: str | None = None, *, context: str | None = None, namespace: str | None = None
) -> ClientConfig:
    doc = merged(path)
    if not doc["contexts"] and not path:
        in_cluster = from_environment()
        if in_cluster is not None:
            return in_cluster.with_namespace(namespace)
    ctx_name = context or doc.get("current-context") or ""
    if not ctx_name:
        raise ConfigError("no context: set current-context in the kubeconfig or pass --context")
    ctx = _named(doc, "contexts", ctx_name)
    cluster = _named(doc, "clusters", str(ctx.get("cluster", "")))
    user = _named(doc, "users", str(ctx.get("user", ""))) if ctx.get("user") else {}
    server = str(cluster.get("server") or "")
    if not server:
        raise ConfigError(f"cluster {ctx.get('cluster')!r} has no server")
    ca = cluster.get("certificate-authority")
    if cluster.get("certificate-authority-data"):
        ca = _data_file(cluster["certificate-authority-data"], ".crt")
    cert, key = user.get("client-certificate"), user.get("client-key")
    if user.get("client-certificate-data"):
        cert = _data_file(user["client-certificate-data"], ".crt")
    if user.get("client-key-data"):
        key = _data_file(user["client-key-data"], ".key")
    token = user.get("token")
    if not token and user.get("tokenFile"):
        token = Path(user["tokenFile"]).read_text().strip()
    return ClientConfig(
        server=server.rstrip("/"),
        namespace=namespace or str(ctx.get("namespace") or "default"),
        token=token,
        ca_file=ca,
        insecure=bool(cluster.get("insecure-skip-tls-verify")),
        client_cert=cert,
        client_key=key,
        context=ctx_name,
    )


def from_environment() -> ClientConfig | None:
    """In-cluster: KUBERNETES_SERVICE_HOST/PORT and the service account's token, if present."""
    host = os.environ.get("KUBERNETES_SERVICE_HOST")
    port = os.environ.get("KUBERNETES_SERVICE_PORT")
    if not host or not port:
        return None
    token_file, ca_file = SA_DIR / "token", SA_DIR / "ca.crt"
    ns_file = SA_DIR / "namespace"
    scheme = "https" if ca_file.exists() else "http"
    return ClientConfig(
        server=f"{scheme}://{host}:{port}",
        token=token_file.read_text().strip() if token_file.exists() else None,
        ca_file=str(ca_file) if ca_file.exists() else None,
        namespace=ns_file.read_text().strip() if ns_file.exists() else "default",
    )


def write(path: Path, server: str, *, namespace: str = "default", name: str = "kubeling") -> Path:
    """A minimal kubeconfig that both kubeling and the real kubectl read."""
    doc = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": name, "cluster": {"server": server}}],
        "users": [{"name": "admin", "user": {}}],
        "contexts": [
            {"name": name, "context": {"cluster": name, "user": "admin", "namespace": namespace}}
        ],
        "current-context": name,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path
