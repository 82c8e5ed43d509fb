"""resourceFieldRef env values: requests and limits through the divisor, rounded up."""

from __future__ import annotations

import os

import pytest

from kubelet.envvars import resource_value
from machinery.api import Pod
from machinery.api.core import ResourceFieldSelector

POD = Pod.model_validate(
    {
        "metadata": {"name": "p", "namespace": "default"},
        "spec": {
            "containers": [
                {
                    "name": "app",
                    "image": "x",
                    "resources": {
                        "requests": {"cpu": "250m", "memory": "64Mi"},
                        "limits": {"cpu": "1500m", "memory": "128Mi"},
                    },
                },
                {"name": "side", "image": "x"},
            ]
        },
    }
)
APP, SIDE = POD.spec.containers


@pytest.mark.parametrize(
    ("resource", "divisor", "expected"),
    [
        ("limits.cpu", None, "2"),  # 1.5 cores, rounded up
        ("limits.cpu", "1m", "1500"),
        ("requests.cpu", "1m", "250"),
        ("requests.cpu", None, "1"),
        ("limits.memory", None, str(128 * 1024 * 1024)),
        ("requests.memory", "1Mi", "64"),
    ],
)
def test_requests_and_limits_through_the_divisor(
    resource: str, divisor: str | None, expected: str
) -> None:
    sel = ResourceFieldSelector(resource=resource, divisor=divisor)
    assert resource_value(POD, APP, sel) == expected


def test_another_container_by_name_and_unset_values() -> None:
    sel = ResourceFieldSelector(container_name="app", resource="limits.memory", divisor="1Mi")
    assert resource_value(POD, SIDE, sel) == "128"
    assert resource_value(POD, SIDE, ResourceFieldSelector(resource="requests.cpu")) == "0"
    # an unset limit is the node's allocatable (here: this machine's CPUs)
    unset = ResourceFieldSelector(resource="limits.cpu")
    assert resource_value(POD, SIDE, unset) == str(os.cpu_count())
