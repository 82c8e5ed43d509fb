"""`apply` failures name the step that failed, in kubectl's words."""

from __future__ import annotations

from typing import Any

import pytest

from kubectl.cmd.apply import ApplyStepError, apply_one
from kubectl.context import State
from kubectl.errors import server_message
from machinery.errors import Conflict, Forbidden, StatusError

CM = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"a": "1"}}
LIVE = {
    "apiVersion": "v1",
    "kind": "ConfigMap",
    "metadata": {"name": "cfg", "namespace": "team", "resourceVersion": "5"},
    "data": {"a": "0"},
}
WHERE = (
    'Resource: "/v1, Resource=configmaps", GroupVersionKind: "/v1, Kind=ConfigMap"\n'
    'Name: "cfg", Namespace: "team"'
)


class FailingApi:
    def __init__(self, *, get: StatusError | None = None, patch: StatusError | None = None):
        self.get_error, self.patch_error = get, patch

    def get(self, path: str, **kw: Any) -> Any:
        if self.get_error is not None:
            raise self.get_error
        return LIVE

    def patch(self, path: str, body: Any, **kw: Any) -> Any:
        assert self.patch_error is not None
        raise self.patch_error


def run(api: FailingApi) -> str:
    st = State(namespace="team", _api=api)  # type: ignore[arg-type]
    with pytest.raises(ApplyStepError) as caught:
        apply_one(st, dict(CM), dry_run="none", server_side=False, force=False)
    return server_message(caught.value.err, source="cm.yaml", action=caught.value.action)


def test_a_failed_get_is_reported_as_retrieving_the_current_configuration() -> None:
    text = run(FailingApi(get=Forbidden('configmaps "cfg" is forbidden')))
    assert text == (
        "Error from server (Forbidden): error when retrieving current configuration of:\n"
        f'{WHERE}\nfrom server for: "cm.yaml": configmaps "cfg" is forbidden'
    )


def test_a_failed_patch_is_reported_as_applying_the_patch() -> None:
    text = run(FailingApi(patch=Conflict("the object has been modified")))
    assert text.startswith("Error from server (Conflict): error when applying patch:\n{")
    assert text.endswith(f'}}\nto:\n{WHERE}\nfor: "cm.yaml": the object has been modified')
    assert '"data":{"a":"1"}' in text
