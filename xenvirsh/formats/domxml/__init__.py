"""libvirt domain XML: the safe reader, the model mapping and the writer.

The reader and the writer load on first use: converting a native config to
XML needs only the writer, and importing the reader costs a cold command
more than the conversion itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    from xenvirsh.host import Host
    from xenvirsh.model.domain import Domain


def parse_domain_xml(text: Union[str, bytes], host: Host) -> Domain:
    """Domain XML as libvirt's libxl driver reads it (inactive): parse, apply
    the driver's defaults, validate."""
    from xenvirsh.formats.domxml.reader import parse_domain

    return parse_domain(text, host)


def format_domain(dom: Domain, *, secure: bool = False, inactive: bool = True) -> str:
    """The domain XML; ``secure`` includes passwords, ``inactive=False``
    formats a live domain (with its id)."""
    from xenvirsh.formats.domxml.writer import format_domain as write

    return write(dom, secure=secure, inactive=inactive)


__all__ = ["format_domain", "parse_domain_xml"]
