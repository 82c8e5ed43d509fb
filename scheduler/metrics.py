"""Prometheus metrics, named after kube-scheduler's where one exists."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

_BUCKETS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60)

ATTEMPTS = Counter(
    "scheduler_schedule_attempts", "Scheduling attempts by result", ["result"]
)  # result: scheduled, unschedulable, error
ATTEMPT_SECONDS = Histogram(
    "scheduler_scheduling_attempt_duration_seconds",
    "Time of one scheduling decision (filter, score, select), by result",
    ["result"],
    buckets=_BUCKETS,
)
POD_SCHEDULING_SECONDS = Histogram(
    "scheduler_pod_scheduling_duration_seconds",
    "From a pod entering the queue to its successful binding",
    buckets=_BUCKETS,
)
BINDING_SECONDS = Histogram(
    "scheduler_binding_duration_seconds", "Time of one pods/binding call", buckets=_BUCKETS
)
PREEMPTION_ATTEMPTS = Counter("scheduler_preemption_attempts", "Preemptions started")
PREEMPTION_VICTIMS = Counter("scheduler_preemption_victims", "Pods deleted by preemption")
