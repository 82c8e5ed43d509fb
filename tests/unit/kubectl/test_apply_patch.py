"""kubectl's client-side apply patch (three-way strategic merge), computed without a server."""

from __future__ import annotations

import json
from typing import Any

from kubectl.apply import LAST_APPLIED, last_applied, serialize, three_way_patch, with_last_applied


def deploy(**spec_over: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "replicas": 2,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {
                "containers": [
                    {
                        "name": "web",
                        "image": "nginx:1.25",
                        "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
                        "ports": [{"containerPort": 80}],
                    },
                    {"name": "side", "image": "busybox"},
                ]
            },
        },
    }
    spec.update(spec_over)
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web", "tier": "x"}},
        "spec": spec,
    }


def live_from(applied: dict[str, Any], **extra_spec: Any) -> dict[str, Any]:
    live = json.loads(json.dumps(applied))
    live["metadata"].update({"uid": "u1", "resourceVersion": "5"})
    live["spec"].update(extra_spec)
    live["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = "IfNotPresent"
    live["status"] = {"replicas": 2}
    return live


def test_annotation_is_go_json_of_manifest_with_empty_annotations() -> None:
    m = with_last_applied({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}})
    text = m["metadata"]["annotations"][LAST_APPLIED]
    assert text == (
        '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"annotations":{},"name":"c"}}\n'
    )
    assert last_applied(m) == {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"annotations": {}, "name": "c"},
    }


def test_serialize_escapes_html_like_go() -> None:
    assert serialize({"a": "<&>"}) == '{"a":"\\u003c\\u0026\\u003e"}\n'


def test_same_manifest_gives_empty_patch_despite_server_defaults() -> None:
    applied = with_last_applied(deploy())
    live = live_from(applied, revisionHistoryLimit=10)
    assert three_way_patch(last_applied(live), with_last_applied(deploy()), live) == {}


def test_patch_matches_kubectl_for_removals_and_changes() -> None:
    old = with_last_applied(
        deploy(strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}})
    )
    live = live_from(old)
    new_manifest = deploy(strategy={"type": "Recreate"})
    new_manifest["metadata"]["labels"] = {"app": "web"}
    web = new_manifest["spec"]["template"]["spec"]["containers"][0]
    web["image"] = "nginx:1.26"
    web["env"] = [{"name": "B", "value": "2"}]
    web["ports"] = [{"containerPort": 8080}]
    new_manifest["spec"]["template"]["spec"]["containers"] = [web]
    modified = with_last_applied(new_manifest)
    patch = three_way_patch(last_applied(live), modified, live)
    assert patch["metadata"]["labels"] == {"tier": None}
    assert (
        patch["metadata"]["annotations"][LAST_APPLIED]
        == (modified["metadata"]["annotations"][LAST_APPLIED])
    )
    assert patch["spec"]["strategy"] == {
        "$retainKeys": ["type"],
        "rollingUpdate": None,
        "type": "Recreate",
    }
    tspec = patch["spec"]["template"]["spec"]
    assert tspec["$setElementOrder/containers"] == [{"name": "web"}]
    containers = tspec["containers"]
    assert containers[-1] == {"$patch": "delete", "name": "side"}
    web_patch = containers[0]
    assert web_patch["name"] == "web" and web_patch["image"] == "nginx:1.26"
    assert web_patch["env"] == [{"$patch": "delete", "name": "A"}]
    assert web_patch["$setElementOrder/env"] == [{"name": "B"}]
    assert web_patch["ports"] == [
        {"containerPort": 8080},
        {"$patch": "delete", "containerPort": 80},
    ]
    assert "imagePullPolicy" not in web_patch  # server defaults are left alone


def test_atomic_lists_are_replaced_and_new_keys_added() -> None:
    base = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "c", "image": "i", "args": ["a", "b"]}]},
    }
    live = with_last_applied(base)
    new = json.loads(json.dumps(base))
    new["spec"]["containers"][0]["args"] = ["a"]
    new["spec"]["nodeSelector"] = {"disk": "ssd"}
    patch = three_way_patch(last_applied(live), with_last_applied(new), live)
    assert patch["spec"]["nodeSelector"] == {"disk": "ssd"}
    assert patch["spec"]["containers"] == [{"name": "c", "args": ["a"]}]


def test_no_annotation_means_no_deletions() -> None:
    live = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "c"},
        "data": {"a": "1", "b": "2"},
    }
    new = with_last_applied(
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1"}}
    )
    patch = three_way_patch(None, new, live)
    assert "data" not in patch  # kubectl cannot know `b` was ever applied
    assert LAST_APPLIED in patch["metadata"]["annotations"]


def test_service_ports_merge_by_port() -> None:
    svc = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "s"},
        "spec": {"ports": [{"port": 80}, {"port": 443}]},
    }
    live = with_last_applied(svc)
    new = json.loads(json.dumps(svc))
    new["spec"]["ports"] = [{"port": 80, "targetPort": 8080}]
    patch = three_way_patch(last_applied(live), with_last_applied(new), live)
    assert patch["spec"]["ports"] == [
        {"port": 80, "targetPort": 8080},
        {"$patch": "delete", "port": 443},
    ]
