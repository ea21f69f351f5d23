"""The device lists of a ``libxl_domain_config``, as libvirt's libxl driver builds them.

One function per libvirt ``libxlMake*`` step (``src/libxl/libxl_conf.c`` in
libvirt 11.3.0); each returns plain IDL values (see
:mod:`xenvirsh.formats.libxl.idl`) and raises libvirt's error for what it
refuses.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from xenvirsh.errors import (
    ConfigUnsupported,
    InternalError,
    NoNetwork,
    NoSecret,
    NoSupport,
    OperationFailed,
    OperationInvalid,
)
from xenvirsh.formats.xen.vif import ip_list
from xenvirsh.host import Host
from xenvirsh.model.devlist import hostdevs
from xenvirsh.model.domain import (
    ChrDevice,
    Disk,
    Domain,
    Graphics,
    Hostdev,
    Interface,
    PCIAddress,
)

Value = Dict[str, Any]

VNC_PORT_MIN = 5900  # LIBXL_VNC_PORT_MIN: VNC display 0
_LOOPBACK = "127.0.0.1"  # VIR_LOOPBACK_IPV4_ADDR
_USB_PORTS = 8  # ports of the USB controllers libvirt adds or defaults


class PortAllocator:
    """libvirt's "vnc" port range: each acquired port is used once per domain."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.used: set[int] = set()

    def acquire(self) -> int:
        host = self.host
        for port in range(host.vnc_port_min, host.vnc_port_max + 1):
            if port in self.used or (host.vnc_port_free and not host.vnc_port_free(port)):
                continue
            self.used.add(port)
            return port
        raise InternalError(f"Unable to find an unused port in range 'vnc' "
                            f"({host.vnc_port_min}-{host.vnc_port_max})")


# --- disks (libxlMakeDisk) ---------------------------------------------------

# driver name -> {disk format: (libxl format, libxl backend)}
_DISK_DRIVERS: Dict[str, Dict[str, Tuple[str, str]]] = {
    "tap": {"qcow": ("qcow", "qdisk"), "qcow2": ("qcow2", "qdisk"), "vhd": ("vhd", "tap"),
            "raw": ("raw", "tap"), "qed": ("qed", "qdisk")},
    "qemu": {"qcow": ("qcow", "qdisk"), "qcow2": ("qcow2", "qdisk"), "qed": ("qed", "qdisk"),
             "vhd": ("vhd", "qdisk"), "raw": ("raw", "qdisk")},
    "file": {"raw": ("raw", "qdisk")},
    "phy": {"raw": ("raw", "phy")},
}
_DISK_DRIVERS["tap2"] = _DISK_DRIVERS["tap"]


def disk(dev: Disk) -> Value:
    driver = dev.driver_name
    if dev.type == "network":
        if driver != "qemu":
            raise OperationInvalid("only the 'qemu' driver can be used with network disks")
        path: Optional[str] = _network_disk_source(dev)
    else:
        path = dev.path
    out: Value = {"pdev_path": path, "vdev": dev.dst}
    if driver is None:
        # xl's default format; libxl picks the backend
        out["format"], out["backend"] = "raw", "unknown"
    else:
        formats = _DISK_DRIVERS.get(driver)
        if formats is None:
            raise InternalError(f"libxenlight does not support disk driver {driver}")
        pair = formats.get(dev.format or "")
        if pair is None:
            raise InternalError(f"libxenlight does not support disk format {dev.format or 'none'} "
                                f"with disk driver {driver}")
        out["format"], out["backend"] = pair
    out["removable"] = 1
    out["readwrite"] = 0 if dev.readonly else 1
    out["is_cdrom"] = 1 if dev.device == "cdrom" else 0
    if not dev.readonly and dev.discard in ("unmap", "ignore"):
        out["discard_enable"] = dev.discard == "unmap"
    if out["is_cdrom"] and path is None:
        out["format"] = "empty"  # libxl refuses an empty CD-ROM of any other format
    if dev.transient:
        raise InternalError("libxenlight does not support transient disks")
    out["backend_domname"] = dev.backend_domain
    return out


def _network_disk_source(dev: Disk) -> str:
    """libxlMakeNetworkDiskSrcStr: qemu's rbd: string; other protocols are refused."""
    if dev.protocol != "rbd":
        raise NoSupport(f"Unsupported network block protocol '{dev.protocol}'")
    pool, _, image = (dev.path or "").partition("/")
    if dev.auth is not None:
        # the key comes from libvirt's secret driver, which xenvirsh does not have
        auth = dev.auth
        if auth.secret_uuid:
            raise NoSecret(f"no secret with matching uuid '{auth.secret_uuid}'")
        raise NoSecret(f"no secret with matching usage '{auth.secret_usage or ''}'")
    if ":" in image:
        raise ConfigUnsupported(f"':' not allowed in RBD source volume name '{image}'")
    text = f"rbd:{pool}/{image}:auth_supported=none"
    if dev.hosts:
        monitors = []
        for mon in dev.hosts:
            name = mon.name or ""
            # a name with a colon is taken for an IPv6 address
            item = "[" + name.replace(":", "\\:") + "]" if ":" in name else name
            if mon.port:
                item += f"\\:{mon.port}"
            monitors.append(item)
        text += ":mon_host=" + "\\;".join(monitors)
    return text


# --- network interfaces (libxlMakeNic) ---------------------------------------


def nics(dom: Domain, host: Host) -> List[Value]:
    out: List[Value] = []
    for net in dom.devices.interfaces:
        if net.type == "hostdev":
            continue  # a PCI device, passed through with the pcidevs
        nic = _nic(dom, net, host)
        nic["devid"] = len(out)
        out.append(nic)
    return out


def _nic(dom: Domain, net: Interface, host: Host) -> Value:
    if net.script and net.type not in ("bridge", "ethernet"):
        raise ConfigUnsupported(
            "specifying a script is only supported with interface types bridge and ethernet"
        )
    out: Value = {"mac": net.mac}
    if net.model:
        if dom.os.type in ("xen", "linux", "xenpvh") and net.model != "netfront":
            raise ConfigUnsupported("only model 'netfront' is supported for Xen PV(H) domains")
        out["model"] = net.model
        out["nictype"] = "vif" if net.model == "netfront" else "vif_ioemu"
    else:
        # an HVM guest gets both an emulated and a PV NIC, as xl gives it
        out["nictype"] = "vif_ioemu" if dom.is_hvm else "vif"
    out["ifname"] = net.ifname
    if net.type in ("bridge", "ethernet"):
        script = net.script
        if net.type == "bridge":
            bridge = net.bridge or ""
            if net.virtualport == "openvswitch":
                script = script or "vif-openvswitch"
                bridge += _ovs_vlans(net)
            out["bridge"] = bridge or None
        out["script"] = script
        out["ip"] = ip_list(net) if net.ips else None
    elif net.type == "network":
        out["ip"] = ip_list(net) if net.ips else None
        name = net.network or ""
        out["bridge"] = host.network_bridge(name)
        if out["bridge"] is None:
            raise NoNetwork(f"no network with matching name '{name}'")
    else:
        raise ConfigUnsupported(f"unsupported interface type {net.type}")
    out["backend_domname"] = net.backend_domain
    average = net.outbound.average if net.outbound else None
    if average:
        # libvirt's KiB/s as credit per xl's default 50 ms interval
        out["rate_bytes_per_interval"] = average * 1024 * 50000 // 1000000
        out["rate_interval_usecs"] = 50000
    return out


def _ovs_vlans(net: Interface) -> str:
    """The BRIDGE[.VLAN][:TRUNK:TRUNK] suffix of Xen's vif-openvswitch script."""
    if not net.vlan_tags:
        return ""
    if net.vlan_trunk:
        return "".join(f":{tag.id}" for tag in net.vlan_tags)
    return f".{net.vlan_tags[0].id}"


# --- graphics (libxlMakeVfb, libxlMakeBuildInfoVfb) --------------------------


def vfb(gfx: Graphics, ports: PortAllocator) -> Value:
    if gfx.type == "sdl":
        return {"vnc": {"enable": False},
                "sdl": {"enable": True, "opengl": False, "display": gfx.display,
                        "xauthority": gfx.xauth}}
    if gfx.type == "vnc":
        port = ports.acquire() if gfx.autoport else gfx.port
        vnc = {"enable": True, "findunused": False, "display": port - VNC_PORT_MIN,
               "listen": gfx.listens[0].address if gfx.listens else None,
               "passwd": gfx.passwd}
        return {"vnc": vnc, "sdl": {"enable": False}, "keymap": gfx.keymap}
    if gfx.type == "spice":
        return {"vnc": {"enable": False}, "sdl": {"enable": False}}
    raise ConfigUnsupported(f"unsupported graphics type {gfx.type}")


def hvm_display(dom: Domain, vfbs: List[Value], ports: PortAllocator, hvm: Value) -> None:
    """Mirror the first display into ``type.hvm``: SPICE if any, else the first vfb."""
    spice = next((g for g in dom.devices.graphics if g.type == "spice"), None)
    if spice is not None:
        _spice(spice, ports, hvm)
        return
    first = vfbs[0]
    if first["vnc"]["enable"]:
        hvm["vnc"] = dict(first["vnc"])
    elif first["sdl"]["enable"]:
        hvm["sdl"] = dict(first["sdl"])
    hvm["keymap"] = first.get("keymap")


def _spice(gfx: Graphics, ports: PortAllocator, hvm: Value) -> None:
    spice: Value = {"enable": True, "port": ports.acquire() if gfx.autoport else gfx.port}
    if gfx.listens:
        spice["host"] = gfx.listens[0].address or _LOOPBACK
    hvm["keymap"] = gfx.keymap
    spice["passwd"] = gfx.passwd
    spice["disable_ticketing"] = gfx.passwd is None
    spice["agent_mouse"] = gfx.mouse_mode != "server"  # client mode is xl's default
    spice["vdagent"] = spice["clipboard_sharing"] = gfx.copypaste is True
    hvm["spice"] = spice


# --- host devices (libxlMakePCIList, libxlMakeUSBControllerList, libxlMakeUSBList) ---


def pci_devices(dom: Domain) -> List[Value]:
    """Interfaces of type hostdev first: libvirt lists them before <hostdev>s."""
    out = [_pci(net.hostdev_pci, None) for net in dom.devices.interfaces
           if net.type == "hostdev" and net.hostdev_pci is not None]
    # a <hostdev> without a source address stands for PCI device 0000:00:00.0
    out += [_pci(dev.pci or PCIAddress(), dev.write_filtering) for dev in dom.devices.hostdevs
            if dev.type == "pci"]
    return out


def _pci(addr: PCIAddress, write_filtering: Optional[bool]) -> Value:
    return {"domain": addr.domain, "bus": addr.bus, "dev": addr.slot, "func": addr.function,
            "permissive": write_filtering is False}


def usb_controllers(dom: Domain) -> List[Value]:
    ctrls = [c for c in dom.devices.controllers if c.type == "usb"]
    if not ctrls:
        # enough default controllers for the USB host devices
        count = -(-sum(1 for h in hostdevs(dom) if h.type == "usb") // _USB_PORTS)
        return [{"devid": index, "type": "qusb", "version": 2, "ports": _USB_PORTS}
                for index in range(count)]
    out = []
    for ctrl in ctrls:
        versions = {None: 2, "qusb1": 1, "qusb2": 2}
        if ctrl.model not in versions:
            raise ConfigUnsupported("unsupported usb model")
        out.append({"devid": ctrl.index, "type": "qusb", "version": versions[ctrl.model],
                    "ports": _USB_PORTS if ctrl.ports is None else ctrl.ports})
    return out


def usb_devices(dom: Domain, host: Host) -> List[Value]:
    """libvirt's def->hostdevs include those of <interface type='hostdev'>."""
    return [_usb(dev, host) for dev in hostdevs(dom) if dev.type == "usb"]


def _usb(dev: Hostdev, host: Host) -> Value:
    where: Optional[Tuple[int, int]] = (dev.usb_bus, dev.usb_device)
    if not (dev.usb_bus > 0 and dev.usb_device > 0):
        where = host.find_usb_device(dev.usb_vendor, dev.usb_product)
    if where is None:
        raise OperationFailed(f"failed to find USB device busnum:devnum for "
                              f"{dev.usb_vendor or 0:x}:{dev.usb_product or 0:x}")
    bus, device = where
    # libvirt never sets the union's key (type hostdev), so libxl writes none of it
    return {"u": {"hostbus": bus, "hostaddr": device}}


# --- channels (libxlMakeChannelList) -----------------------------------------


def channels(dom: Domain, host: Host) -> List[Value]:
    return [_channel(chan, dom.name, host) for chan in dom.devices.channels]


def _channel(chan: ChrDevice, domain_name: str, host: Host) -> Value:
    src = chan.source
    path = src.path
    if chan.target_type == "xen" and src.type == "unix" and not path:
        path = f"{host.channel_dir}/{domain_name}-{chan.target_name or 'unknown.sock'}"
    if chan.target_type != "xen":
        raise ConfigUnsupported("channel target type not supported")
    out: Value = {}
    if src.type == "pty":
        out["connection"] = "pty"
    elif src.type == "unix":
        out["connection"] = "socket"
        out["u"] = {"path": path}
    else:
        # libvirt reports "channel source type not supported" but goes on
        out["connection"] = "unknown"
    if not chan.target_name:
        raise OperationInvalid("channel target name missing")
    out["name"] = chan.target_name
    return out
