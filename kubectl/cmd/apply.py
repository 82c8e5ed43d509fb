"""`kubeling apply -f` (client-side three-way merge) and `kubeling replace -f`."""

from __future__ import annotations

import json
from typing import Any

import click

from kubectl import apply as merge
from kubectl import manifests, printers
from kubectl.context import State, command, state
from kubectl.objects import Outcomes, dry_suffix, place
from kubectl.resources import name_of, path
from machinery.errors import StatusError
from machinery.resources import ResourceInfo

Obj = dict[str, Any]
DRY_RUN = click.Choice(["none", "client", "server"])


class ApplyStepError(Exception):
    """A server error from one step of apply, with kubectl's `error when <action>` text."""

    def __init__(self, action: str, err: StatusError) -> None:
        super().__init__(str(err))
        self.action = action
        self.err = err


def info_string(info: ResourceInfo, namespace: str | None, name: str) -> str:
    """kubectl's resource.Info.String(): the mapping, then name and namespace."""
    return (
        f"Resource: {json.dumps(f'{info.group}/{info.version}, Resource={info.resource}')}, "
        f"GroupVersionKind: {json.dumps(f'{info.group}/{info.version}, Kind={info.kind}')}\n"
        f"Name: {json.dumps(name)}, Namespace: {json.dumps(namespace or '')}"
    )


def apply_one(st: State, obj: Obj, *, dry_run: str, server_side: bool, force: bool) -> str:
    """Apply one manifest; returns created|configured|unchanged|serverside-applied."""
    from machinery.errors import NotFound

    info, ns = place(st, obj)
    name = name_of(obj)
    api = st.api()
    dry = {"dryRun": "All"} if dry_run == "server" else {}
    if server_side:
        body = merge.serialize(obj).encode()
        if dry_run != "client":
            api.request(
                "PATCH",
                path(info, ns, name),
                body=body,
                content_type="application/apply-patch+yaml",
                query={"fieldManager": "kubectl", "force": force, **dry},
            )
        return "serverside-applied"
    modified = merge.with_last_applied(obj)
    try:
        live = api.get(path(info, ns, name))
    except NotFound:
        live = None
    except StatusError as e:
        where = info_string(info, ns if info.namespaced else None, name)
        raise ApplyStepError(
            f"retrieving current configuration of:\n{where}\nfrom server for:", e
        ) from e
    if live is None:
        if dry_run != "client":
            api.post(
                path(info, ns), modified, query={"fieldManager": "kubectl-client-side-apply", **dry}
            )
        return "created"
    original = merge.last_applied(live)
    if original is None:
        click.echo(
            f"Warning: resource {info.group_resource}/{name} is missing the "
            f"{merge.LAST_APPLIED} annotation which is required by kubeling apply. "
            "kubeling apply should only be used on resources created declaratively by either "
            "kubeling create --save-config or kubeling apply. The missing annotation will be "
            "patched automatically.",
            err=True,
        )
    patch = merge.three_way_patch(original, modified, live)
    if not patch:
        return "unchanged"
    if dry_run != "client":
        try:
            api.patch(
                path(info, ns, name),
                patch,
                kind="strategic",
                query={"fieldManager": "kubectl-client-side-apply", **dry},
            )
        except StatusError as e:
            where = info_string(info, ns if info.namespaced else None, name)
            sent = json.dumps(patch, separators=(",", ":"), sort_keys=True)
            raise ApplyStepError(f"applying patch:\n{sent}\nto:\n{where}\nfor:", e) from e
    return "configured"


@command(name="apply")
@click.option("-f", "--filename", multiple=True, help="Files, directories or - for stdin.")
@click.option("-R", "--recursive", is_flag=True, help="Process directories recursively.")
@click.option("-o", "--output", default="", help="name|yaml|json")
@click.option("--dry-run", type=DRY_RUN, default="none", is_flag=False, flag_value="client")
@click.option("--server-side", is_flag=True, help="Apply on the server (server-side apply).")
@click.option("--force-conflicts", is_flag=True, help="With --server-side: take ownership.")
@click.option("--validate", default="true", hidden=True)
def apply(
    filename: tuple[str, ...],
    recursive: bool,
    output: str,
    dry_run: str,
    server_side: bool,
    force_conflicts: bool,
    validate: str,
) -> None:
    """Apply a configuration to a resource by file name or stdin."""
    st = state()
    items = manifests.read(filename, recursive=recursive)
    out = Outcomes(output="name" if output == "name" else "")
    for m in items:
        try:
            verb = apply_one(
                st, m.obj, dry_run=dry_run, server_side=server_side, force=force_conflicts
            )
        except ApplyStepError as e:
            out.error(e.err, source=m.source, action=e.action)
            continue
        except Exception as e:
            out.error(e, source=m.source, action="creating")
            continue
        if output in ("yaml", "json"):
            click.echo(printers.format_objects([m.obj], output, single=True), nl=False)
        else:
            info, _ = place(st, m.obj)
            out.ok(info, name_of(m.obj), verb + dry_suffix(dry_run))
    out.finish()


@command(name="replace")
@click.option("-f", "--filename", multiple=True, help="Files, directories or - for stdin.")
@click.option("-R", "--recursive", is_flag=True)
@click.option("--force", is_flag=True, help="Delete and re-create the resource.")
@click.option("-o", "--output", default="")
@click.option("--save-config", is_flag=True)
@click.option("--validate", default="true", hidden=True)
def replace(
    filename: tuple[str, ...],
    recursive: bool,
    force: bool,
    output: str,
    save_config: bool,
    validate: str,
) -> None:
    """Replace a resource by file name or stdin."""
    from machinery.errors import NotFound

    st = state()
    api = st.api()
    out = Outcomes(output="name" if output == "name" else "")
    for m in manifests.read(filename, recursive=recursive):
        obj = m.obj
        try:
            info, ns = place(st, obj)
            if save_config:
                obj = merge.with_last_applied(obj)
            name = name_of(obj)
            if force:
                try:
                    api.delete(path(info, ns, name))
                    click.echo(
                        f"{info.kind.lower()}{'.' + info.group if info.group else ''} "
                        f'"{name}" deleted'
                    )
                except NotFound:
                    pass
                _wait_gone(st, info, ns, name)
                api.post(path(info, ns), obj, query={"fieldManager": "kubectl-replace"})
            else:
                meta = obj["metadata"]
                if not meta.get("resourceVersion"):
                    live = api.get(path(info, ns, name))
                    meta["resourceVersion"] = live["metadata"]["resourceVersion"]
                api.put(path(info, ns, name), obj, query={"fieldManager": "kubectl-replace"})
        except Exception as e:
            out.error(e, source=m.source, action="replacing")
            continue
        out.ok(info, name, "replaced")
    out.finish()


def _wait_gone(st: State, info: Any, ns: str | None, name: str) -> None:
    from kubectl.cmd.delete import wait_deleted

    wait_deleted(st, info, ns, name, uid=None, timeout=60)
