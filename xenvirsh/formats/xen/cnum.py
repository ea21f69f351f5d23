"""Numbers in strings, read the way libvirt's C helpers read them.

The Xen converters turn parts of config strings into numbers with glib's
``g_ascii_strtoll``/``g_ascii_strtoull`` wrapped by libvirt's ``virStrToLong_*``.
Those accept leading blanks, a sign, an optional ``0x`` in base 16 and (base 0)
C's hex and octal prefixes; the whole string must be the number.
Every function returns ``None`` where libvirt's would fail; ``as_int`` and
``as_uint`` are C's casts.
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
    # bases 16 and 0 take a 0x, but only in front of a hex digit; base 0 reads a
    # leading 0 as octal
    if base in (0, 16) and text[pos : pos + 2] in ("0x", "0X") and text[pos + 2 : pos + 3] in _HEX:
        radix = 16
        pos += 2
    elif base == 0 and text.startswith("0", pos):
        radix = 8
    run = _DIGITS[radix].match(text, pos)
    if run is None:
        return None
    return int(run.group(), radix), lead.group(1) == "-", run.end()


def to_int(text: str, base: int = 10) -> Optional[int]:
    """virStrToLong_i over the whole string."""
    scan = _scan(text, base)
    if scan is None or scan[2] != len(text):
        return None
    value = -scan[0] if scan[1] else scan[0]
    return value if _INT_MIN <= value <= _INT_MAX else None


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
    scan = _scan(text, base)
    if scan is None or scan[2] != len(text) or scan[0] >= _ULLONG:
        return None
    return -scan[0] % _ULLONG if scan[1] else scan[0]


def as_int(value: int) -> int:
    """C's ``(int)`` cast of an integer: the low 32 bits, signed."""
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value > _INT_MAX else value


def as_uint(value: int) -> int:
    """C's ``(unsigned int)`` cast."""
    return value & _UINT_MAX
