"""Typed access to XML attributes and text, with libvirt's error messages.

These mirror libvirt's ``virXMLProp*`` helpers so that a bad attribute gets the
message virsh users know, for example ``XML error: Invalid value for attribute
'device' in element 'disk': 'foo'.``
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from typing import Dict, FrozenSet, List, Optional, Sequence, Tuple

from xenvirsh import cnum
from xenvirsh.errors import XenvirshError, XMLError
from xenvirsh.formats.domxml.node import Node

# an error libvirt reported but then ignored: it is still its "last error", so
# a later failure that reports nothing shows it (see NoCause)
_STALE_ERROR: ContextVar[Optional[XenvirshError]] = ContextVar("stale_error", default=None)


def ignored_error(error: XenvirshError) -> None:
    """Remember an error libvirt reports and then ignores."""
    _STALE_ERROR.set(error)


def reset_ignored_error() -> None:
    _STALE_ERROR.set(None)


class NoCause(XenvirshError):
    """libvirt failed without saying why: virsh prints the last error reported
    before, if libvirt reported one and went on, else this."""

    def __init__(self) -> None:
        stale = _STALE_ERROR.get()
        super().__init__(str(stale) if stale is not None else
                         "An error occurred, but the cause is unknown")

Element = Node

ByTag = Dict[str, List[Element]]

_SLASHES = r"/{2,}"


def text_of(el: Optional[Element]) -> Optional[str]:
    """XPath ``string(el)``: all descendant text; libvirt treats '' as absent."""
    if el is None:
        return None
    if not len(el.el):  # no children: the text is all there is
        return el.text or None
    return "".join(el.itertext()) or None


def child_tags(el: Element) -> FrozenSet[str]:
    """The tags of ``el``'s element children, to skip the parsing of what a
    document does not have."""
    return frozenset(el.by_tag())


def children_by_tag(el: Element) -> ByTag:
    """``el``'s element children grouped by tag, in document order: what
    ``findall(tag)`` would return (not to be modified)."""
    return el.by_tag()


def first_children(el: Element, tags: FrozenSet[str]) -> Dict[str, Element]:
    """The first child of each of ``tags`` that ``el`` has (XPath ``./tag[1]``)."""
    return {tag: group[0] for tag, group in el.by_tag().items() if tag in tags}


def first_attr(el: Element, path: str, attr: str) -> Optional[str]:
    """XPath ``string(PATH/@ATTR)``: the first such attribute in document
    order, across repeated elements; None when there is none or it is empty."""
    for node in el.iterfind(path):
        value = node.get(attr)
        if value is not None:
            return value or None
    return None


def child_text(el: Element, tag: str) -> Optional[str]:
    return text_of(el.find(tag))


def _missing(el: Element, name: str) -> XMLError:
    return XMLError(f"Missing required attribute '{name}' in element '{el.tag}'")


def _invalid(el: Element, name: str, value: str, expected: str = "") -> XMLError:
    return XMLError(
        f"Invalid value for attribute '{name}' in element '{el.tag}': '{value}'.{expected}"
    )


def required(el: Element, name: str) -> str:
    value = el.get(name)
    if value is None:
        raise _missing(el, name)
    return value


def enum(
    el: Element,
    name: str,
    values: Sequence[str],
    *,
    required: bool = False,
    nonzero: bool = False,
) -> Optional[str]:
    """virXMLPropEnum: ``nonzero`` refuses the first value of the table, which
    libvirt reserves for 'default'/'none'."""
    value = el.get(name)
    if value is None:
        if required:
            raise _missing(el, name)
        return None
    if value not in values or (nonzero and value == values[0]):
        raise _invalid(el, name, value)
    return value


def tristate(el: Element, name: str, *, on: str = "yes", required: bool = False) -> Optional[bool]:
    """yes/no (TristateBool) or, with ``on='on'``, on/off (TristateSwitch)."""
    off = "no" if on == "yes" else "off"
    value = enum(el, name, ("absent", on, off), required=required, nonzero=True)
    return None if value is None else value == on


def switch(el: Element, name: str, *, required: bool = False) -> Optional[bool]:
    return tristate(el, name, on="on", required=required)


def int_(
    el: Element, name: str, *, base: int = 10, required: bool = False, nonneg: bool = False,
    nonzero: bool = False,
) -> Optional[int]:
    """virXMLPropInt."""
    value = el.get(name)
    if value is None:
        if required:
            raise _missing(el, name)
        return None
    number = cnum.to_int(value, base)
    if number is None:
        raise _invalid(el, name, value, " Expected integer value")
    if nonneg and number < 0:
        raise _invalid(el, name, value, " Expected non-negative value")
    if nonzero and number == 0:
        raise XMLError(
            f"Invalid value for attribute '{name}' in element '{el.tag}': Zero is not permitted"
        )
    return number


def uint(
    el: Element, name: str, *, base: int = 10, required: bool = False, nonzero: bool = False,
    bits: int = 32,
) -> Optional[int]:
    """virXMLPropUInt (virXMLPropULongLong with ``bits=64``)."""
    value = el.get(name)
    if value is None:
        if required:
            raise _missing(el, name)
        return None
    number = (cnum.to_uint if bits == 32 else cnum.to_ullong)(value, base, positive=True)
    if number is None:
        raise _invalid(el, name, value, " Expected non-negative integer value")
    if nonzero and number == 0:
        raise XMLError(
            f"Invalid value for attribute '{name}' in element '{el.tag}': Zero is not permitted"
        )
    return number


def node_text(el: Element) -> str:
    """virXMLNodeContentString: the element's text, '' when empty."""
    return text_of(el) or ""


def sanitize_path(path: str) -> str:
    """virFileSanitizePath: collapse repeated slashes and drop a trailing one."""
    keep_double = path.startswith("//") and not path.startswith("///")
    cleaned = re.sub(_SLASHES, "/", path)
    if keep_double:
        cleaned = "/" + cleaned
    if len(cleaned) > 1 and cleaned.endswith("/"):
        cleaned = cleaned[:-1]
    return cleaned


# --- table-driven attributes ----------------------------------------------------
#
# Many libvirt elements carry a row of independent scalar attributes. A spec
# names the XML attribute, the model field and how libvirt parses it:
#   "str"      any string
#   "enum"     one of ``table``; its first entry (libvirt's 'default') refused
#   "enum0"    one of ``table``, first entry allowed
#   "yesno"    TristateBool, "onoff" TristateSwitch
#   "uint"     virXMLPropUInt, "uint+" the same with zero refused
#   "ull"      virXMLPropULongLong, "int" virXMLPropInt, "ll" virXMLPropLongLong
#   "int0+"    virXMLPropInt in base 0 refusing negatives, "ull0+" virXMLPropULongLong
#              in base 0 refusing zero

AttrSpec = Tuple[str, str, str, Sequence[str]]


def spec(attr: str, kind: str, table: Sequence[str] = (), field: str = "") -> AttrSpec:
    return (attr, field or attr.replace("-", "_"), kind, table)


def read_attrs(el: Element, target: object, specs: Sequence[AttrSpec]) -> None:
    """Parse ``specs`` of ``el`` in order into the fields of ``target``;
    absent attributes leave their field alone."""
    for attr, field_name, kind, table in specs:
        if el.get(attr) is None:
            continue
        setattr(target, field_name, _read_one(el, attr, kind, table))


def _read_one(el: Element, attr: str, kind: str, table: Sequence[str]) -> object:
    if kind == "str":
        return el.get(attr)
    if kind in ("enum", "enum0"):
        return enum(el, attr, table, nonzero=kind == "enum")
    if kind == "yesno":
        return tristate(el, attr)
    if kind == "onoff":
        return switch(el, attr)
    if kind in ("uint", "uint+"):
        return uint(el, attr, nonzero=kind == "uint+")
    if kind == "ull":
        return uint(el, attr, bits=64)
    if kind == "int":
        return int_(el, attr)
    if kind == "int0+":
        return int_(el, attr, base=0, nonneg=True)
    if kind == "ull0+":
        return uint(el, attr, base=0, bits=64, nonzero=True)
    if kind == "ll":
        return long_long(el, attr)
    raise ValueError(kind)


def long_long(el: Element, name: str) -> Optional[int]:
    """virXMLPropLongLong (base 10)."""
    value = el.get(name)
    if value is None:
        return None
    number = cnum.to_ll(value)
    if number is None:
        raise _invalid(el, name, value, " Expected long long integer value")
    return number


def attr_values(source: object, specs: Sequence[AttrSpec]) -> List[Tuple[str, Optional[object]]]:
    """The attributes of ``specs`` as libvirt prints them: booleans as
    yes/no or on/off, unset (None) ones left out."""
    out: List[Tuple[str, Optional[object]]] = []
    for attr, field_name, kind, _table in specs:
        value = getattr(source, field_name)
        if value is None:
            continue
        if value is True or value is False:
            on, off = ("on", "off") if kind == "onoff" else ("yes", "no")
            value = on if value else off
        out.append((attr, value))
    return out
