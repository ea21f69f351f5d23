"""What each fuzz harness feeds its input to, shared with tests/hardening.

A target takes raw bytes, runs them through one reader the way the CLI does
(with the size and encoding checks of :mod:`xenvirsh.conversion`) and then through
every writer that can express the result, so that a domain a reader accepts is
also exercised on the way out. The contract under test: whatever the bytes,
only :class:`xenvirsh.errors.XenvirshError` may escape. A target raises
:class:`AssertionError` when a domain it read does not survive its own round
trip (see :func:`_xml_fixed_point`).
"""

from __future__ import annotations

import re
from typing import Callable, Dict

from xenvirsh.conversion import decode
from xenvirsh.errors import XenvirshError
from xenvirsh.formats import libxl_json, sxpr, xl, xldisk, xm
from xenvirsh.formats.domxml import format_domain, parse_domain_xml
from xenvirsh.host import TEST_HOST, Host
from xenvirsh.model.domain import Domain

Target = Callable[[bytes], None]

_WRITERS = (xl.write, xm.write, sxpr.write, libxl_json.write)


def _write_everywhere(dom: Domain) -> None:
    for write in _WRITERS:
        try:
            write(dom, TEST_HOST)
        except XenvirshError:
            pass  # a domain a format cannot express is refused: that is allowed


def _reformat(xml: str) -> str:
    return format_domain(parse_domain_xml(xml, TEST_HOST), secure=True)


# libvirt prints a PCI function as '0x%d': above 7 it changes at every reading
# (function 16 is printed 0x16, read as 22, printed 0x22...), and so does xenvirsh
_PCI_FUNCTION = re.compile(r"function='0x[0-9a-fA-F]+'")


def _xml_fixed_point(xml: str) -> None:
    """XML that xenvirsh printed, read and printed again, is a fixed point.

    One extra pass comes first because libvirt's reader fills some things in
    only once: an Open vSwitch port's random ``interfaceid``, ``type='file'``
    for a cdrom without a source that a native reader called ``block``."""
    try:
        settled = _reformat(xml)
        again = _reformat(settled)
    except XenvirshError:
        return  # libvirt's native readers do not validate: their XML may be refused
    if _PCI_FUNCTION.sub("", again) != _PCI_FUNCTION.sub("", settled):
        raise AssertionError(f"XML is not a fixed point:\n{settled}\n---\n{again}")


def domxml(data: bytes) -> None:
    dom = parse_domain_xml(data, TEST_HOST)
    xml = format_domain(dom, secure=True)
    _xml_fixed_point(xml)
    _write_everywhere(dom)


def _native(read: Callable[[str, Host], Domain]) -> Target:
    def target(data: bytes) -> None:
        dom = read(decode(data, "config"), TEST_HOST)
        _xml_fixed_point(format_domain(dom, secure=True))
        _write_everywhere(dom)

    return target


def disk_spec(data: bytes) -> None:
    xldisk.parse(decode(data, "disk specification"))


TARGETS: Dict[str, Target] = {
    "domxml": domxml,
    "xl": _native(xl.read),
    "xm": _native(xm.read),
    "sxpr": _native(sxpr.read),
    "xldisk": disk_spec,
}


def run_one(name: str, data: bytes) -> None:
    """Run target ``name``; XenvirshError is the expected way to refuse input."""
    try:
        TARGETS[name](data)
    except XenvirshError:
        pass
