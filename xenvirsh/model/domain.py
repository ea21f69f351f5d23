"""The domain model: one typed description of a Xen guest.

It mirrors the parts of libvirt's domain definition that the libxl driver and
its xl, xm and sxpr converters use. Every format is a parser into, and a
formatter out of, these classes. Field names follow libvirt's XML; a value of
``None`` means "absent" (libvirt's ``ABSENT`` or ``NULL``), tri-state yes/no and
on/off values are ``Optional[bool]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional

from xenvirsh.model.bitmap import CpuSet

# --- device addresses and common device info --------------------------------


@dataclass
class DriveAddress:
    controller: int = 0
    bus: int = 0
    target: int = 0
    unit: int = 0


@dataclass
class PCIAddress:
    domain: int = 0
    bus: int = 0
    slot: int = 0
    function: int = 0
    multifunction: Optional[bool] = None


@dataclass
class USBAddress:
    bus: int = 0
    port: Optional[str] = None


@dataclass
class DeviceInfo:
    """Where a device sits (``<address>``), its alias and boot order."""

    address_type: Optional[str] = None
    drive: Optional[DriveAddress] = None
    pci: Optional[PCIAddress] = None
    usb: Optional[USBAddress] = None
    alias: Optional[str] = None
    boot_order: Optional[int] = None


# --- disks -------------------------------------------------------------------


@dataclass
class NetHost:
    name: Optional[str] = None
    port: Optional[int] = None
    transport: Optional[str] = None
    socket: Optional[str] = None


@dataclass
class DiskAuth:
    username: Optional[str] = None
    secret_type: Optional[str] = None
    secret_usage: Optional[str] = None
    secret_uuid: Optional[str] = None


@dataclass
class Disk:
    type: str = "file"  # file, block, network, dir, volume
    device: str = "disk"  # disk, cdrom, floppy, lun
    driver_name: Optional[str] = None  # phy, file, tap, tap2, qemu
    format: Optional[str] = None  # raw, qcow2, vhd, ... (driver type)
    cache: Optional[str] = None
    io: Optional[str] = None
    discard: Optional[str] = None
    path: Optional[str] = None  # file/dev path or network image name
    protocol: Optional[str] = None  # network disks: rbd, nbd, ...
    hosts: List[NetHost] = field(default_factory=list)
    snapshot: Optional[str] = None  # network disks: <snapshot name>
    config_file: Optional[str] = None  # network disks: <config file>
    auth: Optional[DiskAuth] = None
    startup_policy: Optional[str] = None
    backend_domain: Optional[str] = None
    dst: Optional[str] = None
    bus: Optional[str] = None
    tray: Optional[str] = None
    readonly: bool = False
    shareable: bool = False
    transient: bool = False
    serial: Optional[str] = None
    info: DeviceInfo = field(default_factory=DeviceInfo)


# --- controllers -------------------------------------------------------------


@dataclass
class Controller:
    type: str = "ide"
    index: int = -1
    model: Optional[str] = None
    ports: Optional[int] = None
    max_grant_frames: Optional[int] = None
    max_event_channels: Optional[int] = None
    info: DeviceInfo = field(default_factory=DeviceInfo)


# --- network interfaces ------------------------------------------------------


@dataclass
class IPAddress:
    address: str
    family: Optional[str] = None
    prefix: Optional[int] = None
    peer: Optional[str] = None


@dataclass
class Bandwidth:
    """One direction of ``<bandwidth>``; rates in KiB/s as libvirt keeps them."""

    average: Optional[int] = None
    peak: Optional[int] = None
    burst: Optional[int] = None
    floor: Optional[int] = None


@dataclass
class VlanTag:
    id: int
    native_mode: Optional[str] = None


@dataclass
class Interface:
    type: str = "bridge"  # bridge, ethernet, network, hostdev, ...
    mac: Optional[str] = None
    managed: bool = False  # type='hostdev' only
    bridge: Optional[str] = None
    network: Optional[str] = None
    portgroup: Optional[str] = None
    hostdev_pci: Optional[PCIAddress] = None
    virtualport: Optional[str] = None  # openvswitch, 802.1Qbh, ...; "" for untyped
    # <virtualport><parameters .../>: interfaceid, profileid, instanceid, ...
    virtualport_params: Dict[str, str] = field(default_factory=dict)
    vlan_tags: List[VlanTag] = field(default_factory=list)
    vlan_trunk: bool = False
    inbound: Optional[Bandwidth] = None
    outbound: Optional[Bandwidth] = None
    ips: List[IPAddress] = field(default_factory=list)
    script: Optional[str] = None
    backend_domain: Optional[str] = None
    ifname: Optional[str] = None
    model: Optional[str] = None
    link_state: Optional[str] = None
    mtu: Optional[int] = None
    filter: Optional[str] = None
    info: DeviceInfo = field(default_factory=DeviceInfo)


# --- character devices -------------------------------------------------------


@dataclass
class ChrSource:
    """The host side of a character device (libvirt's virDomainChrSourceDef)."""

    type: str = "pty"  # null, vc, pty, dev, file, pipe, stdio, udp, tcp, unix, ...
    path: Optional[str] = None  # dev, file, pipe, pty (live), unix
    append: Optional[bool] = None  # file
    host: Optional[str] = None  # tcp
    service: Optional[str] = None  # tcp
    listen: bool = False  # tcp/unix: mode='bind'
    protocol: str = "raw"  # tcp: raw, telnet, telnets, tls
    connect_host: Optional[str] = None  # udp
    connect_service: Optional[str] = None
    bind_host: Optional[str] = None
    bind_service: Optional[str] = None


@dataclass
class ChrDevice:
    """serial, parallel, console or channel."""

    device: str = "serial"
    source: ChrSource = field(default_factory=ChrSource)
    target_type: Optional[str] = None  # console: serial, xen...; channel: xen, virtio
    target_port: int = -1
    target_name: Optional[str] = None  # channel
    target_model: Optional[str] = None  # serial
    info: DeviceInfo = field(default_factory=DeviceInfo)


# --- input, graphics, sound, video -------------------------------------------


@dataclass
class Input:
    type: str = "mouse"
    bus: Optional[str] = None
    info: DeviceInfo = field(default_factory=DeviceInfo)


@dataclass
class GraphicsListen:
    type: str = "address"  # address, network, socket, none
    address: Optional[str] = None
    network: Optional[str] = None
    socket: Optional[str] = None


@dataclass
class Graphics:
    type: str = "vnc"  # vnc, sdl, spice, ...
    port: int = 0
    tls_port: int = 0
    autoport: bool = False
    websocket: int = 0
    keymap: Optional[str] = None
    share_policy: Optional[str] = None
    passwd: Optional[str] = None
    passwd_valid_to: Optional[str] = None
    connected: Optional[str] = None
    listens: List[GraphicsListen] = field(default_factory=list)
    # sdl
    display: Optional[str] = None
    xauth: Optional[str] = None
    fullscreen: bool = False
    # spice
    default_mode: Optional[str] = None
    mouse_mode: Optional[str] = None
    copypaste: Optional[bool] = None
    filetransfer: Optional[bool] = None
    image_compression: Optional[str] = None
    jpeg_compression: Optional[str] = None
    zlib_compression: Optional[str] = None
    playback_compression: Optional[bool] = None
    streaming_mode: Optional[str] = None
    gl: Optional[bool] = None
    rendernode: Optional[str] = None

    @property
    def listen_address(self) -> Optional[str]:
        """The first listen's address: libvirt's ``listen`` attribute."""
        if self.listens and self.listens[0].type == "address":
            return self.listens[0].address
        return None


@dataclass
class Sound:
    model: str = "sb16"
    streams: int = 0  # virtio only
    info: DeviceInfo = field(default_factory=DeviceInfo)


@dataclass
class Video:
    type: str = "default"
    vram: int = 0
    ram: int = 0
    vgamem: int = 0
    heads: int = 1
    primary: bool = False
    info: DeviceInfo = field(default_factory=DeviceInfo)


# --- host devices, balloon ---------------------------------------------------


@dataclass
class Hostdev:
    mode: str = "subsystem"
    type: str = "pci"  # pci, usb
    managed: bool = False
    pci: Optional[PCIAddress] = None
    driver_name: Optional[str] = None
    write_filtering: Optional[bool] = None
    usb_vendor: Optional[int] = None
    usb_product: Optional[int] = None
    usb_bus: int = 0
    usb_device: int = 0
    readonly: bool = False
    shareable: bool = False
    info: DeviceInfo = field(default_factory=DeviceInfo)


@dataclass
class Memballoon:
    model: str = "xen"
    autodeflate: Optional[bool] = None
    period: int = 0
    info: DeviceInfo = field(default_factory=DeviceInfo)


@dataclass
class Devices:
    emulator: Optional[str] = None
    disks: List[Disk] = field(default_factory=list)
    controllers: List[Controller] = field(default_factory=list)
    interfaces: List[Interface] = field(default_factory=list)
    serials: List[ChrDevice] = field(default_factory=list)
    parallels: List[ChrDevice] = field(default_factory=list)
    consoles: List[ChrDevice] = field(default_factory=list)
    channels: List[ChrDevice] = field(default_factory=list)
    inputs: List[Input] = field(default_factory=list)
    graphics: List[Graphics] = field(default_factory=list)
    sounds: List[Sound] = field(default_factory=list)
    videos: List[Video] = field(default_factory=list)
    hostdevs: List[Hostdev] = field(default_factory=list)
    memballoon: Optional[Memballoon] = None


# --- CPU, NUMA, tuning -------------------------------------------------------


@dataclass
class CPUFeature:
    name: str
    policy: str = "require"  # force, require, optional, disable, forbid


@dataclass
class NumaCell:
    cpus: Optional[CpuSet]
    memory_kib: int
    mem_access: Optional[str] = None
    discard: Optional[bool] = None
    # distances[j] = distance to cell j; 0 means "not given"
    distances: List[int] = field(default_factory=list)


@dataclass
class CPU:
    mode: str = "custom"  # custom, host-model, host-passthrough, maximum
    match: Optional[str] = None
    check: Optional[str] = None
    migratable: Optional[bool] = None
    model: Optional[str] = None
    fallback: Optional[str] = None
    vendor_id: Optional[str] = None
    vendor: Optional[str] = None
    sockets: int = 0
    dies: int = 0
    clusters: int = 0
    cores: int = 0
    threads: int = 0
    features: List[CPUFeature] = field(default_factory=list)
    numa: List[NumaCell] = field(default_factory=list)

    def feature(self, name: str) -> Optional[CPUFeature]:
        return next((f for f in self.features if f.name == name), None)


@dataclass
class VcpuPin:
    vcpu: int
    cpuset: CpuSet


@dataclass
class CPUTune:
    shares: Optional[int] = None
    period: Optional[int] = None
    quota: Optional[int] = None
    vcpupins: List[VcpuPin] = field(default_factory=list)


# --- OS, features, clock -----------------------------------------------------


@dataclass
class Loader:
    path: Optional[str] = None
    type: Optional[str] = None  # rom, pflash
    readonly: Optional[bool] = None
    secure: Optional[bool] = None
    format: Optional[str] = None


@dataclass
class ACPITable:
    type: str
    path: str


@dataclass
class OS:
    type: str = "hvm"  # hvm, xen (PV, printed 'linux'), xenpvh, linux
    arch: Optional[str] = None
    machine: Optional[str] = None
    firmware: Optional[str] = None  # bios, efi
    loader: Optional[Loader] = None
    nvram: Optional[str] = None
    kernel: Optional[str] = None
    initrd: Optional[str] = None
    cmdline: Optional[str] = None
    root: Optional[str] = None
    dtb: Optional[str] = None
    acpi_tables: List[ACPITable] = field(default_factory=list)
    boot_devs: List[str] = field(default_factory=list)
    bootmenu: Optional[bool] = None
    bootmenu_timeout: Optional[int] = None
    bootloader: Optional[str] = None
    bootloader_args: Optional[str] = None


@dataclass
class Features:
    # The simple features by libvirt name (acpi, pae, viridian, hap, pmu, ...):
    # True for on, False for an explicit state='off', missing when absent.
    switches: Dict[str, bool] = field(default_factory=dict)
    apic: bool = False
    apic_eoi: Optional[bool] = None
    hyperv_mode: Optional[str] = None  # custom, passthrough
    hyperv: Dict[str, bool] = field(default_factory=dict)
    hyperv_spinlocks: int = 0
    hyperv_vendor_id: Optional[str] = None
    hyperv_stimer_direct: Optional[bool] = None
    hyperv_tlbflush_direct: Optional[bool] = None
    hyperv_tlbflush_extended: Optional[bool] = None
    xen: bool = False
    xen_e820_host: Optional[bool] = None
    xen_passthrough: Optional[bool] = None
    xen_passthrough_mode: Optional[str] = None  # sync_pt, share_pt

    def on(self, name: str) -> bool:
        return self.switches.get(name) is True


@dataclass
class Timer:
    name: str
    present: Optional[bool] = None
    tickpolicy: Optional[str] = None
    track: Optional[str] = None
    mode: Optional[str] = None
    frequency: int = 0


@dataclass
class Clock:
    offset: str = "utc"  # utc, localtime, variable, timezone, absolute
    adjustment_reset: bool = False  # utc/localtime with adjustment='reset'
    adjustment: int = 0  # variable
    basis: str = "utc"  # variable
    timezone: Optional[str] = None
    start: int = 0  # absolute
    timers: List[Timer] = field(default_factory=list)

    def timer(self, name: str) -> Optional[Timer]:
        return next((t for t in self.timers if t.name == name), None)


# --- the domain --------------------------------------------------------------


@dataclass
class Domain:
    name: str = ""
    uuid: str = ""
    virt_type: str = "xen"
    id: int = -1
    title: Optional[str] = None
    description: Optional[str] = None
    memory_kib: int = 0  # <memory>: the maximum
    current_memory_kib: int = 0  # <currentMemory>: the balloon target
    max_memory_kib: int = 0  # <maxMemory>: hotplug, refused by the Xen driver
    memory_slots: int = 0
    vcpus_max: int = 1
    vcpus: int = 1
    placement: str = "static"
    cpumask: Optional[CpuSet] = None
    cputune: CPUTune = field(default_factory=CPUTune)
    os: OS = field(default_factory=OS)
    features: Features = field(default_factory=Features)
    cpu: Optional[CPU] = None
    clock: Clock = field(default_factory=Clock)
    on_poweroff: str = "destroy"
    on_reboot: str = "restart"
    on_crash: str = "destroy"
    devices: Devices = field(default_factory=Devices)
    xen_cmdline: List[str] = field(default_factory=list)

    @property
    def is_hvm(self) -> bool:
        return self.os.type == "hvm"

    @property
    def is_pv(self) -> bool:
        return self.os.type in ("xen", "linux")

    @property
    def is_pvh(self) -> bool:
        return self.os.type == "xenpvh"
