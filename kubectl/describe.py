"""`kubeling describe` building blocks: the indented `Key:\\tvalue` writer and the Events section.

Layout follows kubectl: two spaces per level, values aligned by Go's tabwriter (padding 2),
`<none>` for empty things, Events sorted by time with AGE like `5m` (and `x3 over 10m`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kubectl.printers import age, parse_time
from kubectl.tabwriter import tabify

Obj = dict[str, Any]
SKIP_ANNOTATIONS = {"kubectl.kubernetes.io/last-applied-configuration"}


class Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def line(self, level: int, *cells: Any) -> None:
        self.lines.append("  " * level + "\t".join(str(c) for c in cells))

    def raw(self, text: str) -> None:
        self.lines.append(text)

    def map(
        self,
        level: int,
        title: str,
        values: dict[str, Any] | None,
        *,
        skip: set[str] | None = None,
        sep: str = "=",
    ) -> None:
        """`Labels:  a=b` with further entries on continuation lines, like kubectl."""
        items = sorted((k, v) for k, v in (values or {}).items() if k not in (skip or set()))
        if not items:
            self.line(level, f"{title}:", "<none>")
            return
        self.line(level, f"{title}:", f"{items[0][0]}{sep}{items[0][1]}")
        for k, v in items[1:]:  # continuation lines carry no indentation, as in kubectl
            self.raw(f"\t{k}{sep}{v}")

    def annotations(self, level: int, values: dict[str, Any] | None) -> None:
        """kubectl prints annotations as `key: value`, without last-applied-configuration."""
        self.map(level, "Annotations", values, skip=SKIP_ANNOTATIONS, sep=": ")

    def text(self) -> str:
        return tabify("\n".join(self.lines)) + "\n"


def timestamp(value: str | None) -> str:
    t = parse_time(value)
    if t is None:
        return "<unknown>"
    return t.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")


def meta(obj: Obj) -> Obj:
    return obj.get("metadata") or {}


def common_header(w: Writer, obj: Obj, *, namespaced: bool = True, created: bool = False) -> None:
    m = meta(obj)
    w.line(0, "Name:", m.get("name", ""))
    if namespaced:
        w.line(0, "Namespace:", m.get("namespace", ""))
    if created:
        w.line(0, "CreationTimestamp:", timestamp(m.get("creationTimestamp")))
    w.map(0, "Labels", m.get("labels"))
    w.annotations(0, m.get("annotations"))


def event_query(obj: Obj, kind: str, *, with_kind: bool) -> dict[str, str]:
    m = meta(obj)
    parts = [f"involvedObject.name={m.get('name', '')}"]
    if m.get("namespace"):
        parts.append(f"involvedObject.namespace={m['namespace']}")
    if m.get("uid"):
        parts.insert(0, f"involvedObject.uid={m['uid']}")
    if with_kind:
        parts.append(f"involvedObject.kind={kind}")
    return {"fieldSelector": ",".join(parts)}


def _event_time(ev: Obj) -> datetime:
    for key in ("lastTimestamp", "eventTime", "firstTimestamp"):
        t = parse_time(ev.get(key))
        if t is not None:
            return t
    t = parse_time(meta(ev).get("creationTimestamp"))
    return t or datetime.min.replace(tzinfo=UTC)


def event_age(ev: Obj, now: datetime) -> str:
    first = ev.get("firstTimestamp") or ev.get("eventTime") or meta(ev).get("creationTimestamp")
    last = ev.get("lastTimestamp") or first
    count = int(ev.get("count") or (ev.get("series") or {}).get("count") or 1)
    if count > 1:
        return f"{age(last, now=now)} (x{count} over {age(first, now=now)})"
    return age(last, now=now)


def events_section(w: Writer, events: list[Obj], *, now: datetime | None = None) -> None:
    now = now or datetime.now(UTC)
    if not events:
        w.line(0, "Events:", "<none>")
        return
    w.raw("Events:")
    w.line(1, "Type", "Reason", "Age", "From", "Message")
    w.line(1, "----", "------", "----", "----", "-------")
    for ev in sorted(events, key=_event_time):
        src = ev.get("source") or {}
        frm = src.get("component") or ev.get("reportingComponent") or ""
        if src.get("host"):
            frm = f"{frm}, {src['host']}"
        w.line(
            1,
            ev.get("type", ""),
            ev.get("reason", ""),
            event_age(ev, now),
            frm,
            (ev.get("message") or "").strip(),
        )
