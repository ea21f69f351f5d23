"""Numeric IP addresses as libvirt's virSocketAddr parses and prints them.

libvirt hands the text to getaddrinfo() with AI_NUMERICHOST and prints the
result back with getnameinfo(); Python's socket module calls the same C
library functions, so shorthand forms ("127.1") and IPv6 compression come
out exactly as libvirt prints them. No name is ever resolved.
"""

from __future__ import annotations

import socket
from typing import Optional, Tuple

from xenvirsh.errors import SystemError_

FAMILIES = {"ipv4": socket.AF_INET, "ipv6": socket.AF_INET6}


def parse_ip(text: str, family: int = socket.AF_UNSPEC) -> Optional[Tuple[int, str]]:
    """(family, canonical text) of a numeric address, None if it is not one."""
    try:
        infos = socket.getaddrinfo(text, None, family, 0, 0, socket.AI_NUMERICHOST)
    except (socket.gaierror, UnicodeError, ValueError):
        return None
    found_family, _type, _proto, _name, sockaddr = infos[0]
    host, _port = socket.getnameinfo(sockaddr, socket.NI_NUMERICHOST | socket.NI_NUMERICSERV)
    return int(found_family), host


def require_ip(text: str, family: int = socket.AF_UNSPEC) -> Tuple[int, str]:
    """virSocketAddrParse with its own error message."""
    try:
        socket.getaddrinfo(text, None, family, 0, 0, socket.AI_NUMERICHOST)
    except socket.gaierror as err:
        raise SystemError_(f"Cannot parse socket address '{text}': {err.strerror}") from None
    parsed = parse_ip(text, family)
    assert parsed is not None
    return parsed
