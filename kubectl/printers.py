"""How objects reach the terminal: server-side Tables as kubectl columns, and -o formats.

Tables come from the apiserver (`Accept: ...;as=Table`), so columns and cells are
Kubernetes' own; this module lays them out like kubectl's tabwriter (columns padded to the
widest cell plus three spaces), adds NAMESPACE for -A, LABELS for --show-labels, the
priority>0 columns for -o wide, and `kind/` prefixes when several types are printed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from machinery.resources import ResourceInfo

Obj = dict[str, Any]
PAD = 3


def human_duration(seconds: float) -> str:
    """Kubernetes' duration.HumanDuration: 5s, 2m30s, 15m, 3h12m, 10h, 2d3h, 20d, 2y10d."""
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    s = int(seconds)
    if s < 120:
        return f"{s}s"
    minutes = s // 60
    if minutes < 10:
        rem = s % 60
        return f"{minutes}m{rem}s" if rem else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 8:
        rem = minutes % 60
        return f"{hours}h{rem}m" if rem else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        rem = hours % 24
        return f"{hours // 24}d{rem}h" if rem else f"{hours // 24}d"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        days = hours // 24
        return f"{days // 365}y{days % 365}d" if days % 365 else f"{days // 365}y"
    return f"{hours // 24 // 365}y"


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    from machinery.timeutil import parse_time as parse

    try:
        return parse(value)
    except ValueError:
        return None


def age(value: str | None, *, now: datetime | None = None) -> str:
    """AGE of a timestamp, `<unknown>` when absent, as kubectl prints it."""
    t = parse_time(value)
    if t is None:
        return "<unknown>"
    now = now or datetime.now(UTC)
    return human_duration((now - t).total_seconds())


def layout(rows: Sequence[Sequence[str]], *, min_widths: Sequence[int] = ()) -> list[str]:
    """Align rows into columns like kubectl's tabwriter (padding 3, last column unpadded)."""
    if not rows:
        return []
    ncols = max(len(r) for r in rows)
    widths = [0] * ncols
    for r in rows:
        for i, cell in enumerate(r):
            widths[i] = max(widths[i], len(cell))
    for i, w in enumerate(min_widths[:ncols]):
        widths[i] = max(widths[i], w)
    out = []
    for r in rows:
        cells = [c.ljust(widths[i] + PAD) if i < len(r) - 1 else c for i, c in enumerate(r)]
        out.append("".join(cells).rstrip())
    return out


def cell_text(value: Any) -> str:
    if value is None:
        return "<none>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dict, list)):
        import orjson

        return orjson.dumps(value).decode()
    return str(value)


def format_labels(labels: dict[str, str] | None) -> str:
    if not labels:
        return "<none>"
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


class TablePrinter:
    """Prints Tables, remembering widths so -w rows line up under the first header."""

    def __init__(
        self,
        *,
        wide: bool = False,
        all_namespaces: bool = False,
        show_labels: bool = False,
        with_kind: bool = False,
        no_headers: bool = False,
        label_columns: Sequence[str] = (),
    ) -> None:
        self.wide = wide
        self.all_namespaces = all_namespaces
        self.show_labels = show_labels
        self.with_kind = with_kind
        self.no_headers = no_headers
        self.label_columns = list(label_columns)
        self.widths: list[int] = []

    def _columns(self, table: Obj) -> list[tuple[int, Obj]]:
        cols = table.get("columnDefinitions") or []
        return [(i, c) for i, c in enumerate(cols) if self.wide or not c.get("priority")]

    def header(self, table: Obj, info: ResourceInfo | None = None) -> list[str]:
        names = [str(c.get("name", "")).upper() for _, c in self._columns(table)]
        if self.all_namespaces and (info is None or info.namespaced):
            names.insert(0, "NAMESPACE")
        names.extend(lc.split("/")[-1].upper() for lc in self.label_columns)
        if self.show_labels:
            names.append("LABELS")
        return names

    def row(self, table: Obj, row: Obj, info: ResourceInfo | None = None) -> list[str]:
        cells = row.get("cells") or []
        meta = (row.get("object") or {}).get("metadata") or {}
        out = []
        for i, col in self._columns(table):
            text = cell_text(cells[i] if i < len(cells) else None)
            if col.get("format") == "name" and self.with_kind and info is not None:
                text = prefix(info) + text
            out.append(text)
        if self.all_namespaces and (info is None or info.namespaced):
            out.insert(0, str(meta.get("namespace", "")))
        labels = meta.get("labels") or {}
        out.extend(str(labels.get(lc, "")) for lc in self.label_columns)
        if self.show_labels:
            out.append(format_labels(labels))
        return out

    def render(self, table: Obj, info: ResourceInfo | None = None) -> list[str]:
        rows = [self.row(table, r, info) for r in table.get("rows") or []]
        if not self.no_headers:
            rows.insert(0, self.header(table, info))
        lines = layout(rows)
        if rows:
            self.widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        return lines

    def render_rows(self, table: Obj, info: ResourceInfo | None = None) -> list[str]:
        """Rows of a watch event, padded to the widths of what was printed first."""
        rows = [self.row(table, r, info) for r in table.get("rows") or []]
        return layout(rows, min_widths=self.widths)


def prefix(info: ResourceInfo) -> str:
    kind = info.kind.lower()
    return f"{kind}.{info.group}/" if info.group else f"{kind}/"


# --- -o yaml | json | name | jsonpath -------------------------------------------------------


def to_yaml(obj: Any) -> str:
    """YAML as kubectl prints it: sorted keys, block style, double quotes where needed."""
    import yaml

    class Dumper(yaml.SafeDumper):
        def choose_scalar_style(self) -> Any:
            style = super().choose_scalar_style()
            return '"' if style == "'" else style

    def text(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
        style = "|" if "\n" in data and not data.startswith(" ") else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)

    Dumper.add_representer(str, text)
    return str(
        yaml.dump(
            obj,
            Dumper=Dumper,
            default_flow_style=False,
            sort_keys=True,
            allow_unicode=True,
            width=1 << 30,
        )
    )


def to_json(obj: Any) -> str:
    import json

    return json.dumps(obj, indent=4, sort_keys=True, ensure_ascii=False) + "\n"


def as_list(items: list[Obj]) -> Obj:
    return {"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}}


def format_objects(items: list[Obj], output: str, *, single: bool) -> str:
    """Render objects in a non-table format; `single` prints the object itself, not a List."""
    doc: Any = items[0] if single and len(items) == 1 else as_list(items)
    if output == "yaml":
        return to_yaml(doc)
    if output == "json":
        return to_json(doc)
    if output == "name":
        return "".join(object_name(o) + "\n" for o in items)
    if output.startswith("jsonpath=") or output.startswith("jsonpath-as-json="):
        from kubectl.jsonpath import render

        template = output.split("=", 1)[1]
        return render(template, doc)
    from kubectl.errors import CLIError

    raise CLIError(
        f'unable to match a printer suitable for the output format "{output}", '
        "allowed formats are: json,jsonpath,name,wide,yaml"
    )


def object_name(obj: Obj) -> str:
    """`pod/x`, `deployment.apps/web` (kubectl's -o name)."""
    api_version = str(obj.get("apiVersion", ""))
    group = api_version.rpartition("/")[0]
    kind = str(obj.get("kind", "")).lower()
    name = (obj.get("metadata") or {}).get("name", "")
    return f"{kind}.{group}/{name}" if group else f"{kind}/{name}"
