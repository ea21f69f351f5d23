"""How libvirt walks the ``key=value,...`` strings of ``usbdev``, ``usbctrl`` and
``channel`` entries.

It steps from comma to comma, skipping the commas, blanks and tabs that follow
one, and gives up on the whole entry when no ``=`` is left in the rest of it
(so an item without ``=`` at the end, or a trailing comma, drops the entry).
Items are compared by prefix (``"name="``), so a key never matches an item
whose ``=`` comes later.
"""

from __future__ import annotations

from typing import List, Optional

_SEPARATORS = frozenset(", \t")


def walk_items(entry: str) -> Optional[List[str]]:
    """The items libvirt visits, or None where it drops the entry."""
    found: List[str] = []
    pos = 0
    while True:
        if entry.find("=", pos) < 0:
            return None
        comma = entry.find(",", pos)
        if comma < 0:
            found.append(entry[pos:])
            return found
        found.append(entry[pos:comma])
        pos = comma
        while pos < len(entry) and entry[pos] in _SEPARATORS:
            pos += 1
