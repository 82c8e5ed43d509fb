"""Reading pods, ReplicaSets and Deployments of a test namespace over plain HTTP."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.procs import wait_for

Obj = dict[str, Any]


def pods(client: httpx.Client, ns: str, selector: str = "") -> list[Obj]:
    params = {"labelSelector": selector} if selector else {}
    r = client.get(f"/api/v1/namespaces/{ns}/pods", params=params)
    r.raise_for_status()
    return list(r.json()["items"])


def live(items: list[Obj]) -> list[Obj]:
    """Pods that are not terminating."""
    return [p for p in items if not p["metadata"].get("deletionTimestamp")]


def is_ready(pod: Obj) -> bool:
    return any(
        c.get("type") == "Ready" and c.get("status") == "True"
        for c in (pod.get("status") or {}).get("conditions") or []
    )


def get(client: httpx.Client, path: str) -> Obj | None:
    r = client.get(path)
    if r.status_code == 404:
        return None
    r.raise_for_status()
    return dict(r.json())


def create(client: httpx.Client, path: str, body: Obj) -> Obj:
    r = client.post(path, json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


def deployment(
    name: str,
    *,
    replicas: int,
    image: str = "nginx:1",
    strategy: Obj | None = None,
    tolerations: list[Obj] | None = None,
    **spec: Any,
) -> Obj:
    pod_spec: Obj = {"containers": [{"name": "web", "image": image}]}
    if tolerations is not None:
        pod_spec["tolerations"] = tolerations
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}}, "spec": pod_spec},
            **({"strategy": strategy} if strategy else {}),
            **spec,
        },
    }


def replicaset(name: str, *, replicas: int, labels: dict[str, str] | None = None) -> Obj:
    labels = labels or {"app": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": dict(labels)},
            "template": {
                "metadata": {"labels": dict(labels)},
                "spec": {"containers": [{"name": "c", "image": "busybox"}]},
            },
        },
    }


def wait_ready_pods(
    client: httpx.Client, ns: str, selector: str, count: int, timeout: float = 30
) -> list[Obj]:
    """Wait for exactly `count` live pods, all Ready, and no terminating ones left."""
    found: list[Obj] = []

    def cond() -> bool:
        nonlocal found
        items = pods(client, ns, selector)
        found = live(items)
        return len(items) == count and len(found) == count and all(map(is_ready, found))

    wait_for(cond, timeout, f"{count} ready pods matching {selector} in {ns}", interval=0.1)
    return found


def deployment_done(client: httpx.Client, ns: str, name: str, replicas: int) -> bool:
    d = get(client, f"/apis/apps/v1/namespaces/{ns}/deployments/{name}") or {}
    s = d.get("status") or {}
    return (
        s.get("observedGeneration", 0) >= d["metadata"].get("generation", 1)
        and s.get("updatedReplicas") == replicas
        and s.get("replicas") == replicas
        and s.get("availableReplicas") == replicas
    )


class PodTimeline:
    """Every pod event of a namespace from now on, replayed into per-moment counts.

    Moments are (live pods, ready live pods, images of live pods) after each event;
    terminating pods are not live.
    """

    def __init__(self, client: httpx.Client, base_url: str, ns: str) -> None:
        from tests.support.watching import WatchStream

        listed = client.get(f"/api/v1/namespaces/{ns}/pods").json()
        self.state: dict[str, Obj] = {p["metadata"]["name"]: p for p in listed["items"]}
        self.stream = WatchStream(
            base_url,
            f"/api/v1/namespaces/{ns}/pods",
            {"resourceVersion": listed["metadata"]["resourceVersion"]},
        )
        self.moments: list[tuple[int, int, set[str]]] = []

    def drain(self) -> list[tuple[int, int, set[str]]]:
        """Apply every event received so far; return all moments seen."""
        import queue

        while True:
            try:
                ev = self.stream.events.get_nowait()
            except queue.Empty:
                return self.moments
            if ev is None or ev.get("type") not in ("ADDED", "MODIFIED", "DELETED"):
                continue
            pod = ev["object"]
            if ev["type"] == "DELETED":
                self.state.pop(pod["metadata"]["name"], None)
            else:
                self.state[pod["metadata"]["name"]] = pod
            alive = [p for p in self.state.values() if not p["metadata"].get("deletionTimestamp")]
            self.moments.append(
                (
                    len(alive),
                    sum(1 for p in alive if is_ready(p)),
                    {p["spec"]["containers"][0]["image"] for p in alive},
                )
            )
