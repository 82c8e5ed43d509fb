"""Endpoints and EndpointSlice reconcile against filled caches and a recording fake API."""

from __future__ import annotations

from controller_manager.endpoints import EndpointsController
from controller_manager.endpointslice import MANAGED_BY, SERVICE_NAME, EndpointSliceController
from machinery.api import Endpoints
from tests.unit.controller_manager.builders import pod, service
from tests.unit.controller_manager.fake import FakeApi, clock, factory, fill

NAMED = [{"name": "web", "port": 80, "targetPort": "http"}]


def named_pod(name: str, port: int, ip: str, **kw: object) -> object:
    return pod(
        name,
        ip=ip,
        containers=[
            {"name": "c", "image": "x", "ports": [{"name": "http", "containerPort": port}]}
        ],
        **kw,
    )  # type: ignore[arg-type]


async def test_ready_and_not_ready_addresses_with_named_ports_resolved_per_pod() -> None:
    api = FakeApi()
    inf = factory(api)
    ctl = EndpointsController(api, inf, clock=clock)
    svc = service(ports=NAMED)
    a = named_pod("a", 8080, "10.0.0.1")
    b = named_pod("b", 8080, "10.0.0.2", ready=False)
    c = named_pod("c", 9090, "10.0.0.3")
    no_port = pod("d", ip="10.0.0.4")  # no container port named http: not an endpoint
    no_ip = named_pod("e", 8080, "", phase="Pending")
    other = named_pod("f", 8080, "10.0.0.6", labels={"app": "other"})
    fill(inf, svc, a, b, c, no_port, no_ip, other)
    await ctl.reconcile(svc.key)
    (create,) = api.writes("create", "Endpoints")
    subsets = create.body["subsets"]
    by_port = {s["ports"][0]["port"]: s for s in subsets}
    assert set(by_port) == {8080, 9090}
    assert [x["ip"] for x in by_port[8080]["addresses"]] == ["10.0.0.1"]
    assert [x["ip"] for x in by_port[8080]["notReadyAddresses"]] == ["10.0.0.2"]
    assert by_port[9090]["addresses"][0]["targetRef"]["name"] == "c"
    assert by_port[9090]["addresses"][0]["nodeName"] == "n1"
    assert by_port[8080]["ports"] == [{"name": "web", "port": 8080, "protocol": "TCP"}]


async def test_unchanged_endpoints_are_not_rewritten_and_orphans_are_deleted() -> None:
    api = FakeApi()
    inf = factory(api)
    ctl = EndpointsController(api, inf, clock=clock)
    svc = service()
    p = pod("a", ip="10.0.0.1")
    fill(inf, svc, p)
    await ctl.reconcile(svc.key)
    created = api.writes("create")[0].body
    fill(inf, Endpoints.model_validate(created))
    await ctl.reconcile(svc.key)
    assert len(api.writes()) == 1
    inf.informer(type(svc)).cache.remove(svc.key)
    api.seed(Endpoints.model_validate(created))
    await ctl.reconcile(svc.key)
    assert api.writes("delete", "Endpoints")[0].key == "default/web"


async def test_endpointslice_is_labelled_owned_and_carries_conditions() -> None:
    api = FakeApi()
    inf = factory(api)
    ctl = EndpointSliceController(api, inf, clock=clock)
    svc = service()
    fill(inf, svc, pod("a", ip="10.0.0.1"), pod("b", ip="10.0.0.2", ready=False))
    await ctl.reconcile(svc.key)
    (create,) = api.writes("create", "EndpointSlice")
    body = create.body
    assert body["metadata"]["name"] == "web-0"
    assert body["metadata"]["labels"][SERVICE_NAME] == "web"
    assert body["metadata"]["labels"][MANAGED_BY] == "endpointslice-controller.k8s.io"
    assert body["metadata"]["ownerReferences"][0]["uid"] == svc.metadata.uid
    assert body["addressType"] == "IPv4"
    assert body["ports"] == [{"port": 8080, "protocol": "TCP"}]
    ready = {e["addresses"][0]: e["conditions"]["ready"] for e in body["endpoints"]}
    assert ready == {"10.0.0.1": True, "10.0.0.2": False}
    assert body["endpoints"][0]["targetRef"]["kind"] == "Pod"
