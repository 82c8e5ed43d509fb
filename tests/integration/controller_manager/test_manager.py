"""The manager process: health and metrics endpoints, and one leader at a time."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from tests.integration.controller_manager.helpers import create, get, replicaset, wait_ready_pods
from tests.support.cm_proc import ControllerManager
from tests.support.hollow import HollowThread
from tests.support.procs import ApiServer, wait_for


def test_health_and_metrics_by_controller(
    client: httpx.Client, ns: str, cm: ControllerManager, hollow: HollowThread
) -> None:
    create(client, f"/apis/apps/v1/namespaces/{ns}/replicasets", replicaset("web", replicas=1))
    wait_ready_pods(client, ns, "app=web", 1)
    assert httpx.get(cm.health_url + "/livez").status_code == 200
    verbose = httpx.get(cm.health_url + "/readyz?verbose")
    assert verbose.status_code == 200 and "[+]informers-synced ok" in verbose.text
    metrics = cm.metrics()
    for controller in ("replicaset", "deployment", "endpoints", "garbagecollector", "namespace"):
        m = re.search(
            rf'^controller_reconciles_total{{controller="{controller}"}} (\S+)$', metrics, re.M
        )
        assert m is not None, controller
        assert f'controller_reconcile_errors_total{{controller="{controller}"}}' in metrics
        assert f'workqueue_depth{{name="{controller}"}}' in metrics
    m = re.search(r'^controller_reconciles_total{controller="replicaset"} (\S+)$', metrics, re.M)
    assert m is not None and float(m.group(1)) >= 1


def test_a_second_manager_stands_by_while_the_first_leads(
    apiserver: ApiServer, log_dir: Path, cm: ControllerManager, client: httpx.Client
) -> None:
    standby = ControllerManager(log_dir, apiserver, name="controller-manager-standby")
    try:
        standby.start(wait_leading=False)
        lease = get(
            client,
            "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager",
        )
        assert lease is not None
        holder = lease["spec"]["holderIdentity"]
        wait_for(lambda: "leader" in standby.metrics(), 10, "standby metrics")
        assert not standby.leading()
        assert cm.leading()
        lease = get(
            client,
            "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager",
        )
        assert lease is not None and lease["spec"]["holderIdentity"] == holder
    finally:
        standby.stop()
