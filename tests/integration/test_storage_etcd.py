"""The storage contract against a real etcd."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from apiserver.storage.etcd import EtcdStorage
from tests.support.procs import Etcd
from tests.support.storage_contract import StorageContract


class TestEtcdStorage(StorageContract):
    @pytest.fixture
    async def storage(self, etcd: Etcd) -> AsyncIterator[EtcdStorage]:
        s = EtcdStorage(etcd.endpoint)
        etcd.etcdctl("del", "--prefix", "/registry/x/")
        etcd.etcdctl("del", "--prefix", "/registry/y/")
        etcd.etcdctl("del", "--prefix", "/registry/r/")
        etcd.etcdctl("del", "--prefix", "/registry/other/")
        yield s
        await s.close()
