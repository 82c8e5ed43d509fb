"""Pod status goes to the API through pods/status, and only when something changed.

The comparison is with what this kubelet last wrote for the pod and, after a restart,
with the status the API already holds (so a restarted kubelet writes nothing for pods
that did not change).
"""

from __future__ import annotations

import logging
from typing import Any

from kubelet.status import comparable
from machinery.api import Pod, PodStatus
from machinery.client import Client
from machinery.errors import NotFound, StatusError

log = logging.getLogger(__name__)

# Fields the kubelet owns: sent as null when absent so a merge patch clears them.
CLEARED = ("podIP", "podIPs", "initContainerStatuses", "message", "reason")


class StatusWriter:
    def __init__(self, client: Client) -> None:
        self.client = client
        self._sent: dict[str, dict[str, Any]] = {}  # pod uid -> comparable status
        self.writes = 0

    def forget(self, uid: str) -> None:
        self._sent.pop(uid, None)

    async def write(self, pod: Pod, status: PodStatus) -> None:
        uid = pod.metadata.uid or ""
        new = comparable(status)
        last = self._sent.get(uid)
        if last is None and comparable(pod.status) == new:
            self._sent[uid] = new
            return
        if last == new:
            return
        body = status.to_dict()
        for key in CLEARED:
            body.setdefault(key, None)
        try:
            await self.client.patch(
                Pod,
                pod.metadata.name,
                {"metadata": {"uid": uid}, "status": body},
                namespace=pod.metadata.namespace,
                subresource="status",
            )
        except NotFound:
            return
        except StatusError as e:
            log.warning("status write failed pod=%s err=%s", pod.key, e)
            raise
        self.writes += 1
        self._sent[uid] = new
