"""The scheduler's picture of the cluster: nodes with their pods, bound and assumed.

A pod is "assumed" on a node from the moment the scheduler picks the node until the
watch confirms the binding (or the bind fails and the pod is forgotten). Assumed pods
count like bound ones, so two pods scheduled back to back never share the last free
cpu of a node while the first bind is still in flight (kube-scheduler's cache does this).
Pods nominated by preemption reserve their node's room against lower-priority pods.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from machinery.api import Node
from scheduler.nodeinfo import NodeInfo
from scheduler.podinfo import PodInfo

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Assumed:
    node: str
    deadline: float | None  # set once the bind succeeded: expire if never confirmed


class SchedulerCache:
    def __init__(
        self, *, assumed_ttl: float = 30.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.assumed_ttl = assumed_ttl
        self.clock = clock
        self._nodes: dict[str, NodeInfo] = {}
        self._node_list: list[NodeInfo] | None = []
        self._pod_node: dict[str, str] = {}  # pod key -> node name, bound or assumed
        self._assumed: dict[str, _Assumed] = {}
        self.nominated: dict[str, dict[str, PodInfo]] = {}  # node -> pod key -> pod
        self._nominated_of: dict[str, str] = {}  # pod key -> node
        self.anti_affinity_pods = 0
        self.scoring_affinity_pods = 0

    # ---- nodes ------------------------------------------------------------------------
    def nodes(self) -> list[NodeInfo]:
        """The known nodes (those with a Node object), in a stable order."""
        if self._node_list is None:
            self._node_list = sorted(
                (n for n in self._nodes.values() if n.node is not None), key=lambda n: n.name
            )
        return self._node_list

    def node(self, name: str) -> NodeInfo | None:
        info = self._nodes.get(name)
        return info if info is not None and info.node is not None else None

    def add_node(self, node: Node) -> None:
        name = node.metadata.name
        info = self._nodes.get(name)
        if info is None:
            info = self._nodes[name] = NodeInfo(name)
        if info.node is None:
            self._node_list = None
        info.set_node(node)

    def remove_node(self, name: str) -> None:
        info = self._nodes.get(name)
        if info is None:
            return
        self._node_list = None
        if info.pods:
            info.node = None  # its pods still exist; they leave with their own events
        else:
            del self._nodes[name]

    # ---- pods -------------------------------------------------------------------------
    def _place(self, p: PodInfo, node: str) -> None:
        old = self._pod_node.get(p.key)
        if old is not None:
            self._unplace(p.key)
        info = self._nodes.get(node)
        if info is None:
            info = self._nodes[node] = NodeInfo(node)
        info.add_pod(p)
        self._pod_node[p.key] = node
        if p.anti_affinity_terms:
            self.anti_affinity_pods += 1
        if p.scores_pod_affinity:
            self.scoring_affinity_pods += 1

    def _unplace(self, key: str) -> PodInfo | None:
        node = self._pod_node.pop(key, None)
        if node is None:
            return None
        info = self._nodes.get(node)
        if info is None:
            return None
        p = info.remove_pod(key)
        if p is not None and p.anti_affinity_terms:
            self.anti_affinity_pods -= 1
        if p is not None and p.scores_pod_affinity:
            self.scoring_affinity_pods -= 1
        if info.node is None and not info.pods:
            del self._nodes[node]
        return p

    def is_assumed(self, key: str) -> bool:
        return key in self._assumed

    def assume(self, p: PodInfo, node: str) -> None:
        """Count p on node before its binding is confirmed."""
        self.remove_nominated(p.key)
        self._place(p, node)
        self._assumed[p.key] = _Assumed(node, None)

    def finish_binding(self, key: str) -> None:
        a = self._assumed.get(key)
        if a is not None:
            a.deadline = self.clock() + self.assumed_ttl

    def forget(self, key: str) -> None:
        """The bind failed: the pod no longer counts on the node it was assumed on."""
        if self._assumed.pop(key, None) is not None:
            self._unplace(key)

    def add_pod(self, p: PodInfo) -> None:
        """A bound pod seen through the watch (confirms an assumed one)."""
        self._assumed.pop(p.key, None)
        self.remove_nominated(p.key)
        self._place(p, p.node_name)

    def remove_pod(self, key: str) -> None:
        self._assumed.pop(key, None)
        self._unplace(key)

    def cleanup_assumed(self) -> list[str]:
        """Forget assumed pods whose binding was never confirmed within the TTL."""
        now = self.clock()
        expired = [
            k for k, a in self._assumed.items() if a.deadline is not None and a.deadline < now
        ]
        for key in expired:
            log.warning("assumed pod expired pod=%s", key)
            self.forget(key)
        return expired

    def pod_node(self, key: str) -> str | None:
        return self._pod_node.get(key)

    # ---- nominations ------------------------------------------------------------------
    def set_nominated(self, p: PodInfo, node: str) -> None:
        self.remove_nominated(p.key)
        if node:
            self.nominated.setdefault(node, {})[p.key] = p
            self._nominated_of[p.key] = node

    def remove_nominated(self, key: str) -> None:
        node = self._nominated_of.pop(key, None)
        if node is not None:
            pods = self.nominated.get(node)
            if pods is not None:
                pods.pop(key, None)
                if not pods:
                    del self.nominated[node]
