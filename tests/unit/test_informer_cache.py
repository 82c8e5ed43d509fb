"""The informer's indexed cache."""

from __future__ import annotations

from typing import Any

from machinery.api.base import KubeObject
from machinery.informer import Cache


class Thing(KubeObject):
    API_VERSION = "v1"
    KIND = "Thing"


def thing(
    name: str,
    ns: str = "a",
    labels: dict[str, str] | None = None,
    owner: str | None = None,
    node: str | None = None,
) -> Thing:
    meta: dict[str, Any] = {"name": name, "namespace": ns, "labels": labels or {}}
    if owner:
        meta["ownerReferences"] = [
            {"apiVersion": "v1", "kind": "X", "name": "o", "uid": owner, "controller": True}
        ]
    return Thing.model_validate({"metadata": meta, "spec": {"nodeName": node} if node else {}})


def names(objs: list[Thing]) -> list[str]:
    return sorted(o.metadata.name for o in objs)


def test_put_get_remove_and_indexes() -> None:
    c: Cache[Thing] = Cache()
    c.put(thing("p1", labels={"app": "web"}, owner="u1"))
    c.put(thing("p2", labels={"app": "web"}, owner="u1"))
    c.put(thing("p3", ns="b", labels={"app": "db"}))
    assert len(c) == 3 and "a/p1" in c and c.get_by("b", "p3") is not None
    assert names(c.by_index("namespace", "a")) == ["p1", "p2"]
    assert names(c.by_index("label", "app=web")) == ["p1", "p2"]
    assert names(c.by_index("owner", "u1")) == ["p1", "p2"]
    # relabel: the index follows the object
    c.put(thing("p2", labels={"app": "db"}, owner="u1"))
    assert names(c.by_index("label", "app=web")) == ["p1"]
    assert names(c.by_index("label", "app=db")) == ["p2", "p3"]
    removed = c.remove("a/p1")
    assert removed is not None and removed.metadata.name == "p1"
    assert c.by_index("label", "app=web") == [] and c.by_index("owner", "u1")[0].key == "a/p2"
    assert c.remove("a/nope") is None


def test_node_index_reads_spec_node_name() -> None:
    c: Cache[Thing] = Cache()
    c.put(thing("p1", node="n1"))
    c.put(thing("p2"))
    assert names(c.by_index("node", "n1")) == ["p1"]


def test_cluster_scoped_keys() -> None:
    c: Cache[Thing] = Cache()
    t = Thing.model_validate({"metadata": {"name": "node-1"}})
    c.put(t)
    assert t.key == "node-1" and c.get("node-1") is t
