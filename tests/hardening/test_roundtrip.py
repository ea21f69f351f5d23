"""Generated domains survive every format that can express them.

A domain drawn as XML (tests/hardening/strategies.py) is read, then written
in each format and read back. What the format can say must come back
unchanged (:func:`essentials`), and the written text must settle: writing
what was read back, once more, gives the same text. One extra pass is
allowed before that because libvirt's readers fill in defaults (a cdrom
without a driver gets ``backendtype=qdisk`` in xl, an xm disk without a
prefix is read as ``phy:``), exactly as libvirt does.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Dict

from hypothesis import given

from tests.hardening.budget import examples
from tests.hardening.strategies import domain_xml
from xenvirsh.errors import InternalError
from xenvirsh.formats import libxl_json, sxpr, xl, xm
from xenvirsh.formats.domxml import format_domain, parse_domain_xml
from xenvirsh.host import TEST_HOST
from xenvirsh.model.domain import Domain

Read = Callable[[str, Any], Domain]
Write = Callable[[Domain, Any], str]


def essentials(dom: Domain, fmt: str) -> Dict[str, Any]:
    """What every format keeps of a domain drawn by domain_xml(fmt=...)."""
    os_type = dom.os.type
    if fmt in ("xm", "sxpr") and os_type == "xenpvh":
        os_type = "xen"  # neither format knows PVH: libvirt writes a PV guest
    channels = [(c.target_name, c.source.type, c.source.path) for c in dom.devices.channels]
    return {
        "channels": channels if fmt == "xl" else None,  # only xl has channels
        "name": dom.name, "uuid": dom.uuid, "memory": dom.memory_kib,
        "current_memory": dom.current_memory_kib, "vcpus": (dom.vcpus_max, dom.vcpus),
        "os": (os_type, dom.os.kernel, dom.os.initrd, dom.os.cmdline, dom.os.bootloader),
        "lifecycle": (dom.on_poweroff, dom.on_reboot, dom.on_crash),
        "disks": [(d.dst, d.path, d.device, d.readonly) for d in dom.devices.disks],
        "interfaces": [(n.mac, n.bridge, [ip.address for ip in n.ips])
                       for n in dom.devices.interfaces],
        "graphics": [g.type for g in dom.devices.graphics],
        "hostdevs": [(h.pci.bus, h.pci.slot, h.pci.function) for h in dom.devices.hostdevs
                     if h.pci is not None],
    }


def _xml_round_trip(xml: str) -> str:
    return format_domain(parse_domain_xml(xml, TEST_HOST), secure=True)


@examples(150)
@given(domain_xml())
def test_domain_xml_is_a_fixed_point(doc: str) -> None:
    first = _xml_round_trip(doc)
    assert _xml_round_trip(first) == first


def _native_round_trip(fmt: str, read: Read, write: Write, doc: str) -> None:
    dom = parse_domain_xml(doc, TEST_HOST)
    text = write(dom, TEST_HOST)
    # libvirt writes xend's '(vm ...)' and reads what xend reports, '(domain ...)'
    readable: Callable[[str], str] = (
        (lambda t: t.replace("(vm ", "(domain ", 1)) if fmt == "sxpr" else (lambda t: t))
    back = read(readable(text), TEST_HOST)
    assert essentials(back, fmt) == essentials(dom, fmt)
    # the XML of what was read is valid XML that settles too
    xml = format_domain(back, secure=True)
    assert _xml_round_trip(_xml_round_trip(xml)) == _xml_round_trip(xml)
    settled = write(read(readable(write(back, TEST_HOST)), TEST_HOST), TEST_HOST)
    assert write(read(readable(settled), TEST_HOST), TEST_HOST) == settled


@examples(100)
@given(domain_xml(fmt="xl"))
def test_xl_round_trip(doc: str) -> None:
    _native_round_trip("xl", xl.read, xl.write, doc)


@examples(100)
@given(domain_xml(fmt="xm"))
def test_xm_round_trip(doc: str) -> None:
    _native_round_trip("xm", xm.read, xm.write, doc)


@examples(100)
@given(domain_xml(fmt="sxpr"))
def test_sxpr_round_trip(doc: str) -> None:
    _native_round_trip("sxpr", sxpr.read, sxpr.write, doc)


@examples(60)
@given(domain_xml())
def test_every_generated_domain_has_a_libxl_config(doc: str) -> None:
    """What start hands to libxl is built for every valid domain, unless
    libvirt's driver refuses a disk driver and format libxl cannot combine."""
    dom = parse_domain_xml(doc, TEST_HOST)
    try:
        config = libxl_json.write(dom, TEST_HOST)
    except InternalError as err:
        assert str(err).startswith("internal error: libxenlight does not support disk format")
        return
    assert json.loads(config)["c_info"]["name"] == dom.name
