"""Numeric IP addresses as libvirt's virSocketAddr parses and prints them.

libvirt hands the text to getaddrinfo() with AI_NUMERICHOST and prints the
result back with getnameinfo(); Python's socket module calls the same C
library functions, so shorthand forms ("127.1") and IPv6 compression come
out exactly as libvirt prints them. No name is ever resolved.
"""

from __future__ import annotations

from typing import Optional, Tuple

from xenvirsh.errors import SystemError_

# address families by libvirt's XML names
FAMILY_NAMES = ("ipv4", "ipv6")


def parse_ip(text: str, family: Optional[str] = None) -> Optional[Tuple[str, str]]:
    """(family, canonical text) of a numeric address, None if it is not one;
    ``family`` ("ipv4" or "ipv6") restricts what is accepted."""
    import _socket as socket  # see _number

    try:
        infos = socket.getaddrinfo(text, None, _number(family), 0, 0, socket.AI_NUMERICHOST)
    except (socket.gaierror, UnicodeError, ValueError):
        return None
    found_family, _type, _proto, _name, sockaddr = infos[0]
    host, _port = socket.getnameinfo(sockaddr, socket.NI_NUMERICHOST | socket.NI_NUMERICSERV)
    return ("ipv6" if found_family == socket.AF_INET6 else "ipv4"), host


def require_ip(text: str, family: Optional[str] = None) -> Tuple[str, str]:
    """virSocketAddrParse with its own error message."""
    import _socket as socket  # see _number

    try:
        socket.getaddrinfo(text, None, _number(family), 0, 0, socket.AI_NUMERICHOST)
    except socket.gaierror as err:
        raise SystemError_(f"Cannot parse socket address '{text}': {err.strerror}") from None
    parsed = parse_ip(text, family)
    assert parsed is not None
    return parsed


def _number(family: Optional[str]) -> int:
    # the C socket module, loaded when an address is first met (socket.py
    # adds only enums, and they take milliseconds to set up at start)
    import _socket as socket

    return {"ipv4": socket.AF_INET, "ipv6": socket.AF_INET6}.get(family or "", socket.AF_UNSPEC)
