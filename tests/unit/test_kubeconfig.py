"""kubeconfig loading as kubectl does it."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from machinery import kubeconfig
from machinery.kubeconfig import ConfigError


def test_written_config_loads(tmp_path: Path) -> None:
    path = kubeconfig.write(tmp_path / "kc", "http://127.0.0.1:6443", namespace="dev")
    cfg = kubeconfig.load(str(path))
    assert cfg.server == "http://127.0.0.1:6443" and cfg.namespace == "dev"
    assert cfg.token is None and cfg.context == "kubeling"
    assert kubeconfig.load(str(path), namespace="x").namespace == "x"


def test_kubeconfig_env_merges_first_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a = tmp_path / "a"
    b = tmp_path / "b"
    a.write_text(
        "clusters: [{name: c1, cluster: {server: 'https://one:6443', "
        "certificate-authority-data: " + base64.b64encode(b"CA").decode() + "}}]\n"
        "users: [{name: u1, user: {token: secret}}]\n"
        "contexts: [{name: one, context: {cluster: c1, user: u1}}]\n"
        "current-context: one\n"
    )
    b.write_text(
        "clusters: [{name: c1, cluster: {server: 'https://shadowed'}},"
        " {name: c2, cluster: {server: 'http://two', insecure-skip-tls-verify: true}}]\n"
        "users: [{name: u1, user: {}}]\n"
        "contexts: [{name: two, context: {cluster: c2, user: u1, namespace: ns2}}]\n"
        "current-context: two\n"
    )
    monkeypatch.setenv("KUBECONFIG", f"{a}:{b}")
    one = kubeconfig.load()
    assert one.server == "https://one:6443" and one.token == "secret"
    assert one.ca_file and Path(one.ca_file).read_bytes() == b"CA"
    assert oct(Path(one.ca_file).stat().st_mode & 0o777) == "0o600"
    assert kubeconfig.load().ca_file == one.ca_file  # loading again writes no new file
    two = kubeconfig.load(context="two")
    assert two.server == "http://two" and two.namespace == "ns2" and two.insecure


def test_errors_are_clear(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        kubeconfig.load(str(tmp_path / "missing"))
    bad = tmp_path / "bad"
    bad.write_text("contexts: [{name: x, context: {cluster: nope}}]\ncurrent-context: x\n")
    with pytest.raises(ConfigError, match="cluster 'nope' not found"):
        kubeconfig.load(str(bad))


def test_in_cluster_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1")
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", "443")
    cfg = kubeconfig.from_environment()
    assert cfg is not None and cfg.server.endswith("10.96.0.1:443")
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST")
    assert kubeconfig.from_environment() is None
