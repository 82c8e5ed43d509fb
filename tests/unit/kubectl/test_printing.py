"""Pure output helpers: AGE, table layout, Go's tabwriter, jsonpath, yaml/json, errors."""

from __future__ import annotations

import pytest

from kubectl import jsonpath, printers
from kubectl.errors import CLIError, connection_refused, invalid_message, server_message
from kubectl.manifests import parse
from kubectl.resources import expand, parse_args, ref, resolve
from kubectl.tabwriter import tabify
from kubectl.timing import parse_duration
from machinery.errors import AlreadyExists, Invalid, NotFound, StatusCause


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (59, "59s"),
        (119, "119s"),
        (130, "2m10s"),
        (300, "5m"),
        (900, "15m"),
        (3 * 3600 + 12 * 60, "3h12m"),
        (5 * 3600, "5h"),
        (20 * 3600, "20h"),
        (2 * 86400 + 3 * 3600, "2d3h"),
        (2 * 86400, "2d"),
        (30 * 86400, "30d"),
        (800 * 86400, "2y70d"),
        (-5, "<invalid>"),
    ],
)
def test_human_duration(seconds: float, text: str) -> None:
    assert printers.human_duration(seconds) == text


def test_layout_pads_three_and_leaves_last_column() -> None:
    lines = printers.layout([["NAME", "READY", "AGE"], ["a-long-name", "1/1", "5m"]])
    assert lines == ["NAME          READY   AGE", "a-long-name   1/1     5m"]


def test_table_printer_wide_namespace_labels_and_kind() -> None:
    table = {
        "columnDefinitions": [
            {"name": "Name", "format": "name", "priority": 0},
            {"name": "Ready", "priority": 0},
            {"name": "IP", "priority": 1},
        ],
        "rows": [
            {
                "cells": ["p", "0/1", "<none>"],
                "object": {"metadata": {"namespace": "ns1", "labels": {"b": "2", "a": "1"}}},
            }
        ],
    }
    info = resolve("po")
    narrow = printers.TablePrinter().render(table, info)
    assert narrow == ["NAME   READY", "p      0/1"]
    wide = printers.TablePrinter(
        wide=True, all_namespaces=True, show_labels=True, with_kind=True
    ).render(table, info)
    assert wide == [
        "NAMESPACE   NAME    READY   IP       LABELS",
        "ns1         pod/p   0/1     <none>   a=1,b=2",
    ]


def test_tabwriter_blocks_like_go() -> None:
    text = "Name:\tp1\nService Account:\tdefault\nContainers:\n  main:\n    Image:\tbusybox"
    assert tabify(text).splitlines() == [
        "Name:             p1",
        "Service Account:  default",
        "Containers:",
        "  main:",
        "    Image:  busybox",
    ]


def test_jsonpath_subset() -> None:
    doc = {
        "items": [
            {
                "metadata": {"name": "a"},
                "status": {"conditions": [{"type": "Ready", "status": "True"}]},
            },
            {"metadata": {"name": "b"}},
        ]
    }
    assert jsonpath.render("{.items[*].metadata.name}", doc) == "a b"
    assert jsonpath.render('{range .items[*]}{.metadata.name}{"\\n"}{end}', doc) == "a\nb\n"
    assert (
        jsonpath.render('{.items[0].status.conditions[?(@.type=="Ready")].status}', doc) == "True"
    )
    assert jsonpath.render("{.items[-1].metadata}", doc) == '{"name":"b"}'
    assert jsonpath.render("n={..name}", doc) == "n=a b"


def test_yaml_and_json_like_kubectl() -> None:
    obj = {"kind": "ConfigMap", "data": {"k": "10", "t": "a\nb\n"}, "apiVersion": "v1"}
    assert printers.to_yaml(obj) == (
        'apiVersion: v1\ndata:\n  k: "10"\n  t: |\n    a\n    b\nkind: ConfigMap\n'
    )
    assert (
        printers.to_json({"b": 1, "a": [1]}) == '{\n    "a": [\n        1\n    ],\n    "b": 1\n}\n'
    )
    assert (
        printers.object_name(
            {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "w"}}
        )
        == "deployment.apps/w"
    )


def test_error_lines() -> None:
    assert server_message(NotFound('pods "x" not found')) == (
        'Error from server (NotFound): pods "x" not found'
    )
    assert server_message(
        AlreadyExists('pods "x" already exists'), source="p.yaml", action="creating"
    ) == (
        'Error from server (AlreadyExists): error when creating "p.yaml": pods "x" already exists'
    )
    one = Invalid(
        "x",
        kind="Pod",
        name="x",
        causes=[StatusCause("FieldValueRequired", "Required value", "spec.containers[0].image")],
    )
    assert (
        invalid_message(one) == 'The Pod "x" is invalid: spec.containers[0].image: Required value'
    )
    two = Invalid("x", kind="Pod", name="x", causes=[*one.causes, StatusCause("r", "bad", "f")])
    assert invalid_message(two) == (
        'The Pod "x" is invalid: \n* spec.containers[0].image: Required value\n* f: bad'
    )
    assert connection_refused("127.0.0.1:6443") == (
        "The connection to the server 127.0.0.1:6443 was refused - "
        "did you specify the right host or port?"
    )


def test_malformed_yaml_names_file_and_line() -> None:
    with pytest.raises(CLIError) as e:
        parse("a: b\n  c: : d\n", "bad.yaml")
    assert e.value.render() == (
        "error: error parsing bad.yaml: error converting YAML to JSON: "
        "yaml: line 2: mapping values are not allowed in this context"
    )


def test_manifests_multi_doc_and_list() -> None:
    docs = parse(
        "apiVersion: v1\nkind: A\n---\n---\nkind: List\napiVersion: v1\nitems:\n"
        "- {apiVersion: v1, kind: B}\n- {apiVersion: v1, kind: C}\n",
        "f",
    )
    assert [d["kind"] for d in docs] == ["A", "B", "C"]


def test_resource_names() -> None:
    assert resolve("po").resource == "pods"
    assert resolve("deploy").group == "apps"
    assert resolve("deployments.apps").kind == "Deployment"
    assert resolve("Pod").resource == "pods"
    assert [i.resource for i in expand("deploy,svc")] == ["deployments", "services"]
    assert [i.resource for i in expand("all")][:2] == ["pods", "services"]
    with pytest.raises(CLIError, match='resource type "foo"'):
        resolve("foo")
    t = parse_args(["deploy/web", "po/x"])
    assert [(x.info.resource, x.names) for x in t] == [("deployments", ("web",)), ("pods", ("x",))]
    assert ref(resolve("deploy"), "web") == "deployment.apps/web"
    assert parse_duration("1m30s") == 90 and parse_duration("5") == 5
