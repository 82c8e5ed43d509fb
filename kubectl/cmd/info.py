"""`kubeling version` and `kubeling api-resources` (from the server's discovery)."""

from __future__ import annotations

import click

from kubectl.context import command, state
from kubectl.printers import layout

CLIENT_VERSION = "v1.32.0-kubeling"


@command(name="version")
@click.option("--client", "client_only", is_flag=True)
@click.option("-o", "--output", default="")
def version(client_only: bool, output: str) -> None:
    """Print the client and server version information."""
    info: dict[str, object] = {
        "clientVersion": {"major": "1", "minor": "32", "gitVersion": CLIENT_VERSION}
    }
    server = None
    if not client_only:
        server = state().api().get("/version")
        info["serverVersion"] = server
    if output in ("json", "yaml"):
        from kubectl import printers

        click.echo(printers.to_json(info) if output == "json" else printers.to_yaml(info), nl=False)
        return
    click.echo(f"Client Version: {CLIENT_VERSION}")
    if server is not None:
        click.echo(f"Server Version: {server.get('gitVersion', '')}")


@command(name="api-resources")
@click.option("--namespaced", type=bool, default=None)
@click.option("-o", "--output", default="")
@click.option("--no-headers", is_flag=True)
@click.option("--api-group", default=None)
def api_resources(
    namespaced: bool | None, output: str, no_headers: bool, api_group: str | None
) -> None:
    """Print the supported API resources on the server."""
    api = state().api()
    rows: list[list[str]] = []
    groups = [("", "v1", "/api/v1")]
    for g in api.get("/apis").get("groups") or []:
        pv = g.get("preferredVersion") or g["versions"][0]
        groups.append((g["name"], pv["version"], f"/apis/{pv['groupVersion']}"))
    for group, ver, p in groups:
        if api_group is not None and group != api_group:
            continue
        for r in api.get(p).get("resources") or []:
            if "/" in r["name"] or (namespaced is not None and r["namespaced"] != namespaced):
                continue
            gv = f"{group}/{ver}" if group else ver
            if output == "name":
                rows.append([r["name"] + (f".{group}" if group else "")])
            else:
                row = [
                    r["name"],
                    ",".join(r.get("shortNames") or []),
                    gv,
                    "true" if r["namespaced"] else "false",
                    r["kind"],
                ]
                if output == "wide":
                    row += [",".join(r.get("verbs") or []), ",".join(r.get("categories") or [])]
                rows.append(row)
    rows.sort(key=lambda r: (r[2] if len(r) > 2 and "/" in r[2] else "", r[0]))
    if output != "name" and not no_headers:
        head = ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
        if output == "wide":
            head += ["VERBS", "CATEGORIES"]
        rows.insert(0, head)
    click.echo("\n".join(layout(rows)))
