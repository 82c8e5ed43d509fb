"""ReplicaSet reconcile: one call against filled caches; assert what it asked the API to do."""

from __future__ import annotations

import pytest

from controller_manager.replicaset import ReplicaSetController, slow_start_batch
from tests.unit.controller_manager.builders import pod, replicaset
from tests.unit.controller_manager.fake import FakeApi, clock, factory, fill


def make(*objs):  # type: ignore[no-untyped-def]
    api = FakeApi()
    informers = factory(api)
    ctl = ReplicaSetController(api, informers, clock=clock)
    fill(informers, *objs)
    api.seed(*objs)
    return api, ctl


async def test_scale_up_creates_missing_pods_with_controller_reference() -> None:
    rs = replicaset(replicas=3)
    api, ctl = make(rs, pod("web-abc-1", owner=rs))
    await ctl.reconcile(rs.key)
    creates = api.writes("create", "Pod")
    assert len(creates) == 2
    for a in creates:
        meta = a.body["metadata"]
        assert meta["generateName"] == "web-abc-"
        assert meta["labels"] == {"app": "web"}
        (owner,) = meta["ownerReferences"]
        assert owner["uid"] == rs.metadata.uid and owner["controller"] is True
        assert owner["blockOwnerDeletion"] is True
    status = api.writes("update/status", "ReplicaSet")[-1].body["status"]
    assert status["replicas"] == 1 and status["readyReplicas"] == 1
    assert status["observedGeneration"] == 1


async def test_expectations_stop_a_second_round_of_creates_before_the_watch_catches_up() -> None:
    rs = replicaset(replicas=3)
    api, ctl = make(rs)
    await ctl.reconcile(rs.key)
    await ctl.reconcile(rs.key)  # the cache still shows no pods
    assert len(api.writes("create", "Pod")) == 3
    for i in range(3):
        ctl._pod_added(pod(f"web-abc-{i}", owner=rs))
    assert ctl.expectations.satisfied(rs.key)


async def test_scale_down_removes_unscheduled_then_not_ready_then_newest() -> None:
    rs = replicaset(replicas=2)
    old_ready = pod("old", owner=rs, created="2026-01-01T10:00:00Z")
    new_ready = pod(
        "new", owner=rs, created="2026-01-01T11:30:00Z", ready_since="2026-01-01T11:31:00Z"
    )
    not_ready = pod("notready", owner=rs, ready=False)
    unscheduled = pod("pending", owner=rs, node=None, phase="Pending", ready=False)
    api, ctl = make(rs, old_ready, new_ready, not_ready, unscheduled)
    await ctl.reconcile(rs.key)
    deleted = {a.key for a in api.writes("delete", "Pod")}
    assert deleted == {"default/pending", "default/notready"}
    api2, ctl2 = make(replicaset(replicas=1), old_ready, new_ready)
    rs2 = ctl2.replicasets.cache.list()[0]
    for p in (old_ready, new_ready):
        p.metadata.owner_references[0].uid = rs2.metadata.uid  # type: ignore[index]
    await ctl2.reconcile(rs2.key)
    assert [a.key for a in api2.writes("delete", "Pod")] == ["default/new"]


async def test_adopts_matching_orphans_and_releases_relabelled_pods() -> None:
    rs = replicaset(replicas=2)
    orphan = pod("orphan")
    relabelled = pod("relabelled", owner=rs, labels={"app": "debug"})
    other_owner = replicaset("other", replicas=1)
    foreign = pod("foreign", owner=other_owner)
    api, ctl = make(rs, orphan, relabelled, foreign)
    await ctl.reconcile(rs.key)
    patches = {a.key: a.body for a in api.writes("patch", "Pod")}
    assert set(patches) == {"default/orphan", "default/relabelled"}
    adopt = patches["default/orphan"]
    assert adopt[0] == {"op": "test", "path": "/metadata/uid", "value": orphan.metadata.uid}
    assert adopt[1]["value"][0]["uid"] == rs.metadata.uid
    assert patches["default/relabelled"][1] == {"op": "remove", "path": "/metadata/ownerReferences"}
    # the orphan counts, the released pod does not: one more pod is created
    assert len(api.writes("create", "Pod")) == 1


async def test_status_counts_available_only_after_min_ready_seconds() -> None:
    rs = replicaset(replicas=2, min_ready=30)
    long_ready = pod("a", owner=rs, ready_since="2026-01-01T11:00:00Z")
    just_ready = pod("b", owner=rs, ready_since="2026-01-01T11:59:50Z")
    api, ctl = make(rs, long_ready, just_ready)
    await ctl.reconcile(rs.key)
    status = api.writes("update/status")[-1].body["status"]
    assert status["readyReplicas"] == 2 and status["availableReplicas"] == 1
    assert status["fullyLabeledReplicas"] == 2


async def test_a_deleting_replicaset_creates_nothing() -> None:
    rs = replicaset(replicas=3)
    rs.metadata.deletion_timestamp = "2026-01-01T12:00:00Z"
    api, ctl = make(rs)
    await ctl.reconcile(rs.key)
    assert api.writes("create") == []


async def test_slow_start_batches_double_and_stop_at_the_first_failure() -> None:
    calls = 0

    async def ok() -> None:
        nonlocal calls
        calls += 1

    assert await slow_start_batch(10, ok) == 10
    calls = 0
    failures = iter([False] * 3 + [True] + [False] * 20)

    async def flaky() -> None:
        nonlocal calls
        calls += 1
        if next(failures):
            raise RuntimeError("boom")

    with pytest.raises(Exception) as err:
        await slow_start_batch(10, flaky)
    assert calls == 7  # batches 1, 2, 4: the batch of 4 had the failure, 8 never ran
    assert getattr(err.value, "done", None) == 6
