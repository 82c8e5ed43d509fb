"""One controller manager process and three hollow nodes for this package's tests.

Package-scoped: both are gone (the hollow Nodes deleted) before the session's other
integration tests run, since those expect nobody to act on their objects.

The controller manager runs as a real process against the session's etcd + API server,
with short timings; hollow nodes (tests/support/hollow.py) play the kubelets and bind
pending pods, since no scheduler runs here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cm_proc import ControllerManager
from tests.support.hollow import HollowThread
from tests.support.procs import ApiServer


@pytest.fixture(scope="package")
def cm(apiserver: ApiServer, log_dir: Path) -> Iterator[ControllerManager]:
    c = ControllerManager(log_dir, apiserver)
    try:
        c.start()
        yield c
    finally:
        c.stop()


@pytest.fixture(scope="package")
def hollow(apiserver: ApiServer, cm: ControllerManager) -> Iterator[HollowThread]:
    h = HollowThread(apiserver.url, prefix="hollow", count=3, bind=True, lease_interval=0.5)
    try:
        h.start()
        yield h
    finally:
        h.stop(unregister=True)
