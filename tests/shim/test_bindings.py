"""Sanity of the declaration table in libxl_shim/_bindings.py."""

from __future__ import annotations

import ctypes
import re
from pathlib import Path

from libxl_shim._bindings import BINDINGS, LIBC, TOOLLOG, XENLIGHT, check_rc
from libxl_shim._loader import SUPPORTED_VERSIONS

SHIM = Path(__file__).resolve().parents[2] / "libxl_shim"
# The functions that gained "const libxl_asyncop_how *ao_how" in Xen 4.13
# (LIBXL_HAVE_FN_USING_QMP_ASYNC), apart from qemu_monitor_command.
AO_HOW_413 = {"libxl_domain_shutdown", "libxl_domain_reboot", "libxl_domain_pause",
              "libxl_domain_unpause", "libxl_send_trigger", "libxl_set_vcpuonline",
              "libxl_retrieve_domain_configuration"}
# int-returning functions whose "errors" are ordinary answers, checked by the caller
UNCHECKED_INT = {"libxl_ctx_free", "libxl_event_check", "libxl_osevent_beforepoll", "poll"}


def test_names_are_unique() -> None:
    names = [b.name for b in BINDINGS]
    assert len(names) == len(set(names))


def test_libraries() -> None:
    assert {b.lib for b in BINDINGS} == {XENLIGHT, TOOLLOG, LIBC}
    for b in BINDINGS:
        prefix = {XENLIGHT: "libxl_", TOOLLOG: "xtl_"}.get(b.lib, "")
        assert b.name.startswith(prefix), b.name


def test_prototypes_hold_for_every_supported_release() -> None:
    lowest, highest = SUPPORTED_VERSIONS
    for b in BINDINGS:
        assert b.changed is None or b.changed <= lowest, b.name
        assert b.added <= highest, b.name


def test_ao_how_functions() -> None:
    assert {b.name for b in BINDINGS if b.changed == (4, 13)} == AO_HOW_413
    for b in BINDINGS:
        if b.name in AO_HOW_413 or b.name in ("libxl_domain_destroy", "libxl_domain_create_new"):
            ao_position = -2 if b.name == "libxl_domain_create_new" else -1
            assert b.argtypes[ao_position] is ctypes.c_void_p, b.name


def test_64_bit_memory_sizes() -> None:
    by_name = {b.name: b for b in BINDINGS}
    assert by_name["libxl_set_memory_target"].argtypes[2] is ctypes.c_int64
    assert by_name["libxl_domain_setmaxmem"].argtypes[2] is ctypes.c_uint64


def test_int_results_are_checked() -> None:
    for b in BINDINGS:
        if b.restype is ctypes.c_int and b.name not in UNCHECKED_INT:
            assert b.errcheck is not None, b.name
        if b.lib == XENLIGHT and b.restype is ctypes.c_int and b.name not in UNCHECKED_INT:
            assert b.errcheck is check_rc, b.name


def test_pointer_results_are_void_p() -> None:
    """libxl's malloc'd strings must not become c_char_p (ctypes would drop the pointer)."""
    for b in BINDINGS:
        assert b.restype is not ctypes.c_char_p, b.name


def test_every_binding_is_used_and_every_used_name_is_declared() -> None:
    used = set()
    for path in SHIM.glob("*.py"):
        if path.name != "_bindings.py":
            used |= set(re.findall(r'(?:_call|func|call|_tty)\(\s*"(\w+)"', path.read_text()))
    assert used == {b.name for b in BINDINGS}
