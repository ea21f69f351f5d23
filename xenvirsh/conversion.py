"""Conversions between domain XML and the native formats.

This is what ``domxml-from-native``, ``domxml-to-native`` and
``native-convert`` do, with no hypervisor involved: every conversion goes
through the one domain model.
"""

from __future__ import annotations

from typing import Union

from xenvirsh.errors import XenvirshError
from xenvirsh.formats import registry
from xenvirsh.formats.domxml import format_domain, parse_domain_xml
from xenvirsh.host import TEST_HOST, Host
from xenvirsh.limits import MAX_NATIVE_INPUT, check_native_output, describe

# formats libxl itself prints, with no such buffer
_UNBOUNDED = frozenset({"libxl-json"})

Text = Union[str, bytes]


def decode(data: Text, what: str = "input") -> str:
    """Text from bytes, refusing what is not UTF-8 or too large."""
    if len(data) > MAX_NATIVE_INPUT:
        raise XenvirshError(f"{what} is larger than {describe(MAX_NATIVE_INPUT)}")
    if isinstance(data, str):
        text = data
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as err:
            raise XenvirshError(
                f"{what} is not UTF-8 text (byte 0x{data[err.start]:02x} at offset {err.start})"
            ) from None
    if "\0" in text:
        raise XenvirshError(f"{what} contains a NUL byte at offset {text.index(chr(0))}")
    return text


def domxml_from_native(fmt: str, config: Text, host: Host = TEST_HOST, *,
                       secure: bool = False) -> str:
    """Domain XML for a native config, as ``virsh domxml-from-native``."""
    read = registry.reader(fmt)
    return format_domain(read(decode(config, "config"), host), secure=secure)


def domxml_to_native(fmt: str, xml: Text, host: Host = TEST_HOST) -> str:
    """A native config for domain XML, as ``virsh domxml-to-native``."""
    write = registry.writer(fmt)
    return _bounded(fmt, write(parse_domain_xml(xml, host), host))


def native_convert(src: str, dst: str, config: Text, host: Host = TEST_HOST) -> str:
    """One native format into another, through the domain model."""
    read = registry.reader(src)
    write = registry.writer(dst)
    return _bounded(dst, write(read(decode(config, "config"), host), host))


def _bounded(fmt: str, text: str) -> str:
    if fmt not in _UNBOUNDED:
        check_native_output(len(text.encode("utf-8")))
    return text


# the name of libvirt's domain XML in :func:`convert`
XML = "xml"


def convert(data: Text, *, from_format: str, to_format: str, host: Host = TEST_HOST,
            secure: bool = False) -> str:
    """Any conversion: ``"xml"`` or a native format on either side. ``secure``
    keeps passwords in XML output (native output always has them)."""
    if from_format == XML and to_format == XML:
        return format_domain(parse_domain_xml(data, host), secure=secure)
    if from_format == XML:
        return domxml_to_native(to_format, data, host)
    if to_format == XML:
        return domxml_from_native(from_format, data, host, secure=secure)
    return native_convert(from_format, to_format, data, host)
