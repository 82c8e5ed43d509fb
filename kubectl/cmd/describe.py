"""`kubeling describe TYPE [NAME...]|TYPE/NAME|-l`: kubectl's layout with Events at the bottom."""

from __future__ import annotations

from typing import Any

import click

from kubectl import describe as d
from kubectl.completion import complete_resources
from kubectl.context import State, command, state
from kubectl.describers import DESCRIBERS, generic
from kubectl.errors import CLIError
from kubectl.resources import Target, parse_args, path

Obj = dict[str, Any]


def describe_object(st: State, t: Target, obj: Obj) -> str:
    api = st.api()

    def fetch(p: str, query: dict[str, Any]) -> list[Obj]:
        return list(api.get(p, query=query).get("items") or [])

    w = d.Writer()
    fn = DESCRIBERS.get(t.info.kind)
    if fn is not None:
        fn(w, obj, fetch)
    else:
        generic(w, obj, fetch, namespaced=t.info.namespaced)
    if t.info.kind != "Namespace":
        ns = (obj.get("metadata") or {}).get("namespace")
        events_path = f"/api/v1/namespaces/{ns}/events" if ns else "/api/v1/events"
        with_kind = t.info.kind not in ("Pod",)
        try:
            events = fetch(events_path, d.event_query(obj, t.info.kind, with_kind=with_kind))
        except Exception:
            events = []
        d.events_section(w, events)
    return w.text()


@command(name="describe")
@click.argument("args", shell_complete=complete_resources, nargs=-1)
@click.option("-l", "--selector", default=None)
@click.option("-A", "--all-namespaces", is_flag=True)
def describe(args: tuple[str, ...], selector: str | None, all_namespaces: bool) -> None:
    """Show details of a specific resource or group of resources."""
    from machinery.errors import NotFound

    st = state()
    api = st.api()
    targets = parse_args(args)
    texts: list[str] = []
    for t in targets:
        ns = st.ns if t.info.namespaced else None
        if t.names:
            objs = []
            for name in t.names:
                try:
                    objs.append(api.get(path(t.info, ns, name)))
                except NotFound as e:
                    if len(t.names) == 1 and len(targets) == 1:
                        raise
                    click.echo(f"Error from server (NotFound): {e.message}", err=True)
        else:
            list_ns = None if all_namespaces else ns
            objs = (
                api.get(path(t.info, list_ns), query={"labelSelector": selector}).get("items") or []
            )
            if not objs and len(targets) == 1:
                if selector or all_namespaces or not t.info.namespaced:
                    raise CLIError("No resources found", raw=True)
                raise CLIError(f"No resources found in {st.ns} namespace.", raw=True)
        texts.extend(describe_object(st, t, o) for o in objs)
    click.echo("\n\n".join(t.rstrip("\n") for t in texts))
