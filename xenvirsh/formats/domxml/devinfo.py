"""What every device element may carry: <boot>, <alias>, <master>, <rom>,
<acpi> and <address> (libvirt's ``virDomainDeviceInfo``)."""

from __future__ import annotations

from typing import List, Optional, Tuple

from xenvirsh import cnum
from xenvirsh.errors import ConfigUnsupported, InternalError, XMLError
from xenvirsh.formats.domxml import props
from xenvirsh.formats.domxml.props import Element
from xenvirsh.formats.domxml.xmlout import Out, onoff, yesno
from xenvirsh.model import enums
from xenvirsh.model.domain import (
    DeviceInfo,
    DriveAddress,
    OtherAddress,
    PCIAddress,
    USBAddress,
)

_USER_ALIAS_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"
)
_USB_PORT_DEPTH = 4  # VIR_DOMAIN_DEVICE_USB_MAX_PORT_DEPTH
_LOADPARM_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789. ")
_INFO_TAGS = frozenset(("alias", "master", "boot", "rom", "acpi", "address"))


def read_device_info(
    el: Element, *, allow_boot: bool = False, allow_rom: bool = False
) -> DeviceInfo:
    """virDomainDeviceInfoParseXML for an inactive definition."""
    info = DeviceInfo()
    found = props.first_children(el, _INFO_TAGS)
    if not found:
        return info
    alias_el = found.get("alias")
    alias = alias_el.get("name") if alias_el is not None else None
    # inactive XML keeps only user aliases ("ua-" and a safe alphabet)
    if alias and alias.startswith("ua-") and set(alias) <= _USER_ALIAS_CHARS:
        info.alias = alias
    master = found.get("master")
    if master is not None:
        info.usb_master_startport = props.uint(master, "startport") or 0
    boot = found.get("boot")
    if allow_boot and boot is not None:
        info.boot_order = props.uint(boot, "order", required=True, nonzero=True)
        loadparm = boot.get("loadparm")
        if loadparm is not None:
            info.boot_loadparm = _loadparm(loadparm)
    rom = found.get("rom")
    if allow_rom and rom is not None:
        info.rom_enabled = props.tristate(rom, "enabled")
        info.rom_bar = props.switch(rom, "bar")
        info.rom_file = rom.get("file")
        if info.rom_enabled is False and (info.rom_bar is not None or info.rom_file):
            raise ConfigUnsupported("ROM tuning is not supported when ROM is disabled")
    acpi = found.get("acpi")
    if acpi is not None:
        info.acpi_index = props.uint(acpi, "index", nonzero=True) or 0
    address = found.get("address")
    if address is not None:
        _read_address(address, info)
    return info


def _loadparm(text: str) -> str:
    """virDomainDeviceLoadparmIsValid on the upper-cased value."""
    upper = "".join(c.upper() if c.isascii() else c for c in text)
    if not upper.strip(cnum.BLANKS) or len(upper.encode()) > 8:
        raise InternalError(f"loadparm value '{upper}' must be between 1 and 8 characters")
    if not set(upper) <= _LOADPARM_CHARS:
        raise InternalError(
            f"invalid loadparm value '{upper}', expecting chars in set of [a-zA-Z0-9.] "
            "and blank spaces"
        )
    return upper


def _read_address(address: Element, info: DeviceInfo) -> None:
    addr_type = props.enum(address, "type", enums.ADDRESS_TYPES, required=True, nonzero=True)
    info.address_type = addr_type
    if addr_type == "pci":
        info.pci = read_pci_address(address)
    elif addr_type == "drive":
        info.drive = DriveAddress(
            controller=props.uint(address, "controller") or 0,
            bus=props.uint(address, "bus") or 0,
            target=props.uint(address, "target") or 0,
            unit=props.uint(address, "unit") or 0,
        )
    elif addr_type == "usb":
        port = address.get("port")
        info.usb = USBAddress(port=_usb_port(port) if port is not None else None)
        info.usb.bus = props.uint(address, "bus") or 0
    elif addr_type == "virtio-s390":
        raise XMLError("virtio-s390 bus doesn't have an address")
    else:
        info.other = _read_other_address(addr_type or "", address)


def _usb_port(text: str) -> Optional[str]:
    """virDomainDeviceUSBAddressParsePort: up to four dot-separated numbers."""
    ports: List[int] = []
    rest = text
    while len(ports) < _USB_PORT_DEPTH:
        head, dot, tail = rest.partition(".")
        value = cnum.to_uint(head, positive=True)
        if value is None:
            break
        ports.append(value)
        if not dot:
            return ".".join(str(p) for p in _until_zero(ports)) or None
        rest = tail
    raise InternalError("Cannot parse <address> 'port' attribute")


def _until_zero(ports: List[int]) -> List[int]:
    """libvirt prints a hub path up to its first zero."""
    out: List[int] = []
    for port in ports:
        if not port:
            break
        out.append(port)
    return out


def _read_other_address(addr_type: str, el: Element) -> OtherAddress:
    addr = OtherAddress()
    if addr_type in ("virtio-serial", "ccid"):
        addr.controller = props.uint(el, "controller") or 0
        if addr_type == "virtio-serial":
            addr.bus = props.uint(el, "bus") or 0
            addr.port = props.uint(el, "port") or 0
        else:
            addr.slot = props.uint(el, "slot") or 0
    elif addr_type == "spapr-vio":
        addr.reg = props.uint(el, "reg", base=16, bits=64) or None
    elif addr_type == "ccw":
        _read_ccw(el, addr)
    elif addr_type == "isa":
        addr.iobase = props.uint(el, "iobase", base=16) or 0
        addr.irq = props.uint(el, "irq", base=16) or 0
    elif addr_type == "dimm":
        addr.slot = props.uint(el, "slot", required=True) or 0
        addr.base = props.uint(el, "base", base=16, bits=64) or 0
    return addr


def _read_ccw(el: Element, addr: OtherAddress) -> None:
    addr.cssid = props.uint(el, "cssid", base=0) or 0
    addr.ssid = props.uint(el, "ssid", base=0) or 0
    addr.devno = props.uint(el, "devno", base=0) or 0
    if addr.cssid > 0xFE or addr.ssid > 3 or addr.devno > 0xFFFF:
        raise InternalError(
            "Invalid specification for virtio ccw address: "
            f"cssid='{addr.cssid:#x}' ssid='{addr.ssid:#x}' devno='0x{addr.devno:04x}'"
        )
    given = [el.get(name) is not None for name in ("cssid", "ssid", "devno")]
    if any(given) and not all(given):
        raise InternalError("Invalid partial specification for virtio ccw address")


def read_pci_address(el: Element) -> PCIAddress:
    """virPCIDeviceAddressParseXML."""
    addr = PCIAddress(
        domain=props.uint(el, "domain", base=0) or 0,
        bus=props.uint(el, "bus", base=0) or 0,
        slot=props.uint(el, "slot", base=0) or 0,
        function=props.uint(el, "function", base=0) or 0,
        multifunction=props.switch(el, "multifunction"),
    )
    if not addr.is_empty():
        check_pci_address(addr)
    zpci = el.find("zpci")
    if zpci is not None:
        addr.zpci_uid = props.uint(zpci, "uid", base=0)
        addr.zpci_fid = props.uint(zpci, "fid", base=0)
    return addr


def check_pci_address(addr: PCIAddress) -> None:
    """virPCIDeviceAddressIsValid with its error messages."""
    if addr.bus > 0xFF:
        raise XMLError(f"Invalid PCI address bus='{addr.bus:#x}', must be <= 0xFF")
    if addr.slot > 0x1F:
        raise XMLError(f"Invalid PCI address slot='{addr.slot:#x}', must be <= 0x1F")
    if addr.function > 7:
        raise XMLError(f"Invalid PCI address function={addr.function:#x}, must be <= 7")
    if addr.is_empty():
        raise XMLError(
            "Invalid PCI address 0000:00:00, at least one of domain, bus, or slot must be > 0"
        )


# --- output ----------------------------------------------------------------------


def pci_attrs(addr: PCIAddress) -> List[Tuple[str, Optional[object]]]:
    """domain, bus, slot and function as libvirt prints them."""
    return [
        ("domain", f"0x{addr.domain:04x}"),
        ("bus", f"0x{addr.bus:02x}"),
        ("slot", f"0x{addr.slot:02x}"),
        ("function", f"0x{addr.function}"),
    ]


def write_device_info(
    out: Out, info: DeviceInfo, *, allow_boot: bool = False, allow_rom: bool = False
) -> None:
    """virDomainDeviceInfoFormat."""
    if allow_boot and info.boot_order:
        out.empty("boot", [("order", info.boot_order), ("loadparm", info.boot_loadparm)])
    if info.alias:
        out.empty("alias", [("name", info.alias)])
    if info.usb_master_startport is not None:
        out.empty("master", [("startport", info.usb_master_startport)])
    if allow_rom and (info.rom_enabled is not None or info.rom_bar is not None
                      or info.rom_file is not None):
        out.empty("rom", [("enabled", yesno(info.rom_enabled)), ("bar", onoff(info.rom_bar)),
                          ("file", info.rom_file)], always=True)
    if info.acpi_index:
        out.empty("acpi", [("index", info.acpi_index)])
    if info.address_type is None:
        return
    attrs: List[Tuple[str, Optional[object]]] = [("type", info.address_type)]
    children = Out()
    if info.pci is not None:
        pci = info.pci
        if not pci.is_empty():
            attrs += pci_attrs(pci)
        attrs.append(("multifunction", onoff(pci.multifunction)))
        if pci.zpci_uid is not None or pci.zpci_fid is not None:
            children.empty("zpci", [("uid", f"0x{pci.zpci_uid or 0:04x}"),
                                    ("fid", f"0x{pci.zpci_fid or 0:08x}")])
    elif info.drive is not None:
        drive = info.drive
        attrs += [("controller", drive.controller), ("bus", drive.bus),
                  ("target", drive.target), ("unit", drive.unit)]
    elif info.usb is not None:
        attrs += [("bus", info.usb.bus), ("port", info.usb.port)]
    elif info.other is not None:
        attrs += _other_attrs(info.address_type, info.other)
    out.element("address", attrs, children)


def _other_attrs(addr_type: str, addr: OtherAddress) -> List[Tuple[str, Optional[object]]]:
    if addr_type == "virtio-serial":
        return [("controller", addr.controller), ("bus", addr.bus), ("port", addr.port)]
    if addr_type == "ccid":
        return [("controller", addr.controller), ("slot", addr.slot)]
    if addr_type == "spapr-vio":
        return [("reg", f"0x{addr.reg:08x}" if addr.reg else None)]
    if addr_type == "ccw":
        return [("cssid", f"{addr.cssid:#x}"), ("ssid", f"{addr.ssid:#x}"),
                ("devno", f"0x{addr.devno:04x}")]
    if addr_type == "isa":
        return [("iobase", f"{addr.iobase:#x}" if addr.iobase else None),
                ("irq", f"{addr.irq:#x}" if addr.irq else None)]
    if addr_type == "dimm":
        return [("slot", addr.slot), ("base", f"{addr.base:#x}" if addr.base else None)]
    return []
