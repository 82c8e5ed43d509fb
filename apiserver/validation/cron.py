"""Cron schedules as CronJob accepts them (robfig/cron v3's standard parser).

Five fields (minute hour day-of-month month day-of-week) with `*`, `?`, lists, ranges,
steps and month/weekday names, or a descriptor (`@hourly`, `@daily`, `@every 90m`, ...).
`parse_schedule_error` returns the parser's error text, or "" when the schedule is valid.
"""

from __future__ import annotations

import re
from functools import lru_cache

DESCRIPTORS = frozenset(
    {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
)
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}
_DAYS = {d: i for i, d in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))}
# (min, max, names) per field, in order.
_BOUNDS: tuple[tuple[int, int, dict[str, int]], ...] = (
    (0, 59, {}),
    (0, 23, {}),
    (1, 31, {}),
    (1, 12, _MONTHS),
    (0, 6, _DAYS),
)
_DURATION = re.compile(r"([0-9]*(\.[0-9]*)?(ns|us|µs|ms|s|m|h))+", re.ASCII)
_INT = re.compile(r"[+-]?[0-9]+", re.ASCII)


class _CronError(Exception):
    pass


@lru_cache(maxsize=512)
def parse_schedule_error(spec: str) -> str:
    """The reason a schedule is invalid, or "" when it parses."""
    try:
        _parse(spec)
    except _CronError as exc:
        return str(exc)
    return ""


def _parse(spec: str) -> None:
    if not spec:
        raise _CronError("empty spec string")
    if spec.startswith(("TZ=", "CRON_TZ=")):
        i = spec.find(" ")
        if i < 0:
            raise _CronError(
                f"provided bad location {spec[spec.index('=') + 1 :]}: unknown time zone"
            )
        spec = spec[i:].strip()
    if spec.startswith("@"):
        if spec in DESCRIPTORS:
            return
        if spec.startswith("@every "):
            dur = spec[len("@every ") :]
            if not _DURATION.fullmatch(dur) or not any(c.isdigit() for c in dur):
                raise _CronError(f'failed to parse duration {spec}: time: invalid duration "{dur}"')
            return
        raise _CronError(f"unrecognized descriptor: {spec}")
    fields = spec.split()
    if len(fields) != 5:
        raise _CronError(f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]")
    for text, (lo, hi, names) in zip(fields, _BOUNDS, strict=True):
        for expr in text.split(","):
            _range(expr, lo, hi, names)


def _range(expr: str, lo: int, hi: int, names: dict[str, int]) -> None:
    range_and_step = expr.split("/")
    low_and_high = range_and_step[0].split("-")
    single = len(low_and_high) == 1
    if low_and_high[0] in ("*", "?"):
        start, end = lo, hi
    else:
        start = _int_or_name(low_and_high[0], names)
        if len(low_and_high) == 1:
            end = start
        elif len(low_and_high) == 2:
            end = _int_or_name(low_and_high[1], names)
        else:
            raise _CronError(f"too many hyphens: {expr}")
    step = 1
    if len(range_and_step) == 2:
        step = _int(range_and_step[1])
        if single:
            end = hi
    elif len(range_and_step) > 2:
        raise _CronError(f"too many slashes: {expr}")
    if start < lo:
        raise _CronError(f"beginning of range ({start}) below minimum ({lo}): {expr}")
    if end > hi:
        raise _CronError(f"end of range ({end}) above maximum ({hi}): {expr}")
    if start > end:
        raise _CronError(f"beginning of range ({start}) beyond end of range ({end}): {expr}")
    if step == 0:
        raise _CronError(f"step of range should be a positive number: {expr}")


def _int_or_name(expr: str, names: dict[str, int]) -> int:
    if names and expr.lower() in names:
        return names[expr.lower()]
    return _int(expr)


def _int(expr: str) -> int:
    if not _INT.fullmatch(expr):
        raise _CronError(
            f'failed to parse int from {expr}: strconv.Atoi: parsing "{expr}": invalid syntax'
        )
    num = int(expr)
    if num < 0:
        raise _CronError(f"negative number ({num}) not allowed: {expr}")
    return num
