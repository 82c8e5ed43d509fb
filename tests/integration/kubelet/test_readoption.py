"""A restarted kubelet re-adopts its running containers from their labels (same containers,
no restart, no status rewrite) and garbage-collects the containers of pods deleted while it
was down."""

from __future__ import annotations

import subprocess

from tests.integration.kubelet.conftest import Pods, container_status
from tests.support.kubelet_proc import Kubelet
from tests.support.procs import wait_for

SLEEP = "trap 'exit 0' TERM; sleep 3600 & wait"


def pod_containers(uid: str) -> list[str]:
    out = subprocess.run(
        ["docker", "ps", "-aq", "--no-trunc", "--filter", f"label=io.kubeling.pod.uid={uid}"],
        capture_output=True,
        text=True,
        check=True,
    )
    return sorted(out.stdout.split())


def test_restarted_kubelet_readopts_and_collects_garbage(pods: Pods, kubelet: Kubelet) -> None:
    keep = pods.create("keep", [{"name": "a", "command": ["sh", "-c", SLEEP]}])
    gone = pods.create("gone", [{"name": "a", "command": ["sh", "-c", SLEEP]}])
    pods.running("keep")
    pods.running("gone")
    before = pods.get("keep")
    keep_ids = pod_containers(keep["metadata"]["uid"])
    assert len(keep_ids) == 2  # sandbox + app
    gone_uid = gone["metadata"]["uid"]
    assert len(pod_containers(gone_uid)) == 2

    kubelet.stop(timeout=20)
    # Containers outlive their kubelet; a pod force-deleted meanwhile leaves orphans behind.
    assert pod_containers(keep["metadata"]["uid"]) == keep_ids
    r = pods.client.request(
        "DELETE", f"/api/v1/namespaces/{pods.ns}/pods/gone", json={"gracePeriodSeconds": 0}
    )
    assert r.status_code == 200, r.text
    assert pods.client.get(f"/api/v1/namespaces/{pods.ns}/pods/gone").status_code == 404

    kubelet.start()
    wait_for(lambda: pod_containers(gone_uid) == [], 20, "orphaned containers to be removed")
    after = pods.get("keep")
    assert pod_containers(keep["metadata"]["uid"]) == keep_ids
    assert after["status"]["phase"] == "Running"
    cs = container_status(after, "a")
    assert cs["restartCount"] == 0
    assert cs["containerID"] == container_status(before, "a")["containerID"]
    # Nothing changed, so nothing was written.
    assert after["metadata"]["resourceVersion"] == before["metadata"]["resourceVersion"]
