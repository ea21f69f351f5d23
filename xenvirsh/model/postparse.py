"""Defaults and implicit devices, as libvirt's libxl driver applies them.

Every parser, whatever its format, hands its raw :class:`Domain` to
:func:`post_parse` (libvirt's ``virDomainDefPostParse`` with the libxl
callbacks), so that a domain read from xl, xm, sxpr or XML ends up described
the same way. :func:`validate` (from :mod:`xenvirsh.model.validate`) adds the
checks libvirt runs on a definition it is given.
"""

from __future__ import annotations

from typing import Dict, List, Optional

from xenvirsh.errors import ConfigUnsupported, InternalError, XMLError
from xenvirsh.host import Host
from xenvirsh.limits import (
    MAX_IMPLICIT_CONTROLLERS,
    check_devices,
    check_implicit_controller,
    check_vcpus,
)
from xenvirsh.model.devlist import (
    DeviceRef,
    add_hostdev_scsi_controllers,
    device_count,
    hostdevs,
    iter_devices,
)
from xenvirsh.model.domain import (
    RNG,
    ChrDevice,
    ChrSource,
    Controller,
    DeviceInfo,
    Disk,
    Domain,
    DriveAddress,
    Filesystem,
    GraphicsListen,
    Hostdev,
    Input,
    Interface,
    Memballoon,
    OtherAddress,
    Sound,
    Video,
    Vsock,
)
from xenvirsh.model.ids import generate_mac, generate_uuid
from xenvirsh.model.placement import assign_default_ports, disk_name_index, insert_controller

# libvirt's VIR_DOMAIN_VIDEO default RAM sizes (KiB) when nothing else applies
_VIDEO_DEFAULT_RAM = {"vga": 16384, "cirrus": 16384, "vmvga": 16384, "bochs": 16384,
                      "xen": 4096, "qxl": 65536}


def post_parse(dom: Domain, host: Host, *, abi_update: bool = False) -> Domain:
    """Fill in what libvirt fills in after parsing. ``abi_update`` is set by the
    native parsers (libvirt's VIR_DOMAIN_DEF_PARSE_ABI_UPDATE)."""
    check_devices(device_count(dom))
    check_vcpus(dom.vcpus_max)
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
    _isa_serials(dom)
    refs = _devices(dom, host)
    _vcpu_states(dom)
    _memory(dom, abi_update)
    if dom.os.loader is not None and dom.os.loader.path and dom.os.loader.type is None:
        dom.os.loader.type = "rom"
    _hugepage_nodesets(dom)
    _reject_duplicate_controllers(dom)
    _reject_duplicate_panics(dom)
    if dom.is_hvm:
        _boot_order(dom, refs)
    _check_timers(dom)
    _console_compat(dom)
    _implicit_controllers(dom)
    if dom.devices.graphics and not dom.devices.videos:
        dom.devices.videos.append(Video())
    _primary_video(dom, host)
    if dom.devices.serials:
        _chr_post_parse(dom, dom.devices.serials[0])
    _spice_listen_none(dom)
    cpu = dom.cpu
    if cpu is not None and cpu.mode == "custom" and not cpu.model and \
            cpu.check not in (None, "default"):
        raise ConfigUnsupported("check attribute specified for CPU with no model")
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


def _devices(dom: Domain, host: Host) -> List[DeviceRef]:
    """The per-device post-parse (libxl's callback, libvirt's common part and
    the driver feature checks), in libvirt's device iteration order."""
    refs = list(iter_devices(dom, all_consoles=True, with_infoless=True))
    for ref in refs:
        device = ref.device
        if isinstance(device, Disk):
            _disk(dom, device)
        elif isinstance(device, Interface):
            if device.type == "hostdev":
                _xen_pci_driver(dom, device.hostdev_driver)
        elif isinstance(device, Sound):
            if device.model == "virtio" and not device.streams:
                device.streams = 2
        elif isinstance(device, Hostdev):
            _hostdev(dom, device)
        elif isinstance(device, Video):
            _video(dom, device, host)
        elif isinstance(device, Controller):
            if device.driver.iothread and device.model not in _VIRTIO_SCSI_MODELS:
                raise XMLError("'iothread' attribute only supported for virtio scsi controllers")
        elif isinstance(device, ChrDevice):
            _chr_post_parse(dom, device)
        elif isinstance(device, Input):
            if device.bus is None:
                device.bus = _default_input_bus(dom, device)
        elif isinstance(device, Filesystem):
            if device.accessmode is None and device.socket is None:
                device.accessmode = "passthrough"
        elif isinstance(device, RNG):
            if device.backend == "random" and not device.random_file:
                device.random_file = "/dev/random"
        elif isinstance(device, Vsock):
            if device.auto_cid is None:
                device.auto_cid = not device.cid
        if ref.kind == "memory":
            raise ConfigUnsupported("memory devices are not supported by this driver")
    return refs


_VIRTIO_SCSI_MODELS = ("virtio-scsi", "virtio-transitional", "virtio-non-transitional")
# VIR_MAX_ISA_SERIAL_PORTS
_ISA_SERIAL_PORTS = 4


def _isa_serials(dom: Domain) -> None:
    """virDomainChrIsaSerialDefPostParse: at most four ISA serial ports, each
    on its own port, the unnumbered ones on the free ports."""
    isa = [c for c in dom.devices.serials if c.target_type == "isa-serial"]
    used = set()
    for count, serial in enumerate(isa):
        if count >= _ISA_SERIAL_PORTS or serial.target_port >= _ISA_SERIAL_PORTS:
            raise InternalError(
                f"Maximum supported number of ISA serial ports is '{_ISA_SERIAL_PORTS}'")
        if serial.target_port != -1:
            if serial.target_port in used:
                raise InternalError(f"target port '{serial.target_port}' already allocated")
            used.add(serial.target_port)
    for serial in isa:
        if serial.target_port == -1:
            port = next(p for p in range(_ISA_SERIAL_PORTS) if p not in used)
            serial.target_port = port
            used.add(port)


def _hostdev(dom: Domain, hostdev: Hostdev) -> None:
    """libxlDomainDeviceDefPostParse and virDomainHostdevDefPostParse."""
    if hostdev.mode == "capabilities":
        raise ConfigUnsupported(
            f"hostdev mode 'capabilities' is not supported in {dom.virt_type}"
        )
    if hostdev.type == "pci":
        _xen_pci_driver(dom, hostdev.driver_name)
    scsi = hostdev.scsi
    if hostdev.type == "scsi" and scsi is not None:
        if scsi.iscsi_name is not None and "/" not in scsi.iscsi_name:
            scsi.iscsi_name += "/0"
        if hostdev.info.address_type is None:
            _assign_scsi_hostdev_address(dom, hostdev)
        drive = hostdev.info.drive
        if drive is not None and _drive_used_by_scsi_disk(dom, drive):
            raise XMLError(
                f"SCSI host address controller='{drive.controller}' bus='{drive.bus}' "
                f"target='{drive.target}' unit='{drive.unit}' in use by a SCSI disk"
            )
    if hostdev.type == "mdev" and hostdev.info.address_type is not None:
        wanted = {"vfio-pci": "pci", "vfio-ccw": "ccw"}.get(hostdev.mdev_model or "")
        if wanted is not None and hostdev.info.address_type != wanted:
            raise XMLError(
                f"Unsupported address type '{hostdev.info.address_type}' with mediated "
                f"device model '{hostdev.mdev_model}'"
            )


def _xen_pci_driver(dom: Domain, driver: Optional[str]) -> None:
    """Xen passes PCI devices through its own way only."""
    if driver not in (None, "xen"):
        raise ConfigUnsupported(f"XEN does not support device assignment mode '{driver}'")


# units per SCSI controller when libvirt picks a host device's address itself
_SCSI_BUS_MAX_UNIT = 7


def _assign_scsi_hostdev_address(dom: Domain, hostdev: Hostdev) -> None:
    """virDomainHostdevAssignAddress: the first free unit, controller by controller."""
    controller = 0
    while True:
        for unit in range(_SCSI_BUS_MAX_UNIT):
            drive = DriveAddress(controller=controller, unit=unit)
            if not _scsi_drive_in_use(dom, drive):
                hostdev.info.address_type = "drive"
                hostdev.info.drive = drive
                return
        controller += 1


def _scsi_drive_in_use(dom: Domain, drive: DriveAddress) -> bool:
    if _drive_used_by_scsi_disk(dom, drive):
        return True
    return any(h.type == "scsi" and h.info.address_type == "drive" and h.info.drive == drive
               for h in hostdevs(dom))


def _drive_used_by_scsi_disk(dom: Domain, drive: DriveAddress) -> bool:
    return any(d.bus == "scsi" and d.info.address_type == "drive" and d.info.drive == drive
               for d in dom.devices.disks)


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
    if disk.snapshot_location is None and (disk.readonly or disk.type == "vhostuser"):
        disk.snapshot_location = "no"
    if disk.type == "network" and disk.protocol == "iscsi" and disk.path and "/" not in disk.path:
        disk.path += "/0"  # an iSCSI target's LUN 0
    nvme = disk.source_extras.nvme
    if nvme is not None and nvme.managed is None:
        nvme.managed = True
    # an empty target is a name too, which no index matches (libvirt tests for NULL)
    if disk.info.address_type is None and disk.dst is not None:
        _assign_drive_address(disk)
    _expand_group_iotune(dom, disk)


def _expand_group_iotune(dom: Domain, disk: Disk) -> None:
    """virDomainDiskExpandGroupIoTune: a disk naming only a throttling group
    takes the limits of the first disk of the group that sets some."""
    if disk.iotune_group is None or any(disk.iotune.values()):
        return
    for other in dom.devices.disks:
        if other.iotune_group == disk.iotune_group and any(other.iotune.values()):
            disk.iotune = dict(other.iotune)
            return


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
    disk.info.address_type = "drive"
    disk.info.drive = DriveAddress(controller=controller, bus=bus, unit=unit)


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
    if chr_dev.device == "serial" and chr_dev.target_type == "isa-debug" and \
            dom.os.arch not in ("i686", "x86_64"):
        raise ConfigUnsupported("isa-debug serial type only valid on x86 architecture")
    if chr_dev.target_port == -1 and chr_dev.device in ("parallel", "serial", "console"):
        same = {"parallel": dom.devices.parallels, "serial": dom.devices.serials,
                "console": dom.devices.consoles}[chr_dev.device]
        chr_dev.target_port = max((c.target_port for c in same), default=-1) + 1


def _default_input_bus(dom: Domain, inp: Input) -> Optional[str]:
    if dom.is_hvm:
        if inp.type in ("mouse", "keyboard"):
            return "ps2"
        if inp.type == "passthrough":
            return "virtio"
        return "none" if inp.type == "evdev" else "usb"
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


def _vcpu_states(dom: Domain) -> None:
    """virDomainVcpuDefPostParse: an offline vCPU must be hotpluggable."""
    for index, state in enumerate(dom.vcpu_states):
        if state.hotpluggable is None:
            state.hotpluggable = not state.online
        elif not state.hotpluggable and not state.online:
            raise ConfigUnsupported(f"vcpu '{index}' is both offline and not hotpluggable")


def _hugepage_nodesets(dom: Domain) -> None:
    """virDomainDefPostParseMemtune: without guest NUMA a hugepage nodeset of
    just node 0 means no nodeset."""
    pages = dom.tuning.memory_backing.hugepages or []
    if dom.cpu is not None and dom.cpu.numa:
        return
    for page in pages:
        if page.nodeset is not None and not any(bit > 0 for bit in page.nodeset):
            page.nodeset = None


def _reject_duplicate_controllers(dom: Domain) -> None:
    seen = set()
    for ctrl in dom.devices.controllers:
        if ctrl.type == "usb":
            continue  # libvirt allows USB companions at one index
        key = (ctrl.type, ctrl.index)
        if key in seen:
            raise XMLError(f"Multiple '{ctrl.type}' controllers with index '{ctrl.index}'")
        seen.add(key)


def _reject_duplicate_panics(dom: Domain) -> None:
    seen = set()
    for panic in dom.devices.misc.panics:
        model = panic.model or "default"
        if model in seen:
            raise XMLError(f"Multiple panic devices with model '{model}'")
        seen.add(model)


def _boot_order(dom: Domain, refs: List[DeviceRef]) -> None:
    """virDomainDefBootOrderPostParse: per-device boot orders are unique and
    exclude <os><boot>; without either a domain boots from its disk. (libvirt
    skips the console that stands for the first serial, but no character
    device has a boot order.)"""
    orders = set()
    for ref in refs:
        order = ref.info.boot_order
        if not order or ref.from_interface:
            continue
        if order in orders:
            raise ConfigUnsupported(f"boot order '{order}' used for more than one device")
        orders.add(order)
    if dom.os.boot_devs and orders:
        raise ConfigUnsupported(
            "per-device boot elements cannot be used together with os/boot elements"
        )
    if not dom.os.boot_devs and not orders:
        dom.os.boot_devs = ["hd"]


def _spice_listen_none(dom: Domain) -> None:
    """virDomainDefPostParseGraphics: SPICE without ports nor autoport listens nowhere."""
    for gfx in dom.devices.graphics:
        if gfx.type != "spice" or not gfx.listens:
            continue
        if gfx.listens[0].type == "address" and not gfx.port and not gfx.tls_port and \
                not gfx.autoport:
            gfx.listens[0] = GraphicsListen(type="none")


def _check_timers(dom: Domain) -> None:
    for timer in dom.clock.timers:
        if timer.name in ("kvmclock", "hypervclock") and timer.tickpolicy:
            raise ConfigUnsupported(
                f"timer {timer.name} doesn't support setting of timer tickpolicy"
            )
        if timer.tickpolicy != "catchup" and (timer.catchup_threshold or timer.catchup_limit
                                              or timer.catchup_slew):
            raise XMLError("setting of timer catchup policies is only supported with "
                           "tickpolicy='catchup'")
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
    """virDomainDefAddImplicitControllers: disk controllers implied by drive
    addresses, then virtio-serial, CCID and SCSI host device controllers."""
    _implicit_disk_controllers(dom)
    dev = dom.devices
    for chr_dev in dev.channels + dev.consoles:
        if chr_dev.target_type == "virtio":
            other = chr_dev.info.other
            index = other.controller if chr_dev.info.address_type == "virtio-serial" and \
                other is not None else 0
            _maybe_add_controller(dom, "virtio-serial", index)
    cards = dev.misc.smartcards
    for card in cards:
        info = card.info
        if info.address_type is None:
            slots = [c.info.other.slot for c in cards if c.info.address_type == "ccid"
                     and c.info.other is not None and c.info.other.controller == 0]
            info.address_type = "ccid"
            info.other = OtherAddress(controller=0, slot=max(slots, default=-1) + 1)
        index = info.other.controller if info.address_type == "ccid" and \
            info.other is not None else 0
        _maybe_add_controller(dom, "ccid", index)
    add_hostdev_scsi_controllers(dom)


def _maybe_add_controller(dom: Domain, ctype: str, index: int) -> None:
    """virDomainDefMaybeAddController."""
    if not any(c.type == ctype and c.index == index for c in dom.devices.controllers):
        insert_controller(dom.devices.controllers, Controller(type=ctype, index=index))


# disk buses whose drive addresses name a controller of the bus's name, in
# libvirt's order of adding them
_DRIVE_BUSES = ("scsi", "fdc", "ide", "sata")


def _implicit_disk_controllers(dom: Domain) -> None:
    """Disk controllers implied by drive addresses."""
    highest_by_bus: Dict[Optional[str], int] = {}
    for d in dom.devices.disks:
        drive = d.info.drive
        if drive and d.info.address_type == "drive":
            highest_by_bus[d.bus] = max(highest_by_bus.get(d.bus, -1), drive.controller)
    if not highest_by_bus:
        return
    for bus in _DRIVE_BUSES:
        highest = highest_by_bus.get(bus, -1)
        if highest >= MAX_IMPLICIT_CONTROLLERS:
            disk = next(d for d in dom.devices.disks if d.bus == bus and d.info.drive
                        and d.info.drive.controller == highest)
            check_implicit_controller(f"disk '{disk.dst}'", bus, highest)
        for index in range(highest + 1):
            if not any(c.type == bus and c.index == index for c in dom.devices.controllers):
                insert_controller(dom.devices.controllers, Controller(type=bus, index=index))


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
    online = [state.online for state in dom.vcpu_states] or [
        i < dom.vcpus for i in range(dom.vcpus_max)
    ]
    dom.cputune.vcpupins = [p for p in dom.cputune.vcpupins if online[p.vcpu]]
    if "/" in dom.name:
        raise XMLError(f"name {dom.name} cannot contain '/'")
    if dom.vcpu_states:
        raise ConfigUnsupported("individual CPU state configuration is not supported")
