"""pci entries, both ways; expectations checked against libvirt 11.3.0 (lvconv)."""

from __future__ import annotations

from typing import Optional, Tuple

import pytest

from xenvirsh.errors import InternalError
from xenvirsh.formats import virconf
from xenvirsh.formats.xen.pci import format_pci_list, parse_pci
from xenvirsh.model.domain import Domain, Hostdev, PCIAddress


@pytest.mark.parametrize("entry, address, filtering", [
    ("01:00.0", (0, 1, 0, 0), None),
    ("0001:0a:1f.7", (1, 10, 31, 7), None),
    ("0x01:0x00.0x1", (0, 1, 0, 1), None),
    ("-1:00.0", (0, 0xFFFFFFFF, 0, 0), None),
    ("01:00.0,permissive=1", (0, 1, 0, 0), False),
    ("01:00.0,permissive=0", (0, 1, 0, 0), True),
    ("01:00.0,permissive=2,msitranslate=1", (0, 1, 0, 0), False),
    ("01:00.0,", (0, 1, 0, 0), None),
])
def test_parse(entry: str, address: Tuple[int, int, int, int],
               filtering: Optional[bool]) -> None:
    hostdev = parse_pci(entry)
    assert hostdev.pci is not None and not hostdev.managed
    pci = hostdev.pci
    assert (pci.domain, pci.bus, pci.slot, pci.function) == address
    assert hostdev.write_filtering is filtering


@pytest.mark.parametrize("entry, message", [
    ("01:00", "Malformed PCI address 00"),
    ("01:00.0,,permissive=1", "Malformed PCI options ,permissive=1"),
    ("01:00.0,rdm_policy", "Malformed PCI options rdm_policy"),
    ("01", "invalid PCI address '01': no slot"),
    ("", "invalid PCI bus '' in ''"),
    ("zz:00.0", "invalid PCI bus 'zz' in 'zz:00.0'"),
    ("1:2:3:4.5", "invalid PCI slot '3:4' in '1:2:3:4.5'"),
    ("01:00.0@5", "invalid PCI function '0@5' in '01:00.0@5'"),
    ("01:00.0,permissive=x", "invalid PCI option 'permissive=x' in '01:00.0,permissive=x'"),
])
def test_parse_errors(entry: str, message: str) -> None:
    with pytest.raises(InternalError) as err:
        parse_pci(entry)
    assert str(err.value) == f"internal error: {message}"


def test_format() -> None:
    dom = Domain()
    dom.devices.hostdevs = [
        Hostdev(pci=PCIAddress(0, 1, 0x1a, 1)),
        Hostdev(type="usb"),
        Hostdev(pci=PCIAddress(0, 2, 0, 0), write_filtering=False),
        Hostdev(pci=PCIAddress(1, 2, 3, 4), write_filtering=True),
    ]
    conf = virconf.Conf()
    format_pci_list(conf, dom)
    assert conf.dumps() == (
        'pci = [ "0000:01:1a.1", "0000:02:00.0,permissive=1", "0001:02:03.4,permissive=0" ]\n'
    )
