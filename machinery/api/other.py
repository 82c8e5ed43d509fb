"""The small kinds of other groups: EndpointSlice (discovery.k8s.io/v1), Lease
(coordination.k8s.io/v1), PriorityClass (scheduling.k8s.io/v1) and Scale (autoscaling/v1,
the body of the `scale` subresource).
"""

from __future__ import annotations

from pydantic import Field

from machinery.api.base import Model, register
from machinery.api.meta import ObjectReference, TopLevel

__all__ = [
    "Endpoint",
    "EndpointConditions",
    "EndpointHints",
    "EndpointSlice",
    "EndpointSlicePort",
    "ForNode",
    "ForZone",
    "Lease",
    "LeaseSpec",
    "PriorityClass",
    "Scale",
    "ScaleSpec",
    "ScaleStatus",
]

# --------------------------------------------------------------------------- EndpointSlice


class EndpointConditions(Model):
    ready: bool | None = None
    serving: bool | None = None
    terminating: bool | None = None


class ForZone(Model):
    name: str = ""


class ForNode(Model):
    name: str = ""


class EndpointHints(Model):
    for_zones: list[ForZone] | None = None
    for_nodes: list[ForNode] | None = None


class Endpoint(Model):
    """One backend of an EndpointSlice (usually one pod)."""

    addresses: list[str] | None = None
    conditions: EndpointConditions | None = None
    hostname: str | None = None
    target_ref: ObjectReference | None = None
    deprecated_topology: dict[str, str] | None = None
    node_name: str | None = None
    zone: str | None = None
    hints: EndpointHints | None = None


class EndpointSlicePort(Model):
    """discovery/v1 EndpointPort (every field optional, unlike core/v1 EndpointPort)."""

    name: str | None = None
    protocol: str | None = None
    port: int | None = None
    app_protocol: str | None = None


@register
class EndpointSlice(TopLevel):
    API_VERSION = "discovery.k8s.io/v1"
    KIND = "EndpointSlice"

    address_type: str = ""  # IPv4, IPv6, FQDN
    endpoints: list[Endpoint] | None = None
    ports: list[EndpointSlicePort] | None = None


# --------------------------------------------------------------------------- Lease


class LeaseSpec(Model):
    holder_identity: str | None = None
    lease_duration_seconds: int | None = None
    acquire_time: str | None = None  # MicroTime
    renew_time: str | None = None  # MicroTime
    lease_transitions: int | None = None
    strategy: str | None = None
    preferred_holder: str | None = None


@register
class Lease(TopLevel):
    """Node heartbeats (kube-node-lease) and leader election."""

    API_VERSION = "coordination.k8s.io/v1"
    KIND = "Lease"

    spec: LeaseSpec = Field(default_factory=LeaseSpec)


# --------------------------------------------------------------------------- PriorityClass


@register
class PriorityClass(TopLevel):
    API_VERSION = "scheduling.k8s.io/v1"
    KIND = "PriorityClass"

    value: int = 0
    global_default: bool | None = None
    description: str | None = None
    preemption_policy: str | None = None  # PreemptLowerPriority, Never


# --------------------------------------------------------------------------- Scale


class ScaleSpec(Model):
    replicas: int | None = None


class ScaleStatus(Model):
    replicas: int = 0
    selector: str | None = None  # label selector in string form


@register
class Scale(TopLevel):
    API_VERSION = "autoscaling/v1"
    KIND = "Scale"

    spec: ScaleSpec = Field(default_factory=ScaleSpec)
    status: ScaleStatus = Field(default_factory=ScaleStatus)
