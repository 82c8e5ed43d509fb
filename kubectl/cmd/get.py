"""`kubeling get`: server-side Tables laid out like kubectl, or -o yaml|json|name|jsonpath|wide."""

from __future__ import annotations

import sys
from typing import Any

import click

from kubectl import printers
from kubectl.completion import complete_resources
from kubectl.context import State, command, state
from kubectl.errors import CLIError, server_message
from kubectl.resources import Target, parse_args, path
from kubectl.transport import TABLE_ACCEPT

Obj = dict[str, Any]


def _query(selector: str | None, field_selector: str | None) -> dict[str, Any]:
    return {"labelSelector": selector, "fieldSelector": field_selector}


def fill_kind(items: list[Obj], target: Target) -> list[Obj]:
    for item in items:
        item.setdefault("apiVersion", target.info.api_version)
        item.setdefault("kind", target.info.kind)
    return items


def fetch_objects(
    st: State,
    targets: list[Target],
    *,
    all_namespaces: bool,
    selector: str | None,
    field_selector: str | None,
    errors: list[str],
    ignore_not_found: bool = False,
) -> list[Obj]:
    api = st.api()
    out: list[Obj] = []
    ns = None if all_namespaces else st.ns
    for t in targets:
        if t.names:
            for name in t.names:
                try:
                    out.extend(fill_kind([api.get(path(t.info, st.ns, name))], t))
                except Exception as e:
                    _collect(e, errors, ignore_not_found)
        else:
            body = api.get(path(t.info, ns), query=_query(selector, field_selector))
            out.extend(fill_kind(body.get("items") or [], t))
    return out


def _collect(e: Exception, errors: list[str], ignore_not_found: bool) -> None:
    from machinery.errors import NotFound, StatusError

    if isinstance(e, NotFound) and ignore_not_found:
        return
    if isinstance(e, StatusError):
        errors.append(server_message(e))
        return
    raise e


def no_resources(st: State, all_namespaces: bool, targets: list[Target]) -> str:
    if all_namespaces or not any(t.info.namespaced for t in targets):
        return "No resources found"
    return f"No resources found in {st.ns} namespace."


@command(name="get")
@click.argument("args", shell_complete=complete_resources, nargs=-1)
@click.option("-o", "--output", default="", help="json|yaml|wide|name|jsonpath=...")
@click.option("-l", "--selector", default=None, help="Label selector (e.g. app=web,tier!=db).")
@click.option("--field-selector", default=None, help="Field selector (e.g. status.phase=Running).")
@click.option("-A", "--all-namespaces", is_flag=True, help="List across all namespaces.")
@click.option("--show-labels", is_flag=True, help="Show all labels as the last column.")
@click.option("-L", "--label-columns", multiple=True, help="Labels to show as columns.")
@click.option("--no-headers", is_flag=True, help="Do not print headers.")
@click.option("-w", "--watch", is_flag=True, help="After listing, watch for changes.")
@click.option("--watch-only", is_flag=True, help="Watch for changes without listing first.")
@click.option("--ignore-not-found", is_flag=True, help="Treat 'not found' as a success.")
def get(
    args: tuple[str, ...],
    output: str,
    selector: str | None,
    field_selector: str | None,
    all_namespaces: bool,
    show_labels: bool,
    label_columns: tuple[str, ...],
    no_headers: bool,
    watch: bool,
    watch_only: bool,
    ignore_not_found: bool,
) -> None:
    """Display one or many resources."""
    st = state()
    targets = parse_args(args)
    errors: list[str] = []
    if output and output != "wide":
        if watch or watch_only:
            _watch_objects(
                st,
                targets,
                output,
                all_namespaces,
                selector,
                field_selector,
                list_first=not watch_only,
            )
            return
        items = fetch_objects(
            st,
            targets,
            all_namespaces=all_namespaces,
            selector=selector,
            field_selector=field_selector,
            errors=errors,
            ignore_not_found=ignore_not_found,
        )
        single = len(targets) == 1 and len(targets[0].names) == 1
        if items or (output.startswith(("yaml", "json")) and not single and not errors):
            click.echo(printers.format_objects(items, output, single=single), nl=False)
        _finish(errors)
        return
    labels = [c for lc in label_columns for c in lc.split(",") if c]
    printer = printers.TablePrinter(
        wide=output == "wide",
        all_namespaces=all_namespaces,
        show_labels=show_labels,
        with_kind=False,
        no_headers=no_headers,
        label_columns=labels,
    )
    if watch or watch_only:
        if len(targets) != 1:
            raise CLIError("you may only specify a single resource type")
        _watch_table(
            st,
            targets[0],
            printer,
            all_namespaces,
            selector,
            field_selector,
            list_first=not watch_only,
        )
        return
    fetched: list[tuple[Target, list[Obj]]] = []
    for t in targets:
        tables = _tables(st, t, all_namespaces, selector, field_selector, errors, ignore_not_found)
        fetched.append((t, tables))
    # kubectl prefixes names with their kind when the answers span several types (a list
    # counts even when empty; a name that was not found does not)
    printer.with_kind = len({t.info for t, tables in fetched if tables}) > 1
    blocks: list[list[str]] = []
    for t, tables in fetched:
        rows = [r for tbl in tables for r in tbl.get("rows") or []]
        if not rows:
            continue
        merged = dict(tables[0])
        merged["rows"] = rows
        blocks.append(printer.render(merged, t.info))
    if blocks:
        click.echo("\n\n".join("\n".join(b) for b in blocks))
    elif not errors and not any(t.names for t in targets):
        click.echo(no_resources(st, all_namespaces, targets), err=True)
    _finish(errors)


def _tables(
    st: State,
    t: Target,
    all_namespaces: bool,
    selector: str | None,
    field_selector: str | None,
    errors: list[str],
    ignore_not_found: bool,
) -> list[Obj]:
    api = st.api()
    if not t.names:
        ns = None if all_namespaces else st.ns
        return [
            api.get(path(t.info, ns), query=_query(selector, field_selector), accept=TABLE_ACCEPT)
        ]
    out = []
    for name in t.names:
        try:
            out.append(api.get(path(t.info, st.ns, name), accept=TABLE_ACCEPT))
        except Exception as e:
            _collect(e, errors, ignore_not_found)
    return out


def _finish(errors: list[str]) -> None:
    for line in errors:
        click.echo(line, err=True)
    if errors:
        sys.exit(1)


def _watch_query(t: Target, selector: str | None, field_selector: str | None) -> dict[str, Any]:
    fs = field_selector
    if t.names:
        if len(t.names) > 1:
            raise CLIError(
                "watch is only supported on individual resources and resource "
                "collections, but 2 resources were found"
            )
        fs = ",".join(x for x in (f"metadata.name={t.names[0]}", fs) if x)
    return _query(selector, fs)


def _watch_table(
    st: State,
    t: Target,
    printer: printers.TablePrinter,
    all_namespaces: bool,
    selector: str | None,
    field_selector: str | None,
    *,
    list_first: bool,
) -> None:
    api = st.api()
    ns = None if all_namespaces else (st.ns if t.info.namespaced else None)
    query = _watch_query(t, selector, field_selector)
    table = api.get(path(t.info, ns), query=query, accept=TABLE_ACCEPT)
    rv = (table.get("metadata") or {}).get("resourceVersion", "")
    header_done = False
    if list_first and table.get("rows"):
        click.echo("\n".join(printer.render(table, t.info)))
        header_done = True
    elif list_first:
        click.echo(no_resources(st, all_namespaces, [t]), err=True)
    for event in api.watch(
        path(t.info, ns), query={**query, "resourceVersion": rv}, accept=TABLE_ACCEPT, timeout=None
    ):
        if event.get("type") == "BOOKMARK":
            continue
        obj = event.get("object") or {}
        if obj.get("kind") != "Table":
            continue
        if not header_done:
            click.echo("\n".join(printer.render(obj, t.info)))
            header_done = True
        else:
            lines = printer.render_rows(obj, t.info)
            if lines:
                click.echo("\n".join(lines))


def _watch_objects(
    st: State,
    targets: list[Target],
    output: str,
    all_namespaces: bool,
    selector: str | None,
    field_selector: str | None,
    *,
    list_first: bool,
) -> None:
    if len(targets) != 1:
        raise CLIError("you may only specify a single resource type")
    t = targets[0]
    api = st.api()
    ns = None if all_namespaces else (st.ns if t.info.namespaced else None)
    query = _watch_query(t, selector, field_selector)
    body = api.get(path(t.info, ns), query=query)
    if list_first:
        for item in fill_kind(body.get("items") or [], t):
            click.echo(printers.format_objects([item], output, single=True), nl=False)
            if output == "yaml":
                click.echo("---")
    rv = (body.get("metadata") or {}).get("resourceVersion", "")
    for event in api.watch(path(t.info, ns), query={**query, "resourceVersion": rv}, timeout=None):
        if event.get("type") == "BOOKMARK":
            continue
        obj = fill_kind([event.get("object") or {}], t)[0]
        click.echo(printers.format_objects([obj], output, single=True), nl=False)
        if output == "yaml":
            click.echo("---")
