"""`kubeling label` and `kubeling annotate`: merge-patch metadata, with kubectl's --overwrite rule.

`key=value` sets, `key-` removes; changing an existing value needs --overwrite, else
`error: 'key' already has a value (old), and --overwrite is false`.
"""

from __future__ import annotations

from typing import Any

import click

from kubectl.completion import complete_resources
from kubectl.context import State, command, state
from kubectl.errors import CLIError
from kubectl.resources import Target, parse_args, path, ref

Obj = dict[str, Any]


def split_args(args: tuple[str, ...]) -> tuple[list[str], dict[str, str], list[str]]:
    """(resource args, key=value changes, removed keys)."""
    resources: list[str] = []
    changes: dict[str, str] = {}
    removes: list[str] = []
    for a in args:
        if "=" in a:
            k, _, v = a.partition("=")
            changes[k] = v
        elif a.endswith("-") and len(a) > 1 and resources:
            removes.append(a[:-1])
        else:
            resources.append(a)
    return resources, changes, removes


def change_metadata(
    st: State,
    field: str,
    args: tuple[str, ...],
    *,
    overwrite: bool,
    selector: str | None,
    all_: bool,
    verb: str,
    manager: str,
) -> None:
    resources, changes, removes = split_args(args)
    if not changes and not removes:
        raise CLIError(f"at least one {field[:-1]} update is required")
    targets = parse_args(resources)
    api = st.api()
    objs: list[tuple[Target, Obj]] = []
    for t in targets:
        ns = st.ns if t.info.namespaced else None
        if t.names:
            objs.extend((t, api.get(path(t.info, ns, n))) for n in t.names)
        elif selector is not None or all_:
            items = api.get(path(t.info, ns), query={"labelSelector": selector}).get("items")
            objs.extend((t, o) for o in items or [])
        else:
            raise CLIError("resource(s) were provided, but no name was specified")
    for t, obj in objs:
        meta = obj.get("metadata") or {}
        current = meta.get(field) or {}
        for k, v in changes.items():
            if k in current and current[k] != v and not overwrite:
                raise CLIError(
                    f"'{k}' already has a value ({current[k]}), and --overwrite is false"
                )
        patch: dict[str, Any] = dict(changes)
        patch.update({k: None for k in removes if k in current})
        name = meta.get("name", "")
        ns = meta.get("namespace") if t.info.namespaced else None
        for k in removes:
            if k not in current:
                click.echo(f'{field[:-1]} "{k}" not found.', err=True)
        unchanged = all(current.get(k) == v for k, v in changes.items()) and not any(
            k in current for k in removes
        )
        if unchanged:
            click.echo(f"{ref(t.info, name)} not {verb}")
            continue
        api.patch(
            path(t.info, ns, name),
            {"metadata": {field: patch}},
            kind="merge",
            query={"fieldManager": manager},
        )
        only_removed = field == "labels" and not changes
        click.echo(f"{ref(t.info, name)} {'un' + verb if only_removed else verb}")


@command(name="label")
@click.argument("args", shell_complete=complete_resources, nargs=-1, required=True)
@click.option("--overwrite", is_flag=True, help="Allow changing existing labels.")
@click.option("-l", "--selector", default=None)
@click.option("--all", "all_", is_flag=True)
def label(args: tuple[str, ...], overwrite: bool, selector: str | None, all_: bool) -> None:
    """Update the labels on a resource (key=value, key- to remove)."""
    change_metadata(
        state(),
        "labels",
        args,
        overwrite=overwrite,
        selector=selector,
        all_=all_,
        verb="labeled",
        manager="kubectl-label",
    )


@command(name="annotate")
@click.argument("args", shell_complete=complete_resources, nargs=-1, required=True)
@click.option("--overwrite", is_flag=True, help="Allow changing existing annotations.")
@click.option("-l", "--selector", default=None)
@click.option("--all", "all_", is_flag=True)
def annotate(args: tuple[str, ...], overwrite: bool, selector: str | None, all_: bool) -> None:
    """Update the annotations on a resource (key=value, key- to remove)."""
    change_metadata(
        state(),
        "annotations",
        args,
        overwrite=overwrite,
        selector=selector,
        all_=all_,
        verb="annotated",
        manager="kubectl-annotate",
    )
