"""How libvirt walks the key=value items of usbdev, usbctrl and channel entries."""

from __future__ import annotations

from typing import List, Optional

import pytest

from xenvirsh.formats.xen.keyvals import walk_items


@pytest.mark.parametrize("entry, items", [
    ("a=1,b=2", ["a=1", "b=2"]),
    ("a=1,, \t b=2", ["a=1", "b=2"]),
    ("a=1,junk,b=2", ["a=1", "junk", "b=2"]),
    ("a=1,", None),
    ("a=1,junk", None),
    ("", None),
    ("junk", None),
])
def test_walk(entry: str, items: Optional[List[str]]) -> None:
    assert walk_items(entry) == items
