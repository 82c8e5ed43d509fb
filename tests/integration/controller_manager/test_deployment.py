"""Deployments: rolling updates within their bounds, Recreate, and the real kubectl rollout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integration.controller_manager.helpers import (
    PodTimeline,
    create,
    deployment,
    deployment_done,
    get,
    wait_ready_pods,
)
from tests.support.cm_proc import ControllerManager
from tests.support.hollow import HollowThread
from tests.support.kubectl import Kubectl, write_kubeconfig
from tests.support.procs import ApiServer, wait_for

SMP = {"Content-Type": "application/strategic-merge-patch+json"}


def deploy_path(ns: str, name: str = "") -> str:
    return f"/apis/apps/v1/namespaces/{ns}/deployments" + (f"/{name}" if name else "")


def set_image(client: httpx.Client, ns: str, name: str, image: str) -> None:
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "web", "image": image}]}}}}
    r = client.patch(deploy_path(ns, name), json=patch, headers=SMP)
    assert r.status_code == 200, r.text


def watch_rollout(
    client: httpx.Client, apiserver: ApiServer, ns: str, name: str, change: Any, timeout: float
) -> list[tuple[int, int, set[str]]]:
    """Apply `change`, then follow every pod event until the rollout is done.

    Returns, for every observed moment, (live pods, ready live pods, images of live pods).
    """
    timeline = PodTimeline(client, apiserver.url, ns)
    replicas = (get(client, deploy_path(ns, name)) or {})["spec"]["replicas"]
    change()

    def done() -> bool:
        timeline.drain()
        return deployment_done(client, ns, name, replicas) and len(timeline.state) == replicas

    wait_for(done, timeout, "the rollout to finish", interval=0.2)
    return timeline.moments


@pytest.mark.parametrize(
    ("replicas", "surge", "unavailable", "max_live", "min_ready"),
    [(6, 2, 1, 8, 5), (8, "25%", "25%", 10, 6)],
)
def test_rolling_update_stays_within_max_surge_and_max_unavailable(
    client: httpx.Client,
    ns: str,
    apiserver: ApiServer,
    cm: ControllerManager,
    hollow: HollowThread,
    replicas: int,
    surge: Any,
    unavailable: Any,
    max_live: int,
    min_ready: int,
) -> None:
    strategy = {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxSurge": surge, "maxUnavailable": unavailable},
    }
    create(client, deploy_path(ns), deployment("web", replicas=replicas, strategy=strategy))
    wait_ready_pods(client, ns, "app=web", replicas)
    wait_for(lambda: deployment_done(client, ns, "web", replicas), 20, "first rollout")
    moments = watch_rollout(
        client, apiserver, ns, "web", lambda: set_image(client, ns, "web", "nginx:2"), 60
    )
    assert moments, "no pod event seen during the rollout"
    for live_count, ready, _ in moments:
        assert live_count <= max_live, moments
        assert ready >= min_ready, moments
    assert max(m[0] for m in moments) > replicas, "the rollout never surged"
    assert any(len(m[2]) == 2 for m in moments), "never saw old and new pods mid-rollout"
    assert moments[-1][2] == {"nginx:2"}
    rs = client.get(f"/apis/apps/v1/namespaces/{ns}/replicasets").json()["items"]
    assert sorted(r["spec"]["replicas"] for r in rs) == [0, replicas]


def test_recreate_never_runs_old_and_new_pods_together(
    client: httpx.Client, ns: str, apiserver: ApiServer, cm: ControllerManager, hollow: HollowThread
) -> None:
    create(client, deploy_path(ns), deployment("web", replicas=3, strategy={"type": "Recreate"}))
    wait_ready_pods(client, ns, "app=web", 3)
    wait_for(lambda: deployment_done(client, ns, "web", 3), 20, "first rollout")
    moments = watch_rollout(
        client, apiserver, ns, "web", lambda: set_image(client, ns, "web", "nginx:2"), 60
    )
    assert all(len(images) <= 1 for _, _, images in moments), moments
    assert moments[-1][2] == {"nginx:2"}


def test_kubectl_rollout_status_history_undo_pause_resume(
    client: httpx.Client,
    ns: str,
    apiserver: ApiServer,
    cm: ControllerManager,
    hollow: HollowThread,
    tmp_path: Path,
) -> None:
    kc = Kubectl(write_kubeconfig(apiserver.kubeconfig(tmp_path / "kc"), ns), tmp_path)
    manifest = kc.manifest("web.yaml", deployment("web", replicas=3))
    kc.ok("apply", "-f", str(manifest), stderr="")
    out = kc.ok("rollout", "status", "deployment/web", "--timeout=60s", timeout=90).stdout
    assert 'deployment "web" successfully rolled out' in out
    kc.ok("set", "image", "deployment/web", "web=nginx:2")
    kc.ok("annotate", "deployment/web", "kubernetes.io/change-cause=image nginx:2")
    kc.ok("rollout", "status", "deployment/web", "--timeout=60s", timeout=90)
    history = kc.ok("rollout", "history", "deployment/web").stdout
    rows = [ln.split() for ln in history.splitlines() if ln[:1].isdigit()]
    assert [r[0] for r in rows] == ["1", "2"], history
    assert "image nginx:2" in history

    kc.ok("rollout", "undo", "deployment/web")
    kc.ok("rollout", "status", "deployment/web", "--timeout=60s", timeout=90)
    d = get(client, deploy_path(ns, "web")) or {}
    assert d["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1"
    assert d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "3"
    history = kc.ok("rollout", "history", "deployment/web").stdout
    assert [ln.split()[0] for ln in history.splitlines() if ln[:1].isdigit()] == ["2", "3"]
    assert {
        p["spec"]["containers"][0]["image"] for p in wait_ready_pods(client, ns, "app=web", 3)
    } == {"nginx:1"}

    kc.ok("rollout", "pause", "deployment/web")
    kc.ok("set", "image", "deployment/web", "web=nginx:3")

    def paused_seen() -> bool:
        d = get(client, deploy_path(ns, "web")) or {}
        s = d.get("status") or {}
        conds = {c["type"]: c.get("reason") for c in s.get("conditions") or []}
        return (
            s.get("observedGeneration") == d["metadata"]["generation"]
            and conds.get("Progressing") == "DeploymentPaused"
        )

    wait_for(paused_seen, 20, "the paused deployment to be observed")
    rs = client.get(f"/apis/apps/v1/namespaces/{ns}/replicasets").json()["items"]
    images = {r["spec"]["template"]["spec"]["containers"][0]["image"] for r in rs}
    assert images == {"nginx:1", "nginx:2"}  # nothing rolled while paused
    kc.ok("rollout", "resume", "deployment/web")
    kc.ok("rollout", "status", "deployment/web", "--timeout=60s", timeout=90)
    assert {
        p["spec"]["containers"][0]["image"] for p in wait_ready_pods(client, ns, "app=web", 3)
    } == {"nginx:3"}
    get_deploy = kc.ok("get", "deploy", "web").stdout
    assert "3/3" in get_deploy


def test_a_stuck_rollout_exceeds_its_progress_deadline(
    client: httpx.Client,
    ns: str,
    apiserver: ApiServer,
    cm: ControllerManager,
    hollow: HollowThread,
    tmp_path: Path,
) -> None:
    create(client, deploy_path(ns), deployment("web", replicas=2, progressDeadlineSeconds=3))
    wait_ready_pods(client, ns, "app=web", 2)
    wait_for(lambda: deployment_done(client, ns, "web", 2), 20, "first rollout")
    # the new pods fit no node, so they stay Pending and the rollout cannot progress
    patch = {"spec": {"template": {"spec": {"nodeSelector": {"disk": "none-has-it"}}}}}
    assert client.patch(deploy_path(ns, "web"), json=patch, headers=SMP).status_code == 200

    def conditions() -> dict[str, tuple[str, str]]:
        d = get(client, deploy_path(ns, "web")) or {}
        return {
            c["type"]: (c["status"], c.get("reason", ""))
            for c in (d.get("status") or {}).get("conditions") or []
        }

    wait_for(
        lambda: conditions().get("Progressing") == ("False", "ProgressDeadlineExceeded"),
        30,
        "Progressing=False ProgressDeadlineExceeded",
    )
    # maxUnavailable 25% of 2 rounds down to 0: both old pods keep serving
    assert conditions()["Available"] == ("True", "MinimumReplicasAvailable")
    kc = Kubectl(write_kubeconfig(apiserver.kubeconfig(tmp_path / "kc"), ns), tmp_path)
    r = kc.run("rollout", "status", "deployment/web", "--timeout=20s", timeout=60)
    assert r.returncode != 0 and "exceeded its progress deadline" in r.stderr, str(r)


def test_scaling_a_stuck_rollout_is_proportional(
    client: httpx.Client, ns: str, cm: ControllerManager, hollow: HollowThread
) -> None:
    strategy = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 3, "maxUnavailable": 0}}
    create(client, deploy_path(ns), deployment("web", replicas=10, strategy=strategy))
    wait_ready_pods(client, ns, "app=web", 10)
    wait_for(lambda: deployment_done(client, ns, "web", 10), 20, "first rollout")
    # new pods fit no node: the rollout stops with 10 old and 3 new (surge) replicas
    patch = {"spec": {"template": {"spec": {"nodeSelector": {"disk": "none-has-it"}}}}}
    assert client.patch(deploy_path(ns, "web"), json=patch, headers=SMP).status_code == 200

    def sizes() -> list[int]:
        items = client.get(f"/apis/apps/v1/namespaces/{ns}/replicasets").json()["items"]
        return sorted(r["spec"]["replicas"] for r in items)

    wait_for(lambda: sizes() == [3, 10], 30, "a stuck rollout at 10 old + 3 new")
    r = client.patch(
        deploy_path(ns, "web") + "/scale",
        json={"spec": {"replicas": 20}},
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert r.status_code == 200, r.text
    # 23 allowed (20 + maxSurge 3), spread by size: 10 * 23/13 -> 18, the rest -> 5
    wait_for(lambda: sizes() == [5, 18], 30, "proportional scaling to 18 old + 5 new")
