"""``<hostdev>`` in domain XML (libvirt's ``virDomainHostdevDefParseXML``
and ``virDomainHostdevDefFormat``)."""

from __future__ import annotations

from typing import List, Optional, Tuple

from xenvirsh.errors import ConfigUnsupported, InternalError, XMLError
from xenvirsh.formats.domxml import props
from xenvirsh.formats.domxml.devinfo import (
    pci_attrs,
    read_device_info,
    read_pci_address,
    write_device_info,
)
from xenvirsh.formats.domxml.disk import read_auth, read_net_host, write_auth
from xenvirsh.formats.domxml.props import Element, child_text
from xenvirsh.formats.domxml.xmlout import Out, onoff, yesno
from xenvirsh.model import enums
from xenvirsh.model.domain import Hostdev, HostdevSCSI, PCIAddress
from xenvirsh.model.ids import parse_uuid

_CAPS_SOURCES = {"storage": "block", "misc": "char", "net": "interface"}
_CAPS_MISSING = {"storage": "Missing <block> element in hostdev storage device",
                 "misc": "Missing <char> element in hostdev character device",
                 "net": "Missing <interface> element in hostdev net device"}


def read_hostdev(el: Element) -> Hostdev:
    mode = props.enum(el, "mode", enums.HOSTDEV_MODES) or "subsystem"
    hostdev = Hostdev(mode=mode)
    if mode == "capabilities":
        kind = props.enum(el, "type", enums.HOSTDEV_CAPS_TYPES, required=True)
        assert kind is not None
        hostdev.type = kind
        if el.find("source") is None:
            raise XMLError("Missing <source> element in hostdev device")
        hostdev.caps_source = child_text(el, f"source/{_CAPS_SOURCES[kind]}")
        if hostdev.caps_source is None:
            raise XMLError(_CAPS_MISSING[kind])
    else:
        kind = props.enum(el, "type", enums.HOSTDEV_SUBSYS_TYPES, required=True)
        assert kind is not None
        read_subsys(el, kind, hostdev)
    hostdev.info = read_device_info(el, allow_boot=True, allow_rom=True)
    if kind == "scsi":
        hostdev.readonly = el.find("readonly") is not None
        hostdev.shareable = el.find("shareable") is not None
    hostdev.teaming_type, hostdev.teaming_persistent = read_teaming(el)
    return hostdev


def read_teaming(el: Element) -> Tuple[Optional[str], Optional[str]]:
    """virDomainNetTeamingInfoParseXML: (type, persistent)."""
    node = el.find("teaming")
    kind = node.get("type") or None if node is not None else None
    persistent = node.get("persistent") or None if node is not None else None
    if kind is None and persistent is None:
        return None, None
    if kind not in enums.NET_TEAMING_TYPES or kind == "none":
        raise ConfigUnsupported(f"unknown teaming type '{kind or '(null)'}'")
    return kind, persistent


def read_subsys(el: Element, kind: str, hostdev: Hostdev) -> None:
    """virDomainHostdevDefParseXMLSubsys, shared with <interface type='hostdev'>."""
    hostdev.type = kind
    try:
        hostdev.managed = props.tristate(el, "managed") is True
    except XMLError:
        hostdev.managed = False  # libvirt ignores a bad managed attribute
    model = el.get("model")
    source = el.find("source")
    if source is None:
        raise XMLError("Missing <source> element in hostdev device")
    if kind != "usb" and source.get("startupPolicy") is not None:
        raise ConfigUnsupported("Setting startupPolicy is only allowed for USB devices")
    sgio = props.enum(el, "sgio", enums.DEVICE_SGIO, nonzero=True)
    if sgio is not None and kind != "scsi":
        raise XMLError("sgio is only supported for scsi host device")
    rawio = props.tristate(el, "rawio")
    if rawio is not None and kind != "scsi":
        raise XMLError("rawio is only supported for scsi host device")
    if kind in ("scsi", "scsi_host"):
        hostdev.scsi = HostdevSCSI(sgio=sgio, rawio=rawio)
    if kind not in ("mdev", "scsi_host") and model is not None:
        raise XMLError(f"'model' attribute in <hostdev> is only supported when type='{kind}'")
    if kind == "scsi_host":
        assert hostdev.scsi is not None
        vhost_model = props.enum(el, "model", enums.SCSI_VHOST_MODELS)
        hostdev.scsi.vhost_model = vhost_model if vhost_model != "default" else None
    elif kind == "mdev":
        hostdev.mdev_model = props.enum(el, "model", enums.MDEV_MODELS, required=True)
        hostdev.display = props.switch(el, "display")
        hostdev.ramfb = props.switch(el, "ramfb")
    elif kind == "pci":
        hostdev.display = props.switch(el, "display")
        hostdev.ramfb = props.switch(el, "ramfb")
    if kind == "pci":
        hostdev.write_filtering = props.tristate(source, "writeFiltering")
        address = source.find("address")
        hostdev.pci = read_pci_address(address) if address is not None else None
        driver = el.find("driver")
        if driver is not None:
            hostdev.driver_name = props.enum(driver, "name", enums.HOSTDEV_PCI_DRIVERS,
                                             nonzero=True)
            hostdev.driver_model = driver.get("model")
    elif kind == "usb":
        _read_usb(source, hostdev)
    elif kind == "scsi":
        assert hostdev.scsi is not None
        _read_scsi(source, hostdev.scsi)
    elif kind == "scsi_host":
        assert hostdev.scsi is not None
        _read_vhost(source, hostdev.scsi)
    else:
        _read_mdev(el, hostdev)


def _read_usb(source: Element, hostdev: Hostdev) -> None:
    hostdev.startup_policy = props.enum(source, "startupPolicy", enums.STARTUP_POLICIES,
                                        nonzero=True)
    props.tristate(source, "autoAddress")  # only checked: inactive XML drops it
    hostdev.usb_guest_reset = props.enum(source, "guestReset", enums.USB_GUEST_RESETS,
                                         nonzero=True)
    vendor = source.find("vendor")
    product = source.find("product")
    if vendor is not None:
        hostdev.usb_vendor = props.uint(vendor, "id", base=0, required=True, nonzero=True)
        if product is None:
            raise InternalError("missing product")
    if product is not None:
        hostdev.usb_product = props.uint(product, "id", base=0, required=True)
        if vendor is None:
            raise InternalError("missing vendor")
    address = source.find("address")
    if address is not None:
        hostdev.usb_bus = props.uint(address, "bus", base=0, required=True) or 0
        hostdev.usb_device = props.uint(address, "device", base=0, required=True) or 0


def _read_scsi(source: Element, scsi: HostdevSCSI) -> None:
    protocol = props.enum(source, "protocol", enums.HOSTDEV_SCSI_PROTOCOLS)
    if protocol == "iscsi":
        _read_iscsi(source, scsi)
        return
    address = source.find("address")
    if address is None:
        raise XMLError("'address' must be specified for scsi hostdev source")
    scsi.bus = props.uint(address, "bus", base=0, required=True) or 0
    scsi.target = props.uint(address, "target", base=0, required=True) or 0
    scsi.unit = props.uint(address, "unit", base=0, required=True, bits=64) or 0
    adapter = source.find("adapter")
    scsi.adapter = adapter.get("name") or None if adapter is not None else None
    if scsi.adapter is None:
        raise XMLError("'adapter' name must be specified for scsi hostdev source")


def _read_iscsi(source: Element, scsi: HostdevSCSI) -> None:
    scsi.iscsi_name = source.get("name")
    if scsi.iscsi_name is None:
        raise XMLError("missing iSCSI hostdev source path name")
    hosts = [read_net_host(h) for h in source.findall("host")]
    if not hosts:
        raise XMLError("missing the host address for the iSCSI hostdev")
    if len(hosts) > 1:
        raise XMLError("only one source host address may be specified for the iSCSI hostdev")
    scsi.iscsi_host = hosts[0]
    auth = source.find("auth")
    if auth is not None:
        scsi.iscsi_auth = read_auth(auth)
        secret_type = scsi.iscsi_auth.secret_type
        if secret_type not in enums.SECRET_USAGES:
            raise ConfigUnsupported(f"invalid secret type {secret_type or '(null)'}")
        if secret_type != "iscsi":
            raise InternalError(f"hostdev invalid secret type '{secret_type}'")
    iqn = source.find("initiator/iqn")
    scsi.iscsi_initiator = iqn.get("name") or None if iqn is not None else None


def _read_vhost(source: Element, scsi: HostdevSCSI) -> None:
    protocol = props.enum(source, "protocol", enums.SCSI_HOST_PROTOCOLS, required=True,
                          nonzero=True)
    assert protocol == "vhost"
    wwpn = source.get("wwpn")
    if wwpn is None:
        raise XMLError("missing vhost-scsi hostdev source wwpn")
    if not wwpn.startswith("naa.") or not valid_wwn(wwpn[4:]):
        raise XMLError("malformed 'wwpn' value")
    scsi.vhost_wwpn = wwpn


def valid_wwn(wwn: str) -> bool:
    """virValidateWWN without its error: 16 hex digits, maybe after '0x'."""
    digits = wwn[2:] if wwn[:2] in ("0x", "0X") else wwn
    return len(digits) == 16 and all(c in "0123456789abcdefABCDEF" for c in digits)


def _read_mdev(el: Element, hostdev: Hostdev) -> None:
    address = el.find("source/address")
    if address is None:
        raise ConfigUnsupported("Missing <address> element")
    uuid = address.get("uuid")
    if uuid is None:
        raise ConfigUnsupported("Missing 'uuid' attribute for element <address>")
    hostdev.mdev_uuid = parse_uuid(uuid)
    if hostdev.mdev_uuid is None:
        raise InternalError("Cannot parse uuid attribute of element <address>")


# --- writing ----------------------------------------------------------------------


def write_hostdev(out: Out, hostdev: Hostdev) -> None:
    attrs: List[Tuple[str, Optional[object]]] = [("mode", hostdev.mode),
                                                  ("type", hostdev.type)]
    if hostdev.mode == "subsystem":
        attrs.append(("managed", "yes" if hostdev.managed else "no"))
        scsi = hostdev.scsi
        if scsi is not None and hostdev.type == "scsi":
            attrs += [("sgio", scsi.sgio), ("rawio", yesno(scsi.rawio))]
        if scsi is not None and hostdev.type == "scsi_host":
            attrs.append(("model", scsi.vhost_model))
        if hostdev.type == "mdev":
            attrs.append(("model", hostdev.mdev_model))
        if hostdev.type in ("mdev", "pci"):
            attrs += [("display", onoff(hostdev.display)), ("ramfb", onoff(hostdev.ramfb))]
    out.open("hostdev", attrs)
    if hostdev.mode == "subsystem":
        write_subsys(out, hostdev, with_type=False)
    else:
        out.open("source")
        out.text_element(_CAPS_SOURCES[hostdev.type], hostdev.caps_source)
        out.close("source")
    write_teaming(out, hostdev.teaming_type, hostdev.teaming_persistent)
    if hostdev.readonly:
        out.line("<readonly/>")
    if hostdev.shareable:
        out.line("<shareable/>")
    write_device_info(out, hostdev.info, allow_boot=True, allow_rom=True)
    out.close("hostdev")


def write_teaming(out: Out, kind: Optional[str], persistent: Optional[str]) -> None:
    if kind is not None:
        out.empty("teaming", [("type", kind), ("persistent", persistent)])


def write_subsys(out: Out, hostdev: Hostdev, *, with_type: bool) -> None:
    """virDomainHostdevDefFormatSubsys."""
    source = Out()
    attrs: List[Tuple[str, Optional[object]]] = []
    if hostdev.type == "pci":
        out.empty("driver", [("name", hostdev.driver_name), ("model", hostdev.driver_model)])
        attrs.append(("writeFiltering", yesno(hostdev.write_filtering)))
        source.empty("address", [("type", "pci" if with_type else None)]
                     + pci_attrs(hostdev.pci or PCIAddress()))
    elif hostdev.type == "usb":
        attrs += [("startupPolicy", hostdev.startup_policy),
                  ("guestReset", hostdev.usb_guest_reset)]
        if hostdev.usb_vendor:
            source.empty("vendor", [("id", f"0x{hostdev.usb_vendor:04x}")])
            source.empty("product", [("id", f"0x{hostdev.usb_product or 0:04x}")])
        if hostdev.usb_bus or hostdev.usb_device:
            source.empty("address", [("type", "usb" if with_type else None),
                                     ("bus", hostdev.usb_bus),
                                     ("device", hostdev.usb_device)])
    elif hostdev.type == "scsi" and hostdev.scsi is not None:
        _write_scsi(attrs, source, hostdev.scsi, with_type)
    elif hostdev.type == "scsi_host" and hostdev.scsi is not None:
        attrs += [("protocol", "vhost"), ("wwpn", hostdev.scsi.vhost_wwpn)]
    elif hostdev.type == "mdev":
        source.empty("address", [("uuid", hostdev.mdev_uuid)])
    out.element("source", attrs, source)


def _write_scsi(attrs: List[Tuple[str, Optional[object]]], source: Out, scsi: HostdevSCSI,
                with_type: bool) -> None:
    if scsi.iscsi_name is not None:
        attrs += [("protocol", "iscsi"), ("name", scsi.iscsi_name)]
        host = scsi.iscsi_host
        if host is not None:
            source.empty("host", [("name", host.name), ("port", host.port or None)],
                         always=True)
        if scsi.iscsi_auth is not None:
            write_auth(source, scsi.iscsi_auth)
        if scsi.iscsi_initiator is not None:
            source.open("initiator")
            source.empty("iqn", [("name", scsi.iscsi_initiator)])
            source.close("initiator")
        return
    source.empty("adapter", [("name", scsi.adapter)], always=True)
    source.empty("address", [("type", "scsi" if with_type else None), ("bus", scsi.bus),
                             ("target", scsi.target), ("unit", scsi.unit)])
