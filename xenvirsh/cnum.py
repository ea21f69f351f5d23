"""Numbers in strings, read the way libvirt's and Xen's C code reads them.

Every number a user writes (in domain XML, in an xl, xm or sxpr config, on the
command line) reaches C as ``strtol``/``strtoull`` (glib's ``g_ascii_*`` in
libvirt, wrapped by ``virStrToLong_*``). They take leading blanks, a sign, in
base 16 an ``0x`` that a hex digit follows, and in base 0 C's hex and octal
prefixes. Only C's six blanks and ASCII digits count: Python's ``\\s``,
``\\d``, ``str.strip`` and ``int`` would also take Unicode ones. ``int``
also refuses strings of more than 4,300 digits, so a long run of digits here
is only known to be larger than any C type can hold.

The ``to_*`` functions read a whole string like libvirt's ``virStrToLong_*``
and return ``None`` where those fail; ``as_int`` and ``as_uint`` are C's casts.
"""

from __future__ import annotations

import re
from typing import Dict, Final, Optional, Pattern, Tuple

BLANKS: Final = " \t\n\v\f\r"  # isspace() in the C locale

_ULLONG: Final = 1 << 64
_UINT_MAX: Final = (1 << 32) - 1
_ULONG_MAX: Final = _ULLONG - 1
_INT_MIN: Final = -(1 << 31)
_INT_MAX: Final = (1 << 31) - 1
_LLONG_MIN: Final = -(1 << 63)
_LLONG_MAX: Final = (1 << 63) - 1
# what a run of more significant digits than any 64-bit number has stands for
_HUGE: Final = 1 << 256

_LEAD: Final = re.compile(r"[ \t\n\v\f\r]*([+-]?)")
_DIGITS: Final[Dict[int, Pattern[str]]] = {
    8: re.compile("[0-7]+"), 10: re.compile("[0-9]+"), 16: re.compile("[0-9a-fA-F]+"),
}
_HEX: Final = frozenset("0123456789abcdefABCDEF")

# (magnitude, negative, end) of a number
Scan = Tuple[int, bool, int]


def digits_value(digits: str, radix: int = 10) -> int:
    """The value of a run of ASCII digits; a run longer than any 64-bit
    number's (64 significant digits is more than base 8 needs) is 2**256."""
    significant = digits.lstrip("0")
    if len(significant) > 64:
        return _HUGE
    return int(significant, radix) if significant else 0


def scan(text: str, base: int = 10, pos: int = 0) -> Optional[Scan]:
    """strtoull's reading of the number at ``pos``: its magnitude (which may
    exceed 64 bits), its sign and where it ends; None when there are no digits."""
    lead = _LEAD.match(text, pos)
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
    return digits_value(run.group(), radix), lead.group(1) == "-", run.end()


def _whole(text: str, base: int) -> Optional[Tuple[int, bool]]:
    """(magnitude, negative) when all of ``text`` is one number."""
    if base == 10 and len(text) < 19 and text.isascii() and text.isdigit():
        return int(text), False  # most values: no regular expression needed
    scanned = scan(text, base)
    if scanned is None or scanned[2] != len(text):
        return None
    return scanned[0], scanned[1]


def _to_signed_range(text: str, base: int, low: int, high: int) -> Optional[int]:
    whole = _whole(text, base)
    if whole is None:
        return None
    value = -whole[0] if whole[1] else whole[0]
    return value if low <= value <= high else None


def to_int(text: str, base: int = 10) -> Optional[int]:
    """virStrToLong_i over the whole string."""
    return _to_signed_range(text, base, _INT_MIN, _INT_MAX)


def to_ll(text: str, base: int = 10) -> Optional[int]:
    """virStrToLong_ll over the whole string."""
    return _to_signed_range(text, base, _LLONG_MIN, _LLONG_MAX)


def _to_unsigned(text: str, base: int, limit: int, positive: bool) -> Optional[int]:
    whole = _whole(text, base)
    if whole is None:
        return None
    magnitude, negative = whole
    if not negative:
        return magnitude if magnitude <= limit else None
    if positive:
        return None
    # libvirt lets "-N" wrap within the type as long as N fits: "-1" is the maximum
    return None if magnitude > limit else -magnitude & limit


def to_uint(text: str, base: int = 10, *, positive: bool = False) -> Optional[int]:
    """virStrToLong_ui over the whole string ("-1" means UINT_MAX), or with
    ``positive`` virStrToLong_uip (no minus sign at all, not even "-0")."""
    return _to_unsigned(text, base, _UINT_MAX, positive)


def to_ulong(text: str, base: int = 10) -> Optional[int]:
    """virStrToLong_ul over the whole string (64-bit long)."""
    return _to_unsigned(text, base, _ULONG_MAX, False)


def to_ullong(text: str, base: int = 10, *, positive: bool = False) -> Optional[int]:
    """virStrToLong_ull over the whole string ("-N" wraps modulo 2**64), or
    with ``positive`` virStrToLong_ullp."""
    return _to_unsigned(text, base, _ULONG_MAX, positive)


def as_int(value: int) -> int:
    """C's ``(int)`` cast of an integer: the low 32 bits, signed."""
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value > _INT_MAX else value


def as_uint(value: int) -> int:
    """C's ``(unsigned int)`` cast."""
    return value & _UINT_MAX
