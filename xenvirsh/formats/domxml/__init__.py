"""libvirt domain XML: the safe reader, the model mapping and the writer."""

from __future__ import annotations

from typing import Union

from xenvirsh.formats.domxml.reader import read_domain
from xenvirsh.formats.domxml.safexml import parse_xml
from xenvirsh.formats.domxml.writer import format_domain
from xenvirsh.host import Host
from xenvirsh.model.domain import Domain
from xenvirsh.model.postparse import post_parse, validate


def parse_domain_xml(text: Union[str, bytes], host: Host) -> Domain:
    """Domain XML as libvirt's libxl driver reads it (inactive): parse, apply
    the driver's defaults, validate."""
    dom = post_parse(read_domain(parse_xml(text)), host)
    validate(dom, host)
    return dom


__all__ = ["format_domain", "parse_domain_xml"]
