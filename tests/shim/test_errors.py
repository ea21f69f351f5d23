"""Mapping libxl return codes to exceptions, and the messages they carry."""

from __future__ import annotations

import ctypes

import pytest

import libxl_shim
from libxl_shim._bindings import check_errno, check_not_null, check_rc
from libxl_shim._errors import ERROR_CODES, ERROR_NAMES, error_for

LOG = (
    "libxl: debug: libxl_create.c:2062:do_domain_create: ao 0x1: create: how=(nil)",
    "libxl: error: libxl_dom.c:646:libxl__build_pv: xc_dom_kernel_file failed: No such file",
    "xc: error: panic: xc_dom_core.c:207:xc_dom_malloc_filemap: failed to open file",
    "libxl: warning: something odd",
    "libxl: error: libxl_create.c:1676:domcreate_rebuild_done: Domain 3:cannot (re-)build",
    "libxl: critical: libxl_event.c:1:disaster: out of luck",
    "libxl: error: libxl_domain.c:1:destroy: Domain 3:Non-existent domain",
    "a line that is not from xtl",
)


class _Func:
    __name__ = "libxl_domain_pause"


def test_error_names_cover_the_libxl_error_enum() -> None:
    assert sorted(ERROR_NAMES) == list(range(-32, 0))
    assert all(name.startswith("ERROR_") for name in ERROR_NAMES.values())
    assert ERROR_CODES["ERROR_DOMAIN_NOTFOUND"] == -21
    assert libxl_shim.ERROR_NAMES is ERROR_NAMES


@pytest.mark.parametrize("code, cls", [
    (-21, libxl_shim.DomainNotFound),
    (-10, libxl_shim.NoParavirt),
    (-16, libxl_shim.JsonConfigEmpty),
    (-6, libxl_shim.InvalidArgument),
    (-4, libxl_shim.NotImplementedByLibxl),
    (-5, libxl_shim.OutOfMemory),
    (-9, libxl_shim.TimedOut),
    (-8, libxl_shim.TimedOut),
    (-11, libxl_shim.NotReady),
    (-15, libxl_shim.LockFailed),
    (-17, libxl_shim.DeviceExists),
    (-22, libxl_shim.Aborted),
    (-24, libxl_shim.DomainDestroyed),
])
def test_specific_classes(code: int, cls: type) -> None:
    e = error_for("libxl_x", code)
    assert type(e) is cls
    assert isinstance(e, libxl_shim.LibxlError)
    assert (e.function, e.code, e.name) == ("libxl_x", code, ERROR_NAMES[code])


@pytest.mark.parametrize("code, name", [
    (-3, "ERROR_FAIL"),
    (-32, "ERROR_QEMU_API"),
    (-40, "unknown libxl return code -40"),
    (1, "unknown libxl return code 1"),
])
def test_generic_class(code: int, name: str) -> None:
    e = error_for("libxl_x", code)
    assert type(e) is libxl_shim.LibxlError
    assert e.name == name


def test_null_result() -> None:
    e = error_for("libxl_list_domain", None)
    assert (type(e), e.name, str(e)) == (libxl_shim.LibxlError, "NULL",
                                        "libxl_list_domain failed (returned NULL)")


def test_message_without_log() -> None:
    assert str(error_for("libxl_domain_pause", -3)) == (
        "libxl_domain_pause failed: ERROR_FAIL (-3)")


def test_message_carries_the_last_error_lines() -> None:
    e = error_for("libxl_domain_create_new", -3).with_log(LOG)
    assert e.log == LOG
    assert e.libxl_messages == (
        "libxl_dom.c:646:libxl__build_pv: xc_dom_kernel_file failed: No such file",
        "panic: xc_dom_core.c:207:xc_dom_malloc_filemap: failed to open file",
        "libxl_create.c:1676:domcreate_rebuild_done: Domain 3:cannot (re-)build",
        "libxl_event.c:1:disaster: out of luck",
        "libxl_domain.c:1:destroy: Domain 3:Non-existent domain",
    )
    assert str(e) == (
        "libxl_domain_create_new failed: ERROR_FAIL (-3): "
        "libxl_create.c:1676:domcreate_rebuild_done: Domain 3:cannot (re-)build; "
        "libxl_event.c:1:disaster: out of luck; "
        "libxl_domain.c:1:destroy: Domain 3:Non-existent domain")


def test_context_unavailable_names_the_reason() -> None:
    e = libxl_shim.ContextUnavailable("libxl_ctx_alloc", -3, "not a Xen Dom0 (x)",
                                      ["libxl: error: libxl.c:102:libxl_ctx_alloc: no libxc"])
    assert str(e) == ("cannot open a libxl context: not a Xen Dom0 (x) (libxl_ctx_alloc "
                      "failed: ERROR_FAIL (-3): libxl.c:102:libxl_ctx_alloc: no libxc)")
    assert str(libxl_shim.ContextUnavailable("libxl_ctx_alloc", -3, None)) == (
        "libxl_ctx_alloc failed: ERROR_FAIL (-3)")


def test_hierarchy() -> None:
    for cls in (libxl_shim.LibxlError, libxl_shim.LibraryUnavailable,
                libxl_shim.FeatureUnavailable):
        assert issubclass(cls, libxl_shim.ShimError)
    assert issubclass(libxl_shim.LibraryNotFound, libxl_shim.LibraryUnavailable)
    assert issubclass(libxl_shim.UnsupportedVersion, libxl_shim.LibraryUnavailable)
    assert issubclass(libxl_shim.ContextUnavailable, libxl_shim.LibxlError)
    assert libxl_shim.ShimError.__mro__[1] is Exception


def test_check_rc() -> None:
    assert check_rc(0, _Func(), ()) == 0
    with pytest.raises(libxl_shim.DomainNotFound) as e:
        check_rc(-21, _Func(), ())
    assert e.value.function == "libxl_domain_pause"
    with pytest.raises(libxl_shim.LibxlError) as e2:
        check_rc(1, _Func(), ())  # libxl_domain_setmaxmem returns 1 on some failures
    assert e2.value.code == 1


def test_check_not_null() -> None:
    assert check_not_null(0x1000, _Func(), ()) == 0x1000
    with pytest.raises(libxl_shim.LibxlError) as e:
        check_not_null(None, _Func(), ())
    assert e.value.code is None


def test_check_errno() -> None:
    ctypes.set_errno(2)
    with pytest.raises(OSError) as e:
        check_errno(None, _Func(), ())
    assert (e.value.errno, e.value.strerror) == (2, "libxl_domain_pause: No such file or directory")
    assert check_errno(3, _Func(), ()) == 3
