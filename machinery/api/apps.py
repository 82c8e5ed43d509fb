"""The apps/v1 kinds: Deployment, ReplicaSet, DaemonSet, StatefulSet.

`selector` stays None when absent: a nil selector matches nothing while an empty one
matches everything, so the difference must survive. Status counters default to None
(Kubernetes omits zeros); read them as `status.replicas or 0`.
"""

from __future__ import annotations

from pydantic import Field

from machinery.api.base import Model, ObjectMeta, register
from machinery.api.core import PodTemplateSpec
from machinery.api.meta import Compact, IntOrString, LabelSelector, Quantities, TopLevel

__all__ = [
    "DaemonSet",
    "DaemonSetCondition",
    "DaemonSetSpec",
    "DaemonSetStatus",
    "DaemonSetUpdateStrategy",
    "Deployment",
    "DeploymentCondition",
    "DeploymentSpec",
    "DeploymentStatus",
    "DeploymentStrategy",
    "PersistentVolumeClaim",
    "PersistentVolumeClaimSpec",
    "PersistentVolumeClaimStatus",
    "ReplicaSet",
    "ReplicaSetCondition",
    "ReplicaSetSpec",
    "ReplicaSetStatus",
    "RollingUpdateDaemonSet",
    "RollingUpdateDeployment",
    "RollingUpdateStatefulSetStrategy",
    "StatefulSet",
    "StatefulSetCondition",
    "StatefulSetOrdinals",
    "StatefulSetPersistentVolumeClaimRetentionPolicy",
    "StatefulSetSpec",
    "StatefulSetStatus",
    "StatefulSetUpdateStrategy",
    "VolumeResourceRequirements",
]


class _WorkloadCondition(Model):
    type: str = ""
    status: str = ""  # "True", "False", "Unknown"
    last_transition_time: str | None = None
    reason: str | None = None
    message: str | None = None


# --------------------------------------------------------------------------- Deployment


class RollingUpdateDeployment(Model):
    max_unavailable: IntOrString | None = None
    max_surge: IntOrString | None = None


class DeploymentStrategy(Model):
    type: str | None = None  # RollingUpdate, Recreate
    rolling_update: RollingUpdateDeployment | None = None


class DeploymentSpec(Compact):
    OMIT_IF_EMPTY = ("template",)

    replicas: int | None = None
    selector: LabelSelector | None = None
    template: PodTemplateSpec = Field(default_factory=PodTemplateSpec)
    strategy: DeploymentStrategy | None = None
    min_ready_seconds: int | None = None
    revision_history_limit: int | None = None
    paused: bool | None = None
    progress_deadline_seconds: int | None = None


class DeploymentCondition(_WorkloadCondition):
    """Available, Progressing, ReplicaFailure."""

    last_update_time: str | None = None


class DeploymentStatus(Model):
    observed_generation: int | None = None
    replicas: int | None = None
    updated_replicas: int | None = None
    ready_replicas: int | None = None
    available_replicas: int | None = None
    unavailable_replicas: int | None = None
    terminating_replicas: int | None = None
    conditions: list[DeploymentCondition] | None = None
    collision_count: int | None = None


@register
class Deployment(TopLevel):
    API_VERSION = "apps/v1"
    KIND = "Deployment"

    spec: DeploymentSpec = Field(default_factory=DeploymentSpec)
    status: DeploymentStatus = Field(default_factory=DeploymentStatus)

    def condition(self, type_: str) -> DeploymentCondition | None:
        """The status condition of that type (Available, Progressing...), if any."""
        for c in self.status.conditions or []:
            if c.type == type_:
                return c
        return None


# --------------------------------------------------------------------------- ReplicaSet


class ReplicaSetSpec(Compact):
    OMIT_IF_EMPTY = ("template",)

    replicas: int | None = None
    min_ready_seconds: int | None = None
    selector: LabelSelector | None = None
    template: PodTemplateSpec = Field(default_factory=PodTemplateSpec)


class ReplicaSetCondition(_WorkloadCondition):
    """ReplicaFailure."""


class ReplicaSetStatus(Model):
    replicas: int | None = None
    fully_labeled_replicas: int | None = None
    ready_replicas: int | None = None
    available_replicas: int | None = None
    terminating_replicas: int | None = None
    observed_generation: int | None = None
    conditions: list[ReplicaSetCondition] | None = None


@register
class ReplicaSet(TopLevel):
    API_VERSION = "apps/v1"
    KIND = "ReplicaSet"

    spec: ReplicaSetSpec = Field(default_factory=ReplicaSetSpec)
    status: ReplicaSetStatus = Field(default_factory=ReplicaSetStatus)


# --------------------------------------------------------------------------- DaemonSet


class RollingUpdateDaemonSet(Model):
    max_unavailable: IntOrString | None = None
    max_surge: IntOrString | None = None


class DaemonSetUpdateStrategy(Model):
    type: str | None = None  # RollingUpdate, OnDelete
    rolling_update: RollingUpdateDaemonSet | None = None


class DaemonSetSpec(Compact):
    OMIT_IF_EMPTY = ("template",)

    selector: LabelSelector | None = None
    template: PodTemplateSpec = Field(default_factory=PodTemplateSpec)
    update_strategy: DaemonSetUpdateStrategy | None = None
    min_ready_seconds: int | None = None
    revision_history_limit: int | None = None


class DaemonSetCondition(_WorkloadCondition):
    pass


class DaemonSetStatus(Model):
    current_number_scheduled: int | None = None
    number_misscheduled: int | None = None
    desired_number_scheduled: int | None = None
    number_ready: int | None = None
    observed_generation: int | None = None
    updated_number_scheduled: int | None = None
    number_available: int | None = None
    number_unavailable: int | None = None
    collision_count: int | None = None
    conditions: list[DaemonSetCondition] | None = None


@register
class DaemonSet(TopLevel):
    API_VERSION = "apps/v1"
    KIND = "DaemonSet"

    spec: DaemonSetSpec = Field(default_factory=DaemonSetSpec)
    status: DaemonSetStatus = Field(default_factory=DaemonSetStatus)


# --------------------------------------------------------------------------- StatefulSet


class VolumeResourceRequirements(Model):
    limits: Quantities | None = None
    requests: Quantities | None = None


class PersistentVolumeClaimSpec(Model):
    access_modes: list[str] | None = None
    selector: LabelSelector | None = None
    resources: VolumeResourceRequirements | None = None
    volume_name: str | None = None
    storage_class_name: str | None = None
    volume_mode: str | None = None


class PersistentVolumeClaimStatus(Model):
    phase: str | None = None
    access_modes: list[str] | None = None
    capacity: Quantities | None = None


class PersistentVolumeClaim(Model):
    """A claim template in a StatefulSet (kubeling does not serve PVCs themselves)."""

    api_version: str | None = None
    kind: str | None = None
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    spec: PersistentVolumeClaimSpec | None = None
    status: PersistentVolumeClaimStatus | None = None


class RollingUpdateStatefulSetStrategy(Model):
    partition: int | None = None
    max_unavailable: IntOrString | None = None


class StatefulSetUpdateStrategy(Model):
    type: str | None = None  # RollingUpdate, OnDelete
    rolling_update: RollingUpdateStatefulSetStrategy | None = None


class StatefulSetPersistentVolumeClaimRetentionPolicy(Model):
    when_deleted: str | None = None  # Retain, Delete
    when_scaled: str | None = None


class StatefulSetOrdinals(Model):
    start: int | None = None


class StatefulSetSpec(Compact):
    OMIT_IF_EMPTY = ("template",)

    replicas: int | None = None
    selector: LabelSelector | None = None
    template: PodTemplateSpec = Field(default_factory=PodTemplateSpec)
    volume_claim_templates: list[PersistentVolumeClaim] | None = None
    service_name: str | None = None
    pod_management_policy: str | None = None  # OrderedReady, Parallel
    update_strategy: StatefulSetUpdateStrategy | None = None
    revision_history_limit: int | None = None
    min_ready_seconds: int | None = None
    persistent_volume_claim_retention_policy: (
        StatefulSetPersistentVolumeClaimRetentionPolicy | None
    ) = None
    ordinals: StatefulSetOrdinals | None = None


class StatefulSetCondition(_WorkloadCondition):
    pass


class StatefulSetStatus(Model):
    observed_generation: int | None = None
    replicas: int | None = None
    ready_replicas: int | None = None
    current_replicas: int | None = None
    updated_replicas: int | None = None
    current_revision: str | None = None
    update_revision: str | None = None
    collision_count: int | None = None
    conditions: list[StatefulSetCondition] | None = None
    available_replicas: int | None = None


@register
class StatefulSet(TopLevel):
    API_VERSION = "apps/v1"
    KIND = "StatefulSet"

    spec: StatefulSetSpec = Field(default_factory=StatefulSetSpec)
    status: StatefulSetStatus = Field(default_factory=StatefulSetStatus)
