"""The objects `create deployment|namespace|configmap|secret`, `run` and `expose` generate.

They match what kubectl's generators print under `--dry-run=client -o yaml`, field for field
(including `creationTimestamp: null`, `resources: {}` and `status: {}`).
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

from kubectl.errors import CLIError

Obj = dict[str, Any]


def container_name(image: str) -> str:
    base = image.rsplit("/", 1)[-1]
    base = re.split(r"[:@]", base, maxsplit=1)[0]
    return re.sub(r"[^a-z0-9-]", "-", base.lower()).strip("-") or "container"


def key_values(pairs: tuple[str, ...] | list[str], what: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for p in pairs:
        k, sep, v = p.partition("=")
        if not sep or not k:
            raise CLIError(f"invalid {what}: {p!r} (want KEY=VALUE)")
        out[k] = v
    return out


def labels_arg(text: str) -> dict[str, str]:
    return key_values([p for p in text.split(",") if p], "label") if text else {}


def deployment(name: str, images: list[str], *, replicas: int, port: int | None) -> Obj:
    containers: list[Obj] = []
    for image in images:
        c: Obj = {"image": image, "name": container_name(image)}
        if port is not None:
            c["ports"] = [{"containerPort": port}]
        c["resources"] = {}
        containers.append(c)
    labels = {"app": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"creationTimestamp": None, "labels": dict(labels), "name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": dict(labels)},
            "strategy": {},
            "template": {
                "metadata": {"creationTimestamp": None, "labels": dict(labels)},
                "spec": {"containers": containers},
            },
        },
        "status": {},
    }


def namespace(name: str) -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"creationTimestamp": None, "name": name},
        "spec": {},
        "status": {},
    }


def _sources(literals: tuple[str, ...], files: tuple[str, ...]) -> dict[str, bytes]:
    data = {k: v.encode() for k, v in key_values(literals, "literal").items()}
    for spec in files:
        key, sep, file = spec.partition("=")
        if not sep:
            key, file = Path(spec).name, spec
        p = Path(file)
        if p.is_dir():
            for f in sorted(p.iterdir()):
                if f.is_file():
                    data[f.name] = f.read_bytes()
        else:
            try:
                data[key] = p.read_bytes()
            except OSError as e:
                raise CLIError(f"error reading {file}: {e.strerror}") from None
    return data


def configmap(name: str, literals: tuple[str, ...], files: tuple[str, ...]) -> Obj:
    obj: Obj = {"apiVersion": "v1", "kind": "ConfigMap"}
    data = _sources(literals, files)
    text: dict[str, str] = {}
    binary: dict[str, str] = {}
    for k, v in data.items():
        try:
            text[k] = v.decode()
        except UnicodeDecodeError:
            binary[k] = base64.b64encode(v).decode()
    if binary:
        obj["binaryData"] = binary
    if text:
        obj["data"] = text
    obj["metadata"] = {"creationTimestamp": None, "name": name}
    return obj


def secret(name: str, literals: tuple[str, ...], files: tuple[str, ...], type_: str) -> Obj:
    data = {k: base64.b64encode(v).decode() for k, v in _sources(literals, files).items()}
    obj: Obj = {"apiVersion": "v1"}
    if data:
        obj["data"] = data
    obj["kind"] = "Secret"
    obj["metadata"] = {"creationTimestamp": None, "name": name}
    if type_:
        obj["type"] = type_
    return obj


def _convert(value: str) -> Any:
    return int(value) if value.isdigit() else value


def pod(
    name: str,
    image: str,
    *,
    labels: dict[str, str],
    env: dict[str, str],
    port: int | None,
    restart: str,
    command: bool,
    args: list[str],
) -> Obj:
    c: Obj = {}
    if args:
        c["args" if not command else "command"] = list(args)
    if env:
        c["env"] = [{"name": k, "value": v} for k, v in env.items()]
    c["image"] = image
    c["name"] = name
    if port is not None:
        c["ports"] = [{"containerPort": port}]
    c["resources"] = {}
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"creationTimestamp": None, "labels": labels or {"run": name}, "name": name},
        "spec": {"containers": [c], "dnsPolicy": "ClusterFirst", "restartPolicy": restart},
        "status": {},
    }


def service(
    name: str,
    *,
    selector: dict[str, str],
    labels: dict[str, str],
    port: int,
    target_port: str | None,
    protocol: str,
    type_: str,
    port_name: str,
) -> Obj:
    p: Obj = {}
    if port_name:
        p["name"] = port_name
    p["port"] = port
    p["protocol"] = protocol
    p["targetPort"] = _convert(target_port) if target_port else port
    spec: Obj = {"ports": [p], "selector": selector}
    if type_:
        spec["type"] = type_
    meta: Obj = {"creationTimestamp": None}
    if labels:
        meta["labels"] = labels
    meta["name"] = name
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": meta,
        "spec": spec,
        "status": {"loadBalancer": {}},
    }


def for_server(obj: Obj) -> Obj:
    """The generated object without the null/empty fields kubectl's printer shows."""
    import copy

    out = copy.deepcopy(obj)
    out.pop("status", None)
    out.get("metadata", {}).pop("creationTimestamp", None)
    tmeta = out.get("spec", {}).get("template", {}).get("metadata")
    if isinstance(tmeta, dict):
        tmeta.pop("creationTimestamp", None)
    return out
