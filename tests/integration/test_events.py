"""The event recorder against the real apiserver: Events land on objects, repeats aggregate."""

from __future__ import annotations

from prometheus_client import REGISTRY

from machinery.api import ConfigMap, Event
from machinery.client import Client
from machinery.events import EventRecorder
from machinery.kubeconfig import ClientConfig
from tests.support.procs import ApiServer


async def _events_for(client: Client, ns: str, name: str) -> list[Event]:
    events = await client.list(Event, namespace=ns, field_selector=f"involvedObject.name={name}")
    return list(events.items)


async def test_repeats_aggregate_into_count_and_timestamps(apiserver: ApiServer, ns: str) -> None:
    async with Client(ClientConfig(server=apiserver.url)) as client:
        cm = await client.create(
            ConfigMap.model_validate({"metadata": {"name": "target", "namespace": ns}})
        )
        recorder = EventRecorder(client, component="test-recorder", host="node-x")
        recorder.start()
        try:
            recorder.warning(cm, "Broken", "it broke")
            await recorder.stop()  # flushes
            recorder.start()
            for _ in range(3):
                recorder.warning(cm, "Broken", "it broke")
            recorder.normal(cm, "Fixed", "it works again")
        finally:
            await recorder.stop()

        events = await _events_for(client, ns, "target")
        by_reason = {e.reason: e for e in events}
        assert sorted(by_reason) == ["Broken", "Fixed"], [e.reason for e in events]
        broken = by_reason["Broken"]
        assert broken.count == 4
        assert broken.type == "Warning"
        assert broken.source is not None and broken.source.component == "test-recorder"
        assert broken.involved_object.uid == cm.metadata.uid
        assert broken.involved_object.kind == "ConfigMap"
        assert broken.first_timestamp is not None and broken.last_timestamp is not None
        assert broken.first_timestamp <= broken.last_timestamp
        assert by_reason["Fixed"].count == 1


async def test_recording_never_blocks_and_drops_past_the_queue_bound(
    apiserver: ApiServer, ns: str
) -> None:
    async with Client(ClientConfig(server=apiserver.url)) as client:
        cm = await client.create(
            ConfigMap.model_validate({"metadata": {"name": "noisy", "namespace": ns}})
        )
        recorder = EventRecorder(client, component="test-recorder", max_queue=5)
        before = REGISTRY.get_sample_value("events_dropped_total") or 0.0
        # not started: nothing drains the queue, so the 6th and later are dropped
        for i in range(8):
            recorder.normal(cm, "Tick", f"tick {i}")
        assert recorder.dropped == 3
        assert REGISTRY.get_sample_value("events_dropped_total") == before + 3  # on /metrics
        recorder.start()
        await recorder.stop(flush_timeout=10)
        events = await _events_for(client, ns, "noisy")
        assert sorted(e.message or "" for e in events) == [f"tick {i}" for i in range(5)]
