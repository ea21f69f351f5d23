"""Character devices in domain XML: <serial>, <parallel>, <console>,
<channel>, and the host-side source that RNG, smartcard and redirected USB
devices share with them (libvirt's ``virDomainChrDefParseXML``,
``virDomainChrSourceDefParseXML`` and their formatters)."""

from __future__ import annotations

from typing import List, Optional, Tuple

from xenvirsh import cnum
from xenvirsh.errors import ConfigUnsupported, XMLError
from xenvirsh.formats.domxml import props
from xenvirsh.formats.domxml.devinfo import read_device_info, write_device_info
from xenvirsh.formats.domxml.disk import (
    read_device_seclabels,
    read_reconnect,
    write_device_seclabels,
    write_reconnect,
)
from xenvirsh.formats.domxml.ipaddr import require_ip
from xenvirsh.formats.domxml.props import Element
from xenvirsh.formats.domxml.xmlout import Out, onoff, yesno
from xenvirsh.model import enums
from xenvirsh.model.domain import ChrDevice, ChrSource

_UINT = 2**32


def read_chr(el: Element, device: str) -> ChrDevice:
    chr_dev = ChrDevice(device=device)
    chr_type = el.get("type")
    if chr_type is not None:
        if chr_type not in enums.CHR_TYPES:
            raise ConfigUnsupported(
                f"unknown type presented to host for character device: {chr_type}"
            )
        chr_dev.source.type = chr_type
    target = el.find("target")
    if target is not None:
        _read_target(target, chr_dev)
    elif device == "channel":
        raise XMLError("target type must be specified for channel device")
    elif device in ("console", "serial"):
        chr_dev.target_type = "none"
    read_chr_source(el, chr_dev.source, with_seclabels=True)
    if chr_dev.source.type == "spicevmc" and chr_dev.target_type != "virtio":
        raise ConfigUnsupported("spicevmc device type only supports virtio")
    chr_dev.info = read_device_info(el)
    if (device == "serial" and chr_dev.target_type == "usb-serial"
            and chr_dev.info.address_type not in (None, "usb")):
        raise ConfigUnsupported("usb-serial requires address of usb type")
    return chr_dev


def _read_target(el: Element, chr_dev: ChrDevice) -> None:
    target_type = el.get("type")
    table = enums.CHR_TARGET_TYPES.get(chr_dev.device)
    if table is not None:
        if target_type is None:
            if chr_dev.device == "channel":
                # libvirt reports the missing type, then overrides it with this
                raise ConfigUnsupported(
                    "unknown target type '(null)' specified for character device")
            target_type = "none"
        elif target_type not in table:
            raise ConfigUnsupported(
                f"unknown target type '{target_type}' specified for character device"
            )
        chr_dev.target_type = target_type
    model_el = el.find("model")
    model = model_el.get("name") or None if model_el is not None else None
    if model is not None and chr_dev.device == "serial":
        if model not in enums.CHR_SERIAL_TARGET_MODELS:
            raise ConfigUnsupported(
                f"unknown target model '{model}' specified for character device"
            )
        chr_dev.target_model = model
    if chr_dev.device == "channel":
        if target_type in ("xen", "virtio"):
            chr_dev.target_name = el.get("name")
        elif target_type == "guestfwd":
            _read_guestfwd(el, chr_dev)
        return
    port = el.get("port")
    if port is None:
        chr_dev.target_port = -1
        return
    value = cnum.to_uint(port)
    if value is None:
        raise XMLError(f"Invalid port number: {port}")
    # libvirt keeps the port in a C int: "-1" (UINT_MAX) means "pick one"
    chr_dev.target_port = value - _UINT if value >= 2**31 else value


def _read_guestfwd(el: Element, chr_dev: ChrDevice) -> None:
    address = el.get("address")
    if address is None:
        raise XMLError("guestfwd channel does not define a target address")
    family, text = require_ip(address)
    if family != "ipv4":
        raise ConfigUnsupported("guestfwd channel only supports IPv4 addresses")
    port = props.uint(el, "port", required=True)
    chr_dev.target_address = text
    chr_dev.target_address_port = (port or 0) & 0xFFFF


def read_chr_source(el: Element, src: ChrSource, *, with_seclabels: bool = False) -> None:
    """The <source>, <log> and <protocol> children of ``el``."""
    sources = el.findall("source")
    if len(sources) > 1 and src.type != "udp":
        raise XMLError("only one source element is allowed for character device")
    if len(sources) > 2:
        raise XMLError("only two source elements are allowed for character device")
    if sources:
        _read_source(sources, src)
        if with_seclabels:
            src.seclabels = read_device_seclabels(sources[0])
    logs = el.findall("log")
    if len(logs) > 1:
        raise XMLError("only one log element is allowed for character device")
    if logs:
        src.log_file = logs[0].get("file")
        src.log_append = props.switch(logs[0], "append")
    protocols = el.findall("protocol")
    if len(protocols) > 1:
        raise XMLError("only one protocol element is allowed for character device")
    if protocols and src.type == "tcp":
        src.protocol = props.enum(protocols[0], "type", enums.CHR_TCP_PROTOCOLS) or "raw"


def _read_source(sources: List[Element], src: ChrSource) -> None:
    first = sources[0]
    kind = src.type
    if kind == "file":
        src.path = first.get("path")
        src.append = props.switch(first, "append")
    elif kind in ("dev", "pipe"):
        src.path = first.get("path")
    elif kind == "unix":
        src.listen = _mode(first) == "bind"
        src.path = first.get("path")
        src.reconnect = read_reconnect(first)
    elif kind == "udp":
        for source in sources:
            _read_udp(source, src)
    elif kind == "tcp":
        src.listen = _mode(first) == "bind"
        src.host = first.get("host")
        src.service = first.get("service")
        src.tls = props.tristate(first, "tls")
        src.reconnect = read_reconnect(first)
    elif kind in ("spiceport", "dbus"):
        src.channel = first.get("channel")
    elif kind == "nmdm":
        src.master = first.get("master")
        src.slave = first.get("slave")
    elif kind == "qemu-vdagent":
        clipboard = first.find("clipboard")
        if clipboard is not None:
            src.vdagent_copypaste = props.tristate(clipboard, "copypaste", required=True)
        mouse = first.find("mouse")
        if mouse is not None:
            src.vdagent_mouse = props.enum(mouse, "mode", enums.MOUSE_MODES, required=True,
                                           nonzero=True)


def _mode(source: Element) -> str:
    return props.enum(source, "mode", enums.CHR_SOURCE_MODES) or "connect"


def _read_udp(source: Element, src: ChrSource) -> None:
    mode = _mode(source)
    if mode == "connect" and src.connect_host is None and src.connect_service is None:
        src.connect_host = source.get("host")
        src.connect_service = source.get("service")
    elif mode == "bind" and src.bind_host is None and src.bind_service is None:
        src.bind_host = source.get("host")
        src.bind_service = source.get("service")


# --- writing ----------------------------------------------------------------------


def write_chr(out: Out, chr_dev: ChrDevice, *, inactive: bool) -> None:
    src = chr_dev.source
    attrs: List[Tuple[str, Optional[object]]] = [("type", src.type)]
    # the legacy <console tty='...'> attribute, kept for live domains
    if (chr_dev.device == "console" and chr_dev.target_port == 0 and src.type == "pty"
            and not inactive and src.path):
        attrs.append(("tty", src.path))
    out.open(chr_dev.device, attrs)
    write_chr_source(out, src, inactive=inactive)
    _write_target(out, chr_dev)
    write_device_info(out, chr_dev.info)
    out.close(chr_dev.device)


def write_chr_source(out: Out, src: ChrSource, *, inactive: bool) -> None:
    """virDomainChrSourceDefFormat: the <source>s and <log> of a character device."""
    kind = src.type
    children = Out()
    if kind == "qemu-vdagent":
        children.empty("clipboard", [("copypaste", yesno(src.vdagent_copypaste))])
        children.empty("mouse", [("mode", src.vdagent_mouse)])
        out.element("source", (), children)
    elif kind in ("dev", "file", "pipe") or (kind == "pty" and src.path and not inactive):
        append = onoff(src.append) if kind == "file" else None
        write_device_seclabels(children, src.seclabels)
        out.element("source", [("path", src.path), ("append", append)], children)
    elif kind == "nmdm":
        out.empty("source", [("master", src.master), ("slave", src.slave)])
    elif kind == "udp":
        if src.bind_host is not None or src.bind_service is not None:
            out.empty("source", [("mode", "bind"), ("host", src.bind_host),
                                 ("service", src.bind_service)])
        if src.connect_host is not None or src.connect_service is not None:
            out.empty("source", [("mode", "connect"), ("host", src.connect_host),
                                 ("service", src.connect_service)])
    elif kind == "tcp":
        write_reconnect(children, src.reconnect)
        out.element("source", [("mode", "bind" if src.listen else "connect"),
                               ("host", src.host), ("service", src.service),
                               ("tls", yesno(src.tls))], children)
        out.empty("protocol", [("type", src.protocol)])
    elif kind == "unix" and src.path:
        write_device_seclabels(children, src.seclabels)
        write_reconnect(children, src.reconnect)
        out.element("source", [("mode", "bind" if src.listen else "connect"),
                               ("path", src.path)], children)
    elif kind in ("spiceport", "dbus"):
        out.empty("source", [("channel", src.channel)])
    if src.log_file is not None:
        out.empty("log", [("file", src.log_file), ("append", onoff(src.log_append))])


def _write_target(out: Out, chr_dev: ChrDevice) -> None:
    if chr_dev.device == "channel":
        if chr_dev.target_type == "guestfwd":
            out.empty("target", [("type", "guestfwd"), ("address", chr_dev.target_address),
                                 ("port", chr_dev.target_address_port)])
            return
        name = chr_dev.target_name if chr_dev.target_type in ("xen", "virtio") else None
        out.empty("target", [("type", chr_dev.target_type), ("name", name)])
    elif chr_dev.device == "console":
        out.empty("target", [("type", chr_dev.target_type or "none"),
                             ("port", chr_dev.target_port)])
    elif chr_dev.device == "serial":
        ttype = chr_dev.target_type if chr_dev.target_type not in (None, "none") else None
        attrs = [("type", ttype), ("port", chr_dev.target_port)]
        if chr_dev.target_model not in (None, "none"):
            out.open("target", attrs)
            out.empty("model", [("name", chr_dev.target_model)])
            out.close("target")
        else:
            out.empty("target", attrs)
    else:
        out.empty("target", [("port", chr_dev.target_port)])
