"""Python values of libxl's enums and of the structs the shim decodes.

Enum values are those of Xen 4.17's ``libxl_types.idl``, identical in
4.13-4.22 (LIBXL.md §9). Decoded structs are frozen dataclasses with plain
Python values, so nothing returned to callers points into libxl's memory.
"""

from __future__ import annotations

import ctypes
import uuid
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, TypeVar

from ._layouts import optional_field

E = TypeVar("E", bound=IntEnum)


class DomainType(IntEnum):
    INVALID = -1
    HVM = 1
    PV = 2
    PVH = 3


class ShutdownReason(IntEnum):
    """Why a domain shut down; equal to Xen's ``SHUTDOWN_*`` codes."""

    UNKNOWN = -1
    POWEROFF = 0
    REBOOT = 1
    SUSPEND = 2
    CRASH = 3
    WATCHDOG = 4
    SOFT_RESET = 5


class ConsoleType(IntEnum):
    UNKNOWN = 0
    SERIAL = 1
    PV = 2
    VUART = 3


class Trigger(IntEnum):
    POWER = 1
    SLEEP = 2
    NMI = 3
    INIT = 4
    RESET = 5
    S3RESUME = 6


class EventType(IntEnum):
    DOMAIN_SHUTDOWN = 1
    DOMAIN_DEATH = 2
    DISK_EJECT = 3
    OPERATION_COMPLETE = 4
    DOMAIN_CREATE_CONSOLE_AVAILABLE = 5


def to_enum(cls: type[E], value: int, unknown: E) -> E:
    """``cls(value)``, or ``unknown`` for values a newer libxl may add."""
    try:
        return cls(value)
    except ValueError:
        return unknown


def uuid_text(raw: Any) -> str:
    return str(uuid.UUID(bytes=bytes(raw)))


def c_string(ptr: int | None) -> str | None:
    """A libxl-owned ``char *`` (declared c_void_p) as text; None for NULL."""
    if not ptr:
        return None
    return ctypes.string_at(ptr).decode("utf-8", "replace")


@dataclass(frozen=True)
class DomainInfo:
    """``libxl_dominfo``. ``shutdown_reason`` is meaningful only if ``shutdown``."""

    uuid: str
    domid: int
    ssidref: int
    ssid_label: str | None
    running: bool
    blocked: bool
    paused: bool
    shutdown: bool
    dying: bool
    never_stop: bool
    shutdown_reason: ShutdownReason
    outstanding_memkb: int
    current_memkb: int
    shared_memkb: int
    paged_memkb: int
    max_memkb: int
    cpu_time: int  # nanoseconds
    vcpu_max_id: int
    vcpu_online: int
    cpupool: int
    gpaddr_bits: int | None  # Xen 4.16+
    domain_type: DomainType

    @classmethod
    def from_struct(cls, s: Any) -> DomainInfo:
        return cls(
            uuid=uuid_text(s.uuid), domid=s.domid, ssidref=s.ssidref,
            ssid_label=c_string(s.ssid_label), running=s.running, blocked=s.blocked,
            paused=s.paused, shutdown=s.shutdown, dying=s.dying, never_stop=s.never_stop,
            shutdown_reason=to_enum(ShutdownReason, s.shutdown_reason, ShutdownReason.UNKNOWN),
            outstanding_memkb=s.outstanding_memkb, current_memkb=s.current_memkb,
            shared_memkb=s.shared_memkb, paged_memkb=s.paged_memkb, max_memkb=s.max_memkb,
            cpu_time=s.cpu_time, vcpu_max_id=s.vcpu_max_id, vcpu_online=s.vcpu_online,
            cpupool=s.cpupool, gpaddr_bits=optional_field(s, "gpaddr_bits"),
            domain_type=to_enum(DomainType, s.domain_type, DomainType.INVALID),
        )


@dataclass(frozen=True)
class PhysInfo:
    """``libxl_physinfo``; fields newer than the loaded library are None."""

    threads_per_core: int
    cores_per_socket: int
    max_cpu_id: int
    nr_cpus: int
    cpu_khz: int
    total_pages: int
    free_pages: int
    scrub_pages: int
    outstanding_pages: int
    sharing_freed_pages: int
    sharing_used_frames: int
    max_possible_mfn: int
    nr_nodes: int
    hw_cap: tuple[int, ...]
    cap_hvm: bool
    cap_pv: bool
    cap_hvm_directio: bool
    cap_hap: bool
    cap_shadow: bool
    cap_iommu_hap_pt_share: bool
    cap_vmtrace: bool | None  # 4.15+
    cap_vpmu: bool | None  # 4.16+
    cap_gnttab_v1: bool | None  # 4.16+
    cap_gnttab_v2: bool | None  # 4.16+
    arch_capabilities: int | None  # 4.18+

    @classmethod
    def from_struct(cls, s: Any) -> PhysInfo:
        return cls(
            threads_per_core=s.threads_per_core, cores_per_socket=s.cores_per_socket,
            max_cpu_id=s.max_cpu_id, nr_cpus=s.nr_cpus, cpu_khz=s.cpu_khz,
            total_pages=s.total_pages, free_pages=s.free_pages, scrub_pages=s.scrub_pages,
            outstanding_pages=s.outstanding_pages, sharing_freed_pages=s.sharing_freed_pages,
            sharing_used_frames=s.sharing_used_frames, max_possible_mfn=s.max_possible_mfn,
            nr_nodes=s.nr_nodes, hw_cap=tuple(s.hw_cap), cap_hvm=s.cap_hvm, cap_pv=s.cap_pv,
            cap_hvm_directio=s.cap_hvm_directio, cap_hap=s.cap_hap, cap_shadow=s.cap_shadow,
            cap_iommu_hap_pt_share=s.cap_iommu_hap_pt_share,
            cap_vmtrace=optional_field(s, "cap_vmtrace"),
            cap_vpmu=optional_field(s, "cap_vpmu"),
            cap_gnttab_v1=optional_field(s, "cap_gnttab_v1"),
            cap_gnttab_v2=optional_field(s, "cap_gnttab_v2"),
            arch_capabilities=optional_field(s, "arch_capabilities"),
        )


@dataclass(frozen=True)
class VersionInfo:
    """``libxl_version_info``: the running hypervisor (not the library)."""

    xen_version_major: int
    xen_version_minor: int
    xen_version_extra: str
    compiler: str
    compile_by: str
    compile_domain: str
    compile_date: str
    capabilities: str
    changeset: str
    virt_start: int
    pagesize: int
    commandline: str
    build_id: str

    @classmethod
    def from_struct(cls, s: Any) -> VersionInfo:
        def text(ptr: int | None) -> str:
            return c_string(ptr) or ""

        return cls(
            xen_version_major=s.xen_version_major, xen_version_minor=s.xen_version_minor,
            xen_version_extra=text(s.xen_version_extra), compiler=text(s.compiler),
            compile_by=text(s.compile_by), compile_domain=text(s.compile_domain),
            compile_date=text(s.compile_date), capabilities=text(s.capabilities),
            changeset=text(s.changeset), virt_start=s.virt_start, pagesize=s.pagesize,
            commandline=text(s.commandline), build_id=text(s.build_id),
        )


@dataclass(frozen=True)
class Event:
    """A ``libxl_event``; ``shutdown_reason`` is set for DOMAIN_SHUTDOWN only."""

    type: int  # an EventType value (kept as int: newer libxl may add types)
    domid: int
    domuuid: str
    for_user: int
    shutdown_reason: ShutdownReason | None

    @classmethod
    def from_struct(cls, s: Any) -> Event:
        reason = None
        if s.type == EventType.DOMAIN_SHUTDOWN:
            reason = to_enum(ShutdownReason, s.u.domain_shutdown.shutdown_reason,
                             ShutdownReason.UNKNOWN)
        return cls(type=s.type, domid=s.domid, domuuid=uuid_text(s.domuuid),
                   for_user=s.for_user, shutdown_reason=reason)
