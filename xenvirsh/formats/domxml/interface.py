"""``<interface>`` in domain XML (libvirt's ``virDomainNetDefParseXML`` and
``virDomainNetDefFormat``).

Every interface type libvirt knows is read and printed back; which of them
a Xen guest can actually use is the libxl driver's business at start time.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple

from xenvirsh import cnum
from xenvirsh.errors import (
    ConfigUnsupported,
    InvalidArgument,
    XenvirshError,
    XMLError,
    XMLParseError,
)
from xenvirsh.formats.domxml import props
from xenvirsh.formats.domxml.devinfo import (
    pci_attrs,
    read_device_info,
    read_pci_address,
    write_device_info,
)
from xenvirsh.formats.domxml.disk import VIRTIO_OPTIONS, read_reconnect, write_reconnect
from xenvirsh.formats.domxml.hostdev import read_subsys, read_teaming, write_subsys, write_teaming
from xenvirsh.formats.domxml.ipaddr import FAMILY_NAMES, parse_ip
from xenvirsh.formats.domxml.props import Element, child_text, spec
from xenvirsh.formats.domxml.xmlout import Out, onoff, yesno
from xenvirsh.model import enums
from xenvirsh.model.domain import (
    Bandwidth,
    Hostdev,
    Interface,
    InterfaceExtras,
    IPAddress,
    NetRoute,
    PortForward,
    VlanTag,
)
from xenvirsh.model.ids import generate_uuid, parse_mac, parse_uuid

# target names libvirt makes up itself, dropped from inactive XML ("vif" is libxl's)
GENERATED_IFNAMES = ("vnet", "macvtap", "macvlan", "vif")
_MODEL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
_NEEDS_SOURCE = ("network", "bridge", "direct", "internal", "udp", "mcast", "client", "server",
                 "vdpa", "vds")
_VIRTIO_MODELS = ("virtio", "virtio-transitional", "virtio-non-transitional")
_OFFLOADS_HOST = ("csum", "gso", "tso4", "tso6", "ecn", "ufo", "mrg_rxbuf")
_OFFLOADS_GUEST = ("csum", "tso4", "tso6", "ecn", "ufo")
_DRIVER_SPECS = (
    spec("name", "enum", enums.NET_DRIVERS), spec("txmode", "enum", enums.NET_TXMODES),
    spec("ioeventfd", "onoff"), spec("event_idx", "onoff"), spec("queues", "uint"),
    spec("rx_queue_size", "uint"), spec("tx_queue_size", "uint"), spec("rss", "onoff"),
    spec("rss_hash_report", "onoff"),
)
_PROFILE_ID_MAX = 39  # VIR_NETDEV_VPORT_PROFILE_ID_MAX less the NUL
_UINT_MAX = 2**32 - 1


def is_virtio(net: Interface) -> bool:
    return net.model in _VIRTIO_MODELS


def read_interface(el: Element) -> Interface:
    net = Interface()
    extras = net.extras
    kids = props.first_children(el, _INTERFACE_TAGS)
    net.type = props.enum(el, "type", enums.NET_TYPES) or "user"
    extras.trust_guest_rx_filters = props.tristate(el, "trustGuestRxFilters")
    model_el = kids.get("model")
    model = model_el.get("type") or None if model_el is not None else None
    if model is not None:
        net.model = _model(model)
    source = kids.get("source")
    if source is not None:
        extras.host_ips, extras.host_routes = _read_ip_info(source, "interface host IP")
    vport_required = _read_source(el, source, net)
    virtualport = kids.get("virtualport")
    if virtualport is not None:
        if vport_required is None:
            raise ConfigUnsupported(
                f"<virtualport> element unsupported for <interface type='{net.type}'>"
            )
        _read_virtualport(virtualport, net, strict=vport_required)
    target = kids.get("target")
    if target is not None:
        net.ifname = target.get("dev")
        extras.managed_tap = props.tristate(target, "managed")
    guest = kids.get("guest")
    if guest is not None:
        extras.guest_dev = guest.get("dev") or None
        extras.guest_actual = guest.get("actual") or None
    link = _attr_of(kids, "link", "state")
    net.script = _attr_of(kids, "script", "path")
    extras.downscript = _attr_of(kids, "downscript", "path")
    net.backend_domain = _attr_of(kids, "backenddomain", "name")
    filterref = kids.get("filterref")
    if filterref is not None and net.type in ("network", "bridge", "ethernet"):
        net.filter = filterref.get("filter")
    bandwidth = kids.get("bandwidth")
    if bandwidth is not None:
        _read_bandwidth(bandwidth, net)
    vlan = kids.get("vlan")
    if vlan is not None:
        _read_vlan(vlan, net)
    _read_mac(el, net)
    net.info = read_device_info(el, allow_boot=True, allow_rom=True)
    if "ip" in kids or "route" in kids:
        net.ips, extras.routes = _read_ip_info(el, "guest interface")
    if "portForward" in kids:
        extras.port_forwards = [_read_port_forward(node) for node in el.findall("portForward")]
    if (extras.managed_tap is not False and net.ifname
            and net.ifname.startswith(GENERATED_IFNAMES)):
        net.ifname = None
    driver = kids.get("driver")
    if driver is not None:
        _read_driver(driver, net)
    backend = kids.get("backend")
    if backend is not None:
        _read_backend(backend, net)
    if extras.backend_type == "passt" and source is not None:
        extras.source_dev = source.get("dev")
    if link is not None:
        if link not in enums.LINK_STATES or link == "default":
            raise ConfigUnsupported(f"unknown interface link state '{link}'")
        net.link_state = link
    if "teaming" in kids:
        extras.teaming_type, extras.teaming_persistent = read_teaming(el)
    if not _TUNING_TAGS.isdisjoint(kids):
        _read_tuning(el, net)
    return net


_INTERFACE_TAGS = frozenset((
    "model", "source", "virtualport", "target", "guest", "link", "script", "downscript",
    "backenddomain", "filterref", "bandwidth", "vlan", "ip", "route", "portForward", "driver",
    "backend", "teaming", "tune", "mtu", "coalesce", "port",
))
_TUNING_TAGS = frozenset(("tune", "mtu", "coalesce", "port"))


def _attr_of(kids: Dict[str, Element], tag: str, attr: str) -> Optional[str]:
    """XPath string(./tag[1]/@attr): None when missing or empty."""
    node = kids.get(tag)
    return node.get(attr) or None if node is not None else None


def _model(model: str) -> str:
    """virDomainNetSetModelString: libvirt's models matched case-insensitively."""
    known = next((m for m in enums.NET_MODELS if m.lower() == model.lower()), None)
    if known is not None:
        return known
    if not set(model) <= _MODEL_CHARS:
        raise InvalidArgument("Model name contains invalid characters")
    return model


def _read_source(el: Element, source: Optional[Element], net: Interface) -> Optional[bool]:
    """The type-specific <source>; returns whether a <virtualport> must be
    complete and typed (None: no virtualport allowed)."""
    extras = net.extras
    kind = net.type
    if kind in _NEEDS_SOURCE and source is None:
        raise XMLError(f"interface type='{kind}' requires a 'source' element")
    if kind == "network":
        assert source is not None
        net.network = props.required(source, "network")
        net.portgroup = source.get("portgroup")
        return False
    if kind == "vds":
        assert source is not None
        _read_vds(source, extras)
    elif kind == "internal":
        assert source is not None
        extras.internal_name = props.required(source, "name")
    elif kind == "bridge":
        assert source is not None
        net.bridge = props.required(source, "bridge")
        return True
    elif kind == "direct":
        assert source is not None
        extras.source_dev = props.required(source, "dev")
        extras.direct_mode = props.enum(source, "mode", enums.MACVLAN_MODES) or "vepa"
        return True
    elif kind == "vhostuser":
        _read_vhostuser(source, extras)
    elif kind == "vdpa":
        assert source is not None
        extras.source_dev = props.required(source, "dev")
    elif kind in ("client", "server", "mcast", "udp"):
        assert source is not None
        _read_socket(source, net)
    elif kind == "hostdev":
        _read_hostdev_source(el, net)
        return True
    return None


def _read_vds(source: Element, extras: InterfaceExtras) -> None:
    switchid = props.required(source, "switchid")
    extras.vds_switchid = parse_uuid(switchid)
    if extras.vds_switchid is None:
        raise XMLError(
            f"Invalid value for attribute 'switchid' in element 'source': '{switchid}'. "
            "Expected UUID"
        )
    extras.vds_portid = _long_long(source, "portid")
    extras.vds_portgroupid = source.get("portgroupid")
    extras.vds_connectionid = _long_long(source, "connectionid")


def _long_long(el: Element, name: str) -> int:
    """virXMLPropLongLong with base 0."""
    text = el.get(name)
    if text is None:
        return 0
    value = cnum.to_ll(text, 0)
    if value is None:
        raise XMLError(f"Invalid value for attribute '{name}' in element '{el.tag}': "
                       f"'{text}'. Expected long long integer value")
    return value


def _read_vhostuser(source: Optional[Element], extras: InterfaceExtras) -> None:
    if source is None:
        return
    kind = source.get("type")
    if kind is not None and kind != "unix":
        raise ConfigUnsupported(f"Type='{kind}' unsupported for <interface type='vhostuser'>")
    extras.vhostuser_path = source.get("path")
    mode = props.enum(source, "mode", enums.VHOSTUSER_MODES, nonzero=True)
    extras.vhostuser_server = mode == "server"
    extras.reconnect = read_reconnect(source)


def _read_socket(source: Element, net: Interface) -> None:
    extras = net.extras
    if net.type != "server":
        extras.socket_address = props.required(source, "address")
    else:
        extras.socket_address = source.get("address")
    extras.socket_port = props.int_(source, "port", required=True) or 0
    if net.type == "udp":
        local = source.find("local")
        if local is None:
            raise XMLError("'<local>' element missing for 'udp' socket interface")
        extras.local_address = props.required(local, "address")
        extras.local_port = props.int_(local, "port", required=True) or 0


def _read_hostdev_source(el: Element, net: Interface) -> None:
    address = el.find("source/address")
    addr_type = address.get("type") if address is not None else None
    if addr_type is None and el.find("source/vendor") is not None:
        addr_type = "usb"
    if addr_type not in enums.HOSTDEV_SUBSYS_TYPES:
        raise ConfigUnsupported(
            f"unknown host device source address type '{addr_type or '(null)'}'"
        )
    if addr_type != "pci":
        hostdev = Hostdev()
        read_subsys(el, addr_type, hostdev)
        net.hostdev_other = hostdev
        net.managed = hostdev.managed
        return
    try:
        net.managed = props.tristate(el, "managed") is True
    except XMLError:
        net.managed = False  # libvirt ignores a bad managed attribute
    assert address is not None
    net.hostdev_pci = read_pci_address(address)
    driver = el.find("driver")
    if driver is not None:
        net.hostdev_driver = props.enum(driver, "name", enums.HOSTDEV_PCI_DRIVERS, nonzero=True)


def _read_virtualport(el: Element, net: Interface, *, strict: bool) -> None:
    """virNetDevVPortProfileParse."""
    vtype = el.get("type")
    if vtype is not None and (vtype not in enums.VIRTUALPORT_TYPES or vtype == "none"):
        raise ConfigUnsupported(f"unknown virtualport type {vtype}")
    if vtype is None and strict:
        raise XMLError("missing required virtualport type")
    params = net.virtualport_params
    node = el.find("parameters")
    if node is not None:
        for name, limit in (("managerid", 0xFF), ("typeid", 0xFFFFFF), ("typeidversion", 0xFF)):
            text = node.get(name)
            if text is None:
                continue
            value = cnum.to_uint(text, 0)
            if value is None:
                raise XMLError(f"cannot parse value of {name} parameter")
            if value > limit:
                what = "for" if name == "typeid" else "of"
                raise XMLError(f"value {what} {name} out of range")
            params[name] = str(value)
        for name in ("instanceid", "profileid", "interfaceid"):
            text = node.get(name)
            if text is None:
                continue
            if name == "profileid":
                if len(text.encode()) > _PROFILE_ID_MAX:
                    raise XMLError("profileid parameter too long")
                if text:
                    params[name] = text
                continue
            parsed = parse_uuid(text)
            if parsed is None:
                raise XMLError(f"cannot parse {name} parameter as a uuid")
            params[name] = parsed
    kind = vtype or "none"
    # libvirt generates the ids an 802.1Qbg or Open vSwitch port (or an untyped one) needs
    if kind in ("802.1Qbg", "none") and "instanceid" not in params:
        params["instanceid"] = generate_uuid()
    if kind in ("openvswitch", "none") and "interfaceid" not in params:
        params["interfaceid"] = generate_uuid()
    net.virtualport = vtype or ""
    if strict:
        _check_complete(kind, params)
    _check_no_extras(kind, params)


def _check_complete(kind: str, params: Dict[str, str]) -> None:
    required = {"802.1Qbg": ("managerid", "typeid", "typeidversion", "instanceid"),
                "802.1Qbh": ("profileid",), "openvswitch": ("interfaceid",),
                "midonet": ("interfaceid",)}.get(kind, ())
    missing = next((name for name in required if name not in params), None)
    if missing is not None:
        raise XMLError(f"missing {missing} in <virtualport type='{kind}'>")


def _check_no_extras(kind: str, params: Dict[str, str]) -> None:
    unsupported = {"802.1Qbg": ("profileid", "interfaceid"),
                   "802.1Qbh": ("managerid", "typeid", "typeidversion", "instanceid",
                                "interfaceid"),
                   "openvswitch": ("managerid", "typeid", "typeidversion", "instanceid")
                   }.get(kind, ())
    extra = next((name for name in unsupported if name in params), None)
    if extra is not None:
        raise XMLError(f"extra {extra} unsupported in <virtualport type='{kind}'>")


def _read_bandwidth(el: Element, net: Interface) -> None:
    """virNetDevBandwidthParse (no class id in a domain)."""
    if props.uint(el, "classID") is not None:
        raise XMLParseError("classID attribute not supported on <bandwidth> in this usage context")
    inbound, outbound = el.find("inbound"), el.find("outbound")
    if inbound is not None:
        net.inbound = _read_rate(inbound, floor_ok=net.type == "network")
    if outbound is not None:
        net.outbound = _read_rate(outbound, floor_ok=False)


def _read_rate(el: Element, floor_ok: bool) -> Bandwidth:
    rate = Bandwidth()
    for attr in ("average", "peak", "burst", "floor"):
        setattr(rate, attr, props.uint(el, attr, bits=64))
    if rate.average is None and rate.floor is None:
        raise XMLParseError("Missing mandatory average or floor attributes")
    if (rate.peak is not None or rate.burst is not None) and rate.average is None:
        raise ConfigUnsupported("'peak' and 'burst' require 'average' attribute")
    if rate.floor is not None and not floor_ok:
        raise ConfigUnsupported("floor attribute is not supported for this config")
    return rate


def _read_vlan(el: Element, net: Interface) -> None:
    """virNetDevVlanParse; only one tag can carry the native mode."""
    tags = el.findall("tag")
    if not tags:
        raise XMLError(
            "missing tag id - each <vlan> must have at least one <tag id='n'/> subelement"
        )
    native = False
    for tag in tags:
        tag_id = props.uint(tag, "id", required=True)
        assert tag_id is not None
        if tag_id > 4095:
            raise XMLError(f"vlan tag id {tag_id} too large (maximum 4095)")
        mode = props.enum(tag, "nativeMode", enums.VLAN_NATIVE_MODES, nonzero=True)
        if mode is not None:
            if native:
                raise XMLError("duplicate native vlan setting")
            native = True
        net.vlan_tags.append(VlanTag(tag_id, mode))
    net.vlan_trunk = len(tags) > 1
    trunk = el.get("trunk") or None
    if trunk is not None:
        net.vlan_trunk = trunk.lower() == "yes"
        if not net.vlan_trunk:
            if len(tags) > 1:
                raise XMLError(f"invalid \"trunk='{trunk}'\" in <vlan> - trunk='yes' is "
                               "required for more than one vlan tag")
            if native:
                raise XMLError("invalid configuration in <vlan> - \"trunk='no'\" is not "
                               "allowed with a native vlan id")
            if trunk.lower() != "no":
                raise XMLError(f"invalid \"trunk='{trunk}'\" in <vlan> - must be yes or no")


def _read_mac(el: Element, net: Interface) -> None:
    mac_el = el.find("mac")
    if mac_el is None:
        return
    text = mac_el.get("address")
    if text is not None:
        mac = parse_mac(text)
        if mac is None:
            raise XMLError(f"unable to parse mac address '{text}'")
        if int(mac[:2], 16) & 1:
            raise XMLError(f"expected unicast mac address, found multicast '{text}'")
        if mac != "00:00:00:00:00:00":
            net.mac = mac
    net.extras.mac_type = props.enum(mac_el, "type", enums.NET_MAC_TYPES, nonzero=True)
    net.extras.mac_check = props.tristate(mac_el, "check")


def _read_ip_info(el: Element, detail: str) -> Tuple[List[IPAddress], List[NetRoute]]:
    """virDomainNetIPInfoParseXML: the <ip> and <route> children of ``el``."""
    ips = [read_ip(node) for node in el.findall("ip")]
    routes = [_read_route(node, detail) for node in el.findall("route")]
    return ips, routes


def read_ip(el: Element) -> IPAddress:
    """virDomainNetIPParseXML; the address is kept the way libvirt prints it."""
    address = el.get("address")
    if address is None:
        raise XMLError("Missing required address in <ip>")
    given = el.get("family")
    family = given if given in FAMILY_NAMES else None
    parsed = parse_ip(address, family)
    if parsed is None:
        raise XMLError(f"Invalid address '{address}' in <ip>")
    found, canonical = parsed
    ip = IPAddress(address=canonical, family=found)
    prefix = el.get("prefix")
    if prefix is not None:
        value = cnum.to_uint(prefix)
        # the limits follow the family given (or guessed) before parsing
        wanted = family or found
        if (value is None or (wanted == "ipv6" and value > 128)
                or (wanted == "ipv4" and value > 32)):
            raise XMLError(f"Invalid prefix value '{prefix}' in <ip>")
        ip.prefix = value or None
    peer = el.get("peer")
    if peer is not None:
        parsed_peer = parse_ip(peer, family)
        if parsed_peer is None:
            raise InvalidArgument(f"Invalid peer '{peer}' in <ip>")
        ip.peer = parsed_peer[1]
    return ip


def _read_route(el: Element, detail: str) -> NetRoute:
    """virNetDevIPRouteParseXML and virNetDevIPRouteCreate."""
    prefix = props.uint(el, "prefix")
    metric = props.uint(el, "metric", nonzero=True)
    family = el.get("family")
    address, netmask, gateway = el.get("address"), el.get("netmask"), el.get("gateway")
    if address is None:
        raise XMLError(f"{detail}: Missing required address attribute in route definition")
    if gateway is None:
        raise XMLError(f"{detail}: Missing required gateway attribute in route definition")
    addr = parse_ip(address)
    if addr is None:
        raise XMLError(f"{detail}: Bad network address '{address}' in route definition")
    gate = parse_ip(gateway)
    if gate is None:
        raise XMLError(f"{detail}: Bad gateway address '{gateway}' in route definition")
    route = NetRoute(address=addr[1], gateway=gate[1], family=family, prefix=prefix,
                     metric=metric)
    if family in (None, "ipv4"):
        _check_ipv4_route(route, detail, address, netmask, addr[0], gate[0])
    elif family == "ipv6":
        if addr[0] != "ipv6":
            raise XMLError(f"{detail}: ipv6 family specified for non-IPv6 address "
                           f"'{address}' in route definition")
        if netmask is not None:
            raise XMLError(f"{detail}: Specifying netmask invalid for IPv6 address "
                           f"'{address}' in route definition")
        if gate[0] != "ipv6":
            raise XMLError(f"{detail}: ipv6 specified for non-IPv6 gateway address "
                           f"'{gateway}' in route definition")
        if (prefix or 0) > 128:
            raise XMLError(f"{detail}: Invalid prefix {prefix} specified in route definition, "
                           "must be 0 - 128")
    else:
        raise XMLError(f"{detail}: Unrecognized family '{family}' in route definition")
    import ipaddress  # only routes need it; importing it costs a cold command

    network = ipaddress.ip_network(
        f"{route.address}/{route.netmask or route.prefix or 0}", strict=False
    )
    if str(network.network_address) != route.address:
        raise XMLError(f"{detail}: Address '{address}' in route definition is not a "
                       "network address")
    return route


def _check_ipv4_route(route: NetRoute, detail: str, address: str, netmask: Optional[str],
                      addr_family: str, gate_family: str) -> None:
    given = "IPv4 family specified" if route.family else "No family specified"
    if addr_family != "ipv4":
        raise XMLError(f"{detail}: {given} for non-IPv4 address '{address}' in route definition")
    if gate_family != "ipv4":
        raise XMLError(f"{detail}: {given} for non-IPv4 gateway '{address}' in route definition")
    if netmask is not None:
        mask = parse_ip(netmask)
        if mask is None:
            raise XMLError(f"{detail}: Bad netmask address '{netmask}' in route definition")
        if mask[0] != "ipv4":
            raise XMLError(f"{detail}: Invalid netmask '{netmask}' for address '{address}' "
                           "(both must be IPv4)")
        if route.prefix is not None:
            raise XMLError(f"{detail}: Route definition cannot have both a prefix and a netmask")
        route.netmask = mask[1]
    if (route.prefix or 0) > 32:
        raise XMLError(f"{detail}: Invalid prefix {route.prefix} specified in route definition, "
                       "must be 0 - 32")


def _read_port_forward(el: Element) -> PortForward:
    proto = props.enum(el, "proto", enums.NET_PROTOS, required=True, nonzero=True)
    assert proto is not None
    forward = PortForward(proto=proto)
    address = el.get("address")
    if address is not None:
        parsed = parse_ip(address)
        if parsed is None:
            raise XMLError(f"Invalid address '{address}' in <portForward>")
        forward.address = parsed[1]
    forward.dev = el.get("dev")
    for node in el.findall("range"):
        forward.ranges.append((
            props.uint(node, "start", nonzero=True) or 0,
            props.uint(node, "end", nonzero=True) or 0,
            props.uint(node, "to", nonzero=True) or 0,
            props.tristate(node, "exclude"),
        ))
    return forward


def _read_driver(driver: Element, net: Interface) -> None:
    extras = net.extras
    props.read_attrs(driver, extras.virtio, VIRTIO_OPTIONS)
    if net.type == "hostdev" or not is_virtio(net):
        return
    drv = extras.driver
    props.read_attrs(driver, drv, _DRIVER_SPECS)
    if drv.queues == 1:
        drv.queues = 0  # there is always one queue
    for tag, names, table in (("host", _OFFLOADS_HOST, drv.host),
                              ("guest", _OFFLOADS_GUEST, drv.guest)):
        node = driver.find(tag)
        if node is None:
            continue
        for name in names:
            value = props.switch(node, name)
            if value is not None:
                table[name] = value


def _read_backend(node: Element, net: Interface) -> None:
    extras = net.extras
    kind = props.enum(node, "type", enums.NET_BACKENDS)
    extras.backend_type = kind if kind != "default" else None
    extras.backend_logfile = node.get("logFile")
    tap = node.get("tap")
    if tap is not None:
        extras.backend_tap = props.sanitize_path(tap)
    vhost = node.get("vhost")
    if vhost is not None and net.type != "hostdev" and is_virtio(net):
        extras.backend_vhost = props.sanitize_path(vhost)


def _read_tuning(el: Element, net: Interface) -> None:
    """<tune>, <mtu>, <coalesce> and <port>: the tail of virDomainNetDefParseXML."""
    extras = net.extras
    sndbuf = child_text(el, "tune/sndbuf")
    if sndbuf is not None:
        value = cnum.to_ullong(sndbuf, positive=True)
        if value is None:
            raise XMLError("sndbuf must be a positive integer")
        extras.sndbuf = value
    mtu = _attr_text(el, "mtu", "size")
    if mtu is not None:
        size = cnum.to_uint(mtu, positive=True)
        if size is None:
            raise XMLError("malformed mtu size")
        net.mtu = size
    frames = _attr_text(el, "coalesce/rx/frames", "max")
    if frames is not None:
        value = cnum.to_ullong(frames)
        if value is None:
            raise XenvirshError(f"cannot parse value '{frames}' for coalesce parameter")
        if value > _UINT_MAX:
            raise XenvirshError(f"numerical overflow: value '{value}' is too big for coalesce "
                                f"parameter, maximum is '{_UINT_MAX}'")
        extras.coalesce_rx_frames = value
    port = el.find("port")
    if port is not None:
        extras.isolated_port = props.tristate(port, "isolated")


def _attr_text(el: Element, path: str, attr: str) -> Optional[str]:
    """XPath string(./path/@attr): None when missing or empty."""
    node = el.find(path)
    return node.get(attr) or None if node is not None else None


# --- writing ----------------------------------------------------------------------


def write_interface(out: Out, net: Interface, *, inactive: bool) -> None:
    extras = net.extras
    managed = "yes" if net.type == "hostdev" and net.managed else None
    out.open("interface", [("type", net.type), ("managed", managed),
                           ("trustGuestRxFilters", yesno(extras.trust_guest_rx_filters))])
    out.empty("mac", [("address", net.mac), ("type", extras.mac_type),
                      ("check", yesno(extras.mac_check))])
    if net.hostdev_other is not None:
        write_subsys(out, net.hostdev_other, with_type=True)
    else:
        if net.type == "hostdev":
            out.empty("driver", [("name", net.hostdev_driver)])
        _write_source(out, net)
    _write_vlan(out, net)
    _write_virtualport(out, net)
    _write_bandwidth(out, net)
    out.empty("port", [("isolated", yesno(extras.isolated_port))])
    write_ip_info(out, net.ips, extras.routes)
    for forward in extras.port_forwards:
        ranges = Out()
        for start, end, to, exclude in forward.ranges:
            attrs = [("start", start or None), ("end", end or None if start else None),
                     ("to", to or None if start else None), ("exclude", yesno(exclude))]
            ranges.empty("range", attrs)
        out.element("portForward", [("proto", forward.proto), ("address", forward.address),
                                    ("dev", forward.dev)], ranges, always=True)
    out.empty("script", [("path", net.script)])
    out.empty("downscript", [("path", extras.downscript)])
    out.empty("backenddomain", [("name", net.backend_domain)])
    ifname = net.ifname
    if (ifname and extras.managed_tap is not False and inactive
            and ifname.startswith(GENERATED_IFNAMES)):
        ifname = None
    out.empty("target", [("dev", ifname), ("managed", yesno(extras.managed_tap))])
    out.empty("guest", [("dev", extras.guest_dev), ("actual", extras.guest_actual)])
    if net.model is not None:
        out.empty("model", [("type", net.model)])
        if is_virtio(net):
            _write_driver(out, net)
    out.empty("backend", [("type", extras.backend_type), ("tap", extras.backend_tap),
                          ("vhost", extras.backend_vhost), ("logFile", extras.backend_logfile)])
    if net.filter is not None:
        out.empty("filterref", [("filter", net.filter)])
    if extras.sndbuf is not None:
        out.open("tune")
        out.text_element("sndbuf", extras.sndbuf)
        out.close("tune")
    write_teaming(out, extras.teaming_type, extras.teaming_persistent)
    out.empty("link", [("state", net.link_state)])
    out.empty("mtu", [("size", net.mtu or None)])
    if extras.coalesce_rx_frames:
        out.open("coalesce")
        out.open("rx")
        out.empty("frames", [("max", extras.coalesce_rx_frames)])
        out.close("rx")
        out.close("coalesce")
    write_device_info(out, net.info, allow_boot=True, allow_rom=True)
    out.close("interface")


def _write_source(out: Out, net: Interface) -> None:
    extras = net.extras
    kind = net.type
    attrs: List[Tuple[str, Optional[object]]] = []
    children = Out()
    if kind == "network":
        attrs = [("network", net.network), ("portgroup", net.portgroup)]
    elif kind == "vhostuser" and extras.backend_type != "passt":
        attrs = [("type", "unix"), ("path", extras.vhostuser_path),
                 ("mode", "server" if extras.vhostuser_server else "client")]
        if extras.reconnect.enabled:
            write_reconnect(children, extras.reconnect)
    elif kind == "bridge":
        attrs = [("bridge", net.bridge)]
    elif kind in ("server", "client", "mcast", "udp"):
        attrs = [("address", extras.socket_address), ("port", extras.socket_port)]
        if kind == "udp":
            children.empty("local", [("address", extras.local_address),
                                     ("port", extras.local_port)])
    elif kind == "internal":
        attrs = [("name", extras.internal_name)]
    elif kind == "direct":
        attrs = [("dev", extras.source_dev), ("mode", extras.direct_mode)]
    elif kind == "hostdev" and net.hostdev_pci is not None:
        children.empty("address", [("type", "pci")] + pci_attrs(net.hostdev_pci))
    elif kind == "vdpa":
        attrs = [("dev", extras.source_dev)]
    elif kind == "vds":
        attrs = [("switchid", extras.vds_switchid), ("portid", extras.vds_portid),
                 ("portgroupid", extras.vds_portgroupid),
                 ("connectionid", extras.vds_connectionid)]
    if extras.backend_type == "passt":
        attrs.append(("dev", extras.source_dev))
    write_ip_info(children, extras.host_ips, extras.host_routes)
    out.element("source", attrs, children)


def write_ip_info(out: Out, ips: List[IPAddress], routes: List[NetRoute]) -> None:
    for ip in ips:
        out.empty("ip", [("address", ip.address), ("family", ip.family),
                         ("prefix", ip.prefix or None), ("peer", ip.peer)])
    for route in routes:
        out.empty("route", [("family", route.family), ("address", route.address),
                            ("netmask", route.netmask), ("prefix", route.prefix),
                            ("gateway", route.gateway), ("metric", route.metric)])


def _write_vlan(out: Out, net: Interface) -> None:
    if not net.vlan_tags:
        return
    native = next((t for t in net.vlan_tags if t.native_mode), None)
    out.open("vlan", [("trunk", "yes" if net.vlan_trunk else None)])
    for tag in net.vlan_tags:
        mode = native.native_mode if native is not None and tag.id == native.id else None
        out.empty("tag", [("id", tag.id), ("nativeMode", mode)])
    out.close("vlan")


def _write_virtualport(out: Out, net: Interface) -> None:
    if net.virtualport is None:
        return
    kind = net.virtualport or "none"
    params = Out()
    values = [(name, net.virtualport_params.get(name))
              for name, kinds in enums.VIRTUALPORT_PARAMS.items() if kind in kinds]
    params.empty("parameters", values)
    if not params.lines and kind == "none":
        return
    out.element("virtualport", [("type", net.virtualport or None)], params)


def _write_bandwidth(out: Out, net: Interface) -> None:
    if net.inbound is None and net.outbound is None:
        return
    children = Out()
    for tag, rate in (("inbound", net.inbound), ("outbound", net.outbound)):
        # libvirt prints a rate only when it has an average or a floor
        if rate is not None and (rate.average or rate.floor):
            children.empty(tag, [("average", rate.average or None),
                                 ("peak", rate.peak or None), ("floor", rate.floor or None),
                                 ("burst", rate.burst or None)])
    out.open("bandwidth")
    out.lines.extend("  " * out.depth + line for line in children.lines)
    out.close("bandwidth")


def _write_driver(out: Out, net: Interface) -> None:
    drv = net.extras.driver
    attrs = props.attr_values(drv, _DRIVER_SPECS)
    attrs = [(name, value or None if name.endswith(("queues", "_size")) else value)
             for name, value in attrs]
    attrs += props.attr_values(net.extras.virtio, VIRTIO_OPTIONS)
    children = Out()
    children.empty("host", [(name, onoff(drv.host.get(name))) for name in _OFFLOADS_HOST])
    children.empty("guest", [(name, onoff(drv.guest.get(name))) for name in _OFFLOADS_GUEST])
    out.element("driver", attrs, children)
