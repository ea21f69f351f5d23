"""libvirt 5.5.0's xenFormatSxpr: the model to a xend ``(vm ...)`` S-expression.

The order and quoting are libvirt's (FORMATS.md §13.2); errors are libvirt's.
"""

from __future__ import annotations

from typing import List, Optional, Tuple

from xenvirsh.errors import ConfigUnsupported, InternalError, NoNetwork
from xenvirsh.formats.sexpr import Quoted, SExpr, make
from xenvirsh.formats.xen.chardev import format_chardev
from xenvirsh.formats.xen.rate import format_rate
from xenvirsh.formats.xen.sound import format_soundhw
from xenvirsh.formats.xen.vif import ip_list
from xenvirsh.host import Host
from xenvirsh.limits import check_native_output
from xenvirsh.model import enums
from xenvirsh.model.bitmap import format_bitmap
from xenvirsh.model.domain import (
    ChrDevice,
    Clock,
    Disk,
    Domain,
    Graphics,
    Input,
    Interface,
    PCIAddress,
)

_USB_INPUTS = ("mouse", "tablet", "keyboard")
_BOOT_LETTERS = {"fd": "a", "hd": "c", "cdrom": "d", "network": "n"}
_ZERO_MAC = "00:00:00:00:00:00"
_ULLONG = 1 << 64


def format_domain(dom: Domain, host: Host) -> SExpr:
    """xenFormatSxpr: the ``(vm ...)`` list of a domain."""
    hvm = dom.is_hvm
    vm = make("vm", make("name", Quoted(dom.name)),
              make("memory", _mib(dom.current_memory_kib)), make("maxmem", _mib(dom.memory_kib)))
    vm.items += _vcpu_items(dom)
    if dom.cpumask is not None:
        vm.items.append(make("cpus", Quoted(format_bitmap(dom.cpumask))))
    vm.items.append(make("uuid", Quoted(dom.uuid)))
    if dom.description is not None:
        vm.items.append(make("description", Quoted(dom.description)))
    if dom.os.bootloader is not None:
        vm.items.append(make("bootloader", Quoted(dom.os.bootloader))
                        if dom.os.bootloader else make("bootloader"))
        if dom.os.bootloader_args is not None:
            vm.items.append(make("bootloader_args", Quoted(dom.os.bootloader_args)))
    for event in ("poweroff", "reboot", "crash"):
        vm.items.append(make(f"on_{event}", Quoted(getattr(dom, f"on_{event}"))))
    localtime, image = _image(dom)
    vm.items += [image, make("localtime", localtime)]
    for disk in dom.devices.disks:
        if not (hvm and disk.device == "floppy"):  # xend wanted HVM floppies elsewhere
            vm.items.append(make("device", _disk_sx(disk, hvm)))
    for net in dom.devices.interfaces:
        vm.items.append(make("device", _net_sx(net, hvm, host)))
    pci = _pci_sx(dom)
    if pci is not None:
        vm.items.append(pci)
    if not hvm and len(dom.devices.graphics) == 1:
        vfb = make("vfb", *_graphics_sx(dom.devices.graphics[0], "type"))
        vm.items += [make("device", make("vkbd")), make("device", vfb)]
    return vm


def _mib(kib: int) -> int:
    return -(-kib // 1024)


def _vcpu_items(dom: Domain) -> List[SExpr]:
    items = [make("vcpus", dom.vcpus_max)]
    if dom.vcpus < dom.vcpus_max:
        # (1UL << n) - 1 on a 64-bit machine, whose shift counts modulo 64
        mask = ((1 << (dom.vcpus % 64)) - 1) % _ULLONG
        items.append(make("vcpu_avail", mask))
    return items


def _image(dom: Domain) -> Tuple[int, SExpr]:
    """The ``(image (hvm|linux ...))`` block and the localtime flag it ends with."""
    hvm = dom.is_hvm
    osd = dom.os
    body = make("hvm" if hvm else "linux")
    if osd.bootloader is None:
        for name, value in (("kernel", osd.kernel), ("ramdisk", osd.initrd),
                            ("root", osd.root), ("args", osd.cmdline)):
            if value is not None:
                body.items.append(make(name, Quoted(value)))
        if hvm:
            body.items += _hvm_items(dom)
        if dom.devices.emulator is not None and hvm:
            body.items.append(make("device_model", Quoted(dom.devices.emulator)))
        hpet = next((t for t in dom.clock.timers if t.name == "hpet"), None)
        if hpet is not None and hpet.present is not None:
            body.items.append(make("hpet", int(hpet.present)))
        if hvm and len(dom.devices.graphics) == 1:
            body.items += _graphics_sx(dom.devices.graphics[0], "")
    elif osd.cmdline is not None:
        body.items.append(make("args", Quoted(osd.cmdline)))
    localtime = _localtime(dom.clock, hvm)
    if hvm:
        body.items.append(make("rtc_timeoffset", _rtc_offset(dom.clock)))
    body.items.append(make("localtime", localtime))
    return localtime, make("image", body)


def _hvm_items(dom: Domain) -> List[SExpr]:
    osd = dom.os
    items = []
    if osd.loader is None:
        raise InternalError("no HVM domain loader")
    if osd.loader.path is not None:
        items.append(make("loader" if osd.kernel is not None else "kernel",
                          Quoted(osd.loader.path)))
    items += _vcpu_items(dom)
    items.append(make("boot", "".join(_BOOT_LETTERS[d] for d in osd.boot_devs) or "c"))
    feats = dom.features
    for name in ("acpi", "apic", "pae", "hap", "viridian"):
        if (feats.apic if name == "apic" else feats.on(name)):
            items.append(make(name, 1))
    items.append(make("usb", 1))
    items += [_usb_input_sx(inp) for inp in dom.devices.inputs if inp.bus == "usb"]
    parallels = dom.devices.parallels
    items.append(make("parallel", format_chardev(parallels[0].source) if parallels else "none"))
    items.append(_serial_sx(dom.devices.serials))
    if dom.devices.sounds:
        items.append(make("soundhw", Quoted(format_soundhw(dom.devices.sounds))))
    return items


def _usb_input_sx(inp: Input) -> SExpr:
    if inp.type not in _USB_INPUTS:
        raise InternalError(f"unexpected input type {enums.INPUT_TYPES.index(inp.type)}")
    return make("usbdevice", inp.type)


def _serial_sx(serials: List[ChrDevice]) -> SExpr:
    if not serials:
        return make("serial", "none")
    if len(serials) == 1 and serials[0].target_port == 0:
        return make("serial", format_chardev(serials[0].source))
    # one entry per port up to the highest, 'none' for the gaps
    by_port = {}
    for chr_dev in reversed(serials):
        by_port[chr_dev.target_port] = chr_dev
    highest = max(chr_dev.target_port for chr_dev in serials)
    check_native_output((highest + 1) * len(" none"))  # the least a port takes
    ports = [format_chardev(by_port[port].source) if port in by_port else "none"
             for port in range(highest + 1)]
    return make("serial", make(*ports))


def _localtime(clock: Clock, hvm: bool) -> int:
    if hvm and clock.offset == "variable":
        return 1 if clock.basis == "localtime" else 0
    if clock.offset not in ("utc", "localtime"):
        raise ConfigUnsupported(f"unsupported clock offset='{clock.offset}'")
    if hvm and clock.adjustment_reset:
        raise ConfigUnsupported("unsupported clock adjustment='reset'")
    return 1 if clock.offset == "localtime" else 0


def _rtc_offset(clock: Clock) -> int:
    return clock.adjustment if clock.offset == "variable" else 0


def _graphics_sx(gfx: Graphics, type_key: str) -> List[SExpr]:
    """VNC or SDL settings: old style in the HVM image (``(vnc 1)``), new style in
    a PV ``vfb`` (``(type vnc)``)."""
    if gfx.type not in ("sdl", "vnc"):
        index = enums.GRAPHICS_TYPES.index(gfx.type)
        raise InternalError(f"unexpected graphics type {index}")
    items = [make(type_key, gfx.type) if type_key else make(gfx.type, 1)]
    if gfx.type == "sdl":
        for name, value in (("display", gfx.display), ("xauthority", gfx.xauth)):
            if value is not None:
                items.append(make(name, Quoted(value)))
        return items
    if gfx.autoport:
        items.append(make("vncunused", 1))
    else:
        items += [make("vncunused", 0), make("vncdisplay", gfx.port - 5900)]
    # libvirt wrote these three between quotes without escaping them
    for name, value in (("vnclisten", gfx.listen_address), ("vncpasswd", gfx.passwd),
                        ("keymap", gfx.keymap)):
        if value is not None:
            items.append(make(name, f"'{value}'"))
    return items


def _disk_sx(disk: Disk, hvm: bool) -> SExpr:
    """xenFormatSxprDisk."""
    driver = disk.driver_name
    kind = driver if driver in ("tap", "tap2") else "vbd"
    if hvm:
        dev = f"{disk.dst}:{'cdrom' if disk.device == 'cdrom' else 'disk'}"
    else:
        dev = f"{disk.dst}:cdrom" if disk.device == "cdrom" else disk.dst or ""
    node = make(kind, make("dev", Quoted(dev)))
    if disk.path is not None:
        node.items.append(make("uname", Quoted(_uname(disk))))
    mode = "r" if disk.readonly else "w!" if disk.shareable else "w"
    node.items.append(make("mode", Quoted(mode)))
    if disk.transient:
        raise ConfigUnsupported("transient disks not supported yet")
    return node


def _uname(disk: Disk) -> str:
    path = disk.path or ""
    driver = disk.driver_name
    if driver in ("tap", "tap2"):
        fmt = "aio" if disk.format in (None, "raw") else disk.format
        return f"{driver}:{fmt}:{path}"
    if driver is not None:
        return f"{driver}:{path}"
    if disk.type == "file":
        return f"file:{path}"
    if disk.type == "block":
        return f"phy:{path}" if path.startswith("/") else f"phy:/dev/{path}"
    raise ConfigUnsupported(f"unsupported disk type {disk.type}")


def _net_sx(net: Interface, hvm: bool, host: Host) -> SExpr:
    """xenFormatSxprNet."""
    if net.type not in ("bridge", "network", "ethernet"):
        raise InternalError(f"unsupported network type {enums.NET_TYPES.index(net.type)}")
    if net.script is not None and net.type == "network":
        raise ConfigUnsupported("scripts are not supported on interfaces of type network")
    vif = make("vif", make("mac", Quoted(net.mac or _ZERO_MAC)))
    rate = format_rate(net)
    if rate is not None:
        vif.items.append(make("rate", Quoted(rate)))
    if net.type == "network":
        # xenvirsh has no network driver to ask for the network's bridge
        raise NoNetwork(net.network or "")
    if net.type == "bridge":
        if net.bridge is not None:
            vif.items.append(make("bridge", Quoted(net.bridge)))
        script = net.script if net.script is not None else host.default_vif_script
        vif.items.append(make("script", Quoted(script)))
    elif net.script is not None:
        vif.items.append(make("script", Quoted(net.script)))
    if len(net.ips) > 1:
        raise ConfigUnsupported("Driver does not support setting multiple IP addresses")
    if net.ips:
        vif.items.append(make("ip", Quoted(ip_list(net))))  # the one address, canonical
    if net.ifname is not None and not net.ifname.startswith("vif"):
        vif.items.append(make("vifname", Quoted(net.ifname)))
    if net.model is not None:
        if hvm and net.model == "netfront":
            vif.items.append(make("type", "netfront"))
        else:
            vif.items.append(make("model", Quoted(net.model)))
    return vif


def _pci_sx(dom: Domain) -> Optional[SExpr]:
    """All PCI host devices in one ``(device (pci ...))``."""
    pcis = [h for h in dom.devices.hostdevs if h.mode == "subsystem" and h.type == "pci"]
    if not pcis:
        return None
    devs = []
    for hostdev in pcis:
        if hostdev.managed:
            raise ConfigUnsupported("managed PCI devices not supported with XenD")
        addr = hostdev.pci or PCIAddress()
        devs.append(make("dev", make("domain", f"0x{addr.domain:04x}"),
                         make("bus", f"0x{addr.bus:02x}"), make("slot", f"0x{addr.slot:02x}"),
                         make("func", f"0x{addr.function:x}")))
    return make("device", make("pci", *devs))
