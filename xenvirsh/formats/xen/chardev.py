"""Character-device strings of Xen configs (``serial``, ``parallel``), both ways.

The same mini-language is used by xl, xm and xend S-expressions, and libvirt
reads and writes it with one pair of functions (``xenParseSxprChar`` and
``xenFormatSxprChr``), reproduced here:

* :func:`parse_chardev` ``(text) -> ChrSource``: ``/abs/path`` (a host device),
  ``pty``, ``null``, ``stdio``, ``vc`` (and any other libvirt chardev type
  name), ``file:PATH``, ``pipe:PATH``, ``tcp:[HOST]:PORT[,server[,nowait]]``,
  ``telnet:...`` (tcp with the telnet protocol),
  ``udp:[HOST]:PORT[@[HOST]:PORT]``, ``unix:PATH[,server[,nowait]]``.
  Raises :class:`InternalError` with libvirt's messages. The caller handles
  ``none`` (no device) itself.
* :func:`format_chardev` ``(source) -> str``: the string for a source, with
  paths escaped the S-expression way (``\\`` and ``'`` get a backslash), as
  libvirt does even for xl and xm. Raises :class:`ConfigUnsupported` for
  types that have no string form.
"""

from __future__ import annotations

from typing import Optional

from xenvirsh.errors import ConfigUnsupported, InternalError
from xenvirsh.model import enums
from xenvirsh.model.domain import ChrSource

_MALFORMED = "malformed char device string"


def parse_chardev(text: str) -> ChrSource:
    """The chardev source a Xen config string describes."""
    if text.startswith("/"):
        return ChrSource(type="dev", path=text)
    kind, colon, rest = text.partition(":")
    # libvirt keeps the whole string as the value when there is no colon
    value = rest if colon else text
    if kind.startswith("telnet"):
        return _tcp(value, protocol="telnet")
    if kind not in enums.CHR_TYPES:
        raise InternalError(f"unknown chr device type '{kind}'")
    if kind == "tcp":
        return _tcp(value, protocol="raw")
    if kind == "udp":
        return _udp(value)
    if kind == "unix":
        path, comma, options = value.partition(",")
        return ChrSource(type="unix", path=path, listen=",server" in comma + options)
    if kind in ("file", "pipe"):
        return ChrSource(type=kind, path=value)
    # pty, null, vc, ...; even "dev:PATH" keeps no path, as in libvirt
    return ChrSource(type=kind)


def _tcp(value: str, protocol: str) -> ChrSource:
    host, colon, rest = value.partition(":")
    if not colon:
        raise InternalError(_MALFORMED)
    # the options start at the first comma after the host's colon
    service, comma, options = rest.partition(",")
    return ChrSource(type="tcp", protocol=protocol, host=host or None, service=service,
                     listen=",server" in comma + options)


def _udp(value: str) -> ChrSource:
    host, colon, rest = value.partition(":")
    if not colon:
        raise InternalError(_MALFORMED)
    service, at, bind = rest.partition("@")
    source = ChrSource(type="udp", connect_host=host or None, connect_service=service)
    if at:
        bind_host, colon, bind_service = bind.partition(":")
        if not colon:
            raise InternalError(_MALFORMED)
        source.bind_host = bind_host or None
        source.bind_service = bind_service
    return source


def format_chardev(source: ChrSource) -> str:
    """The Xen config string for a chardev source."""
    kind = source.type
    if kind in ("null", "stdio", "vc", "pty"):
        return kind
    if kind in ("file", "pipe"):
        return f"{kind}:{escape(source.path)}"
    if kind == "dev":
        return escape(source.path)
    if kind == "tcp":
        # libvirt writes every protocol other than raw as telnet
        prefix = "tcp" if source.protocol == "raw" else "telnet"
        return f"{prefix}:{source.host or ''}:{source.service or ''}{_server(source)}"
    if kind == "udp":
        return (f"udp:{source.connect_host or ''}:{source.connect_service or ''}"
                f"@{source.bind_host or ''}:{source.bind_service or ''}")
    if kind == "unix":
        return f"unix:{escape(source.path)}{_server(source)}"
    raise ConfigUnsupported(f"unsupported chr device type '{kind}'")


def _server(source: ChrSource) -> str:
    return ",server,nowait" if source.listen else ""


def escape(text: Optional[str]) -> str:
    """libvirt's virBufferEscapeSexpr: a backslash before each ``\\`` and ``'``."""
    if text is None:
        return ""
    return text.replace("\\", "\\\\").replace("'", "\\'")
