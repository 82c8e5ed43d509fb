"""Every scheduler flag has a KUBELING_ env twin; the flag wins."""

from __future__ import annotations

import pytest

from machinery.settings import parse
from scheduler.settings import SchedulerSettings


def test_flags_and_env_twins(monkeypatch: pytest.MonkeyPatch) -> None:
    defaults = parse(SchedulerSettings, [])
    assert defaults.leader_elect and defaults.leader_elect_resource_name == "kube-scheduler"
    assert defaults.leader_elect_resource_namespace == "kube-system"
    monkeypatch.setenv("KUBELING_PARALLEL_BINDS", "8")
    monkeypatch.setenv("KUBELING_LEADER_ELECT", "false")
    s = parse(SchedulerSettings, ["--parallel-binds", "4", "--port", "0"])
    assert (s.parallel_binds, s.leader_elect, s.port) == (4, False, 0)
