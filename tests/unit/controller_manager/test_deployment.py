"""Deployment reconcile: one call against filled caches; assert the API actions."""

from __future__ import annotations

import asyncio
from typing import Any

from controller_manager import deployutil as du
from controller_manager.deployment import DeploymentController
from machinery.api import PodTemplateSpec, ReplicaSet
from tests.unit.controller_manager.builders import deployment, replicaset
from tests.unit.controller_manager.fake import FakeApi, clock, factory, fill

TEMPLATE = {
    "metadata": {"labels": {"app": "web"}},
    "spec": {"containers": [{"name": "c", "image": "nginx"}]},
}


def make(*objs: Any) -> tuple[FakeApi, DeploymentController]:
    api = FakeApi()
    informers = factory(api)
    ctl = DeploymentController(api, informers, clock=clock)
    fill(informers, *objs)
    api.seed(*objs)
    return api, ctl


def rs_for(
    d: Any,
    name: str,
    *,
    image: str,
    replicas: int,
    available: int,
    revision: str,
    created: str = "2026-01-01T11:00:00Z",
    desired: int | None = None,
) -> Any:
    tmpl = PodTemplateSpec.model_validate(
        {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "c", "image": image}]},
        }
    )
    h = du.pod_template_hash(tmpl)
    t = tmpl.to_dict()
    t["metadata"]["labels"][du.HASH_LABEL] = h
    ann = {du.REVISION: revision}
    if desired is not None:
        ann[du.DESIRED_REPLICAS] = str(desired)
        ann[du.MAX_REPLICAS] = str(desired + 1)
    rs = replicaset(
        f"{name}-{h}",
        replicas=replicas,
        labels={"app": "web", du.HASH_LABEL: h},
        owner=d,
        annotations=ann,
        created=created,
        template=t,
        status={
            "replicas": replicas,
            "readyReplicas": available,
            "availableReplicas": available,
            "observedGeneration": 1,
        },
    )
    return rs


def test_pod_template_hash_is_stable_safe_and_moves_with_the_collision_count() -> None:
    tmpl = PodTemplateSpec.model_validate(TEMPLATE)
    h = du.pod_template_hash(tmpl)
    assert h == du.pod_template_hash(PodTemplateSpec.model_validate(TEMPLATE))
    assert set(h) <= set("bcdfghjklmnpqrstvwxz2456789") and 1 <= len(h) <= 10
    assert du.pod_template_hash(tmpl, 1) != h
    other = PodTemplateSpec.model_validate(
        {**TEMPLATE, "spec": {"containers": [{"name": "c", "image": "x"}]}}
    )
    assert du.pod_template_hash(other) != h


def test_fenceposts_round_surge_up_and_unavailable_down() -> None:
    d = deployment(
        replicas=10,
        strategy={
            "type": "RollingUpdate",
            "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
        },
    )
    assert du.fenceposts(d) == (3, 2)
    zero = deployment(
        replicas=3,
        strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}},
    )
    assert du.fenceposts(zero) == (0, 1)


async def test_a_new_deployment_gets_its_first_replicaset_with_revision_one() -> None:
    d = deployment(replicas=4)
    api, ctl = make(d)
    await ctl.reconcile(d.key)
    (create,) = api.writes("create", "ReplicaSet")
    body = create.body
    h = body["spec"]["template"]["metadata"]["labels"][du.HASH_LABEL]
    assert body["metadata"]["name"] == f"web-{h}"
    assert body["spec"]["selector"]["matchLabels"] == {"app": "web", du.HASH_LABEL: h}
    assert body["spec"]["replicas"] == 4
    assert body["metadata"]["annotations"][du.REVISION] == "1"
    assert body["metadata"]["ownerReferences"][0]["uid"] == d.metadata.uid
    patch = api.writes("patch", "Deployment")[0].body
    assert patch == {"metadata": {"annotations": {du.REVISION: "1"}}}
    conds = api.writes("update/status", "Deployment")[0].body["status"]["conditions"]
    assert conds[0]["type"] == "Progressing" and conds[0]["reason"] == "NewReplicaSetCreated"


async def test_a_template_change_surges_one_pod_and_drops_one_old_pod() -> None:
    d = deployment(replicas=4, image="nginx:2", annotations={du.REVISION: "1"})
    old = rs_for(d, "web", image="nginx", replicas=4, available=4, revision="1", desired=4)
    api, ctl = make(d, old)
    await ctl.reconcile(d.key)
    (create,) = api.writes("create", "ReplicaSet")
    assert create.body["spec"]["replicas"] == 1  # maxSurge 1
    assert create.body["metadata"]["annotations"][du.REVISION] == "2"
    # 5 pods in all (maxSurge 1); 3 must stay available (maxUnavailable 1)
    (patch,) = [a for a in api.writes("patch", "ReplicaSet") if a.key == old.key]
    assert patch.body["spec"]["replicas"] == 3


async def test_old_replicaset_scales_down_within_max_unavailable() -> None:
    d = deployment(replicas=4, image="nginx:2", annotations={du.REVISION: "2"})
    old = rs_for(d, "web", image="nginx", replicas=4, available=4, revision="1", desired=4)
    new = rs_for(
        d,
        "web",
        image="nginx:2",
        replicas=1,
        available=0,
        revision="2",
        created="2026-01-01T11:50:00Z",
        desired=4,
    )
    api, ctl = make(d, old, new)
    await ctl.reconcile(d.key)
    scaled = {a.key: a.body["spec"]["replicas"] for a in api.writes("patch", "ReplicaSet")}
    # 5 pods, minAvailable 3, one new pod unavailable: one old pod may go
    assert scaled == {old.key: 3}


async def test_paused_deployment_creates_no_replicaset_and_says_paused() -> None:
    d = deployment(replicas=2, image="nginx:2", paused=True)
    old = rs_for(d, "web", image="nginx", replicas=2, available=2, revision="1", desired=2)
    api, ctl = make(d, old)
    await ctl.reconcile(d.key)
    assert api.writes("create") == []
    cond = api.writes("update/status")[0].body["status"]["conditions"][0]
    assert (cond["type"], cond["status"], cond["reason"]) == (
        "Progressing",
        "Unknown",
        "DeploymentPaused",
    )


async def test_scaling_mid_rollout_is_proportional() -> None:
    d = deployment(
        replicas=10, image="nginx:2", annotations={du.REVISION: "2"}, status={"replicas": 6}
    )
    old = rs_for(d, "web", image="nginx", replicas=3, available=3, revision="1", desired=5)
    new = rs_for(
        d,
        "web",
        image="nginx:2",
        replicas=3,
        available=0,
        revision="2",
        created="2026-01-01T11:50:00Z",
        desired=5,
    )
    api, ctl = make(d, old, new)
    await ctl.reconcile(d.key)
    scaled = {a.key: a.body for a in api.writes("patch", "ReplicaSet")}
    assert scaled[new.key]["spec"]["replicas"] == 6
    assert scaled[old.key]["spec"]["replicas"] == 5  # 11 = 10 + maxSurge in all
    assert scaled[new.key]["metadata"]["annotations"] == {
        du.DESIRED_REPLICAS: "10",
        du.MAX_REPLICAS: "11",
    }


async def test_complete_rollout_reports_available_and_cleans_old_history() -> None:
    d = deployment(replicas=2, image="nginx:3", annotations={du.REVISION: "3"}, history=1)
    r1 = rs_for(
        d,
        "web",
        image="nginx",
        replicas=0,
        available=0,
        revision="1",
        desired=2,
        created="2026-01-01T10:00:00Z",
    )
    r2 = rs_for(
        d,
        "web",
        image="nginx:2",
        replicas=0,
        available=0,
        revision="2",
        desired=2,
        created="2026-01-01T10:30:00Z",
    )
    r3 = rs_for(
        d,
        "web",
        image="nginx:3",
        replicas=2,
        available=2,
        revision="3",
        desired=2,
        created="2026-01-01T11:00:00Z",
    )
    api, ctl = make(d, r1, r2, r3)
    await ctl.reconcile(d.key)
    assert [a.key for a in api.writes("delete", "ReplicaSet")] == [r1.key]
    status = api.writes("update/status", "Deployment")[-1].body["status"]
    assert status["updatedReplicas"] == 2 and status["availableReplicas"] == 2
    assert status["unavailableReplicas"] == 0 and status["observedGeneration"] == 1
    reasons = {c["type"]: c["reason"] for c in status["conditions"]}
    assert reasons == {
        "Available": "MinimumReplicasAvailable",
        "Progressing": "NewReplicaSetAvailable",
    }


async def test_recreate_scales_old_replicasets_to_zero_before_creating_the_new_one() -> None:
    d = deployment(
        replicas=2, image="nginx:2", strategy={"type": "Recreate"}, annotations={du.REVISION: "1"}
    )
    old = rs_for(d, "web", image="nginx", replicas=2, available=2, revision="1", desired=2)
    api, ctl = make(d, old)
    await ctl.reconcile(d.key)
    assert api.writes("create") == []
    (patch,) = api.writes("patch", "ReplicaSet")
    assert patch.key == old.key and patch.body["spec"]["replicas"] == 0


async def test_progress_deadline_exceeded_is_reported() -> None:
    d = deployment(
        replicas=2,
        image="nginx:2",
        annotations={du.REVISION: "2"},
        status={
            "replicas": 3,
            "updatedReplicas": 1,
            "availableReplicas": 2,
            "readyReplicas": 2,
            "observedGeneration": 1,
            "conditions": [
                {
                    "type": "Progressing",
                    "status": "True",
                    "reason": "ReplicaSetUpdated",
                    "lastUpdateTime": "2026-01-01T11:00:00Z",
                    "lastTransitionTime": "2026-01-01T11:00:00Z",
                }
            ],
        },
    )
    d.spec.progress_deadline_seconds = 60
    old = rs_for(d, "web", image="nginx", replicas=2, available=2, revision="1", desired=2)
    new = rs_for(
        d,
        "web",
        image="nginx:2",
        replicas=1,
        available=0,
        revision="2",
        created="2026-01-01T11:50:00Z",
        desired=2,
    )
    new.status.replicas = 1
    api, ctl = make(d, old, new)
    await ctl.reconcile(d.key)
    status = api.writes("update/status", "Deployment")[-1].body["status"]
    prog = next(c for c in status["conditions"] if c["type"] == "Progressing")
    assert (prog["status"], prog["reason"]) == ("False", "ProgressDeadlineExceeded")


async def test_concurrent_reconciles_keep_their_own_fresh_replicasets() -> None:
    d = deployment()
    rs = replicaset(owner=d)
    _, ctl = make(d, rs)
    stored = asyncio.Event()
    cleared = asyncio.Event()

    async def first() -> ReplicaSet:
        with ctl.rs.per_reconcile():
            await ctl.rs.scale_rs(rs, 5, d)  # remembers what the write returned
            stored.set()
            await cleared.wait()
            return ctl.rs.latest(rs)

    async def second() -> None:
        with ctl.rs.per_reconcile():
            await stored.wait()
            await ctl.rs.get_all(d, [], create=False)  # starts afresh
            cleared.set()

    latest, _ = await asyncio.wait_for(asyncio.gather(first(), second()), 5)
    assert latest is not rs and latest.spec.replicas == 5
    assert latest.metadata.resource_version != rs.metadata.resource_version
