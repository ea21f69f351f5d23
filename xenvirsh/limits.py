"""The sizes xenvirsh refuses to go beyond, in one place (README, "Limits").

Every input is bounded before any work that grows with it, so that a hostile
file costs a fraction of a second and one clear error, never minutes or
gigabytes. Where libvirt or virsh has a limit, it is the same one.
"""

from __future__ import annotations

from typing import Final

from xenvirsh.errors import ConfigUnsupported, InternalError

MIB: Final = 1024 * 1024

# a file named on the command line, or standard input (virsh's VSH_MAX_XML_FILE)
MAX_FILE_SIZE: Final = 10 * MIB
# a domain XML document (virsh reads no more)
MAX_XML_SIZE: Final = 10 * MIB
# elements in a domain XML document: the largest of libvirt's 2870 test domains
# has 566; libvirt's checks for duplicates cost time quadratic in their count
MAX_XML_ELEMENTS: Final = 4096
# devices of one domain, of all kinds: libvirt's duplicate checks and disk
# placement compare every device with every other (Xen guests have dozens)
MAX_DEVICES: Final = 512
# vCPUs of one domain: libvirt allocates a structure per vCPU and aborts on a
# count like 2^32; Xen 4.17 runs at most 128 for HVM guests
MAX_VCPUS: Final = 16384
# I/O threads of one domain (<iothreads>): libvirt allocates one structure per
# thread as it does per vCPU; real domains have a few
MAX_IOTHREADS: Final = 16384
# a native config read (xen-xl, xen-xm, xen-sxpr): real ones are a few KiB, and
# 1 MiB keeps the worst case of their readers near a second
MAX_NATIVE_INPUT: Final = MIB
# a native config written: libvirt's libxl driver prints into a buffer this large
MAX_NATIVE_OUTPUT: Final = 65 * 1024
# nesting of domain XML elements (libxml2's own limit without XML_PARSE_HUGE)
MAX_XML_DEPTH: Final = 256
# nesting of xl/xm lists and of S-expressions (real configs nest two and five deep)
MAX_NATIVE_DEPTH: Final = 100
# disk controllers that drive addresses may create implicitly: libvirt adds every
# controller up to the highest one named, so a disk called hdsdlb makes 84241
MAX_IMPLICIT_CONTROLLERS: Final = 256


def describe(size: int) -> str:
    """A byte count as the messages say it: ``10 MiB``, ``66560 bytes``."""
    return f"{size // MIB} MiB" if size % MIB == 0 else f"{size} bytes"


def _check_count(count: int, limit: int, what: str) -> None:
    if count > limit:
        raise ConfigUnsupported(
            f"the domain has {count} {what}; xenvirsh handles at most {limit}")


def check_devices(count: int) -> None:
    """Refuse a domain with more than MAX_DEVICES devices, before any work on them."""
    _check_count(count, MAX_DEVICES, "devices")


def check_vcpus(count: int) -> None:
    """Refuse more than MAX_VCPUS vCPUs, before anything is done per vCPU."""
    _check_count(count, MAX_VCPUS, "vCPUs")


def check_iothreads(count: int) -> None:
    """Refuse more than MAX_IOTHREADS I/O threads, before any is made."""
    _check_count(count, MAX_IOTHREADS, "I/O threads")


def check_implicit_controller(device: str, bus: str, index: int) -> None:
    """Refuse a device address that implies more than MAX_IMPLICIT_CONTROLLERS
    controllers of its bus (libvirt adds every one up to the highest named)."""
    if index >= MAX_IMPLICIT_CONTROLLERS:
        raise ConfigUnsupported(
            f"{device} needs {bus} controller {index}; xenvirsh adds at "
            f"most {MAX_IMPLICIT_CONTROLLERS} disk controllers of a type")


def check_native_output(size: int) -> None:
    """Refuse a native config of ``size`` bytes, or one known to take at least
    that many before it is written."""
    if size > MAX_NATIVE_OUTPUT:
        raise InternalError(f"native config is larger than {describe(MAX_NATIVE_OUTPUT)}")
