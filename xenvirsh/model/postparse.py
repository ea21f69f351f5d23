"""Defaults and implicit devices, as libvirt's libxl driver applies them.

Every parser, whatever its format, hands its raw :class:`Domain` to
:func:`post_parse` (libvirt's ``virDomainDefPostParse`` with the libxl
callbacks), so that a domain read from xl, xm, sxpr or XML ends up described
the same way. :func:`validate` adds the checks libvirt runs on XML it is given.
"""

from __future__ import annotations

from typing import List, Optional

from xenvirsh.errors import ConfigUnsupported, XenvirshError, XMLError
from xenvirsh.host import Host
from xenvirsh.model.domain import (
    ChrDevice,
    ChrSource,
    Controller,
    DeviceInfo,
    Disk,
    Domain,
    DriveAddress,
    Input,
    Memballoon,
    Video,
)
from xenvirsh.model.ids import generate_mac, generate_uuid
from xenvirsh.model.placement import assign_default_ports, disk_name_index, insert_controller

# libvirt's VIR_DOMAIN_VIDEO default RAM sizes (KiB) when nothing else applies
_VIDEO_DEFAULT_RAM = {"vga": 16384, "cirrus": 16384, "vmvga": 16384, "bochs": 16384,
                      "xen": 4096, "qxl": 65536}


def post_parse(dom: Domain, host: Host, *, abi_update: bool = False) -> Domain:
    """Fill in what libvirt fills in after parsing. ``abi_update`` is set by the
    native parsers (libvirt's VIR_DOMAIN_DEF_PARSE_ABI_UPDATE)."""
    if not dom.uuid:
        dom.uuid = generate_uuid()
    if dom.os.arch is None:
        dom.os.arch = host.arch
    for net in dom.devices.interfaces:
        if net.mac is None:
            net.mac = generate_mac(host.mac_prefix)
    for disk in dom.devices.disks:
        if disk.type == "network":
            assign_default_ports(disk)
    _assign_controller_indexes(dom)
    _libxl_domain(dom)
    _devices(dom, host)
    _memory(dom, abi_update)
    if dom.os.loader is not None and dom.os.loader.path and dom.os.loader.type is None:
        dom.os.loader.type = "rom"
    _reject_duplicate_controllers(dom)
    if dom.is_hvm and not dom.os.boot_devs and not _has_device_boot_order(dom):
        dom.os.boot_devs = ["hd"]
    elif dom.is_hvm and dom.os.boot_devs and _has_device_boot_order(dom):
        raise ConfigUnsupported(
            "per-device boot elements cannot be used together with os/boot elements"
        )
    _check_timers(dom)
    _console_compat(dom)
    _implicit_controllers(dom)
    if dom.devices.graphics and not dom.devices.videos:
        dom.devices.videos.append(Video())
    _primary_video(dom, host)
    if dom.devices.serials:
        _chr_post_parse(dom, dom.devices.serials[0])
    _check_features(dom)
    return dom


def _assign_controller_indexes(dom: Domain) -> None:
    for ctrl in dom.devices.controllers:
        if ctrl.index == -1:
            ctrl.index = _unused_index(dom, ctrl.type)


def _unused_index(dom: Domain, ctype: str) -> int:
    used = {c.index for c in dom.devices.controllers if c.type == ctype}
    index = 0
    while index in used:
        index += 1
    return index


def _libxl_domain(dom: Domain) -> None:
    """libxlDomainDefPostParse."""
    dev = dom.devices
    if not dom.is_hvm and not dev.consoles:
        dev.consoles.append(ChrDevice(device="console", source=ChrSource(type="pty"),
                                      target_type="xen", target_port=0))
    bus = "ps2" if dom.is_hvm else "xen"
    for input_type in ("mouse", "keyboard"):
        if not any(i.type == input_type and i.bus == bus for i in dev.inputs):
            dev.inputs.append(Input(type=input_type, bus=bus))
    if dom.is_hvm and dom.os.arch == "x86_64":
        dom.features.switches["pae"] = True
        if dom.cpu is not None and dom.cpu.numa:
            dom.features.switches["acpi"] = True
    if dev.memballoon is None:
        dev.memballoon = Memballoon(model="xen")
    if not any(c.type == "xenbus" for c in dev.controllers):
        insert_controller(dev.controllers, Controller(type="xenbus",
                                                      index=_unused_index(dom, "xenbus")))


def _devices(dom: Domain, host: Host) -> None:
    """The per-device post-parse, in libvirt's device iteration order."""
    dev = dom.devices
    for disk in dev.disks:
        _disk(dom, disk)
    for video in dev.videos:
        _video(dom, video, host)
    for chr_dev in dev.serials + dev.parallels + dev.channels + dev.consoles:
        _chr_post_parse(dom, chr_dev)
    for inp in dev.inputs:
        if inp.bus is None:
            inp.bus = _default_input_bus(dom, inp)
    for sound in dev.sounds:
        if sound.model == "virtio" and not sound.streams:
            sound.streams = 2


def _disk(dom: Domain, disk: Disk) -> None:
    if disk.type == "network" and disk.driver_name is None:
        disk.driver_name = "qemu"
    if disk.format is None:
        disk.format = "raw"  # xl.cfg's default format
    if disk.dst and disk.dst.startswith("ioemu:"):
        disk.dst = disk.dst[len("ioemu:"):]
    if disk.device == "cdrom":
        disk.readonly = True
    if disk.bus is None:
        disk.bus = _default_disk_bus(disk)
    if disk.info.address_type is None and disk.dst:
        _assign_drive_address(disk)


def _default_disk_bus(disk: Disk) -> str:
    if disk.device == "floppy":
        return "fdc"
    for prefix, bus in (("hd", "ide"), ("sd", "scsi"), ("vd", "virtio"), ("xvd", "xen"),
                        ("ubd", "uml")):
        if disk.dst and disk.dst.startswith(prefix):
            return bus
    return "ide"


def _assign_drive_address(disk: Disk) -> None:
    """virDomainDiskDefAssignAddress for the controller-based buses."""
    index = disk_name_index(disk.dst)
    if index < 0:
        raise XMLError(f"Unknown disk name '{disk.dst}' and no address specified")
    layout = {
        "scsi": (index // 7, 0, index % 7),
        "ide": (index // 4, (index % 4) // 2, index % 2),
        "sata": (index // 6, 0, index % 6),
        "fdc": (index // 2, 0, index % 2),
    }.get(disk.bus or "")
    if layout is None:
        return
    controller, bus, unit = layout
    disk.info = DeviceInfo(address_type="drive", alias=disk.info.alias,
                           boot_order=disk.info.boot_order,
                           drive=DriveAddress(controller=controller, bus=bus, unit=unit))


def _video(dom: Domain, video: Video, host: Host) -> None:
    """libxl's video defaults, then libvirt's generic ones."""
    if video.type == "default":
        video.type = "xen" if dom.os.type in ("xen", "linux") else "cirrus"
    if dom.is_hvm and video.vram == 0:
        qemu_xen = host.emulator_type(dom.devices.emulator) == "qemu_xen"
        if video.type in ("vga", "xen"):
            video.vram = 16384 if qemu_xen else 8192
        elif video.type == "cirrus":
            video.vram = 8192 if qemu_xen else 4096
        elif video.type == "qxl":
            video.vram = 131072
    if video.ram == 0 and video.type == "qxl":
        video.ram = _VIDEO_DEFAULT_RAM["qxl"]
    if video.vram == 0:
        video.vram = _VIDEO_DEFAULT_RAM.get(video.type, 0)
    video.ram = _round_up_power_of_two(video.ram)
    video.vram = _round_up_power_of_two(video.vram)


def _round_up_power_of_two(value: int) -> int:
    return 1 << (value - 1).bit_length() if value > 0 else 0


def _chr_post_parse(dom: Domain, chr_dev: ChrDevice) -> None:
    if chr_dev.device == "console" and chr_dev.target_type in (None, "none"):
        chr_dev.target_type = "serial" if dom.is_hvm else "xen"
    if chr_dev.target_port == -1 and chr_dev.device in ("parallel", "serial", "console"):
        same = {"parallel": dom.devices.parallels, "serial": dom.devices.serials,
                "console": dom.devices.consoles}[chr_dev.device]
        chr_dev.target_port = max((c.target_port for c in same), default=-1) + 1


def _default_input_bus(dom: Domain, inp: Input) -> Optional[str]:
    if dom.is_hvm:
        if inp.type in ("mouse", "keyboard"):
            return "ps2"
        return "virtio" if inp.type == "passthrough" else "usb"
    if dom.os.type in ("xen", "xenpvh"):
        return "xen"
    return None


def _memory(dom: Domain, abi_update: bool) -> None:
    """virDomainDefPostParseMemory."""
    numa_total = sum(c.memory_kib for c in dom.cpu.numa) if dom.cpu else 0
    if numa_total and (dom.memory_kib == 0 or abi_update):
        dom.memory_kib = numa_total
    if dom.memory_kib == 0:
        raise XMLError("Memory size must be specified via <memory> or in the <numa> configuration")
    if dom.current_memory_kib == 0 or dom.current_memory_kib > dom.memory_kib:
        dom.current_memory_kib = dom.memory_kib
    if dom.max_memory_kib == 0 and dom.memory_slots > 0:
        raise XMLError(
            "maximum memory size must be specified when specifying number of memory slots"
        )
    if dom.max_memory_kib and dom.max_memory_kib < dom.memory_kib:
        raise XMLError(
            "maximum memory size must be equal or greater than the actual memory size"
        )


def _reject_duplicate_controllers(dom: Domain) -> None:
    seen = set()
    for ctrl in dom.devices.controllers:
        if ctrl.type == "usb":
            continue  # libvirt allows USB companions at one index
        key = (ctrl.type, ctrl.index)
        if key in seen:
            raise XMLError(f"Multiple '{ctrl.type}' controllers with index '{ctrl.index}'")
        seen.add(key)


def _has_device_boot_order(dom: Domain) -> bool:
    dev = dom.devices
    infos: List[DeviceInfo] = [d.info for d in dev.disks] + [n.info for n in dev.interfaces]
    infos += [h.info for h in dev.hostdevs]
    return any(info.boot_order for info in infos)


def _check_timers(dom: Domain) -> None:
    for timer in dom.clock.timers:
        if timer.name in ("kvmclock", "hypervclock") and timer.tickpolicy:
            raise ConfigUnsupported(
                f"timer {timer.name} doesn't support setting of timer tickpolicy"
            )
        if timer.name != "tsc":
            if timer.frequency:
                raise ConfigUnsupported(
                    f"timer {timer.name} doesn't support setting of timer frequency"
                )
            if timer.mode:
                raise ConfigUnsupported(
                    f"timer {timer.name} doesn't support setting of timer mode"
                )
        if timer.name not in ("platform", "rtc") and timer.track:
            raise ConfigUnsupported(f"timer {timer.name} doesn't support setting of timer track")


def _console_compat(dom: Domain) -> None:
    """virDomainDefAddConsoleCompat: an HVM console is an alias of serial 0."""
    dev = dom.devices
    if any(c.target_type == "serial" for c in dev.consoles[1:]):
        raise ConfigUnsupported("Only the first console can be a serial port")
    renumber = False
    if dev.consoles and dom.is_hvm and dev.consoles[0].target_type in ("serial", "none"):
        first = dev.consoles[0]
        if not dev.serials:
            dev.serials.append(ChrDevice(device="serial", source=first.source,
                                         target_type="none", target_port=0, info=first.info))
            dev.consoles[0] = _serial_alias()
            renumber = True
        elif dev.serials[0].source != first.source:
            dev.consoles[0] = _serial_alias()
            renumber = True
    elif dom.is_hvm and dev.serials and dev.serials[0].target_type in (
        None, "none", "isa-serial", "spapr-vio-serial", "system-serial", "sclp-serial"
    ):
        dev.consoles.insert(0, _serial_alias())
        renumber = True
    if renumber:
        for index, console in enumerate(dev.consoles):
            console.target_port = index


def _serial_alias() -> ChrDevice:
    return ChrDevice(device="console", source=ChrSource(type="pty"), target_type="serial")


def _implicit_controllers(dom: Domain) -> None:
    """Disk controllers implied by drive addresses (virDomainDefAddImplicitControllers)."""
    for ctype, bus in (("scsi", "scsi"), ("fdc", "fdc"), ("ide", "ide"), ("sata", "sata")):
        highest = max((d.info.drive.controller for d in dom.devices.disks
                       if d.bus == bus and d.info.address_type == "drive" and d.info.drive),
                      default=-1)
        for index in range(highest + 1):
            if not any(c.type == ctype and c.index == index for c in dom.devices.controllers):
                insert_controller(dom.devices.controllers, Controller(type=ctype, index=index))


def _primary_video(dom: Domain, host: Host) -> None:
    videos = dom.devices.videos
    if not videos:
        return
    if videos[0].type == "none":
        videos[0] = Video(type="none", heads=0, info=DeviceInfo(alias=videos[0].info.alias))
        return
    videos[0].primary = True
    _video(dom, videos[0], host)


def _check_features(dom: Domain) -> None:
    """virDomainDefPostParseCheckFeatures for the libxl driver's feature set."""
    if dom.max_memory_kib or dom.memory_slots:
        raise ConfigUnsupported(
            "memory hotplug tunables <maxMemory> are not supported by this hypervisor driver"
        )
    dom.cputune.vcpupins = [p for p in dom.cputune.vcpupins if p.vcpu < dom.vcpus]
    if "/" in dom.name:
        raise XMLError(f"name {dom.name} cannot contain '/'")


def validate(dom: Domain, host: Host) -> None:
    """libxlDomainDefValidate and the generic checks that matter for Xen."""
    host.lookup(dom.os.type, dom.os.arch, dom.virt_type)
    loader = dom.os.loader
    if loader is not None and loader.secure and loader.type == "pflash":
        raise ConfigUnsupported("Secure boot is not supported on Xen")
    for table in dom.os.acpi_tables:
        if table.type not in ("slic", "rawset"):
            raise ConfigUnsupported(f"ACPI table type '{table.type}' is not supported")
    if len(dom.os.acpi_tables) > 1:
        raise ConfigUnsupported("Only a single ACPI table is supported")
    if dom.devices.sounds and dom.devices.sounds[0].model not in ("ich6", "es1370", "ac97",
                                                                 "sb16"):
        raise ConfigUnsupported(f"unsupported audio model {dom.devices.sounds[0].model}")
    for net in dom.devices.interfaces:
        if net.filter:
            raise ConfigUnsupported(f"filterref is not supported in {dom.virt_type}")
    for hostdev in dom.devices.hostdevs:
        if hostdev.type == "pci" and hostdev.driver_name not in (None, "xen"):
            raise ConfigUnsupported(
                f"XEN does not support device assignment mode '{hostdev.driver_name}'"
            )
    _check_duplicate_disks(dom)
    _check_lifecycle(dom)


def _check_lifecycle(dom: Domain) -> None:
    """virDomainDefLifecycleActionAllowed: no core dumps on poweroff or reboot."""
    for event in ("poweroff", "reboot"):
        action = getattr(dom, f"on_{event}")
        if action.startswith("coredump-"):
            raise ConfigUnsupported(f"Lifecycle event '{event}' doesn't support '{action}' action")


def _check_duplicate_disks(dom: Domain) -> None:
    seen = set()
    for disk in dom.devices.disks:
        if disk.dst in seen:
            raise XenvirshError(
                f"XML error: target '{disk.dst}' duplicated for disk sources "
                f"'{_disk_source(dom, disk.dst)}' and '{disk.path or ''}'"
            )
        seen.add(disk.dst)


def _disk_source(dom: Domain, dst: Optional[str]) -> str:
    return next((d.path or "" for d in dom.devices.disks if d.dst == dst), "")
