"""The official `kubernetes` Python client against our API server.

Typed calls (CoreV1Api, AppsV1Api), error mapping, watches, the DynamicClient and the client's
strict deserialisation (pydantic models in v37: wrong types or missing required fields raise).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException
from kubernetes.dynamic import DynamicClient

from tests.support.procs import ApiServer

# (connect, read) timeouts for every request, so a server that never answers fails the test.
TIMEOUT = (5, 20)


@pytest.fixture
def api(apiserver: ApiServer, tmp_path: Path) -> Iterator[client.ApiClient]:
    """An ApiClient configured from the kubeconfig the fixture writes (as a user would)."""
    kubeconfig = apiserver.kubeconfig(tmp_path / "kubeconfig")
    c = config.new_client_from_config(config_file=str(kubeconfig))
    try:
        yield c
    finally:
        c.close()


@pytest.fixture
def core(api: client.ApiClient) -> client.CoreV1Api:
    return client.CoreV1Api(api)


@pytest.fixture
def apps(api: client.ApiClient) -> client.AppsV1Api:
    return client.AppsV1Api(api)


# --------------------------------------------------------------------------- builders


def v1_pod(name: str, labels: dict[str, str] | None = None, image: str = "busybox:1.36") -> Any:
    return client.V1Pod(
        api_version="v1",
        kind="Pod",
        metadata=client.V1ObjectMeta(name=name, labels=labels or {}),
        spec=client.V1PodSpec(
            containers=[client.V1Container(name="main", image=image, command=["sleep", "3600"])]
        ),
    )


def v1_deployment(name: str, replicas: int = 1, image: str = "nginx:1.25") -> Any:
    labels = {"app": name}
    return client.V1Deployment(
        api_version="apps/v1",
        kind="Deployment",
        metadata=client.V1ObjectMeta(name=name, labels=dict(labels)),
        spec=client.V1DeploymentSpec(
            replicas=replicas,
            selector=client.V1LabelSelector(match_labels=dict(labels)),
            template=client.V1PodTemplateSpec(
                metadata=client.V1ObjectMeta(labels=dict(labels)),
                spec=client.V1PodSpec(
                    containers=[
                        client.V1Container(
                            name="web",
                            image=image,
                            ports=[client.V1ContainerPort(container_port=80)],
                        )
                    ]
                ),
            ),
        ),
    )


def status_body(e: ApiException) -> dict[str, Any]:
    assert e.body, f"no body in ApiException {e.status}"
    body = json.loads(e.body)
    assert isinstance(body, dict)
    return body


def assert_utc_datetime(value: Any) -> None:
    assert isinstance(value, dt.datetime), value
    assert value.tzinfo is not None and value.utcoffset() == dt.timedelta(0), value
    # a sane wall-clock value, not an epoch or a parse accident
    assert abs(dt.datetime.now(dt.UTC) - value) < dt.timedelta(hours=1), value


def assert_meta(meta: Any, name: str, namespace: str | None) -> None:
    assert meta.name == name and meta.namespace == namespace
    assert isinstance(meta.resource_version, str) and int(meta.resource_version) > 0
    assert isinstance(meta.uid, str) and len(meta.uid) == 36
    assert_utc_datetime(meta.creation_timestamp)


# --------------------------------------------------------------------------- CoreV1Api


def test_pod_crud_and_selectors(core: client.CoreV1Api, ns: str) -> None:
    created = core.create_namespaced_pod(ns, v1_pod("a", {"app": "web", "tier": "fe"}))
    assert isinstance(created, client.V1Pod)
    assert_meta(created.metadata, "a", ns)
    assert created.kind == "Pod" and created.api_version == "v1"
    assert created.status.phase == "Pending"
    assert created.spec.restart_policy == "Always"  # defaulted by the server
    assert created.spec.containers[0].command == ["sleep", "3600"]
    core.create_namespaced_pod(ns, v1_pod("b", {"app": "web"}))
    core.create_namespaced_pod(ns, v1_pod("c", {"app": "db"}))

    got = core.read_namespaced_pod("a", ns)
    assert got.metadata.uid == created.metadata.uid
    assert got.metadata.labels == {"app": "web", "tier": "fe"}

    every = core.list_namespaced_pod(ns)
    assert isinstance(every, client.V1PodList) and every.kind == "PodList"
    assert sorted(p.metadata.name for p in every.items) == ["a", "b", "c"]
    assert isinstance(every.metadata.resource_version, str)
    assert int(every.metadata.resource_version) >= int(created.metadata.resource_version)

    web = core.list_namespaced_pod(ns, label_selector="app=web")
    assert sorted(p.metadata.name for p in web.items) == ["a", "b"]
    web_not_fe = core.list_namespaced_pod(ns, label_selector="app in (web),!tier")
    assert [p.metadata.name for p in web_not_fe.items] == ["b"]
    by_name = core.list_namespaced_pod(ns, field_selector="metadata.name=c")
    assert [p.metadata.name for p in by_name.items] == ["c"]
    both = core.list_namespaced_pod(ns, label_selector="app=web", field_selector="metadata.name!=a")
    assert [p.metadata.name for p in both.items] == ["b"]
    assert core.list_namespaced_pod(ns, label_selector="app=nope").items == []

    patched = core.patch_namespaced_pod("a", ns, {"metadata": {"labels": {"tier": None, "v": "2"}}})
    assert patched.metadata.labels == {"app": "web", "v": "2"}
    assert int(patched.metadata.resource_version) > int(got.metadata.resource_version)
    assert patched.metadata.generation == created.metadata.generation  # metadata only
    assert [p.metadata.name for p in core.list_namespaced_pod(ns, label_selector="v=2").items] == [
        "a"
    ]

    core.delete_namespaced_pod("a", ns)  # unbound: goes at once
    with pytest.raises(ApiException) as exc:
        core.read_namespaced_pod("a", ns)
    assert exc.value.status == 404
    assert sorted(p.metadata.name for p in core.list_namespaced_pod(ns).items) == ["b", "c"]


def test_list_namespace(core: client.CoreV1Api, ns: str) -> None:
    lst = core.list_namespace()
    assert isinstance(lst, client.V1NamespaceList)
    names = {n.metadata.name for n in lst.items}
    assert {ns, "default", "kube-system"} <= names
    mine = next(n for n in lst.items if n.metadata.name == ns)
    assert mine.metadata.namespace is None  # cluster-scoped
    assert mine.status.phase == "Active"
    assert_meta(mine.metadata, ns, None)
    one = core.list_namespace(field_selector=f"metadata.name={ns}")
    assert [n.metadata.name for n in one.items] == [ns]
    assert core.read_namespace(ns).metadata.uid == mine.metadata.uid


def test_service_gets_a_cluster_ip(core: client.CoreV1Api, ns: str) -> None:
    body = client.V1Service(
        metadata=client.V1ObjectMeta(name="web"),
        spec=client.V1ServiceSpec(
            selector={"app": "web"},
            ports=[client.V1ServicePort(name="http", port=80, target_port=8080)],
        ),
    )
    created = core.create_namespaced_service(ns, body)
    assert isinstance(created, client.V1Service)
    ip = created.spec.cluster_ip
    assert isinstance(ip, str) and ipaddress.ip_address(ip).version == 4
    assert created.spec.cluster_ips == [ip]
    assert created.spec.type == "ClusterIP"
    port = created.spec.ports[0]
    assert port.port == 80 and port.target_port == 8080 and port.protocol == "TCP"
    got = core.read_namespaced_service("web", ns)
    assert got.spec.cluster_ip == ip and got.metadata.uid == created.metadata.uid
    # a second service gets a different address
    body.metadata.name = "other"
    other = core.create_namespaced_service(ns, body)
    assert other.spec.cluster_ip not in ("", None, "None", ip)


def test_not_found_is_a_404_api_exception(
    core: client.CoreV1Api, apps: client.AppsV1Api, ns: str
) -> None:
    with pytest.raises(ApiException) as exc:
        core.read_namespaced_pod("nope", ns)
    e = exc.value
    assert e.status == 404
    body = status_body(e)
    assert body["kind"] == "Status" and body["apiVersion"] == "v1"
    assert body["status"] == "Failure" and body["code"] == 404
    assert body["reason"] == "NotFound"
    assert body["message"] == 'pods "nope" not found'
    assert body["details"] == {"name": "nope", "kind": "pods"}

    with pytest.raises(ApiException) as exc:
        apps.read_namespaced_deployment("nope", ns)
    body = status_body(exc.value)
    assert exc.value.status == 404 and body["reason"] == "NotFound"
    assert body["message"] == 'deployments.apps "nope" not found'
    assert body["details"]["group"] == "apps"

    with pytest.raises(ApiException) as exc:
        core.delete_namespaced_pod("nope", ns)
    assert exc.value.status == 404


def test_stale_replace_is_a_409_conflict(core: client.CoreV1Api, ns: str) -> None:
    core.create_namespaced_pod(ns, v1_pod("a"))
    stale = core.read_namespaced_pod("a", ns)
    fresh = core.read_namespaced_pod("a", ns)
    fresh.metadata.labels = {"round": "1"}
    updated = core.replace_namespaced_pod("a", ns, fresh)
    assert updated.metadata.labels == {"round": "1"}
    assert int(updated.metadata.resource_version) > int(stale.metadata.resource_version)

    stale.metadata.labels = {"round": "stale"}
    with pytest.raises(ApiException) as exc:
        core.replace_namespaced_pod("a", ns, stale)
    e = exc.value
    assert e.status == 409
    body = status_body(e)
    assert body["reason"] == "Conflict" and body["code"] == 409
    assert "the object has been modified" in body["message"]
    assert body["details"]["name"] == "a" and body["details"]["kind"] == "pods"
    # the losing write changed nothing
    assert core.read_namespaced_pod("a", ns).metadata.labels == {"round": "1"}


def test_create_twice_is_a_409_already_exists(core: client.CoreV1Api, ns: str) -> None:
    core.create_namespaced_pod(ns, v1_pod("a"))
    with pytest.raises(ApiException) as exc:
        core.create_namespaced_pod(ns, v1_pod("a"))
    assert exc.value.status == 409
    assert status_body(exc.value)["reason"] == "AlreadyExists"


def test_invalid_object_is_a_422(core: client.CoreV1Api, ns: str) -> None:
    body = v1_pod("bad")
    body.spec.containers[0].image = None
    with pytest.raises(ApiException) as exc:
        core.create_namespaced_pod(ns, body)
    assert exc.value.status == 422
    status = status_body(exc.value)
    assert status["reason"] == "Invalid"
    assert status["details"]["kind"] == "Pod" and status["details"]["name"] == "bad"
    cause = status["details"]["causes"][0]
    assert cause["field"] == "spec.containers[0].image"
    assert cause["reason"] == "FieldValueRequired"


def test_paging_all_namespaces_and_delete_collection(core: client.CoreV1Api, ns: str) -> None:
    for i in range(5):
        core.create_namespaced_pod(ns, v1_pod(f"p{i}", {"batch": "x" if i < 3 else "y"}))
    names: list[str] = []
    token: str | None = None
    pages = 0
    while True:
        page = core.list_namespaced_pod(ns, limit=2, _continue=token)
        assert len(page.items) <= 2
        names += [p.metadata.name for p in page.items]
        pages += 1
        token = page.metadata._continue
        if not token:
            break
        assert pages < 10, "paging does not end"
    assert sorted(names) == [f"p{i}" for i in range(5)] and pages == 3

    everywhere = core.list_pod_for_all_namespaces(label_selector="batch=x")
    assert sorted(
        (p.metadata.namespace, p.metadata.name)
        for p in everywhere.items
        if p.metadata.namespace == ns
    ) == [(ns, "p0"), (ns, "p1"), (ns, "p2")]

    core.delete_collection_namespaced_pod(ns, label_selector="batch=x")
    left = core.list_namespaced_pod(ns).items
    assert sorted(p.metadata.name for p in left) == ["p3", "p4"]


def test_configuration_with_host(apiserver: ApiServer, ns: str) -> None:
    """A Configuration built by hand (no kubeconfig) works just as well."""
    cfg = client.Configuration(host=apiserver.url)
    with client.ApiClient(cfg) as c:
        core = client.CoreV1Api(c)
        core.create_namespaced_config_map(
            ns, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="cm"), data={"k": "v"})
        )
        got = core.read_namespaced_config_map("cm", ns)
        assert got.data == {"k": "v"}
        version = client.VersionApi(c).get_code()
        assert isinstance(version.major, str) and isinstance(version.minor, str)
        assert version.git_version.startswith("v")


# --------------------------------------------------------------------------- AppsV1Api


def test_deployment_crud_patch_replace(apps: client.AppsV1Api, ns: str) -> None:
    created = apps.create_namespaced_deployment(ns, v1_deployment("web"))
    assert isinstance(created, client.V1Deployment)
    assert_meta(created.metadata, "web", ns)
    assert created.metadata.generation == 1
    assert created.spec.replicas == 1
    assert created.spec.strategy.type == "RollingUpdate"  # defaulted
    assert created.spec.strategy.rolling_update.max_surge == "25%"
    assert created.spec.revision_history_limit == 10
    assert created.spec.progress_deadline_seconds == 600

    got = apps.read_namespaced_deployment("web", ns)
    assert got.metadata.uid == created.metadata.uid
    assert got.spec.template.spec.containers[0].image == "nginx:1.25"

    apps.create_namespaced_deployment(ns, v1_deployment("api"))
    lst = apps.list_namespaced_deployment(ns)
    assert isinstance(lst, client.V1DeploymentList) and lst.kind == "DeploymentList"
    assert sorted(d.metadata.name for d in lst.items) == ["api", "web"]
    only = apps.list_namespaced_deployment(ns, label_selector="app=api")
    assert [d.metadata.name for d in only.items] == ["api"]

    # strategic merge: the container list merges by name, so only the image changes
    patch = {
        "spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.26"}]}}}
    }
    patched = apps.patch_namespaced_deployment("web", ns, patch)
    containers = patched.spec.template.spec.containers
    assert [(c.name, c.image) for c in containers] == [("web", "nginx:1.26")]
    assert containers[0].ports[0].container_port == 80  # kept by the merge
    assert patched.metadata.generation == 2

    patched.spec.replicas = 3
    replaced = apps.replace_namespaced_deployment("web", ns, patched)
    assert replaced.spec.replicas == 3
    assert replaced.metadata.generation == 3
    assert replaced.spec.template.spec.containers[0].image == "nginx:1.26"
    assert apps.read_namespaced_deployment("web", ns).spec.replicas == 3


def test_deployment_scale_subresource(apps: client.AppsV1Api, ns: str) -> None:
    apps.create_namespaced_deployment(ns, v1_deployment("web", replicas=1))

    scale = apps.read_namespaced_deployment_scale("web", ns)
    assert isinstance(scale, client.V1Scale)
    assert scale.kind == "Scale" and scale.api_version == "autoscaling/v1"
    assert scale.metadata.name == "web" and scale.spec.replicas == 1
    assert scale.metadata.uid and isinstance(scale.metadata.resource_version, str)
    assert scale.status.replicas == 0  # no controller has created pods yet
    assert scale.status.selector == "app=web"

    # a dict body goes out as a strategic merge patch
    scale = apps.patch_namespaced_deployment_scale("web", ns, {"spec": {"replicas": 4}})
    assert scale.spec.replicas == 4
    assert apps.read_namespaced_deployment("web", ns).spec.replicas == 4

    # a list body goes out as a JSON patch
    ops = [{"op": "replace", "path": "/spec/replicas", "value": 5}]
    scale = apps.patch_namespaced_deployment_scale("web", ns, ops)
    assert scale.spec.replicas == 5
    assert apps.read_namespaced_deployment_scale("web", ns).spec.replicas == 5

    scale = apps.read_namespaced_deployment_scale("web", ns)
    scale.spec.replicas = 2
    replaced = apps.replace_namespaced_deployment_scale("web", ns, scale)
    assert replaced.spec.replicas == 2
    dep = apps.read_namespaced_deployment("web", ns)
    assert dep.spec.replicas == 2
    assert dep.metadata.generation == 4  # each replicas change is a spec change

    # the scale's resourceVersion is the deployment's: a stale one conflicts
    with pytest.raises(ApiException) as exc:
        apps.replace_namespaced_deployment_scale("web", ns, scale)
    assert exc.value.status == 409


def test_delete_deployment_foreground(apps: client.AppsV1Api, ns: str) -> None:
    apps.create_namespaced_deployment(ns, v1_deployment("web"))
    reply = apps.delete_namespaced_deployment("web", ns, propagation_policy="Foreground")
    # the deletion is pending, so the reply is the object itself (v37 hands back a plain dict)
    body = apps.api_client.sanitize_for_serialization(reply)
    assert body["kind"] == "Deployment" and body["metadata"]["name"] == "web"
    assert body["metadata"]["finalizers"] == ["foregroundDeletion"]
    assert body["metadata"]["deletionTimestamp"].endswith("Z")

    held = apps.read_namespaced_deployment("web", ns)
    assert held.metadata.finalizers == ["foregroundDeletion"]
    assert_utc_datetime(held.metadata.deletion_timestamp)
    assert held.metadata.deletion_grace_period_seconds == 0
    # it still lists, as Kubernetes lists objects that are being deleted
    names = [d.metadata.name for d in apps.list_namespaced_deployment(ns).items]
    assert names == ["web"]
    # (the garbage collector would now delete dependents and remove the finalizer; not yet)


# --------------------------------------------------------------------------- watch


def run_in_thread(fn: Callable[[], None]) -> tuple[threading.Thread, list[BaseException]]:
    errors: list[BaseException] = []

    def target() -> None:
        try:
            fn()
        except BaseException as e:
            errors.append(e)

    t = threading.Thread(target=target, daemon=True)
    t.start()
    return t, errors


def test_watch_initial_state_then_changes(core: client.CoreV1Api, ns: str) -> None:
    core.create_namespaced_pod(ns, v1_pod("a"))
    core.create_namespaced_pod(ns, v1_pod("b"))
    initial_seen = threading.Event()

    def change() -> None:
        assert initial_seen.wait(15), "the watch never delivered the initial state"
        core.create_namespaced_pod(ns, v1_pod("c"))
        core.patch_namespaced_pod("a", ns, {"metadata": {"labels": {"touched": "yes"}}})
        core.delete_namespaced_pod("b", ns)

    events: list[dict[str, Any]] = []
    w = watch.Watch()
    thread: threading.Thread | None = None
    errors: list[BaseException] = []
    for ev in w.stream(
        core.list_namespaced_pod, namespace=ns, timeout_seconds=20, _request_timeout=TIMEOUT
    ):
        events.append(ev)
        if len(events) == 2:
            initial_seen.set()
            thread, errors = run_in_thread(change)
        if len(events) == 5:
            w.stop()
    assert thread is not None, f"fewer than 2 events: {events}"
    thread.join(10)
    assert not errors, errors

    seen = [(e["type"], e["object"].metadata.name) for e in events]
    assert sorted(seen[:2]) == [("ADDED", "a"), ("ADDED", "b")]
    assert seen[2:] == [("ADDED", "c"), ("MODIFIED", "a"), ("DELETED", "b")]
    assert all(isinstance(e["object"], client.V1Pod) for e in events)
    assert events[3]["object"].metadata.labels == {"touched": "yes"}
    assert events[3]["raw_object"]["metadata"]["labels"] == {"touched": "yes"}
    rvs = [int(e["object"].metadata.resource_version) for e in events[2:]]
    assert rvs == sorted(rvs) and len(set(rvs)) == 3
    # the client remembers the last resourceVersion it saw
    assert w.resource_version == events[-1]["object"].metadata.resource_version


def test_watch_from_list_resource_version(core: client.CoreV1Api, ns: str) -> None:
    core.create_namespaced_pod(ns, v1_pod("old"))
    rv = core.list_namespaced_pod(ns).metadata.resource_version
    core.create_namespaced_pod(ns, v1_pod("new"))
    core.delete_namespaced_pod("old", ns)

    events: list[tuple[str, str]] = []
    w = watch.Watch()
    for ev in w.stream(
        core.list_namespaced_pod,
        namespace=ns,
        resource_version=rv,
        timeout_seconds=10,
        _request_timeout=TIMEOUT,
    ):
        events.append((ev["type"], ev["object"].metadata.name))
        if len(events) == 2:
            w.stop()
    # only what happened after the list: no synthetic ADDED for "old"
    assert events == [("ADDED", "new"), ("DELETED", "old")]


def test_watch_ends_at_timeout_seconds(core: client.CoreV1Api, ns: str) -> None:
    core.create_namespaced_pod(ns, v1_pod("a"))
    start = time.monotonic()
    events = [
        (ev["type"], ev["object"].metadata.name)
        for ev in watch.Watch().stream(
            core.list_namespaced_pod, namespace=ns, timeout_seconds=2, _request_timeout=TIMEOUT
        )
    ]
    elapsed = time.monotonic() - start
    assert events == [("ADDED", "a")]
    assert 1.5 < elapsed < 10, f"stream lasted {elapsed:.1f}s for timeout_seconds=2"


def test_watch_deployments_sees_deletion(apps: client.AppsV1Api, ns: str) -> None:
    """DELETED events carry the whole last state (v37's V1Deployment requires .spec)."""
    apps.create_namespaced_deployment(ns, v1_deployment("web"))
    rv = apps.list_namespaced_deployment(ns).metadata.resource_version
    apps.patch_namespaced_deployment_scale("web", ns, {"spec": {"replicas": 2}})
    apps.delete_namespaced_deployment("web", ns, propagation_policy="Background")
    events: list[dict[str, Any]] = []
    w = watch.Watch()
    for ev in w.stream(
        apps.list_namespaced_deployment,
        namespace=ns,
        resource_version=rv,
        timeout_seconds=10,
        _request_timeout=TIMEOUT,
    ):
        events.append(ev)
        if len(events) == 2:
            w.stop()
    assert [(e["type"], e["object"].metadata.name) for e in events] == [
        ("MODIFIED", "web"),
        ("DELETED", "web"),
    ]
    assert all(isinstance(e["object"], client.V1Deployment) for e in events)
    assert events[1]["object"].spec.replicas == 2
    assert int(events[1]["object"].metadata.resource_version) > int(
        events[0]["object"].metadata.resource_version
    )


def test_watch_with_label_selector(core: client.CoreV1Api, ns: str) -> None:
    core.create_namespaced_pod(ns, v1_pod("x", {"app": "yes"}))
    core.create_namespaced_pod(ns, v1_pod("y", {"app": "no"}))
    initial_seen = threading.Event()

    def change() -> None:
        assert initial_seen.wait(15)
        core.create_namespaced_pod(ns, v1_pod("z", {"app": "no"}))  # never matches
        core.create_namespaced_pod(ns, v1_pod("w", {"app": "yes"}))
        core.patch_namespaced_pod("y", ns, {"metadata": {"labels": {"app": "yes"}}})
        core.patch_namespaced_pod("x", ns, {"metadata": {"labels": {"app": "no"}}})
        core.delete_namespaced_pod("z", ns)

    events: list[tuple[str, str]] = []
    w = watch.Watch()
    thread: threading.Thread | None = None
    errors: list[BaseException] = []
    for ev in w.stream(
        core.list_namespaced_pod,
        namespace=ns,
        label_selector="app=yes",
        timeout_seconds=20,
        _request_timeout=TIMEOUT,
    ):
        events.append((ev["type"], ev["object"].metadata.name))
        if len(events) == 1:
            initial_seen.set()
            thread, errors = run_in_thread(change)
        if len(events) == 4:
            w.stop()
    assert thread is not None, "no initial event"
    thread.join(10)
    assert not errors, errors
    # an object that starts matching arrives as ADDED, one that stops matching leaves as DELETED
    assert events == [("ADDED", "x"), ("ADDED", "w"), ("ADDED", "y"), ("DELETED", "x")]


# --------------------------------------------------------------------------- dynamic client


def test_dynamic_client_discovers_and_gets(
    api: client.ApiClient, apps: client.AppsV1Api, core: client.CoreV1Api, ns: str, tmp_path: Path
) -> None:
    apps.create_namespaced_deployment(ns, v1_deployment("web"))
    core.create_namespaced_pod(ns, v1_pod("p", {"app": "dyn"}))
    dyn = DynamicClient(api, cache_file=str(tmp_path / "discovery.json"))

    deployments = dyn.resources.get(api_version="apps/v1", kind="Deployment")
    assert deployments.namespaced and deployments.name == "deployments"
    assert deployments.group == "apps" and deployments.group_version == "apps/v1"
    assert "watch" in deployments.verbs and "patch" in deployments.verbs
    d = deployments.get(name="web", namespace=ns)
    assert d.kind == "Deployment" and d.metadata.name == "web"
    assert d.spec.template.spec.containers[0].image == "nginx:1.25"
    lst = deployments.get(namespace=ns)
    assert lst.kind == "DeploymentList" and [i.metadata.name for i in lst.items] == ["web"]

    pods = dyn.resources.get(api_version="v1", kind="Pod")
    assert pods.name == "pods" and pods.group == "" and pods.namespaced
    p = pods.get(name="p", namespace=ns)
    assert p.kind == "Pod" and p.metadata.labels.app == "dyn"
    by_label = pods.get(namespace=ns, label_selector="app=dyn")
    assert [i.metadata.name for i in by_label.items] == ["p"]

    # subresources are discovered too
    scale = dyn.resources.get(api_version="apps/v1", kind="Deployment").subresources["scale"]
    assert scale.kind == "Scale"
    namespaces = dyn.resources.get(api_version="v1", kind="Namespace")
    assert not namespaces.namespaced
    assert namespaces.get(name=ns).metadata.name == ns


# --------------------------------------------------------------------------- strict types


def test_pod_with_status_deserialises_strictly(core: client.CoreV1Api, ns: str) -> None:
    core.create_namespaced_pod(ns, v1_pod("s"))
    pod = core.read_namespaced_pod("s", ns)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    pod.status = client.V1PodStatus(
        phase="Running",
        pod_ip="10.244.0.7",
        pod_ips=[client.V1PodIP(ip="10.244.0.7")],
        host_ip="192.168.0.2",
        start_time=now,
        conditions=[
            client.V1PodCondition(type="Ready", status="True", last_transition_time=now),
        ],
        container_statuses=[
            client.V1ContainerStatus(
                name="main",
                image="busybox:1.36",
                image_id="",
                ready=True,
                restart_count=0,
                started=True,
                state=client.V1ContainerState(
                    running=client.V1ContainerStateRunning(started_at=now)
                ),
            )
        ],
    )
    core.replace_namespaced_pod_status("s", ns, pod)

    got = core.read_namespaced_pod("s", ns)
    meta = got.metadata
    assert_meta(meta, "s", ns)
    assert isinstance(meta.labels, dict)
    st = got.status
    assert st.phase == "Running" and st.pod_ip == "10.244.0.7"
    assert [i.ip for i in st.pod_ips] == ["10.244.0.7"]
    assert st.start_time == now and st.start_time.tzinfo is not None
    assert [(c.type, c.status) for c in st.conditions] == [("Ready", "True")]
    assert st.conditions[0].last_transition_time == now
    cs = st.container_statuses[0]
    assert (cs.name, cs.ready, cs.restart_count, cs.started) == ("main", True, 0, True)
    assert isinstance(cs.restart_count, int) and isinstance(cs.ready, bool)
    assert cs.state.running.started_at == now
    spec = got.spec
    assert spec.containers[0].termination_message_path == "/dev/termination-log"
    assert spec.containers[0].image_pull_policy == "IfNotPresent"
    assert isinstance(spec.termination_grace_period_seconds, int)
    assert spec.dns_policy == "ClusterFirst" and spec.scheduler_name == "default-scheduler"
    # the whole list, with status, also deserialises
    assert [p.status.phase for p in core.list_namespaced_pod(ns).items] == ["Running"]


def test_deployment_deserialises_strictly(apps: client.AppsV1Api, ns: str) -> None:
    apps.create_namespaced_deployment(ns, v1_deployment("web", replicas=2))
    dep = apps.read_namespaced_deployment("web", ns)
    meta = dep.metadata
    assert_meta(meta, "web", ns)
    assert type(meta.generation) is int and meta.generation == 1
    assert type(dep.spec.replicas) is int and dep.spec.replicas == 2
    assert dep.spec.selector.match_labels == {"app": "web"}
    tmpl = dep.spec.template
    assert tmpl.metadata.labels == {"app": "web"}
    port = tmpl.spec.containers[0].ports[0]
    assert type(port.container_port) is int and port.protocol == "TCP"
    assert type(dep.spec.strategy.rolling_update.max_unavailable) in (int, str)
    # the raw JSON has the wire types the models insist on
    raw = apps.read_namespaced_deployment("web", ns, _preload_content=False)
    try:
        body = json.loads(raw.data)
    finally:
        raw.release_conn()
    assert isinstance(body["metadata"]["resourceVersion"], str)
    assert type(body["metadata"]["generation"]) is int
    assert body["metadata"]["creationTimestamp"].endswith("Z")
