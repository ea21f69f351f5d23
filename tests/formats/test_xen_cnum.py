"""C-style number parsing (libvirt's virStrToLong_* over glib's strtoll)."""

from __future__ import annotations

from typing import Optional

import pytest

from xenvirsh.formats.xen import cnum


@pytest.mark.parametrize("text, base, value", [
    ("12", 10, 12),
    (" \t12", 10, 12),
    ("+12", 10, 12),
    ("-12", 10, -12),
    ("12 ", 10, None),
    ("", 10, None),
    ("-", 10, None),
    ("0x1f", 16, 31),
    ("1f", 16, 31),
    ("0x", 16, None),
    ("-0x10", 16, -16),
    ("2147483647", 10, 2147483647),
    ("2147483648", 10, None),
    ("-2147483648", 10, -2147483648),
    ("0x1g", 16, None),
    ("0x1f", 0, 31),
    ("017", 0, 15),
    ("08", 0, None),
    ("0", 0, 0),
    ("-010", 0, -8),
])
def test_to_int(text: str, base: int, value: Optional[int]) -> None:
    assert cnum.to_int(text, base) == value


@pytest.mark.parametrize("text, value", [
    ("4294967295", 4294967295),
    ("4294967296", None),
    ("-1", 4294967295),
    ("-4294967295", 1),
    ("-4294967296", None),
    ("-0", 0),
    ("7x", None),
])
def test_to_uint(text: str, value: Optional[int]) -> None:
    assert cnum.to_uint(text) == value


@pytest.mark.parametrize("text, value", [
    ("18446744073709551615", 18446744073709551615),
    ("18446744073709551616", None),
    ("-1", 18446744073709551615),
    (" 5", 5),
])
def test_to_ulong(text: str, value: Optional[int]) -> None:
    assert cnum.to_ulong(text) == value


@pytest.mark.parametrize("text, value", [
    ("-1", 18446744073709551615),
    ("-18446744073709551615", 1),
    ("18446744073709551616", None),
])
def test_to_ullong(text: str, value: Optional[int]) -> None:
    assert cnum.to_ullong(text) == value


@pytest.mark.parametrize("value, as_int, as_uint", [
    (5, 5, 5),
    (2**31, -(2**31), 2**31),
    (2**32 + 7, 7, 7),
    (-1, -1, 2**32 - 1),
])
def test_casts(value: int, as_int: int, as_uint: int) -> None:
    assert (cnum.as_int(value), cnum.as_uint(value)) == (as_int, as_uint)
