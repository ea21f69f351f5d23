"""``<graphics>`` in domain XML, every type libvirt knows (its
``virDomainGraphicsDefParseXML`` and ``virDomainGraphicsDefFormat``)."""

from __future__ import annotations

import datetime
from typing import List, Optional, Tuple

from xenvirsh import cnum
from xenvirsh.errors import ConfigUnsupported, InternalError, XMLError
from xenvirsh.formats.domxml import props
from xenvirsh.formats.domxml.props import Element
from xenvirsh.formats.domxml.xmlout import Out, onoff, yesno
from xenvirsh.model import enums
from xenvirsh.model.domain import Graphics, GraphicsListen

Attrs = List[Tuple[str, Optional[object]]]
# spice sub-elements: (element, attribute, table (None: yes/no, "onoff": on/off), field)
_SPICE_FEATURES = (
    ("image", "compression", enums.SPICE_IMAGE_COMPRESSIONS, "image_compression"),
    ("jpeg", "compression", enums.SPICE_JPEG_COMPRESSIONS, "jpeg_compression"),
    ("zlib", "compression", enums.SPICE_ZLIB_COMPRESSIONS, "zlib_compression"),
    ("playback", "compression", "onoff", "playback_compression"),
    ("streaming", "mode", enums.SPICE_STREAMING_MODES, "streaming_mode"),
    ("clipboard", "copypaste", None, "copypaste"),
    ("filetransfer", "enable", None, "filetransfer"),
)
_EPOCH = "1970-01-01T00:00:00"


def read_graphics(el: Element) -> Graphics:
    gtype = props.enum(el, "type", enums.GRAPHICS_TYPES, required=True)
    assert gtype is not None
    gfx = Graphics(type=gtype)
    if gtype == "vnc":
        _read_vnc(el, gfx)
    elif gtype in ("sdl", "desktop"):
        gfx.fullscreen = props.tristate(el, "fullscreen") is True
        if gtype == "sdl":
            gfx.xauth = el.get("xauth")
        gfx.display = el.get("display")
        gl = el.find("gl")
        if gtype == "sdl" and gl is not None:
            gfx.gl = props.tristate(gl, "enable", required=True)
    elif gtype == "rdp":
        _read_rdp(el, gfx)
    elif gtype == "spice":
        _read_spice(el, gfx)
    elif gtype == "egl-headless":
        gl = el.find("gl")
        gfx.rendernode = gl.get("rendernode") if gl is not None else None
    else:
        _read_dbus(el, gfx)
    return gfx


def _read_vnc(el: Element, gfx: Graphics) -> None:
    gfx.listens = _read_listens(el, "vnc")
    port = el.get("port")
    if port is not None:
        value = cnum.to_int(port)
        if value is None:
            raise InternalError(f"cannot parse vnc port {port}")
        gfx.port = value
        if value == -1:  # the legacy way of asking for autoport
            gfx.port = 0
            gfx.autoport = True
    else:
        gfx.autoport = True
    autoport = el.get("autoport")
    if autoport in ("yes", "no"):
        gfx.autoport = autoport == "yes"
        if gfx.autoport:
            gfx.port = 0
    gfx.websocket = props.int_(el, "websocket") or 0
    policy = props.enum(el, "sharePolicy", enums.VNC_SHARE_POLICIES)
    gfx.share_policy = policy if policy != "default" else None
    gfx.power_control = props.tristate(el, "powerControl")
    gfx.keymap = el.get("keymap")
    gfx.audio_id = _audio_id(el)
    _read_auth(el, gfx)


def _audio_id(el: Element) -> int:
    audio = el.find("audio")
    if audio is None:
        return 0
    return props.uint(audio, "id", required=True, nonzero=True) or 0


def _read_rdp(el: Element, gfx: Graphics) -> None:
    gfx.listens = _read_listens(el, "rdp")
    port = el.get("port")
    if port is not None:
        value = cnum.to_int(port)
        if value is None:
            raise InternalError(f"cannot parse rdp port {port}")
        gfx.port = value
        gfx.autoport = value == -1
    else:
        gfx.autoport = True
    if el.get("autoport") == "yes":
        gfx.autoport = True
    if gfx.autoport:
        gfx.port = 0
    gfx.replace_user = el.get("replaceUser") == "yes"
    gfx.multi_user = el.get("multiUser") == "yes"
    _read_auth(el, gfx)


def _read_spice(el: Element, gfx: Graphics) -> None:
    gfx.listens = _read_listens(el, "spice")
    gfx.port = props.int_(el, "port") or 0
    gfx.tls_port = props.int_(el, "tlsPort") or 0
    gfx.autoport = props.tristate(el, "autoport") is True
    mode = props.enum(el, "defaultMode", enums.SPICE_CHANNEL_MODES)
    gfx.default_mode = mode if mode != "any" else None
    if gfx.port == -1 and gfx.tls_port == -1:
        gfx.autoport = True
    if gfx.autoport:
        gfx.port = gfx.tls_port = 0
    gfx.keymap = el.get("keymap")
    _read_auth(el, gfx)
    for channel in el.findall("channel"):
        name = props.enum(channel, "name", enums.SPICE_CHANNEL_NAMES, required=True)
        mode = props.enum(channel, "mode", enums.SPICE_CHANNEL_MODES, required=True)
        assert name is not None and mode is not None
        gfx.spice_channels[name] = mode
    for tag, attr, table, field_name in _SPICE_FEATURES:
        child = el.find(tag)
        if child is None:
            continue
        if table is None:
            value: object = props.tristate(child, attr, required=True)
        elif table == "onoff":
            value = props.switch(child, attr, required=True)
        else:
            value = props.enum(child, attr, table, required=True, nonzero=True)
        setattr(gfx, field_name, value)
    gl = el.find("gl")
    if gl is not None:
        gfx.rendernode = gl.get("rendernode")
        gfx.gl = props.tristate(gl, "enable", required=True)
    mouse = el.find("mouse")
    if mouse is not None:
        gfx.mouse_mode = props.enum(mouse, "mode", enums.MOUSE_MODES, required=True,
                                    nonzero=True)


def _read_dbus(el: Element, gfx: Graphics) -> None:
    gfx.p2p = props.tristate(el, "p2p") is True
    gfx.address = el.get("address")
    gl = el.find("gl")
    if gl is not None:
        gfx.rendernode = gl.get("rendernode")
        gfx.gl = props.tristate(gl, "enable", required=True)
    gfx.audio_id = _audio_id(el)


def _read_auth(el: Element, gfx: Graphics) -> None:
    """virDomainGraphicsAuthDefParseXML."""
    connected = el.get("connected")
    gfx.passwd = el.get("passwd")
    if gfx.passwd is None:
        return
    gfx.username = el.get("username")
    valid_to = el.get("passwdValidTo")
    if valid_to is not None:
        gfx.passwd_valid_to = _valid_to(valid_to)
    if connected is not None:
        if connected not in enums.GRAPHICS_CONNECTED or connected == "default":
            raise ConfigUnsupported(f"unknown connected value {connected}")
        if gfx.type == "vnc" and connected != "keep":
            raise ConfigUnsupported("VNC supports connected='keep' only")
        gfx.connected = connected


def _valid_to(text: str) -> str:
    """YYYY-MM-DDTHH:MM:SS read as numbers and printed back in UTC, as libvirt
    does; an impossible date becomes the epoch (what GLib hands back)."""
    numbers: List[int] = []
    rest = text
    for separator in ("-", "-", "T", ":", ":", ""):
        head, sep, tail = rest.partition(separator) if separator else (rest, "", "")
        value = cnum.to_int(head)
        if value is None or (separator and not sep):
            raise InternalError(
                f"cannot parse password validity time '{text}', expect YYYY-MM-DDTHH:MM:SS"
            )
        numbers.append(value)
        rest = tail
    year, month, day, hour, minute, second = numbers
    try:
        when = datetime.datetime(year, month, day, hour, minute, second)
    except ValueError:
        return _EPOCH
    return when.strftime("%Y-%m-%dT%H:%M:%S")


def _read_listens(el: Element, gtype: str) -> List[GraphicsListen]:
    """virDomainGraphicsListensParseXML."""
    listens: List[GraphicsListen] = []
    for index, node in enumerate(el.findall("listen")):
        listens.append(_read_listen(node, el if index == 0 else None))
    socket = el.get("socket") if gtype == "vnc" else None
    if socket:
        compat = GraphicsListen(type="socket", socket=socket)
    else:
        compat = GraphicsListen(type="address", address=el.get("listen") or None)
    if not listens:
        listens.append(compat)
    elif compat.type == "socket" and listens[0].type in ("address", "network"):
        listens[0] = compat
    return listens


def _read_listen(node: Element, parent: Optional[Element]) -> GraphicsListen:
    """virDomainGraphicsListenDefParseXML for an inactive definition."""
    address, network, socket = node.get("address"), node.get("network"), node.get("socket")
    address_compat = parent.get("listen") if parent is not None else None
    socket_compat = parent.get("socket") if parent is not None else None
    kind = props.enum(node, "type", enums.GRAPHICS_LISTEN_TYPES, required=True)
    assert kind is not None
    listen = GraphicsListen(type=kind)
    if kind == "address":
        if address and address_compat and address != address_compat:
            raise ConfigUnsupported(
                f"graphics 'listen' attribute '{address_compat}' must match 'address' "
                f"attribute of first listen element (found '{address}')"
            )
        address = address or address_compat
    if kind == "socket":
        if socket and socket_compat and socket != socket_compat:
            raise ConfigUnsupported(
                f"graphics 'socket' attribute '{socket_compat}' must match 'socket' "
                f"attribute of first listen element (found '{socket}')"
            )
        socket = socket or socket_compat
    if address and kind == "address":
        listen.address = address
    if network:
        if kind != "network":
            raise XMLError("'network' attribute is valid only for listen type 'network'")
        listen.network = network
    if socket:
        if kind != "socket":
            raise XMLError("'socket' attribute is valid only for listen type 'socket'")
        listen.socket = socket
    return listen


# --- writing ----------------------------------------------------------------------


def write_graphics(out: Out, gfx: Graphics, *, secure: bool, inactive: bool) -> None:
    attrs: Attrs = [("type", gfx.type)]
    children = Out()
    first = gfx.listens[0] if gfx.listens else None
    if gfx.type == "vnc":
        if first is not None and first.type == "socket":
            attrs.append(("socket", first.socket))
        elif first is not None and first.type in ("address", "network"):
            if gfx.port and (not gfx.autoport or not inactive):
                attrs.append(("port", gfx.port))
            elif gfx.autoport:
                attrs.append(("port", -1))
            attrs.append(("autoport", "yes" if gfx.autoport else "no"))
            attrs.append(("websocket", gfx.websocket or None))
            attrs.append(("listen", _listen_attr(first, inactive)))
        attrs += [("keymap", gfx.keymap), ("sharePolicy", gfx.share_policy),
                  ("powerControl", yesno(gfx.power_control))]
        attrs += _auth_attrs(gfx, secure)
        _listens(children, gfx, inactive)
        children.empty("audio", [("id", gfx.audio_id or None)])
    elif gfx.type == "sdl":
        attrs += [("display", gfx.display), ("xauth", gfx.xauth),
                  ("fullscreen", "yes" if gfx.fullscreen else None)]
        children.empty("gl", [("enable", yesno(gfx.gl))])
    elif gfx.type == "rdp":
        attrs += [("port", gfx.port or (0 if gfx.autoport else None)),
                  ("autoport", "yes" if gfx.autoport else None),
                  ("replaceUser", "yes" if gfx.replace_user else None),
                  ("multiUser", "yes" if gfx.multi_user else None),
                  ("listen", _listen_attr(first, inactive) if first else None)]
        attrs += _auth_attrs(gfx, secure)
        _listens(children, gfx, inactive)
    elif gfx.type == "desktop":
        attrs += [("display", gfx.display), ("fullscreen", "yes" if gfx.fullscreen else None)]
    elif gfx.type == "spice":
        _write_spice(attrs, children, gfx, secure=secure, inactive=inactive)
    elif gfx.type == "egl-headless":
        children.empty("gl", [("rendernode", gfx.rendernode)])
    else:
        attrs += [("p2p", "yes" if gfx.p2p else None), ("address", gfx.address)]
        children.empty("gl", [("enable", yesno(gfx.gl)), ("rendernode", gfx.rendernode)])
        children.empty("audio", [("id", gfx.audio_id or None)])
    out.element("graphics", attrs, children)


def _write_spice(attrs: Attrs, children: Out, gfx: Graphics, *, secure: bool,
                 inactive: bool) -> None:
    first = gfx.listens[0] if gfx.listens else None
    if first is not None and first.type in ("address", "network"):
        attrs += [("port", gfx.port or None), ("tlsPort", gfx.tls_port or None),
                  ("autoport", "yes" if gfx.autoport else "no"),
                  ("listen", _listen_attr(first, inactive))]
    attrs += [("keymap", gfx.keymap), ("defaultMode", gfx.default_mode)]
    attrs += _auth_attrs(gfx, secure)
    _listens(children, gfx, inactive)
    for name in enums.SPICE_CHANNEL_NAMES:
        mode = gfx.spice_channels.get(name)
        if mode not in (None, "any"):
            children.empty("channel", [("name", name), ("mode", mode)])
    for tag, attr, table, field_name in _SPICE_FEATURES[:5]:
        value = getattr(gfx, field_name)
        children.empty(tag, [(attr, onoff(value) if table == "onoff" else value)])
    children.empty("mouse", [("mode", gfx.mouse_mode)])
    for tag, attr, _table, field_name in _SPICE_FEATURES[5:]:
        children.empty(tag, [(attr, yesno(getattr(gfx, field_name)))])
    children.empty("gl", [("enable", yesno(gfx.gl)), ("rendernode", gfx.rendernode)])


def _listen_attr(first: GraphicsListen, inactive: bool) -> Optional[str]:
    """The legacy 'listen' attribute: the first listen's address."""
    if first.type == "network" and inactive:
        return None
    return first.address


def _auth_attrs(gfx: Graphics, secure: bool) -> Attrs:
    if gfx.passwd is None:
        return []
    return [("username", gfx.username), ("passwd", gfx.passwd if secure else None),
            ("passwdValidTo", gfx.passwd_valid_to), ("connected", gfx.connected)]


def _listens(out: Out, gfx: Graphics, inactive: bool) -> None:
    for listen in gfx.listens:
        address = listen.address
        if listen.type == "network" and inactive:
            address = None
        elif listen.type not in ("address", "network"):
            address = None
        out.empty("listen", [
            ("type", listen.type),
            ("address", address),
            ("network", listen.network if listen.type == "network" else None),
            ("socket", listen.socket if listen.type == "socket" else None),
        ])
