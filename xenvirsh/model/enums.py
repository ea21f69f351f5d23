"""libvirt's enumeration tables, in libvirt's order.

The first entry of a table is the value libvirt reserves for "default" or
"none" where it has one; readers use that to refuse it as an explicit value
the way libvirt's ``VIR_XML_PROP_NONZERO`` does.
"""

from __future__ import annotations

from typing import Tuple

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
    "isa": ("default",),
    "pci": (
        "pci-root", "pcie-root", "pci-bridge", "dmi-to-pci-bridge", "pcie-to-pci-bridge",
        "pcie-root-port", "pcie-switch-upstream-port", "pcie-switch-downstream-port",
        "pci-expander-bus", "pcie-expander-bus",
    ),
}

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
