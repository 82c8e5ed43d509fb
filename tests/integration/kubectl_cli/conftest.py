"""Fixtures for the kubeling CLI tests: `kubeling` and the real `kubectl`, both in the test's
namespace."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import Kubeling
from tests.support.kubectl import KUBECTL, Kubectl, write_kubeconfig
from tests.support.procs import ApiServer


@pytest.fixture
def kubeling(apiserver: ApiServer, ns: str, tmp_path: Path) -> Kubeling:
    cfg = write_kubeconfig(apiserver.kubeconfig(tmp_path / "kubeconfig"), ns)
    return Kubeling(cfg, tmp_path)


@pytest.fixture
def kubectl(apiserver: ApiServer, ns: str, tmp_path: Path) -> Kubectl:
    """The real kubectl, with its own HOME and cache, in the test's namespace."""
    if KUBECTL is None:
        pytest.skip("kubectl is not on PATH")
    home = tmp_path / "kubectl-home"
    home.mkdir()
    cfg = write_kubeconfig(apiserver.kubeconfig(home / "kubeconfig"), ns)
    return Kubectl(cfg, home)
