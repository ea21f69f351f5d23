"""libxl_shim: a ctypes wrapper of libxenlight (Xen 4.13 to 4.22).

Importing this package loads nothing; the library is found on first use
(:func:`get_library`, or creating a :class:`Context`), honouring
``$XENVIRSH_LIBXL``. libxl_shim does not depend on xenvirsh: it raises its
own exceptions (:class:`ShimError` and subclasses), which carry libxl's error
names and log lines for the caller to translate.

Typical use::

    with libxl_shim.Context(log_path="/var/log/xenvirsh/libxl.log") as ctx:
        for info in ctx.list_domains():
            print(info.domid, ctx.domain_name(info.domid), info.current_memkb)
"""

from __future__ import annotations

from ._context import Context, DeathWatch
from ._errors import (
    ERROR_CODES,
    ERROR_NAMES,
    Aborted,
    ContextUnavailable,
    DeviceExists,
    DomainDestroyed,
    DomainNotFound,
    FeatureUnavailable,
    InvalidArgument,
    JsonConfigEmpty,
    LibraryNotFound,
    LibraryUnavailable,
    LibxlError,
    LockFailed,
    NoParavirt,
    NotImplementedByLibxl,
    NotReady,
    OutOfMemory,
    ShimError,
    TimedOut,
    UnsupportedVersion,
)
from ._host import dom0_problem
from ._loader import ENV_LIBRARY, SUPPORTED_VERSIONS, Library, get_library, load_library
from ._logger import LogLevel
from ._types import (
    ConsoleType,
    DomainInfo,
    DomainType,
    Event,
    EventType,
    PhysInfo,
    ShutdownReason,
    Trigger,
    VersionInfo,
)

__all__ = [
    "ENV_LIBRARY",
    "ERROR_CODES",
    "ERROR_NAMES",
    "SUPPORTED_VERSIONS",
    "Aborted",
    "ConsoleType",
    "Context",
    "ContextUnavailable",
    "DeathWatch",
    "DeviceExists",
    "DomainDestroyed",
    "DomainInfo",
    "DomainNotFound",
    "DomainType",
    "Event",
    "EventType",
    "FeatureUnavailable",
    "InvalidArgument",
    "JsonConfigEmpty",
    "Library",
    "LibraryNotFound",
    "LibraryUnavailable",
    "LibxlError",
    "LockFailed",
    "LogLevel",
    "NoParavirt",
    "NotImplementedByLibxl",
    "NotReady",
    "OutOfMemory",
    "PhysInfo",
    "ShimError",
    "ShutdownReason",
    "TimedOut",
    "Trigger",
    "UnsupportedVersion",
    "VersionInfo",
    "dom0_problem",
    "get_library",
    "load_library",
]
