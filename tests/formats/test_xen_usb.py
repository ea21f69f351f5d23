"""usbdevice, usbdev and usbctrl, both ways; checked against libvirt 11.3.0 (lvconv)."""

from __future__ import annotations

from typing import List, Optional, Tuple

import pytest

from xenvirsh.errors import ConfigUnsupported, InternalError
from xenvirsh.formats import virconf
from xenvirsh.formats.xen import usb
from xenvirsh.model.domain import Controller, Domain, Hostdev, Input


def _hvm() -> Domain:
    dom = Domain()
    dom.os.type = "hvm"
    return dom


def _conf(text: str) -> virconf.Conf:
    return virconf.parse(text, dialect="xl")


@pytest.mark.parametrize("text, types", [
    ('usbdevice = "tablet"', ["tablet"]),
    ('usbdevice = [ "mouse", "bogus", "keyboard" ]', ["mouse", "keyboard"]),
    ('usbdevice = "tablet,mouse"', []),
    ("usbdevice = [ ]", []),
])
def test_parse_xl_inputs(text: str, types: List[str]) -> None:
    dom = _hvm()
    usb.parse_xl_inputs(_conf(text), dom)
    assert [(i.type, i.bus) for i in dom.devices.inputs] == [(t, "usb") for t in types]


@pytest.mark.parametrize("text", ["usbdevice = 1", 'usbdevice = [ "mouse", [ "tablet" ] ]'])
def test_parse_xl_inputs_malformed(text: str) -> None:
    with pytest.raises(InternalError, match="^internal error: config value usbdevice was "
                                            "malformed$"):
        usb.parse_xl_inputs(_conf(text), _hvm())


def test_parse_xm_inputs() -> None:
    dom = _hvm()
    usb.parse_xm_inputs(_conf('usbdevice = "mouse"'), dom)
    assert [(i.type, i.bus) for i in dom.devices.inputs] == [("mouse", "usb")]
    with pytest.raises(InternalError, match="expected a string for 'usbdevice' parameter"):
        usb.parse_xm_inputs(_conf('usbdevice = [ "mouse" ]'), _hvm())


def _inputs(*specs: Tuple[str, str]) -> Domain:
    dom = _hvm()
    dom.devices.inputs = [Input(type=t, bus=b) for t, b in specs]
    return dom


def test_format_inputs() -> None:
    dom = _inputs(("mouse", "ps2"), ("passthrough", "usb"), ("tablet", "usb"),
                  ("keyboard", "usb"))
    xl_conf, xm_conf = virconf.Conf(), virconf.Conf()
    usb.format_xl_inputs(xl_conf, dom)
    usb.format_xm_inputs(xm_conf, dom)
    assert xl_conf.dumps() == 'usb = 1\nusbdevice = [ "tablet", "keyboard" ]\n'
    assert xm_conf.dumps() == 'usb = 1\nusbdevice = "tablet"\n'
    single = virconf.Conf()
    usb.format_xl_inputs(single, _inputs(("mouse", "usb")))
    assert single.dumps() == 'usb = 1\nusbdevice = "mouse"\n'


@pytest.mark.parametrize("entry, address", [
    ("hostbus=1,hostaddr=3", (1, 3)),
    ("hostbus=10,hostaddr=1f", (16, 31)),  # hexadecimal, unlike xl itself
    ("type=hostdev,hostbus=2, ,hostaddr=4", (2, 4)),
    ("hostbus=1,bogus,hostaddr=3", (1, 3)),
    ("hostbus=x,hostaddr=3", None),
    ("hostbus=1,hostaddr=3,", None),
    ("bogus", None),
])
def test_parse_usbdev(entry: str, address: Optional[Tuple[int, int]]) -> None:
    dom = _hvm()
    usb.parse_usbdevs(_conf(f'usbdev = [ "{entry}" ]'), dom)
    found = [(h.usb_bus, h.usb_device) for h in dom.devices.hostdevs if h.type == "usb"]
    assert found == ([] if address is None else [address])


def test_parse_usbdev_needs_both_numbers() -> None:
    with pytest.raises(InternalError) as err:
        usb.parse_usbdevs(_conf('usbdev = [ "hostbus=1" ]'), _hvm())
    assert str(err.value) == "internal error: usbdev 'hostbus=1' needs both hostbus= and hostaddr="


@pytest.mark.parametrize("entry, controller", [
    ("type=qusb,version=2,ports=6", ("qusb2", 6)),
    ("type=qusb,version=1,ports=f", ("qusb1", 15)),
    ("version=3,ports=10", ("qusb2", 16)),
    ("type=qusb", ("qusb2", 8)),
    ("type=pv,version=2", None),
    ("type=qusb,ports=x", None),
])
def test_parse_usbctrl(entry: str, controller: Optional[Tuple[str, int]]) -> None:
    dom = _hvm()
    usb.parse_usbctrls(_conf(f'usbctrl = [ "{entry}" ]'), dom)
    found = [(c.model, c.ports) for c in dom.devices.controllers]
    assert found == ([] if controller is None else [controller])


def test_format_usbdev_and_usbctrl() -> None:
    dom = _hvm()
    dom.devices.hostdevs = [Hostdev(type="usb", usb_bus=17, usb_device=255), Hostdev()]
    dom.devices.controllers = [Controller(type="xenbus"), Controller(type="usb", model="qusb1",
                                                                     ports=31),
                               Controller(type="usb", model="qusb2")]
    conf = virconf.Conf()
    usb.format_usbdevs(conf, dom)
    usb.format_usbctrls(conf, dom)
    assert conf.dumps() == (
        'usbdev = [ "hostbus=11,hostaddr=ff" ]\n'
        'usbctrl = [ "type=qusb,version=1,ports=1f", "type=qusb,version=2," ]\n'
    )
    dom.devices.controllers = [Controller(type="usb", model="piix3-uhci")]
    with pytest.raises(ConfigUnsupported):
        usb.format_usbctrls(virconf.Conf(), dom)
