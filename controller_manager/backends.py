"""Which pods back a Service, on which ports: shared by Endpoints and EndpointSlices.

A pod backs a Service with a selector when it matches the selector, has a pod IP and is
not terminal. Each service port's targetPort is resolved per pod (a name is looked up in
that pod's container ports), so pods can serve one Service on different ports; pods are
grouped by the port set they resolve to. Readiness decides ready vs not-ready addresses
(publishNotReadyAddresses makes every address ready).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from controller_manager.base import Api, Controller
from machinery.api import Pod, Service
from machinery.informer import Informer, SharedInformerFactory
from machinery.selectors import LabelSelector

Port = tuple[str | None, int, str]  # name, port, protocol


@dataclass(frozen=True)
class Backend:
    pod: Pod
    ip: str
    ready: bool
    terminating: bool


def selector(svc: Service) -> LabelSelector | None:
    """The Service's selector (None when it has none: its endpoints are managed by hand)."""
    if not svc.spec.selector:
        return None
    return LabelSelector.from_set(svc.spec.selector)


def resolve_ports(svc: Service, pod: Pod) -> tuple[Port, ...] | None:
    """The service's ports as this pod serves them; None if a named port is missing."""
    out: list[Port] = []
    for sp in svc.spec.ports or []:
        proto = sp.protocol or "TCP"
        target = sp.target_port if sp.target_port is not None else sp.port
        if isinstance(target, str) and not target.isdigit():
            found = None
            for c in pod.spec.containers or []:
                for cp in c.ports or []:
                    if cp.name == target and (cp.protocol or "TCP") == proto:
                        found = cp.container_port
            if found is None:
                return None
            out.append((sp.name, found, proto))
        else:
            out.append((sp.name, int(target), proto))
    return tuple(out)


def backends(
    svc: Service, pods: Informer[Pod], *, include_terminating: bool = False
) -> dict[tuple[Port, ...], list[Backend]]:
    """Backends grouped by resolved port set, each group sorted by IP."""
    sel = selector(svc)
    groups: dict[tuple[Port, ...], list[Backend]] = {}
    if sel is None:
        return groups
    publish = bool(svc.spec.publish_not_ready_addresses)
    for pod in pods.cache.by_index("namespace", svc.metadata.namespace or ""):
        if not pod.status.pod_ip or pod.is_terminal() or not sel.matches(pod.metadata.labels):
            continue
        terminating = bool(pod.metadata.deletion_timestamp)
        if terminating and not include_terminating and not publish:
            continue
        ports = resolve_ports(svc, pod)
        if ports is None:
            continue
        ready = publish or (pod.is_ready() and not terminating)
        groups.setdefault(ports, []).append(Backend(pod, pod.status.pod_ip, ready, terminating))
    for group in groups.values():
        group.sort(key=lambda b: (b.ip, b.pod.metadata.name))
    return groups


def services_for(pod: Pod, services: Informer[Service]) -> list[str]:
    """Keys of the Services in the pod's namespace whose selector matches it."""
    out = []
    for svc in services.cache.by_index("namespace", pod.metadata.namespace or ""):
        sel = selector(svc)
        if sel is not None and sel.matches(pod.metadata.labels):
            out.append(svc.key)
    return out


def pod_changed(old: Pod, new: Pod) -> bool:
    """Did anything an endpoint shows change?"""
    return (
        old.metadata.labels != new.metadata.labels
        or old.status.pod_ip != new.status.pod_ip
        or old.is_ready() != new.is_ready()
        or old.metadata.deletion_timestamp != new.metadata.deletion_timestamp
        or old.spec.node_name != new.spec.node_name
        or old.status.phase != new.status.phase
    )


class ServiceBackendController(Controller):
    """A controller keyed by Service whose output follows the Service's pods (Endpoints,
    EndpointSlices): a Service's change enqueues it, a pod's change enqueues every Service
    that selects the pod before or after the change."""

    def __init__(self, api: Api, informers: SharedInformerFactory, **kw: Any) -> None:
        super().__init__(api, informers, **kw)
        self.services = informers.informer(Service)
        self.pods = informers.informer(Pod)
        self.services.add_handlers(
            on_add=self.enqueue,
            on_update=lambda old, new: self.enqueue(new),
            on_delete=self.enqueue,
        )
        self.pods.add_handlers(on_add=self._pod, on_update=self._pod_update, on_delete=self._pod)

    def _pod(self, pod: Pod) -> None:
        for key in services_for(pod, self.services):
            self.queue.add(key)

    def _pod_update(self, old: Pod, new: Pod) -> None:
        if pod_changed(old, new):
            for key in {*services_for(old, self.services), *services_for(new, self.services)}:
                self.queue.add(key)
