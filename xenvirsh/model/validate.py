"""libvirt's validation of a parsed domain, for the libxl driver.

``virDomainDefValidate`` runs, in this order, the driver's domain check
(``libxlDomainDefValidate``), a check of every device in
``virDomainDeviceInfoIterate`` order (common checks, then the driver's
device check), and the domain-wide checks of ``virDomainDefValidateInternal``.
The first failure is the error reported, so the order is kept exactly.
"""

from __future__ import annotations

from typing import Callable, Dict, List, Optional

from xenvirsh.errors import (
    ConfigUnsupported,
    InternalError,
    InvalidArgument,
    XenvirshError,
    XMLError,
    XMLParseError,
)
from xenvirsh.host import Host
from xenvirsh.model.devlist import DeviceRef, hostdevs, iter_devices
from xenvirsh.model.domain import (
    IOMMU,
    RNG,
    TPM,
    Audio,
    ChrDevice,
    ChrSource,
    Controller,
    DeviceSecLabel,
    Disk,
    Domain,
    Filesystem,
    Graphics,
    Hostdev,
    Input,
    Interface,
    PCIAddress,
    Pstore,
    Redirdev,
    Shmem,
    Smartcard,
    Sound,
    Video,
    VirtioOptions,
    Vsock,
)

_CHANNEL_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")
_PRINTABLE = frozenset(chr(c) for c in range(32, 127))
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_CPU_PERIOD = (1000, 1000000)  # VIR_CGROUP_CPU_PERIOD_MIN/MAX
_CPU_QUOTA = (1000, 17592186044415)  # VIR_CGROUP_CPU_QUOTA_MIN/MAX
_SPEED_LIMIT = 1 << 54  # tc's limits for interface bandwidth
_BURST_LIMIT = (2**32 - 1) >> 10
_VIRTIO_MODELS = ("virtio", "virtio-transitional", "virtio-non-transitional")
_DISK_PREFIXES = ("hd", "sd", "vd", "xvd", "ubd")
_DRIVE_BUSES = ("ide", "fdc", "scsi", "sata")


def validate(dom: Domain, host: Host) -> None:
    _libxl_domain(dom, host)
    refs = list(iter_devices(dom, with_infoless=True))
    for ref in refs:
        _device(dom, ref)
    _domain(dom, refs)


# --- libxlDomainDefValidate ------------------------------------------------------


def _libxl_domain(dom: Domain, host: Host) -> None:
    host.lookup(dom.os.type, dom.os.arch, dom.virt_type)
    osd = dom.os
    secure_boot = osd.firmware == "efi" and "secure-boot" in osd.firmware_features
    loader = osd.loader
    if (osd.firmware is None and loader is not None and loader.type == "pflash"
            and loader.secure):
        secure_boot = True
    if secure_boot:
        raise ConfigUnsupported("Secure boot is not supported on Xen")
    for table in osd.acpi_tables:
        if table.type not in ("slic", "rawset"):
            raise ConfigUnsupported(f"ACPI table type '{table.type}' is not supported")
    if len(osd.acpi_tables) > 1:
        raise ConfigUnsupported("Only a single ACPI table is supported")
    sounds = dom.devices.sounds
    if sounds and sounds[0].model not in ("ich6", "es1370", "ac97", "sb16"):
        raise ConfigUnsupported(f"unsupported audio model {sounds[0].model}")


# --- devices ---------------------------------------------------------------------


def _device(dom: Domain, ref: DeviceRef) -> None:
    info = ref.info
    if info.address_type == "unassigned" and ref.kind != "hostdev":
        raise ConfigUnsupported("address of type 'unassigned' is supported only for hostdevs")
    check = _DEVICE_CHECKS.get(ref.kind)
    if check is not None:
        check(dom, ref.device)
    # libxlDomainDeviceDefValidate
    if ref.kind == "net":
        net = ref.device
        assert isinstance(net, Interface)
        if net.filter:
            raise ConfigUnsupported(f"filterref is not supported in {dom.virt_type}")


def _no_virtio_options(options: VirtioOptions) -> None:
    """virDomainCheckVirtioOptionsAreAbsent."""
    if (options.iommu is None and options.ats is None and options.packed is None
            and options.page_per_vq is None):
        return
    for name, value in (("iommu", options.iommu), ("ats", options.ats),
                        ("packed", options.packed)):
        if value is not None:
            raise ConfigUnsupported(f"{name} driver option is only supported for virtio devices")
    if options.page_per_vq is not None:
        raise ConfigUnsupported("page_per_vq option is only supported for virtio devices")


def _seclabel_overrides(dom: Domain, labels: List[DeviceSecLabel]) -> None:
    """virSecurityDeviceLabelDefValidate."""
    for label in labels:
        for domain_label in dom.tuning.seclabels:
            if domain_label.model == label.model and not domain_label.relabel:
                raise ConfigUnsupported(
                    "label overrides require relabeling to be enabled at the domain level"
                )


def _disk(dom: Domain, disk: object) -> None:
    """virDomainDiskDefValidate."""
    assert isinstance(disk, Disk)
    extras = disk.source_extras
    if disk.dst is None:
        if extras.pool is not None:
            raise XenvirshError(
                f"missing target information for device pool = '{extras.pool}', "
                f"volume = '{extras.volume}'"
            )
        raise XenvirshError(_no_target(_source_path(disk)))
    member: Optional[Disk] = disk
    while member is not None:  # virDomainDiskDefValidateSource: the whole chain
        _disk_source(member)
        member = member.backing
    if disk.sgio == "unfiltered":
        raise ConfigUnsupported("unfiltered sgio is no longer supported")
    if disk.device == "lun":
        _lun_source(disk)
    else:
        if disk.rawio is not None:
            raise ConfigUnsupported("rawio can be used only with device='lun'")
        if disk.sgio is not None:
            raise ConfigUnsupported("sgio can be used only with device='lun'")
    _iotune(disk.iotune)
    if disk.bus in _DRIVE_BUSES and disk.info.address_type not in (None, "drive"):
        raise ConfigUnsupported(
            f"Invalid address type '{disk.info.address_type}' for the disk '{disk.dst}' "
            f"with the bus type '{disk.bus}'"
        )
    driver = disk.driver_extras
    if disk.bus != "virtio":
        if disk.model in _VIRTIO_MODELS:
            raise ConfigUnsupported(
                f"disk model '{disk.model}' not supported for bus '{disk.bus}'"
            )
        if driver.queues:
            raise ConfigUnsupported(
                "queues attribute in disk driver element is only supported for virtio bus"
            )
        if driver.queue_size:
            raise ConfigUnsupported(
                "queue_size attribute in disk driver is only supported for virtio bus"
            )
        if driver.event_idx is not None:
            raise ConfigUnsupported("disk event_idx mode supported only for virtio bus")
        if driver.ioeventfd is not None:
            raise ConfigUnsupported("disk ioeventfd mode supported only for virtio bus")
        _no_virtio_options(driver.virtio)
    if disk.type == "nvme" and extras.nvme is not None and extras.nvme.namespace == 0:
        raise ConfigUnsupported("NVMe namespace can't be zero")
    if disk.type == "vhostuser":
        _vhostuser_disk(disk)
    _seclabel_overrides(dom, extras.seclabels)
    if disk.tray is not None and disk.device not in ("floppy", "cdrom"):
        raise ConfigUnsupported("tray is only valid for cdrom and floppy")
    _vendor_product(disk)
    if disk.device == "floppy" and disk.bus != "fdc":
        raise InternalError(f"Invalid bus type '{disk.bus}' for floppy disk")
    if disk.device != "floppy" and disk.bus == "fdc":
        raise InternalError(f"Invalid bus type '{disk.bus}' for disk")
    if (disk.target.removable is not None and disk.bus != "usb"
            and not (disk.bus == "scsi" and disk.device == "disk")):
        raise XMLError("removable is only valid for usb or scsi disks")
    _startup_policy(disk)
    if disk.wwn is not None:
        _wwn(disk.wwn)
    if disk.device in ("disk", "lun") and not disk.dst.startswith(_DISK_PREFIXES):
        raise InternalError(f"Invalid harddisk device name: {disk.dst}")
    if disk.device == "floppy" and not disk.dst.startswith("fd"):
        raise InternalError(f"Invalid floppy device name: {disk.dst}")
    if _source_empty(disk) and disk.device == "disk":
        raise XenvirshError(f"missing source information for device {disk.dst}")
    if driver.discard_no_unref:
        if disk.format != "qcow2":
            raise ConfigUnsupported("'discard_no_unref' only works with qcow2 disk format")
        if disk.readonly:
            raise ConfigUnsupported("'discard_no_unref' is not compatible with read-only disk")
    if driver.iothread and driver.iothreads:
        raise XMLError("disk driver 'iothread' attribute can't be used together with "
                       "'iothreads' subelement")


def _no_target(detail: Optional[str]) -> str:
    """VIR_ERR_NO_TARGET with or without the source it names."""
    return f"missing target information for device {detail}" if detail else \
        "missing target information for device"


def _source_empty(disk: Disk) -> bool:
    """virStorageSourceIsEmpty."""
    if disk.type in ("file", "block", "dir") and disk.path is None:
        return True
    return disk.type == "network" and disk.protocol == "none"


def _disk_source(disk: Disk) -> None:
    """virDomainDiskDefValidateSourceChainOne for the disk's own source."""
    if disk.type == "network" and disk.protocol == "sheepdog":
        raise ConfigUnsupported(
            "'sheepdog' protocol is no longer supported by any hypervisor driver"
        )
    auth = disk.auth
    if disk.type == "network" and auth is not None:
        if disk.protocol in ("nbd", "sheepdog", "gluster", "tftp", "vxhs", "nfs"):
            raise ConfigUnsupported(
                f"authentication is not supported for protocol '{disk.protocol}'"
            )
        usage = auth.secret_type
        if usage not in ("none", "volume", "ceph", "iscsi", "tls", "vtpm"):
            raise ConfigUnsupported(f"unknown secret type '{usage or '(null)'}'")
        if (disk.protocol == "iscsi" and usage != "iscsi") or \
                (disk.protocol == "rbd" and usage != "ceph"):
            raise ConfigUnsupported(f"invalid secret type '{usage}'")
    enc = disk.encryption
    if enc is not None and enc.format == "luks" and enc.cipher_name is not None:
        raise ConfigUnsupported("supplying <cipher> for domain disk definition is unnecessary")
    if disk.type != "network" and disk.protocol != "rbd":
        if disk.snapshot is not None:
            raise XMLError("<snapshot> element is currently supported only with 'rbd' disks")
        if disk.config_file is not None:
            raise XMLError("<config> element is currently supported only with 'rbd' disks")


def _lun_source(disk: Disk) -> None:
    """virDomainDiskDefSourceLUNValidate."""
    if disk.type == "network":
        if disk.protocol != "iscsi":
            raise ConfigUnsupported(
                f"disk device='lun' is not supported for protocol='{disk.protocol}'"
            )
    elif disk.type not in ("block", "volume"):
        raise ConfigUnsupported("disk device='lun' is only valid for block type disk source")
    if disk.format not in (None, "raw"):
        raise ConfigUnsupported("disk device 'lun' must use 'raw' format")
    if disk.source_extras.slice is not None:
        raise ConfigUnsupported("disk device 'lun' doesn't support storage slice")
    if disk.encryption is not None and disk.encryption.format != "default":
        raise ConfigUnsupported("disk device 'lun' doesn't support encryption")


def _iotune(iotune: Dict[str, int]) -> None:
    """virDomainDiskIoTuneValidate."""
    for kind, suffix in (("bytes", "sec"), ("iops", "sec"), ("bytes", "sec_max"),
                         ("iops", "sec_max")):
        total = iotune.get(f"total_{kind}_{suffix}")
        if total and (iotune.get(f"read_{kind}_{suffix}") or
                      iotune.get(f"write_{kind}_{suffix}")):
            raise XMLError(f"total and read/write {kind}_{suffix} cannot be set at the "
                           "same time")


def _vhostuser_disk(disk: Disk) -> None:
    """virDomainDiskVhostUserValidate."""
    driver = disk.driver_extras
    target = disk.target
    problems = (
        (disk.bus != "virtio", "vhostuser disk supports only virtio bus"),
        (disk.snapshot_location != "no", "only snapshot=no is supported with vhostuser disk"),
        (disk.cache is not None, "cache is not supported with vhostuser disk"),
        (driver.error_policy is not None or driver.rerror_policy is not None,
         "error_policy is not supported with vhostuser disk"),
        (disk.io is not None, "io is not supported with vhostuser disk"),
        (driver.ioeventfd is not None, "ioeventfd is not supported with vhostuser disk"),
        (driver.copy_on_read is not None, "copy_on_read is not supported with vhostuser disk"),
        (disk.discard is not None, "discard is not supported with vhostuser disk"),
        (bool(driver.iothread), "iothread is not supported with vhostuser disk"),
        (driver.detect_zeroes is not None,
         "detect_zeroes is not supported with vhostuser disk"),
        (driver.metadata_cache_max > 0, "metadata_cache is not supported with vhostuser disk"),
        (disk.iotune_group is not None or any(disk.iotune.values()),
         "iotune is not supported with vhostuser disk"),
        (disk.backing is not None, "backingStore is not supported with vhostuser disk"),
        (disk.encryption is not None, "encryption is not supported with vhostuser disk"),
        (disk.readonly, "readonly is not supported with vhostuser disk"),
        (disk.shareable, "shareable is not supported with vhostuser disk"),
        (disk.transient, "transient is not supported with vhostuser disk"),
        (disk.serial is not None, "serial is not supported with vhostuser disk"),
        (disk.wwn is not None, "wwn is not supported with vhostuser disk"),
        (disk.vendor is not None, "vendor is not supported with vhostuser disk"),
        (disk.product is not None, "product is not supported with vhostuser disk"),
        (disk.auth is not None, "auth is not supported with vhostuser disk"),
        (bool(target.cyls or target.heads or target.secs or target.trans),
         "geometry is not supported with vhostuser disk"),
        (bool(target.logical_block_size or target.physical_block_size
              or target.discard_granularity),
         "blockio is not supported with vhostuser disk"),
    )
    for failed, message in problems:
        if failed:
            raise ConfigUnsupported(message)


def _vendor_product(disk: Disk) -> None:
    if disk.vendor is not None:
        if not set(disk.vendor) <= _PRINTABLE:
            raise XMLError("disk vendor is not printable string")
        if len(disk.vendor.encode()) > 8:
            raise ConfigUnsupported("disk vendor is more than 8 characters")
    if disk.product is not None:
        limit = 16 if disk.bus == "scsi" else 40
        if not set(disk.product) <= _PRINTABLE:
            raise XMLError("disk product is not printable string")
        if len(disk.product.encode()) > limit:
            raise ConfigUnsupported(f"disk product is more than {limit} characters")


def _startup_policy(disk: Disk) -> None:
    """virDomainDiskDefValidateStartupPolicy."""
    policy = disk.startup_policy
    if policy is None:
        return
    if disk.type not in ("volume", "file", "block", "dir"):
        raise XMLError(
            f"disk startupPolicy '{policy}' is not allowed for disk of '{disk.type}' type"
        )
    if disk.device not in ("cdrom", "floppy") and policy == "requisite":
        raise XMLError("disk startupPolicy 'requisite' is allowed only for cdrom or floppy")


def _wwn(wwn: str) -> None:
    """virValidateWWN."""
    digits = wwn[2:] if wwn[:2] in ("0x", "0X") else wwn
    if len(digits) != 16 or not all(c in _HEX_DIGITS for c in digits):
        raise InternalError("Malformed wwn: " + wwn)


def _net(dom: Domain, net: object) -> None:
    """virDomainNetDefValidate."""
    assert isinstance(net, Interface)
    extras = net.extras
    if (extras.host_ips or extras.host_routes) and net.type != "ethernet":
        raise ConfigUnsupported(
            "Invalid attempt to set network interface host-side IP route and/or address info "
            f"on interface of type '{net.type}'. This is only supported on interfaces of "
            "type 'ethernet'"
        )
    if extras.managed_tap is False and net.type != "ethernet":
        raise ConfigUnsupported(
            f"unmanaged target dev is not supported on interfaces of type '{net.type}'"
        )
    if extras.teaming_type == "transient":
        if not extras.teaming_persistent:
            raise ConfigUnsupported(
                "teaming persistent attribute must be set if teaming type is 'transient'"
            )
    elif extras.teaming_type is not None and extras.teaming_persistent:
        raise ConfigUnsupported(
            f"teaming persistent attribute not allowed if teaming type is "
            f"'{extras.teaming_type}'"
        )
    if extras.isolated_port:
        if net.type not in ("network", "bridge"):
            raise ConfigUnsupported(
                f"interface {net.mac} - <port isolated='yes'/> is not supported for network "
                f"interfaces with type='{net.type}'"
            )
        if net.virtualport:
            raise ConfigUnsupported(
                f"interface {net.mac} - <port isolated='yes'/> is not supported for network "
                f"interfaces with virtualport type='{net.virtualport}'"
            )
    if net.model not in _VIRTIO_MODELS:
        _no_virtio_options(extras.virtio)
    passt = extras.backend_type == "passt"
    if net.type not in ("user", "vhostuser") and passt:
        raise ConfigUnsupported(
            "The 'passt' backend can only be used with interface type='user' or "
            "type='vhostuser'"
        )
    if extras.source_dev and not passt and net.type not in ("direct", "vdpa"):
        raise ConfigUnsupported(
            "The 'dev' attribute of the <source> element can only be used with <interface> "
            "type='user' or type='vhostuser' if the <backend> type='passt'"
        )
    if extras.port_forwards:
        _port_forwards(net)
    _bandwidth(net)


def _port_forwards(net: Interface) -> None:
    if net.type not in ("user", "vhostuser") or net.extras.backend_type != "passt":
        raise ConfigUnsupported(
            "The <portForward> element can only be used with the 'passt' backend of "
            "interface type='user' or type='vhostuser'"
        )
    for forward in net.extras.port_forwards:
        for start, end, to, exclude in forward.ranges:
            if not start and (end or to or exclude is not None):
                raise ConfigUnsupported(
                    "The 'range' of a 'portForward' requires 'start' attribute if 'end', "
                    "'to', or 'exclude' is specified"
                )


def _bandwidth(net: Interface) -> None:
    """virNetDevBandwidthValidate."""
    for rate in (net.inbound, net.outbound):
        if rate is None:
            continue
        for name, limit in (("average", _SPEED_LIMIT), ("peak", _SPEED_LIMIT),
                            ("burst", _BURST_LIMIT), ("floor", _SPEED_LIMIT)):
            value = getattr(rate, name) or 0
            if value > limit:
                raise XenvirshError(
                    f"numerical overflow: value '{value}' is too big for '{name}' "
                    f"parameter, maximum is '{limit}'"
                )


def _sound(dom: Domain, sound: object) -> None:
    assert isinstance(sound, Sound)
    _audio_id(dom, sound.audio_id)


def _audio_id(dom: Domain, audio_id: int) -> None:
    """virDomainEnsureAudioID."""
    if audio_id and not any(a.id == audio_id for a in dom.devices.misc.audios):
        raise XMLError(f"no audio device with ID {audio_id}")


def _hostdev(dom: Domain, hostdev: object) -> None:
    """virDomainHostdevDefValidate."""
    assert isinstance(hostdev, Hostdev)
    address = hostdev.info.address_type
    if hostdev.mode == "subsystem":
        if hostdev.type == "pci" and address not in (None, "unassigned", "pci"):
            raise InternalError("PCI host devices must use 'pci' or 'unassigned' address type")
        if hostdev.type == "scsi":
            if address not in (None, "drive"):
                raise ConfigUnsupported("SCSI host device must use 'drive' address type")
            if hostdev.scsi is not None and hostdev.scsi.sgio == "unfiltered":
                raise ConfigUnsupported("unfiltered sgio is no longer supported")
        if hostdev.type == "scsi_host" and address not in (None, "pci", "ccw"):
            raise ConfigUnsupported("SCSI_host host device must use 'pci' or 'ccw' address type")
        if hostdev.type == "usb" and address not in (None, "usb"):
            raise ConfigUnsupported("USB host device must use 'usb' address type")
    if hostdev.teaming_type is not None:
        if hostdev.teaming_type != "transient":
            raise ConfigUnsupported("teaming hostdev devices must have type='transient'")
        if not hostdev.teaming_persistent:
            raise ConfigUnsupported(
                "missing required persistent attribute in hostdev teaming element"
            )
        if hostdev.mode != "subsystem" or hostdev.type != "pci":
            raise ConfigUnsupported("teaming is only supported for pci hostdev devices")


def _video(dom: Domain, video: object) -> None:
    """virDomainVideoDefValidate."""
    assert isinstance(video, Video)
    if video.type == "default":
        raise InternalError("missing video model and cannot determine default")
    if any(v.type == "none" for v in dom.devices.videos) and len(dom.devices.videos) > 1:
        raise ConfigUnsupported(
            "a 'none' video type must be the only video device defined for the domain"
        )
    if video.backend == "vhostuser":
        if video.type != "virtio":
            raise ConfigUnsupported("'vhostuser' driver is only supported with 'virtio' device")
    elif video.rendernode:
        raise ConfigUnsupported("unsupported rendernode accel attribute without 'vhostuser'")
    if video.resolution is not None and 0 in video.resolution:
        raise ConfigUnsupported("video resolution values must be greater than 0")
    if video.type != "qxl":
        for name, value in (("ram", video.ram), ("vram64", video.vram64),
                            ("vgamem", video.vgamem)):
            if value:
                raise ConfigUnsupported(f"{name} attribute only supported for video type qxl")
    if video.type == "ramfb" and video.info.address_type is not None:
        raise ConfigUnsupported("address not supported for video type ramfb")
    if video.type != "virtio":
        _no_virtio_options(video.virtio)
        if video.blob is not None:
            raise ConfigUnsupported(
                f"video type '{video.type}' does not support blob resources"
            )


def _controller(dom: Domain, ctrl: object) -> None:
    """virDomainControllerDefValidate."""
    assert isinstance(ctrl, Controller)
    if ctrl.type == "pci":
        _pci_controller(ctrl)
    driver = ctrl.driver
    if driver.iothread or driver.iothreads:
        if ctrl.type != "scsi" or ctrl.model not in ("virtio-scsi", "virtio-transitional",
                                                     "virtio-non-transitional"):
            raise ConfigUnsupported("iothreads are supported only by 'virtio-scsi' controllers")
        if driver.iothread and driver.iothreads:
            raise XMLError("controller driver 'iothread' attribute can't be used together "
                           "with 'iothreads' subelement")


def _pci_controller(ctrl: Controller) -> None:
    pci = ctrl.pci
    if ctrl.model in ("pci-root", "pcie-root") and ctrl.info.address_type is not None:
        raise ConfigUnsupported("pci-root and pcie-root controllers should not have an address")
    if ctrl.index > 255:
        raise ConfigUnsupported(f"PCI controller index {ctrl.index} too high, maximum is 255")
    if pci.target_index != -1:
        if not 0 <= pci.target_index <= 30:
            raise ConfigUnsupported(f"PCI controller target index '{pci.target_index}' out "
                                    "of range - must be 0-30")
        if (ctrl.index == 0) != (pci.target_index == 0):
            raise ConfigUnsupported("Only the PCI controller with index 0 can have target "
                                    "index 0, and vice versa")
    for value, name, low, high in ((pci.chassis_nr, "chassisNr", 1, 255),
                                   (pci.chassis, "chassis", 0, 255),
                                   (pci.port, "port", 0, 255),
                                   (pci.bus_nr, "busNr", 1, 254)):
        if value != -1 and not low <= value <= high:
            raise ConfigUnsupported(f"PCI controller {name} '{value}' out of range - must be "
                                    f"{low}-{high}")
    if pci.numa_node >= 0 and ctrl.index == 0:
        raise ConfigUnsupported("The PCI controller with index=0 can't be associated with a "
                                "NUMA node")


def _smartcard(dom: Domain, card: object) -> None:
    assert isinstance(card, Smartcard)
    if card.info.address_type not in (None, "ccid"):
        raise ConfigUnsupported("Controllers must use the 'ccid' address type")
    if card.passthrough is not None:
        chr_source(dom, card.passthrough, None)


def _chr(dom: Domain, chr_dev: object) -> None:
    assert isinstance(chr_dev, ChrDevice)
    chr_source(dom, chr_dev.source, chr_dev)


def chr_source(dom: Domain, src: ChrSource, chr_dev: Optional[ChrDevice]) -> None:
    """virDomainChrSourceDefValidate."""
    kind = src.type
    if kind in ("file", "dev", "pipe") and src.path is None:
        raise InternalError("Missing source path attribute for char device")
    if kind == "nmdm" and (src.master is None) != (src.slave is None):
        raise InternalError(
            "Should define both master and slave path attributes for nmdm device"
        )
    if kind == "tcp":
        if src.host is None:
            raise InternalError("Missing source host attribute for char device")
        if src.service is None:
            raise InternalError("Missing source service attribute for char device")
        if src.listen and src.reconnect.enabled:
            raise InternalError("chardev reconnect is possible only for connect mode")
    if kind == "udp" and src.connect_service is None:
        raise InternalError("Missing source service attribute for char device")
    if kind == "unix":
        auto_path = (chr_dev is not None and chr_dev.device == "channel"
                     and chr_dev.target_type in ("xen", "virtio"))
        if src.path is None and not auto_path:
            raise InternalError("Missing source path attribute for char device")
        if src.listen and src.reconnect.enabled:
            raise InternalError("chardev reconnect is possible only for connect mode")
    if kind in ("spiceport", "dbus"):
        if src.channel is None:
            raise ConfigUnsupported("Missing source channel attribute for char device")
        if not set(src.channel) <= _CHANNEL_NAME_CHARS:
            raise InvalidArgument("Invalid character in source channel for char device")
    _seclabel_overrides(dom, src.seclabels)


def _rng(dom: Domain, rng: object) -> None:
    assert isinstance(rng, RNG)
    if rng.backend == "egd" and rng.egd is not None:
        chr_source(dom, rng.egd, None)


def _input(dom: Domain, inp: object) -> None:
    """virDomainInputDefValidate."""
    assert isinstance(inp, Input)
    bus = inp.bus or "default"
    if dom.is_hvm:
        if bus == "ps2" and inp.type not in ("mouse", "keyboard"):
            raise InternalError(f"ps2 bus does not support {inp.type} input device")
        if bus == "xen":
            raise InternalError(f"unsupported input bus {bus}")
    elif dom.os.type in ("xen", "xenpvh"):
        if bus != "xen":
            raise InternalError(f"unsupported input bus {bus}")
        if inp.type not in ("mouse", "keyboard"):
            raise InternalError(f"xen bus does not support {inp.type} input device")
    else:
        raise InternalError("Input devices are not supported by this virtualization driver.")
    if inp.type in ("mouse", "tablet", "keyboard") and inp.evdev:
        raise ConfigUnsupported(
            "setting source evdev path only supported for passthrough input devices"
        )
    if inp.type == "passthrough" and bus != "virtio":
        raise ConfigUnsupported("only bus 'virtio' is supported for 'passthrough' input devices")
    if inp.type == "evdev" and bus != "none":
        raise ConfigUnsupported("input evdev doesn't support bus element")
    if inp.model is not None and bus != "virtio":
        raise ConfigUnsupported(
            f"only bus 'virtio' is supported for input model '{inp.model}'"
        )
    if bus == "ps2" and dom.features.switches.get("ps2") is False:
        raise ConfigUnsupported("ps2 bus inputs require the ps2 feature not to be disabled")


def _fs(dom: Domain, fs: object) -> None:
    """virDomainFSDefValidate."""
    assert isinstance(fs, Filesystem)
    if fs.target is None:
        raise XenvirshError(_no_target(fs.source))
    if fs.info.boot_order and fs.driver_type != "virtiofs":
        raise ConfigUnsupported("boot order is only supported for virtiofs")


def _redirdev(dom: Domain, redirdev: object) -> None:
    assert isinstance(redirdev, Redirdev)
    has_usb = any(c.type == "usb" and c.model != "none" for c in dom.devices.controllers)
    if redirdev.bus == "usb" and not has_usb:
        raise ConfigUnsupported(
            "cannot add redirected USB device: USB is disabled for this domain"
        )
    chr_source(dom, redirdev.source, None)


def _vsock(dom: Domain, vsock: object) -> None:
    assert isinstance(vsock, Vsock)
    if 0 < vsock.cid <= 2:
        raise ConfigUnsupported("guest CIDs must be >= 3")
    if vsock.model not in _VIRTIO_MODELS:
        _no_virtio_options(vsock.virtio)


def _shmem(dom: Domain, shmem: object) -> None:
    assert isinstance(shmem, Shmem)
    if "/" in shmem.name:
        raise ConfigUnsupported("shmem name cannot include '/' character")
    if shmem.name in (".", ".."):
        raise ConfigUnsupported(f"shmem name cannot be equal to '{shmem.name}'")


def _iommu(dom: Domain, iommu: object) -> None:
    assert isinstance(iommu, IOMMU)
    if iommu.model in ("smmuv3", "virtio") and (
            iommu.intremap is not None or iommu.caching_mode is not None
            or iommu.eim is not None or iommu.iotlb is not None or iommu.aw_bits
            or iommu.dma_translation is not None):
        raise XMLError(f"iommu model '{iommu.model}' doesn't support additional attributes")
    if iommu.model in ("smmuv3", "intel") and iommu.info.address_type is not None:
        raise XMLError(f"iommu model '{iommu.model}' can't have address")


def _tpm(dom: Domain, tpm: object) -> None:
    assert isinstance(tpm, TPM)
    if tpm.backend == "emulator":
        if tpm.pcr_banks and tpm.version != "2.0":
            raise XMLError("<active_pcr_banks/> requires TPM version '2.0'")
        if tpm.profile_source and tpm.version != "2.0":
            raise XMLError("<profile/> requires TPM version '2.0'")
    elif tpm.backend == "external" and tpm.external is not None:
        if tpm.external.type != "unix":
            raise XMLError("only source type 'unix' is supported for external TPM device")
        if tpm.external.listen:
            raise XMLError("only 'connect' mode is supported for external TPM device")
        if tpm.external.path is None:
            raise XMLError("missing socket path for external TPM device")


def _pstore(dom: Domain, pstore: object) -> None:
    assert isinstance(pstore, Pstore)
    if not pstore.path:
        raise XMLError("missing path for ACPI ERST pstore device")
    size = pstore.size_kib
    if size < 4 or size & (size - 1):
        raise XMLError("invalid size of ACPI ERST pstore device")


def _graphics(dom: Domain, gfx: object) -> None:
    """virDomainGraphicsDefValidate."""
    assert isinstance(gfx, Graphics)
    if gfx.type in ("vnc", "spice", "rdp"):
        for listen in gfx.listens:
            if listen.type == "network" and not listen.network:
                raise XMLError("'network' attribute is required for listen type 'network'")
            if listen.type in ("socket", "none") and gfx.type not in ("vnc", "spice"):
                raise ConfigUnsupported(
                    f"listen type '{listen.type}' is not available for graphics type "
                    f"'{gfx.type}'"
                )
    if gfx.type == "vnc":
        _audio_id(dom, gfx.audio_id)
    elif gfx.type == "dbus" and gfx.p2p and gfx.address:
        raise XMLError("D-Bus p2p with an address is not supported")


def _audio(dom: Domain, audio: object) -> None:
    assert isinstance(audio, Audio)
    audios = dom.devices.misc.audios
    if any(other is not audio and other.id == audio.id for other in audios):
        raise XMLError(f"audio ID {audio.id} is used multiple times")


_DEVICE_CHECKS: Dict[str, Callable[[Domain, object], None]] = {
    "disk": _disk, "net": _net, "sound": _sound, "hostdev": _hostdev, "video": _video,
    "controller": _controller, "smartcard": _smartcard, "chr": _chr, "rng": _rng,
    "input": _input, "fs": _fs, "redirdev": _redirdev, "vsock": _vsock, "shmem": _shmem,
    "iommu": _iommu, "tpm": _tpm, "pstore": _pstore, "graphics": _graphics, "audio": _audio,
}


# --- virDomainDefValidateInternal -----------------------------------------------


def _domain(dom: Domain, refs: List[DeviceRef]) -> None:
    _resource(dom)
    _duplicate_disks(dom)
    _duplicate_hostdevs(dom)
    _duplicate_drive_addresses(dom)
    _vcpu_topology(dom)
    _aliases(dom, refs)
    _iommu_features(dom)
    _lifecycle(dom)
    _memtune(dom)
    _os(dom)
    _cputune(dom)
    _boot(dom)
    _primary_video(dom)
    _blkio_devices(dom)
    _idmap(dom)
    _numatune(dom)
    _iothread_pools(dom)


def _resource(dom: Domain) -> None:
    resource = dom.tuning.resource
    if resource is None or resource.appid is None:
        return
    if not set(resource.appid) <= _PRINTABLE and not resource.appid.isprintable():
        raise XMLError("Fibre Channel 'appid' is not a printable string")
    if not 1 <= len(resource.appid.encode()) <= 128:
        raise InvalidArgument("Fibre Channel 'appid' string length must be between [1, 128]")


def _duplicate_disks(dom: Domain) -> None:
    disks = dom.devices.disks
    for index, first in enumerate(disks):
        for second in disks[index + 1:]:
            if first.dst == second.dst:
                raise XMLError(
                    f"target '{first.dst}' duplicated for disk sources "
                    f"'{_disk_source_text(first)}' and '{_disk_source_text(second)}'"
                )


def _disk_source_text(disk: Disk) -> str:
    """virDomainDiskGetSource, printed with NULLSTR."""
    path = _source_path(disk)
    return "<null>" if path is None else path


def _source_path(disk: Disk) -> Optional[str]:
    """libvirt's src->path: no path for a volume, and for gluster and rbd the
    image name without its pool or volume (which libvirt keeps apart)."""
    if disk.type == "volume" or disk.path is None:
        return None
    if disk.type == "network" and disk.protocol in ("gluster", "rbd"):
        return disk.path.split("/", 1)[1]
    return disk.path


def _duplicate_hostdevs(dom: Domain) -> None:
    devices = hostdevs(dom)
    for index, first in enumerate(devices):
        for second in devices[index + 1:]:
            if _hostdev_match(first, second):
                raise XMLError("Hostdev already exists in the domain configuration")
    ramfb = [h for h in devices if h.mode == "subsystem" and h.type in ("pci", "mdev")
             and h.ramfb]
    if len(ramfb) > 1:
        raise ConfigUnsupported("Only one vgpu device can have 'ramfb' enabled")


def _hostdev_match(first: Hostdev, second: Hostdev) -> bool:
    """virDomainHostdevMatch."""
    if first.mode != second.mode or first.type != second.type:
        return False
    if first.mode == "capabilities":
        return first.caps_source == second.caps_source
    if first.type == "pci":
        a, b = first.pci or PCIAddress(), second.pci or PCIAddress()  # no source: 0000:00:00.0
        return (a.domain, a.bus, a.slot, a.function) == (b.domain, b.bus, b.slot, b.function)
    if first.type == "usb":
        if first.usb_bus and first.usb_device:
            return (first.usb_bus, first.usb_device) == (second.usb_bus, second.usb_device)
        return (first.usb_vendor or 0, first.usb_product or 0) == \
            (second.usb_vendor or 0, second.usb_product or 0)
    if first.type == "mdev":
        return first.mdev_uuid == second.mdev_uuid
    a_scsi, b_scsi = first.scsi, second.scsi
    if a_scsi is None or b_scsi is None:
        return False
    if first.type == "scsi_host":
        return a_scsi.vhost_wwpn == b_scsi.vhost_wwpn
    if (a_scsi.iscsi_name is None) != (b_scsi.iscsi_name is None):
        return False
    if a_scsi.iscsi_name is not None:
        ha, hb = a_scsi.iscsi_host, b_scsi.iscsi_host
        return (ha is not None and hb is not None and ha.name == hb.name
                and ha.port == hb.port and a_scsi.iscsi_name == b_scsi.iscsi_name)
    return ((a_scsi.adapter, a_scsi.bus, a_scsi.target, a_scsi.unit)
            == (b_scsi.adapter, b_scsi.bus, b_scsi.target, b_scsi.unit))


def _duplicate_drive_addresses(dom: Domain) -> None:
    disks = dom.devices.disks
    for index, first in enumerate(disks):
        if first.info.address_type != "drive" or first.info.drive is None:
            continue
        for second in disks[index + 1:]:
            if second.bus == first.bus and second.info.address_type == "drive" \
                    and second.info.drive == first.info.drive:
                drive = first.info.drive
                raise ConfigUnsupported(
                    f"Found duplicate drive address for disk with target name '{first.dst}' "
                    f"controller='{drive.controller}' bus='{drive.bus}' "
                    f"target='{drive.target}' unit='{drive.unit}'"
                )
    scsi = [h for h in hostdevs(dom) if h.type == "scsi"
            and h.info.address_type == "drive" and h.info.drive is not None]
    for index, hostdev in enumerate(scsi):
        scsi_drive = hostdev.info.drive
        assert scsi_drive is not None
        where = (f"controller='{scsi_drive.bus}' bus='{scsi_drive.controller}' "
                 f"target='{scsi_drive.target}' unit='{scsi_drive.unit}'")
        if any(other.info.drive == scsi_drive for other in scsi[index + 1:]):
            raise ConfigUnsupported(
                f"SCSI host address {where} in use by another SCSI host device"
            )
        if any(d.bus == "scsi" and d.info.address_type == "drive" and d.info.drive == scsi_drive
               for d in disks):
            raise ConfigUnsupported(f"SCSI host address {where} in use by another SCSI disk")


def _vcpu_topology(dom: Domain) -> None:
    cpu = dom.cpu
    if cpu is None or not cpu.sockets:
        return
    total = cpu.sockets
    for factor in (cpu.dies, cpu.clusters, cpu.cores, cpu.threads):
        total *= factor
        if total > 2**32 - 1:
            raise ConfigUnsupported(f"cpu topology results in more than {2**32 - 1} cpus")


def _aliases(dom: Domain, refs: List[DeviceRef]) -> None:
    """virDomainDefValidateAliases: user aliases are unique."""
    seen = set()
    serials = dom.devices.serials
    console_alias = (serials and dom.devices.consoles
                     and dom.devices.consoles[0].target_type == "serial")
    for ref in refs:  # graphics, audios and leases have no alias
        alias = ref.info.alias
        if not alias or not alias.startswith("ua-"):
            continue
        if console_alias and ref.kind == "chr" and ref.device is not serials[0] and \
                _chr_equal(ref.device, serials[0]):
            continue
        if ref.kind == "hostdev" and ref.from_interface:
            continue
        if alias in seen:
            raise ConfigUnsupported(f"non unique alias detected: {alias}")
        seen.add(alias)


def _chr_equal(device: object, serial: ChrDevice) -> bool:
    """virDomainChrEquals for the console that stands for the first serial."""
    return isinstance(device, ChrDevice) and device.source == serial.source and \
        device.target_port == serial.target_port


def _iommu_features(dom: Domain) -> None:
    iommu = dom.devices.misc.iommu
    if iommu is None:
        return
    if iommu.intremap and dom.features.ioapic != "qemu":
        raise ConfigUnsupported(
            "IOMMU interrupt remapping requires split I/O APIC (ioapic driver='qemu')"
        )
    if iommu.eim and not iommu.intremap:
        raise ConfigUnsupported("IOMMU eim requires interrupt remapping to be enabled")


def _lifecycle(dom: Domain) -> None:
    """virDomainDefLifecycleActionAllowed."""
    for event in ("poweroff", "reboot"):
        action = getattr(dom, f"on_{event}")
        if action.startswith("coredump-"):
            raise ConfigUnsupported(f"Lifecycle event '{event}' doesn't support '{action}' action")


def _memtune(dom: Domain) -> None:
    """virDomainDefMemtuneValidate: hugepage nodesets."""
    pages = dom.tuning.memory_backing.hugepages or []
    cells = len(dom.cpu.numa) if dom.cpu is not None else 0
    for index, page in enumerate(pages):
        for other in pages[:index]:
            if page.nodeset and other.nodeset and page.nodeset & other.nodeset:
                raise XMLParseError(
                    f"nodeset attribute of hugepages of sizes {page.size_kib} and "
                    f"{other.size_kib} intersect"
                )
            if not page.nodeset and not other.nodeset:
                raise XMLParseError(
                    f"two master hugepages detected: {page.size_kib} and {other.size_kib}"
                )
        if page.nodeset:
            beyond = [node for node in sorted(page.nodeset) if node > cells - 1]
            if beyond:
                raise XMLParseError(f"hugepages: node {beyond[0]} not found")


def _os(dom: Domain) -> None:
    """virDomainDefOSValidate."""
    osd = dom.os
    loader = osd.loader
    if osd.firmware is not None:
        features = osd.firmware_features
        if features.get("enrolled-keys") is True and features.get("secure-boot") is False:
            raise XMLParseError(
                "firmware feature 'enrolled-keys' cannot be enabled when firmware feature "
                "'secure-boot' is disabled"
            )
        if loader is None:
            return
        if loader.nvram and osd.firmware != "efi":
            raise XMLParseError(f"firmware type '{osd.firmware}' does not support nvram")
    else:
        if loader is None:
            return
        if not loader.path:
            raise XMLParseError("no loader path specified and firmware auto selection disabled")
    if loader.stateless is True:
        if loader.nvram_template is not None:
            raise XMLParseError("NVRAM template is not permitted when loader is stateless")
        if loader.nvram:
            raise XMLParseError("NVRAM is not permitted when loader is stateless")
    elif loader.stateless is False:
        if osd.firmware is None:
            if loader.type != "pflash":
                raise XMLParseError("Only pflash loader type permits NVRAM")
        elif osd.firmware != "efi":
            raise XMLParseError("Only EFI firmware permits NVRAM")
    if osd.shim and not osd.kernel:
        raise ConfigUnsupported("shim only allowed with kernel option")


def _cputune(dom: Domain) -> None:
    tune = dom.cputune
    for name, (low, high) in (("period", _CPU_PERIOD), ("global_period", _CPU_PERIOD),
                              ("emulator_period", _CPU_PERIOD),
                              ("iothread_period", _CPU_PERIOD), ("quota", _CPU_QUOTA),
                              ("global_quota", _CPU_QUOTA), ("emulator_quota", _CPU_QUOTA),
                              ("iothread_quota", _CPU_QUOTA)):
        value = getattr(tune, name) or 0
        if value > 0 and not low <= value <= high:
            raise ConfigUnsupported(
                f"Value of cputune '{name}' must be in range [{low}, {high}]"
            )


def _boot(dom: Domain) -> None:
    osd = dom.os
    if osd.bootmenu_timeout is not None and osd.bootmenu_timeout > 65535:
        raise ConfigUnsupported(
            "invalid value for boot menu timeout, must be in range [0,65535]"
        )
    timeout = osd.bios_reboot_timeout
    if timeout is not None and not -1 <= timeout <= 65535:
        raise ConfigUnsupported("invalid value for rebootTimeout, must be in range [-1,65535]")


def _primary_video(dom: Domain) -> None:
    videos = dom.devices.videos
    if videos and videos[0].primary and any(v.primary for v in videos[1:]):
        raise ConfigUnsupported("Only one primary video device is supported")


def _blkio_devices(dom: Domain) -> None:
    paths = set()
    for dev in dom.tuning.blkio_devices:
        if dev.path in paths:
            raise ConfigUnsupported(f"duplicate blkio device path '{dev.path}'")
        paths.add(dev.path)


def _idmap(dom: Domain) -> None:
    """virDomainDefIdMapValidate."""
    uids, gids = dom.tuning.idmap_uids, dom.tuning.idmap_gids
    if bool(uids) != bool(gids):
        raise ConfigUnsupported("uid and gid should be mapped both")
    if (uids and uids[0][0] != 0) or (gids and gids[0][0] != 0):
        raise ConfigUnsupported("You must map the root user of container")


def _numatune(dom: Domain) -> None:
    """virDomainNumaDefValidate: restrictive modes go together."""
    tune = dom.tuning.numatune
    for memnode in tune.memnodes:
        if tune.memory_mode == "restrictive" and memnode.mode != "restrictive":
            raise XMLError(
                "'restrictive' mode is required in memnode element when mode is "
                "'restrictive' in memory element"
            )
        if memnode.mode == "restrictive" and tune.memory_mode != "restrictive":
            raise XMLError(
                "'restrictive' mode is required in memory element when mode is "
                "'restrictive' in memnode element"
            )


def _iothread_pools(dom: Domain) -> None:
    pools = [(t.pool_min, t.pool_max) for t in dom.tuning.iothreads]
    tuning = dom.tuning
    if tuning.default_iothread_min >= 0 or tuning.default_iothread_max >= 0:
        pools.append((tuning.default_iothread_min, tuning.default_iothread_max))
    for low, high in pools:
        if high == 0:
            raise ConfigUnsupported("thread_pool_max must be a positive integer")
        if low > high:
            raise ConfigUnsupported(
                "thread_pool_min must be smaller or equal to thread_pool_max"
            )

