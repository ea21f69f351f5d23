"""parallel and serial keys, both ways; checked against libvirt 11.3.0 (lvconv)."""

from __future__ import annotations

from typing import List, Tuple

import pytest

from xenvirsh.errors import ConfigSyntaxError, ConfigUnsupported, InternalError
from xenvirsh.formats import virconf
from xenvirsh.formats.xen.serial import format_serials, parse_serials
from xenvirsh.model.domain import ChrDevice, ChrSource, Domain


def _dom(hvm: bool = True) -> Domain:
    dom = Domain()
    dom.os.type = "hvm" if hvm else "xen"
    return dom


def _parsed(text: str, dialect: str = "xl", hvm: bool = True) -> Domain:
    dom = _dom(hvm)
    parse_serials(virconf.parse(text, dialect=dialect), dom, dialect)
    return dom


def _ports(devices: List[ChrDevice]) -> List[Tuple[str, int]]:
    return [(d.source.type, d.target_port) for d in devices]


@pytest.mark.parametrize("text, serials, parallels", [
    ('serial = "pty"', [("pty", 0)], []),
    ('serial = "none"\nparallel = "none"', [], []),
    ('serial = [ "none", "pty", "none", "file:/x" ]', [("pty", 1), ("file", 3)], []),
    ("serial = [ ]", [], []),
    ('parallel = "tcp:1.2.3.4:99"', [], [("tcp", 0)]),
    ('serial = "pty"\nserial = "null"', [("pty", 0)], []),
])
def test_parse(text: str, serials: List[Tuple[str, int]],
               parallels: List[Tuple[str, int]]) -> None:
    dom = _parsed(text)
    assert (_ports(dom.devices.serials), _ports(dom.devices.parallels)) == (serials, parallels)


def test_pv_gets_a_xen_console_only() -> None:
    dom = _parsed('serial = "pty"\nparallel = "pty"', hvm=False)
    assert dom.devices.serials == [] and dom.devices.parallels == []
    assert [(c.device, c.source.type, c.target_type, c.target_port)
            for c in dom.devices.consoles] == [("console", "pty", "xen", 0)]


@pytest.mark.parametrize("text, dialect, kind, message", [
    ('serial = [ "pty" ]', "xm", ConfigUnsupported,
     "unsupported configuration: Multiple serial devices are not supported by xen-xm"),
    ("serial = [ ]", "xm", ConfigUnsupported,
     "unsupported configuration: Multiple serial devices are not supported by xen-xm"),
    ('serial = ""', "xl", InternalError, "internal error: unknown chr device type ''"),
    ("serial = 1", "xl", InternalError,
     "internal error: memory conf: expected a string for 'serial' parameter"),
    ('serial = [ "pty", 1 ]', "xl", ConfigSyntaxError,
     "configuration file syntax error: memory conf: expected a string list for 'serial' "
     "parameter"),
])
def test_parse_errors(text: str, dialect: str, kind: type, message: str) -> None:
    with pytest.raises(kind) as err:
        _parsed(text, dialect)
    assert str(err.value) == message


def _formatted(serials: List[ChrDevice], dialect: str = "xl") -> str:
    dom = _dom()
    dom.devices.serials = serials
    conf = virconf.Conf()
    format_serials(conf, dom, dialect)
    return conf.dumps()


def _serial(port: int, kind: str = "pty") -> ChrDevice:
    return ChrDevice(source=ChrSource(type=kind), target_port=port)


def test_format() -> None:
    assert _formatted([]) == 'parallel = "none"\nserial = "none"\n'
    assert _formatted([_serial(0)]) == 'parallel = "none"\nserial = "pty"\n'
    assert _formatted([_serial(1)]) == 'parallel = "none"\nserial = [ "none", "pty" ]\n'
    assert _formatted([_serial(2, "null"), _serial(0)]) == (
        'parallel = "none"\nserial = [ "pty", "none", "null" ]\n'
    )
    with pytest.raises(ConfigUnsupported):
        _formatted([_serial(0), _serial(1)], "xm")


def test_format_pv_writes_nothing() -> None:
    dom = _dom(hvm=False)
    dom.devices.serials = [_serial(0)]
    conf = virconf.Conf()
    format_serials(conf, dom, "xl")
    assert conf.dumps() == ""
