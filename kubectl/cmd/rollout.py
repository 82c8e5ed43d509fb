"""`kubeling rollout status|history|undo|pause|resume|restart` for Deployments, client-side as
kubectl does: status reads status fields and conditions (watching until done), history and undo
work from the ReplicaSets' `deployment.kubernetes.io/revision` annotations."""

from __future__ import annotations

import time
from typing import Any

import click

from kubectl.context import State, command, state
from kubectl.errors import CLIError
from kubectl.resources import parse_args, path, ref

Obj = dict[str, Any]
REVISION = "deployment.kubernetes.io/revision"
CHANGE_CAUSE = "kubernetes.io/change-cause"
HASH = "pod-template-hash"


@click.group(name="rollout", context_settings={"help_option_names": ["-h", "--help"]})
def rollout() -> None:
    """Manage the rollout of a deployment."""


def _deployment(st: State, args: tuple[str, ...]) -> tuple[Any, str, Obj]:
    targets = parse_args(args, need_names=True)
    t = targets[0]
    if t.info.kind != "Deployment":
        raise CLIError(
            f'no rollbacker has been implemented for "{t.info.group}" "{t.info.kind}"'
            if t.info.kind
            else "unsupported kind"
        )
    name = t.names[0]
    return t.info, name, st.api().get(path(t.info, st.ns, name))


def status_message(d: Obj) -> tuple[str, bool]:
    """kubectl's DeploymentStatusViewer: (message, done); raises on a passed deadline."""
    name = d["metadata"]["name"]
    spec, st = d.get("spec") or {}, d.get("status") or {}
    if d["metadata"].get("generation", 0) <= st.get("observedGeneration", 0):
        for c in st.get("conditions") or []:
            if c.get("type") == "Progressing" and c.get("reason") == "ProgressDeadlineExceeded":
                raise CLIError(f'deployment "{name}" exceeded its progress deadline')
        want = spec.get("replicas", 1)
        updated = st.get("updatedReplicas", 0)
        if updated < want:
            return (
                f'Waiting for deployment "{name}" rollout to finish: {updated} out of '
                f"{want} new replicas have been updated...",
                False,
            )
        if st.get("replicas", 0) > updated:
            return (
                f'Waiting for deployment "{name}" rollout to finish: '
                f"{st.get('replicas', 0) - updated} old replicas are pending "
                "termination...",
                False,
            )
        if st.get("availableReplicas", 0) < updated:
            return (
                f'Waiting for deployment "{name}" rollout to finish: '
                f"{st.get('availableReplicas', 0)} of {updated} updated replicas are "
                "available...",
                False,
            )
        return f'deployment "{name}" successfully rolled out', True
    return "Waiting for deployment spec update to be observed...", False


@command(name="status")
@click.argument("args", nargs=-1, required=True)
@click.option("-w", "--watch", type=bool, default=True)
@click.option("--timeout", default="0s")
def status(args: tuple[str, ...], watch: bool, timeout: str) -> None:
    """Show the status of the rollout (waits until it is done)."""
    from kubectl.timing import parse_duration

    st = state()
    info, name, d = _deployment(st, args)
    limit = parse_duration(timeout)
    deadline = time.monotonic() + (limit if limit > 0 else 3600.0)
    last = ""
    msg, done = status_message(d)
    if msg != last:
        click.echo(msg)
        last = msg
    if done or not watch:
        return
    api = st.api()
    while time.monotonic() < deadline:
        rv = d["metadata"]["resourceVersion"]
        left = max(1, int(deadline - time.monotonic()))
        query = {
            "fieldSelector": f"metadata.name={name}",
            "resourceVersion": rv,
            "timeoutSeconds": left,
        }
        for event in api.watch(path(info, st.ns), query=query, timeout=left + 5):
            if event.get("type") == "DELETED":
                raise CLIError("object has been deleted")
            if event.get("type") not in ("ADDED", "MODIFIED"):
                continue
            d = event["object"]
            msg, done = status_message(d)
            if msg != last:
                click.echo(msg)
                last = msg
            if done:
                return
        d = api.get(path(info, st.ns, name))
    raise CLIError("timed out waiting for the condition")


def history_of(st: State, d: Obj) -> list[tuple[int, Obj]]:
    from kubectl.describe_workloads import owned_replicasets

    api = st.api()
    rss = owned_replicasets(d, lambda p, q: list(api.get(p, query=q).get("items") or []))
    out = []
    for rs in rss:
        rev = (rs["metadata"].get("annotations") or {}).get(REVISION)
        if rev and rev.isdigit():
            out.append((int(rev), rs))
    return sorted(out, key=lambda x: x[0])


@command(name="history")
@click.argument("args", nargs=-1, required=True)
@click.option("--revision", type=int, default=0)
def history(args: tuple[str, ...], revision: int) -> None:
    """View previous rollout revisions."""
    st = state()
    info, name, d = _deployment(st, args)
    revs = history_of(st, d)
    if revision:
        match = [rs for r, rs in revs if r == revision]
        if not match:
            raise CLIError("unable to find the specified revision")
        import copy

        from kubectl.describe import Writer
        from kubectl.describe_pod import pod_template

        rs = match[0]
        tmpl = copy.deepcopy(rs["spec"]["template"])
        cause = (rs["metadata"].get("annotations") or {}).get(CHANGE_CAUSE)
        if cause:
            tmpl.setdefault("metadata", {}).setdefault("annotations", {})[CHANGE_CAUSE] = cause
        w = Writer()
        pod_template(w, tmpl)
        click.echo(f"{ref(info, name)} with revision #{revision}")
        click.echo("\n".join(w.lines) + "\n")  # kubectl prints these lines untabulated
        return
    click.echo(f"{ref(info, name)} ")
    if not revs:
        click.echo("No rollout history found.")
        return
    from kubectl.printers import layout

    rows = [["REVISION", "CHANGE-CAUSE"]]
    for r, rs in revs:
        cause = (rs["metadata"].get("annotations") or {}).get(CHANGE_CAUSE, "<none>")
        rows.append([str(r), cause])
    click.echo("\n".join(layout(rows)))
    click.echo("")


@command(name="undo")
@click.argument("args", nargs=-1, required=True)
@click.option("--to-revision", type=int, default=0)
def undo(args: tuple[str, ...], to_revision: int) -> None:
    """Roll back to a previous rollout (the previous revision by default)."""
    import copy

    st = state()
    info, name, d = _deployment(st, args)
    if (d.get("spec") or {}).get("paused"):
        raise CLIError(
            f"you cannot rollback a paused deployment; resume it first with "
            f"'kubeling rollout resume {ref(info, name)}' and try again"
        )
    revs = history_of(st, d)
    if not revs:
        raise CLIError(f'no rollout history found for deployment "{name}"')
    if to_revision:
        match = [rs for r, rs in revs if r == to_revision]
        if not match:
            raise CLIError(f"unable to find specified revision {to_revision} in history")
        target = match[0]
    else:
        if len(revs) < 2:
            raise CLIError(
                f'no rollout history found for deployment "{name}"'
                if not revs
                else f'no revision found for deployment "{name}"'
            )
        target = revs[-2][1]
    tmpl = copy.deepcopy(target["spec"]["template"])
    tmeta = tmpl.setdefault("metadata", {})
    (tmeta.get("labels") or {}).pop(HASH, None)
    # kubectl sends the template through Go types, which write `creationTimestamp: null`
    tmeta.setdefault("creationTimestamp", None)
    current = copy.deepcopy((d.get("spec") or {}).get("template") or {})
    current.setdefault("metadata", {}).setdefault("creationTimestamp", None)
    if tmpl == current:
        click.echo(
            f"{ref(info, name)} skipped rollback (current template already matches "
            "revision " + str(to_revision or revs[-2][0]) + ")"
        )
        return
    annotations = rollback_annotations(
        d["metadata"].get("annotations") or {}, target["metadata"].get("annotations") or {}
    )
    patch = [
        {"op": "replace", "path": "/spec/template", "value": tmpl},
        {"op": "replace", "path": "/metadata/annotations", "value": annotations},
    ]
    st.api().patch(path(info, st.ns, name), patch, kind="json")
    click.echo(f"{ref(info, name)} rolled back")


# kubectl's annotationsToSkip (polymorphichelpers/rollback.go): kept from the Deployment,
# never copied from the ReplicaSet rolled back to.
ANNOTATIONS_TO_SKIP = frozenset(
    {
        REVISION,
        "deployment.kubernetes.io/revision-history",
        "deployment.kubernetes.io/desired-replicas",
        "deployment.kubernetes.io/max-replicas",
        "kubectl.kubernetes.io/last-applied-configuration",
        "deprecated.deployment.rollback.to",
    }
)


def rollback_annotations(deployment: dict[str, str], target: dict[str, str]) -> dict[str, str]:
    """The Deployment's annotations after an undo, as kubectl computes them: the skipped
    ones stay as the Deployment has them, every other one comes from the target ReplicaSet."""
    out = {k: v for k, v in deployment.items() if k in ANNOTATIONS_TO_SKIP}
    out.update({k: v for k, v in target.items() if k not in ANNOTATIONS_TO_SKIP})
    return out


def _set_paused(args: tuple[str, ...], paused: bool) -> None:
    st = state()
    info, name, d = _deployment(st, args)
    verb = "paused" if paused else "resumed"
    if bool((d.get("spec") or {}).get("paused")) == paused:
        state_text = "already paused" if paused else "not paused"
        raise CLIError(f'{info.group_resource} "{name}" is {state_text}')
    st.api().patch(
        path(info, st.ns, name),
        {"spec": {"paused": paused}},
        kind="strategic",
        query={"fieldManager": "kubectl-rollout"},
    )
    click.echo(f"{ref(info, name)} {verb}")


@command(name="pause")
@click.argument("args", nargs=-1, required=True)
def pause(args: tuple[str, ...]) -> None:
    """Mark the deployment as paused."""
    _set_paused(args, True)


@command(name="resume")
@click.argument("args", nargs=-1, required=True)
def resume(args: tuple[str, ...]) -> None:
    """Resume a paused deployment."""
    _set_paused(args, False)


@command(name="restart")
@click.argument("args", nargs=-1, required=True)
def restart(args: tuple[str, ...]) -> None:
    """Restart the pods (sets the kubectl.kubernetes.io/restartedAt template annotation)."""
    from machinery.timeutil import now_rfc3339

    st = state()
    info, name, d = _deployment(st, args)
    if (d.get("spec") or {}).get("paused"):
        raise CLIError("can't restart paused deployment (run rollout resume first)")
    patch = {
        "spec": {
            "template": {
                "metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": now_rfc3339()}}
            }
        }
    }
    st.api().patch(
        path(info, st.ns, name), patch, kind="strategic", query={"fieldManager": "kubectl-rollout"}
    )
    click.echo(f"{ref(info, name)} restarted")


for _cmd in (status, history, undo, pause, resume, restart):
    rollout.add_command(_cmd)
