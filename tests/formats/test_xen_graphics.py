"""Graphics keys (vnc, sdl, vfb, spice), both ways; checked against libvirt 11.3.0."""

from __future__ import annotations

from typing import Any, Dict

import pytest

from xenvirsh.errors import InternalError
from xenvirsh.formats import virconf
from xenvirsh.formats.xen import graphics
from xenvirsh.model.domain import Domain, Graphics, GraphicsListen


def _dom(hvm: bool) -> Domain:
    dom = Domain()
    dom.os.type = "hvm" if hvm else "xen"
    return dom


def _parsed(text: str, hvm: bool) -> Domain:
    dom = _dom(hvm)
    conf = virconf.parse(text, dialect="xl")
    graphics.parse_vnc_sdl(conf, dom)
    graphics.parse_spice(conf, dom)
    return dom


def _fields(gfx: Graphics, names: Dict[str, Any]) -> Dict[str, Any]:
    return {name: getattr(gfx, name) for name in names}


@pytest.mark.parametrize("text, fields", [
    ("vnc = 1", {"type": "vnc", "autoport": True, "port": 0,
                 "listens": [GraphicsListen("address", None)]}),
    ('vnc = 1\nvncunused = 0\nvncdisplay = 5\nvnclisten = "0.0.0.0"\nvncpasswd = "pw"\n'
     'keymap = "de"', {"autoport": False, "port": 5905, "passwd": "pw", "keymap": "de",
                       "listens": [GraphicsListen("address", "0.0.0.0")]}),
    ("vnc = 1\nvncunused = 0", {"port": 5900}),
    ('sdl = 1\ndisplay = ":0"\nxauthority = "/x"', {"type": "sdl", "display": ":0",
                                                   "xauth": "/x"}),
    ("vnc = 1\nsdl = 1", {"type": "vnc"}),
    ("spice = 1\nvnc = 1\nspicedisable_ticketing = 1",
     {"type": "spice", "autoport": True, "passwd": None, "mouse_mode": "server",
      "copypaste": False}),
    ('spice = 1\nspicehost = "1.2.3.4"\nspiceport = 590\nspicepasswd = "pw"\n'
     "spiceagent_mouse = 1\nspice_clipboard_sharing = 1",
     {"port": 590, "tls_port": 0, "autoport": False, "passwd": "pw", "mouse_mode": "client",
      "copypaste": True, "listens": [GraphicsListen("address", "1.2.3.4")]}),
])
def test_parse_hvm(text: str, fields: Dict[str, Any]) -> None:
    dom = _parsed(text, hvm=True)
    assert len(dom.devices.graphics) == 1
    assert _fields(dom.devices.graphics[0], fields) == fields


def test_hvm_without_graphics_ignores_vfb() -> None:
    assert _parsed('vfb = [ "type=vnc" ]\nspice = 0', hvm=True).devices.graphics == []


@pytest.mark.parametrize("vfb, fields", [
    ("type=vnc,vncunused=1", {"type": "vnc", "autoport": True}),
    ("type=vnc,vncunused=yes", {"autoport": False}),
    ("type=vnc,vncdisplay=3,vnclisten=127.0.0.1,vncpasswd=pw,keymap=fr",
     {"port": 5903, "passwd": "pw", "keymap": "fr",
      "listens": [GraphicsListen("address", "127.0.0.1")]}),
    ("type=vnc,,, \tvncunused=1", {"autoport": True}),
    ("type=vnc,bogus,vncunused=1", {"autoport": False}),  # parsing stops at 'bogus'
    ("vnclisten=1.2.3.4,type=sdl", {"type": "sdl", "listens": []}),
    ("type=sdl,display=:1,xauthority=/a", {"type": "sdl", "display": ":1", "xauth": "/a"}),
    ("", {"type": "vnc", "autoport": False, "listens": [GraphicsListen("address", None)]}),
])
def test_parse_vfb(vfb: str, fields: Dict[str, Any]) -> None:
    dom = _parsed(f'vfb = [ "{vfb}", "type=sdl" ]', hvm=False)
    assert len(dom.devices.graphics) == 1  # only the first entry counts
    assert _fields(dom.devices.graphics[0], fields) == fields


@pytest.mark.parametrize("text, message", [
    ('vfb = [ "vncdisplay=x" ]', "invalid vncdisplay value 'x'"),
    (f'vfb = [ "{"x" * 1024}" ]', f"VFB {'x' * 1024} too big for destination"),
])
def test_parse_vfb_errors(text: str, message: str) -> None:
    with pytest.raises(InternalError) as err:
        _parsed(text, hvm=False)
    assert str(err.value) == f"internal error: {message}"


def test_spice_needs_password_or_no_ticketing() -> None:
    with pytest.raises(InternalError, match="^internal error: config value spicepasswd was "
                                            "missing$"):
        _parsed("spice = 1", hvm=True)


def _formatted(gfx: Graphics, hvm: bool) -> str:
    dom = _dom(hvm)
    dom.devices.graphics = [gfx]
    conf = virconf.Conf()
    graphics.format_vnc_sdl(conf, dom)
    graphics.format_spice(conf, dom)
    return conf.dumps()


def test_format_hvm_vnc() -> None:
    gfx = Graphics(port=5925, listens=[GraphicsListen("address", "::1")], passwd="p",
                   keymap="ja")
    assert _formatted(gfx, True) == (
        'sdl = 0\nvnc = 1\nvncunused = 0\nvncdisplay = 25\nvnclisten = "::1"\n'
        'vncpasswd = "p"\nkeymap = "ja"\n'
    )


def test_format_hvm_sdl() -> None:
    assert _formatted(Graphics(type="sdl", display=":0"), True) == (
        'sdl = 1\nvnc = 0\ndisplay = ":0"\n'
    )


@pytest.mark.parametrize("gfx, vfb", [
    (Graphics(autoport=True), "type=vnc,vncunused=1"),
    (Graphics(port=5901, listens=[GraphicsListen("address", "a")], passwd="p", keymap="k"),
     "type=vnc,vncunused=0,vncdisplay=1,vnclisten=a,vncpasswd=p,keymap=k"),
    (Graphics(port=-2147483648), "type=vnc,vncunused=0,vncdisplay=2147477748"),
    (Graphics(type="sdl", display=":0", xauth="/x"), "type=sdl,display=:0,xauthority=/x"),
])
def test_format_vfb(gfx: Graphics, vfb: str) -> None:
    assert _formatted(gfx, False) == f'vfb = [ "{vfb}" ]\n'


def test_format_spice() -> None:
    gfx = Graphics(type="spice", port=590, tls_port=591, passwd="pw", mouse_mode="client",
                   copypaste=True, listens=[GraphicsListen("address", "127.0.0.1")])
    assert _formatted(gfx, True) == (
        'sdl = 0\nvnc = 0\nspice = 1\nspicehost = "127.0.0.1"\nspiceport = 590\n'
        "spicetls_port = 591\nspicedisable_ticketing = 0\nspicepasswd = \"pw\"\n"
        "spiceagent_mouse = 1\nspicevdagent = 1\nspice_clipboard_sharing = 1\n"
    )
    assert _formatted(Graphics(type="spice", mouse_mode="server"), True) == (
        "sdl = 0\nvnc = 0\nspice = 1\nspiceport = 0\nspicetls_port = 0\n"
        "spicedisable_ticketing = 1\nspiceagent_mouse = 0\n"
    )


def test_format_skips_several_graphics() -> None:
    dom = _dom(True)
    dom.devices.graphics = [Graphics(), Graphics(type="sdl")]
    conf = virconf.Conf()
    graphics.format_vnc_sdl(conf, dom)
    assert conf.dumps() == ""
