"""Discovery (/version, aggregated and legacy) and the minimal OpenAPI v3."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from apiserver import discovery, openapi, registry

KUBECTL_130_PLUS = (
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,"
    "application/json"
)
KUBECTL_127_TO_129 = (
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"
)
PLAIN = "application/json, */*"


# ---------------------------------------------------------------------- /version


def test_version_info() -> None:
    body = discovery.version_info()
    assert body["major"] == "1"
    assert body["minor"] == "32"
    assert body["gitVersion"] == "v1.32.0"
    assert set(body) >= {
        "gitCommit",
        "gitTreeState",
        "buildDate",
        "goVersion",
        "compiler",
        "platform",
    }
    body["minor"] = "99"
    assert discovery.version_info()["minor"] == "32"


# ------------------------------------------------------------------- negotiation


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (KUBECTL_130_PLUS, "v2"),
        (KUBECTL_127_TO_129, "v2beta1"),
        (PLAIN, None),
        ("application/json", None),
        ("", None),
        (None, None),
        ("*/*", None),
        # the first discovery version offered that we serve wins
        (
            "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,"
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
            "v2beta1",
        ),
        (
            "application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList,"
            "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList",
            "v2beta1",
        ),
        # parameter order, spacing and case do not matter
        ("Application/JSON; as=APIGroupDiscoveryList; v=v2; g=apidiscovery.k8s.io", "v2"),
        # protobuf is not served, q=0 means "not acceptable"
        (
            "application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;"
            "as=APIGroupDiscoveryList,application/json",
            None,
        ),
        (
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;q=0,"
            "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList",
            "v2beta1",
        ),
        # a Table request is not a discovery request
        ("application/json;as=Table;v=v1;g=meta.k8s.io,application/json", None),
    ],
)
def test_negotiate(accept: str | None, expected: str | None) -> None:
    assert discovery.negotiate(accept) == expected


# -------------------------------------------------------------------- aggregated


def resources_of(body: dict[str, Any], group: str = "") -> dict[str, dict[str, Any]]:
    for item in body["items"]:
        if item["metadata"].get("name", "") == group:
            return {r["resource"]: r for r in item["versions"][0]["resources"]}
    raise AssertionError(f"group {group!r} missing")


@pytest.mark.parametrize("version", ["v2", "v2beta1"])
def test_aggregated_content_type_and_envelope(version: str) -> None:
    for legacy in (True, False):
        body, ctype = discovery.aggregated(legacy, version)
        assert ctype == (
            f"application/json;g=apidiscovery.k8s.io;v={version};as=APIGroupDiscoveryList"
        )
        assert body["kind"] == "APIGroupDiscoveryList"
        assert body["apiVersion"] == f"apidiscovery.k8s.io/{version}"
        assert body["metadata"] == {}


def test_aggregated_rejects_unknown_versions() -> None:
    with pytest.raises(ValueError):
        discovery.aggregated(True, "v1")


def test_aggregated_legacy_group() -> None:
    body, _ = discovery.aggregated(True, "v2")
    assert len(body["items"]) == 1
    item = body["items"][0]
    assert item["metadata"] == {"creationTimestamp": None}
    assert [v["version"] for v in item["versions"]] == ["v1"]
    assert item["versions"][0]["freshness"] == "Current"
    pods = resources_of(body)["pods"]
    assert pods["responseKind"] == {"group": "", "version": "v1", "kind": "Pod"}
    assert pods["scope"] == "Namespaced"
    assert pods["singularResource"] == "pod"
    assert pods["shortNames"] == ["po"]
    assert pods["categories"] == ["all"]
    assert pods["verbs"] == [
        "create",
        "delete",
        "deletecollection",
        "get",
        "list",
        "patch",
        "update",
        "watch",
    ]
    subs = {s["subresource"]: s for s in pods["subresources"]}
    assert subs["status"] == {
        "subresource": "status",
        "verbs": ["get", "patch", "update"],
        "responseKind": {"group": "", "version": "v1", "kind": "Pod"},
    }
    assert subs["log"]["responseKind"]["kind"] == "Pod"
    assert subs["log"]["verbs"] == ["get"]
    assert subs["binding"]["responseKind"] == {"group": "", "version": "v1", "kind": "Binding"}
    assert subs["binding"]["verbs"] == ["create"]
    assert subs["eviction"]["responseKind"] == {
        "group": "policy",
        "version": "v1",
        "kind": "Eviction",
    }
    namespaces = resources_of(body)["namespaces"]
    assert namespaces["scope"] == "Cluster"
    assert "deletecollection" not in namespaces["verbs"]
    ns_subs = {s["subresource"]: s for s in namespaces["subresources"]}
    assert ns_subs["finalize"]["verbs"] == ["update"]
    assert "categories" not in resources_of(body)["configmaps"]


def test_aggregated_named_groups() -> None:
    body, _ = discovery.aggregated(False, "v2beta1")
    names = [item["metadata"]["name"] for item in body["items"]]
    assert names == [g for g, _ in registry.groups() if g]
    deploy = resources_of(body, "apps")["deployments"]
    assert deploy["responseKind"] == {"group": "apps", "version": "v1", "kind": "Deployment"}
    assert deploy["shortNames"] == ["deploy"]
    subs = {s["subresource"]: s for s in deploy["subresources"]}
    assert subs["scale"] == {
        "subresource": "scale",
        "verbs": ["get", "patch", "update"],
        "responseKind": {"group": "autoscaling", "version": "v1", "kind": "Scale"},
    }
    assert subs["status"]["responseKind"] == {
        "group": "apps",
        "version": "v1",
        "kind": "Deployment",
    }
    pc = resources_of(body, "scheduling.k8s.io")["priorityclasses"]
    assert pc["scope"] == "Cluster"


def test_aggregated_lists_every_registry_resource_with_required_fields() -> None:
    seen = set()
    for legacy in (True, False):
        body, _ = discovery.aggregated(legacy, "v2")
        for item in body["items"]:
            group = item["metadata"].get("name", "")
            for version in item["versions"]:
                for res in version["resources"]:
                    assert {"resource", "responseKind", "scope"} <= set(res)
                    assert set(res["responseKind"]) == {"group", "version", "kind"}
                    seen.add((group, version["version"], res["resource"]))
                    info = registry.lookup(group, version["version"], res["resource"])
                    assert info is not None
                    assert res["categories" if info.categories else "resource"]
                    assert sorted(s["subresource"] for s in res.get("subresources", [])) == sorted(
                        info.subresources
                    )
    assert seen == {(r.group, r.version, r.resource) for r in registry.RESOURCES}


def test_all_category_matches_registry() -> None:
    in_all = set()
    for legacy in (True, False):
        body, _ = discovery.aggregated(legacy, "v2")
        for item in body["items"]:
            for res in item["versions"][0]["resources"]:
                if "all" in res.get("categories", []):
                    in_all.add(res["resource"])
    assert in_all == {r.resource for r in registry.RESOURCES if "all" in r.categories}
    assert {
        "pods",
        "services",
        "deployments",
        "replicasets",
        "statefulsets",
        "daemonsets",
        "jobs",
        "cronjobs",
    } <= in_all


# ------------------------------------------------------------------------- legacy


def test_api_versions() -> None:
    body = discovery.api_versions("127.0.0.1:6443")
    assert body["kind"] == "APIVersions"
    assert body["versions"] == ["v1"]
    assert body["serverAddressByClientCIDRs"] == [
        {"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:6443"}
    ]


def test_api_group_list() -> None:
    body = discovery.api_group_list()
    assert body["kind"] == "APIGroupList"
    assert body["apiVersion"] == "v1"
    groups = {g["name"]: g for g in body["groups"]}
    assert "" not in groups
    assert set(groups) == {g for g, _ in registry.groups() if g}
    assert groups["apps"] == {
        "name": "apps",
        "versions": [{"groupVersion": "apps/v1", "version": "v1"}],
        "preferredVersion": {"groupVersion": "apps/v1", "version": "v1"},
    }
    batch = discovery.api_group("batch")
    assert batch is not None
    assert batch["kind"] == "APIGroup"
    assert batch["preferredVersion"]["groupVersion"] == "batch/v1"
    assert discovery.api_group("nope.example.com") is None


def test_api_resource_list_core() -> None:
    body = discovery.api_resource_list("", "v1")
    assert body is not None
    assert body["kind"] == "APIResourceList"
    assert body["apiVersion"] == "v1"
    assert body["groupVersion"] == "v1"
    by_name = {r["name"]: r for r in body["resources"]}
    assert len(by_name) == len(body["resources"])
    assert by_name["pods"] == {
        "name": "pods",
        "singularName": "pod",
        "namespaced": True,
        "kind": "Pod",
        "verbs": [
            "create",
            "delete",
            "deletecollection",
            "get",
            "list",
            "patch",
            "update",
            "watch",
        ],
        "shortNames": ["po"],
        "categories": ["all"],
    }
    assert by_name["pods/log"] == {
        "name": "pods/log",
        "singularName": "",
        "namespaced": True,
        "kind": "Pod",
        "verbs": ["get"],
    }
    assert by_name["pods/binding"]["kind"] == "Binding"
    assert "group" not in by_name["pods/binding"]
    assert by_name["pods/eviction"]["group"] == "policy"
    assert by_name["pods/eviction"]["version"] == "v1"
    assert by_name["pods/eviction"]["kind"] == "Eviction"
    assert by_name["pods/status"]["verbs"] == ["get", "patch", "update"]
    assert by_name["namespaces"]["namespaced"] is False
    assert by_name["namespaces/finalize"]["verbs"] == ["update"]
    assert "categories" not in by_name["secrets"]
    assert "shortNames" not in by_name["secrets"]


def test_api_resource_list_apps_has_scale_as_autoscaling() -> None:
    body = discovery.api_resource_list("apps", "v1")
    assert body is not None
    assert body["groupVersion"] == "apps/v1"
    by_name = {r["name"]: r for r in body["resources"]}
    assert by_name["deployments/scale"] == {
        "name": "deployments/scale",
        "singularName": "",
        "namespaced": True,
        "group": "autoscaling",
        "version": "v1",
        "kind": "Scale",
        "verbs": ["get", "patch", "update"],
    }
    assert by_name["deployments/status"]["kind"] == "Deployment"
    assert "group" not in by_name["deployments/status"]


def test_api_resource_list_covers_each_group_version() -> None:
    for group, versions in registry.groups():
        for version in versions:
            body = discovery.api_resource_list(group, version)
            assert body is not None
            names = {r["name"] for r in body["resources"]}
            for info in registry.in_group_version(group, version):
                assert info.resource in names
                assert {f"{info.resource}/{s}" for s in info.subresources} <= names
    assert discovery.api_resource_list("apps", "v1beta1") is None
    assert discovery.api_resource_list("nope", "v1") is None


def test_unknown_subresources_fall_back_to_the_parent_kind() -> None:
    info = registry.lookup("", "v1", "services")
    assert info is not None
    assert discovery.subresource_kind(info, "proxy") == (
        "",
        "v1",
        "ServiceProxyOptions",
        ["create", "delete", "get", "patch", "update"],
    )
    assert discovery.subresource_kind(info, "frobnicate") == ("", "v1", "Service", ["get"])


# ------------------------------------------------------------------------ openapi


def group_versions() -> set[str]:
    return {
        f"api/{v}" if not g else f"apis/{g}/{v}"
        for g, versions in registry.groups()
        for v in versions
    }


def kubectl_supports_field_validation(doc: dict[str, Any], gvk: dict[str, str]) -> bool:
    """What kubectl's queryParamVerifierV3 looks for."""
    for item in doc["paths"].values():
        op = item.get("patch")
        if not op or op.get("x-kubernetes-group-version-kind") != gvk:
            continue
        if any(
            p["name"] == "fieldValidation" and p["in"] == "query" for p in op.get("parameters", [])
        ):
            return True
    return False


def test_openapi_root_lists_every_group_version() -> None:
    root = openapi.v3_root()
    assert set(root["paths"]) == group_versions()
    for key, entry in root["paths"].items():
        url = entry["serverRelativeURL"]
        assert url.startswith(f"/openapi/v3/{key}?hash=")
        digest = url.split("?hash=")[1]
        assert len(digest) == 128
        assert digest == digest.upper()
        doc = openapi.v3_group_version(key)
        canonical = json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()
        assert digest == hashlib.sha512(canonical).hexdigest().upper()
        assert openapi.v3_hash(key) == digest
    assert openapi.v3_root() == root


def test_openapi_hashes_differ_per_document() -> None:
    digests = [e["serverRelativeURL"] for e in openapi.v3_root()["paths"].values()]
    assert len(set(digests)) == len(digests)


def test_openapi_group_version_has_a_patch_op_per_kind() -> None:
    for key in group_versions():
        doc = openapi.v3_group_version(key)
        assert doc is not None
        assert doc["openapi"].startswith("3.")
        assert doc["info"]["version"] == "v1.32.0"
        assert doc["components"] == {"schemas": {}}
        kinds = [op["patch"]["x-kubernetes-group-version-kind"] for op in doc["paths"].values()]
        group_version = key.removeprefix("api/").removeprefix("apis/")
        group, _, version = group_version.rpartition("/")
        expected = [
            {"group": r.group, "version": r.version, "kind": r.kind}
            for r in registry.in_group_version(group, version)
        ]
        assert sorted(kinds, key=lambda g: g["kind"]) == sorted(expected, key=lambda g: g["kind"])
        for gvk in expected:
            assert kubectl_supports_field_validation(doc, gvk)


def test_openapi_paths_and_operation_ids() -> None:
    apps = openapi.v3_group_version("apis/apps/v1")
    assert apps is not None
    op = apps["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]
    assert op["operationId"] == "patchAppsV1NamespacedDeployment"
    assert op["x-kubernetes-action"] == "patch"
    assert {"dryRun", "fieldManager", "fieldValidation", "force"} == {
        p["name"] for p in op["parameters"]
    }
    core = openapi.v3_group_version("/api/v1")
    assert core is not None
    assert "/api/v1/nodes/{name}" in core["paths"]
    assert "/api/v1/namespaces/{namespace}/pods/{name}" in core["paths"]
    pod_op = core["paths"]["/api/v1/namespaces/{namespace}/pods/{name}"]["patch"]
    assert pod_op["operationId"] == "patchCoreV1NamespacedPod"
    pc = openapi.v3_group_version("openapi/v3/apis/scheduling.k8s.io/v1")
    assert pc is not None
    assert (
        pc["paths"]["/apis/scheduling.k8s.io/v1/priorityclasses/{name}"]["patch"]["operationId"]
        == "patchSchedulingV1PriorityClass"
    )


def test_openapi_unknown_group_version() -> None:
    assert openapi.v3_group_version("apis/apps/v1beta1") is None
    assert openapi.v3_group_version("apis/nope/v1") is None
    assert openapi.v3_hash("apis/nope/v1") is None


def test_openapi_documents_are_copies() -> None:
    doc = openapi.v3_group_version("api/v1")
    assert doc is not None
    doc["paths"].clear()
    again = openapi.v3_group_version("api/v1")
    assert again is not None
    assert again["paths"]
