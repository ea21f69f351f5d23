"""Exceptions of libxl_shim and the one place where libxl return codes become them.

libxl reports failure as a negative ``ERROR_*`` code (enum ``libxl_error`` in
``libxl_types.idl``) and writes the reason to its logger. A :class:`LibxlError`
carries both: the code with libxl's name, and the log lines libxl wrote
during the failed call (attached by the context, see ``_context.py``), so a
message never reduces to "an error occurred".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ._layouts import Version

# libxl_error in Xen 4.17's libxl_types.idl; 4.13-4.22 use the same values.
ERROR_NAMES: dict[int, str] = {
    -1: "ERROR_NONSPECIFIC",
    -2: "ERROR_VERSION",
    -3: "ERROR_FAIL",
    -4: "ERROR_NI",
    -5: "ERROR_NOMEM",
    -6: "ERROR_INVAL",
    -7: "ERROR_BADFAIL",
    -8: "ERROR_GUEST_TIMEDOUT",
    -9: "ERROR_TIMEDOUT",
    -10: "ERROR_NOPARAVIRT",
    -11: "ERROR_NOT_READY",
    -12: "ERROR_OSEVENT_REG_FAIL",
    -13: "ERROR_BUFFERFULL",
    -14: "ERROR_UNKNOWN_CHILD",
    -15: "ERROR_LOCK_FAIL",
    -16: "ERROR_JSON_CONFIG_EMPTY",
    -17: "ERROR_DEVICE_EXISTS",
    -18: "ERROR_CHECKPOINT_DEVOPS_DOES_NOT_MATCH",
    -19: "ERROR_CHECKPOINT_DEVICE_NOT_SUPPORTED",
    -20: "ERROR_VNUMA_CONFIG_INVALID",
    -21: "ERROR_DOMAIN_NOTFOUND",
    -22: "ERROR_ABORTED",
    -23: "ERROR_NOTFOUND",
    -24: "ERROR_DOMAIN_DESTROYED",
    -25: "ERROR_FEATURE_REMOVED",
    -26: "ERROR_PROTOCOL_ERROR_QMP",
    -27: "ERROR_UNKNOWN_QMP_ERROR",
    -28: "ERROR_QMP_GENERIC_ERROR",
    -29: "ERROR_QMP_COMMAND_NOT_FOUND",
    -30: "ERROR_QMP_DEVICE_NOT_ACTIVE",
    -31: "ERROR_QMP_DEVICE_NOT_FOUND",
    -32: "ERROR_QEMU_API",
}
ERROR_CODES: dict[str, int] = {name: code for code, name in ERROR_NAMES.items()}

# How xtl_logger_stdio formats a line: "[context: ]level: text".
_LOG_LINE = re.compile(
    r"^(?:(?P<context>[^\s:]+): )?"
    r"(?P<level>debug|verbose|detail|progress|info|notice|warning|error|critical): "
    r"(?P<text>.*)$"
)
_ERROR_LEVELS = frozenset({"error", "critical"})
_MAX_DETAIL_LINES = 3


class ShimError(Exception):
    """Base class of everything libxl_shim raises."""


class LibraryUnavailable(ShimError):
    """libxenlight cannot be used on this machine; the message says why."""

    def __init__(self, message: str, path: str | None = None,
                 version: Version | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.version = version


class LibraryNotFound(LibraryUnavailable):
    """No libxenlight (or libxentoollog) could be found or loaded."""


class UnsupportedVersion(LibraryUnavailable):
    """The libxenlight found is outside the supported release range."""


class FeatureUnavailable(ShimError):
    """The loaded libxenlight is too old for the requested function."""


class LibxlError(ShimError):
    """A libxl call failed; ``code`` is libxl's ``ERROR_*`` value (None: it returned NULL)."""

    def __init__(self, function: str, code: int | None,
                 log: Sequence[str] = ()) -> None:
        super().__init__(function, code)
        self.function = function
        self.code = code
        self.log: tuple[str, ...] = tuple(log)

    @property
    def name(self) -> str:
        """libxl's name of the code, e.g. ``ERROR_DOMAIN_NOTFOUND``."""
        if self.code is None:
            return "NULL"
        return ERROR_NAMES.get(self.code, f"unknown libxl return code {self.code}")

    @property
    def libxl_messages(self) -> tuple[str, ...]:
        """The error-level lines libxl logged during the call, without their prefix."""
        found = []
        for line in self.log:
            m = _LOG_LINE.match(line)
            if m and m.group("level") in _ERROR_LEVELS:
                found.append(m.group("text"))
        return tuple(found)

    def with_log(self, lines: Sequence[str]) -> LibxlError:
        self.log = tuple(lines)
        return self

    def __str__(self) -> str:
        if self.code is None:
            head = f"{self.function} failed (returned NULL)"
        else:
            head = f"{self.function} failed: {self.name} ({self.code})"
        detail = self.libxl_messages[-_MAX_DETAIL_LINES:]
        return f"{head}: {'; '.join(detail)}" if detail else head


class DomainNotFound(LibxlError):
    """ERROR_DOMAIN_NOTFOUND, and unknown names in lookups."""


class NoParavirt(LibxlError):
    """ERROR_NOPARAVIRT: the guest has no PV control interface (HVM without PV drivers)."""


class JsonConfigEmpty(LibxlError):
    """ERROR_JSON_CONFIG_EMPTY: the domain has no ``libxl-json`` userdata (not created by libxl).

    libxl_retrieve_domain_configuration reports this case as ERROR_FAIL;
    Context.domain_config_json recognises it and raises this class.
    """


class InvalidArgument(LibxlError):
    """ERROR_INVAL."""


class NotImplementedByLibxl(LibxlError):
    """ERROR_NI."""


class OutOfMemory(LibxlError):
    """ERROR_NOMEM."""


class TimedOut(LibxlError):
    """ERROR_TIMEDOUT or ERROR_GUEST_TIMEDOUT."""


class NotReady(LibxlError):
    """ERROR_NOT_READY."""


class LockFailed(LibxlError):
    """ERROR_LOCK_FAIL."""


class DeviceExists(LibxlError):
    """ERROR_DEVICE_EXISTS."""


class Aborted(LibxlError):
    """ERROR_ABORTED."""


class DomainDestroyed(LibxlError):
    """ERROR_DOMAIN_DESTROYED."""


class ContextUnavailable(LibxlError):
    """libxl_ctx_alloc failed; ``reason`` names the host precondition that is not met."""

    def __init__(self, function: str, code: int | None, reason: str | None,
                 log: Sequence[str] = ()) -> None:
        super().__init__(function, code, log)
        self.reason = reason

    def __str__(self) -> str:
        base = super().__str__()
        return f"cannot open a libxl context: {self.reason} ({base})" if self.reason else base


_CLASS_BY_CODE: dict[int, type[LibxlError]] = {
    ERROR_CODES["ERROR_DOMAIN_NOTFOUND"]: DomainNotFound,
    ERROR_CODES["ERROR_NOPARAVIRT"]: NoParavirt,
    ERROR_CODES["ERROR_JSON_CONFIG_EMPTY"]: JsonConfigEmpty,
    ERROR_CODES["ERROR_INVAL"]: InvalidArgument,
    ERROR_CODES["ERROR_NI"]: NotImplementedByLibxl,
    ERROR_CODES["ERROR_NOMEM"]: OutOfMemory,
    ERROR_CODES["ERROR_TIMEDOUT"]: TimedOut,
    ERROR_CODES["ERROR_GUEST_TIMEDOUT"]: TimedOut,
    ERROR_CODES["ERROR_NOT_READY"]: NotReady,
    ERROR_CODES["ERROR_LOCK_FAIL"]: LockFailed,
    ERROR_CODES["ERROR_DEVICE_EXISTS"]: DeviceExists,
    ERROR_CODES["ERROR_ABORTED"]: Aborted,
    ERROR_CODES["ERROR_DOMAIN_DESTROYED"]: DomainDestroyed,
}


def error_for(function: str, code: int | None) -> LibxlError:
    """The exception for ``code`` returned by ``function`` (the only sign-aware place)."""
    cls = _CLASS_BY_CODE.get(code, LibxlError) if code is not None else LibxlError
    return cls(function, code)
