"""Static pods: pods from manifest files in a directory, run without the API's say-so.

Each manifest (YAML or JSON, one Pod per file) becomes a pod named `<name>-<nodename>`
bound to this node, with a uid derived from its content (an edited file is a new pod) and
the annotations Kubernetes uses (`kubernetes.io/config.source: file`,
`kubernetes.io/config.hash`). The kubelet runs them itself and mirrors each into the API
(`kubernetes.io/config.mirror`, owned by the Node) so they can be seen and their status
read; a deleted mirror comes back, a removed file stops its pod.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from pathlib import Path

import yaml

from machinery.api import Pod

log = logging.getLogger(__name__)

SOURCE = "kubernetes.io/config.source"
HASH = "kubernetes.io/config.hash"
MIRROR = "kubernetes.io/config.mirror"


def is_mirror(pod: Pod) -> bool:
    return MIRROR in (pod.metadata.annotations or {})


def is_static(pod: Pod) -> bool:
    return (pod.metadata.annotations or {}).get(SOURCE) == "file"


def read_manifests(directory: Path, node_name: str) -> dict[str, Pod]:
    """The static pods the directory describes, by uid (bad files are logged and skipped)."""
    pods: dict[str, Pod] = {}
    if not directory.is_dir():
        return pods
    for path in sorted(directory.iterdir()):
        if path.name.startswith(".") or path.suffix not in (".yaml", ".yml", ".json"):
            continue
        try:
            doc = yaml.safe_load(path.read_text())
            if not isinstance(doc, dict) or doc.get("kind", "Pod") != "Pod":
                raise ValueError("not a Pod")
            pod = static_pod(doc, node_name)
        except Exception as e:
            log.warning("bad static pod manifest file=%s err=%s", path, e)
            continue
        pods[pod.metadata.uid or ""] = pod
    return pods


def static_pod(doc: dict[str, object], node_name: str) -> Pod:
    digest = hashlib.sha256((json.dumps(doc, sort_keys=True) + node_name).encode()).hexdigest()
    pod = Pod.model_validate(doc)
    meta = pod.metadata
    meta.name = f"{meta.name}-{node_name}"
    meta.namespace = meta.namespace or "default"
    meta.uid = str(uuid.UUID(digest[:32]))
    meta.annotations = {**(meta.annotations or {}), SOURCE: "file", HASH: digest[:32]}
    pod.spec.node_name = node_name
    pod.spec.restart_policy = pod.spec.restart_policy or "Always"
    pod.spec.termination_grace_period_seconds = (
        30
        if pod.spec.termination_grace_period_seconds is None
        else pod.spec.termination_grace_period_seconds
    )
    for c in [*(pod.spec.init_containers or []), *(pod.spec.containers or [])]:
        c.termination_message_policy = c.termination_message_policy or "File"
    return pod


def mirror_of(pod: Pod, node_uid: str) -> Pod:
    """The API object that stands for a static pod."""
    mirror = pod.model_copy(deep=True)
    meta = mirror.metadata
    meta.uid = None
    meta.resource_version = None
    annotations = dict(meta.annotations or {})
    annotations[MIRROR] = annotations.get(HASH, "")
    meta.annotations = annotations
    meta.owner_references = None
    if node_uid:
        mirror_ref = {
            "apiVersion": "v1",
            "kind": "Node",
            "name": pod.spec.node_name or "",
            "uid": node_uid,
            "controller": True,
        }
        mirror = Pod.model_validate(
            {**mirror.to_dict(), "metadata": {**meta.to_dict(), "ownerReferences": [mirror_ref]}}
        )
    return mirror
