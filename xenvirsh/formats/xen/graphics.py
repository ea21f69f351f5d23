"""Graphics keys of xl and xm configs, both ways.

* VNC and SDL (libvirt's xenParseVfb and xenFormatVfb, shared by xl and xm):
  HVM guests use the top-level ``vnc``, ``vncunused``, ``vncdisplay``,
  ``vnclisten``, ``vncpasswd``, ``keymap``, ``sdl``, ``display`` and
  ``xauthority`` keys; PV and PVH guests use the first ``vfb`` entry.
* SPICE (xenParseXLSpice and xenFormatXLSpice, xl only, HVM only).
"""

from __future__ import annotations

from typing import List, Optional

from xenvirsh import cnum
from xenvirsh.errors import InternalError
from xenvirsh.formats.virconf import Conf
from xenvirsh.formats.xen.values import (
    get_bool,
    get_string,
    get_string_list,
    get_ulong,
    require_string,
)
from xenvirsh.model.domain import Domain, Graphics, GraphicsListen

VNC_BASE_PORT = 5900
# libvirt copies the first vfb entry into a buffer of this size
_MAX_VFB = 1024
_VFB_SEPARATORS = ", \t"


def _add_listen(gfx: Graphics, address: Optional[str]) -> None:
    gfx.listens.append(GraphicsListen(type="address", address=address))


def parse_vnc_sdl(conf: Conf, dom: Domain) -> None:
    if dom.is_hvm:
        gfx = _parse_hvm_graphics(conf)
        if gfx is not None:
            dom.devices.graphics = [gfx]
        return
    vfbs = get_string_list(conf, "vfb")
    if vfbs is not None:
        # an empty list reads as one empty entry (libvirt copies from nowhere)
        dom.devices.graphics = [_parse_vfb(vfbs[0] if vfbs else "")]


def _parse_hvm_graphics(conf: Conf) -> Optional[Graphics]:
    if get_bool(conf, "vnc", 0):
        gfx = Graphics(type="vnc", autoport=bool(get_bool(conf, "vncunused", 1)))
        if not gfx.autoport:
            display = cnum.as_int(get_ulong(conf, "vncdisplay", 0))
            gfx.port = cnum.as_int(display + VNC_BASE_PORT)
        _add_listen(gfx, get_string(conf, "vnclisten"))
        gfx.passwd = get_string(conf, "vncpasswd")
        gfx.keymap = get_string(conf, "keymap")
        return gfx
    if get_bool(conf, "sdl", 0):
        return Graphics(type="sdl", display=get_string(conf, "display"),
                        xauth=get_string(conf, "xauthority"))
    return None


def _vfb_items(spec: str) -> List[str]:
    """The items libvirt reads: split at commas (runs of separators skipped),
    up to the first item without '='."""
    items: List[str] = []
    rest: Optional[str] = spec
    while rest is not None:
        item, comma, after = rest.partition(",")
        if "=" not in item:
            break
        items.append(item)
        rest = after.lstrip(_VFB_SEPARATORS) if comma else None
    return items


def _parse_vfb(spec: str) -> Graphics:
    if len(spec.encode("utf-8", "surrogateescape")) >= _MAX_VFB:
        raise InternalError(f"VFB {spec} too big for destination")
    if "type=sdl" in spec:
        gfx = Graphics(type="sdl")
        for item in _vfb_items(spec):
            key, _, value = item.partition("=")
            if key == "display":
                gfx.display = value
            elif key == "xauthority":
                gfx.xauth = value
        return gfx
    gfx = Graphics(type="vnc")
    listen = None
    for item in _vfb_items(spec):
        key, _, value = item.partition("=")
        if key == "vncunused":
            gfx.autoport = gfx.autoport or value == "1"
        elif key == "vnclisten":
            listen = value
        elif key == "vncpasswd":
            gfx.passwd = value
        elif key == "keymap":
            gfx.keymap = value
        elif key == "vncdisplay":
            display = cnum.to_int(value)
            if display is None:
                raise InternalError(f"invalid vncdisplay value '{value}'")
            gfx.port = cnum.as_int(display + VNC_BASE_PORT)
    _add_listen(gfx, listen)
    return gfx


def format_vnc_sdl(conf: Conf, dom: Domain) -> None:
    shown = dom.devices.graphics
    if len(shown) != 1 or shown[0].type == "spice":
        return
    gfx = shown[0]
    if not dom.is_hvm:
        conf.set("vfb", [_format_vfb(gfx)])
    elif gfx.type == "sdl":
        conf.set("sdl", 1)
        conf.set("vnc", 0)
        if gfx.display is not None:
            conf.set("display", gfx.display)
        if gfx.xauth is not None:
            conf.set("xauthority", gfx.xauth)
    else:
        conf.set("sdl", 0)
        conf.set("vnc", 1)
        conf.set("vncunused", int(gfx.autoport))
        if not gfx.autoport:
            conf.set("vncdisplay", cnum.as_int(gfx.port - VNC_BASE_PORT))
        listen = _listen_address(gfx)
        if listen is not None:
            conf.set("vnclisten", listen)
        if gfx.passwd is not None:
            conf.set("vncpasswd", gfx.passwd)
        if gfx.keymap is not None:
            conf.set("keymap", gfx.keymap)


def _listen_address(gfx: Graphics) -> Optional[str]:
    return gfx.listens[0].address if gfx.listens else None


def _format_vfb(gfx: Graphics) -> str:
    if gfx.type == "sdl":
        text = "type=sdl"
        if gfx.display is not None:
            text += f",display={gfx.display}"
        if gfx.xauth is not None:
            text += f",xauthority={gfx.xauth}"
        return text
    text = f"type=vnc,vncunused={int(gfx.autoport)}"
    if not gfx.autoport:
        text += f",vncdisplay={cnum.as_int(gfx.port - VNC_BASE_PORT)}"
    listen = _listen_address(gfx)
    if listen is not None:
        text += f",vnclisten={listen}"
    if gfx.passwd is not None:
        text += f",vncpasswd={gfx.passwd}"
    if gfx.keymap is not None:
        text += f",keymap={gfx.keymap}"
    return text


def parse_spice(conf: Conf, dom: Domain) -> None:
    if not dom.is_hvm or not get_bool(conf, "spice", 0):
        return
    gfx = Graphics(type="spice")
    _add_listen(gfx, get_string(conf, "spicehost"))
    gfx.tls_port = cnum.as_int(get_ulong(conf, "spicetls_port", 0))
    gfx.port = cnum.as_int(get_ulong(conf, "spiceport", 0))
    gfx.autoport = not gfx.tls_port and not gfx.port
    if not get_bool(conf, "spicedisable_ticketing", 0):
        gfx.passwd = require_string(conf, "spicepasswd")
    gfx.mouse_mode = "client" if get_bool(conf, "spiceagent_mouse", 0) else "server"
    gfx.copypaste = bool(get_bool(conf, "spice_clipboard_sharing", 0))
    # SPICE replaces whatever VNC or SDL display was read before
    dom.devices.graphics = [gfx]


def format_spice(conf: Conf, dom: Domain) -> None:
    if not dom.is_hvm or not dom.devices.graphics or dom.devices.graphics[0].type != "spice":
        return
    gfx = dom.devices.graphics[0]
    conf.set("sdl", 0)
    conf.set("vnc", 0)
    conf.set("spice", 1)
    listen = _listen_address(gfx)
    if listen is not None:
        conf.set("spicehost", listen)
    conf.set("spiceport", gfx.port)
    conf.set("spicetls_port", gfx.tls_port)
    if gfx.passwd is not None:
        conf.set("spicedisable_ticketing", 0)
        conf.set("spicepasswd", gfx.passwd)
    else:
        conf.set("spicedisable_ticketing", 1)
    if gfx.mouse_mode == "server":
        conf.set("spiceagent_mouse", 0)
    elif gfx.mouse_mode == "client":
        conf.set("spiceagent_mouse", 1)
        conf.set("spicevdagent", 1)  # the client mouse mode needs the agent
    if gfx.copypaste:
        conf.set("spice_clipboard_sharing", 1)
        conf.set("spicevdagent", 1)  # so does clipboard sharing
