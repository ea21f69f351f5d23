"""xen-sxpr: xend's S-expression domain configs, as libvirt 5.5.0 converted them.

libvirt removed the format in 5.6.0; 5.5.0's ``xen_sxpr.c`` is the reference
(FORMATS.md §13). :func:`read` is ``xenParseSxprString`` followed by what
current libvirt makes of the XML 5.5.0 printed: the domain comes out as
libvirt 11.3.0 reads that XML back (inactive), so names 5.5.0 generated for a
running domain (the id, ``vifN.M``) are not kept, nor is the VNC password
(5.5.0 never printed it), a missing MAC becomes a random one, and the checks
of the XML parser apply. Every failure is
``internal error: parsing sxpr config failed: <reason>``.

:func:`write` is ``xenFormatSxpr``: one line, ``(vm ...)``, no trailing newline.
The mapping itself is in :mod:`xenvirsh.formats.xen.sxpr_parse` and
:mod:`xenvirsh.formats.xen.sxpr_format`; the syntax in :mod:`xenvirsh.formats.sexpr`.
"""

from __future__ import annotations

from xenvirsh.errors import InternalError, XenvirshError
from xenvirsh.formats import sexpr
from xenvirsh.formats.xen.sxpr_format import format_domain
from xenvirsh.formats.xen.sxpr_parse import parse_domain
from xenvirsh.host import Host
from xenvirsh.model.domain import Domain
from xenvirsh.model.postparse import post_parse
from xenvirsh.model.validate import validate

_FAILED = "parsing sxpr config failed"


def read(text: str, host: Host) -> Domain:
    """The domain a xend S-expression describes."""
    root = sexpr.parse(text)  # its errors already say "parsing sxpr config failed"
    try:
        dom = parse_domain(root)
        post_parse(dom, host, abi_update=True)
        validate(dom, host)
    except XenvirshError as err:
        detail = err.detail if isinstance(err, InternalError) else str(err)
        raise InternalError(f"{_FAILED}: {detail}") from None
    return dom


def write(dom: Domain, host: Host) -> str:
    """The xend S-expression for a domain."""
    return sexpr.dumps(format_domain(dom, host))
