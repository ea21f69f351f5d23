"""Connection URIs: which ones xenvirsh serves and how it says no to the rest."""

from __future__ import annotations

import os
import re
from typing import Mapping, Optional

from xenvirsh.errors import XenvirshError
from xenvirsh.record import dataclass

DEFAULT_URI = "xen:///system"
TEST_URI = "test:///default"

_ALTERNATIVES = (
    "use xen:///system (this host, through libxl), "
    "xen+ssh://[user@]host[:port]/system (another host, over ssh) "
    "or test:///default (a simulated host)"
)


class URIError(XenvirshError):
    """A URI xenvirsh cannot connect to (libvirt's 'no connection driver')."""


@dataclass(frozen=True)
class URI:
    text: str
    driver: str  # "xen", "test" or "ssh"
    user: Optional[str] = None
    host: Optional[str] = None
    port: Optional[int] = None


def default_uri(environ: Mapping[str, str] = os.environ) -> str:
    """$XENVIRSH_DEFAULT_URI, then $LIBVIRT_DEFAULT_URI, then xen:///system."""
    return environ.get("XENVIRSH_DEFAULT_URI") or environ.get("LIBVIRT_DEFAULT_URI") or DEFAULT_URI


def parse_uri(text: str) -> URI:
    """Check that ``text`` names a connection xenvirsh can make."""
    if text in _PLAIN:
        return URI(text, _PLAIN[text])
    from urllib.parse import urlsplit  # costs a cold command more than the rest

    try:
        parts = urlsplit(text)
    except ValueError:
        raise URIError(f"invalid connection URI '{text}': {_ALTERNATIVES}") from None
    scheme = parts.scheme.lower()
    path = parts.path.rstrip("/")
    if scheme == "test":
        if parts.netloc or path != "/default":
            raise URIError(f"unsupported test URI '{text}': the simulated host is {TEST_URI}")
        return URI(text, "test")
    if scheme == "xen":
        if parts.netloc:
            raise URIError(
                f"cannot connect to '{text}': xenvirsh has no daemon to reach over the "
                f"network; {_ALTERNATIVES}"
            )
        if path not in ("", "/system"):
            raise URIError(f"unsupported path in '{text}': {_ALTERNATIVES}")
        return URI(text, "xen")
    if scheme == "xen+ssh":
        try:
            port = parts.port
        except ValueError:
            raise URIError(f"invalid port in '{text}'") from None
        return _ssh_uri(text, parts.username, parts.hostname, port, path)
    if re.fullmatch(r"xen\+[a-z]+", scheme):
        raise URIError(
            f"transport '{scheme[4:]}' is not supported (there is no libvirtd to talk to); "
            f"{_ALTERNATIVES}"
        )
    raise URIError(f"no connection driver available for {text}: xenvirsh drives Xen only; "
                   f"{_ALTERNATIVES}")


# the usual URIs, known good without splitting them
_PLAIN = {TEST_URI: "test", DEFAULT_URI: "xen", "xen:///": "xen"}


def _ssh_uri(text: str, user: Optional[str], host: Optional[str], port: Optional[int],
             path: str) -> URI:
    if not host:
        raise URIError(f"missing host name in '{text}': use xen+ssh://[user@]host[:port]/system")
    if path not in ("", "/system"):
        raise URIError(f"unsupported path in '{text}': use xen+ssh://[user@]host[:port]/system")
    from urllib.parse import unquote

    return URI(text, "ssh", user=unquote(user) if user else None, host=host, port=port)
