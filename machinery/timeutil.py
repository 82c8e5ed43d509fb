"""Kubernetes timestamps: RFC 3339 strings on the wire, aware datetimes in code.

The object model keeps timestamps as the strings the API sends; these helpers make and
read them. Kubernetes writes `metav1.Time` with whole seconds (`2024-05-01T12:00:00Z`)
and `metav1.MicroTime` (Lease `acquireTime`/`renewTime`, Event `eventTime`) with exactly
six fractional digits (`2024-05-01T12:00:00.123456Z`), always in UTC with a `Z`.
"""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["format_time", "now", "now_rfc3339", "now_rfc3339_micro", "parse_time"]


def now() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def format_time(value: datetime, *, micro: bool = False) -> str:
    """RFC 3339 in UTC with a `Z`: whole seconds, or six fractional digits if `micro`.

    A naive datetime is taken to be UTC already.
    """
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if micro:
        return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def now_rfc3339() -> str:
    """Now, as a `metav1.Time` string (`2024-05-01T12:00:00Z`)."""
    return format_time(now())


def now_rfc3339_micro() -> str:
    """Now, as a `metav1.MicroTime` string (`2024-05-01T12:00:00.123456Z`)."""
    return format_time(now(), micro=True)


def parse_time(value: str) -> datetime:
    """An aware datetime from an RFC 3339 string.

    Accepts `Z` or a numeric offset, any number of fractional digits (beyond six are
    truncated), a lowercase `t`/`z`, and a space instead of the `T`. A string without an
    offset is taken to be UTC. Raises ValueError for anything else.
    """
    text = value.strip()
    if len(text) > 10 and text[10] in "t ":
        text = text[:10] + "T" + text[11:]
    if text and text[-1] in "zZ":
        text = text[:-1] + "+00:00"
    head, dot, rest = text.partition(".")
    if dot:
        # Python wants at most 6 fractional digits before the offset.
        digits = len(rest) - len(rest.lstrip("0123456789"))
        if digits == 0:
            raise ValueError(f"invalid RFC 3339 time: {value!r}")
        frac, offset = rest[:digits], rest[digits:]
        text = f"{head}.{frac[:6].ljust(6, '0')}{offset}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"invalid RFC 3339 time: {value!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed
