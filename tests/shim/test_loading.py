"""Library discovery, version checks and failures, without needing Xen."""

from __future__ import annotations

import ctypes
import ctypes.util
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import libxl_shim
from libxl_shim import _loader
from libxl_shim._bindings import BINDINGS, Binding
from libxl_shim._loader import (
    AO_HOW_PROBE,
    Library,
    check_supported,
    load_library,
    locate,
    version_of,
)

REPO = Path(__file__).resolve().parents[2]
INSTALLED = ctypes.util.find_library("xenlight")
needs_libxl = pytest.mark.skipif(INSTALLED is None, reason="libxenlight not installed")


def test_import_loads_nothing_and_needs_no_xenvirsh() -> None:
    code = ("import sys, libxl_shim\n"
            "maps = open('/proc/self/maps').read()\n"
            "print('libxenlight' in maps, 'libxentoollog' in maps, 'xenvirsh' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True,
                         capture_output=True, text=True).stdout
    assert out.split() == ["False", "False", "False"]


def test_missing_library_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XENVIRSH_LIBXL", raising=False)
    monkeypatch.setattr(_loader, "_loadable", lambda soname: False)
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    with pytest.raises(libxl_shim.LibraryNotFound) as e:
        locate()
    message = str(e.value)
    assert message.startswith("libxenlight not found: install Xen's libxenlight (Debian: "
                              "package libxenmisc<version>")
    assert "set XENVIRSH_LIBXL" in message
    assert "Dom0" in message
    assert message.endswith("(supported: Xen 4.13 to 4.22)")
    assert e.value.path is None


def test_override_path_that_does_not_exist(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XENVIRSH_LIBXL", "/nonexistent/libxenlight.so.4.17")
    with pytest.raises(libxl_shim.LibraryNotFound) as e:
        load_library()
    assert str(e.value) == ("libxenlight not found at /nonexistent/libxenlight.so.4.17 "
                            "(from XENVIRSH_LIBXL)")
    assert e.value.path == "/nonexistent/libxenlight.so.4.17"


def test_override_wins_over_find_library(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XENVIRSH_LIBXL", "libxenlight.so.4.19")
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: "libxenlight.so.4.17")
    assert locate() == "libxenlight.so.4.19"


def test_newest_loadable_supported_soname_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XENVIRSH_LIBXL", raising=False)
    present = {"libxenlight.so.4.17", "libxenlight.so.4.19", "libxenlight.so.4.23"}
    monkeypatch.setattr(_loader, "_loadable", lambda soname: soname in present)
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: "libxenlight.so.4.23")
    assert locate() == "libxenlight.so.4.19"


def test_an_unsupported_release_is_found_and_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XENVIRSH_LIBXL", raising=False)
    monkeypatch.setattr(_loader, "_loadable", lambda soname: False)
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: "libxenlight.so.4.23")
    with pytest.raises(libxl_shim.UnsupportedVersion) as e:
        load_library()
    assert str(e.value) == ("libxenlight 4.23 (libxenlight.so.4.23) is not supported: "
                            "libxl_shim supports Xen 4.13 to 4.22")


def test_supported_sonames() -> None:
    sonames = _loader.supported_sonames()
    assert (sonames[0], sonames[-1], len(sonames)) == (
        "libxenlight.so.4.22", "libxenlight.so.4.13", 10)


@needs_libxl
def test_locating_the_installed_library_runs_no_ldconfig(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def no_process(*args: Any, **kwargs: Any) -> None:
        raise AssertionError(f"a process was started: {args}")

    monkeypatch.delenv("XENVIRSH_LIBXL", raising=False)
    monkeypatch.setattr(subprocess, "Popen", no_process)
    assert locate() == INSTALLED


@pytest.mark.parametrize("name, version", [
    ("libxenlight.so.4.17", (4, 17)),
    ("/usr/lib/x86_64-linux-gnu/libxenlight.so.4.13.0", (4, 13)),
    ("libxenlight.so.4.22", (4, 22)),
    ("libxenlight.so.5.1", (5, 1)),
])
def test_version_from_soname(name: str, version: tuple[int, int]) -> None:
    assert version_of(name) == version


def test_version_from_symlink_target(tmp_path: Path) -> None:
    real = tmp_path / "libxenlight.so.4.20.0"
    real.write_bytes(b"")
    link = tmp_path / "libxenlight.so"
    link.symlink_to(real.name)
    assert version_of(str(link)) == (4, 20)


def test_version_unknown(tmp_path: Path) -> None:
    with pytest.raises(libxl_shim.UnsupportedVersion) as e:
        version_of(str(tmp_path / "libxl.so"))
    assert str(e.value) == (f"cannot tell the Xen release of {tmp_path}/libxl.so: expected a "
                            "file name like libxenlight.so.4.17 (supported: Xen 4.13 to 4.22)")


@pytest.mark.parametrize("version", [(4, 12), (4, 6), (4, 23), (5, 0)])
def test_unsupported_versions(version: tuple[int, int]) -> None:
    with pytest.raises(libxl_shim.UnsupportedVersion) as e:
        check_supported("/lib/libxenlight.so.X", version)
    assert str(e.value) == (f"libxenlight {version[0]}.{version[1]} (/lib/libxenlight.so.X) is "
                            "not supported: libxl_shim supports Xen 4.13 to 4.22")
    assert e.value.version == version


@pytest.mark.parametrize("version", [(4, 13), (4, 17), (4, 22)])
def test_supported_versions(version: tuple[int, int]) -> None:
    check_supported("libxenlight.so.X", version)


def test_unsupported_version_is_refused_before_loading(tmp_path: Path) -> None:
    fake = tmp_path / "libxenlight.so.4.12"
    fake.write_bytes(b"not an ELF file")
    with pytest.raises(libxl_shim.UnsupportedVersion, match=r"libxenlight 4\.12 "):
        load_library(str(fake))


def test_unloadable_file(tmp_path: Path) -> None:
    fake = tmp_path / "libxenlight.so.4.17"
    fake.write_bytes(b"not an ELF file")
    with pytest.raises(libxl_shim.LibraryNotFound) as e:
        load_library(str(fake))
    assert str(e.value).startswith(f"cannot load libxenlight {fake}: ")


def _loaded_libc() -> str:
    for line in Path("/proc/self/maps").read_text().splitlines():
        path = line.split()[-1]
        if Path(path).name.startswith("libc.so"):
            return path
    raise AssertionError("libc is not mapped")


def test_library_without_ao_how_probe(tmp_path: Path) -> None:
    """A real shared object that lacks the 4.13 probe symbol (libc in disguise)."""
    fake = tmp_path / "libxenlight.so.4.17"
    fake.symlink_to(_loaded_libc())
    with pytest.raises(libxl_shim.UnsupportedVersion) as e:
        load_library(str(fake))
    assert str(e.value) == (f"{fake} is named like libxenlight 4.17 but lacks {AO_HOW_PROBE}, "
                            "which every release since 4.13 exports (supported: Xen 4.13 to "
                            "4.22)")


def _libc_handles() -> dict[str, object]:
    libc = ctypes.CDLL(None)
    return {"xenlight": libc, "xentoollog": libc, "c": libc}


def test_function_newer_than_library_fails_when_called() -> None:
    newer = Binding("abs", [ctypes.c_int], ctypes.c_int, None, lib="c", added=(4, 20))
    lib = Library("libxenlight.so.4.17", (4, 17), _libc_handles(), [newer])
    with pytest.raises(libxl_shim.FeatureUnavailable) as e:
        lib.func("abs")
    assert str(e.value) == ("abs requires libxenlight 4.20 or newer, but the loaded one is "
                            "4.17 (libxenlight.so.4.17)")


def test_missing_symbol_that_the_version_should_have() -> None:
    absent = Binding("libxl_no_such_function", [], ctypes.c_int, None, added=(4, 13))
    with pytest.raises(libxl_shim.UnsupportedVersion) as e:
        Library("libxenlight.so.4.17", (4, 17), _libc_handles(), [absent])
    assert str(e.value) == ("libxenlight 4.17 (libxenlight.so.4.17) lacks "
                            "libxl_no_such_function, which every release since 4.13 has")


def test_bound_function_gets_prototype_and_errcheck() -> None:
    b = Binding("abs", [ctypes.c_int], ctypes.c_int, None, lib="c")
    lib = Library("libxenlight.so.4.17", (4, 17), _libc_handles(), [b])
    assert lib.func("abs")(-5) == 5


@needs_libxl
def test_installed_library_binds_the_whole_table() -> None:
    lib = load_library()
    assert lib.path == INSTALLED
    assert lib.version == version_of(str(INSTALLED))
    for b in BINDINGS:
        fn: Any = lib.func(b.name)  # a ctypes function pointer
        assert fn.restype is b.restype, b.name
        assert list(fn.argtypes) == list(b.argtypes), b.name


@needs_libxl
def test_get_library_is_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_loader, "_cache", {})
    first = libxl_shim.get_library()
    assert libxl_shim.get_library() is first
    assert repr(first) == f"<libxl_shim.Library {first.version_text} {first.path}>"
