"""Numbers in strings, read the way libvirt's C helpers read them.

The Xen converters turn parts of config strings into numbers with glib's
``g_ascii_strtoll``/``g_ascii_strtoull`` wrapped by libvirt's ``virStrToLong_*``.
Those accept leading blanks, a sign, an optional ``0x`` for base 16 and (for
base 0) C's octal and hex prefixes; the ``*_prefix`` variants stop at the first
character that is not a digit instead of refusing the string, and return where
they stopped. Every function returns ``None`` where libvirt's would fail.
"""

from __future__ import annotations

import re
from typing import Dict, Final, Optional, Pattern, Tuple

_ULLONG: Final = 1 << 64
_UINT_MAX: Final = (1 << 32) - 1
_ULONG_MAX: Final = _ULLONG - 1
_INT_MIN: Final = -(1 << 31)
_INT_MAX: Final = (1 << 31) - 1

_LEAD: Final = re.compile(r"[ \t\n\r\f\v]*([+-]?)")
_DIGITS: Final[Dict[int, Pattern[str]]] = {
    8: re.compile("[0-7]+"), 10: re.compile("[0-9]+"), 16: re.compile("[0-9a-fA-F]+"),
}
_HEX: Final = frozenset("0123456789abcdefABCDEF")

# (magnitude, negative, end) of a number; the magnitude may exceed 64 bits
_Scan = Tuple[int, bool, int]


def _scan(text: str, base: int) -> Optional[_Scan]:
    lead = _LEAD.match(text)
    assert lead is not None  # the pattern matches the empty string
    pos = lead.end()
    radix = base or 10
    if base in (0, 16) and text[pos : pos + 2] in ("0x", "0X") and text[pos + 2 : pos + 3] in _HEX:
        radix = 16
        pos += 2
    elif base == 0 and text.startswith("0", pos):
        radix = 8
    run = _DIGITS[radix].match(text, pos)
    if run is None:
        return None
    return int(run.group(), radix), lead.group(1) == "-", run.end()


def strtoll_prefix(text: str, base: int = 10) -> Optional[Tuple[int, int]]:
    """g_ascii_strtoll: (value, end), or None when no digit was read or on overflow."""
    scan = _scan(text, base)
    if scan is None:
        return None
    magnitude, negative, end = scan
    value = -magnitude if negative else magnitude
    if not -(1 << 63) <= value < (1 << 63):
        return None
    return value, end


def strtoull_prefix(text: str, base: int = 10) -> Optional[Tuple[int, bool, int]]:
    """g_ascii_strtoull: (value, negated, end); a '-' wraps the value modulo 2**64."""
    scan = _scan(text, base)
    if scan is None:
        return None
    magnitude, negative, end = scan
    if magnitude >= _ULLONG:
        return None
    return (_ULLONG - magnitude) % _ULLONG if negative else magnitude, negative, end


def to_int(text: str, base: int = 10) -> Optional[int]:
    """virStrToLong_i over the whole string."""
    parsed = strtoll_prefix(text, base)
    if parsed is None or parsed[1] != len(text) or not _INT_MIN <= parsed[0] <= _INT_MAX:
        return None
    return parsed[0]


def _to_unsigned(text: str, base: int, limit: int) -> Optional[int]:
    scan = _scan(text, base)
    if scan is None or scan[2] != len(text) or scan[0] >= _ULLONG:
        return None
    magnitude, negative, _ = scan
    if negative:
        # libvirt lets "-N" wrap within the type as long as N fits: "-1" is the maximum
        return None if magnitude > limit else -magnitude & limit
    return magnitude if magnitude <= limit else None


def to_uint(text: str, base: int = 10) -> Optional[int]:
    """virStrToLong_ui over the whole string ("-1" means UINT_MAX)."""
    return _to_unsigned(text, base, _UINT_MAX)


def to_ulong(text: str, base: int = 10) -> Optional[int]:
    """virStrToLong_ul over the whole string (64-bit long)."""
    return _to_unsigned(text, base, _ULONG_MAX)


def to_ullong(text: str, base: int = 10) -> Optional[int]:
    """virStrToLong_ull over the whole string; a '-' wraps modulo 2**64."""
    parsed = strtoull_prefix(text, base)
    if parsed is None or parsed[2] != len(text):
        return None
    return parsed[0]


def as_int(value: int) -> int:
    """C's ``(int)`` cast of an integer: the low 32 bits, signed."""
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value > _INT_MAX else value


def as_uint(value: int) -> int:
    """C's ``(unsigned int)`` cast."""
    return value & _UINT_MAX
