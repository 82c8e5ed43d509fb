"""The synchronous facade (for scripts and notebooks) over the async client, for real."""

from __future__ import annotations

import pytest

from machinery.api import ConfigMap
from machinery.client import SyncClient
from machinery.errors import AlreadyExists, NotFound
from machinery.kubeconfig import ClientConfig
from tests.support.procs import ApiServer


def test_sync_client_round_trip(apiserver: ApiServer, ns: str) -> None:
    with SyncClient(ClientConfig(server=apiserver.url)) as client:
        cm = ConfigMap.model_validate(
            {"metadata": {"name": "s", "namespace": ns}, "data": {"k": "v"}}
        )
        made = client.create(cm)
        assert made.metadata.uid and made.data == {"k": "v"}
        with pytest.raises(AlreadyExists):
            client.create(cm)
        assert [c.metadata.name for c in client.list(ConfigMap, ns).items] == ["s"]
        client.delete(ConfigMap, "s", ns)
        with pytest.raises(NotFound):
            client.get(ConfigMap, "s", ns)
