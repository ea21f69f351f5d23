"""The domain model: one typed description of a Xen guest.

It mirrors the parts of libvirt's domain definition that the libxl driver and
its xl, xm and sxpr converters use. Every format is a parser into, and a
formatter out of, these classes. Field names follow libvirt's XML; a value of
``None`` means "absent" (libvirt's ``ABSENT`` or ``NULL``), tri-state yes/no and
on/off values are ``Optional[bool]``.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple

from xenvirsh.model.bitmap import CpuSet
from xenvirsh.model.tuning import ThreadSched, Tuning, VcpuState
from xenvirsh.record import dataclass, field

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
    zpci_uid: Optional[int] = None  # s390 <zpci>
    zpci_fid: Optional[int] = None

    def is_empty(self) -> bool:
        """virPCIDeviceAddressIsEmpty: no domain, bus or slot."""
        return not (self.domain or self.bus or self.slot)


@dataclass
class USBAddress:
    bus: int = 0
    port: Optional[str] = None  # dotted hub path, "1.2"


@dataclass
class OtherAddress:
    """The address types that are only kept and printed back:
    virtio-serial, ccid, spapr-vio, ccw, isa and dimm."""

    controller: int = 0
    bus: int = 0
    port: int = 0
    slot: int = 0
    reg: Optional[int] = None
    cssid: int = 0
    ssid: int = 0
    devno: int = 0
    iobase: int = 0
    irq: int = 0
    base: int = 0


@dataclass
class DeviceInfo:
    """Where a device sits (``<address>``), its alias, boot order, ROM and ACPI index."""

    address_type: Optional[str] = None
    drive: Optional[DriveAddress] = None
    pci: Optional[PCIAddress] = None
    usb: Optional[USBAddress] = None
    other: Optional[OtherAddress] = None
    alias: Optional[str] = None
    boot_order: Optional[int] = None
    boot_loadparm: Optional[str] = None
    rom_enabled: Optional[bool] = None
    rom_bar: Optional[bool] = None
    rom_file: Optional[str] = None
    acpi_index: int = 0
    usb_master_startport: Optional[int] = None  # <master startport>: a USB companion


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
    auth_type: Optional[str] = None  # chap, ceph


@dataclass
class VirtioOptions:
    """The virtio attributes libvirt accepts on many <driver> elements."""

    iommu: Optional[bool] = None
    ats: Optional[bool] = None
    packed: Optional[bool] = None
    page_per_vq: Optional[bool] = None

    def any(self) -> bool:
        return any(v is not None for v in (self.iommu, self.ats, self.packed, self.page_per_vq))


@dataclass
class Reconnect:
    """<reconnect>: of a chardev, vhost-user disk or interface source."""

    enabled: Optional[bool] = None
    timeout: int = 0


@dataclass
class DeviceSecLabel:
    """A <seclabel> that overrides the domain's for one device source."""

    model: Optional[str] = None
    relabel: bool = True
    label: Optional[str] = None


@dataclass
class NVMeSource:
    namespace: int
    managed: Optional[bool] = None
    address: PCIAddress = field(default_factory=PCIAddress)


@dataclass
class DiskSourceExtras:
    """The parts of a disk <source> the Xen converters never look at."""

    pool: Optional[str] = None  # type='volume'
    volume: Optional[str] = None
    pool_mode: Optional[str] = None
    fdgroup: Optional[str] = None
    nvme: Optional[NVMeSource] = None
    vhostuser_path: Optional[str] = None
    reconnect: Reconnect = field(default_factory=Reconnect)
    vdpa_dev: Optional[str] = None
    # network sources
    tls: Optional[bool] = None
    tls_hostname: Optional[str] = None
    query: Optional[str] = None
    reconnect_delay: int = 0
    nfs_user: Optional[str] = None
    nfs_group: Optional[str] = None
    initiator_iqn: Optional[str] = None
    ssl_verify: Optional[bool] = None
    cookies: List[Tuple[str, str]] = field(default_factory=list)
    readahead: int = 0
    timeout: int = 0
    ssh_known_hosts: Optional[str] = None
    ssh_user: Optional[str] = None
    ssh_keyfile: Optional[str] = None
    ssh_agent: Optional[str] = None
    slice: Optional[Tuple[int, int]] = None  # <slice type='storage'>: offset, size
    seclabels: List[DeviceSecLabel] = field(default_factory=list)


@dataclass
class IOThreadMapping:
    """One ``<driver><iothreads><iothread id=''>`` with its queues."""

    id: int
    queues: List[int] = field(default_factory=list)


@dataclass
class DiskEncryption:
    """``<encryption>``: the format, the secrets (a UUID or a usage each) and,
    for LUKS, the cipher and IV generator."""

    format: str
    engine: Optional[str] = None
    secrets: List[Tuple[Optional[str], Optional[str]]] = field(default_factory=list)
    cipher_name: Optional[str] = None
    cipher_size: int = 0
    cipher_mode: Optional[str] = None
    cipher_hash: Optional[str] = None
    ivgen_name: Optional[str] = None
    ivgen_hash: Optional[str] = None


@dataclass
class DiskDriverExtras:
    error_policy: Optional[str] = None
    rerror_policy: Optional[str] = None
    ioeventfd: Optional[bool] = None
    event_idx: Optional[bool] = None
    copy_on_read: Optional[bool] = None
    iothread: Optional[int] = None
    iothreads: List[IOThreadMapping] = field(default_factory=list)
    detect_zeroes: Optional[str] = None
    discard_no_unref: Optional[bool] = None
    queues: Optional[int] = None
    queue_size: Optional[int] = None
    metadata_cache_max: int = 0  # bytes
    virtio: VirtioOptions = field(default_factory=VirtioOptions)


@dataclass
class DiskTarget:
    """The rest of <target>, <geometry> and <blockio>."""

    removable: Optional[bool] = None
    rotation_rate: Optional[int] = None
    cyls: Optional[int] = None
    heads: Optional[int] = None
    secs: Optional[int] = None
    trans: Optional[str] = None
    logical_block_size: Optional[int] = None
    physical_block_size: Optional[int] = None
    discard_granularity: Optional[int] = None


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
    # kept for libvirt's sake
    model: Optional[str] = None  # virtio, virtio-transitional, ...
    snapshot_location: Optional[str] = None  # <disk snapshot=...>
    rawio: Optional[bool] = None
    sgio: Optional[str] = None
    transient_share_backing: Optional[bool] = None
    wwn: Optional[str] = None
    vendor: Optional[str] = None
    product: Optional[str] = None
    auth_in_disk: bool = False  # <auth> under <disk> rather than <source>
    encryption: Optional[DiskEncryption] = None
    encryption_in_disk: bool = False  # <encryption> under <disk> rather than <source>
    # <backingStore>: the next image of the chain, a Disk of which only the
    # source fields, format and backing are used; type "none" for the empty
    # element that ends the chain
    backing: Optional[Disk] = None
    iotune: Dict[str, int] = field(default_factory=dict)
    iotune_group: Optional[str] = None
    source_extras: DiskSourceExtras = field(default_factory=DiskSourceExtras)
    driver_extras: DiskDriverExtras = field(default_factory=DiskDriverExtras)
    target: DiskTarget = field(default_factory=DiskTarget)


# --- controllers -------------------------------------------------------------


@dataclass
class PCIControllerOpts:
    """The ``<model name>``, ``<target>`` and ``<pcihole64>`` of a PCI controller."""

    model_name: Optional[str] = None
    chassis_nr: int = -1
    chassis: int = -1
    port: int = -1
    bus_nr: int = -1
    target_index: int = -1
    hotplug: Optional[bool] = None
    mem_reserve: int = 0
    numa_node: int = -1
    pcihole64: Optional[int] = None  # KiB


@dataclass
class ControllerDriver:
    queues: int = 0
    cmd_per_lun: int = 0
    max_sectors: int = 0
    ioeventfd: Optional[bool] = None
    iothread: int = 0
    iothreads: List[IOThreadMapping] = field(default_factory=list)
    virtio: VirtioOptions = field(default_factory=VirtioOptions)


@dataclass
class Controller:
    type: str = "ide"
    index: int = -1
    model: Optional[str] = None
    ports: Optional[int] = None
    vectors: Optional[int] = None  # virtio-serial
    max_grant_frames: Optional[int] = None
    max_event_channels: Optional[int] = None
    driver: ControllerDriver = field(default_factory=ControllerDriver)
    pci: PCIControllerOpts = field(default_factory=PCIControllerOpts)
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
class NetRoute:
    address: str
    gateway: str
    family: Optional[str] = None
    netmask: Optional[str] = None
    prefix: Optional[int] = None
    metric: Optional[int] = None


@dataclass
class PortForward:
    proto: str
    address: Optional[str] = None
    dev: Optional[str] = None
    # (start, end, to, exclude); 0 means unset, exclude None when absent
    ranges: List[Tuple[int, int, int, Optional[bool]]] = field(default_factory=list)


@dataclass
class NetDriver:
    """<driver> of a virtio interface, and its <host>/<guest> offloads."""

    name: Optional[str] = None  # qemu, vhost
    txmode: Optional[str] = None
    ioeventfd: Optional[bool] = None
    event_idx: Optional[bool] = None
    queues: int = 0
    rx_queue_size: int = 0
    tx_queue_size: int = 0
    rss: Optional[bool] = None
    rss_hash_report: Optional[bool] = None
    host: Dict[str, bool] = field(default_factory=dict)
    guest: Dict[str, bool] = field(default_factory=dict)


@dataclass
class InterfaceExtras:
    """What libvirt keeps of an interface beyond what the Xen drivers use."""

    trust_guest_rx_filters: Optional[bool] = None
    mac_type: Optional[str] = None
    mac_check: Optional[bool] = None
    source_dev: Optional[str] = None  # direct, vdpa; passt's dev
    direct_mode: Optional[str] = None
    socket_address: Optional[str] = None  # server, client, mcast, udp
    socket_port: int = 0
    local_address: Optional[str] = None  # udp
    local_port: int = 0
    internal_name: Optional[str] = None
    vhostuser_path: Optional[str] = None
    vhostuser_server: bool = False
    reconnect: Reconnect = field(default_factory=Reconnect)
    vds_switchid: Optional[str] = None
    vds_portid: int = 0
    vds_portgroupid: Optional[str] = None
    vds_connectionid: int = 0
    host_ips: List[IPAddress] = field(default_factory=list)  # <source><ip>, <route>
    host_routes: List[NetRoute] = field(default_factory=list)
    routes: List[NetRoute] = field(default_factory=list)
    port_forwards: List[PortForward] = field(default_factory=list)
    managed_tap: Optional[bool] = None
    guest_dev: Optional[str] = None
    guest_actual: Optional[str] = None
    downscript: Optional[str] = None
    driver: NetDriver = field(default_factory=NetDriver)
    virtio: VirtioOptions = field(default_factory=VirtioOptions)
    backend_type: Optional[str] = None  # passt
    backend_tap: Optional[str] = None
    backend_vhost: Optional[str] = None
    backend_logfile: Optional[str] = None
    teaming_type: Optional[str] = None
    teaming_persistent: Optional[str] = None
    sndbuf: Optional[int] = None
    coalesce_rx_frames: int = 0
    isolated_port: Optional[bool] = None


@dataclass
class Interface:
    type: str = "bridge"  # bridge, ethernet, network, hostdev, ...
    mac: Optional[str] = None
    managed: bool = False  # type='hostdev' only
    bridge: Optional[str] = None
    network: Optional[str] = None
    portgroup: Optional[str] = None
    hostdev_pci: Optional[PCIAddress] = None
    # type='hostdev' with a USB, SCSI or mediated device source (libvirt parses them)
    hostdev_other: Optional[Hostdev] = None
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
    hostdev_driver: Optional[str] = None  # type='hostdev': <driver name>
    extras: InterfaceExtras = field(default_factory=InterfaceExtras)


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
    tls: Optional[bool] = None  # tcp
    reconnect: Reconnect = field(default_factory=Reconnect)  # tcp, unix
    channel: Optional[str] = None  # spiceport, dbus
    master: Optional[str] = None  # nmdm
    slave: Optional[str] = None
    vdagent_copypaste: Optional[bool] = None  # qemu-vdagent
    vdagent_mouse: Optional[str] = None
    log_file: Optional[str] = None  # <log>
    log_append: Optional[bool] = None
    seclabels: List[DeviceSecLabel] = field(default_factory=list)


@dataclass
class ChrDevice:
    """serial, parallel, console or channel."""

    device: str = "serial"
    source: ChrSource = field(default_factory=ChrSource)
    target_type: Optional[str] = None  # console: serial, xen...; channel: xen, virtio
    target_port: int = -1
    target_name: Optional[str] = None  # channel
    target_model: Optional[str] = None  # serial
    target_address: Optional[str] = None  # guestfwd channel
    target_address_port: int = 0
    info: DeviceInfo = field(default_factory=DeviceInfo)


# --- input, graphics, sound, video -------------------------------------------


@dataclass
class Input:
    type: str = "mouse"
    bus: Optional[str] = None
    info: DeviceInfo = field(default_factory=DeviceInfo)
    model: Optional[str] = None  # virtio, ...
    evdev: Optional[str] = None  # passthrough and evdev inputs
    grab: Optional[str] = None  # evdev
    grab_toggle: Optional[str] = None
    repeat: Optional[bool] = None
    virtio: VirtioOptions = field(default_factory=VirtioOptions)


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
    # kept for libvirt's sake
    username: Optional[str] = None  # with passwd
    power_control: Optional[bool] = None  # vnc
    audio_id: int = 0  # vnc, dbus
    spice_channels: Dict[str, str] = field(default_factory=dict)  # name: mode
    replace_user: bool = False  # rdp
    multi_user: bool = False
    p2p: bool = False  # dbus
    address: Optional[str] = None

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
    codecs: List[str] = field(default_factory=list)  # ich6, ich7, ich9
    multichannel: Optional[bool] = None  # usb
    audio_id: int = 0
    virtio: VirtioOptions = field(default_factory=VirtioOptions)


@dataclass
class Video:
    type: str = "default"
    vram: int = 0
    ram: int = 0
    vgamem: int = 0
    heads: int = 1
    primary: bool = False
    info: DeviceInfo = field(default_factory=DeviceInfo)
    vram64: int = 0
    blob: Optional[bool] = None
    accel3d: Optional[bool] = None
    accel2d: Optional[bool] = None
    rendernode: Optional[str] = None
    accel: bool = False  # an <acceleration> element was given
    resolution: Optional[Tuple[int, int]] = None
    backend: Optional[str] = None  # <driver name>: qemu, vhostuser
    vgaconf: Optional[str] = None
    virtio: VirtioOptions = field(default_factory=VirtioOptions)


# --- host devices, balloon ---------------------------------------------------


@dataclass
class HostdevSCSI:
    """The source of a SCSI (or vhost-scsi) host device."""

    sgio: Optional[str] = None
    rawio: Optional[bool] = None
    adapter: Optional[str] = None  # local SCSI: adapter and address
    bus: int = 0
    target: int = 0
    unit: int = 0
    iscsi_name: Optional[str] = None  # iSCSI: target, host, auth, initiator
    iscsi_host: Optional[NetHost] = None
    iscsi_auth: Optional[DiskAuth] = None
    iscsi_initiator: Optional[str] = None
    vhost_wwpn: Optional[str] = None  # scsi_host
    vhost_model: Optional[str] = None


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
    # kept for libvirt's sake
    driver_model: Optional[str] = None  # pci <driver model>
    display: Optional[bool] = None  # pci, mdev
    ramfb: Optional[bool] = None
    startup_policy: Optional[str] = None  # usb
    usb_guest_reset: Optional[str] = None
    scsi: Optional[HostdevSCSI] = None  # scsi, scsi_host
    mdev_uuid: Optional[str] = None
    mdev_model: Optional[str] = None
    caps_source: Optional[str] = None  # capabilities mode: block, char or interface
    teaming_type: Optional[str] = None
    teaming_persistent: Optional[str] = None


@dataclass
class Memballoon:
    model: str = "xen"
    autodeflate: Optional[bool] = None
    period: int = 0
    info: DeviceInfo = field(default_factory=DeviceInfo)
    free_page_reporting: Optional[bool] = None
    virtio: VirtioOptions = field(default_factory=VirtioOptions)


# --- devices libvirt keeps but the Xen driver ignores -------------------------
# (watchdogs, RNGs, TPMs, panic notifiers, redirected USB, smartcards, hubs, audio
# backends, IOMMU, vsock, crypto, pstore, shared memory, leases, filesystems and
# memory devices: they only travel through define/dumpxml)


@dataclass
class Watchdog:
    model: str
    action: str = "reset"
    info: DeviceInfo = field(default_factory=DeviceInfo)


@dataclass
class RNG:
    model: str
    backend: str = "random"  # random, egd, builtin
    random_file: Optional[str] = None
    egd: Optional[ChrSource] = None
    rate_bytes: int = 0
    rate_period: int = 0
    virtio: VirtioOptions = field(default_factory=VirtioOptions)
    info: DeviceInfo = field(default_factory=DeviceInfo)


@dataclass
class TPM:
    model: Optional[str] = None
    backend: str = "passthrough"  # passthrough, emulator, external
    device_path: Optional[str] = None  # passthrough
    version: Optional[str] = None  # emulator
    persistent_state: bool = False
    debug: int = 0
    secret: Optional[str] = None
    pcr_banks: List[str] = field(default_factory=list)
    source_type: Optional[str] = None  # emulator: file, dir
    source_path: Optional[str] = None
    profile_source: Optional[str] = None
    profile_name: Optional[str] = None
    profile_remove_disabled: Optional[str] = None
    external: Optional[ChrSource] = None  # external
    info: DeviceInfo = field(default_factory=DeviceInfo)


@dataclass
class Panic:
    model: Optional[str] = None
    info: DeviceInfo = field(default_factory=DeviceInfo)


@dataclass
class Redirdev:
    bus: str = "usb"
    source: ChrSource = field(default_factory=ChrSource)
    info: DeviceInfo = field(default_factory=DeviceInfo)


@dataclass
class RedirFilterRule:
    usb_class: int = -1  # -1: any
    vendor: int = -1
    product: int = -1
    version: int = -1  # BCD, 0x0200 for 2.00
    allow: bool = False


@dataclass
class Hub:
    type: str = "usb"
    info: DeviceInfo = field(default_factory=DeviceInfo)


@dataclass
class Smartcard:
    mode: str = "host"  # host, host-certificates, passthrough
    certificates: List[str] = field(default_factory=list)
    database: Optional[str] = None
    passthrough: Optional[ChrSource] = None
    info: DeviceInfo = field(default_factory=DeviceInfo)


@dataclass
class AudioIO:
    """An ``<audio>``'s ``<input>`` or ``<output>``: the common settings, then
    those of the backend (which of them apply depends on the audio type)."""

    mixing_engine: Optional[bool] = None
    fixed_settings: Optional[bool] = None
    voices: int = 0
    buffer_length: int = 0
    frequency: int = 0  # <settings>
    channels: int = 0
    format: Optional[str] = None
    dev: Optional[str] = None  # alsa, oss
    buffer_count: int = 0  # coreaudio, oss, sdl
    try_poll: Optional[bool] = None  # oss
    server_name: Optional[str] = None  # jack
    client_name: Optional[str] = None
    connect_ports: Optional[str] = None
    exact_name: Optional[bool] = None
    name: Optional[str] = None  # pulseaudio, pipewire
    stream_name: Optional[str] = None
    latency: int = 0


@dataclass
class Audio:
    id: int
    type: str
    timer_period: int = 0
    server_name: Optional[str] = None  # pulseaudio
    path: Optional[str] = None  # file
    runtime_dir: Optional[str] = None  # pipewire
    sdl_driver: Optional[str] = None
    oss_try_mmap: Optional[bool] = None
    oss_exclusive: Optional[bool] = None
    oss_dsp_policy: Optional[int] = None
    input: AudioIO = field(default_factory=AudioIO)
    output: AudioIO = field(default_factory=AudioIO)


@dataclass
class IOMMU:
    model: str
    intremap: Optional[bool] = None
    caching_mode: Optional[bool] = None
    eim: Optional[bool] = None
    iotlb: Optional[bool] = None
    aw_bits: int = 0
    dma_translation: Optional[bool] = None
    info: DeviceInfo = field(default_factory=DeviceInfo)


@dataclass
class Vsock:
    model: Optional[str] = None
    cid: int = 0
    auto_cid: Optional[bool] = None
    virtio: VirtioOptions = field(default_factory=VirtioOptions)
    info: DeviceInfo = field(default_factory=DeviceInfo)


@dataclass
class Crypto:
    model: str = "virtio"
    type: str = "qemu"
    backend: str = "builtin"
    queues: int = 0
    virtio: VirtioOptions = field(default_factory=VirtioOptions)
    info: DeviceInfo = field(default_factory=DeviceInfo)


@dataclass
class Pstore:
    backend: str = "acpi-erst"
    path: Optional[str] = None
    size_kib: int = 0
    info: DeviceInfo = field(default_factory=DeviceInfo)


@dataclass
class Shmem:
    name: str
    model: str = "ivshmem"
    role: Optional[str] = None
    size_bytes: int = 0
    server_path: Optional[str] = None
    server: bool = False
    msi: bool = False
    msi_vectors: int = 0
    msi_ioeventfd: Optional[bool] = None
    info: DeviceInfo = field(default_factory=DeviceInfo)


@dataclass
class Lease:
    lockspace: str
    key: str
    path: str
    offset: int = 0


@dataclass
class Filesystem:
    """A <filesystem> of the common types (mount, file, block, ram, ...)."""

    type: str = "mount"
    accessmode: Optional[str] = None
    model: Optional[str] = None
    multidevs: Optional[str] = None
    fmode: Optional[int] = None
    dmode: Optional[int] = None
    driver_type: Optional[str] = None
    driver_format: Optional[str] = None
    driver_wrpolicy: Optional[str] = None
    driver_queue: int = 0
    source: Optional[str] = None  # dir, file, dev, name; usage for ram
    socket: Optional[str] = None  # a vhost-user (virtiofs) socket instead of a source dir
    usage_kib: int = 0
    units: Optional[str] = None
    target: Optional[str] = None
    readonly: bool = False
    space_hard_limit: int = 0  # bytes
    space_soft_limit: int = 0
    virtio: VirtioOptions = field(default_factory=VirtioOptions)
    info: DeviceInfo = field(default_factory=DeviceInfo)


@dataclass
class MiscDevices:
    watchdogs: List[Watchdog] = field(default_factory=list)
    rngs: List[RNG] = field(default_factory=list)
    tpms: List[TPM] = field(default_factory=list)
    panics: List[Panic] = field(default_factory=list)
    redirdevs: List[Redirdev] = field(default_factory=list)
    redirfilter: List[RedirFilterRule] = field(default_factory=list)
    hubs: List[Hub] = field(default_factory=list)
    smartcards: List[Smartcard] = field(default_factory=list)
    audios: List[Audio] = field(default_factory=list)
    iommu: Optional[IOMMU] = None
    vsock: Optional[Vsock] = None
    nvram: Optional[DeviceInfo] = None  # spapr NVRAM: only an address
    cryptos: List[Crypto] = field(default_factory=list)
    pstore: Optional[Pstore] = None
    shmems: List[Shmem] = field(default_factory=list)
    leases: List[Lease] = field(default_factory=list)
    filesystems: List[Filesystem] = field(default_factory=list)
    memories: List[Tuple[str, DeviceInfo]] = field(default_factory=list)


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
    misc: MiscDevices = field(default_factory=MiscDevices)


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
    deprecated_features: Optional[bool] = None
    cache_level: int = -1
    cache_mode: Optional[str] = None  # <cache>: emulate, passthrough, disable
    maxphysaddr_mode: Optional[str] = None  # <maxphysaddr>: emulate, passthrough
    maxphysaddr_bits: int = -1
    maxphysaddr_limit: int = 0

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
    # the rest is kept for libvirt's sake; 0 means unset
    global_period: int = 0
    global_quota: int = 0
    emulator_period: int = 0
    emulator_quota: int = 0
    iothread_period: int = 0
    iothread_quota: int = 0
    emulatorpin: Optional[CpuSet] = None
    emulatorsched: Optional[ThreadSched] = None
    vcpuscheds: Dict[int, ThreadSched] = field(default_factory=dict)


# --- OS, features, clock -----------------------------------------------------


@dataclass
class Loader:
    """``<loader>`` and the ``<nvram>`` that goes with it (the NVRAM path
    itself is :attr:`OS.nvram`)."""

    path: Optional[str] = None
    type: Optional[str] = None  # rom, pflash
    readonly: Optional[bool] = None
    secure: Optional[bool] = None
    stateless: Optional[bool] = None
    format: Optional[str] = None
    nvram: bool = False  # an <nvram> element was given, even an empty one
    nvram_template: Optional[str] = None
    nvram_template_format: Optional[str] = None
    nvram_format: Optional[str] = None
    # <nvram type='file|block|network|...'><source .../>: a storage source, kept
    # in a Disk (only its source fields are used)
    nvram_source: Optional[Disk] = None


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
    shim: Optional[str] = None
    firmware_features: Dict[str, bool] = field(default_factory=dict)
    bios_useserial: Optional[bool] = None
    bios_reboot_timeout: Optional[int] = None
    smbios_mode: Optional[str] = None


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
    # features libvirt keeps for other hypervisors and architectures
    smm_tseg: Optional[int] = None  # bytes, when <tseg> was given
    kvm: Optional[Dict[str, bool]] = None
    kvm_dirty_ring_size: int = 0
    capabilities_policy: Optional[str] = None  # default, allow, deny
    capabilities: Dict[str, bool] = field(default_factory=dict)
    gic_version: Optional[str] = None  # 'none' for a <gic/> without version
    ioapic: Optional[str] = None  # qemu, kvm
    hpt: bool = False
    hpt_resizing: Optional[str] = None
    hpt_maxpagesize: int = 0  # KiB
    msrs_unknown: Optional[str] = None  # ignore, fault
    values: Dict[str, str] = field(default_factory=dict)  # cfpc, sbbc, ibs, aia
    tcg_tb_cache: int = 0  # KiB
    async_teardown: Optional[bool] = None

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
    catchup_threshold: int = 0
    catchup_slew: int = 0
    catchup_limit: int = 0


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
    tuning: Tuning = field(default_factory=Tuning)
    # <vcpus>: per-vCPU states, when the definition lists them
    vcpu_states: List[VcpuState] = field(default_factory=list)

    @property
    def is_hvm(self) -> bool:
        return self.os.type == "hvm"

    @property
    def is_pv(self) -> bool:
        return self.os.type in ("xen", "linux")

    @property
    def is_pvh(self) -> bool:
        return self.os.type == "xenpvh"
