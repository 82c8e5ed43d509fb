"""Kubernetes quantities: parsing, rounding (MilliValue/Value) and canonical formatting."""

from __future__ import annotations

from decimal import Decimal

import pytest

from machinery.quantity import cpu_millis, format_quantity, memory_bytes, parse_quantity


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", "0"),
        ("1", "1"),
        ("1.5", "1.5"),
        ("100m", "0.1"),
        ("1500m", "1.5"),
        ("5n", "0.000000005"),
        ("3u", "0.000003"),
        ("2k", "2000"),
        ("500M", "500000000"),
        ("1G", "1000000000"),
        ("1T", "1e12"),
        ("1P", "1e15"),
        ("1E", "1e18"),
        ("1Ki", "1024"),
        ("2Ki", "2048"),
        ("1Mi", "1048576"),
        ("1Gi", "1073741824"),
        ("1.5Gi", "1610612736"),
        ("1Ti", str(2**40)),
        ("1Pi", str(2**50)),
        ("1e3", "1000"),
        ("1E3", "1000"),
        ("1.5e-3", "0.0015"),
        ("12e+2", "1200"),
        ("+5", "5"),
        ("-5", "-5"),
        ("-100m", "-0.1"),
        (".5", "0.5"),
        ("1.", "1"),
        ("007", "7"),
    ],
)
def test_parse_formats(text: str, expected: str) -> None:
    assert parse_quantity(text) == Decimal(expected)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        " 1",
        "1 ",
        "abc",
        "1K",  # kilo is lowercase k
        "1k1",
        "1e",
        "1Kib",
        "1.2.3",
        "--1",
        "-",
        ".",
        "1mi",
        "1e3Ki",
        "0x10",
        "1,5",
        "∞",
    ],
)
def test_parse_rejects_garbage(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_quantity(bad)


@pytest.mark.parametrize("bad", [True, None, [1], {"a": 1}, float("nan"), float("inf")])
def test_parse_rejects_non_quantities(bad: object) -> None:
    with pytest.raises(ValueError):
        parse_quantity(bad)  # type: ignore[arg-type]


def test_numbers_are_accepted_like_json_numbers() -> None:
    assert parse_quantity(2) == 2
    assert parse_quantity(0.5) == Decimal("0.5")
    assert parse_quantity(1e3) == 1000


def test_sub_nano_values_round_up_away_from_zero() -> None:
    assert parse_quantity("0.1n") == Decimal("1e-9")
    assert parse_quantity("1.0000000001") == Decimal("1.000000001")
    assert parse_quantity("-0.1n") == Decimal("-1e-9")


def test_huge_values_are_capped_to_int64() -> None:
    cap = Decimal(2**63 - 1)
    assert parse_quantity("1e100000") == cap
    assert parse_quantity("-1e30") == -cap
    assert parse_quantity("9" * 300 + ".123") == cap
    assert parse_quantity(10**40) == cap


@pytest.mark.parametrize(
    ("value", "millis"),
    [
        ("1", 1000),
        ("100m", 100),
        ("0.1", 100),
        ("1.5", 1500),
        ("250m", 250),
        ("1m", 1),
        ("0.0001", 1),  # rounds up, like MilliValue
        ("1n", 1),
        ("1.0001", 1001),
        ("-1.0001", -1001),  # away from zero
        ("2k", 2_000_000),
        (2, 2000),
        (0.25, 250),
        ("0", 0),
    ],
)
def test_cpu_millis(value: str | int | float, millis: int) -> None:
    assert cpu_millis(value) == millis


@pytest.mark.parametrize(
    ("value", "nbytes"),
    [
        ("128Mi", 134_217_728),
        ("1Gi", 1_073_741_824),
        ("1G", 1_000_000_000),
        ("500M", 500_000_000),
        ("1.5Ki", 1536),
        ("100m", 1),  # rounds up, like Value()
        ("1e3", 1000),
        ("1024", 1024),
        (64, 64),
        ("0.5", 1),
    ],
)
def test_memory_bytes(value: str | int, nbytes: int) -> None:
    assert memory_bytes(value) == nbytes


def test_rounding_helpers_raise_on_garbage() -> None:
    with pytest.raises(ValueError):
        cpu_millis("lots")
    with pytest.raises(ValueError):
        memory_bytes("1 Gi")


@pytest.mark.parametrize(
    ("value", "binary", "text"),
    [
        ("1.5", False, "1500m"),
        ("100m", False, "100m"),
        ("0.1", False, "100m"),
        ("1000", False, "1k"),
        ("1500000", False, "1500k"),
        ("2", False, "2"),
        ("0", False, "0"),
        ("5n", False, "5n"),
        ("-1.5", False, "-1500m"),
        ("1Gi", True, "1Gi"),
        ("1.5Gi", True, "1536Mi"),
        ("1025", True, "1025"),
        ("2048", True, "2Ki"),
        ("0.5", True, "500m"),
        ("1M", False, "1M"),
    ],
)
def test_format_quantity(value: str, binary: bool, text: str) -> None:
    assert format_quantity(value, binary=binary) == text


def test_format_round_trips() -> None:
    for text in ("1500m", "1Gi", "3Mi", "250m", "7k"):
        binary = text.endswith("i")
        assert format_quantity(parse_quantity(text), binary=binary) == text
