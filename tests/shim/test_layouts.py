"""Per-version ctypes layouts against the sizes and offsets in LIBXL.md §8 (x86_64)."""

from __future__ import annotations

import ctypes
from typing import Any

import pytest

import libxl_shim
from libxl_shim._config import CONFIG_BUFFER_BYTES
from libxl_shim._context import _STRUCT_BUFFER_BYTES
from libxl_shim._layouts import (
    BITMAP,
    CHILDPROC_HOOKS,
    DOMINFO,
    EVENT,
    PHYSINFO,
    VERSION_INFO,
    field_offsets,
    struct_type,
)

VERSIONS = [(4, minor) for minor in range(13, 23)]


@pytest.mark.parametrize("version", VERSIONS)
def test_dominfo(version: tuple[int, int]) -> None:
    offsets = field_offsets(DOMINFO, version)
    assert (offsets["domid"], offsets["ssid_label"], offsets["running"]) == (16, 24, 32)
    assert (offsets["shutdown_reason"], offsets["outstanding_memkb"]) == (40, 48)
    assert (offsets["cpu_time"], offsets["vcpu_max_id"], offsets["cpupool"]) == (88, 96, 104)
    if version >= (4, 16):
        assert (offsets["gpaddr_bits"], offsets["domain_type"]) == (108, 112)
        assert ctypes.sizeof(struct_type(DOMINFO, version)) == 120
    else:
        assert "gpaddr_bits" not in offsets
        assert offsets["domain_type"] == 108
        assert ctypes.sizeof(struct_type(DOMINFO, version)) == 112


@pytest.mark.parametrize("version", VERSIONS)
def test_physinfo(version: tuple[int, int]) -> None:
    offsets = field_offsets(PHYSINFO, version)
    assert (offsets["total_pages"], offsets["max_possible_mfn"], offsets["nr_nodes"]) == (
        24, 72, 80)
    assert (offsets["hw_cap"], offsets["cap_hvm"], offsets["cap_pv"]) == (84, 116, 117)
    assert offsets["cap_hvm_directio"] == 118
    assert ("cap_vmtrace" in offsets) == (version >= (4, 15))
    assert ("cap_gnttab_v2" in offsets) == (version >= (4, 16))
    assert ("arch_capabilities" in offsets) == (version >= (4, 18))
    size = ctypes.sizeof(struct_type(PHYSINFO, version))
    assert size == (136 if version >= (4, 18) else 128)


@pytest.mark.parametrize("version", VERSIONS)
def test_version_info(version: tuple[int, int]) -> None:
    offsets = field_offsets(VERSION_INFO, version)
    assert (offsets["xen_version_extra"], offsets["virt_start"], offsets["pagesize"]) == (
        8, 64, 72)
    assert offsets["build_id"] == 88
    assert ctypes.sizeof(struct_type(VERSION_INFO, version)) == 96


def test_small_structs() -> None:
    v = (4, 17)
    assert field_offsets(EVENT, v) == {"link": 0, "domid": 16, "domuuid": 20, "for_user": 40,
                                       "type": 48, "u": 56}
    assert ctypes.sizeof(struct_type(BITMAP, v)) == 16
    assert ctypes.sizeof(struct_type(CHILDPROC_HOOKS, v)) == 24


def test_buffers_are_big_enough() -> None:
    assert CONFIG_BUFFER_BYTES >= 1400 and CONFIG_BUFFER_BYTES % 8 == 0
    largest = max(ctypes.sizeof(struct_type(spec, v)) for spec in (DOMINFO, PHYSINFO)
                  for v in VERSIONS)
    assert _STRUCT_BUFFER_BYTES >= largest


def _filled(spec_type: type, **values: object) -> Any:
    s = spec_type()
    for key, value in values.items():
        setattr(s, key, value)
    return s


def test_decode_dominfo_4_15_and_4_17() -> None:
    common = dict(domid=7, running=True, shutdown=True, shutdown_reason=3,
                  current_memkb=131072, cpu_time=5_000_000_000, vcpu_max_id=1,
                  vcpu_online=2, domain_type=1)
    raw = _filled(struct_type(DOMINFO, (4, 15)), **common)
    raw.uuid[:] = list(range(16))
    old = libxl_shim.DomainInfo.from_struct(raw)
    assert old.uuid == "00010203-0405-0607-0809-0a0b0c0d0e0f"
    assert old.gpaddr_bits is None
    assert old.shutdown_reason is libxl_shim.ShutdownReason.CRASH
    assert old.domain_type is libxl_shim.DomainType.HVM
    assert (old.domid, old.current_memkb, old.vcpu_online, old.ssid_label) == (
        7, 131072, 2, None)
    new = libxl_shim.DomainInfo.from_struct(
        _filled(struct_type(DOMINFO, (4, 17)), gpaddr_bits=40, domain_type=9,
                shutdown_reason=77, **{k: v for k, v in common.items()
                                       if k not in ("domain_type", "shutdown_reason")}))
    assert new.gpaddr_bits == 40
    assert new.domain_type is libxl_shim.DomainType.INVALID  # unknown values
    assert new.shutdown_reason is libxl_shim.ShutdownReason.UNKNOWN


def test_decode_physinfo_optional_fields() -> None:
    old = libxl_shim.PhysInfo.from_struct(_filled(struct_type(PHYSINFO, (4, 14)), nr_cpus=4))
    assert (old.nr_cpus, old.cap_vmtrace, old.cap_vpmu, old.arch_capabilities) == (
        4, None, None, None)
    new = libxl_shim.PhysInfo.from_struct(
        _filled(struct_type(PHYSINFO, (4, 18)), cap_vmtrace=True, arch_capabilities=0x12))
    assert (new.cap_vmtrace, new.cap_gnttab_v1, new.arch_capabilities) == (True, False, 0x12)
    assert new.hw_cap == (0,) * 8


def test_decode_version_info_strings() -> None:
    extra = ctypes.create_string_buffer(b".5-pre")
    raw = _filled(struct_type(VERSION_INFO, (4, 17)), xen_version_major=4,
                  xen_version_minor=17, xen_version_extra=ctypes.addressof(extra), pagesize=4096)
    info = libxl_shim.VersionInfo.from_struct(raw)
    assert (info.xen_version_major, info.xen_version_minor, info.xen_version_extra) == (
        4, 17, ".5-pre")
    assert (info.compiler, info.pagesize) == ("", 4096)


def test_decode_event() -> None:
    layout = struct_type(EVENT, (4, 17))
    raw = _filled(layout, domid=5, for_user=5, type=1)
    raw.u.domain_shutdown.shutdown_reason = 1
    event = libxl_shim.Event.from_struct(raw)
    assert (event.type, event.domid, event.for_user) == (libxl_shim.EventType.DOMAIN_SHUTDOWN,
                                                         5, 5)
    assert event.shutdown_reason is libxl_shim.ShutdownReason.REBOOT
    death = libxl_shim.Event.from_struct(_filled(layout, domid=5, type=2))
    assert death.shutdown_reason is None
