"""The Docker runtime's inspect cache forgets containers removed behind its back."""

from __future__ import annotations

import threading
from typing import Any

from kubelet.docker_runtime import DockerRuntime
from kubelet.runtime import L_CONTAINER, L_NODE, L_POD_UID


def _inspect(cid: str, uid: str) -> dict[str, Any]:
    return {
        "Id": cid,
        "Created": "2026-01-01T00:00:00Z",
        "Config": {"Labels": {L_NODE: "n1", L_POD_UID: uid, L_CONTAINER: "c"}},
        "State": {"Status": "exited", "ExitCode": 1},
    }


class FakeApi:
    """The two Docker API calls that listing uses, over a dict of containers."""

    def __init__(self) -> None:
        self.data = {
            "c1": _inspect("c1", "u1"),
            "c2": _inspect("c2", "u1"),
            "c3": _inspect("c3", "u2"),
        }

    def containers(self, *, all: bool, filters: dict[str, list[str]]) -> list[dict[str, Any]]:
        uid = next((f.split("=", 1)[1] for f in filters["label"] if L_POD_UID in f), "")
        return [
            {"Id": cid, "State": "exited", "Labels": d["Config"]["Labels"]}
            for cid, d in self.data.items()
            if not uid or d["Config"]["Labels"][L_POD_UID] == uid
        ]

    def inspect_container(self, cid: str) -> dict[str, Any]:
        return self.data[cid]


def test_pruned_containers_leave_the_inspect_cache() -> None:
    rt = DockerRuntime.__new__(DockerRuntime)  # no Docker engine: only the listing logic
    rt.node_name = "n1"
    api = FakeApi()
    rt._api = api
    rt._inspected = {}
    rt._inspect_lock = threading.Lock()
    assert len(rt._list_containers("")) == 3
    assert set(rt._inspected) == {"c1", "c2", "c3"}
    del api.data["c1"], api.data["c3"]  # docker container prune
    assert [c.id for c in rt._list_containers("u1")] == ["c2"]
    assert set(rt._inspected) == {"c2", "c3"}  # another pod's entry waits for its listing
    assert rt._list_containers("") and set(rt._inspected) == {"c2"}
