"""USB settings of xl and xm configs, both ways.

* ``usbdevice`` (HVM): emulated USB ``mouse``, ``tablet`` or ``keyboard`` inputs.
  xl takes a string or a list (libvirt's xenParseXLInputDevs and
  xenFormatXLInputDevs), xm one string (xenParseXMInputDevs, xenFormatXMInputDevs).
  Writing also sets ``usb = 1``.
* ``usbdev`` (xl): host USB devices, ``hostbus=B,hostaddr=A`` (xenParseXLUSB).
* ``usbctrl`` (xl): USB controllers, ``type=qusb,version=V,ports=N``
  (xenParseXLUSBController).

libvirt reads the numbers of ``usbdev`` and ``usbctrl`` as hexadecimal, and it
drops an entry it cannot read without a word; so does this module.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple

from xenvirsh import cnum
from xenvirsh.errors import ConfigUnsupported, InternalError
from xenvirsh.formats.virconf import NULL_STRING, Conf, Value
from xenvirsh.formats.xen.keyvals import walk_items
from xenvirsh.formats.xen.values import get_string, malformed
from xenvirsh.model.domain import Controller, Domain, Hostdev, Input

_INPUT_TYPES = frozenset(("mouse", "tablet", "keyboard"))
_QUSB_VERSIONS = {"qusb1": 1, "qusb2": 2}


def parse_xl_inputs(conf: Conf, dom: Domain) -> None:
    if not dom.is_hvm:
        return
    value = conf.get("usbdevice")
    items = value if isinstance(value, list) else [] if value is None else [value]
    for item in items:
        if not isinstance(item, str):
            raise malformed("usbdevice")
        _add_input(dom, item)


def parse_xm_inputs(conf: Conf, dom: Domain) -> None:
    if not dom.is_hvm:
        return
    value = get_string(conf, "usbdevice")
    if value is not None:
        _add_input(dom, value)


def _add_input(dom: Domain, name: str) -> None:
    # other names (Xen also knew "host:..." devices) are ignored
    if name in _INPUT_TYPES:
        dom.devices.inputs.append(Input(type=name, bus="usb"))


def _usb_inputs(dom: Domain) -> List[Optional[str]]:
    """The names of the USB inputs; None for a type the key cannot name."""
    return [inp.type if inp.type in _INPUT_TYPES else None
            for inp in dom.devices.inputs if inp.bus == "usb"]


def format_xl_inputs(conf: Conf, dom: Domain) -> None:
    if not dom.is_hvm:
        return
    inputs = _usb_inputs(dom)
    if inputs:
        conf.set("usb", 1)
    names: List[Value] = [name for name in inputs if name is not None]
    if len(names) == 1:
        conf.set("usbdevice", names[0])  # the string form that Xen <= 4.2 understands
    elif names:
        conf.set("usbdevice", names)


def format_xm_inputs(conf: Conf, dom: Domain) -> None:
    """``usbdevice`` names the first USB input of a type it can name."""
    if not dom.is_hvm:
        return
    inputs = _usb_inputs(dom)
    if inputs:
        conf.set("usb", 1)
    name = next((name for name in inputs if name is not None), None)
    if name is not None:
        conf.set("usbdevice", name)


def _hex_values(fields: List[str], keys: Tuple[str, ...]) -> Optional[Dict[str, int]]:
    """The ``KEY=HEX`` items for ``keys`` (the last of each wins), or None when a
    value does not parse (libvirt then drops the entry)."""
    found: Dict[str, int] = {}
    for item in fields:
        key, _, value = item.partition("=")
        if key in keys:
            number = cnum.to_int(value, 16)
            if number is None:
                return None
            found[key] = number
    return found


def parse_usbdevs(conf: Conf, dom: Domain) -> None:
    value = conf.get("usbdev")
    for entry in value if isinstance(value, list) else []:
        hostdev = _usbdev(entry) if isinstance(entry, str) else None
        if hostdev is not None:
            dom.devices.hostdevs.append(hostdev)


def _usbdev(entry: str) -> Optional[Hostdev]:
    fields = walk_items(entry)
    found = None if fields is None else _hex_values(fields, ("hostbus", "hostaddr"))
    if found is None:
        return None
    if len(found) < 2:
        # libvirt would use an uninitialised number here
        raise InternalError(f"usbdev '{entry}' needs both hostbus= and hostaddr=")
    return Hostdev(mode="subsystem", type="usb", managed=False,
                   usb_bus=found["hostbus"], usb_device=found["hostaddr"])


def format_usbdevs(conf: Conf, dom: Domain) -> None:
    entries: List[Value] = [
        f"hostbus={cnum.as_uint(h.usb_bus):x},hostaddr={cnum.as_uint(h.usb_device):x}"
        for h in dom.devices.hostdevs if h.mode == "subsystem" and h.type == "usb"
    ]
    if entries:
        conf.set("usbdev", entries)


def parse_usbctrls(conf: Conf, dom: Domain) -> None:
    value = conf.get("usbctrl")
    for entry in value if isinstance(value, list) else []:
        ctrl = _usbctrl(entry) if isinstance(entry, str) else None
        if ctrl is not None:
            dom.devices.controllers.append(ctrl)


def _usbctrl(entry: str) -> Optional[Controller]:
    fields = walk_items(entry)
    if fields is None:
        return None
    # only QEMU-emulated controllers are mapped; others (pv, devicemodel) are dropped
    if any(item.startswith("type=") and not item[5:].startswith("qusb") for item in fields):
        return None
    found = _hex_values(fields, ("version", "ports"))
    if found is None:
        return None
    # USB 2.0 with 8 ports unless told otherwise
    model = "qusb1" if found.get("version", 2) == 1 else "qusb2"
    return Controller(type="usb", model=model, ports=found.get("ports", 8))


def format_usbctrls(conf: Conf, dom: Domain) -> None:
    entries: List[Value] = []
    for ctrl in dom.devices.controllers:
        if ctrl.type != "usb":
            continue
        text = ""
        if ctrl.model is not None:
            version = _QUSB_VERSIONS.get(ctrl.model)
            if version is None:
                # libvirt fails here without a message
                raise ConfigUnsupported(f"USB controller model '{ctrl.model}' has no xl form")
            text = f"type=qusb,version={version},"
        if ctrl.ports is not None:
            text += f"ports={cnum.as_uint(ctrl.ports):x}"
        # an empty description is libvirt's NULL string: an empty list item
        entries.append(text or NULL_STRING)
    if entries:
        conf.set("usbctrl", entries)
