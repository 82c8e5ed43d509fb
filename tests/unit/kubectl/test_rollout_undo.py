"""`rollout undo` annotations: what kubectl's rollbacker keeps and takes."""

from __future__ import annotations

from kubectl.cmd.rollout import rollback_annotations


def test_undo_takes_annotations_from_the_target_and_keeps_only_the_skipped_ones() -> None:
    deployment = {
        "deployment.kubernetes.io/revision": "3",
        "kubectl.kubernetes.io/last-applied-configuration": "{}",
        "kubernetes.io/change-cause": "bad release",
        "team": "web",
    }
    target = {
        "deployment.kubernetes.io/revision": "1",
        "deployment.kubernetes.io/desired-replicas": "2",
        "kubernetes.io/change-cause": "good release",
    }
    assert rollback_annotations(deployment, target) == {
        "deployment.kubernetes.io/revision": "3",
        "kubectl.kubernetes.io/last-applied-configuration": "{}",
        "kubernetes.io/change-cause": "good release",
    }
    assert rollback_annotations(deployment, {}) == {
        "deployment.kubernetes.io/revision": "3",
        "kubectl.kubernetes.io/last-applied-configuration": "{}",
    }
