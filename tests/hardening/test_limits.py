"""Inputs above the documented sizes (README, "Limits") are refused at once,
with a message that says which limit."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.conftest import Result
from xenvirsh import conversion
from xenvirsh.errors import ConfigSyntaxError, InternalError, XenvirshError
from xenvirsh.formats import sexpr, sxpr, virconf, xl, xm
from xenvirsh.host import TEST_HOST
from xenvirsh.limits import (
    MAX_FILE_SIZE,
    MAX_NATIVE_INPUT,
    MAX_NATIVE_OUTPUT,
    MAX_VCPUS,
    MAX_XML_SIZE,
)

SECONDS = 5.0


def _pv(cmdline: str) -> str:
    return ("<domain type='xen'><name>big</name><memory>65536</memory><os><type>linux</type>"
            f"<kernel>/boot/vmlinuz</kernel><cmdline>{cmdline}</cmdline></os></domain>")


def test_a_file_above_ten_mib_is_not_read(xenvirsh, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "huge.xml"
    path.write_bytes(b" " * (MAX_FILE_SIZE + 1))
    result: Result = xenvirsh("-c", "test:///default", "-q", "domxml-to-native", "xen-xl",
                              str(path))
    assert result.status == 1
    assert result.err.splitlines()[-1] == f"error: Failed to read file '{path}': File too large"


def test_xml_above_ten_mib() -> None:
    start = time.monotonic()
    with pytest.raises(XenvirshError) as caught:
        conversion.convert(_pv("x" * MAX_XML_SIZE), from_format="xml", to_format="xen-xl")
    assert str(caught.value) == "(domain_definition): document is larger than 10 MiB"
    assert time.monotonic() - start < SECONDS


@pytest.mark.parametrize("fmt", ["xen-xl", "xen-xm", "xen-sxpr"])
def test_a_native_config_above_one_mib(fmt: str) -> None:
    text = "#" * (MAX_NATIVE_INPUT + 1)
    with pytest.raises(XenvirshError) as caught:
        conversion.convert(text, from_format=fmt, to_format="xml")
    assert str(caught.value) == "config is larger than 1 MiB"
    with pytest.raises(XenvirshError) as caught:
        conversion.convert(text.encode(), from_format=fmt, to_format="xen-xl")
    assert str(caught.value) == "config is larger than 1 MiB"


def test_the_syntax_readers_keep_the_same_limit() -> None:
    """Called directly (not through a conversion), each reader checks it too."""
    text = " " * (MAX_NATIVE_INPUT + 1)
    with pytest.raises(ConfigSyntaxError, match="the limit is 1048576"):
        virconf.parse(text, dialect="xl")
    with pytest.raises(InternalError, match="the limit is 1048576"):
        sexpr.parse(text)
    for read in (xl.read, xm.read, sxpr.read):
        with pytest.raises(XenvirshError, match="the limit is 1048576"):
            read(text, TEST_HOST)


def test_a_config_just_below_the_limit_is_read_quickly() -> None:
    padding = "#" * (MAX_NATIVE_INPUT - 200) + "\n"
    start = time.monotonic()
    xml = conversion.convert(padding + 'name = "ok"\nmemory = 64\nkernel = "/k"\n',
                             from_format="xen-xl", to_format="xml")
    assert "<name>ok</name>" in xml
    assert time.monotonic() - start < SECONDS


@pytest.mark.parametrize("fmt", ["xen-xl", "xen-xm"])
def test_native_output_above_libvirts_buffer(fmt: str) -> None:
    xml = _pv("x" * MAX_NATIVE_OUTPUT)
    with pytest.raises(InternalError) as caught:
        conversion.convert(xml, from_format="xml", to_format=fmt)
    assert str(caught.value) == "internal error: native config is larger than 66560 bytes"
    assert conversion.convert(xml, from_format="xml", to_format="libxl-json").startswith("{")


@pytest.mark.parametrize("fmt,config", [
    ("xen-xl", 'name = "v"\nmemory = 64\nkernel = "/k"\nvcpus = 9223372036854775807\n'),
    ("xen-xm", 'name = "v"\nmemory = 64\nkernel = "/k"\nvcpus = 4294967295\n'),
    ("xml", "<domain type='xen'><name>v</name><memory>65536</memory><vcpu>16385</vcpu>"
            "<os><type>linux</type><kernel>/k</kernel></os></domain>"),
])
def test_vcpus_above_the_limit(fmt: str, config: str) -> None:
    start = time.monotonic()
    with pytest.raises(XenvirshError) as caught:
        conversion.convert(config, from_format=fmt, to_format="xen-xl" if fmt == "xml" else "xml")
    assert str(caught.value).startswith("unsupported configuration: the domain has ")
    assert str(caught.value).endswith(f" vCPUs; xenvirsh handles at most {MAX_VCPUS}")
    assert time.monotonic() - start < SECONDS
