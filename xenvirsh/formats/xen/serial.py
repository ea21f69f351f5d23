"""The ``parallel`` and ``serial`` keys of xl and xm configs, both ways
(libvirt's xenParseCharDev and xenFormatCharDev).

Only HVM guests have them. ``serial`` is one chardev string, or (xl only) a
list with one string per port where ``"none"`` leaves a port empty; a PV or PVH
guest gets its Xen console instead. The chardev strings themselves are
:mod:`xenvirsh.formats.xen.chardev`.
"""

from __future__ import annotations

from typing import List, Optional

from xenvirsh.errors import ConfigUnsupported
from xenvirsh.formats.virconf import Conf, Value
from xenvirsh.formats.xen.chardev import format_chardev, parse_chardev
from xenvirsh.formats.xen.values import get_string, get_string_list
from xenvirsh.limits import check_native_output
from xenvirsh.model.domain import ChrDevice, ChrSource, Domain

_NO_DEVICE = "none"
_XM_MULTIPLE = "Multiple serial devices are not supported by xen-xm"


def parse_serials(conf: Conf, dom: Domain, dialect: str) -> None:
    dev = dom.devices
    if not dom.is_hvm:
        dev.consoles = [ChrDevice(device="console", source=ChrSource(type="pty"),
                                  target_type="xen", target_port=0)]
        return
    parallel = get_string(conf, "parallel")
    if parallel is not None and parallel != _NO_DEVICE:
        dev.parallels = [_device("parallel", parallel, 0)]
    ports = get_string_list(conf, "serial")
    if ports is not None:
        if dialect == "xm":
            raise ConfigUnsupported(_XM_MULTIPLE)
        dev.serials = [_device("serial", text, port) for port, text in enumerate(ports)
                       if text != _NO_DEVICE]
        return
    serial = get_string(conf, "serial")
    if serial is not None and serial != _NO_DEVICE:
        dev.serials = [_device("serial", serial, 0)]


def _device(kind: str, text: str, port: int) -> ChrDevice:
    return ChrDevice(device=kind, source=parse_chardev(text), target_port=port)


def format_serials(conf: Conf, dom: Domain, dialect: str) -> None:
    if not dom.is_hvm:
        return
    dev = dom.devices
    conf.set("parallel", format_chardev(dev.parallels[0].source) if dev.parallels
             else _NO_DEVICE)
    serials = dev.serials
    if len(serials) == 1 and serials[0].target_port == 0:
        conf.set("serial", format_chardev(serials[0].source))
    elif serials:
        if dialect == "xm":
            raise ConfigUnsupported(_XM_MULTIPLE)
        top = max(s.target_port for s in serials)
        check_native_output((top + 1) * len('"none", '))  # the least a port takes
        ports: List[Value] = [_port_text(serials, port) for port in range(top + 1)]
        if ports:
            conf.set("serial", ports)
    else:
        conf.set("serial", _NO_DEVICE)


def _port_text(serials: List[ChrDevice], port: int) -> str:
    found: Optional[ChrDevice] = next((s for s in serials if s.target_port == port), None)
    return _NO_DEVICE if found is None else format_chardev(found.source)
