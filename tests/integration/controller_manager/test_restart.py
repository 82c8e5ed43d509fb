"""Killing the controller manager mid-rollout: a new one finishes it, no pod too many or few."""

from __future__ import annotations

import httpx

from tests.integration.controller_manager.helpers import (
    PodTimeline,
    create,
    deployment,
    deployment_done,
    get,
    live,
    pods,
    wait_ready_pods,
)
from tests.support.cm_proc import ControllerManager
from tests.support.hollow import HollowThread
from tests.support.procs import ApiServer, wait_for


def test_killed_mid_rollout_a_restarted_manager_finishes_it(
    client: httpx.Client,
    ns: str,
    apiserver: ApiServer,
    cm: ControllerManager,
    hollow: HollowThread,
) -> None:
    cidrs = {
        n: (get(client, f"/api/v1/nodes/{n}") or {})["spec"].get("podCIDR") for n in hollow.names
    }
    strategy = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}
    create(
        client,
        f"/apis/apps/v1/namespaces/{ns}/deployments",
        deployment("web", replicas=8, strategy=strategy, minReadySeconds=1),
    )
    wait_ready_pods(client, ns, "app=web", 8, timeout=40)
    wait_for(lambda: deployment_done(client, ns, "web", 8), 30, "first rollout")
    timeline = PodTimeline(client, apiserver.url, ns)
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:2"}]}}}}
    r = client.patch(
        f"/apis/apps/v1/namespaces/{ns}/deployments/web",
        json=patch,
        headers={"Content-Type": "application/strategic-merge-patch+json"},
    )
    assert r.status_code == 200, r.text

    def some_new_pods() -> bool:
        images = [p["spec"]["containers"][0]["image"] for p in live(pods(client, ns, "app=web"))]
        return "nginx:2" in images and "nginx:1" in images

    wait_for(some_new_pods, 20, "the rollout to start")
    cm.kill()
    cm.start()
    wait_for(lambda: deployment_done(client, ns, "web", 8), 60, "the rollout to finish")
    final = wait_ready_pods(client, ns, "app=web", 8)
    assert {p["spec"]["containers"][0]["image"] for p in final} == {"nginx:2"}
    moments = timeline.drain()
    assert any(len(images) == 2 for _, _, images in moments)
    # maxSurge 1, maxUnavailable 0, before, during and after the crash
    assert all(live_count <= 9 and ready >= 8 for live_count, ready, _ in moments), moments
    rs = client.get(f"/apis/apps/v1/namespaces/{ns}/replicasets").json()["items"]
    assert sorted(r["spec"]["replicas"] for r in rs) == [0, 8]
    # pod CIDRs survive the restart
    after = {
        n: (get(client, f"/api/v1/nodes/{n}") or {})["spec"].get("podCIDR") for n in hollow.names
    }
    assert after == cidrs
