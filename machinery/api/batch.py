"""The batch/v1 kinds: Job and CronJob.

Pod failure and success policies are kept as untyped extras (kubeling's Job controller
does not act on them); everything SCOPE.md asks of Jobs is typed.
"""

from __future__ import annotations

from pydantic import Field

from machinery.api.base import Model, register
from machinery.api.core import PodTemplateSpec
from machinery.api.meta import Compact, LabelSelector, ObjectReference, TemplateMeta, TopLevel

__all__ = [
    "CronJob",
    "CronJobSpec",
    "CronJobStatus",
    "Job",
    "JobCondition",
    "JobSpec",
    "JobStatus",
    "JobTemplateSpec",
    "UncountedTerminatedPods",
]


class JobSpec(Compact):
    OMIT_IF_EMPTY = ("template",)

    parallelism: int | None = None
    completions: int | None = None
    active_deadline_seconds: int | None = None
    backoff_limit: int | None = None
    backoff_limit_per_index: int | None = None
    max_failed_indexes: int | None = None
    selector: LabelSelector | None = None
    manual_selector: bool | None = None
    template: PodTemplateSpec = Field(default_factory=PodTemplateSpec)
    ttl_seconds_after_finished: int | None = None
    completion_mode: str | None = None  # NonIndexed, Indexed
    suspend: bool | None = None
    pod_replacement_policy: str | None = None
    managed_by: str | None = None


class JobCondition(Model):
    type: str = ""  # Complete, Failed, Suspended, FailureTarget, SuccessCriteriaMet
    status: str = ""
    last_probe_time: str | None = None
    last_transition_time: str | None = None
    reason: str | None = None
    message: str | None = None


class UncountedTerminatedPods(Model):
    succeeded: list[str] | None = None
    failed: list[str] | None = None


class JobStatus(Model):
    conditions: list[JobCondition] | None = None
    start_time: str | None = None
    completion_time: str | None = None
    active: int | None = None
    succeeded: int | None = None
    failed: int | None = None
    terminating: int | None = None
    completed_indexes: str | None = None
    failed_indexes: str | None = None
    uncounted_terminated_pods: UncountedTerminatedPods | None = None
    ready: int | None = None


@register
class Job(TopLevel):
    API_VERSION = "batch/v1"
    KIND = "Job"

    spec: JobSpec = Field(default_factory=JobSpec)
    status: JobStatus = Field(default_factory=JobStatus)

    def condition(self, type_: str) -> JobCondition | None:
        """The status condition of that type (Complete, Failed...), if any."""
        for c in self.status.conditions or []:
            if c.type == type_:
                return c
        return None


class JobTemplateSpec(Compact):
    OMIT_IF_EMPTY = ("spec",)

    metadata: TemplateMeta | None = None
    spec: JobSpec = Field(default_factory=JobSpec)


class CronJobSpec(Compact):
    OMIT_IF_EMPTY = ("job_template",)

    schedule: str = ""
    time_zone: str | None = None
    starting_deadline_seconds: int | None = None
    concurrency_policy: str | None = None  # Allow, Forbid, Replace
    suspend: bool | None = None
    job_template: JobTemplateSpec = Field(default_factory=JobTemplateSpec)
    successful_jobs_history_limit: int | None = None
    failed_jobs_history_limit: int | None = None


class CronJobStatus(Model):
    active: list[ObjectReference] | None = None
    last_schedule_time: str | None = None
    last_successful_time: str | None = None


@register
class CronJob(TopLevel):
    API_VERSION = "batch/v1"
    KIND = "CronJob"

    spec: CronJobSpec = Field(default_factory=CronJobSpec)
    status: CronJobStatus = Field(default_factory=CronJobStatus)
