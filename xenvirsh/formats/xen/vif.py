"""The ``vif`` list of xl and xm configs, both ways (libvirt's xenParseVif,
xenParseVifBridge and xenFormatNet).

Parse: each entry is ``key=value`` items separated by commas; the keys libvirt
knows are ``mac bridge script model type vifname ip rate`` (the last of each
wins), everything else is dropped. An item without ``=`` makes libvirt fail
without a message; here it is an error that names the item. Format: ``mac``,
then the bridge or ethernet part, ``model``/``type``, ``vifname``, ``rate``.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple

from xenvirsh import cnum
from xenvirsh.errors import (
    ConfigUnsupported,
    InternalError,
    InvalidArgument,
    NoNetwork,
    SystemError_,
)
from xenvirsh.formats.virconf import Conf
from xenvirsh.formats.xen.rate import format_rate, parse_rate
from xenvirsh.host import Host
from xenvirsh.model import enums
from xenvirsh.model.domain import Bandwidth, Domain, Interface, IPAddress, VlanTag
from xenvirsh.model.ids import parse_mac

_KEYS = ("mac", "bridge", "script", "model", "type", "vifname", "ip", "rate")
# scripts that make a vif without a bridge a bridged one (Linux and Solaris defaults)
_BRIDGE_SCRIPTS = ("vif-bridge", "vif-vnic")
_NET_MODELS = {name.lower(): name for name in enums.NET_MODELS}
_MODEL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


def _netfront_type(dialect: str) -> str:
    """The vif ``type=`` that stands for the netfront model: xl says vif, xm netfront."""
    return "vif" if dialect == "xl" else "netfront"


def parse_vif_list(conf: Conf, dialect: str) -> List[Interface]:
    """The interfaces of the ``vif`` list; entries that are not strings are skipped."""
    value = conf.get("vif")
    if not isinstance(value, list):
        return []
    typename = _netfront_type(dialect)
    return [parse_vif(item, typename) for item in value if isinstance(item, str)]


def _items(entry: str) -> Dict[str, str]:
    found: Dict[str, str] = {}
    # libvirt's g_strsplit gives no items at all for an empty entry
    for item in entry.split(",") if entry else ():
        key, equals, value = item.lstrip(cnum.BLANKS).partition("=")
        if not equals:
            what = f"item '{item}' is not" if item else "an empty item (extra comma) is not"
            raise InternalError(f"vif entry '{entry}': {what} a key=value pair")
        if key in _KEYS:
            found[key] = value
    return found


def parse_vif(entry: str, typename: str) -> Interface:
    """One interface from a vif entry; ``typename`` is the ``type=`` meaning netfront."""
    items = _items(entry)
    net = Interface(mac="00:00:00:00:00:00")  # the native parsers never make MACs up
    mac = items.get("mac")
    if mac is not None:
        net.mac = parse_mac(mac)
        if net.mac is None:
            raise InternalError(f"malformed mac address '{mac}'")
    bridge = items.get("bridge")
    script = items.get("script")
    if bridge is not None or script in _BRIDGE_SCRIPTS:
        net.type = "bridge"
        if bridge is not None:
            _parse_bridge(net, bridge, entry)
    else:
        net.type = "ethernet"
    ips = items.get("ip")
    if ips:
        net.ips = [_parse_ip(address) for address in ips.split(" ")]
    if script:
        net.script = script
    model = items.get("model")
    if model is not None:
        net.model = _model(model)
    elif items.get("type") == typename:
        net.model = "netfront"
    if items.get("vifname"):
        net.ifname = items["vifname"]
    rate = items.get("rate")
    if rate is not None:
        net.outbound = Bandwidth(average=parse_rate(rate))
    return net


def _parse_bridge(net: Interface, bridge: str, entry: str) -> None:
    """``br``, ``br.TAG`` (Open vSwitch VLAN) or ``br:T1:T2...`` (Open vSwitch trunk)."""
    if "." in bridge:
        net.bridge, _, tag = bridge.partition(".")
        tags = [tag]
    elif ":" in bridge:
        net.bridge, *tags = bridge.split(":")
        net.vlan_trunk = True
    else:
        net.bridge = bridge
        return
    for tag in tags:
        number = cnum.to_uint(tag)
        if number is None:
            raise InternalError(f"vif entry '{entry}': invalid VLAN tag '{tag}' in bridge")
        net.vlan_tags.append(VlanTag(number))
    net.virtualport = "openvswitch"


def _model(name: str) -> Optional[str]:
    """virDomainNetSetModelString: a known model (any case), or a plain name."""
    known = _NET_MODELS.get(name.lower())
    if known is not None:
        return None if known == "unknown" else known
    if not _MODEL_CHARS.issuperset(name):
        raise InvalidArgument("Model name contains invalid characters")
    return name


def _parse_ip(text: str) -> IPAddress:
    address, family = _numeric_address(text)
    return IPAddress(address=address, family=family)


def _numeric_address(text: str) -> Tuple[str, Optional[str]]:
    """virSocketAddrParse then virSocketAddrFormat: getaddrinfo(AI_NUMERICHOST);
    the address and its family ("ipv4", "ipv6")."""
    # the C socket module, loaded when an address is first met (socket.py
    # adds only enums, and they take milliseconds to set up at start)
    import _socket as socket

    try:
        info = socket.getaddrinfo(text.encode("utf-8", "surrogateescape"), None,
                                  flags=socket.AI_NUMERICHOST)
    except socket.gaierror as err:
        raise SystemError_(f"Cannot parse socket address '{text}': {err.strerror}") from None
    family, _, _, _, sockaddr = info[0]
    return str(sockaddr[0]), {socket.AF_INET: "ipv4", socket.AF_INET6: "ipv6"}.get(family)


def format_vif_list(conf: Conf, dom: Domain, host: Host, dialect: str) -> None:
    typename = _netfront_type(dialect)
    entries = [_format_vif(net, dom.is_hvm, typename, host) for net in dom.devices.interfaces]
    if entries:
        conf.set("vif", entries)  # type: ignore[arg-type]  # a list of strings


def _format_vif(net: Interface, hvm: bool, typename: str, host: Host) -> str:
    parts = [f"mac={net.mac}"]
    if net.type == "bridge":
        parts.append(_format_bridge(net, host))
    elif net.type == "ethernet":
        if net.script is not None:
            parts.append(f",script={net.script}")
        if net.ips:
            parts.append(f",ip={ip_list(net)}")
    elif net.type == "network":
        # xenvirsh has no network driver to ask for the network's bridge
        raise NoNetwork(net.network or "")
    else:
        raise ConfigUnsupported(f"Unsupported net type '{net.type}'")
    if net.model is not None:
        if hvm and net.model == "netfront":
            parts.append(f",type={typename}")
        else:
            parts.append(f",model={net.model}")
    if net.ifname is not None:
        parts.append(f",vifname={net.ifname}")
    rate = format_rate(net)
    if rate is not None:
        parts.append(f",rate={rate}")
    return "".join(parts)


def _format_bridge(net: Interface, host: Host) -> str:
    text = f",bridge={net.bridge}"
    script = net.script
    if net.virtualport == "openvswitch":
        script = "vif-openvswitch" if script is None else script
        if net.vlan_tags:
            if net.vlan_trunk:
                text += "".join(f":{cnum.as_int(tag.id)}" for tag in net.vlan_tags)
            else:
                text += f".{cnum.as_int(net.vlan_tags[0].id)}"
    if net.ips:
        text += f",ip={ip_list(net)}"
    return text + f",script={host.default_vif_script if script is None else script}"


def ip_list(net: Interface) -> str:
    """xenMakeIPList: the guest addresses, canonical and space separated."""
    return " ".join(_canonical(ip.address) for ip in net.ips)


def _canonical(address: str) -> str:
    try:
        return _numeric_address(address)[0]
    except SystemError_:
        return address
