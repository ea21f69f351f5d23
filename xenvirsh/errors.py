"""The one error type of xenvirsh, in libvirt's categories.

libvirt prints an error as ``<category>: <detail>``; the categories below carry
libvirt's exact prefixes so that messages match virsh's. Every failure that the
library reports is a :class:`XenvirshError`; the CLI prints ``error: <str(e)>``.
"""

from __future__ import annotations

from typing import ClassVar, List


class XenvirshError(Exception):
    """Base class; ``str(e)`` is the complete message, prefix included."""

    prefix: ClassVar[str] = ""

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail)
        self.detail = detail

    def __str__(self) -> str:
        if not self.prefix:
            return self.detail
        if not self.detail:
            return self.prefix
        return f"{self.prefix}: {self.detail}"

    def lines(self) -> List[str]:
        """The ``error:`` lines the CLI prints: one, whatever the message
        quotes from the input."""
        return [str(self)]


class CommandFailed(XenvirshError):
    """virsh's own line for a failed command ("Failed to start domain 'x'"),
    then the error that caused it."""

    def __init__(self, message: str, cause: XenvirshError) -> None:
        super().__init__(f"{message}\n{cause}")
        self._lines = [message, *cause.lines()]

    def lines(self) -> List[str]:
        return list(self._lines)


class InternalError(XenvirshError):
    prefix = "internal error"


class XMLError(XenvirshError):
    prefix = "XML error"


class XMLParseError(XenvirshError):
    """Malformed XML (libvirt's VIR_ERR_XML_DETAIL, which has no prefix)."""


class ConfigSyntaxError(XenvirshError):
    prefix = "configuration file syntax error"


class InvalidArgument(XenvirshError):
    prefix = "invalid argument"


class ConfigUnsupported(XenvirshError):
    prefix = "unsupported configuration"


class OperationUnsupported(XenvirshError):
    prefix = "Operation not supported"


class OperationFailed(XenvirshError):
    prefix = "operation failed"


class OperationInvalid(XenvirshError):
    prefix = "Requested operation is not valid"


class NoDomain(XenvirshError):
    prefix = "Domain not found"


class SystemError_(XenvirshError):
    """A failing system call; the detail already names the file and errno text."""



class NoNetwork(XenvirshError):
    prefix = "Network not found"


class NoSecret(XenvirshError):
    prefix = "Secret not found"


class NoSupport(XenvirshError):
    """libvirt's VIR_ERR_NO_SUPPORT."""

    prefix = "this function is not supported by the connection driver"
