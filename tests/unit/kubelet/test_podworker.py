"""The pod worker against the fake runtime: sync passes driven one at a time on a fake clock."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kubelet.actions import Prober
from kubelet.backoff import Backoff
from kubelet.fake_runtime import FakeRuntime
from kubelet.podworker import PodContext, PodWorker
from kubelet.probes import ProbeCounter, ProbeManager
from kubelet.runtime import EXITED, ExecResult
from kubelet.volumes import VolumeManager
from machinery.api import ConfigMap, Pod, PodStatus, Probe, Secret


class Clock:
    def __init__(self) -> None:
        self.t = 5000.0

    def __call__(self) -> float:
        return self.t


class Objects:
    def __init__(self) -> None:
        self.config_maps: dict[str, ConfigMap] = {}
        self.secrets: dict[str, Secret] = {}

    async def config_map(self, namespace: str, name: str) -> ConfigMap | None:
        return self.config_maps.get(name)

    async def secret(self, namespace: str, name: str) -> Secret | None:
        return self.secrets.get(name)


class Harness:
    def __init__(self, tmp: Path) -> None:
        self.clock = Clock()
        self.runtime = FakeRuntime(clock=self.clock)
        self.objects = Objects()
        self.statuses: list[PodStatus] = []
        self.deleted: list[str] = []
        prober = Prober(self.runtime, network=False)
        self.ctx = PodContext(
            runtime=self.runtime,
            volumes=VolumeManager(tmp, self.runtime, self.objects),
            objects=self.objects,
            prober=prober,
            probes=ProbeManager(prober, on_change=lambda uid: None),
            crash_backoff=Backoff(initial=10, maximum=300, clock=self.clock),
            image_backoff=Backoff(initial=10, maximum=300, clock=self.clock),
            write_status=self._write,
            delete_pod=self._delete,
            ensure_network=self._network,
            host_ip="192.0.2.1",
            node_name="n1",
            clock=self.clock,
        )

    async def _write(self, pod: Pod, status: PodStatus) -> None:
        self.statuses.append(status)

    async def _delete(self, pod: Pod) -> None:
        self.deleted.append(pod.metadata.name)

    async def _network(self) -> None:
        return None

    def worker(self, containers: list[dict[str, Any]], **spec: Any) -> PodWorker:
        for c in [*containers, *spec.get("initContainers", [])]:
            c.setdefault("image", "img:1")
        pod = Pod.model_validate(
            {
                "metadata": {"name": "p", "namespace": "ns", "uid": "uid-1"},
                "spec": {"nodeName": "n1", "containers": containers, **spec},
            }
        )
        return PodWorker(pod, self.ctx)

    @property
    def status(self) -> PodStatus:
        return self.statuses[-1]

    def cstatus(self, name: str) -> dict[str, Any]:
        for s in self.status.container_statuses or []:
            if s.name == name:
                return s.to_dict()
        raise KeyError(name)


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    return Harness(tmp_path)


async def test_a_pod_runs_with_an_ip_and_ready_conditions(h: Harness) -> None:
    w = h.worker([{"name": "a"}, {"name": "b"}])
    assert await w.sync_once() is None
    st = h.status
    assert st.phase == "Running" and st.pod_ip and st.host_ip == "192.0.2.1"
    assert {c.type: c.status for c in st.conditions or []} == {
        "Initialized": "True",
        "Ready": "True",
        "ContainersReady": "True",
        "PodScheduled": "True",
    }
    assert [call for call in h.runtime.calls if call[0] == "start"] == [
        ("start", "p/a"),
        ("start", "p/b"),
    ]
    # A second pass changes nothing.
    await w.sync_once()
    assert [call for call in h.runtime.calls if call[0] == "start"] == [
        ("start", "p/a"),
        ("start", "p/b"),
    ]


async def test_crash_loop_back_off_then_restart_after_the_delay(h: Harness) -> None:
    w = h.worker([{"name": "a"}])
    await w.sync_once()
    h.runtime.exit(h.runtime.running("uid-1", "a").info.id, 1)  # type: ignore[union-attr]
    await w.sync_once()  # first restart is immediate
    assert h.cstatus("a")["restartCount"] == 1 and "running" in h.cstatus("a")["state"]
    assert h.cstatus("a")["lastState"]["terminated"]["exitCode"] == 1
    h.clock.t += 1
    h.runtime.exit(h.runtime.running("uid-1", "a").info.id, 1)  # type: ignore[union-attr]
    wake = await w.sync_once()
    assert h.cstatus("a")["state"]["waiting"]["reason"] == "CrashLoopBackOff"
    assert h.cstatus("a")["restartCount"] == 1 and h.status.phase == "Running"
    assert wake == pytest.approx(10)
    h.clock.t += 5
    await w.sync_once()
    assert h.cstatus("a")["state"]["waiting"]["reason"] == "CrashLoopBackOff"
    h.clock.t += 5
    await w.sync_once()
    assert h.cstatus("a")["restartCount"] == 2 and "running" in h.cstatus("a")["state"]


async def test_never_and_exit_zero_succeeds_and_stops_the_sandbox(h: Harness) -> None:
    w = h.worker([{"name": "a"}], restartPolicy="Never")
    await w.sync_once()
    h.runtime.exit(h.runtime.running("uid-1", "a").info.id, 0)  # type: ignore[union-attr]
    await w.sync_once()
    assert h.status.phase == "Succeeded"
    assert h.cstatus("a")["state"]["terminated"]["reason"] == "Completed"
    assert all(sb.state == EXITED for sb in h.runtime.sandboxes.values())
    assert h.status.pod_ip  # a finished pod keeps reporting its IP


async def test_init_containers_complete_in_order_before_apps(h: Harness) -> None:
    w = h.worker([{"name": "app"}], initContainers=[{"name": "one"}, {"name": "two"}])
    await w.sync_once()
    assert h.status.phase == "Pending"
    assert h.cstatus("app")["state"]["waiting"]["reason"] == "PodInitializing"
    for name in ("one", "two"):
        h.runtime.exit(h.runtime.running("uid-1", name).info.id, 0)  # type: ignore[union-attr]
        await w.sync_once()
    starts = [call[1] for call in h.runtime.calls if call[0] == "start"]
    assert starts == ["p/one", "p/two", "p/app"]
    assert h.status.phase == "Running"
    assert [s.ready for s in h.status.init_container_statuses or []] == [True, True]


async def test_missing_image_err_image_pull_then_image_pull_back_off(h: Harness) -> None:
    h.runtime.all_images_present = False
    w = h.worker([{"name": "a", "image": "nowhere/img:1"}])
    await w.sync_once()
    assert h.cstatus("a")["state"]["waiting"]["reason"] == "ErrImagePull"
    await w.sync_once()
    assert h.cstatus("a")["state"]["waiting"]["reason"] == "ImagePullBackOff"
    h.runtime.images.add("nowhere/img:1")
    h.clock.t += 11
    await w.sync_once()
    assert "running" in h.cstatus("a")["state"]


async def test_never_pull_policy_with_absent_image(h: Harness) -> None:
    h.runtime.all_images_present = False
    w = h.worker([{"name": "a", "imagePullPolicy": "Never"}])
    await w.sync_once()
    assert h.cstatus("a")["state"]["waiting"]["reason"] == "ErrImageNeverPull"


async def test_liveness_failure_kills_and_restarts(h: Harness) -> None:
    w = h.worker([{"name": "a"}])
    await w.sync_once()
    first = h.runtime.running("uid-1", "a")
    assert first is not None
    h.ctx.probes.results.liveness_failed[first.info.id] = "Liveness probe failed: boom"
    wake = await w.sync_once()
    assert first.info.state == EXITED and first.stop_signals == ["SIGTERM"]
    assert wake is not None and wake < 0.1  # the restart follows at once, in the next pass
    await w.sync_once()
    assert h.cstatus("a")["restartCount"] == 1 and "running" in h.cstatus("a")["state"]


async def test_graceful_termination_runs_pre_stop_then_stops_and_deletes(h: Harness) -> None:
    w = h.worker(
        [{"name": "a", "lifecycle": {"preStop": {"exec": {"command": ["save-state"]}}}}],
        terminationGracePeriodSeconds=7,
    )
    await w.sync_once()
    w.update(
        w.pod.model_copy(
            update={
                "metadata": w.pod.metadata.model_copy(
                    update={
                        "deletion_timestamp": "2030-01-01T00:00:00Z",
                        "deletion_grace_period_seconds": 7,
                    }
                )
            }
        )
    )
    await w.terminate()
    ops = [c for c in h.runtime.calls if c[0] in ("exec", "stop", "remove")]
    assert ops[:2] == [("exec", "a:save-state"), ("stop", "p/a")]
    assert ("remove", "p/a") in ops
    assert h.runtime.containers == {} and h.runtime.sandboxes == {}
    assert h.deleted == ["p"]


async def test_force_deleted_pod_is_cleaned_up_without_a_delete_call(h: Harness) -> None:
    w = h.worker([{"name": "a"}])
    await w.sync_once()
    w.deleted(w.pod)
    await w.terminate()
    assert h.runtime.containers == {} and h.deleted == []


async def test_missing_config_map_is_a_config_error_and_env_resolves_later(h: Harness) -> None:
    w = h.worker(
        [
            {
                "name": "a",
                "env": [
                    {"name": "K", "valueFrom": {"configMapKeyRef": {"name": "cm", "key": "k"}}},
                    {"name": "S", "valueFrom": {"secretKeyRef": {"name": "s", "key": "t"}}},
                    {"name": "IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
                    {"name": "X", "value": "$(K)-$(S)"},
                ],
            }
        ]
    )
    await w.sync_once()
    assert h.cstatus("a")["state"]["waiting"]["reason"] == "CreateContainerConfigError"
    h.objects.config_maps["cm"] = ConfigMap.model_validate(
        {"metadata": {"name": "cm"}, "data": {"k": "v"}}
    )
    h.objects.secrets["s"] = Secret.model_validate(
        {"metadata": {"name": "s"}, "data": {"t": base64.b64encode(b"sec").decode()}}
    )
    await w.sync_once()
    c = h.runtime.running("uid-1", "a")
    assert c is not None
    assert c.config.env == {"K": "v", "S": "sec", "IP": h.status.pod_ip, "X": "v-sec"}


async def test_config_map_and_secret_volumes_are_files(h: Harness, tmp_path: Path) -> None:
    h.objects.config_maps["cm"] = ConfigMap.model_validate(
        {"metadata": {"name": "cm"}, "data": {"a": "1", "b": "2"}}
    )
    h.objects.secrets["s"] = Secret.model_validate(
        {"metadata": {"name": "s"}, "data": {"t": base64.b64encode(b"x").decode()}}
    )
    w = h.worker(
        [
            {
                "name": "a",
                "volumeMounts": [
                    {"name": "c", "mountPath": "/c"},
                    {"name": "s", "mountPath": "/s"},
                    {"name": "e", "mountPath": "/e"},
                ],
            }
        ],
        volumes=[
            {
                "name": "c",
                "configMap": {
                    "name": "cm",
                    "items": [{"key": "b", "path": "sub/bee", "mode": 0o600}],
                },
            },
            {"name": "s", "secret": {"secretName": "s", "defaultMode": 0o400}},
            {"name": "e", "emptyDir": {}},
        ],
    )
    await w.sync_once()
    vols = tmp_path / "pods" / "uid-1" / "volumes"
    assert (vols / "c" / "sub" / "bee").read_text() == "2" and not (vols / "c" / "a").exists()
    assert oct((vols / "c" / "sub" / "bee").stat().st_mode & 0o777) == "0o600"
    assert (vols / "s" / "t").read_bytes() == b"x"
    assert oct((vols / "s" / "t").stat().st_mode & 0o777) == "0o400"
    mounts = {m.target: m for m in h.runtime.running("uid-1", "a").config.mounts}  # type: ignore[union-attr]
    assert mounts["/c"].read_only and mounts["/s"].read_only and not mounts["/e"].read_only
    await w.terminate()
    assert not (tmp_path / "pods" / "uid-1").exists()


def test_probe_counter_thresholds() -> None:
    counter = ProbeCounter(Probe(success_threshold=2, failure_threshold=3), initial=False)
    assert [counter.record(ok) for ok in (True, False, True, True)] == [False, False, False, True]
    assert counter.result
    assert [counter.record(ok) for ok in (False, False, True, False, False, False)] == [
        False,
        False,
        False,
        False,
        False,
        True,
    ]
    assert not counter.result
    unknown = ProbeCounter(Probe(failure_threshold=2), initial=None)
    assert [unknown.record(False), unknown.record(False)] == [False, True]
    assert unknown.result is False


async def test_readiness_result_drives_ready(h: Harness) -> None:
    w = h.worker(
        [
            {
                "name": "a",
                "readinessProbe": {
                    "exec": {"command": ["check"]},
                    "periodSeconds": 3600,
                    "initialDelaySeconds": 3600,
                },
            }
        ]
    )
    await w.sync_once()
    assert h.cstatus("a")["ready"] is False and h.status.phase == "Running"
    cid = h.runtime.running("uid-1", "a").info.id  # type: ignore[union-attr]
    h.ctx.probes.results.ready[cid] = True
    await w.sync_once()
    assert h.cstatus("a")["ready"] is True
    assert {c.type: c.status for c in h.status.conditions or []}["Ready"] == "True"
    h.ctx.probes.results.ready[cid] = False
    await w.sync_once()
    assert {c.type: c.status for c in h.status.conditions or []}["Ready"] == "False"
    await h.ctx.probes.stop()


async def test_exec_probe_through_the_runtime(h: Harness) -> None:
    w = h.worker([{"name": "a"}])
    await w.sync_once()
    cid = h.runtime.running("uid-1", "a").info.id  # type: ignore[union-attr]
    h.runtime.exec_results[("a", "check")] = ExecResult(1, b"nope")
    from machinery.api import Container, ExecAction

    out = await h.ctx.prober.run(
        container=Container(name="a"),
        container_id=cid,
        pod_ip="",
        timeout=1,
        exec_=ExecAction(command=["check"]),
    )
    assert not out.ok and "nope" in out.message


async def _yield(seconds: float) -> None:
    await asyncio.sleep(0)  # probe periods pass at once: only the order of events matters


async def _until(cond: Callable[[], bool], what: str, *, passes: int = 200) -> None:
    for _ in range(passes):
        if cond():
            return
        await asyncio.sleep(0)
    raise AssertionError(f"never happened: {what}")


async def test_startup_probe_gates_liveness_and_its_failure_kills(h: Harness) -> None:
    h.ctx.probes = ProbeManager(h.ctx.prober, on_change=lambda uid: None, sleep=_yield)
    h.runtime.exec_results[("a", "started")] = ExecResult(1, b"not yet")
    w = h.worker(
        [
            {
                "name": "a",
                "startupProbe": {"exec": {"command": ["started"]}, "failureThreshold": 3},
                "livenessProbe": {"exec": {"command": ["alive"]}},
            }
        ]
    )
    await w.sync_once()
    cid = h.runtime.running("uid-1", "a").info.id  # type: ignore[union-attr]
    results = h.ctx.probes.results
    await _until(lambda: cid in results.startup_failed, "the startup probe to fail")
    # Liveness never ran while startup had not passed.
    assert not any(op == ("exec", "a:alive") for op in h.runtime.calls)
    assert h.runtime.calls.count(("exec", "a:started")) == 3
    await w.sync_once()
    assert h.runtime.containers[cid].info.state == EXITED
    await w.sync_once()
    second = h.runtime.running("uid-1", "a")
    assert second is not None and second.info.restart_count == 1
    h.runtime.exec_results[("a", "started")] = ExecResult(0, b"")
    await w.sync_once()  # probe workers for the new container
    await _until(lambda: results.started.get(second.info.id) is True, "startup to pass")
    await _until(lambda: ("exec", "a:alive") in h.runtime.calls, "liveness to start")
    await w.sync_once()
    assert h.cstatus("a")["started"] is True and h.cstatus("a")["ready"] is True
    await h.ctx.probes.stop()


@pytest.mark.parametrize(("code", "phase"), [(0, "Succeeded"), (1, "Failed")])
async def test_a_finished_pod_is_not_started_again_when_its_containers_vanish(
    h: Harness, code: int, phase: str
) -> None:
    w = h.worker([{"name": "a"}], restartPolicy="Never", initContainers=[{"name": "init"}])
    await w.sync_once()
    h.runtime.exit(h.runtime.running("uid-1", "init").info.id, 0)  # type: ignore[union-attr]
    await w.sync_once()
    h.runtime.exit(h.runtime.running("uid-1", "a").info.id, code)  # type: ignore[union-attr]
    await w.sync_once()
    assert h.status.phase == phase
    w.update(w.pod.model_copy(update={"status": h.status}))  # the informer sees the write
    starts = [call for call in h.runtime.calls if call[0] == "start"]
    for cid in list(h.runtime.containers):
        await h.runtime.remove_container(cid)  # docker container prune
    assert await w.sync_once() is None
    assert [call for call in h.runtime.calls if call[0] == "start"] == starts
    assert h.status.phase == phase
    assert h.cstatus("a")["state"]["terminated"]["exitCode"] == code
    conditions = {c.type: c.status for c in h.status.conditions or []}
    assert conditions["Initialized"] == "True" and conditions["Ready"] == "False"


async def test_a_crash_loop_keeps_only_the_current_and_the_previous_attempt(h: Harness) -> None:
    w = h.worker([{"name": "a"}])
    await w.sync_once()
    for restarts in range(1, 6):
        h.runtime.exit(h.runtime.running("uid-1", "a").info.id, restarts)  # type: ignore[union-attr]
        h.clock.t += 400  # past any back-off
        await w.sync_once()
        assert h.cstatus("a")["restartCount"] == restarts
        assert h.cstatus("a")["lastState"]["terminated"]["exitCode"] == restarts
    attempts = h.runtime.attempts("uid-1", "a")
    assert [(a.restart_count, a.state) for a in attempts][-2:] == [(4, EXITED), (5, "running")]
    assert len(attempts) == 2
    # Dead and waiting in back-off: the dead attempt and the one before it stay.
    h.runtime.exit(h.runtime.running("uid-1", "a").info.id, 9)  # type: ignore[union-attr]
    h.clock.t += 1
    await w.sync_once()
    h.clock.t += 1
    await w.sync_once()
    assert h.cstatus("a")["state"]["waiting"]["reason"] == "CrashLoopBackOff"
    assert [a.restart_count for a in h.runtime.attempts("uid-1", "a")] == [4, 5]


async def test_probe_results_go_when_a_container_exits_on_its_own(h: Harness) -> None:
    w = h.worker(
        [
            {
                "name": "a",
                "readinessProbe": {"exec": {"command": ["check"]}, "initialDelaySeconds": 3600},
                "startupProbe": {"exec": {"command": ["up"]}, "initialDelaySeconds": 3600},
            }
        ]
    )
    await w.sync_once()
    cid = h.runtime.running("uid-1", "a").info.id  # type: ignore[union-attr]
    probes = h.ctx.probes
    await _until(lambda: cid in probes.results.started, "the probe workers to start")
    probes.results.ready[cid] = True
    h.runtime.exit(cid, 1)
    await w.sync_once()
    assert h.cstatus("a")["restartCount"] == 1
    assert cid not in probes.results.ready and cid not in probes.results.started
    assert cid not in probes._started
    await probes.stop()
