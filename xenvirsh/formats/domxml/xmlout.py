"""Text output with libvirt's XML conventions.

libvirt builds its XML in a ``virBuffer``: two spaces of indentation per
level, single-quoted attributes, and ``virXMLFormatElement``'s rule that an
element with neither attributes nor children is left out. :class:`Out`
reproduces that; the domain writer and its helpers share it.
"""

from __future__ import annotations

import re
from typing import List, Optional, Sequence, Tuple

Attrs = Sequence[Tuple[str, Optional[object]]]

_ESCAPES = {"<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;"}
# control characters libvirt drops silently (all below 0x20 but tab, LF, CR)
_DROPPED = {chr(c): "" for c in range(1, 32) if c not in (9, 10, 13)}
_TABLE = str.maketrans({**_ESCAPES, **_DROPPED})
# str.translate is slow; most values need no escaping, which a search tells fast
_SPECIAL = re.compile("[<>&\"'\x01-\x08\x0b\x0c\x0e-\x1f]")


def escape(text: str) -> str:
    """virBufferEscapeString."""
    return text.translate(_TABLE) if _SPECIAL.search(text) else text


def yesno(value: Optional[bool]) -> Optional[str]:
    return None if value is None else ("yes" if value else "no")


def onoff(value: Optional[bool]) -> Optional[str]:
    return None if value is None else ("on" if value else "off")


def render_attrs(attrs: Attrs) -> str:
    """`` name='value'`` for every attribute that has a value."""
    # A loop, not a comprehension that escape() would be called from: this runs
    # for most lines of every document, and each call there costs more than
    # the work (a document has about sixty attribute lists of one to three).
    rendered = ""
    for name, value in attrs:
        if value is None:
            continue
        if type(value) is not int:
            value = str(value)
            if _SPECIAL.search(value):
                value = value.translate(_TABLE)
        rendered += f" {name}='{value}'"
    return rendered


class Out:
    """Lines of XML with libvirt's indentation.

    The element methods append their line themselves rather than through
    :meth:`line`: they run for every element of every document written."""

    __slots__ = ("lines", "depth")

    def __init__(self) -> None:
        self.lines: List[str] = []
        self.depth = 0

    def line(self, text: str) -> None:
        self.lines.append("  " * self.depth + text + "\n")

    def text_element(self, tag: str, value: Optional[object], attrs: Attrs = ()) -> None:
        """``<tag attrs>value</tag>``, nothing when the value is absent."""
        if value is None:
            return
        text = value if type(value) is int else escape(str(value))
        self.lines.append(f"{'  ' * self.depth}<{tag}{render_attrs(attrs)}>{text}</{tag}>\n")

    def empty(self, tag: str, attrs: Attrs, always: bool = False) -> None:
        """``<tag attrs/>``; like virXMLFormatElement, nothing without attributes."""
        rendered = render_attrs(attrs)
        if rendered or always:
            self.lines.append(f"{'  ' * self.depth}<{tag}{rendered}/>\n")

    def open(self, tag: str, attrs: Attrs = ()) -> None:
        self.lines.append(f"{'  ' * self.depth}<{tag}{render_attrs(attrs)}>\n")
        self.depth += 1

    def close(self, tag: str) -> None:
        self.depth -= 1
        self.lines.append(f"{'  ' * self.depth}</{tag}>\n")

    def element(self, tag: str, attrs: Attrs, children: Out, always: bool = False) -> None:
        """virXMLFormatElement: attributes and child lines; omitted when both
        are empty unless ``always`` (virXMLFormatElementEmpty)."""
        rendered = render_attrs(attrs)
        indent = "  " * self.depth
        if not children.lines:
            if rendered or always:
                self.lines.append(f"{indent}<{tag}{rendered}/>\n")
            return
        self.lines.append(f"{indent}<{tag}{rendered}>\n")
        self.extend(children)
        self.lines.append(f"{indent}</{tag}>\n")

    def extend(self, children: Out) -> None:
        """Append lines built separately, one level deeper than this one."""
        prefix = "  " * (self.depth + 1)
        self.lines.extend([prefix + line for line in children.lines])
