"""Merge patch, JSON patch and strategic merge patch, including the bodies kubectl really sends."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apiserver.patch import (
    apply_patch,
    json_merge_patch,
    json_patch,
    merge_key,
    strategic_merge_patch,
)
from machinery.errors import BadRequest, Invalid, RequestEntityTooLarge, UnsupportedMediaType

# --- the kubectl apply body (kubectl-wire.md section 4) ----------------------------------------

LAST_APPLIED = '{"kind":"Deployment"}\n'
KUBECTL_APPLY_PATCH: dict[str, Any] = {
    "metadata": {
        "annotations": {"kubectl.kubernetes.io/last-applied-configuration": LAST_APPLIED},
        "labels": {"tier": None},
    },
    "spec": {
        "strategy": {"$retainKeys": ["type"], "rollingUpdate": None, "type": "Recreate"},
        "template": {
            "spec": {
                "$setElementOrder/containers": [{"name": "web"}],
                "containers": [
                    {
                        "$setElementOrder/env": [{"name": "B"}],
                        "$setElementOrder/ports": [{"containerPort": 8080}],
                        "env": [{"$patch": "delete", "name": "A"}],
                        "image": "nginx:1.26",
                        "name": "web",
                        "ports": [
                            {"containerPort": 8080},
                            {"$patch": "delete", "containerPort": 80},
                        ],
                    },
                    {"$patch": "delete", "name": "side"},
                ],
            }
        },
    },
}


def deployment() -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "web", "tier": "front"}},
        "spec": {
            "replicas": 2,
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
            },
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [
                        {
                            "name": "web",
                            "image": "nginx:1.25",
                            "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
                            "ports": [{"containerPort": 80}, {"containerPort": 8080}],
                        },
                        {"name": "side", "image": "busybox"},
                    ]
                },
            },
        },
    }


def test_kubectl_apply_patch_body() -> None:
    out = strategic_merge_patch(deployment(), KUBECTL_APPLY_PATCH, "Deployment")
    assert out["metadata"]["labels"] == {"app": "web"}
    assert out["metadata"]["annotations"] == {
        "kubectl.kubernetes.io/last-applied-configuration": LAST_APPLIED
    }
    assert out["spec"]["strategy"] == {"type": "Recreate"}
    assert out["spec"]["replicas"] == 2
    assert out["spec"]["template"]["spec"]["containers"] == [
        {
            "name": "web",
            "image": "nginx:1.26",
            "env": [{"name": "B", "value": "2"}],
            "ports": [{"containerPort": 8080}],
        }
    ]


def test_kubectl_apply_patch_through_apply_patch() -> None:
    out = apply_patch(
        deployment(), KUBECTL_APPLY_PATCH, "application/strategic-merge-patch+json", "Deployment"
    )
    assert out == strategic_merge_patch(deployment(), KUBECTL_APPLY_PATCH, "Deployment")


def test_plain_merge_patch_of_the_same_body_would_wipe_lists() -> None:
    out = json_merge_patch(deployment(), KUBECTL_APPLY_PATCH)
    assert out["spec"]["template"]["spec"]["containers"][1] == {"$patch": "delete", "name": "side"}


# --- SMP: maps ---------------------------------------------------------------------------------


def test_smp_maps_merge_recursively_and_null_deletes() -> None:
    orig = {"a": {"b": 1, "c": {"d": 2, "e": 3}}, "f": 4}
    patch = {"a": {"c": {"d": 20, "e": None, "x": None}, "g": 5}, "f": None, "missing": None}
    assert strategic_merge_patch(orig, patch, "Widget") == {"a": {"b": 1, "c": {"d": 20}, "g": 5}}


def test_smp_new_values_drop_nulls_and_directives() -> None:
    patch = {
        "spec": {
            "new": {"a": None, "b": 1, "$retainKeys": ["b"]},
            "containers": [{"name": "c", "x": None, "$setElementOrder/env": []}],
        }
    }
    out = strategic_merge_patch({}, patch, "Pod")
    assert out == {"spec": {"new": {"b": 1}, "containers": [{"name": "c"}]}}


def test_smp_type_change_takes_the_patch_value() -> None:
    orig = {"a": "scalar", "b": {"x": 1}, "c": [1]}
    patch = {"a": {"k": "v"}, "b": [1, 2], "c": "now a string"}
    assert strategic_merge_patch(orig, patch, "Widget") == patch


def test_smp_map_replace_directive() -> None:
    orig = {"spec": {"selector": {"a": "1", "b": "2"}, "keep": 1}}
    patch = {"spec": {"selector": {"$patch": "replace", "c": "3"}}}
    out = strategic_merge_patch(orig, patch, "Widget")
    assert out == {"spec": {"selector": {"c": "3"}, "keep": 1}}


def test_smp_root_replace_directive() -> None:
    out = strategic_merge_patch({"a": 1, "b": 2}, {"$patch": "replace", "c": 3}, "Widget")
    assert out == {"c": 3}


def test_smp_map_delete_directive() -> None:
    orig = {"spec": {"strategy": {"rollingUpdate": {"maxSurge": 1}, "type": "RollingUpdate"}}}
    patch = {"spec": {"strategy": {"rollingUpdate": {"$patch": "delete"}}}}
    out = strategic_merge_patch(orig, patch, "Deployment")
    assert out == {"spec": {"strategy": {"type": "RollingUpdate"}}}


def test_smp_unknown_map_directive_is_bad_request() -> None:
    with pytest.raises(BadRequest, match="unknown patch type: frobnicate"):
        strategic_merge_patch({"a": {}}, {"a": {"$patch": "frobnicate"}}, "Widget")


def test_smp_unknown_dollar_keys_are_ignored() -> None:
    assert strategic_merge_patch({"a": 1}, {"$future": [1], "b": 2}, "Widget") == {"a": 1, "b": 2}


def test_smp_retain_keys_drops_unlisted_fields() -> None:
    orig = {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}, "other": 2}}
    patch = {"strategy": {"$retainKeys": ["type", "extra"], "type": "Recreate", "extra": 1}}
    out = strategic_merge_patch(orig, patch, "Widget")
    assert out == {"strategy": {"type": "Recreate", "extra": 1}}


def test_smp_retain_keys_keeps_listed_fields_not_in_patch() -> None:
    orig = {"u": {"a": 1, "b": 2, "c": 3}}
    assert strategic_merge_patch(orig, {"u": {"$retainKeys": ["a", "b"]}}, "W") == {
        "u": {"a": 1, "b": 2}
    }


@pytest.mark.parametrize(
    "patch",
    [
        {"u": {"$retainKeys": "a"}},
        {"u": {"$retainKeys": ["a"], "b": 1}},
    ],
)
def test_smp_bad_retain_keys(patch: dict[str, Any]) -> None:
    with pytest.raises(BadRequest, match="invalid patch format of retainKeys"):
        strategic_merge_patch({"u": {"a": 1}}, patch, "Widget")


# --- SMP: lists --------------------------------------------------------------------------------


def pod(*containers: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "Pod", "spec": {"containers": list(containers)}}


def containers(obj: dict[str, Any]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = obj["spec"]["containers"]
    return result


def test_smp_merge_list_updates_and_appends_by_key() -> None:
    orig = pod({"name": "a", "image": "a:1", "args": ["x"]}, {"name": "b", "image": "b:1"})
    patch = {"spec": {"containers": [{"name": "b", "image": "b:2"}, {"name": "c", "image": "c"}]}}
    assert containers(strategic_merge_patch(orig, patch, "Pod")) == [
        {"name": "a", "image": "a:1", "args": ["x"]},
        {"name": "b", "image": "b:2"},
        {"name": "c", "image": "c"},
    ]


def test_smp_merge_list_delete_directive() -> None:
    orig = pod({"name": "a"}, {"name": "b"}, {"name": "a"})
    patch = {"spec": {"containers": [{"$patch": "delete", "name": "a"}]}}
    assert containers(strategic_merge_patch(orig, patch, "Pod")) == [{"name": "b"}]


def test_smp_merge_list_replace_directive() -> None:
    orig = pod({"name": "a", "image": "a"}, {"name": "b"})
    patch = {"spec": {"containers": [{"name": "c", "x": None}, {"$patch": "replace"}]}}
    assert containers(strategic_merge_patch(orig, patch, "Pod")) == [{"name": "c"}]


def test_smp_merge_list_nested_lists_merge_too() -> None:
    orig = pod(
        {
            "name": "a",
            "env": [{"name": "X", "value": "1"}, {"name": "Y", "value": "2"}],
            "volumeMounts": [{"mountPath": "/a", "name": "v"}],
        }
    )
    patch = {
        "spec": {
            "containers": [
                {
                    "name": "a",
                    "env": [{"name": "Y", "value": "3"}],
                    "volumeMounts": [{"mountPath": "/b", "name": "w"}],
                }
            ]
        }
    }
    (c,) = containers(strategic_merge_patch(orig, patch, "Pod"))
    assert c["env"] == [{"name": "X", "value": "1"}, {"name": "Y", "value": "3"}]
    assert c["volumeMounts"] == [{"mountPath": "/a", "name": "v"}, {"mountPath": "/b", "name": "w"}]


@pytest.mark.parametrize("item", [{"image": "x"}, "web", {"$patch": "delete"}])
def test_smp_merge_list_item_without_merge_key(item: Any) -> None:
    with pytest.raises(BadRequest, match="does not contain declared merge key: name"):
        strategic_merge_patch(pod({"name": "a"}), {"spec": {"containers": [item]}}, "Pod")


def test_smp_unknown_list_directive() -> None:
    with pytest.raises(BadRequest, match="unknown patch type: merge"):
        strategic_merge_patch(pod(), {"spec": {"containers": [{"$patch": "merge"}]}}, "Pod")


def test_smp_lists_without_merge_key_are_replaced() -> None:
    orig = pod({"name": "a", "args": ["1", "2"], "command": ["sh"]})
    orig["spec"]["tolerations"] = [{"key": "a"}, {"key": "b"}]
    patch = {
        "spec": {
            "tolerations": [{"key": "c", "value": None}, {"$patch": "replace"}],
            "containers": [{"name": "a", "args": ["3"]}],
        }
    }
    out = strategic_merge_patch(orig, patch, "Pod")
    assert out["spec"]["tolerations"] == [{"key": "c"}]
    assert containers(out) == [{"name": "a", "args": ["3"], "command": ["sh"]}]


def test_smp_unknown_kind_replaces_lists() -> None:
    orig = {"spec": {"containers": [{"name": "a"}, {"name": "b"}]}}
    patch = {"spec": {"containers": [{"name": "b", "image": "x"}]}}
    assert strategic_merge_patch(orig, patch, "Widget") == patch


def test_smp_finalizers_are_a_set_union() -> None:
    orig = {"metadata": {"finalizers": ["a", "b"]}}
    patch = {"metadata": {"finalizers": ["c", "a", "c"]}}
    out = strategic_merge_patch(orig, patch, "Widget")
    assert out["metadata"]["finalizers"] == ["a", "b", "c"]


def test_smp_finalizers_replace_directive() -> None:
    orig = {"metadata": {"finalizers": ["a", "b"]}}
    patch = {"metadata": {"finalizers": [{"$patch": "replace"}, "z"]}}
    assert strategic_merge_patch(orig, patch, "Pod")["metadata"]["finalizers"] == ["z"]


def test_smp_primitive_set_rejects_maps() -> None:
    with pytest.raises(BadRequest, match="primitive list"):
        strategic_merge_patch({}, {"metadata": {"finalizers": [{"a": 1}]}}, "Pod")


def test_smp_delete_from_primitive_list() -> None:
    orig = {"metadata": {"finalizers": ["a", "b", "c", "b"]}}
    patch = {
        "metadata": {
            "$deleteFromPrimitiveList/finalizers": ["b", "zz"],
            "$setElementOrder/finalizers": ["c", "a"],
        }
    }
    out = strategic_merge_patch(orig, patch, "Namespace")
    assert out["metadata"]["finalizers"] == ["c", "a"]


def test_smp_delete_from_primitive_list_must_be_a_list() -> None:
    with pytest.raises(BadRequest, match="primitive list"):
        strategic_merge_patch({}, {"metadata": {"$deleteFromPrimitiveList/finalizers": "a"}}, "P")


def test_smp_set_element_order_puts_named_items_first() -> None:
    orig = pod({"name": "a"}, {"name": "b"}, {"name": "c"}, {"name": "d"})
    patch = {
        "spec": {
            "$setElementOrder/containers": [{"name": "c"}, {"name": "e"}, {"name": "a"}],
            "containers": [{"name": "e"}],
        }
    }
    assert [c["name"] for c in containers(strategic_merge_patch(orig, patch, "Pod"))] == [
        "c",
        "e",
        "a",
        "b",
        "d",
    ]


def test_smp_set_element_order_on_primitives_and_missing_lists() -> None:
    orig = {"metadata": {"finalizers": ["x", "y", "z"]}}
    patch = {
        "metadata": {"$setElementOrder/finalizers": ["z", "x"], "$setElementOrder/absent": ["q"]}
    }
    out = strategic_merge_patch(orig, patch, "Widget")
    assert out == {"metadata": {"finalizers": ["z", "x", "y"]}}


def test_smp_set_element_order_must_be_a_list() -> None:
    with pytest.raises(BadRequest, match="setElementOrder"):
        strategic_merge_patch(pod(), {"spec": {"$setElementOrder/containers": "a"}}, "Pod")


def test_smp_owner_references_merge_by_uid_for_any_kind() -> None:
    orig = {"metadata": {"ownerReferences": [{"uid": "1", "name": "a"}, {"uid": "2", "name": "b"}]}}
    patch = {"metadata": {"ownerReferences": [{"uid": "2", "controller": True}, {"uid": "3"}]}}
    out = strategic_merge_patch(orig, patch, "SomethingCustom")
    assert out["metadata"]["ownerReferences"] == [
        {"uid": "1", "name": "a"},
        {"uid": "2", "name": "b", "controller": True},
        {"uid": "3"},
    ]


def test_smp_non_object_patch_is_bad_request() -> None:
    with pytest.raises(BadRequest, match="cannot unmarshal array"):
        strategic_merge_patch({}, [1], "Pod")  # type: ignore[arg-type]


def test_smp_root_delete_directive_empties_the_object() -> None:
    assert strategic_merge_patch({"a": 1}, {"$patch": "delete"}, "Widget") == {}


# --- SMP: the merge-key table ------------------------------------------------------------------

_CONTAINER_LISTS = ("containers", "initContainers", "ephemeralContainers")
_POD_SPEC_AT = {
    "Pod": ("spec",),
    **{
        k: ("spec", "template", "spec")
        for k in ("Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "Job")
    },
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
_POD_SPEC_KEYS = [
    *[((c,), "name") for c in _CONTAINER_LISTS],
    *[
        ((c, f), k)
        for c in _CONTAINER_LISTS
        for f, k in (
            ("ports", "containerPort"),
            ("env", "name"),
            ("volumeMounts", "mountPath"),
            ("volumeDevices", "devicePath"),
        )
    ],
    (("volumes",), "name"),
    (("imagePullSecrets",), "name"),
    (("hostAliases",), "ip"),
    (("topologySpreadConstraints",), "topologyKey"),
]
MERGE_CASES = [
    *[(kind, at + p, k) for kind, at in _POD_SPEC_AT.items() for p, k in _POD_SPEC_KEYS],
    ("Pod", ("status", "conditions"), "type"),
    ("Pod", ("status", "podIPs"), "ip"),
    ("Service", ("spec", "ports"), "port"),
    ("Node", ("status", "conditions"), "type"),
    ("Node", ("status", "addresses"), "type"),
    *[
        (k, ("status", "conditions"), "type")
        for k in ("Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "Job", "Namespace")
    ],
    ("Pod", ("metadata", "ownerReferences"), "uid"),
    ("Widget", ("metadata", "ownerReferences"), "uid"),
]


def nest(path: tuple[str, ...], leaf: list[Any]) -> dict[str, Any]:
    """An object holding `leaf` at `path`; a container list on the way gets one container "c"."""
    head, rest = path[0], path[1:]
    if not rest:
        return {head: leaf}
    inner = nest(rest, leaf)
    return {head: [{"name": "c", **inner}]} if head in _CONTAINER_LISTS else {head: inner}


def leaf_at(obj: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = obj
    for name in path:
        value = value[0][name] if isinstance(value, list) else value[name]
    return value


@pytest.mark.parametrize(("kind", "path", "key"), MERGE_CASES)
def test_merge_key_table(kind: str, path: tuple[str, ...], key: str) -> None:
    assert merge_key(kind, path) == key
    orig = nest(path, [{key: "one", "v": "old"}, {key: "two", "v": "keep"}])
    patch = nest(path, [{key: "three"}, {key: "one", "v": "new"}])
    out = strategic_merge_patch(orig, patch, kind)
    expected = [{key: "one", "v": "new"}, {key: "two", "v": "keep"}, {key: "three"}]
    assert leaf_at(out, path) == expected
    deleted = strategic_merge_patch(orig, nest(path, [{"$patch": "delete", key: "one"}]), kind)
    assert leaf_at(deleted, path) == [{key: "two", "v": "keep"}]


@pytest.mark.parametrize(
    ("kind", "path"),
    [
        ("Widget", ("spec", "containers")),
        ("Pod", ("spec", "template", "spec", "containers")),
        ("Deployment", ("spec", "containers")),
        ("Service", ("status", "conditions", "x")),
        ("Secret", ("status", "conditions")),
    ],
)
def test_merge_key_table_misses(kind: str, path: tuple[str, ...]) -> None:
    assert merge_key(kind, path) is None


def test_finalizers_are_a_set_for_every_kind() -> None:
    assert merge_key("Anything", ("metadata", "finalizers")) == ""


# --- RFC 7386 merge patch ----------------------------------------------------------------------

RFC7386_EXAMPLES: list[tuple[Any, Any, Any]] = [  # RFC 7386 appendix A
    ({"a": "b"}, {"a": "c"}, {"a": "c"}),
    ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
    ({"a": "b"}, {"a": None}, {}),
    ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
    ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
    ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
    ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
    ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
    ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
    ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
    ({"a": "foo"}, {"a": {"b": None, "c": 1}}, {"a": {"c": 1}}),
    (
        {
            "title": "Goodbye!",
            "author": {"givenName": "John", "familyName": "Doe"},
            "tags": ["example", "sample"],
            "content": "This will be unchanged",
        },
        {
            "title": "Hello!",
            "phoneNumber": "+01-123-456-7890",
            "author": {"familyName": None},
            "tags": ["example"],
        },
        {
            "title": "Hello!",
            "author": {"givenName": "John"},
            "tags": ["example"],
            "content": "This will be unchanged",
            "phoneNumber": "+01-123-456-7890",
        },
    ),
]


@pytest.mark.parametrize(("orig", "patch", "expected"), RFC7386_EXAMPLES)
def test_json_merge_patch_rfc_examples(orig: Any, patch: Any, expected: Any) -> None:
    assert json_merge_patch(orig, patch) == expected


def test_json_merge_patch_keeps_nulls_inside_lists() -> None:
    assert json_merge_patch({}, {"a": [{"b": None}]}) == {"a": [{"b": None}]}


def test_json_merge_patch_with_a_non_object_replaces() -> None:
    with pytest.raises(BadRequest, match="must be a JSON object, got array"):
        json_merge_patch({"a": 1}, ["b"])
    with pytest.raises(BadRequest, match="got null"):
        json_merge_patch({"a": 1}, None)


def test_kubectl_label_merge_patch() -> None:
    obj = {"metadata": {"name": "web", "labels": {"app": "web", "old": "1"}}}
    out = apply_patch(
        obj,
        {"metadata": {"labels": {"x": "y", "old": None}}},
        "application/merge-patch+json",
        "Deployment",
    )
    assert out == {"metadata": {"name": "web", "labels": {"app": "web", "x": "y"}}}


# --- RFC 6902 JSON patch -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("orig", "ops", "expected"),
    [
        (
            {"foo": "bar"},
            [{"op": "add", "path": "/baz", "value": "qux"}],
            {"foo": "bar", "baz": "qux"},
        ),
        (
            {"foo": ["bar", "baz"]},
            [{"op": "add", "path": "/foo/1", "value": "qux"}],
            {"foo": ["bar", "qux", "baz"]},
        ),
        (
            {"foo": ["bar"]},
            [{"op": "add", "path": "/foo/-", "value": ["abc"]}],
            {"foo": ["bar", ["abc"]]},
        ),
        ({"baz": "qux", "foo": "bar"}, [{"op": "remove", "path": "/baz"}], {"foo": "bar"}),
        (
            {"foo": ["bar", "qux", "baz"]},
            [{"op": "remove", "path": "/foo/1"}],
            {"foo": ["bar", "baz"]},
        ),
        (
            {"baz": "qux", "foo": "bar"},
            [{"op": "replace", "path": "/baz", "value": "boo"}],
            {"baz": "boo", "foo": "bar"},
        ),
        (
            {"foo": {"bar": "baz", "waldo": "fred"}, "qux": {"corge": "grault"}},
            [{"op": "move", "from": "/foo/waldo", "path": "/qux/thud"}],
            {"foo": {"bar": "baz"}, "qux": {"corge": "grault", "thud": "fred"}},
        ),
        (
            {"foo": ["all", "grass", "cows", "eat"]},
            [{"op": "move", "from": "/foo/1", "path": "/foo/3"}],
            {"foo": ["all", "cows", "eat", "grass"]},
        ),
        (
            {"a": {"b": [1]}},
            [{"op": "copy", "from": "/a", "path": "/c"}],
            {"a": {"b": [1]}, "c": {"b": [1]}},
        ),
        (
            {"baz": "qux", "foo": ["a", 2, "c"]},
            [
                {"op": "test", "path": "/baz", "value": "qux"},
                {"op": "test", "path": "/foo/1", "value": 2},
            ],
            {"baz": "qux", "foo": ["a", 2, "c"]},
        ),
        (
            {"/": 9, "~1": 10},
            [
                {"op": "test", "path": "/~01", "value": 10},
                {"op": "replace", "path": "/~1", "value": 8},
            ],
            {"/": 8, "~1": 10},
        ),
        ({"a": 1}, [{"op": "replace", "path": "", "value": {"b": 2}}], {"b": 2}),
    ],
)
def test_json_patch_operations(orig: Any, ops: Any, expected: Any) -> None:
    assert json_patch(orig, ops) == expected


def test_json_patch_null_and_empty_are_no_ops() -> None:
    assert json_patch({"a": 1}, None) == {"a": 1}
    assert json_patch({"a": 1}, []) == {"a": 1}


def test_json_patch_failed_test_is_invalid_and_stops_the_patch() -> None:
    ops = [{"op": "replace", "path": "/a", "value": 2}, {"op": "test", "path": "/b", "value": 1}]
    with pytest.raises(Invalid) as exc:
        json_patch({"a": 1, "b": 0}, ops)
    assert exc.value.code == 422
    assert "the server rejected our request due to an error in our request" in exc.value.message


@pytest.mark.parametrize(
    "ops",
    [
        [{"op": "frobnicate", "path": "/a"}],
        [{"op": "add", "value": 1}],
        [{"path": "/a"}],
        [{"op": "add", "path": "/a"}],
        [{"op": "copy", "path": "/a"}],
        [{"op": "replace", "path": "/missing", "value": 1}],
        [{"op": "remove", "path": "/missing"}],
        [{"op": "add", "path": "/missing/deeper", "value": 1}],
        [{"op": "add", "path": "no-slash", "value": 1}],
        [{"op": "add", "path": "/l/9", "value": 1}],
        [{"op": "add", "path": "/a/x", "value": 1}],
        [{"op": "move", "from": "/l", "path": "/l/0"}],
        [{"op": "test", "path": "/missing", "value": 1}],
    ],
)
def test_json_patch_operation_errors_are_invalid(ops: Any) -> None:
    with pytest.raises(Invalid):
        json_patch({"a": 1, "l": [1]}, ops)


@pytest.mark.parametrize(
    ("ops", "message"),
    [
        (
            {"op": "add", "path": "/a"},
            "cannot unmarshal object into Go value of type jsonpatch.Patch",
        ),
        ("x", "cannot unmarshal string"),
        (["x"], "cannot unmarshal string into Go value of type jsonpatch.Operation"),
        ([{"op": "replace", "path": "", "value": [1]}], "must be a JSON object, got array"),
    ],
)
def test_json_patch_malformed_is_bad_request(ops: Any, message: str) -> None:
    with pytest.raises(BadRequest, match=message):
        json_patch({"a": 1}, ops)


def test_json_patch_too_many_operations() -> None:
    ops = [{"op": "test", "path": "/a", "value": 1}] * 10001
    with pytest.raises(RequestEntityTooLarge, match="maximum operations in a JSON patch is 10000"):
        json_patch({"a": 1}, ops)


def test_kubectl_rollout_undo_json_patch() -> None:
    deploy = deployment()
    deploy["metadata"]["annotations"] = {"deployment.kubernetes.io/revision": "3", "team": "x"}
    old_template = {
        "metadata": {"labels": {"app": "web"}},
        "spec": {"containers": [{"name": "web", "image": "nginx:1.24"}]},
    }
    annotations = {"deployment.kubernetes.io/revision": "3", "team": "x", "note": "from rs"}
    ops = [
        {"op": "replace", "path": "/spec/template", "value": old_template},
        {"op": "replace", "path": "/metadata/annotations", "value": annotations},
    ]
    out = apply_patch(deploy, ops, "application/json-patch+json", "Deployment")
    assert out["spec"]["template"] == old_template
    assert out["metadata"]["annotations"] == annotations
    assert out["spec"]["replicas"] == 2 and out["spec"]["strategy"] == deploy["spec"]["strategy"]


# --- dispatch ----------------------------------------------------------------------------------


def test_apply_patch_dispatches_on_media_type() -> None:
    orig = pod({"name": "a", "image": "1"}, {"name": "b"})
    body = {"spec": {"containers": [{"name": "a", "image": "2"}]}}
    merged = [{"name": "a", "image": "2"}, {"name": "b"}]
    smp = "application/strategic-merge-patch+json; charset=utf-8"
    assert containers(apply_patch(orig, body, smp, "Pod")) == merged
    assert containers(apply_patch(orig, body, "Application/Apply-Patch+YAML", "Pod")) == merged
    assert containers(apply_patch(orig, body, "application/merge-patch+json", "Pod")) == [
        {"name": "a", "image": "2"}
    ]
    assert apply_patch(orig, None, smp, "Pod") == orig


@pytest.mark.parametrize(
    "content_type", ["application/json", "", "text/plain", "application/apply-patch+cbor"]
)
def test_apply_patch_unsupported_media_type(content_type: str) -> None:
    with pytest.raises(UnsupportedMediaType) as exc:
        apply_patch({}, {}, content_type, "Pod")
    assert exc.value.code == 415
    assert exc.value.message == (
        "the body of the request was in an unknown format - accepted media types include: "
        "application/json-patch+json, application/merge-patch+json, "
        "application/strategic-merge-patch+json, application/apply-patch+yaml"
    )


SMP_TYPE, APPLY_TYPE = "application/strategic-merge-patch+json", "application/apply-patch+yaml"


@pytest.mark.parametrize(
    ("content_type", "body", "message"),
    [
        (SMP_TYPE, [1], "json: cannot unmarshal array into Go value of type map"),
        (SMP_TYPE, "a", "json: cannot unmarshal string into Go value of type map"),
        (APPLY_TYPE, "just a string", "error decoding YAML: expected an object, got string"),
        (APPLY_TYPE, None, "error decoding YAML: expected an object, got null"),
    ],
)
def test_apply_patch_needs_an_object_body(content_type: str, body: Any, message: str) -> None:
    with pytest.raises(BadRequest, match=message):
        apply_patch({"a": 1}, body, content_type, "Pod")


# --- purity ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/strategic-merge-patch+json", KUBECTL_APPLY_PATCH),
        (
            "application/apply-patch+yaml",
            {
                "spec": {
                    "template": {
                        "spec": {
                            "containers": [{"name": "web", "env": [{"name": "C", "value": "3"}]}]
                        }
                    }
                }
            },
        ),
        (
            "application/merge-patch+json",
            {"spec": {"template": {"metadata": {"labels": {"x": "y"}}}, "args": [{"a": [1]}]}},
        ),
        (
            "application/json-patch+json",
            [
                {"op": "add", "path": "/spec/extra", "value": {"nested": [1]}},
                {"op": "copy", "from": "/spec/template", "path": "/spec/copy"},
                {"op": "move", "from": "/spec/strategy", "path": "/spec/moved"},
            ],
        ),
    ],
)
def test_inputs_are_not_mutated_nor_shared(content_type: str, body: Any) -> None:
    orig, patch = deployment(), copy.deepcopy(body)
    out = apply_patch(orig, patch, content_type, "Deployment")
    assert orig == deployment() and patch == body

    def scribble(value: Any) -> None:
        if isinstance(value, dict):
            for v in value.values():
                scribble(v)
            value["scribbled"] = True
        elif isinstance(value, list):
            for v in value:
                scribble(v)
            value.append("scribbled")

    scribble(out)
    assert orig == deployment() and patch == body


# --- properties --------------------------------------------------------------------------------

keys = st.text(alphabet="abcd", min_size=1, max_size=2)
scalars = st.none() | st.booleans() | st.integers(-5, 5) | st.text(alphabet="xyz", max_size=3)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3),
    max_leaves=12,
)
json_objects = st.dictionaries(keys, json_values, max_size=4)
no_list_values = st.recursive(
    scalars, lambda inner: st.dictionaries(keys, inner, max_size=3), max_leaves=12
)
no_list_objects = st.dictionaries(keys, no_list_values, max_size=4)


@given(json_objects)
def test_merge_patch_with_empty_patch_is_identity(obj: dict[str, Any]) -> None:
    assert json_merge_patch(obj, {}) == obj
    assert strategic_merge_patch(obj, {}, "Pod") == obj
    assert json_patch(obj, []) == obj


@given(json_objects, json_objects)
def test_merge_patch_is_idempotent(obj: dict[str, Any], patch: dict[str, Any]) -> None:
    once = json_merge_patch(obj, patch)
    assert json_merge_patch(once, patch) == once


@given(no_list_objects, no_list_objects)
def test_smp_of_maps_equals_merge_patch(obj: dict[str, Any], patch: dict[str, Any]) -> None:
    assert strategic_merge_patch(obj, patch, "Deployment") == json_merge_patch(obj, patch)


@given(json_objects, json_objects)
def test_patches_never_mutate_inputs(obj: dict[str, Any], patch: dict[str, Any]) -> None:
    before_obj, before_patch = copy.deepcopy(obj), copy.deepcopy(patch)
    json_merge_patch(obj, patch)
    strategic_merge_patch(obj, patch, "Pod")
    assert obj == before_obj and patch == before_patch


@given(json_objects, json_values)
def test_json_patch_add_then_remove_round_trips(obj: dict[str, Any], value: Any) -> None:
    ops = [
        {"op": "add", "path": "/new~1key", "value": value},
        {"op": "test", "path": "/new~1key", "value": value},
        {"op": "remove", "path": "/new~1key"},
    ]
    assert json_patch(obj, ops) == obj
