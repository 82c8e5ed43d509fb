"""The other verbs: describe, events, label/annotate, scale, set image, rollout, generators,
cordon/uncordon/drain, logs/exec error paths, config, version, api-resources, completion."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import yaml

from tests.integration.kubectl_cli.helpers import created, fetch, gone, set_status
from tests.support.cli import Kubeling
from tests.support.objects import deployment, pod


def event(ns: str, obj: dict[str, Any], reason: str, when: str, message: str) -> dict[str, Any]:
    m = obj["metadata"]
    return {
        "metadata": {"name": f"{m['name']}.{uuid.uuid4().hex[:6]}"},
        "involvedObject": {
            "kind": obj["kind"],
            "name": m["name"],
            "namespace": ns,
            "uid": m["uid"],
            "apiVersion": obj["apiVersion"],
        },
        "reason": reason,
        "message": message,
        "type": "Normal",
        "source": {"component": "test"},
        "firstTimestamp": when,
        "lastTimestamp": when,
        "count": 1,
    }


def test_describe_pod_with_sorted_events(kubeling: Kubeling, client: httpx.Client, ns: str) -> None:
    p = pod("web", labels={"app": "web"})
    p["spec"]["containers"][0].update(
        ports=[{"containerPort": 80}], env=[{"name": "MODE", "value": "fast"}]
    )
    obj = created(client, f"/api/v1/namespaces/{ns}/pods", p)
    for reason, when in (("Second", "2026-01-01T00:02:00Z"), ("First", "2026-01-01T00:01:00Z")):
        created(client, f"/api/v1/namespaces/{ns}/events", event(ns, obj, reason, when, reason))
    out = kubeling.ok("describe", "pod", "web").stdout
    lines = out.splitlines()
    assert lines[0].split() == ["Name:", "web"]
    assert lines[1].split() == ["Namespace:", ns]
    assert "Labels:           app=web" in lines
    assert "Status:           Pending" in lines
    assert "  main:" in lines
    assert ["Port:", "80/TCP"] in [ln.split() for ln in lines]
    assert ["MODE:", "fast"] in [ln.split() for ln in lines]
    assert lines.index("Events:") > lines.index("Containers:")
    first = next(i for i, line in enumerate(lines) if "First" in line)
    second = next(i for i, line in enumerate(lines) if "Second" in line)
    assert first < second  # sorted by time, not by creation order
    assert lines[lines.index("Events:") + 1].split() == ["Type", "Reason", "Age", "From", "Message"]
    r = kubeling.fails("describe", "pod", "nope")
    assert r.stderr == 'Error from server (NotFound): pods "nope" not found\n'


def test_describe_other_kinds(kubeling: Kubeling, client: httpx.Client, ns: str) -> None:
    created(client, f"/apis/apps/v1/namespaces/{ns}/deployments", deployment("web"))
    created(
        client,
        f"/api/v1/namespaces/{ns}/configmaps",
        {"metadata": {"name": "cfg"}, "data": {"k": "v"}},
    )
    out = kubeling.ok("describe", "deploy/web").stdout.splitlines()
    assert out[0] == "Name:                   web"
    assert (
        "Replicas:               1 desired | 0 updated | 0 total | 0 available | 0 unavailable"
        in out
    )
    assert "Pod Template:" in out and out[-1] == "Events:            <none>"
    cm = kubeling.ok("describe", "cm", "cfg").stdout.splitlines()
    assert cm[:4] == [
        "Name:         cfg",
        f"Namespace:    {ns}",
        "Labels:       <none>",
        "Annotations:  <none>",
    ]
    assert cm[5:9] == ["Data", "====", "k:", "----"]
    ns_out = kubeling.ok("describe", "ns", ns).stdout.splitlines()
    assert ns_out[0] == f"Name:         {ns}" and ns_out[-1] == "Status:       Active"
    svc = kubeling.ok("describe", "svc", "kubernetes", "-n", "default").stdout
    assert "Type:                     ClusterIP" in svc
    created(
        client,
        f"/apis/coordination.k8s.io/v1/namespaces/{ns}/leases",
        {"metadata": {"name": "l1"}, "spec": {"holderIdentity": "me"}},
    )
    lease = kubeling.ok("describe", "lease", "l1").stdout.splitlines()  # the generic describer
    assert lease[0] == "Name:         l1" and "  Holder Identity:  me" in lease


def test_events_sorted(kubeling: Kubeling, client: httpx.Client, ns: str) -> None:
    obj = created(client, f"/api/v1/namespaces/{ns}/pods", pod("p"))
    for reason, when in (("Late", "2026-01-01T00:05:00Z"), ("Early", "2026-01-01T00:01:00Z")):
        created(client, f"/api/v1/namespaces/{ns}/events", event(ns, obj, reason, when, "m"))
    lines = kubeling.ok("events").stdout.splitlines()
    assert lines[0].split() == ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    assert [ln.split()[2] for ln in lines[1:]] == ["Early", "Late"]
    assert all(ln.split()[3] == "Pod/p" for ln in lines[1:])
    assert kubeling.ok("get", "ev").stdout.splitlines()[0].split()[:3] == ["LAST", "SEEN", "TYPE"]


def test_label_and_annotate_overwrite_rules(
    kubeling: Kubeling, client: httpx.Client, ns: str
) -> None:
    created(client, f"/api/v1/namespaces/{ns}/pods", pod("p", labels={"a": "1"}))
    url = f"/api/v1/namespaces/{ns}/pods/p"
    assert kubeling.ok("label", "pod", "p", "b=2").stdout == "pod/p labeled\n"
    r = kubeling.fails("label", "pod", "p", "a=9")
    assert r.stderr == "error: 'a' already has a value (1), and --overwrite is false\n"
    assert kubeling.ok("label", "pod", "p", "a=9", "--overwrite").stdout == "pod/p labeled\n"
    assert kubeling.ok("label", "pod/p", "b-").stdout == "pod/p unlabeled\n"
    r = kubeling.ok("label", "pod/p", "b-")
    assert (r.stdout, r.stderr) == ("pod/p not labeled\n", 'label "b" not found.\n')
    assert fetch(client, url)["metadata"]["labels"] == {"a": "9"}
    assert kubeling.ok("annotate", "pod", "p", "note=hi").stdout == "pod/p annotated\n"
    kubeling.fails("annotate", "pod", "p", "note=other")
    kubeling.ok("annotate", "pod", "p", "note=other", "--overwrite")
    assert fetch(client, url)["metadata"]["annotations"]["note"] == "other"


def test_scale_and_set_image(kubeling: Kubeling, client: httpx.Client, ns: str) -> None:
    url = f"/apis/apps/v1/namespaces/{ns}/deployments/web"
    created(client, f"/apis/apps/v1/namespaces/{ns}/deployments", deployment("web"))
    assert kubeling.ok("scale", "deploy", "web", "--replicas=4").stdout == (
        "deployment.apps/web scaled\n"
    )
    assert fetch(client, url)["spec"]["replicas"] == 4
    r = kubeling.fails("scale", "deploy/web", "--replicas=2", "--current-replicas=3")
    assert r.stderr == "error: Expected replicas to be 3, was 4\n"
    kubeling.ok("scale", "deploy/web", "--replicas=2", "--current-replicas=4")
    assert fetch(client, url)["spec"]["replicas"] == 2
    assert kubeling.ok("set", "image", "deploy/web", "web=nginx:1.27").stdout == (
        "deployment.apps/web image updated\n"
    )
    c = fetch(client, url)["spec"]["template"]["spec"]["containers"]
    assert [(x["name"], x["image"]) for x in c] == [("web", "nginx:1.27")]
    assert kubeling.ok("set", "image", "deploy/web", "web=nginx:1.27").stdout == ""  # no change
    r = kubeling.fails("set", "image", "deploy/web", "nope=x")
    assert r.stderr == 'error: unable to find container named "nope"\n'


def make_revision(
    client: httpx.Client, ns: str, d: dict[str, Any], rev: int, image: str, cause: str
) -> dict[str, Any]:
    """A ReplicaSet as the deployment controller would have made it for revision `rev`."""
    tmpl = yaml.safe_load(yaml.safe_dump(d["spec"]["template"]))
    tmpl["spec"]["containers"][0]["image"] = image
    tmpl["metadata"]["labels"]["pod-template-hash"] = f"h{rev}"
    rs = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": f"{d['metadata']['name']}-h{rev}",
            "labels": tmpl["metadata"]["labels"],
            "annotations": {
                "deployment.kubernetes.io/revision": str(rev),
                "kubernetes.io/change-cause": cause,
            },
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "Deployment",
                    "name": d["metadata"]["name"],
                    "uid": d["metadata"]["uid"],
                    "controller": True,
                }
            ],
        },
        "spec": {
            "replicas": 0,
            "selector": {"matchLabels": dict(tmpl["metadata"]["labels"])},
            "template": tmpl,
        },
    }
    return created(client, f"/apis/apps/v1/namespaces/{ns}/replicasets", rs)


def test_rollout_history_undo_status_pause_restart(
    kubeling: Kubeling, client: httpx.Client, ns: str
) -> None:
    url = f"/apis/apps/v1/namespaces/{ns}/deployments/web"
    d = created(
        client, f"/apis/apps/v1/namespaces/{ns}/deployments", deployment("web", image="nginx:1.26")
    )
    assert kubeling.ok("rollout", "history", "deploy/web").stdout == (
        "deployment.apps/web \nNo rollout history found.\n"
    )
    make_revision(client, ns, d, 1, "nginx:1.25", "first")
    make_revision(client, ns, d, 2, "nginx:1.26", "second")
    resp = client.patch(
        url,
        json={
            "metadata": {
                "annotations": {
                    "deployment.kubernetes.io/revision": "2",
                    "example.com/only-on-the-deployment": "bad",
                }
            }
        },
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert resp.status_code == 200, resp.text
    lines = kubeling.ok("rollout", "history", "deployment", "web").stdout.splitlines()
    assert lines[0] == "deployment.apps/web "
    assert [ln.split() for ln in lines[1:4]] == [
        ["REVISION", "CHANGE-CAUSE"],
        ["1", "first"],
        ["2", "second"],
    ]
    assert kubeling.ok("rollout", "undo", "deploy/web").stdout == (
        "deployment.apps/web rolled back\n"
    )
    live = fetch(client, url)
    assert live["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.25"
    assert "pod-template-hash" not in live["spec"]["template"]["metadata"]["labels"]
    assert live["metadata"]["annotations"]["kubernetes.io/change-cause"] == "first"
    # like kubectl: only the skipped annotations stay from the Deployment
    assert "example.com/only-on-the-deployment" not in live["metadata"]["annotations"]
    assert live["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "2"

    # status: fabricate what the deployment controller reports
    gen = live["metadata"]["generation"]
    set_status(client, url, {"observedGeneration": gen, "replicas": 1, "updatedReplicas": 0})
    r = kubeling.ok("rollout", "status", "deploy/web", "--watch=false")
    assert r.stdout == (
        'Waiting for deployment "web" rollout to finish: 0 out of 1 new '
        "replicas have been updated...\n"
    )
    set_status(
        client,
        url,
        {
            "observedGeneration": gen,
            "replicas": 1,
            "updatedReplicas": 1,
            "availableReplicas": 1,
            "readyReplicas": 1,
        },
    )
    assert kubeling.ok("rollout", "status", "deploy/web").stdout == (
        'deployment "web" successfully rolled out\n'
    )

    assert kubeling.ok("rollout", "pause", "deploy/web").stdout == "deployment.apps/web paused\n"
    assert fetch(client, url)["spec"]["paused"] is True
    kubeling.fails("rollout", "restart", "deploy/web")
    r = kubeling.fails("rollout", "pause", "deploy/web")
    assert r.stderr == 'error: deployments.apps "web" is already paused\n'
    assert kubeling.ok("rollout", "resume", "deploy/web").stdout == (
        "deployment.apps/web resumed\n"
    )
    assert kubeling.ok("rollout", "restart", "deploy/web").stdout == (
        "deployment.apps/web restarted\n"
    )
    ann = fetch(client, url)["spec"]["template"]["metadata"]["annotations"]
    assert ann["kubectl.kubernetes.io/restartedAt"].endswith("Z")


def test_rollout_status_follows_watch(kubeling: Kubeling, client: httpx.Client, ns: str) -> None:
    """A real process waits on the watch until the status says done."""
    import os
    import subprocess

    url = f"/apis/apps/v1/namespaces/{ns}/deployments/web"
    d = created(client, f"/apis/apps/v1/namespaces/{ns}/deployments", deployment("web"))
    from tests.support.cli import CONSOLE_SCRIPT

    proc = subprocess.Popen(
        [str(CONSOLE_SCRIPT), "rollout", "status", "deploy/web", "--timeout=30s"],
        env={**os.environ, **kubeling.env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first == "Waiting for deployment spec update to be observed...\n"
        set_status(
            client,
            url,
            {
                "observedGeneration": d["metadata"]["generation"],
                "replicas": 1,
                "updatedReplicas": 1,
                "readyReplicas": 1,
                "availableReplicas": 1,
            },
        )
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err
        assert out.splitlines()[-1] == 'deployment "web" successfully rolled out'
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)


def test_generators_and_dry_run(kubeling: Kubeling, client: httpx.Client, ns: str) -> None:
    out = kubeling.ok(
        "create",
        "deployment",
        "gen",
        "--image=nginx:1.25",
        "--replicas=2",
        "--port=80",
        "--dry-run=client",
        "-o",
        "yaml",
    ).stdout
    doc = yaml.safe_load(out)
    assert doc["spec"]["template"]["spec"]["containers"] == [
        {"image": "nginx:1.25", "name": "nginx", "ports": [{"containerPort": 80}], "resources": {}}
    ]
    assert "metadata:\n  creationTimestamp: null\n" in out
    assert gone(client, f"/apis/apps/v1/namespaces/{ns}/deployments/gen")
    assert kubeling.ok("create", "deployment", "gen", "--image=nginx:1.25").stdout == (
        "deployment.apps/gen created\n"
    )
    d = fetch(client, f"/apis/apps/v1/namespaces/{ns}/deployments/gen")
    assert d["spec"]["selector"]["matchLabels"] == {"app": "gen"}
    assert kubeling.ok("expose", "deploy", "gen", "--port=80", "--target-port=8080").stdout == (
        "service/gen exposed\n"
    )
    svc = fetch(client, f"/api/v1/namespaces/{ns}/services/gen")
    assert svc["spec"]["selector"] == {"app": "gen"}
    assert svc["spec"]["ports"][0]["targetPort"] == 8080
    assert (
        kubeling.ok("run", "r1", "--image=busybox", "--labels=x=y", "--", "sleep", "3600").stdout
        == "pod/r1 created\n"
    )
    r1 = fetch(client, f"/api/v1/namespaces/{ns}/pods/r1")
    assert r1["spec"]["containers"][0]["args"] == ["sleep", "3600"]
    assert r1["metadata"]["labels"] == {"x": "y"}
    assert kubeling.ok("create", "configmap", "c1", "--from-literal=a=b").stdout == (
        "configmap/c1 created\n"
    )
    assert fetch(client, f"/api/v1/namespaces/{ns}/configmaps/c1")["data"] == {"a": "b"}
    f = kubeling.manifests / "key.txt"
    f.write_text("secret-value")
    kubeling.ok("create", "secret", "generic", "s1", f"--from-file={f}", "--from-literal=u=me")
    data = fetch(client, f"/api/v1/namespaces/{ns}/secrets/s1")["data"]
    assert base64.b64decode(data["key.txt"]) == b"secret-value"
    assert base64.b64decode(data["u"]) == b"me"
    name = f"{ns}-extra"
    assert kubeling.ok("create", "namespace", name).stdout == f"namespace/{name} created\n"
    fetch(client, f"/api/v1/namespaces/{name}")


@pytest.fixture
def node(client: httpx.Client) -> Iterator[str]:
    name = f"n-{uuid.uuid4().hex[:6]}"
    created(
        client,
        "/api/v1/nodes",
        {
            "metadata": {"name": name},
            "status": {"conditions": [{"type": "Ready", "status": "True"}]},
        },
    )
    yield name
    client.delete(f"/api/v1/nodes/{name}")


def test_cordon_uncordon_drain(
    kubeling: Kubeling, client: httpx.Client, ns: str, node: str
) -> None:
    url = f"/api/v1/nodes/{node}"
    assert kubeling.ok("cordon", node).stdout == f"node/{node} cordoned\n"
    assert fetch(client, url)["spec"]["unschedulable"] is True
    assert kubeling.ok("uncordon", node).stdout == f"node/{node} uncordoned\n"
    assert not fetch(client, url)["spec"].get("unschedulable")
    pods = f"/api/v1/namespaces/{ns}/pods"
    owner = {"apiVersion": "apps/v1", "name": "x", "uid": str(uuid.uuid4()), "controller": True}
    ds_pod = pod("ds-pod", node=node)
    ds_pod["metadata"]["ownerReferences"] = [{**owner, "kind": "DaemonSet"}]
    rs_pod = pod("rs-pod", node=node)
    rs_pod["metadata"]["ownerReferences"] = [{**owner, "kind": "ReplicaSet"}]
    for p in (ds_pod, rs_pod, pod("lonely", node=node)):
        created(client, pods, p)
    r = kubeling.fails("drain", node)
    assert "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore)" in r.stderr
    assert "cannot delete Pods that declare no controller (use --force to override)" in r.stderr
    assert fetch(client, url)["spec"]["unschedulable"] is True  # cordoned first
    r = kubeling.ok("drain", node, "--ignore-daemonsets", "--force", "--grace-period=0")
    assert f"evicting pod {ns}/rs-pod" in r.stdout and f"evicting pod {ns}/lonely" in r.stdout
    assert r.stdout.splitlines()[-1] == f"node/{node} drained"
    assert "ds-pod" not in r.stdout
    assert gone(client, f"{pods}/rs-pod") and gone(client, f"{pods}/lonely")
    fetch(client, f"{pods}/ds-pod")


def test_logs_argument_handling_and_errors(
    kubeling: Kubeling, client: httpx.Client, ns: str
) -> None:
    created(client, f"/api/v1/namespaces/{ns}/pods", pod("p", labels={"app": "web"}))
    created(client, f"/apis/apps/v1/namespaces/{ns}/deployments", deployment("web"))
    r = kubeling.fails("logs", "p")
    assert r.stderr.startswith("Error from server (BadRequest): ")
    assert "host" in r.stderr  # an unscheduled pod has no kubelet to ask
    r = kubeling.fails("logs", "deploy/web", "--tail=5")
    assert r.stderr.startswith("Error from server (BadRequest): ")
    r = kubeling.fails("logs", "p", "-c", "nope")
    assert r.stderr == "error: container nope is not valid for pod p\n"
    r = kubeling.fails("logs", "-l", "app=none")
    assert r.stderr == f"No resources found in {ns} namespace.\n"
    r = kubeling.fails("logs", "missing")
    assert r.stderr == 'Error from server (NotFound): pods "missing" not found\n'
    r = kubeling.fails("exec", "p", "--", "ls")
    assert r.stderr.startswith("error: exec is not supported by kubeling yet")


def test_config_verbs_edit_the_file(kubeling: Kubeling, ns: str) -> None:
    lines = kubeling.ok("config", "get-contexts").stdout.splitlines()
    assert lines[0].split() == ["CURRENT", "NAME", "CLUSTER", "AUTHINFO", "NAMESPACE"]
    assert lines[1].split() == ["*", "kubeling", "kubeling", "admin", ns]
    assert kubeling.ok("config", "set-context", "--current", "--namespace=other").stdout == (
        'Context "kubeling" modified.\n'
    )
    doc = yaml.safe_load(kubeling.kubeconfig.read_text())
    assert doc["contexts"][0]["context"]["namespace"] == "other"
    kubeling.ok(
        "config", "set-context", "second", "--cluster=kubeling", "--user=admin", f"--namespace={ns}"
    )
    assert kubeling.ok("config", "use-context", "second").stdout == (
        'Switched to context "second".\n'
    )
    assert kubeling.ok("config", "current-context").stdout == "second\n"
    view = yaml.safe_load(kubeling.ok("config", "view").stdout)
    assert view["current-context"] == "second" and len(view["contexts"]) == 2
    r = kubeling.fails("config", "use-context", "nope")
    assert r.stderr == 'error: no context exists with the name: "nope"\n'
    # the namespace of the new current context is used
    assert kubeling.ok("get", "pods").stderr == f"No resources found in {ns} namespace.\n"
    assert kubeling.ok("--context", "kubeling", "get", "pods").stderr == (
        "No resources found in other namespace.\n"
    )


def test_version_api_resources_completion(kubeling: Kubeling) -> None:
    out = kubeling.ok("version").stdout.splitlines()
    assert out[0].startswith("Client Version: ") and out[1] == "Server Version: v1.32.0"
    lines = kubeling.ok("api-resources").stdout.splitlines()
    assert lines[0].split() == ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
    rows = {ln.split()[0]: ln.split() for ln in lines[1:]}
    assert rows["pods"] == ["pods", "po", "v1", "true", "Pod"]
    assert rows["deployments"] == ["deployments", "deploy", "apps/v1", "true", "Deployment"]
    assert "_KUBELING_COMPLETE" in kubeling.ok("completion", "bash").stdout


def test_shell_completion_of_types_and_names(
    kubeling: Kubeling, client: httpx.Client, ns: str
) -> None:
    from click.testing import CliRunner

    from kubectl.__main__ import cli

    created(client, f"/apis/apps/v1/namespaces/{ns}/deployments", deployment("web"))
    created(client, f"/apis/apps/v1/namespaces/{ns}/deployments", deployment("worker"))

    def complete(line: str) -> list[str]:
        words = line.split(" ")
        env = {
            **kubeling.env,
            "_KUBELING_COMPLETE": "bash_complete",
            "COMP_WORDS": line,
            "COMP_CWORD": str(len(words) - 1),
        }
        r = CliRunner().invoke(cli, [], env=env, prog_name="kubeling")
        return [item.split(",", 1)[1] for item in r.stdout.splitlines()]

    assert complete("kubeling get dep") == ["deploy", "deployments"]
    assert complete("kubeling get deploy w") == ["web", "worker"]
    assert complete("kubeling describe deploy/wo") == ["deploy/worker"]
    assert complete(f"kubeling delete deploy -n {ns} we") == ["web"]
