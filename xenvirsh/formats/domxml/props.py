"""Typed access to XML attributes and text, with libvirt's error messages.

These mirror libvirt's ``virXMLProp*`` helpers so that a bad attribute gets the
message virsh users know, for example ``XML error: Invalid value for attribute
'device' in element 'disk': 'foo'.``
"""

from __future__ import annotations

import re
from typing import Iterator, Optional, Sequence, cast

from lxml import etree

from xenvirsh.errors import XMLError

Element = etree._Element

_C_NUMBER = {
    10: re.compile(r"\s*([+-]?)(\d+)\Z"),
    16: re.compile(r"\s*([+-]?)(?:0[xX])?([0-9a-fA-F]+)\Z"),
    0: re.compile(r"\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)\Z"),
}


def parse_c_int(text: str, base: int = 10) -> Optional[int]:
    """strtol over the whole string: leading blanks and a sign allowed, nothing
    trailing; base 0 takes 0x hex and leading-0 octal as C does."""
    match = _C_NUMBER[base].match(text)
    if not match:
        return None
    sign, digits = match.groups()
    if base != 0:
        value = int(digits, base)
    elif digits[:2] in ("0x", "0X"):
        value = int(digits, 16)
    else:
        value = int(digits, 8 if digits.startswith("0") else 10)
    return -value if sign == "-" else value


def text_of(el: Optional[Element]) -> Optional[str]:
    """XPath ``string(el)``: all descendant text; libvirt treats '' as absent."""
    if el is None:
        return None
    value = "".join(cast("Iterator[str]", el.itertext()))
    return value or None


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
    number = parse_c_int(value, base)
    if number is None or not -(2**31) <= number < 2**31:
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
    limit: int = 2**32,
) -> Optional[int]:
    """virXMLPropUInt (and ULongLong with a larger ``limit``)."""
    value = el.get(name)
    if value is None:
        if required:
            raise _missing(el, name)
        return None
    number = parse_c_int(value, base)
    if number is None or value.strip().startswith("-") or not 0 <= number < limit:
        raise _invalid(el, name, value, " Expected non-negative integer value")
    if nonzero and number == 0:
        raise XMLError(
            f"Invalid value for attribute '{name}' in element '{el.tag}': Zero is not permitted"
        )
    return number
