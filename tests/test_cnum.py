"""C-style number parsing (libvirt's virStrToLong_* over glib's strtoll)."""

from __future__ import annotations

from typing import Optional

import pytest

from xenvirsh import cnum


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


# Python's \s, \d, str.strip and int() take Unicode blanks and digits; C's
# isspace() and strtol() in the C locale take only these
@pytest.mark.parametrize("text", [
    "\u0663",  # ARABIC-INDIC DIGIT THREE: int() reads it as 3
    "+\u0663",
    "1\u0663",
    "\xa07",  # NO-BREAK SPACE
    "\u20037",  # EM SPACE
    "\x1c7",  # a separator Python's str.isspace() takes
    "7\xa0",
    "1_000",  # int()'s digit grouping
    "\uff17",  # FULLWIDTH DIGIT SEVEN
])
@pytest.mark.parametrize("read", [cnum.to_int, cnum.to_uint, cnum.to_ulong, cnum.to_ullong,
                                  cnum.to_ll])
def test_only_c_blanks_and_ascii_digits(read, text: str) -> None:  # type: ignore[no-untyped-def]
    assert read(text) is None
    assert read(text, 16) is None


def test_the_six_c_blanks_lead() -> None:
    assert [cnum.to_int(blank + "7") for blank in cnum.BLANKS] == [7] * 6


def test_a_run_of_thousands_of_digits_overflows_as_in_c() -> None:
    """int() refuses more than 4,300 digits (ValueError); C reads them and overflows."""
    many = "1" * 5000
    assert cnum.to_int(many) is None
    assert cnum.to_ullong(many) is None
    assert cnum.to_uint("-" + many) is None
    assert cnum.to_ullong("f" * 5000, 16) is None
    assert cnum.to_ll("-" + many) is None
    assert cnum.to_uint("0" * 5000 + "1") == 1  # leading zeros are no overflow


@pytest.mark.parametrize("text, value", [
    ("5", 5), ("-0", None), ("-5", None), ("+5", 5), (" 5", 5), ("4294967295", 4294967295),
])
def test_positive_refuses_any_minus_sign(text: str, value: Optional[int]) -> None:
    """virStrToLong_uip and _ullp."""
    assert cnum.to_uint(text, positive=True) == value
    assert cnum.to_ullong(text, positive=True) == value


@pytest.mark.parametrize("text, base, pos, scanned", [
    ("12M", 10, 0, (12, False, 2)),
    (" -3,", 10, 0, (3, True, 3)),
    ("x 0x1fz", 16, 1, (31, False, 6)),
    ("0x", 0, 0, (0, False, 1)),  # the 0x needs a hex digit after it: "0" is read
    ("079", 0, 0, (7, False, 2)),
    ("M", 10, 0, None),
    ("+", 10, 0, None),
])
def test_scan(text: str, base: int, pos: int, scanned: Optional[cnum.Scan]) -> None:
    assert cnum.scan(text, base, pos) == scanned


def test_digits_value() -> None:
    assert cnum.digits_value("0042") == 42
    assert cnum.digits_value("ff", 16) == 255
    assert cnum.digits_value("") == 0
    assert cnum.digits_value("9" * 65) > 2**64
