"""Workload validation: Deployment, ReplicaSet, DaemonSet, StatefulSet, Job, CronJob."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from apiserver.defaults import apply_defaults
from apiserver.validation import validate_status_update
from apiserver.validation.cron import parse_schedule_error
from tests.unit.test_validation import check, check_update, fields, find, valid

APPS = ("Deployment", "ReplicaSet", "DaemonSet", "StatefulSet")


@pytest.mark.parametrize("kind", APPS)
def test_selector_required(kind: str) -> None:
    obj = valid(kind)
    del obj["spec"]["selector"]
    find(check(kind, obj), "spec.selector", "FieldValueRequired")


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        ("Deployment", "deployment"),
        ("ReplicaSet", "deployment"),
        ("DaemonSet", "daemonset"),
        ("StatefulSet", "statefulset"),
    ],
)
def test_empty_selector_invalid(kind: str, label: str) -> None:
    obj = valid(kind)
    obj["spec"]["selector"] = {}
    c = find(check(kind, obj), "spec.selector", "FieldValueInvalid")
    assert c.message.endswith(f"empty selector is invalid for {label}")


@pytest.mark.parametrize("kind", APPS)
def test_selector_must_match_template(kind: str) -> None:
    obj = valid(kind)
    obj["spec"]["template"]["metadata"]["labels"] = {"app": "api"}
    c = find(check(kind, obj), "spec.template.metadata.labels", "FieldValueInvalid")
    assert c.message == (
        'Invalid value: map[string]string{"app":"api"}: `selector` does not match template `labels`'
    )


@pytest.mark.parametrize("kind", APPS)
def test_template_restart_policy_always(kind: str) -> None:
    obj = valid(kind)
    obj["spec"]["template"]["spec"]["restartPolicy"] = "Never"
    c = find(check(kind, obj), "spec.template.spec.restartPolicy", "FieldValueNotSupported")
    assert c.message == 'Unsupported value: "Never": supported values: "Always"'
    obj = valid(kind)
    obj["spec"]["template"]["spec"]["activeDeadlineSeconds"] = 10
    find(check(kind, obj), "spec.template.spec.activeDeadlineSeconds", "FieldValueForbidden")


@pytest.mark.parametrize("kind", APPS)
def test_template_pod_spec_is_validated(kind: str) -> None:
    obj = valid(kind)
    del obj["spec"]["template"]["spec"]["containers"][0]["image"]
    find(check(kind, obj), "spec.template.spec.containers[0].image", "FieldValueRequired")
    obj = valid(kind)
    obj["spec"]["template"]["metadata"]["labels"]["bad key"] = "x"
    find(check(kind, obj), "spec.template.metadata.labels", "FieldValueInvalid")


@pytest.mark.parametrize("kind", ("Deployment", "ReplicaSet", "StatefulSet"))
def test_replicas_non_negative(kind: str) -> None:
    obj = valid(kind)
    obj["spec"]["replicas"] = -1
    c = find(check(kind, obj), "spec.replicas", "FieldValueInvalid")
    assert c.message == "Invalid value: -1: must be greater than or equal to 0"
    obj["spec"]["replicas"] = "3"
    find(check(kind, obj), "spec.replicas", "FieldValueTypeInvalid")


def test_selector_expression_rules() -> None:
    obj = valid("Deployment")
    obj["spec"]["selector"] = {
        "matchExpressions": [
            {"key": "app", "operator": "In"},
            {"key": "app", "operator": "Exists", "values": ["x"]},
            {"key": "app", "operator": "Near", "values": ["x"]},
        ]
    }
    causes = check("Deployment", obj)
    find(causes, "spec.selector.matchExpressions[0].values", "FieldValueRequired")
    find(causes, "spec.selector.matchExpressions[1].values", "FieldValueForbidden")
    find(causes, "spec.selector.matchExpressions[2].operator", "FieldValueInvalid")


def deployment(**strategy: Any) -> dict[str, Any]:
    obj = valid("Deployment")
    obj["spec"]["strategy"] = strategy
    return obj


def test_deployment_strategy_rules() -> None:
    find(
        check("Deployment", deployment(type="BlueGreen")),
        "spec.strategy.type",
        "FieldValueNotSupported",
    )
    c = find(
        check("Deployment", deployment(type="Recreate", rollingUpdate={})),
        "spec.strategy.rollingUpdate",
        "FieldValueForbidden",
    )
    assert c.message == "Forbidden: may not be specified when strategy `type` is 'Recreate'"
    assert check("Deployment", deployment(type="Recreate")) == []
    ru = "spec.strategy.rollingUpdate"
    c = find(
        check("Deployment", deployment(rollingUpdate={"maxSurge": 0, "maxUnavailable": 0})),
        f"{ru}.maxUnavailable",
        "FieldValueInvalid",
    )
    assert c.message == "Invalid value: 0: may not be 0 when `maxSurge` is 0"
    c = find(
        check("Deployment", deployment(rollingUpdate={"maxSurge": "ten"})),
        f"{ru}.maxSurge",
        "FieldValueInvalid",
    )
    assert "a valid percent string must be a numeric string followed by an ending '%'" in c.message
    find(
        check("Deployment", deployment(rollingUpdate={"maxUnavailable": "150%"})),
        f"{ru}.maxUnavailable",
        "FieldValueInvalid",
    )
    find(
        check("Deployment", deployment(rollingUpdate={"maxUnavailable": -1})),
        f"{ru}.maxUnavailable",
        "FieldValueInvalid",
    )
    assert (
        check("Deployment", deployment(rollingUpdate={"maxSurge": 2, "maxUnavailable": "0%"})) == []
    )


def test_deployment_progress_deadline() -> None:
    obj = valid("Deployment")
    obj["spec"].update(minReadySeconds=30, progressDeadlineSeconds=30)
    c = find(check("Deployment", obj), "spec.progressDeadlineSeconds", "FieldValueInvalid")
    assert c.message.endswith("must be greater than minReadySeconds")


@pytest.mark.parametrize("kind", ("Deployment", "ReplicaSet", "DaemonSet"))
def test_selector_immutable(kind: str) -> None:
    old = valid(kind)
    new = copy.deepcopy(old)
    new["spec"]["selector"] = {"matchLabels": {"app": "web", "tier": "x"}}
    new["spec"]["template"]["metadata"]["labels"]["tier"] = "x"
    c = find(check_update(kind, new, old), "spec.selector", "FieldValueInvalid")
    assert c.message.endswith("field is immutable")


def test_deployment_scale_and_image_update_allowed() -> None:
    old = valid("Deployment")
    new = copy.deepcopy(old)
    new["spec"]["replicas"] = 10
    new["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:2"
    assert check_update("Deployment", new, old) == []


def test_daemonset_update_strategy() -> None:
    obj = valid("DaemonSet")
    obj["spec"]["updateStrategy"] = {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 0},
    }
    c = find(
        check("DaemonSet", obj),
        "spec.updateStrategy.rollingUpdate.maxUnavailable",
        "FieldValueRequired",
    )
    assert c.message == "Required value: cannot be 0 when maxSurge is 0"
    obj["spec"]["updateStrategy"]["rollingUpdate"] = {"maxUnavailable": 1, "maxSurge": 1}
    find(check("DaemonSet", obj), "spec.updateStrategy.rollingUpdate.maxSurge", "FieldValueInvalid")
    obj["spec"]["updateStrategy"] = {"type": "Sometimes"}
    find(check("DaemonSet", obj), "spec.updateStrategy.type", "FieldValueNotSupported")


def test_statefulset_rules() -> None:
    obj = valid("StatefulSet")
    obj["spec"].update(
        podManagementPolicy="Random",
        updateStrategy={"type": "OnDelete", "rollingUpdate": {"partition": 1}},
        persistentVolumeClaimRetentionPolicy={"whenDeleted": "Keep"},
    )
    causes = check("StatefulSet", obj)
    find(causes, "spec.podManagementPolicy", "FieldValueNotSupported")
    assert find(causes, "spec.updateStrategy.rollingUpdate").message.endswith(
        "only allowed for updateStrategy 'RollingUpdate'"
    )
    find(causes, "spec.persistentVolumeClaimRetentionPolicy.whenDeleted", "FieldValueNotSupported")
    obj = valid("StatefulSet")
    obj["spec"]["updateStrategy"] = {"type": "RollingUpdate", "rollingUpdate": {"partition": -1}}
    find(
        check("StatefulSet", obj),
        "spec.updateStrategy.rollingUpdate.partition",
        "FieldValueInvalid",
    )
    obj["spec"]["updateStrategy"]["rollingUpdate"] = {"maxUnavailable": 0}
    c = find(check("StatefulSet", obj), "spec.updateStrategy.rollingUpdate.maxUnavailable")
    assert c.message == "Invalid value: 0: cannot be 0"


def test_statefulset_update_rules() -> None:
    old = valid("StatefulSet")
    new = copy.deepcopy(old)
    new["spec"]["replicas"] = 5
    new["spec"]["template"]["spec"]["containers"][0]["image"] = "db:2"
    assert check_update("StatefulSet", new, old) == []
    new["spec"]["serviceName"] = "other"
    c = find(check_update("StatefulSet", new, old), "spec", "FieldValueForbidden")
    assert c.message.startswith(
        "Forbidden: updates to statefulset spec for fields other than "
        "'replicas', 'ordinals', 'template', 'updateStrategy'"
    )


# --- Job -----------------------------------------------------------------------------------


def job(**spec: Any) -> dict[str, Any]:
    obj = valid("Job")
    obj["spec"].update(spec)
    return obj


def test_job_generated_selector_passes() -> None:
    obj = valid("Job")
    assert check("Job", obj) == []
    assert obj["spec"]["selector"]["matchLabels"] == {
        "batch.kubernetes.io/controller-uid": "0b5e7a0e-1"
    }


def test_job_restart_policy() -> None:
    obj = valid("Job")
    obj["spec"]["template"]["spec"]["restartPolicy"] = "Always"
    c = find(check("Job", obj), "spec.template.spec.restartPolicy", "FieldValueNotSupported")
    assert c.message == 'Unsupported value: "Always": supported values: "OnFailure", "Never"'
    del obj["spec"]["template"]["spec"]["restartPolicy"]
    find(check("Job", obj), "spec.template.spec.restartPolicy", "FieldValueRequired")


@pytest.mark.parametrize(
    "key",
    (
        "parallelism",
        "completions",
        "backoffLimit",
        "activeDeadlineSeconds",
        "ttlSecondsAfterFinished",
    ),
)
def test_job_counts_non_negative(key: str) -> None:
    find(check("Job", job(**{key: -1})), f"spec.{key}", "FieldValueInvalid")


def test_job_modes_and_manual_selector() -> None:
    find(
        check("Job", job(completionMode="Random")), "spec.completionMode", "FieldValueNotSupported"
    )
    obj = job(completionMode="Indexed", parallelism=2)
    c = find(check("Job", obj), "spec.completions", "FieldValueRequired")
    assert c.message == "Required value: when completion mode is Indexed"
    manual = job(manualSelector=True)
    manual["metadata"].pop("uid")
    find(check("Job", manual), "spec.selector", "FieldValueRequired")
    manual["spec"]["selector"] = {"matchLabels": {"app": "x"}}
    find(check("Job", manual), "spec.template.metadata.labels", "FieldValueInvalid")


def test_job_update_immutability() -> None:
    old = valid("Job")
    apply_defaults("Job", old)
    new = copy.deepcopy(old)
    new["spec"]["parallelism"] = 5
    new["spec"]["suspend"] = True
    assert check_update("Job", new, old) == []
    new["spec"]["template"]["spec"]["containers"][0]["image"] = "other"
    new["spec"]["completions"] = 9
    causes = check_update("Job", new, old)
    assert set(fields(causes)) == {"spec.template", "spec.completions"}
    assert find(causes, "spec.completions").message == "Invalid value: 9: field is immutable"


# --- CronJob -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "schedule",
    [
        "* * * * *",
        "*/5 * * * *",
        "0 0 1 1 *",
        "0 9-17 * * MON-FRI",
        "15,45 */2 1-15/3 jan,jul sun",
        "@hourly",
        "@daily",
        "@every 1h30m",
        "0 0 ? * 0",
        "5/15 * * * *",
        "0 0 31 DEC SAT",
    ],
)
def test_valid_schedules(schedule: str) -> None:
    assert parse_schedule_error(schedule) == ""


@pytest.mark.parametrize(
    ("schedule", "error"),
    [
        ("", "empty spec string"),
        ("* * * *", "expected exactly 5 fields, found 4: [* * * *]"),
        ("* * * * * *", "expected exactly 5 fields, found 6: [* * * * * *]"),
        ("60 * * * *", "end of range (60) above maximum (59): 60"),
        ("* 24 * * *", "end of range (24) above maximum (23): 24"),
        ("* * 0 * *", "beginning of range (0) below minimum (1): 0"),
        ("* * * 13 *", "end of range (13) above maximum (12): 13"),
        ("* * * * 7", "end of range (7) above maximum (6): 7"),
        ("5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"),
        ("*/0 * * * *", "step of range should be a positive number: */0"),
        ("1-2-3 * * * *", "too many hyphens: 1-2-3"),
        ("*/2/3 * * * *", "too many slashes: */2/3"),
        ("x * * * *", 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'),
        ("@fortnightly", "unrecognized descriptor: @fortnightly"),
        (
            "* * * FOO *",
            'failed to parse int from FOO: strconv.Atoi: parsing "FOO": invalid syntax',
        ),
    ],
)
def test_invalid_schedules(schedule: str, error: str) -> None:
    assert parse_schedule_error(schedule) == error


def cronjob(**spec: Any) -> dict[str, Any]:
    obj = valid("CronJob")
    obj["spec"].update(spec)
    return obj


def test_cronjob_rules() -> None:
    c = find(check("CronJob", cronjob(schedule="61 * * * *")), "spec.schedule", "FieldValueInvalid")
    assert c.message == ('Invalid value: "61 * * * *": end of range (61) above maximum (59): 61')
    find(check("CronJob", cronjob(schedule="")), "spec.schedule", "FieldValueRequired")
    find(
        check("CronJob", cronjob(schedule="TZ=UTC 0 * * * *")), "spec.schedule", "FieldValueInvalid"
    )
    find(
        check("CronJob", cronjob(concurrencyPolicy="Sometimes")),
        "spec.concurrencyPolicy",
        "FieldValueNotSupported",
    )
    find(
        check("CronJob", cronjob(startingDeadlineSeconds=-5)),
        "spec.startingDeadlineSeconds",
        "FieldValueInvalid",
    )
    find(check("CronJob", cronjob(timeZone="Local")), "spec.timeZone", "FieldValueInvalid")
    assert check("CronJob", cronjob(timeZone="Etc/UTC")) == []


def test_cronjob_name_and_job_template() -> None:
    obj = valid("CronJob")
    obj["metadata"]["name"] = "c" * 53
    c = find(check("CronJob", obj), "metadata.name", "FieldValueInvalid")
    assert c.message.endswith("must be no more than 52 characters")
    obj = valid("CronJob")
    obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]["restartPolicy"] = "Always"
    obj["spec"]["jobTemplate"]["spec"]["selector"] = {"matchLabels": {"a": "b"}}
    causes = check("CronJob", obj)
    find(causes, "spec.jobTemplate.spec.template.spec.restartPolicy", "FieldValueNotSupported")
    assert find(causes, "spec.jobTemplate.spec.selector").message.endswith(
        "`selector` will be auto-generated"
    )


# --- status --------------------------------------------------------------------------------


def test_workload_status_counters() -> None:
    old = valid("Deployment")
    apply_defaults("Deployment", old)
    new = copy.deepcopy(old)
    new["status"] = {
        "replicas": 2,
        "readyReplicas": 3,
        "availableReplicas": 1,
        "updatedReplicas": -1,
    }
    causes = validate_status_update("Deployment", new, old)
    assert find(causes, "status.readyReplicas").message.endswith(
        "cannot be greater than status.replicas"
    )
    find(causes, "status.updatedReplicas", "FieldValueInvalid")
    new["status"] = {"replicas": 3, "readyReplicas": 2, "availableReplicas": 3}
    assert find(
        validate_status_update("Deployment", new, old), "status.availableReplicas"
    ).message.endswith("cannot be greater than readyReplicas")
    new["status"] = {
        "replicas": 3,
        "readyReplicas": 3,
        "availableReplicas": 3,
        "observedGeneration": 2,
    }
    assert validate_status_update("Deployment", new, old) == []
    job_old = valid("Job")
    job_new = copy.deepcopy(job_old)
    job_new["status"] = {"active": -1}
    find(validate_status_update("Job", job_new, job_old), "status.active", "FieldValueInvalid")
