"""libvirt 5.5.0's xenParseSxpr: a xend ``(domain ...)`` S-expression to the model.

:func:`parse_domain` gives the domain before post-parse, the way libvirt 11.3.0
reads back the XML 5.5.0 printed for it (see :mod:`xenvirsh.formats.sxpr`).
Errors are raised with their bare reason; the caller adds libvirt's prefix.
"""

from __future__ import annotations

from typing import Callable, List, Optional

from xenvirsh import cnum
from xenvirsh.errors import InternalError, XMLError
from xenvirsh.formats.sexpr import SExpr
from xenvirsh.formats.xen.chardev import parse_chardev
from xenvirsh.formats.xen.rate import parse_rate
from xenvirsh.formats.xen.sound import parse_soundhw
from xenvirsh.formats.xen.vif import _model as net_model
from xenvirsh.formats.xen.vif import _parse_ip as parse_ip
from xenvirsh.limits import check_devices
from xenvirsh.model import enums
from xenvirsh.model.domain import (
    Bandwidth,
    ChrDevice,
    Clock,
    Disk,
    Domain,
    Graphics,
    GraphicsListen,
    Hostdev,
    Input,
    Interface,
    Loader,
    PCIAddress,
    Timer,
)
from xenvirsh.model.ids import parse_mac, parse_uuid
from xenvirsh.model.placement import insert_disks

# libvirt 5.5.0's sound models (later releases added ich7 and virtio)
_SOUND_MODELS = ("sb16", "es1370", "pcspk", "ac97", "ich6", "ich9", "usb")
# libvirt 5.5.0's graphics types, in its enum order
_GRAPHICS_TYPES = ("sdl", "vnc", "rdp", "desktop", "spice", "egl-headless")
_BOOT_LETTERS = {"a": "fd", "c": "hd", "d": "cdrom", "n": "network"}
_MAX_BOOT_DEVS = 4
_USB_INPUTS = ("mouse", "tablet", "keyboard")
_PCI_PARTS = ("domain", "bus", "slot", "func")
_ZERO_MAC = "00:00:00:00:00:00"
_ULLONG = 1 << 64


def parse_domain(root: SExpr) -> Domain:
    """xenParseSxpr, step by step in libvirt's order, without the post-parse."""
    dom = Domain(virt_type="xen")
    dom.id = root.int_value("domain/domid") if root.value("domain/domid") is not None else -1
    _identity(root, dom)
    hvm = root.lookup("domain/image/hvm") is not None
    dom.os.type = "hvm" if hvm else "xen"
    bootloader = None if hvm else _bootloader(root, dom)
    if dom.id != 0 and root.lookup("domain/image") is not None:
        _os(root, dom, hvm, bootloader)
    _memory(root, dom)
    _vcpus(root, dom)
    _lifecycle(root, dom)
    if hvm:
        _hvm_features(root, dom)
    dom.clock = _clock(root, hvm)
    image = "domain/image/hvm" if hvm else "domain/image/linux"
    devices = dom.devices
    devices.emulator = root.value(f"{image}/device_model") or None
    check_devices(sum(1 for node in root.children() if node.head == "device"))
    # 11.3.0 sorts the disks of one bus as it reads 5.5.0's XML back
    insert_disks(devices.disks, list(_disks(root, hvm)))
    devices.interfaces = [_interface(node) for node in _devices(root, "vif")]
    devices.hostdevs = _pci(root)
    devices.graphics = _graphics_new(root) or _graphics_old(root, image)
    if hvm:
        devices.inputs = _usb_inputs(root)
        devices.serials = _serials(root)
        devices.parallels = _parallels(root)
        soundhw = root.value("domain/image/hvm/soundhw")
        if soundhw:
            devices.sounds = parse_soundhw(soundhw, models=_SOUND_MODELS)
    # the PV console 5.5.0 faked is the one post_parse adds
    return dom


def _identity(root: SExpr, dom: Domain) -> None:
    name = root.value("domain/name")
    if name is None:
        raise InternalError("domain information incomplete, missing name")
    dom.name = name
    uuid = root.value("domain/uuid")
    if uuid is None:
        raise InternalError("domain information incomplete, missing uuid")
    parsed = parse_uuid(uuid)
    if parsed is None:
        raise InternalError(f"malformed uuid '{uuid}'")
    dom.uuid = parsed
    dom.description = root.value("domain/description")


def _bootloader(root: SExpr, dom: Domain) -> Optional[str]:
    """The PV bootloader; ``(bootloader)`` is an empty one, which still counts."""
    bootloader = root.value("domain/bootloader")
    if bootloader is None and root.has("domain/bootloader"):
        bootloader = ""
    # 11.3.0 reads an empty <bootloader> as none, and then hides its arguments
    if bootloader:
        dom.os.bootloader = bootloader
        dom.os.bootloader_args = root.value("domain/bootloader_args")
    return bootloader


def _os(root: SExpr, dom: Domain, hvm: bool, bootloader: Optional[str]) -> None:
    """xenParseSxprOS."""
    osd = dom.os
    if hvm:
        image = "domain/image/hvm"
        loader = root.value(f"{image}/loader")
        if loader is None:
            # old xend put the loader in the kernel
            loader = root.value(f"{image}/kernel")
            if loader is None:
                raise InternalError("domain information incomplete, missing HVM loader")
        else:
            _kernel(root, image, dom)
        osd.loader = Loader(path=loader)
        if osd.kernel is not None and (osd.kernel == loader or not osd.kernel):
            osd.kernel = None
        if osd.kernel is None:
            osd.boot_devs = _boot_devs(root.value(f"{image}/boot") or "")
    else:
        _kernel(root, "domain/image/linux", dom)
        if osd.kernel is None and bootloader is None:
            raise InternalError("domain information incomplete, missing kernel & bootloader")


def _kernel(root: SExpr, image: str, dom: Domain) -> None:
    dom.os.kernel = root.value(f"{image}/kernel")
    dom.os.initrd = root.value(f"{image}/ramdisk")
    dom.os.cmdline = root.value(f"{image}/args")
    dom.os.root = root.value(f"{image}/root")


def _boot_devs(letters: str) -> List[str]:
    """``(boot cda)``: unknown letters are skipped, at most four devices."""
    devs: List[str] = []
    for letter in letters:
        if len(devs) == _MAX_BOOT_DEVS:
            break
        if letter in _BOOT_LETTERS:
            devs.append(_BOOT_LETTERS[letter])
    return devs


def _memory(root: SExpr, dom: Domain) -> None:
    dom.memory_kib = (root.u64_value("domain/maxmem") << 10) % _ULLONG
    current = (root.u64_value("domain/memory") << 10) % _ULLONG
    dom.current_memory_kib = min(current, dom.memory_kib)


def _vcpus(root: SExpr, dom: Domain) -> None:
    maximum = root.int_value("domain/vcpus")
    if maximum <= 0:
        raise InternalError(f"invalid number of vCPUs {maximum}")
    online = bin(root.u64_value("domain/vcpu_avail")).count("1")
    dom.vcpus_max = maximum
    dom.vcpus = online if 0 < online <= maximum else maximum


def _lifecycle(root: SExpr, dom: Domain) -> None:
    for event, default in (("poweroff", "destroy"), ("reboot", "restart"),
                           ("crash", "destroy")):
        action = root.value(f"domain/on_{event}")
        if action is None:
            action = default
        elif action not in enums.LIFECYCLE_ACTIONS:
            raise InternalError(f"unknown lifecycle type {action}")
        setattr(dom, f"on_{event}", action)


def _hvm_features(root: SExpr, dom: Domain) -> None:
    feats = dom.features
    for name in ("acpi", "pae", "hap", "viridian"):
        if root.int_value(f"domain/image/hvm/{name}"):
            feats.switches[name] = True
    feats.apic = root.int_value("domain/image/hvm/apic") != 0


def _clock(root: SExpr, hvm: bool) -> Clock:
    """``localtime`` at domain level, overridden by the image's."""
    image = "domain/image/hvm" if hvm else "domain/image/linux"
    localtime = root.int_value("domain/localtime")
    value = root.value(f"{image}/localtime")
    if value is not None:
        parsed = cnum.to_int(value, 0)
        if parsed is None:
            raise InternalError(f"unknown localtime offset {value}")
        localtime = parsed
    if not hvm:
        # PV guests have no emulated RTC: the offset is fixed
        return Clock(offset="localtime" if localtime else "utc", adjustment_reset=True)
    clock = Clock(offset="variable", basis="localtime" if localtime else "utc",
                  adjustment=root.int_value(f"{image}/rtc_timeoffset"))
    if root.has(f"{image}/hpet"):
        clock.timers.append(Timer(name="hpet", present=root.int_value(f"{image}/hpet") != 0))
    return clock


def _devices(root: SExpr, kind: str) -> List[SExpr]:
    """The ``(kind ...)`` of each top-level ``(device (kind ...))`` with content."""
    found = (node.find(f"device/{kind}") for node in root.children())
    return [device for device in found if device is not None and _has_content(device)]


def _has_content(node: Optional[SExpr]) -> bool:
    """What libvirt's sexpr_lookup needs to find a node: something after its head."""
    return node is not None and len(node.items) > 1


# ------------------------------------------------------------------- disks


def _disks(root: SExpr, hvm: bool) -> List[Disk]:
    """xenParseSxprDisks: ``vbd``, ``tap`` and ``tap2`` devices; a bootable one
    swaps places with the first disk."""
    disks: List[Disk] = []
    for node in root.children():
        for kind in ("vbd", "tap2", "tap"):
            device = node.find(f"device/{kind}")
            if _has_content(device):
                break
        else:
            continue
        assert device is not None
        disks.append(_disk(device, kind, hvm))
        if device.value(f"{kind}/bootable") == "1":
            disks[0], disks[-1] = disks[-1], disks[0]
    return disks


def _disk(node: SExpr, kind: str, hvm: bool) -> Disk:
    src = node.value(f"{kind}/uname")
    dst = node.value(f"{kind}/dev")
    mode = node.value(f"{kind}/mode") or ""
    if dst is None:
        raise InternalError("domain information incomplete, vbd has no dev")
    disk = Disk(type="file")
    if src is None:
        # a CD-ROM drive without media has no uname
        if not hvm or ":" not in dst or dst[dst.index(":"):] != ":cdrom":
            raise InternalError("domain information incomplete, vbd has no src")
    else:
        _disk_source(disk, src, kind)
    if dst.startswith("ioemu:"):
        dst = dst[len("ioemu:"):]
    name, colon, suffix = dst.rpartition(":")
    if colon:
        dst = name
        if suffix == "cdrom":
            disk.device = "cdrom"
    disk.dst = dst
    disk.bus = _disk_bus(dst)
    disk.readonly = "r" in mode
    disk.shareable = "!" in mode
    return disk


def _disk_source(disk: Disk, uname: str, kind: str) -> None:
    """``driver:[format:]path``."""
    driver, colon, path = uname.partition(":")
    if not colon:
        raise InternalError("cannot parse vbd filename, missing driver name")
    disk.driver_name = "tap2" if kind == "tap2" and uname.startswith("tap:") else driver
    if disk.driver_name in ("tap", "tap2"):
        fmt, colon, rest = path.partition(":")
        if not colon:
            raise InternalError("cannot parse vbd filename, missing driver type")
        fmt = "raw" if fmt == "aio" else fmt
        if fmt not in enums.STORAGE_FORMATS[1:]:
            raise InternalError(f"Unknown driver type {path}")
        disk.format = fmt
        path = rest
    elif disk.driver_name == "phy":
        disk.type = "block"
    elif disk.driver_name != "file":
        # 5.5.0 left the disk without a type and could not print it
        raise InternalError("unexpected disk type 0")
    disk.path = path


def _disk_bus(dst: str) -> str:
    for prefix, bus in (("xvd", "xen"), ("hd", "ide"), ("sd", "scsi")):
        if dst.startswith(prefix):
            return bus
    return "ide"


# ---------------------------------------------------------------- network


def _interface(node: SExpr) -> Interface:
    """xenParseSxprNets for one ``(vif ...)``."""
    bridge = node.value("vif/bridge")
    script = node.value("vif/script")
    net = Interface(type="bridge" if bridge is not None or script == "vif-bridge"
                    else "ethernet")
    if net.type == "bridge":
        if bridge is None:
            # 5.5.0 printed a bridge interface without <source>, which 11.3.0 refuses
            raise InternalError("vif with script 'vif-bridge' but no bridge")
        net.bridge = bridge
    net.script = script
    ip = node.value("vif/ip")
    if ip is not None:
        net.ips = [parse_ip(ip)]
    net.ifname = node.value("vif/vifname")
    mac = node.value("vif/mac")
    if mac is not None:
        net.mac = parse_mac(mac)
        if net.mac is None:
            raise InternalError(f"malformed mac address '{mac}'")
        if int(net.mac[:2], 16) & 1:
            raise InternalError(f"expected unicast mac address, found multicast '{mac}'")
        if net.mac == _ZERO_MAC:
            net.mac = None  # 11.3.0 makes a random one, as for a missing MAC
    model = node.value("vif/model")
    if model is not None:
        net.model = net_model(model)
    elif node.value("vif/type") == "netfront":
        net.model = "netfront"
    rate = node.value("vif/rate")
    if rate is not None:
        net.outbound = Bandwidth(average=parse_rate(rate))
    return net


def _pci(root: SExpr) -> List[Hostdev]:
    """xenParseSxprPCI: the first ``(device (pci (dev ...) ...))`` only."""
    found = _devices(root, "pci")
    if not found:
        return []
    hostdevs = []
    for dev in found[0].children():
        if dev.lookup("dev") is None:
            continue
        # libvirt looks for all four parts before it reads any
        texts = [_pci_part(dev, part) for part in _PCI_PARTS]
        domain, bus, slot, function = (_pci_number(part, text)
                                       for part, text in zip(_PCI_PARTS, texts))
        address = PCIAddress(domain, bus, slot, function)
        _check_pci_address(address)
        # 5.5.0's libxl post-parse named the (only) Xen assignment driver
        hostdevs.append(Hostdev(mode="subsystem", type="pci", managed=False, driver_name="xen",
                                pci=address))
    return hostdevs


def _check_pci_address(addr: PCIAddress) -> None:
    """virPCIDeviceAddressIsValid, as 11.3.0 applies it to the XML 5.5.0 printed."""
    if not (addr.domain or addr.bus or addr.slot or addr.function):
        return
    if addr.bus > 0xFF:
        raise XMLError(f"Invalid PCI address bus='{addr.bus:#x}', must be <= 0xFF")
    if addr.slot > 0x1F:
        raise XMLError(f"Invalid PCI address slot='{addr.slot:#x}', must be <= 0x1F")
    if addr.function > 7:
        raise XMLError(f"Invalid PCI address function={addr.function:#x}, must be <= 7")


def _pci_part(dev: SExpr, part: str) -> str:
    text = dev.value(f"dev/{part}")
    if text is None:
        raise InternalError(f"missing PCI {part}")
    return text


def _pci_number(part: str, text: str) -> int:
    number = cnum.to_int(text, 0)
    if number is None:
        raise InternalError(f"cannot parse PCI {part} '{text}'")
    return cnum.as_uint(number)


# --------------------------------------------------------------- graphics


def _graphics_new(root: SExpr) -> List[Graphics]:
    """xenParseSxprGraphicsNew: the first ``(device (vfb ...))``."""
    found = _devices(root, "vfb")
    if not found:
        return []
    vfb = found[0]
    kind = vfb.value("vfb/type")
    if kind is None:
        kind = next((k for k in ("vnc", "sdl") if vfb.value(f"vfb/{k}") is not None),
                    "unknown")
    if kind not in _GRAPHICS_TYPES:
        raise InternalError(f"unknown graphics type '{kind}'")
    if kind == "sdl":
        return [_sdl(vfb.value, "vfb")]
    if kind != "vnc":
        # 5.5.0 filled VNC settings into other types' data: nothing sensible
        raise InternalError(f"unsupported graphics type '{kind}'")
    display = vfb.value("vfb/vncdisplay")
    number = None if display is None else cnum.to_int(display, 0)
    port = -1 if number is None else number
    autoport = vfb.value("vfb/vncunused") == "1" or port == -1
    if 0 <= port < 5900:
        port += 5900
    return [_vnc(vfb.value, "vfb", port, autoport)]


def _graphics_old(root: SExpr, image: str) -> List[Graphics]:
    """xenParseSxprGraphicsOld: ``(vnc 1)`` or ``(sdl 1)`` in the image."""
    if (root.value(f"{image}/vnc") or "").startswith("1"):
        autoport = True  # the port of a running domain is not in the sxpr
        return [_vnc(root.value, image, -1, autoport)]
    if (root.value(f"{image}/sdl") or "").startswith("1"):
        return [_sdl(root.value, image)]
    return []


def _vnc(value: Callable[[str], Optional[str]], base: str, port: int,
         autoport: bool) -> Graphics:
    # vncpasswd is dropped: 5.5.0's XML never carried it
    listen = GraphicsListen(type="address", address=value(f"{base}/vnclisten"))
    return Graphics(type="vnc", port=port, autoport=autoport, listens=[listen],
                    keymap=value(f"{base}/keymap"))


def _sdl(value: Callable[[str], Optional[str]], base: str) -> Graphics:
    return Graphics(type="sdl", display=value(f"{base}/display"),
                    xauth=value(f"{base}/xauthority"))


# -------------------------------------------------------- inputs, chardevs


def _usb_inputs(root: SExpr) -> List[Input]:
    hvm = root.find("domain/image/hvm")
    assert hvm is not None
    kinds = [node.value("usbdevice") for node in hvm.children()]
    return [Input(type=kind, bus="usb") for kind in kinds if kind in _USB_INPUTS]


def _serials(root: SExpr) -> List[ChrDevice]:
    """``(serial X)`` or ``(serial (X Y none ...))``, one port each."""
    args = root.lookup("domain/image/hvm/serial") or []
    ports = [item for arg in args if isinstance(arg, SExpr) for item in arg.items]
    if not any(isinstance(arg, SExpr) and arg.items for arg in args):
        single = root.value("domain/image/hvm/serial")
        ports = [single] if single is not None else []
    serials = []
    for port, item in enumerate(ports):
        # an empty or nested list in the port list counts as 'none'
        if isinstance(item, str) and item != "none":
            serials.append(ChrDevice(device="serial", source=parse_chardev(item),
                                     target_port=port))
    return serials


def _parallels(root: SExpr) -> List[ChrDevice]:
    text = root.value("domain/image/hvm/parallel")
    if text is None or text == "none":
        return []
    return [ChrDevice(device="parallel", source=parse_chardev(text), target_port=0)]
