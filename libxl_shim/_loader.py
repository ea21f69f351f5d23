"""Finding and loading libxenlight, and binding the declaration table to it.

Nothing is loaded at import time: importing libxl_shim must work on a machine
without Xen (format conversions and CI do). The library is looked up on the
first :func:`get_library` call:

* ``$XENVIRSH_LIBXL`` if set (a path or a soname), else the newest soname of
  a supported release that the dynamic linker can load, else
  ``ctypes.util.find_library("xenlight")`` (a versioned soname such as
  ``libxenlight.so.4.23``, which the version check then names; the
  unversioned name exists only with -dev packages);
* the Xen release is read from the soname (it changes with every release;
  ``libxl_get_version_info`` describes the running hypervisor, not the
  library) and must lie in :data:`SUPPORTED_VERSIONS`;
* the ``ao_how`` era is confirmed by a symbol only 4.13 and newer export.
"""

from __future__ import annotations

import ctypes
import os
import re
import threading
from collections.abc import Sequence
from typing import Any, Callable

from ._bindings import BINDINGS, LIBC, TOOLLOG, XENLIGHT, Binding
from ._errors import FeatureUnavailable, LibraryNotFound, UnsupportedVersion
from ._layouts import Version

ENV_LIBRARY = "XENVIRSH_LIBXL"
SUPPORTED_VERSIONS: tuple[Version, Version] = ((4, 13), (4, 22))
TOOLLOG_SONAME = "libxentoollog.so.1"  # MAJOR 1 since Xen 4.7
# Exported (as a compatibility entry point) from 4.13 on, the release that
# added ao_how to the functions marked changed=(4, 13) in _bindings.py.
AO_HOW_PROBE = "libxl_domain_need_memory_0x041200"

_SONAME = re.compile(r"libxenlight\.so\.(\d+)\.(\d+)")


def supported_range_text() -> str:
    (lo_major, lo_minor), (hi_major, hi_minor) = SUPPORTED_VERSIONS
    return f"Xen {lo_major}.{lo_minor} to {hi_major}.{hi_minor}"


def _not_found_hint() -> str:
    return (f"install Xen's libxenlight (Debian: package libxenmisc<version>, e.g. "
            f"libxenmisc4.17, which xen-utils pulls in) or set {ENV_LIBRARY} to its path; "
            f"libxl also needs a running Xen Dom0 (supported: {supported_range_text()})")


def locate() -> str:
    """The libxenlight to load: ``$XENVIRSH_LIBXL`` or the soname the linker knows."""
    override = os.environ.get(ENV_LIBRARY)
    if override:
        if os.sep in override and not os.path.exists(override):
            raise LibraryNotFound(f"libxenlight not found at {override} (from {ENV_LIBRARY})",
                                  path=override)
        return override
    # Asking the dynamic linker for each supported soname costs microseconds;
    # find_library runs ldconfig in a subprocess, which every command would pay
    # (a tenth of a second in a busy Dom0).
    for soname in supported_sonames():
        if _loadable(soname):
            return soname
    import ctypes.util

    found = ctypes.util.find_library("xenlight")
    if not found:
        raise LibraryNotFound(f"libxenlight not found: {_not_found_hint()}")
    return found


def supported_sonames() -> list[str]:
    """libxenlight's sonames of the supported releases, newest first."""
    (major, oldest), (newest_major, newest) = SUPPORTED_VERSIONS
    assert major == newest_major  # Xen has kept libxenlight at 4.x
    return [f"libxenlight.so.{major}.{minor}" for minor in range(newest, oldest - 1, -1)]


def _loadable(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def version_of(path: str) -> Version:
    """The Xen release of a libxenlight from its (resolved) file name."""
    for candidate in (path, os.path.realpath(path) if os.sep in path else path):
        m = _SONAME.search(os.path.basename(candidate))
        if m:
            return int(m.group(1)), int(m.group(2))
    raise UnsupportedVersion(
        f"cannot tell the Xen release of {path}: expected a file name like "
        f"libxenlight.so.4.17 (supported: {supported_range_text()})", path=path)


def check_supported(path: str, version: Version) -> None:
    lo, hi = SUPPORTED_VERSIONS
    if not lo <= version <= hi:
        raise UnsupportedVersion(
            f"libxenlight {version[0]}.{version[1]} ({path}) is not supported: "
            f"libxl_shim supports {supported_range_text()}", path=path, version=version)


class Library:
    """libxenlight, libxentoollog and libc with the declaration table applied."""

    def __init__(self, path: str, version: Version, handles: dict[str, Any],
                 bindings: Sequence[Binding] = BINDINGS) -> None:
        self.path = path
        self.version = version
        self._bindings = {b.name: b for b in bindings}
        self._funcs: dict[str, Callable[..., Any]] = {}
        for b in bindings:
            if b.added > version:
                continue  # reported when called, see func()
            try:
                fn = getattr(handles[b.lib], b.name)
            except AttributeError:
                raise UnsupportedVersion(
                    f"libxenlight {self.version_text} ({path}) lacks {b.name}, which every "
                    f"release since {b.added[0]}.{b.added[1]} has", path=path,
                    version=version) from None
            fn.argtypes = list(b.argtypes)
            fn.restype = b.restype
            if b.errcheck is not None:
                fn.errcheck = b.errcheck
            self._funcs[b.name] = fn

    @property
    def version_text(self) -> str:
        return f"{self.version[0]}.{self.version[1]}"

    def func(self, name: str) -> Callable[..., Any]:
        try:
            return self._funcs[name]
        except KeyError:
            b = self._bindings[name]  # a KeyError here is a bug in the shim
            raise FeatureUnavailable(
                f"{name} requires libxenlight {b.added[0]}.{b.added[1]} or newer, but the "
                f"loaded one is {self.version_text} ({self.path})") from None

    def __repr__(self) -> str:
        return f"<libxl_shim.Library {self.version_text} {self.path}>"


def _open(path: str, what: str) -> Any:
    try:
        return ctypes.CDLL(path, use_errno=True)
    except OSError as e:
        raise LibraryNotFound(f"cannot load {what} {path}: {e}", path=path) from None


def load_library(path: str | None = None) -> Library:
    """Load and check libxenlight (``path`` or the one :func:`locate` finds)."""
    path = path or locate()
    version = version_of(path)
    check_supported(path, version)
    xenlight = _open(path, "libxenlight")
    if not hasattr(xenlight, AO_HOW_PROBE):
        raise UnsupportedVersion(
            f"{path} is named like libxenlight {version[0]}.{version[1]} but lacks "
            f"{AO_HOW_PROBE}, which every release since 4.13 exports "
            f"(supported: {supported_range_text()})", path=path, version=version)
    # libxenlight links libxentoollog, so its soname resolves to the copy
    # already loaded (also when XENVIRSH_LIBXL points outside the linker path).
    handles = {XENLIGHT: xenlight, TOOLLOG: _open(TOOLLOG_SONAME, "libxentoollog"),
               LIBC: ctypes.CDLL(None, use_errno=True)}
    return Library(path, version, handles)


_cache: dict[str, Library] = {}
_cache_lock = threading.Lock()


def get_library() -> Library:
    """The process-wide :class:`Library`, loaded on first use."""
    with _cache_lock:
        if "lib" not in _cache:
            _cache["lib"] = load_library()
        return _cache["lib"]
