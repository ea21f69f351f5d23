"""vif entries, both ways; expectations checked against libvirt 11.3.0 (lvconv)."""

from __future__ import annotations

from typing import Any, Dict

import pytest

from xenvirsh.errors import InternalError, InvalidArgument, NoNetwork, SystemError_, XenvirshError
from xenvirsh.formats import virconf
from xenvirsh.formats.xen.vif import format_vif_list, parse_vif
from xenvirsh.host import TEST_HOST
from xenvirsh.model.domain import Bandwidth, Domain, Interface, IPAddress, VlanTag


@pytest.mark.parametrize("entry, fields", [
    ("", {"type": "ethernet", "mac": "00:00:00:00:00:00"}),
    ("mac=00:16:3E:0:0:1", {"mac": "00:16:3e:00:00:01"}),
    (" mac=00:16:3e:00:00:01 , bridge=br0", {"type": "bridge", "bridge": "br0"}),
    ("bridge=br0,bridge=br1", {"bridge": "br1"}),
    ("bridge=", {"type": "bridge", "bridge": ""}),
    ("bridge=br0.10", {"bridge": "br0", "vlan_tags": [VlanTag(10)], "vlan_trunk": False,
                       "virtualport": "openvswitch"}),
    ("bridge=br0:10:20", {"bridge": "br0", "vlan_tags": [VlanTag(10), VlanTag(20)],
                          "vlan_trunk": True, "virtualport": "openvswitch"}),
    ("bridge=br0.-1", {"vlan_tags": [VlanTag(4294967295)]}),
    ("script=vif-bridge", {"type": "bridge", "bridge": None, "script": "vif-bridge"}),
    ("script=vif-vnic", {"type": "bridge"}),
    ("script=vif-route", {"type": "ethernet", "script": "vif-route"}),
    ("script=", {"type": "ethernet", "script": None}),
    ("ip=10.1 2000:0::1", {"ips": [IPAddress("10.0.0.1", "ipv4"), IPAddress("2000::1", "ipv6")]}),
    ("ip=", {"ips": []}),
    ("model=E1000", {"model": "e1000"}),
    ("model=my_nic-2", {"model": "my_nic-2"}),
    ("model=unknown", {"model": None}),
    ("model=", {"model": ""}),
    ("type=vif", {"model": "netfront"}),
    ("type=netfront", {"model": None}),
    ("type=vif,model=rtl8139", {"model": "rtl8139"}),
    ("vifname=myvif", {"ifname": "myvif"}),
    ("vifname=", {"ifname": None}),
    ("rate=10MB/s@20ms", {"outbound": Bandwidth(average=10240)}),
    ("backend=dom1,mtu=9000,gatewaydev=eth0,bridge=xenbr0", {"bridge": "xenbr0"}),
])
def test_parse(entry: str, fields: Dict[str, Any]) -> None:
    net = parse_vif(entry, "vif")
    assert {name: getattr(net, name) for name in fields} == fields


@pytest.mark.parametrize("entry, kind, message", [
    ("bridge=br0,", InternalError,
     "internal error: vif entry 'bridge=br0,': an empty item (extra comma) is not a key=value "
     "pair"),
    ("bridge=br0,trusted", InternalError,
     "internal error: vif entry 'bridge=br0,trusted': item 'trusted' is not a key=value pair"),
    ("mac=zz:00:00:00:00:00", InternalError,
     "internal error: malformed mac address 'zz:00:00:00:00:00'"),
    ("bridge=br0.x", InternalError,
     "internal error: vif entry 'bridge=br0.x': invalid VLAN tag 'x' in bridge"),
    ("bridge=br0.10:20", InternalError,
     "internal error: vif entry 'bridge=br0.10:20': invalid VLAN tag '10:20' in bridge"),
    ("ip=bogus", SystemError_,
     "Cannot parse socket address 'bogus': Name or service not known"),
    ("ip=1.2.3.4  5.6.7.8", SystemError_,
     "Cannot parse socket address '': Name or service not known"),
    ("model=bad model", InvalidArgument,
     "invalid argument: Model name contains invalid characters"),
    ("rate=fast", InternalError, "internal error: Invalid rate 'fast' specified"),
])
def test_parse_errors(entry: str, kind: type, message: str) -> None:
    with pytest.raises(XenvirshError) as err:
        parse_vif(entry, "vif")
    assert (type(err.value), str(err.value)) == (kind, message)


def _format(nets: list, hvm: bool, dialect: str = "xl") -> str:  # type: ignore[type-arg]
    dom = Domain()
    dom.os.type = "hvm" if hvm else "xen"
    dom.devices.interfaces = nets
    conf = virconf.Conf()
    format_vif_list(conf, dom, TEST_HOST, dialect)
    return conf.dumps()


MAC = "00:16:3e:66:92:9c"


@pytest.mark.parametrize("net, hvm, text", [
    (Interface(mac=MAC, bridge="xenbr1"), True, f"mac={MAC},bridge=xenbr1,script=vif-bridge"),
    (Interface(mac=MAC, bridge="br0", script=""), False, f"mac={MAC},bridge=br0,script="),
    (Interface(mac=MAC, bridge="br0", virtualport="openvswitch",
               vlan_tags=[VlanTag(42), VlanTag(43)], vlan_trunk=True), True,
     f"mac={MAC},bridge=br0:42:43,script=vif-openvswitch"),
    (Interface(mac=MAC, bridge="br0", virtualport="openvswitch", vlan_tags=[VlanTag(42)],
               script="s"), True, f"mac={MAC},bridge=br0.42,script=s"),
    (Interface(mac=MAC, bridge="br0", vlan_tags=[VlanTag(42)]), True,
     f"mac={MAC},bridge=br0,script=vif-bridge"),
    (Interface(mac=MAC, bridge="b", ips=[IPAddress("10.0.0.1"), IPAddress("2000:0::1")]), True,
     f"mac={MAC},bridge=b,ip=10.0.0.1 2000::1,script=vif-bridge"),
    (Interface(mac=MAC, type="ethernet", script="vif-route", ips=[IPAddress("10.0.0.2")]), False,
     f"mac={MAC},script=vif-route,ip=10.0.0.2"),
    (Interface(mac=MAC, type="ethernet"), False, f"mac={MAC}"),
    (Interface(mac=MAC, bridge="b", model="netfront"), True,
     f"mac={MAC},bridge=b,script=vif-bridge,type=vif"),
    (Interface(mac=MAC, bridge="b", model="netfront"), False,
     f"mac={MAC},bridge=b,script=vif-bridge,model=netfront"),
    (Interface(mac=MAC, bridge="b", model="e1000", ifname="v0",
               outbound=Bandwidth(average=10240)), True,
     f"mac={MAC},bridge=b,script=vif-bridge,model=e1000,vifname=v0,rate=10240KB/s"),
])
def test_format(net: Interface, hvm: bool, text: str) -> None:
    assert _format([net], hvm) == f'vif = [ "{text}" ]\n'


def test_format_xm_netfront() -> None:
    net = Interface(mac=MAC, bridge="b", model="netfront")
    assert _format([net], True, "xm") == (
        f'vif = [ "mac={MAC},bridge=b,script=vif-bridge,type=netfront" ]\n'
    )


def test_format_nothing_without_interfaces() -> None:
    assert _format([], True) == ""


def test_format_errors() -> None:
    with pytest.raises(NoNetwork, match="^Network not found: default$"):
        _format([Interface(mac=MAC, type="network", network="default")], True)
    with pytest.raises(XenvirshError) as err:
        _format([Interface(mac=MAC, type="user")], True)
    assert str(err.value) == "unsupported configuration: Unsupported net type 'user'"
