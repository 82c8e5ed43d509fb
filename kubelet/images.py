"""Image pulls by imagePullPolicy, with ErrImagePull / ImagePullBackOff.

There is no image registry here (ENVIRONMENT.md), so the kubelet pulls only from the
registries it is told it may reach (`--pull-registries`, e.g. a lab registry); an image
that is present locally is used as is, whatever the policy, when its registry is not one
of those. An absent image that cannot be pulled fails with ErrImagePull, and the next
attempts wait out an exponential back-off (ImagePullBackOff), like Kubernetes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from kubelet.backoff import Backoff
from kubelet.runtime import ContainerRuntime, ImageNotPresent, PullFailed, RuntimeError_
from machinery.api import Container, Pod


class Recorder(Protocol):
    """What the kubelet needs of machinery.events.EventRecorder (a no-op one in unit tests)."""

    def normal(self, obj: Pod, reason: str, message: str) -> None: ...

    def warning(self, obj: Pod, reason: str, message: str) -> None: ...


def pull_policy(c: Container) -> str:
    if c.image_pull_policy:
        return c.image_pull_policy
    image = c.image or ""
    tag = image.rsplit("/", 1)[-1].partition(":")[2]
    return "Always" if not tag or tag == "latest" else "IfNotPresent"


def registry_of(image: str) -> str:
    first, sep, _ = image.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        return first
    return "docker.io"


class ImagePuller:
    """One pod's image pulls (its back-off entries are keyed by pod uid and image)."""

    def __init__(
        self,
        runtime: ContainerRuntime,
        backoff: Backoff,
        *,
        uid: str,
        registries: tuple[str, ...],
        clock: Callable[[], float],
    ) -> None:
        self.runtime = runtime
        self.backoff = backoff
        self.uid = uid
        self.registries = registries
        self.clock = clock
        self.failed_at: dict[str, float] = {}  # back-off key -> time of the last failure

    async def ensure(self, pod: Pod, c: Container, recorder: Recorder) -> None:
        """Make c's image present, or raise the RuntimeError_ its status shows."""
        image = c.image or ""
        policy = pull_policy(c)
        present = await self.runtime.image_present(image)
        if policy == "Never":
            if not present:
                raise ImageNotPresent(
                    f'Container image "{image}" is not present with pull policy of Never'
                )
            return
        reachable = registry_of(image) in self.registries
        if present and (policy == "IfNotPresent" or not reachable):
            recorder.normal(pod, "Pulled", f'Container image "{image}" already present on machine')
            return
        key = f"{self.uid}/{image}"
        failed_at = self.failed_at.get(key)
        if failed_at is not None and self.backoff.remaining(key, failed_at) > 0:
            raise RuntimeError_("ImagePullBackOff", f'Back-off pulling image "{image}"')
        try:
            if not reachable:
                raise PullFailed(
                    f'failed to pull image "{image}": no registry is reachable from this node '
                    f"(registries allowed: {', '.join(self.registries) or 'none'})"
                )
            recorder.normal(pod, "Pulling", f'Pulling image "{image}"')
            await self.runtime.pull_image(image)
        except PullFailed as e:
            self.backoff.next(key)
            self.failed_at[key] = self.clock()
            recorder.warning(pod, "Failed", e.message)
            raise
        self.failed_at.pop(key, None)

    def retry_waits(self) -> list[float]:
        """Seconds until each failed image may be tried again."""
        return [self.backoff.remaining(k, t) for k, t in self.failed_at.items()]
