"""`kubeling delete`: by name, -f, -l or --all; with --cascade, and waiting for the object to go."""

from __future__ import annotations

import time
from typing import Any

import click

from kubectl import manifests
from kubectl.completion import complete_resources
from kubectl.context import State, command, state
from kubectl.errors import CLIError
from kubectl.objects import Outcomes, place
from kubectl.resources import Target, name_of, parse_args, path
from machinery.resources import ResourceInfo

Obj = dict[str, Any]
CASCADE = {
    "background": "Background",
    "foreground": "Foreground",
    "orphan": "Orphan",
    "true": "Background",
    "false": "Orphan",
}


def quoted(info: ResourceInfo, name: str) -> str:
    """`deployment.apps "web"`: kubectl 1.32's delete line."""
    kind = info.kind.lower() + (f".{info.group}" if info.group else "")
    return f'{kind} "{name}"'


def wait_deleted(
    st: State,
    info: ResourceInfo,
    ns: str | None,
    name: str,
    *,
    uid: str | None,
    timeout: float,
) -> bool:
    """Wait until the object (with this uid, if given) is gone: GET, then a name-selected watch."""
    from machinery.errors import NotFound

    api = st.api()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            live = api.get(path(info, ns, name))
        except NotFound:
            return True
        if uid and (live.get("metadata") or {}).get("uid") != uid:
            return True
        rv = live["metadata"].get("resourceVersion", "")
        left = max(1, int(deadline - time.monotonic()))
        query = {
            "fieldSelector": f"metadata.name={name}",
            "resourceVersion": rv,
            "timeoutSeconds": left,
            "allowWatchBookmarks": "true",
        }
        try:
            for event in api.watch(path(info, ns), query=query, timeout=left + 5):
                if event.get("type") == "DELETED":
                    return True
                if time.monotonic() >= deadline:
                    break
        except TimeoutError:
            break
        except Exception as e:
            from machinery.errors import Gone

            if not isinstance(e, Gone):
                raise
    return False


@command(name="delete")
@click.argument("args", shell_complete=complete_resources, nargs=-1)
@click.option("-f", "--filename", multiple=True)
@click.option("-R", "--recursive", is_flag=True)
@click.option("-l", "--selector", default=None)
@click.option("--field-selector", default=None)
@click.option("--all", "all_", is_flag=True, help="Delete all resources of the given types.")
@click.option("-A", "--all-namespaces", is_flag=True)
@click.option(
    "--cascade",
    default="background",
    type=click.Choice(list(CASCADE)),
    help="background|foreground|orphan",
)
@click.option("--wait", type=bool, default=True, help="Wait for the resources to be gone.")
@click.option("--grace-period", type=int, default=-1)
@click.option("--now", is_flag=True, help="Delete with a grace period of 1 second.")
@click.option("--force", is_flag=True, help="Immediate deletion (with --grace-period=0).")
@click.option("--timeout", default="0s", help="How long to wait (0: up to 5 minutes).")
@click.option("--ignore-not-found", is_flag=True)
@click.option("-o", "--output", default="")
def delete(
    args: tuple[str, ...],
    filename: tuple[str, ...],
    recursive: bool,
    selector: str | None,
    field_selector: str | None,
    all_: bool,
    all_namespaces: bool,
    cascade: str,
    wait: bool,
    grace_period: int,
    now: bool,
    force: bool,
    timeout: str,
    ignore_not_found: bool,
    output: str,
) -> None:
    """Delete resources by file names, stdin, resources and names, or by resources and selector."""
    from kubectl.timing import parse_duration

    st = state()
    api = st.api()
    if force and grace_period < 0:
        grace_period = 0
    if now:
        grace_period = 1
    if force and grace_period == 0:
        click.echo(
            "Warning: Immediate deletion does not wait for confirmation that the running "
            "resource has been terminated. The resource may continue to run on the "
            "cluster indefinitely.",
            err=True,
        )
    body: Obj = {"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": CASCADE[cascade]}
    if grace_period >= 0:
        body["gracePeriodSeconds"] = grace_period
    objs: list[tuple[ResourceInfo, str | None, str, str]] = []  # info, ns, name, source
    if filename:
        for m in manifests.read(filename, recursive=recursive):
            info, ns = place(st, m.obj)
            objs.append((info, ns, name_of(m.obj), m.source))
    else:
        if not args:
            raise CLIError(
                "You must provide one or more resources by argument or filename.\n"
                "Example resource specifications include:\n"
                "   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n"
                "   '<resource> <name>'\n   '<resource>'"
            )
        for t in parse_args(args):
            objs.extend(_expand(st, t, selector, field_selector, all_, all_namespaces))
        if not objs and (selector or all_ or field_selector):
            click.echo("No resources found", err=True)
    out = Outcomes()
    deleted: list[tuple[ResourceInfo, str | None, str, str | None]] = []
    verb = "force deleted" if force and grace_period == 0 else "deleted"
    for info, ns, name, source in objs:
        try:
            reply = api.delete(path(info, ns, name), body=body)
        except Exception as e:
            from machinery.errors import NotFound

            if isinstance(e, NotFound) and ignore_not_found:
                continue
            out.error(e, source=source, action="deleting" if source else "")
            continue
        uid = (reply.get("metadata") or {}).get("uid") if reply.get("kind") != "Status" else None
        deleted.append((info, ns, name, uid))
        if output == "name":
            click.echo(f"{info.kind.lower()}{'.' + info.group if info.group else ''}/{name}")
        else:
            click.echo(f"{quoted(info, name)} {verb}")
    if wait and deleted:
        limit = parse_duration(timeout) or 300.0
        for info, ns, name, uid in deleted:
            if not wait_deleted(st, info, ns, name, uid=uid, timeout=limit):
                out.failed.append(
                    f"error: timed out waiting for the condition on {info.resource}/{name}"
                )
    out.finish()


def _expand(
    st: State,
    t: Target,
    selector: str | None,
    field_selector: str | None,
    all_: bool,
    all_namespaces: bool,
) -> list[tuple[ResourceInfo, str | None, str, str]]:
    ns = st.ns if t.info.namespaced else None
    if t.names:
        return [(t.info, ns, n, "") for n in t.names]
    if not (selector or all_ or field_selector):
        raise CLIError("resource(s) were provided, but no name was specified")
    list_ns = None if all_namespaces else ns
    body = st.api().get(
        path(t.info, list_ns), query={"labelSelector": selector, "fieldSelector": field_selector}
    )
    return [
        (
            t.info,
            (i.get("metadata") or {}).get("namespace") if t.info.namespaced else None,
            i["metadata"]["name"],
            "",
        )
        for i in body.get("items") or []
    ]
