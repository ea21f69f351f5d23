"""UUIDs and MAC addresses, parsed and generated as libvirt does."""

from __future__ import annotations

import os
import re
from typing import Optional, Sequence

from xenvirsh import cnum

# the usual spellings, which the general parsers below would accept too
_CANONICAL_UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_CANONICAL_MAC = re.compile(r"[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}")


def parse_uuid(text: str) -> Optional[str]:
    """virUUIDParse: 32 hex digits with '-' or ' ' anywhere between pairs and
    blanks around; returns the canonical dashed lower-case form."""
    if _CANONICAL_UUID.fullmatch(text):
        return text.lower()
    digits: list[str] = []
    pos = 0
    stripped = text.strip(cnum.BLANKS)  # g_ascii_isspace: no Unicode blanks
    while len(digits) < 32:
        if pos >= len(stripped):
            return None
        char = stripped[pos]
        if char in "- ":
            pos += 1
            continue
        pair = stripped[pos : pos + 2]
        if len(pair) < 2 or not all(c in "0123456789abcdefABCDEF" for c in pair):
            return None
        digits.extend(pair.lower())
        pos += 2
    if stripped[pos:]:
        return None
    return format_uuid_hex("".join(digits))


def format_uuid_hex(hex32: str) -> str:
    return f"{hex32[:8]}-{hex32[8:12]}-{hex32[12:16]}-{hex32[16:20]}-{hex32[20:]}"


def generate_uuid() -> str:
    """A random (version 4) UUID, as virUUIDGenerate makes."""
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40
    raw[8] = (raw[8] & 0x3F) | 0x80
    return format_uuid_hex(raw.hex())


def parse_mac(text: str) -> Optional[str]:
    """virMacAddrParse: six 1-2 digit hex octets separated by ':'."""
    if _CANONICAL_MAC.fullmatch(text):
        return text.lower()
    octets: list[int] = []
    pos = 0
    for index in range(6):
        end = pos
        while end < len(text) and end - pos < 3 and text[end] in "0123456789abcdefABCDEF":
            end += 1
        if not 1 <= end - pos <= 2:
            return None
        octets.append(int(text[pos:end], 16))
        if index == 5:
            # libvirt stops at the first blank or control character
            if end < len(text) and text[end] > " ":
                return None
            break
        if end >= len(text) or text[end] != ":":
            return None
        pos = end + 1
    return format_mac(octets)


def format_mac(octets: Sequence[int]) -> str:
    return ":".join(f"{b:02x}" for b in octets)


def generate_mac(prefix: Sequence[int]) -> str:
    """A random MAC under the driver's prefix (00:16:3e for Xen)."""
    return format_mac(list(prefix) + list(os.urandom(3)))
