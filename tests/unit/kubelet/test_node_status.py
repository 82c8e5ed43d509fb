"""Node status writes follow the API's copy of the Node, not the kubelet's memory of it."""

from __future__ import annotations

import asyncio
from typing import Any

from kubelet.node import NodeAgent
from machinery.api import Node


class FakeNodes:
    """Just enough of Client for NodeAgent: one Node, status patches recorded."""

    def __init__(self) -> None:
        self.node = Node.model_validate({"metadata": {"name": "n1"}})
        self.patches: list[dict[str, Any]] = []

    async def create(self, body: Node) -> Node:
        self.node = body.model_copy(deep=True)
        return body

    async def get(self, kind: type[Node], name: str) -> Node:
        return self.node.model_copy(deep=True)

    async def patch(
        self, kind: type[Node], name: str, body: dict[str, Any], *, subresource: str = ""
    ) -> Node:
        self.patches.append(body)
        data = self.node.to_dict()
        data["status"] = body["status"]
        self.node = Node.model_validate(data)
        return self.node.model_copy(deep=True)


def _set_ready(nodes: FakeNodes, status: str) -> None:
    data = nodes.node.to_dict()
    for c in data["status"]["conditions"]:
        if c["type"] == "Ready":
            c["status"] = status
    nodes.node = Node.model_validate(data)


async def test_status_is_rewritten_when_the_api_says_ready_unknown() -> None:
    nodes = FakeNodes()
    agent = NodeAgent(
        nodes,  # type: ignore[arg-type]
        node_name="n1",
        node_ip="127.0.0.1",
        port=10250,
        runtime_version="fake://1",
        report_interval=300.0,
    )
    now = asyncio.get_running_loop().time()
    await agent.register()
    assert len(nodes.patches) == 1
    # Nothing changed and the report is not due: no write.
    assert await agent.sync_status(now=now + 10) is False
    assert len(nodes.patches) == 1
    # The node lifecycle controller marked the node Unknown during an apiserver outage.
    _set_ready(nodes, "Unknown")
    assert await agent.sync_status(now=now + 20) is True
    ready = {c["type"]: c["status"] for c in nodes.patches[-1]["status"]["conditions"]}
    assert ready["Ready"] == "True"
    # Due after the report interval even when nothing changed.
    assert await agent.sync_status(now=now + 30) is False
    assert await agent.sync_status(now=now + 400) is True
