"""The host description that conversions and the libxl translation depend on.

libvirt's converters consult the driver's capabilities (guest types, their
emulator, loader and machine), the host CPU (for nested virtualisation), the
MAC prefix, and, when building a libxl domain config, a few facts that only
libxl or the host can tell (required shadow memory, free VNC ports, the
emulator flavour). :data:`TEST_HOST` is libvirt's test host exactly, which is
also what conversions use when no hypervisor is at hand.
"""

from __future__ import annotations

import os
import stat
from typing import Callable, Optional, Tuple

from xenvirsh.errors import InvalidArgument
from xenvirsh.record import dataclass, field


@dataclass(frozen=True)
class GuestCaps:
    """One ``<guest>`` of the capabilities: an OS type on an architecture."""

    os_type: str  # hvm, xen, xenpvh
    arch: str
    wordsize: int
    emulator: str
    loader: Optional[str]
    machines: Tuple[str, ...]
    domain_types: Tuple[str, ...] = ("xen",)
    features: Tuple[Tuple[str, str], ...] = ()  # (name, "toggle"/"on"/"")


@dataclass(frozen=True)
class HostCPU:
    arch: str
    model: str
    vendor: str
    features: Tuple[str, ...]
    sockets: int = 1
    cores: int = 1
    threads: int = 1

    def has(self, feature: str) -> bool:
        return feature in self.features


def _fixed_shadow(kib: int) -> Callable[[int, int], int]:
    return lambda _max_memkb, _vcpus: kib


def _emulator_problem(path: str) -> Optional[str]:
    """libvirt's virFileExists and virFileIsExecutable (a regular file with an x bit)."""
    if not os.access(path, os.F_OK):
        return "not found"
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return "is not executable"
    return None if stat.S_ISREG(mode) and mode & 0o111 else "is not executable"


@dataclass(frozen=True)
class Host:
    arch: str
    cpu: HostCPU
    guests: Tuple[GuestCaps, ...]
    mac_prefix: Tuple[int, int, int] = (0x00, 0x16, 0x3E)
    firmware_dir: str = "/usr/lib/xen/boot"
    execbin_dir: str = "/usr/lib/xen/bin"
    channel_dir: str = "/var/lib/libvirt/libxl/channel/target"
    bootloader_path: str = "pygrub"
    default_vif_script: str = "vif-bridge"
    # libxl driver option: may guests use nested HVM (libxl.conf nested_hvm)
    nested_hvm: bool = False
    # grant-table limits are only known to libxl >= 4.10
    grant_limits: bool = True
    # libxl_get_required_shadow_memory(max_memkb, vcpus)
    shadow_memory: Callable[[int, int], int] = field(
        default=_fixed_shadow(1234), compare=False
    )
    vnc_port_min: int = 5900
    vnc_port_max: int = 65535
    # which ports the VNC port allocator may hand out; None: all free
    vnc_port_free: Optional[Callable[[int], bool]] = field(default=None, compare=False)
    # LIBXL_DEVICE_MODEL_VERSION of an emulator path: qemu_xen or qemu_xen_traditional
    emulator_type: Callable[[Optional[str]], str] = field(
        default=lambda _path: "qemu_xen", compare=False
    )
    # why an emulator path cannot be used ("not found", "is not executable"), or None
    emulator_problem: Callable[[str], Optional[str]] = field(
        default=_emulator_problem, compare=False
    )
    # libxl_get_max_cpus: the width of the host CPU bitmaps libxl allocates
    max_cpus: int = 64
    # libxl_get_physinfo nr_nodes: host NUMA nodes for a guest's virtual NUMA nodes
    numa_nodes: int = 1
    # the bridge of a libvirt virtual network, None when there is no such network
    network_bridge: Callable[[str], Optional[str]] = field(
        default=lambda _name: None, compare=False
    )
    # (bus, device) of the USB device with this vendor and product id, if plugged in
    find_usb_device: Callable[[Optional[int], Optional[int]], Optional[Tuple[int, int]]] = field(
        default=lambda _vendor, _product: None, compare=False
    )

    def lookup(
        self, os_type: Optional[str], arch: Optional[str], virt_type: Optional[str] = "xen"
    ) -> GuestCaps:
        """virCapabilitiesDomainDataLookup: the first matching guest, preferring
        the host architecture when none is given."""
        if arch is None:
            found = self._find(os_type, self.arch, virt_type)
            if found:
                return found
        found = self._find(os_type, arch, virt_type)
        if found:
            return found
        # libvirt leaves out ostype when it is hvm (enum value 0)
        wanted = ""
        if os_type and os_type != "hvm":
            wanted += f"ostype={os_type} "
        if arch:
            wanted += f"arch={arch} "
        if virt_type:
            wanted += f"domaintype={virt_type} "
        raise InvalidArgument(f"could not find capabilities for {wanted or 'any configuration'}")

    def _find(
        self, os_type: Optional[str], arch: Optional[str], virt_type: Optional[str]
    ) -> Optional[GuestCaps]:
        for guest in self.guests:
            if os_type is not None and guest.os_type != os_type:
                continue
            if arch is not None and guest.arch != arch:
                continue
            if virt_type is not None and virt_type not in guest.domain_types:
                continue
            return guest
        return None

    @property
    def vmx_or_svm(self) -> Optional[str]:
        """The nested-virtualisation CPU flag of the host, vmx first."""
        for flag in ("vmx", "svm"):
            if self.cpu.has(flag):
                return flag
        return None


_TEST_EMULATOR = "/usr/lib/xen/bin/qemu-system-i386"

TEST_HOST = Host(
    arch="x86_64",
    cpu=HostCPU(
        arch="x86_64",
        model="core2duo",
        vendor="Intel",
        features=(
            "ds", "acpi", "ss", "ht", "tm", "pbe", "ds_cpl", "vmx",
            "est", "tm2", "cx16", "xtpr", "lahf_lm",
        ),
        sockets=1,
        cores=2,
        threads=1,
    ),
    guests=(
        GuestCaps("hvm", "x86_64", 64, _TEST_EMULATOR, "/usr/lib/xen/boot/hvmloader", ("xenfv",)),
        GuestCaps("xen", "x86_64", 64, _TEST_EMULATOR, None, ("xenpv",)),
        GuestCaps("xenpvh", "x86_64", 64, _TEST_EMULATOR, None, ("xenpvh",)),
    ),
    nested_hvm=True,
    # libxlxml2domconfigtest's port range and libxlmock's physinfo; the mock leaves
    # the host CPU count undefined, so max_cpus keeps its default
    vnc_port_max=6000,
    numa_nodes=6,
)
"""libvirt's Xen test host (tests/testutilsxen.c and libxlmock.c)."""
