"""Kubernetes resource quantities (`100m`, `1.5`, `2Ki`, `1Gi`, `1e3`, `500M`).

Every component that reasons about CPU or memory (scheduler fit, kubelet limits, QoS,
validation of requests against limits) needs the same arithmetic the apiserver uses,
so parsing and rounding live here, following `k8s.io/apimachinery/pkg/api/resource`:

- a quantity is `<sign><digits>[.<digits>]<suffix>`, the suffix one of the binary SI
  (`Ki` .. `Ei`), decimal SI (`n u m "" k M G T P E`) or a decimal exponent (`e3`, `E-2`);
- values finer than a nano unit round up (away from zero) to the next nano unit;
- `MilliValue`/`Value` round up (away from zero) to a whole milli/unit.

Values are capped at 2**63-1 in magnitude (Kubernetes caps the same int64 range), which
also keeps a hostile `1e999999` from turning into a million-digit integer.
"""

from __future__ import annotations

import re
from decimal import ROUND_UP, Context, Decimal, InvalidOperation
from functools import lru_cache

__all__ = ["cpu_millis", "format_quantity", "memory_bytes", "parse_quantity"]

# Same grammar as Kubernetes' parser (which also accepts `1.` and `.5`), but at least one
# digit is required: Kubernetes reads a lone sign or dot as zero, we refuse it.
_QUANTITY = re.compile(
    r"([+-]?)(\d+\.?\d*|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?", re.ASCII
)
_FORMAT_HINT = (
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
)

_DECIMAL_SUFFIX_EXP = {
    "n": -9,
    "u": -6,
    "m": -3,
    "": 0,
    "k": 3,
    "M": 6,
    "G": 9,
    "T": 12,
    "P": 15,
    "E": 18,
}
_BINARY_SUFFIX_EXP = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL_BY_EXP = {v: k for k, v in _DECIMAL_SUFFIX_EXP.items()}

_CTX = Context(prec=120, Emax=999999, Emin=-999999)
_MAX = Decimal(2**63 - 1)
_NANO = Decimal("1e-9")
_THOUSAND = Decimal(1000)


def parse_quantity(value: str | int | float) -> Decimal:
    """Parse a Kubernetes quantity into its exact value; ValueError when it is not one."""
    if isinstance(value, bool):
        raise ValueError(f"invalid quantity {value!r}: {_FORMAT_HINT}")
    if isinstance(value, int):
        return _cap(Decimal(value))
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"invalid quantity {value!r}: not a finite number")
        return _parse_str(repr(value))
    if not isinstance(value, str):
        raise ValueError(f"invalid quantity {value!r}: must be a string or a number")
    return _parse_str(value)


@lru_cache(maxsize=4096)
def _parse_str(text: str) -> Decimal:
    if not text:
        raise ValueError("quantity is empty")
    m = _QUANTITY.fullmatch(text)
    if m is None:
        raise ValueError(f"invalid quantity {text!r}: {_FORMAT_HINT}")
    sign, number, suffix = m.group(1), m.group(2), m.group(3) or ""
    try:
        amount = Decimal(number)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only digits
        raise ValueError(f"invalid quantity {text!r}") from exc
    if suffix in _BINARY_SUFFIX_EXP:
        amount = _CTX.multiply(amount, Decimal(1 << _BINARY_SUFFIX_EXP[suffix]))
    elif suffix in _DECIMAL_SUFFIX_EXP:
        amount = amount.scaleb(_DECIMAL_SUFFIX_EXP[suffix], _CTX)
    else:
        exponent = int(suffix[1:])
        if abs(exponent) > 100:  # far outside int64 either way; avoid huge scaling
            exponent = 100 if exponent > 0 else -100
        amount = amount.scaleb(exponent, _CTX)
    if amount > _MAX:
        return -_MAX if sign == "-" else _MAX
    if amount and amount.as_tuple().exponent < -9:  # type: ignore[operator]
        amount = amount.quantize(_NANO, rounding=ROUND_UP, context=_CTX)
    return -amount if sign == "-" else amount


def _cap(amount: Decimal) -> Decimal:
    if amount > _MAX:
        return _MAX
    if amount < -_MAX:
        return -_MAX
    return amount


def cpu_millis(value: str | int | float) -> int:
    """Whole millicores, rounded up (away from zero) like Kubernetes' `MilliValue()`."""
    return int(_CTX.multiply(parse_quantity(value), _THOUSAND).to_integral_value(ROUND_UP))


def memory_bytes(value: str | int | float) -> int:
    """Whole bytes (units), rounded up (away from zero) like Kubernetes' `Value()`."""
    return int(parse_quantity(value).to_integral_value(ROUND_UP))


def format_quantity(value: str | int | float | Decimal, *, binary: bool = False) -> str:
    """Canonical text of a quantity, as Kubernetes prints it.

    Decimal SI uses the largest power-of-1000 suffix that leaves an integer mantissa
    (`1.5` -> `1500m`, `1000` -> `1k`); binary SI (memory given in `Ki`/`Mi`/...) uses
    the largest power-of-1024 suffix that divides evenly and falls back to decimal SI
    below 1 or for fractions (`1.5Gi` -> `1536Mi`, `1025` -> `1025`).
    """
    amount = value if isinstance(value, Decimal) else parse_quantity(value)
    if not amount:
        return "0"
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if binary and amount >= 1 and amount == amount.to_integral_value():
        whole = int(amount)
        for suffix, shift in reversed(_BINARY_SUFFIX_EXP.items()):
            if whole % (1 << shift) == 0:
                return f"{sign}{whole >> shift}{suffix}"
        return f"{sign}{whole}"
    # Decimal SI: scale to nano units (parse guarantees that is exact), then climb.
    nanos = int(_CTX.multiply(amount, Decimal(10**9)).to_integral_value(ROUND_UP))
    exp = -9
    while exp < 18 and nanos % 1000 == 0:
        nanos //= 1000
        exp += 3
    return f"{sign}{nanos}{_DECIMAL_BY_EXP[exp]}"
