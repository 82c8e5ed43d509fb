"""ClusterIP and NodePort allocation without collisions.

Every allocated IP or port is a reservation key in etcd written in the same transaction
as the Service, so two apiservers can never hand out the same one and a failed write
reserves nothing. Freeing is the same: the reservation goes with the Service.
"""

from __future__ import annotations

import ipaddress
import random
from dataclasses import dataclass
from typing import Any

from apiserver.storage import Storage
from machinery.errors import Invalid, StatusCause, invalid

IP_PREFIX = "/registry/ranges/serviceips/"
PORT_PREFIX = "/registry/ranges/servicenodeports/"


@dataclass(frozen=True)
class ServiceRanges:
    cidr: ipaddress.IPv4Network
    node_ports: tuple[int, int]

    @staticmethod
    def parse(cidr: str, ports: str) -> ServiceRanges:
        lo, _, hi = ports.partition("-")
        return ServiceRanges(ipaddress.IPv4Network(cidr, strict=False), (int(lo), int(hi or lo)))

    @property
    def first_ip(self) -> str:
        """The `kubernetes` Service's address: the first host of the range."""
        return str(self.cidr.network_address + 1)


def wants_cluster_ip(svc: dict[str, Any]) -> bool:
    spec = svc.get("spec") or {}
    return spec.get("type") != "ExternalName" and spec.get("clusterIP") != "None"


def wants_node_ports(svc: dict[str, Any]) -> bool:
    return (svc.get("spec") or {}).get("type") in ("NodePort", "LoadBalancer")


def reservations(svc: dict[str, Any]) -> set[str]:
    """The reservation keys a stored Service holds."""
    spec = svc.get("spec") or {}
    keys = set()
    ip = spec.get("clusterIP")
    if ip and ip != "None":
        keys.add(IP_PREFIX + ip)
    for p in spec.get("ports") or []:
        if isinstance(p, dict) and p.get("nodePort"):
            keys.add(PORT_PREFIX + str(p["nodePort"]))
    return keys


class Allocator:
    def __init__(self, storage: Storage, ranges: ServiceRanges) -> None:
        self.storage = storage
        self.ranges = ranges

    async def assign(self, svc: dict[str, Any], old: dict[str, Any] | None) -> None:
        """Fill clusterIP / nodePorts in svc (mutates); raise 422 for bad or taken ones."""
        spec = svc.setdefault("spec", {})
        name = (svc.get("metadata") or {}).get("name", "")
        causes: list[StatusCause] = []
        held = reservations(old) if old else set()
        if wants_cluster_ip(svc):
            ip = spec.get("clusterIP") or ""
            if not ip:
                spec["clusterIP"] = await self._free_ip()
            elif IP_PREFIX + ip not in held:
                causes += await self._check_ip(ip)
            spec["clusterIPs"] = [spec["clusterIP"]]
        elif spec.get("type") == "ExternalName":
            spec.pop("clusterIP", None)
            spec.pop("clusterIPs", None)
        else:
            spec["clusterIPs"] = ["None"]
        ports = [p for p in spec.get("ports") or [] if isinstance(p, dict)]
        if wants_node_ports(svc):
            taken = set(await self.storage.keys(PORT_PREFIX))
            for i, p in enumerate(ports):
                np = p.get("nodePort")
                if not np:
                    p["nodePort"] = self._free_port(taken)
                    taken.add(PORT_PREFIX + str(p["nodePort"]))
                elif PORT_PREFIX + str(np) not in held:
                    causes += self._check_port(i, np, taken)
        else:
            for p in ports:
                p.pop("nodePort", None)
        if causes:
            raise Invalid(
                f'Service "{name}" is invalid: '
                + ", ".join(f"{c.field}: {c.message}" for c in causes),
                name=name,
                kind="Service",
                causes=causes,
            )

    async def _free_ip(self) -> str:
        taken = set(await self.storage.keys(IP_PREFIX))
        net = self.ranges.cidr
        size = net.num_addresses
        # Skip the network address, the first host (the `kubernetes` Service) and broadcast.
        for _ in range(64):
            ip = str(net.network_address + random.randrange(2, size - 1))
            if IP_PREFIX + ip not in taken:
                return ip
        for offset in range(2, size - 1):
            ip = str(net.network_address + offset)
            if IP_PREFIX + ip not in taken:
                return ip
        raise Invalid("Internal error occurred: failed to allocate a serviceIP: range is full")

    async def _check_ip(self, ip: str) -> list[StatusCause]:
        try:
            addr = ipaddress.IPv4Address(ip)
        except ValueError:
            return [invalid("spec.clusterIPs[0]", ip, "must be a valid IP address")]
        if addr not in self.ranges.cidr:
            return [
                invalid(
                    "spec.clusterIPs[0]",
                    ip,
                    f"provided IP is not in the valid range. The range of valid IPs "
                    f"is {self.ranges.cidr}",
                )
            ]
        if await self.storage.get(IP_PREFIX + ip) is not None:
            return [invalid("spec.clusterIPs[0]", ip, "provided IP is already allocated")]
        return []

    def _free_port(self, taken: set[str]) -> int:
        lo, hi = self.ranges.node_ports
        for _ in range(64):
            port = random.randint(lo, hi)
            if PORT_PREFIX + str(port) not in taken:
                return port
        for port in range(lo, hi + 1):
            if PORT_PREFIX + str(port) not in taken:
                return port
        raise Invalid("Internal error occurred: failed to allocate a nodePort: range is full")

    def _check_port(self, i: int, port: Any, taken: set[str]) -> list[StatusCause]:
        lo, hi = self.ranges.node_ports
        path = f"spec.ports[{i}].nodePort"
        if not isinstance(port, int) or not lo <= port <= hi:
            return [
                invalid(
                    path,
                    port,
                    f"provided port is not in the valid range. "
                    f"The range of valid ports is {lo}-{hi}",
                )
            ]
        if PORT_PREFIX + str(port) in taken:
            return [invalid(path, port, "provided port is already allocated")]
        taken.add(PORT_PREFIX + str(port))
        return []
