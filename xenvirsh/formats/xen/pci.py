"""The ``pci`` list of xl and xm configs, both ways (libvirt's xenParsePCI and
xenFormatPCI).

An entry is ``[DDDD:]BB:SS.F[,key=value...]`` with hex numbers; of the options
only ``permissive`` is mapped (to ``writeFiltering``). Where libvirt fails
without a message (a number that does not parse, a missing part), the error
here names the entry.
"""

from __future__ import annotations

from typing import List, Optional

from xenvirsh import cnum
from xenvirsh.errors import InternalError
from xenvirsh.formats.virconf import Conf
from xenvirsh.formats.xen.values import get_string_list
from xenvirsh.model.domain import Domain, Hostdev, PCIAddress


def parse_pci_list(conf: Conf) -> List[Hostdev]:
    entries = get_string_list(conf, "pci") or []
    return [parse_pci(entry) for entry in entries]


def _hex(text: Optional[str], what: str, entry: str) -> int:
    number = None if text is None else cnum.to_int(text, 16)
    if number is None:
        raise InternalError(f"invalid PCI {what} '{text or ''}' in '{entry}'")
    return cnum.as_uint(number)


def parse_pci(entry: str) -> Hostdev:
    parts = entry.split(":", 2) if entry else []
    domain = _hex(parts.pop(0), "domain", entry) if len(parts) == 3 else 0
    bus = _hex(parts[0] if parts else None, "bus", entry)
    if len(parts) < 2:
        raise InternalError(f"invalid PCI address '{entry}': no slot")
    slot_text, dot, rest = parts[1].partition(".")
    if not dot:
        raise InternalError(f"Malformed PCI address {parts[1]}")
    slot = _hex(slot_text, "slot", entry)
    function_text, comma, options = rest.partition(",")
    function = _hex(function_text, "function", entry)
    write_filtering = _permissive(options, entry) if comma else None
    return Hostdev(mode="subsystem", type="pci", managed=False,
                   pci=PCIAddress(domain=domain, bus=bus, slot=slot, function=function),
                   write_filtering=write_filtering)


def _permissive(options: str, entry: str) -> Optional[bool]:
    """writeFiltering from the options: permissive=0 keeps filtering, other values drop it."""
    filtering = None
    for option in options.split(",") if options else ():
        key, equals, value = option.partition("=")
        if not equals:
            raise InternalError(f"Malformed PCI options {options}")
        if key == "permissive":
            number = cnum.to_int(value)
            if number is None:
                raise InternalError(f"invalid PCI option '{option}' in '{entry}'")
            filtering = number == 0
    return filtering


def format_pci_list(conf: Conf, dom: Domain) -> None:
    entries = [_format_pci(h) for h in dom.devices.hostdevs
               if h.mode == "subsystem" and h.type == "pci"]
    if entries:
        conf.set("pci", entries)  # type: ignore[arg-type]  # a list of strings


def _format_pci(hostdev: Hostdev) -> str:
    addr = hostdev.pci or PCIAddress()
    permissive = {None: "", True: ",permissive=0", False: ",permissive=1"}
    return (f"{addr.domain:04x}:{addr.bus:02x}:{addr.slot:02x}.{addr.function:x}"
            f"{permissive[hostdev.write_filtering]}")
