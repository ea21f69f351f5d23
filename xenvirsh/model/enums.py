"""libvirt's enumeration tables, in libvirt's order.

The first entry of a table is the value libvirt reserves for "default" or
"none" where it has one; readers use that to refuse it as an explicit value
the way libvirt's ``VIR_XML_PROP_NONZERO`` does.
"""

from __future__ import annotations

from typing import Dict, Tuple

Names = Tuple[str, ...]

VIRT_TYPES: Names = (
    "none", "qemu", "kqemu", "kvm", "xen", "lxc", "uml", "openvz", "test", "vmware",
    "hyperv", "vbox", "phyp", "parallels", "bhyve", "vz", "hvf",
)
OS_TYPES: Names = ("hvm", "xen", "linux", "exe", "uml", "xenpvh")
ARCHES: Names = (
    "none", "alpha", "armv6l", "armv7l", "armv7b", "aarch64", "cris", "i686", "ia64",
    "lm32", "loongarch64", "m68k", "microblaze", "microblazeel", "mips", "mipsel",
    "mips64", "mips64el", "openrisc", "parisc", "parisc64", "ppc", "ppcle", "ppc64",
    "ppc64le", "ppcemb", "riscv32", "riscv64", "s390", "s390x", "sh4", "sh4eb", "sparc",
    "sparc64", "unicore32", "x86_64", "xtensa", "xtensaeb",
)
LIFECYCLE_ACTIONS: Names = (
    "destroy", "restart", "rename-restart", "preserve", "coredump-destroy", "coredump-restart",
)
LOCK_FAILURE_ACTIONS: Names = ("default", "poweroff", "restart", "pause", "ignore")

# <features> children in the order libvirt formats them
FEATURES: Names = (
    "acpi", "apic", "pae", "hap", "viridian", "privnet", "hyperv", "kvm", "pvspinlock",
    "capabilities", "pmu", "vmport", "gic", "smm", "ioapic", "hpt", "vmcoreinfo", "htm",
    "nested-hv", "msrs", "ccf-assist", "xen", "cfpc", "sbbc", "ibs", "tcg",
    "async-teardown", "ras", "ps2", "aia",
)
# old-style booleans: present means on
FEATURES_PRESENT: Names = ("acpi", "pae", "viridian", "privnet")
# state='on|off', state optional (absent means on)
FEATURES_STATE: Names = ("vmcoreinfo", "hap", "pmu", "pvspinlock", "vmport", "smm")
# state='on|off', state required
FEATURES_STATE_REQUIRED: Names = ("htm", "nested-hv", "ccf-assist", "ras", "ps2")
CPU_CACHE_MODES: Names = ("emulate", "passthrough", "disable")
CPU_MAXPHYSADDR_MODES: Names = ("emulate", "passthrough")
KVM_FEATURES: Names = ("hidden", "hint-dedicated", "poll-control", "pv-ipi", "dirty-ring")
CAPABILITIES_POLICIES: Names = ("default", "allow", "deny")
PROCESS_CAPS: Names = (
    "audit_control", "audit_write", "block_suspend", "chown", "dac_override",
    "dac_read_search", "fowner", "fsetid", "ipc_lock", "ipc_owner", "kill", "lease",
    "linux_immutable", "mac_admin", "mac_override", "mknod", "net_admin", "net_bind_service",
    "net_broadcast", "net_raw", "setgid", "setfcap", "setpcap", "setuid", "sys_admin",
    "sys_boot", "sys_chroot", "sys_module", "sys_nice", "sys_pacct", "sys_ptrace",
    "sys_rawio", "sys_resource", "sys_time", "sys_tty_config", "syslog", "wake_alarm",
)
GIC_VERSIONS: Names = ("none", "host", "2", "3")
IOAPIC_DRIVERS: Names = ("none", "qemu", "kvm")
HPT_RESIZING: Names = ("none", "enabled", "disabled", "required")
MSRS_UNKNOWN: Names = ("ignore", "fault")
# features holding one value='' whose first entry means unset
FEATURE_VALUES: Dict[str, Names] = {
    "cfpc": ("none", "broken", "workaround", "fixed"),
    "sbbc": ("none", "broken", "workaround", "fixed"),
    "ibs": ("none", "broken", "workaround", "fixed-ibs", "fixed-ccd", "fixed-na"),
    "aia": ("default", "none", "aplic", "aplic-imsic"),
}
HYPERV_MODES: Names = ("none", "custom", "passthrough")
HYPERV_FEATURES: Names = (
    "relaxed", "vapic", "spinlocks", "vpindex", "runtime", "synic", "stimer", "reset",
    "vendor_id", "frequencies", "reenlightenment", "tlbflush", "ipi", "evmcs", "avic",
    "emsr_bitmap", "xmm_input",
)
XEN_FEATURES: Names = ("e820_host", "passthrough")
XEN_PASSTHROUGH_MODES: Names = ("default", "sync_pt", "share_pt")

BOOT_DEVICES: Names = ("fd", "cdrom", "hd", "network")
LOADER_TYPES: Names = ("none", "rom", "pflash")
FIRMWARES: Names = ("none", "bios", "efi")
ACPI_TABLE_TYPES: Names = ("raw", "rawset", "slic", "msdm")
CPU_PLACEMENTS: Names = ("static", "auto")

CPU_MODES: Names = ("custom", "host-model", "host-passthrough", "maximum")
CPU_MATCHES: Names = ("exact", "minimum", "strict")
CPU_CHECKS: Names = ("default", "none", "partial", "full")
CPU_FEATURE_POLICIES: Names = ("force", "require", "optional", "disable", "forbid")
CPU_FALLBACKS: Names = ("allow", "forbid")
MEMORY_ACCESS: Names = ("default", "shared", "private")

CLOCK_OFFSETS: Names = ("utc", "localtime", "variable", "timezone", "absolute")
CLOCK_BASES: Names = ("utc", "localtime")
TIMER_NAMES: Names = (
    "platform", "pit", "rtc", "hpet", "tsc", "kvmclock", "hypervclock", "armvtimer",
)
TIMER_TICKPOLICIES: Names = ("none", "delay", "catchup", "merge", "discard")
TIMER_TRACKS: Names = ("none", "boot", "guest", "wall", "realtime")
TIMER_MODES: Names = ("none", "auto", "native", "emulate", "paravirt", "smpsafe")

STORAGE_TYPES: Names = (
    "none", "file", "block", "dir", "network", "volume", "nvme", "vhostuser", "vhostvdpa",
)
STORAGE_FORMATS: Names = (
    "none", "raw", "dir", "bochs", "cloop", "dmg", "iso", "vpc", "vdi", "fat", "vhd",
    "ploop", "cow", "qcow", "qcow2", "qed", "vmdk",
)
NET_PROTOCOLS: Names = (
    "none", "nbd", "rbd", "sheepdog", "gluster", "iscsi", "http", "https", "ftp", "ftps",
    "tftp", "ssh", "vxhs", "nfs",
)
NET_HOST_TRANSPORTS: Names = ("tcp", "unix", "rdma", "fd")
DISK_DEVICES: Names = ("disk", "cdrom", "floppy", "lun")
DISK_BUSES: Names = ("none", "ide", "fdc", "scsi", "virtio", "xen", "usb", "uml", "sata", "sd")
DISK_CACHES: Names = ("default", "none", "writethrough", "writeback", "directsync", "unsafe")
DISK_IO: Names = ("default", "native", "threads", "io_uring")
DISK_DISCARDS: Names = ("default", "unmap", "ignore")
DISK_TRAYS: Names = ("closed", "open")
STARTUP_POLICIES: Names = ("default", "mandatory", "requisite", "optional")

CONTROLLER_TYPES: Names = (
    "ide", "fdc", "scsi", "sata", "virtio-serial", "ccid", "usb", "pci", "xenbus", "isa",
)
CONTROLLER_MODELS = {
    "usb": (
        "piix3-uhci", "piix4-uhci", "ehci", "ich9-ehci1", "ich9-uhci1", "ich9-uhci2",
        "ich9-uhci3", "vt82c686b-uhci", "pci-ohci", "nec-xhci", "qusb1", "qusb2",
        "qemu-xhci", "none",
    ),
    "scsi": (
        "auto", "buslogic", "lsilogic", "lsisas1068", "vmpvscsi", "ibmvscsi",
        "virtio-scsi", "lsisas1078", "virtio-transitional", "virtio-non-transitional",
        "ncr53c90", "dc390", "am53c974",
    ),
    "ide": ("piix3", "piix4", "ich6"),
    "virtio-serial": ("virtio", "virtio-transitional", "virtio-non-transitional"),
    "isa": (),
    "pci": (
        "pci-root", "pcie-root", "pci-bridge", "dmi-to-pci-bridge", "pcie-to-pci-bridge",
        "pcie-root-port", "pcie-switch-upstream-port", "pcie-switch-downstream-port",
        "pci-expander-bus", "pcie-expander-bus",
    ),
}

PCI_MODEL_NAMES: Names = (
    "none", "pci-bridge", "i82801b11-bridge", "ioh3420", "x3130-upstream",
    "xio3130-downstream", "pxb", "pxb-pcie", "pcie-root-port", "spapr-pci-host-bridge",
    "pcie-pci-bridge",
)

NET_TYPES: Names = (
    "user", "ethernet", "vhostuser", "server", "client", "mcast", "network", "bridge",
    "internal", "direct", "hostdev", "udp", "vdpa", "null", "vds",
)
# interface models libvirt knows by name (matched case-insensitively); others are strings
NET_MODELS: Names = (
    "unknown", "netfront", "rtl8139", "virtio", "e1000", "e1000e", "igb",
    "virtio-transitional", "virtio-non-transitional", "usb-net", "spapr-vlan", "lan9118",
    "scm91c111", "vlance", "vmxnet", "vmxnet2", "vmxnet3", "Am79C970A", "Am79C973",
    "82540EM", "82545EM", "82543GC",
)
VIRTUALPORT_TYPES: Names = ("none", "802.1Qbg", "802.1Qbh", "openvswitch", "midonet")
# which <parameters> each virtualport type keeps, in libvirt's output order
VIRTUALPORT_PARAMS = {
    "managerid": ("none", "802.1Qbg"),
    "typeid": ("none", "802.1Qbg"),
    "typeidversion": ("none", "802.1Qbg"),
    "instanceid": ("none", "802.1Qbg"),
    "interfaceid": ("none", "openvswitch", "midonet"),
    "profileid": ("none", "openvswitch", "802.1Qbh"),
}
LINK_STATES: Names = ("default", "up", "down")

CHR_TYPES: Names = (
    "null", "vc", "pty", "dev", "file", "pipe", "stdio", "udp", "tcp", "unix", "spicevmc",
    "spiceport", "nmdm", "qemu-vdagent", "dbus",
)
CHR_DEVICES: Names = ("parallel", "serial", "console", "channel")
CHR_TARGET_TYPES = {
    "console": (
        "none", "serial", "xen", "uml", "virtio", "lxc", "openvz", "sclp", "sclplm",
    ),
    "serial": (
        "none", "isa-serial", "usb-serial", "pci-serial", "spapr-vio-serial",
        "system-serial", "sclp-serial", "isa-debug",
    ),
    "channel": ("none", "guestfwd", "virtio", "xen"),
}
CHR_SERIAL_TARGET_MODELS: Names = (
    "none", "isa-serial", "usb-serial", "pci-serial", "spapr-vty", "pl011", "sclpconsole",
    "sclplmconsole", "16550a", "isa-debugcon",
)
CHR_SOURCE_MODES: Names = ("connect", "bind")
CHR_TCP_PROTOCOLS: Names = ("raw", "telnet", "telnets", "tls")

INPUT_TYPES: Names = ("mouse", "tablet", "keyboard", "passthrough", "evdev")
INPUT_BUSES: Names = ("default", "ps2", "usb", "xen", "parallels", "virtio", "none")

GRAPHICS_TYPES: Names = ("sdl", "vnc", "rdp", "desktop", "spice", "egl-headless", "dbus")
GRAPHICS_LISTEN_TYPES: Names = ("none", "address", "network", "socket")
VNC_SHARE_POLICIES: Names = ("default", "allow-exclusive", "force-shared", "ignore")
GRAPHICS_CONNECTED: Names = ("default", "fail", "disconnect", "keep")
SPICE_CHANNEL_MODES: Names = ("any", "secure", "insecure")
SPICE_IMAGE_COMPRESSIONS: Names = (
    "default", "auto_glz", "auto_lz", "quic", "glz", "lz", "off",
)
SPICE_JPEG_COMPRESSIONS: Names = ("default", "auto", "never", "always")
SPICE_ZLIB_COMPRESSIONS: Names = ("default", "auto", "never", "always")
SPICE_STREAMING_MODES: Names = ("default", "filter", "all", "off")
MOUSE_MODES: Names = ("default", "server", "client")

SOUND_MODELS: Names = (
    "sb16", "es1370", "pcspk", "ac97", "ich6", "ich9", "usb", "ich7", "virtio",
)
VIDEO_TYPES: Names = (
    "default", "vga", "cirrus", "vmvga", "xen", "vbox", "qxl", "parallels", "virtio", "gop",
    "none", "bochs", "ramfb",
)
HOSTDEV_MODES: Names = ("subsystem", "capabilities")
HOSTDEV_SUBSYS_TYPES: Names = ("usb", "pci", "scsi", "scsi_host", "mdev")
HOSTDEV_PCI_DRIVERS: Names = ("default", "kvm", "vfio", "xen")
MEMBALLOON_MODELS: Names = (
    "virtio", "xen", "none", "virtio-transitional", "virtio-non-transitional",
)
ADDRESS_TYPES: Names = (
    "none", "pci", "drive", "virtio-serial", "ccid", "usb", "spapr-vio", "virtio-s390",
    "ccw", "virtio-mmio", "isa", "dimm", "unassigned",
)

SECLABEL_TYPES: Names = ("default", "none", "dynamic", "static")
MEMORY_SOURCES: Names = ("none", "file", "anonymous", "memfd")
MEMORY_ALLOCATIONS: Names = ("none", "immediate", "ondemand")
SCHED_POLICIES: Names = ("none", "batch", "idle", "fifo", "rr")
NUMATUNE_MODES: Names = ("strict", "preferred", "interleave", "restrictive")
NUMATUNE_PLACEMENTS: Names = ("default", "static", "auto")
PERF_EVENTS: Names = (
    "cmt", "mbmt", "mbml", "cpu_cycles", "instructions", "cache_references", "cache_misses",
    "branch_instructions", "branch_misses", "bus_cycles", "stalled_cycles_frontend",
    "stalled_cycles_backend", "ref_cpu_cycles", "cpu_clock", "task_clock", "page_faults",
    "context_switches", "cpu_migrations", "page_faults_min", "page_faults_maj",
    "alignment_faults", "emulation_faults",
)
SYSINFO_TYPES: Names = ("smbios", "fwcfg")
SMBIOS_MODES: Names = ("none", "emulate", "host", "sysinfo")
FIRMWARE_FEATURES: Names = ("enrolled-keys", "secure-boot")

DISK_MODELS: Names = ("default", "virtio", "virtio-transitional", "virtio-non-transitional")
SNAPSHOT_LOCATIONS: Names = ("default", "no", "internal", "external", "manual")
DEVICE_SGIO: Names = ("default", "filtered", "unfiltered")
DISK_ERROR_POLICIES: Names = ("default", "stop", "report", "ignore", "enospace")
DISK_DETECT_ZEROES: Names = ("default", "off", "on", "unmap")
DISK_GEOMETRY_TRANS: Names = ("default", "none", "auto", "lba")
POOL_MODES: Names = ("default", "host", "direct")
STORAGE_AUTH_TYPES: Names = ("none", "chap", "ceph")

HOSTDEV_CAPS_TYPES: Names = ("storage", "misc", "net")
HOSTDEV_SCSI_PROTOCOLS: Names = ("adapter", "iscsi")
SCSI_HOST_PROTOCOLS: Names = ("none", "vhost")
SCSI_VHOST_MODELS: Names = ("default", "virtio", "virtio-transitional", "virtio-non-transitional")
MDEV_MODELS: Names = ("vfio-pci", "vfio-ccw", "vfio-ap")
USB_GUEST_RESETS: Names = ("default", "off", "uninitialized", "on")
NET_TEAMING_TYPES: Names = ("none", "persistent", "transient")
SECRET_USAGES: Names = ("none", "volume", "ceph", "iscsi", "tls", "vtpm")

NET_DRIVERS: Names = ("default", "qemu", "vhost")
NET_TXMODES: Names = ("default", "iothread", "timer")
MACVLAN_MODES: Names = ("vepa", "private", "bridge", "passthrough")
VHOSTUSER_MODES: Names = ("", "client", "server")
NET_MAC_TYPES: Names = ("", "generated", "static")
NET_PROTOS: Names = ("none", "tcp", "udp")
NET_BACKENDS: Names = ("default", "passt")
VLAN_NATIVE_MODES: Names = ("default", "tagged", "untagged")

WATCHDOG_MODELS: Names = ("i6300esb", "ib700", "diag288", "itco")
WATCHDOG_ACTIONS: Names = (
    "reset", "shutdown", "poweroff", "pause", "dump", "none", "inject-nmi",
)
RNG_MODELS: Names = ("virtio", "virtio-transitional", "virtio-non-transitional")
RNG_BACKENDS: Names = ("random", "egd", "builtin")
PANIC_MODELS: Names = ("default", "isa", "pseries", "hyperv", "s390", "pvpanic")
HUB_TYPES: Names = ("usb",)
REDIRDEV_BUSES: Names = ("usb",)
SMARTCARD_MODES: Names = ("host", "host-certificates", "passthrough")
TPM_MODELS: Names = ("default", "tpm-tis", "tpm-crb", "tpm-spapr", "spapr-tpm-proxy")
TPM_BACKENDS: Names = ("passthrough", "emulator", "external")
TPM_VERSIONS: Names = ("default", "1.2", "2.0")
TPM_PCR_BANKS: Names = ("sha1", "sha256", "sha384", "sha512")
TPM_SOURCE_TYPES: Names = ("default", "file", "dir")
AUDIO_TYPES: Names = (
    "none", "alsa", "coreaudio", "jack", "oss", "pulseaudio", "sdl", "spice", "file", "dbus",
    "pipewire",
)
IOMMU_MODELS: Names = ("intel", "smmuv3", "virtio")
VSOCK_MODELS: Names = ("default", "virtio", "virtio-transitional", "virtio-non-transitional")
CRYPTO_MODELS: Names = ("virtio",)
CRYPTO_TYPES: Names = ("qemu",)
CRYPTO_BACKENDS: Names = ("builtin", "lkcf")
PSTORE_BACKENDS: Names = ("acpi-erst",)
SHMEM_MODELS: Names = ("ivshmem", "ivshmem-plain", "ivshmem-doorbell")
SHMEM_ROLES: Names = ("default", "master", "peer")
FS_TYPES: Names = ("mount", "block", "file", "template", "ram", "bind", "volume")
FS_DRIVERS: Names = ("default", "path", "handle", "loop", "nbd", "ploop", "virtiofs", "mtp")
FS_ACCESS_MODES: Names = ("", "passthrough", "mapped", "squash")
FS_WRPOLICIES: Names = ("default", "immediate")
FS_MODELS: Names = ("default", "virtio", "virtio-transitional", "virtio-non-transitional")
FS_MULTIDEVS: Names = ("default", "remap", "forbid", "warn")
MEMORY_MODELS: Names = ("", "dimm", "nvdimm", "virtio-pmem", "virtio-mem", "sgx-epc")
TPM_PROFILE_REMOVE_DISABLED: Names = ("none", "check", "fips-host")
INPUT_MODELS: Names = ("default", "virtio", "virtio-transitional", "virtio-non-transitional")
INPUT_GRABS: Names = ("default", "all")
INPUT_GRAB_TOGGLES: Names = (
    "default", "ctrl-ctrl", "alt-alt", "shift-shift", "meta-meta", "scrolllock",
    "ctrl-scrolllock",
)
SOUND_CODECS: Names = ("duplex", "micro", "output")
VIDEO_BACKENDS: Names = ("default", "qemu", "vhostuser")
VIDEO_VGACONFS: Names = ("io", "on", "off")
SPICE_CHANNEL_NAMES: Names = (
    "main", "display", "inputs", "cursor", "playback", "record", "smartcard", "usbredir",
)
