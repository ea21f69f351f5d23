"""ctypes layouts of the few libxl structs the shim reads field by field.

libxl promises no ABI stability between releases (the soname changes with
every Xen minor version) and its small output structs gained fields in the
middle over time. Each struct is therefore described once as a list of fields
tagged with the Xen release that introduced them, and the ctypes
``Structure`` for a given library version is built from that list. Anything
bigger (``libxl_domain_config``) stays opaque; see ``_config.py``.

Field histories are from ``libxl_types.idl`` of each release (LIBXL.md §8);
the layouts of the installed headers are checked by a compiled C program in
``tests/shim/test_layout_headers.py``.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from functools import cache
from typing import Any

Version = tuple[int, int]


@dataclass(frozen=True)
class Field:
    name: str
    ctype: Any
    since: Version = (4, 13)  # the oldest release the shim supports


@dataclass(frozen=True)
class StructSpec:
    c_name: str  # the C typedef, used by the header layout test
    fields: tuple[Field, ...]

    def fields_for(self, version: Version) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.since <= version)


_UUID = ctypes.c_uint8 * 16

# char * members owned by libxl are c_void_p so that ctypes never takes
# ownership or decodes them implicitly; see _strings.py.
DOMINFO = StructSpec("libxl_dominfo", (
    Field("uuid", _UUID),
    Field("domid", ctypes.c_uint32),
    Field("ssidref", ctypes.c_uint32),
    Field("ssid_label", ctypes.c_void_p),
    Field("running", ctypes.c_bool),
    Field("blocked", ctypes.c_bool),
    Field("paused", ctypes.c_bool),
    Field("shutdown", ctypes.c_bool),
    Field("dying", ctypes.c_bool),
    Field("never_stop", ctypes.c_bool),
    Field("shutdown_reason", ctypes.c_int),
    Field("outstanding_memkb", ctypes.c_uint64),
    Field("current_memkb", ctypes.c_uint64),
    Field("shared_memkb", ctypes.c_uint64),
    Field("paged_memkb", ctypes.c_uint64),
    Field("max_memkb", ctypes.c_uint64),
    Field("cpu_time", ctypes.c_uint64),
    Field("vcpu_max_id", ctypes.c_uint32),
    Field("vcpu_online", ctypes.c_uint32),
    Field("cpupool", ctypes.c_uint32),
    # inserted before domain_type in 4.16, moving it from offset 108 to 112
    Field("gpaddr_bits", ctypes.c_uint8, since=(4, 16)),
    Field("domain_type", ctypes.c_int),
))

PHYSINFO = StructSpec("libxl_physinfo", (
    Field("threads_per_core", ctypes.c_uint32),
    Field("cores_per_socket", ctypes.c_uint32),
    Field("max_cpu_id", ctypes.c_uint32),
    Field("nr_cpus", ctypes.c_uint32),
    Field("cpu_khz", ctypes.c_uint32),
    Field("total_pages", ctypes.c_uint64),
    Field("free_pages", ctypes.c_uint64),
    Field("scrub_pages", ctypes.c_uint64),
    Field("outstanding_pages", ctypes.c_uint64),
    Field("sharing_freed_pages", ctypes.c_uint64),
    Field("sharing_used_frames", ctypes.c_uint64),
    Field("max_possible_mfn", ctypes.c_uint64),
    Field("nr_nodes", ctypes.c_uint32),
    Field("hw_cap", ctypes.c_uint32 * 8),
    Field("cap_hvm", ctypes.c_bool),
    Field("cap_pv", ctypes.c_bool),
    Field("cap_hvm_directio", ctypes.c_bool),
    Field("cap_hap", ctypes.c_bool),
    Field("cap_shadow", ctypes.c_bool),
    Field("cap_iommu_hap_pt_share", ctypes.c_bool),
    Field("cap_vmtrace", ctypes.c_bool, since=(4, 15)),
    Field("cap_vpmu", ctypes.c_bool, since=(4, 16)),
    Field("cap_gnttab_v1", ctypes.c_bool, since=(4, 16)),
    Field("cap_gnttab_v2", ctypes.c_bool, since=(4, 16)),
    Field("arch_capabilities", ctypes.c_uint32, since=(4, 18)),
))

VERSION_INFO = StructSpec("libxl_version_info", (
    Field("xen_version_major", ctypes.c_int),
    Field("xen_version_minor", ctypes.c_int),
    Field("xen_version_extra", ctypes.c_void_p),
    Field("compiler", ctypes.c_void_p),
    Field("compile_by", ctypes.c_void_p),
    Field("compile_domain", ctypes.c_void_p),
    Field("compile_date", ctypes.c_void_p),
    Field("capabilities", ctypes.c_void_p),
    Field("changeset", ctypes.c_void_p),
    Field("virt_start", ctypes.c_uint64),
    Field("pagesize", ctypes.c_int),
    Field("commandline", ctypes.c_void_p),
    Field("build_id", ctypes.c_void_p),
))

class _EventShutdown(ctypes.Structure):
    _fields_ = [("shutdown_reason", ctypes.c_uint8)]


class _EventUnion(ctypes.Union):
    # The real union also holds a libxl_device_disk (pointers), hence the
    # pointer member: it gives the union its 8-byte alignment.
    _fields_ = [("domain_shutdown", _EventShutdown), ("_align", ctypes.c_void_p)]


# The common header of libxl_event plus the union members the shim reads;
# events are allocated and freed by libxl, never by Python.
EVENT = StructSpec("libxl_event", (
    Field("link", ctypes.c_void_p * 2),
    Field("domid", ctypes.c_uint32),
    Field("domuuid", _UUID),
    Field("for_user", ctypes.c_uint64),
    Field("type", ctypes.c_int),
    Field("u", _EventUnion),
))

BITMAP = StructSpec("libxl_bitmap", (
    Field("size", ctypes.c_uint32),
    Field("map", ctypes.c_void_p),
))

CHILDPROC_HOOKS = StructSpec("libxl_childproc_hooks", (
    Field("chldowner", ctypes.c_int),
    Field("fork_replacement", ctypes.c_void_p),
    Field("reaped_callback", ctypes.c_void_p),
))

ALL_SPECS: tuple[StructSpec, ...] = (DOMINFO, PHYSINFO, VERSION_INFO, EVENT, BITMAP,
                                     CHILDPROC_HOOKS)


@cache
def struct_type(spec: StructSpec, version: Version) -> type[ctypes.Structure]:
    """The ctypes Structure for ``spec`` as laid out by libxenlight ``version``."""
    fields = [(f.name, f.ctype) for f in spec.fields_for(version)]
    name = f"{spec.c_name}_{version[0]}_{version[1]}"
    return type(name, (ctypes.Structure,), {"_fields_": fields})


def field_offsets(spec: StructSpec, version: Version) -> dict[str, int]:
    cls = struct_type(spec, version)
    return {f.name: int(getattr(cls, f.name).offset) for f in spec.fields_for(version)}


class PollFd(ctypes.Structure):
    """``struct pollfd`` (POSIX), filled by libxl_osevent_beforepoll."""

    _fields_ = [("fd", ctypes.c_int), ("events", ctypes.c_short), ("revents", ctypes.c_short)]


class TimeVal(ctypes.Structure):
    """``struct timeval``, passed by value to the osevent functions."""

    _fields_ = [("tv_sec", ctypes.c_long), ("tv_usec", ctypes.c_long)]


def optional_field(struct: ctypes.Structure, name: str) -> Any:
    """Value of a field that older layouts lack (None there)."""
    return getattr(struct, name) if name in {f[0] for f in struct._fields_} else None
