"""Controller selection (--controllers) and the defaults the issue asks for."""

from __future__ import annotations

import pytest

from controller_manager.settings import ALL_CONTROLLERS, ControllerManagerSettings
from machinery.settings import parse


def test_defaults_are_kubernetes_timings() -> None:
    s = parse(ControllerManagerSettings, [])
    assert s.node_monitor_grace_period == 40.0
    assert s.leader_elect_resource_name == "kube-controller-manager"
    assert s.leader_elect_resource_namespace == "kube-system"
    assert s.cluster_cidr == "10.244.0.0/16" and s.node_cidr_mask_size == 24
    assert s.enabled() == list(ALL_CONTROLLERS)


def test_controllers_flag_picks_and_drops() -> None:
    s = parse(ControllerManagerSettings, ["--controllers", "*,-nodeipam"])
    assert "nodeipam" not in s.enabled() and "replicaset" in s.enabled()
    s = parse(ControllerManagerSettings, ["--controllers", "replicaset,deployment"])
    assert s.enabled() == ["replicaset", "deployment"]
    with pytest.raises(ValueError, match="unknown controller"):
        parse(ControllerManagerSettings, ["--controllers", "nope"]).enabled()


def test_every_timing_is_a_flag() -> None:
    s = parse(
        ControllerManagerSettings,
        ["--node-monitor-grace-period", "3", "--node-monitor-period", "0.5", "--no-leader-elect"],
    )
    assert s.node_monitor_grace_period == 3.0 and s.node_monitor_period == 0.5
    assert s.leader_elect is False
