"""CPU and node sets in libvirt's bitmap syntax: ``0-3,^2,8``."""

from __future__ import annotations

import re
from typing import AbstractSet, FrozenSet, Optional

from xenvirsh.errors import InvalidArgument

CpuSet = FrozenSet[int]

# Bitmaps of vcpus and host cpus are bounded by libvirt's VIR_DOMAIN_CPUMASK_LEN.
CPUMASK_LEN = 4096

_ITEM = re.compile(r"\s*(\^?)\s*(\d+)\s*(?:-\s*(\d+)\s*)?$")


def parse_bitmap(text: Optional[str], limit: int = CPUMASK_LEN) -> CpuSet:
    """Parse ``N``, ``N-M`` and ``^N`` items separated by commas, in order."""
    if text is None or not text.strip():
        raise InvalidArgument(f"Failed to parse bitmap '{text or ''}'")
    bits: set[int] = set()
    for item in text.split(","):
        match = _ITEM.match(item)
        if not match:
            raise InvalidArgument(f"Failed to parse bitmap '{text}'")
        neg, first, last = match.group(1), int(match.group(2)), match.group(3)
        if neg:
            if last is not None:
                raise InvalidArgument(f"Failed to parse bitmap '{text}'")
            bits.discard(first)
            continue
        end = first if last is None else int(last)
        if end < first or end >= limit:
            raise InvalidArgument(f"Failed to parse bitmap '{text}'")
        bits.update(range(first, end + 1))
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
