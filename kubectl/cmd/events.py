"""`kubeling events`: the event list kubectl prints (LAST SEEN, TYPE, REASON, OBJECT, MESSAGE)."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from kubectl.context import command, state
from kubectl.describe import _event_time, event_age
from kubectl.printers import layout


@command(name="events")
@click.option("-A", "--all-namespaces", is_flag=True)
@click.option("--for", "for_", default="", help="Only events about KIND/NAME.")
@click.option("--types", default="", help="Normal,Warning")
@click.option("--no-headers", is_flag=True)
def events(all_namespaces: bool, for_: str, types: str, no_headers: bool) -> None:
    """List events (sorted by time)."""
    from kubectl.resources import resolve

    st = state()
    p = "/api/v1/events" if all_namespaces else f"/api/v1/namespaces/{st.ns}/events"
    query: dict[str, str] = {}
    if for_:
        kind, _, name = for_.partition("/")
        info = resolve(kind)
        query["fieldSelector"] = f"involvedObject.kind={info.kind},involvedObject.name={name}"
    items = st.api().get(p, query=query).get("items") or []
    wanted = {t.strip() for t in types.split(",") if t.strip()}
    items = [e for e in items if not wanted or e.get("type") in wanted]
    if not items:
        where = "" if all_namespaces else f" in {st.ns} namespace"
        click.echo(f"No events found{where}.", err=True)
        return
    now = datetime.now(UTC)
    rows: list[list[str]] = []
    if not no_headers:
        rows.append(
            (["NAMESPACE"] if all_namespaces else [])
            + ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
        )
    for e in sorted(items, key=_event_time):
        io = e.get("involvedObject") or {}
        row = [
            event_age(e, now),
            e.get("type", ""),
            e.get("reason", ""),
            f"{io.get('kind', '')}/{io.get('name', '')}",
            (e.get("message") or "").strip(),
        ]
        if all_namespaces:
            row.insert(0, (e.get("metadata") or {}).get("namespace", ""))
        rows.append(row)
    click.echo("\n".join(layout(rows)))
