"""The vif ``rate`` of Xen configs, both ways (libvirt's xenParseSxprVifRate and
the ``rate=`` libvirt writes).

* :func:`parse_rate` ``(text) -> int``: ``N[GMK]?[Bb]/s[@interval]`` in KB/s,
  libvirt's ``<bandwidth><outbound average>``. No multiplier and ``K`` both
  mean KB/s, ``M`` multiplies by 1024, ``G`` by 1024², a lowercase ``b``
  divides by 8 (rounding down); the interval is ignored. The value wraps at
  2**64 like libvirt's unsigned arithmetic. Raises :class:`InternalError` with
  libvirt's messages.
* :func:`format_rate` ``(net) -> Optional[str]``: ``"<average>KB/s"`` for an
  interface with a non-zero outbound average, else ``None`` (nothing written).
"""

from __future__ import annotations

import re
from typing import Optional

from xenvirsh import cnum
from xenvirsh.errors import InternalError
from xenvirsh.model.domain import Interface

# `$` also accepts one final newline, as the PCRE pattern libvirt uses does;
# compiled on first use (re caches it), as few vifs have a rate
_RATE = r"([0-9]+)([GMK]?)([Bb])/s$"
_MULTIPLIERS = {"G": 1024 * 1024, "M": 1024, "K": 1, "": 1}
_ULLONG = 1 << 64


def parse_rate(text: str) -> int:
    """The outbound average (KB/s) of a vif rate."""
    match = re.match(_RATE, text.partition("@")[0])
    if match is None:
        raise InternalError(f"Invalid rate '{text}' specified")
    number = cnum.digits_value(match.group(1))
    if number >= _ULLONG:
        raise InternalError(f"Failed to parse rate '{text}'")
    kbytes = number * _MULTIPLIERS[match.group(2)] % _ULLONG
    return kbytes // 8 if match.group(3) == "b" else kbytes


def format_rate(net: Interface) -> Optional[str]:
    """The vif rate to write for an interface, if any."""
    if net.outbound is None or not net.outbound.average:
        return None
    return f"{net.outbound.average}KB/s"
