"""CPU and node sets in libvirt's bitmap syntax: ``0-3,^2,8``."""

from __future__ import annotations

import re
from typing import AbstractSet, FrozenSet, Optional

from xenvirsh import cnum
from xenvirsh.errors import InvalidArgument

CpuSet = FrozenSet[int]

# Bitmaps of vcpus and host cpus are bounded by libvirt's VIR_DOMAIN_CPUMASK_LEN.
CPUMASK_LEN = 4096

_SPACES = frozenset(cnum.BLANKS)
_DIGITS = re.compile(r"[0-9]+")
_INT_MAX = 2**31 - 1


def _skip_spaces(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _SPACES:
        pos += 1
    return pos


def parse_bitmap(text: Optional[str], limit: int = CPUMASK_LEN) -> CpuSet:
    """virBitmapParse: ``N``, ``N-M`` and ``^N`` items separated by commas, in order.

    Blanks may surround items and dashes, a trailing comma is allowed, and every
    bit must be below ``limit``.
    """
    error = InvalidArgument(f"Failed to parse bitmap '{text or ''}'")
    if text is None:
        raise error
    bits: set[int] = set()
    pos = _skip_spaces(text, 0)
    if pos == len(text):
        raise error
    while pos < len(text):
        negate = text.startswith("^", pos)
        pos += negate
        number = _DIGITS.match(text, pos)
        if number is None:
            raise error
        first = cnum.digits_value(number.group())
        if first > _INT_MAX:
            raise error
        pos = _skip_spaces(text, number.end())
        if pos == len(text) or text[pos] == ",":
            if first >= limit:
                raise error
            if negate:
                bits.discard(first)
            else:
                bits.add(first)
        elif text[pos] == "-":
            last_number = cnum.scan(text, 10, _skip_spaces(text, pos + 1))
            if negate or last_number is None or last_number[0] > _INT_MAX:
                raise error
            last = -last_number[0] if last_number[1] else last_number[0]
            if last < first or last >= limit:
                raise error
            bits.update(range(first, last + 1))
            pos = _skip_spaces(text, last_number[2])
        if pos < len(text) and text[pos] == ",":
            pos = _skip_spaces(text, pos + 1)
        elif pos < len(text):
            raise error
    return frozenset(bits)


def format_bitmap(bits: AbstractSet[int]) -> str:
    """Format as libvirt does: ascending ranges, ``0-2,5``."""
    out: list[str] = []
    ordered = sorted(bits)
    i = 0
    while i < len(ordered):
        start = ordered[i]
        while i + 1 < len(ordered) and ordered[i + 1] == ordered[i] + 1:
            i += 1
        out.append(str(start) if ordered[i] == start else f"{start}-{ordered[i]}")
        i += 1
    return ",".join(out)
