"""The storage contract against the in-memory implementation."""

from __future__ import annotations

import pytest

from apiserver.storage.memory import MemoryStorage
from tests.support.storage_contract import StorageContract


class TestMemoryStorage(StorageContract):
    @pytest.fixture
    def storage(self) -> MemoryStorage:
        return MemoryStorage()
