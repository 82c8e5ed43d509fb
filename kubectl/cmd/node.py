"""`kubeling cordon|uncordon|drain`: mark nodes (un)schedulable and evict their pods.

drain = cordon, then evict every pod on the node through pods/eviction, refusing (unless
--ignore-daemonsets) when DaemonSet pods are there and skipping them when it is given;
pods with no controller need --force; mirror pods are left alone, as kubectl does.
"""

from __future__ import annotations

import time
from typing import Any

import click

from kubectl.context import State, command, state
from kubectl.errors import CLIError
from kubectl.resources import path, resolve

Obj = dict[str, Any]


def _set_unschedulable(st: State, name: str, value: bool) -> None:
    info = resolve("nodes")
    node = st.api().get(path(info, None, name))
    if bool((node.get("spec") or {}).get("unschedulable")) == value:
        click.echo(f"node/{name} already {'cordoned' if value else 'uncordoned'}")
        return
    st.api().patch(
        path(info, None, name), {"spec": {"unschedulable": value or None}}, kind="strategic"
    )
    click.echo(f"node/{name} {'cordoned' if value else 'uncordoned'}")


@command(name="cordon")
@click.argument("nodes", nargs=-1, required=True)
def cordon(nodes: tuple[str, ...]) -> None:
    """Mark node as unschedulable."""
    for n in nodes:
        _set_unschedulable(state(), n.removeprefix("node/"), True)


@command(name="uncordon")
@click.argument("nodes", nargs=-1, required=True)
def uncordon(nodes: tuple[str, ...]) -> None:
    """Mark node as schedulable."""
    for n in nodes:
        _set_unschedulable(state(), n.removeprefix("node/"), False)


def _controller(pod: Obj) -> Obj | None:
    for o in pod["metadata"].get("ownerReferences") or []:
        if o.get("controller"):
            return dict(o)
    return None


@command(name="drain")
@click.argument("node")
@click.option("--ignore-daemonsets", is_flag=True)
@click.option("--force", is_flag=True, help="Also delete pods not managed by a controller.")
@click.option("--delete-emptydir-data", is_flag=True)
@click.option("--grace-period", type=int, default=-1)
@click.option("--timeout", default="0s")
@click.option("--disable-eviction", is_flag=True)
def drain(
    node: str,
    ignore_daemonsets: bool,
    force: bool,
    delete_emptydir_data: bool,
    grace_period: int,
    timeout: str,
    disable_eviction: bool,
) -> None:
    """Drain node in preparation for maintenance."""
    from kubectl.cmd.delete import wait_deleted
    from kubectl.timing import parse_duration

    st = state()
    api = st.api()
    node = node.removeprefix("node/")
    _set_unschedulable(st, node, True)
    pods_info = resolve("pods")
    pods = (
        api.get("/api/v1/pods", query={"fieldSelector": f"spec.nodeName={node}"}).get("items") or []
    )
    evict, ds, unmanaged, local = [], [], [], []
    for p in pods:
        if p["metadata"].get("annotations", {}).get("kubernetes.io/config.mirror"):
            continue
        if (p.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
            evict.append(p)
            continue
        ctrl = _controller(p)
        if ctrl and ctrl.get("kind") == "DaemonSet":
            ds.append(p)
            continue
        if ctrl is None:
            unmanaged.append(p)
        if any("emptyDir" in v for v in (p.get("spec") or {}).get("volumes") or []):
            local.append(p)
        evict.append(p)
    problems = []
    if ds and not ignore_daemonsets:
        problems.append(
            "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to "
            "ignore): " + ", ".join(_nn(p) for p in ds)
        )
    if unmanaged and not force:
        problems.append(
            "cannot delete Pods that declare no controller (use --force to "
            "override): " + ", ".join(_nn(p) for p in unmanaged)
        )
    if local and not delete_emptydir_data:
        problems.append(
            "cannot delete Pods with local storage (use --delete-emptydir-data "
            "to override): " + ", ".join(_nn(p) for p in local)
        )
    if problems:
        raise CLIError(
            'unable to drain node "'
            + node
            + '" due to error: '
            + ", ".join(problems)
            + ", continuing command...\nThere are pending "
            "nodes to be drained:\n " + node + "\n" + "\n".join(f"error: {x}" for x in problems),
            raw=False,
        )
    if ds:
        click.echo(
            "Warning: ignoring DaemonSet-managed Pods: " + ", ".join(_nn(p) for p in ds), err=True
        )
    limit = parse_duration(timeout) or 300.0
    deadline = time.monotonic() + limit
    for p in evict:
        m = p["metadata"]
        click.echo(f"evicting pod {m['namespace']}/{m['name']}")
        body: Obj = {
            "apiVersion": "policy/v1",
            "kind": "Eviction",
            "metadata": {"name": m["name"], "namespace": m["namespace"]},
        }
        if grace_period >= 0:
            body["deleteOptions"] = {"gracePeriodSeconds": grace_period}
        if disable_eviction:
            api.delete(
                path(pods_info, m["namespace"], m["name"]),
                body={"gracePeriodSeconds": grace_period} if grace_period >= 0 else None,
            )
        else:
            _evict(
                api, path(pods_info, m["namespace"], m["name"], "eviction"), body, deadline=deadline
            )
    for p in evict:
        m = p["metadata"]
        left = max(1.0, deadline - time.monotonic())
        if not wait_deleted(
            st, pods_info, m["namespace"], m["name"], uid=m.get("uid"), timeout=left
        ):
            raise CLIError(f"drain did not complete within {timeout}")
        click.echo(f"pod/{m['name']} evicted")
    click.echo(f"node/{node} drained")


def _evict(api: Any, p: str, body: Obj, *, deadline: float) -> None:
    """POST the eviction; a 429 (a disruption budget says not now) is retried every 5 s
    until the deadline, as kubectl does. A pod already gone counts as evicted."""
    from machinery.errors import NotFound, TooManyRequests

    while True:
        try:
            api.post(p, body)
            return
        except NotFound:
            return
        except TooManyRequests as e:
            if time.monotonic() + 5 > deadline:
                raise CLIError(f"cannot evict pod: {e.message}") from None
            click.echo(f"error when evicting pods (will retry after 5s): {e.message}", err=True)
            time.sleep(5)


def _nn(p: Obj) -> str:
    return f"{p['metadata']['namespace']}/{p['metadata']['name']}"
