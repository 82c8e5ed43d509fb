"""Node IPAM: every Node gets a `spec.podCIDR` carved from `--cluster-cidr`.

Subnets of `--node-cidr-mask-size` bits are handed out lowest first, skipping the first
one (the lab puts node addresses in 10.244.0.0/24). Nothing is stored: the subnets in use
are read from the Nodes themselves (plus what this process just assigned and has not
seen come back), so allocations are stable across restarts. One worker, so two nodes are
never given the same subnet.
"""

from __future__ import annotations

import ipaddress
import logging
from typing import Any

from controller_manager.base import Api, Controller
from machinery.api import Node
from machinery.errors import NotFound
from machinery.informer import SharedInformerFactory

log = logging.getLogger(__name__)


class NodeIpamController(Controller):
    name = "nodeipam"

    def __init__(
        self,
        api: Api,
        informers: SharedInformerFactory,
        *,
        cluster_cidr: str = "10.244.0.0/16",
        mask_size: int = 24,
        skip_first: bool = True,
        **kw: Any,
    ) -> None:
        kw["workers"] = 1
        super().__init__(api, informers, **kw)
        self.network = ipaddress.ip_network(cluster_cidr)
        if mask_size < self.network.prefixlen:
            raise ValueError(
                f"node mask /{mask_size} is larger than the cluster CIDR {cluster_cidr}"
            )
        self.mask_size = mask_size
        self.skip_first = skip_first
        self.assigned: dict[str, str] = {}  # node -> CIDR we wrote, until the watch shows it
        self.nodes = informers.informer(Node)
        self.nodes.add_handlers(
            on_add=self.enqueue,
            on_update=lambda old, new: self.enqueue(new),
            on_delete=self._deleted,
        )

    def _deleted(self, node: Node) -> None:
        self.assigned.pop(node.metadata.name, None)

    def in_use(self) -> set[str]:
        used = {n.spec.pod_cidr for n in self.nodes.cache.list() if n.spec.pod_cidr}
        return used | set(self.assigned.values())

    def next_free(self) -> str | None:
        used = self.in_use()
        for i, net in enumerate(self.network.subnets(new_prefix=self.mask_size)):
            if i == 0 and self.skip_first:
                continue
            if str(net) not in used:
                return str(net)
        return None

    async def reconcile(self, key: str) -> None:
        node = self.nodes.cache.get(key)
        if node is None:
            self.assigned.pop(key, None)
            return
        if node.spec.pod_cidr:
            self.assigned.pop(key, None)
            return
        if key in self.assigned:
            return  # written; waiting for the watch
        cidr = self.next_free()
        if cidr is None:
            self.recorder.warning(node, "CIDRNotAvailable", "No pod CIDR is left to allocate")
            log.warning("no pod CIDR left node=%s cluster_cidr=%s", key, self.network)
            return
        try:
            await self.api.patch(Node, key, {"spec": {"podCIDR": cidr, "podCIDRs": [cidr]}})
        except NotFound:
            return
        self.assigned[key] = cidr
        log.info("allocated pod CIDR node=%s cidr=%s", key, cidr)
        self.recorder.normal(node, "CIDRAssignmentSucceeded", f"Node {key} got pod CIDR {cidr}")
