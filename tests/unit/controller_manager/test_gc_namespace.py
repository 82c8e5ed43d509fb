"""Garbage collector and namespace controller: one reconcile, recorded API actions."""

from __future__ import annotations

from controller_manager.garbagecollector import GarbageCollector
from controller_manager.namespace import NamespaceController
from machinery.api import ConfigMap, Lease, Namespace
from tests.unit.controller_manager.builders import node, pod, replicaset
from tests.unit.controller_manager.fake import FakeApi, clock, factory, fill


def gc(*objs: object) -> tuple[FakeApi, GarbageCollector]:
    api = FakeApi()
    inf = factory(api)
    ctl = GarbageCollector(api, inf, clock=clock)
    fill(inf, *objs)  # type: ignore[arg-type]
    api.seed(*objs)  # type: ignore[arg-type]
    for o in objs:
        ctl._changed(o)  # type: ignore[arg-type]
    return api, ctl


async def test_dependent_of_a_deleted_owner_is_deleted_in_the_background() -> None:
    rs = replicaset()
    p = pod("a", owner=rs)
    api, ctl = gc(p)  # the owner is in neither the cache nor the API
    await ctl.reconcile(f"Pod/{p.key}")
    (d,) = api.writes("delete")
    assert d.key == p.key and d.options["propagation_policy"] == "Background"
    assert d.options["uid"] == p.metadata.uid


async def test_a_node_lease_goes_with_its_node() -> None:
    n = node()
    ref = {"apiVersion": "v1", "kind": "Node", "name": "n1", "uid": n.metadata.uid}
    lease = Lease.model_validate(
        {
            "metadata": {
                "name": "n1",
                "namespace": "kube-node-lease",
                "uid": "lease-uid",
                "ownerReferences": [ref],
            },
            "spec": {"holderIdentity": "n1"},
        }
    )
    api, ctl = gc(n, lease)
    assert [d.key for d in ctl.dependents(n.metadata.uid or "")] == ["kube-node-lease/n1"]
    ctl.kinds["Node"].cache.remove("n1")  # the Node is deleted
    del api.store[("Node", "n1")]
    await ctl.reconcile("Lease/kube-node-lease/n1")
    (d,) = api.writes("delete")
    assert d.key == "kube-node-lease/n1" and d.options["uid"] == "lease-uid"


async def test_a_live_owner_keeps_its_dependents() -> None:
    rs = replicaset()
    api, ctl = gc(rs, pod("a", owner=rs))
    await ctl.reconcile("Pod/default/a")
    assert api.writes() == []


async def test_orphan_finalizer_strips_owner_references_then_goes() -> None:
    rs = replicaset()
    rs.metadata.deletion_timestamp = "2026-01-01T12:00:00Z"
    rs.metadata.finalizers = ["orphan"]
    p = pod("a", owner=rs)
    api, ctl = gc(rs, p)
    await ctl.reconcile(f"ReplicaSet/{rs.key}")
    patches = api.writes("patch")
    assert patches[0].key == p.key and patches[0].body[1]["op"] == "remove"
    assert patches[1].key == rs.key
    assert patches[1].body[1] == {"op": "replace", "path": "/metadata/finalizers", "value": []}


async def test_foreground_waits_for_blocking_dependents() -> None:
    rs = replicaset()
    rs.metadata.deletion_timestamp = "2026-01-01T12:00:00Z"
    rs.metadata.finalizers = ["foregroundDeletion"]
    p = pod("a", owner=rs)
    api, ctl = gc(rs, p)
    await ctl.reconcile(f"ReplicaSet/{rs.key}")
    assert api.writes() == []  # the pod still blocks; it was queued for deletion
    await ctl.reconcile(f"Pod/{p.key}")
    assert api.writes("delete")[0].key == p.key
    ctl.kinds["Pod"].cache.remove(p.key)
    await ctl.reconcile(f"ReplicaSet/{rs.key}")
    (patch,) = api.writes("patch")
    assert patch.body[1]["value"] == []


async def test_terminating_namespace_is_emptied_then_finalized() -> None:
    api = FakeApi()
    inf = factory(api)
    ctl = NamespaceController(api, inf, clock=clock)
    ns = Namespace.model_validate(
        {
            "metadata": {"name": "gone", "deletionTimestamp": "2026-01-01T12:00:00Z"},
            "spec": {"finalizers": ["kubernetes"]},
            "status": {"phase": "Terminating"},
        }
    )
    cm = ConfigMap.model_validate({"metadata": {"name": "c", "namespace": "gone"}})
    fill(inf, ns)
    api.seed(cm)
    await ctl.reconcile("gone")
    assert [a.key for a in api.writes("delete")] == ["gone/c"]
    assert api.writes("update/finalize") == []
    await ctl.reconcile("gone")  # now empty
    (fin,) = api.writes("update/finalize")
    assert fin.body["spec"]["finalizers"] == []
