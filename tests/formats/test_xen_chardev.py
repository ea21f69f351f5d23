"""Xen chardev strings, checked against libvirt 11.3.0's behaviour (lvconv)."""

from __future__ import annotations

import pytest

from xenvirsh.errors import ConfigUnsupported, InternalError
from xenvirsh.formats.xen.chardev import escape, format_chardev, parse_chardev
from xenvirsh.model.domain import ChrSource


@pytest.mark.parametrize("text, expected", [
    ("/dev/ttyS0", ChrSource(type="dev", path="/dev/ttyS0")),
    ("pty", ChrSource(type="pty")),
    ("pty:ignored", ChrSource(type="pty")),
    ("null", ChrSource(type="null")),
    ("stdio", ChrSource(type="stdio")),
    ("vc", ChrSource(type="vc")),
    ("spicevmc", ChrSource(type="spicevmc")),
    ("dev:/dev/x", ChrSource(type="dev")),
    ("file:/tmp/x", ChrSource(type="file", path="/tmp/x")),
    ("file", ChrSource(type="file", path="file")),
    ("pipe:/tmp/p", ChrSource(type="pipe", path="/tmp/p")),
    ("file:/a'b\\c", ChrSource(type="file", path="/a'b\\c")),
    ("tcp:1.2.3.4:99", ChrSource(type="tcp", host="1.2.3.4", service="99")),
    ("tcp::99,server", ChrSource(type="tcp", service="99", listen=True)),
    ("tcp:h:99,server,nowait", ChrSource(type="tcp", host="h", service="99", listen=True)),
    ("tcp:h:1,nowait,server", ChrSource(type="tcp", host="h", service="1", listen=True)),
    ("tcp:h:1,foo,serverx", ChrSource(type="tcp", host="h", service="1", listen=True)),
    ("tcp:h:1,nowait", ChrSource(type="tcp", host="h", service="1")),
    ("tcp:h:p:q", ChrSource(type="tcp", host="h", service="p:q")),
    ("tcp:a,server:5", ChrSource(type="tcp", host="a,server", service="5")),
    ("tcp:h:", ChrSource(type="tcp", host="h", service="")),
    ("telnet:h:5,server", ChrSource(type="tcp", protocol="telnet", host="h", service="5",
                                    listen=True)),
    ("telnets:h:5", ChrSource(type="tcp", protocol="telnet", host="h", service="5")),
    ("udp:1.2.3.4:99@5.6.7.8:100", ChrSource(type="udp", connect_host="1.2.3.4",
                                             connect_service="99", bind_host="5.6.7.8",
                                             bind_service="100")),
    ("udp::99@:100", ChrSource(type="udp", connect_service="99", bind_service="100")),
    ("udp:h:99", ChrSource(type="udp", connect_host="h", connect_service="99")),
    ("unix:/tmp/s,server,nowait", ChrSource(type="unix", path="/tmp/s", listen=True)),
    ("unix:/tmp/s", ChrSource(type="unix", path="/tmp/s")),
    ("unix:", ChrSource(type="unix", path="")),
    ("unix", ChrSource(type="unix", path="unix")),
])
def test_parse(text: str, expected: ChrSource) -> None:
    assert parse_chardev(text) == expected


@pytest.mark.parametrize("text, message", [
    ("", "internal error: unknown chr device type ''"),
    ("bogus", "internal error: unknown chr device type 'bogus'"),
    ("relative/path", "internal error: unknown chr device type 'relative/path'"),
    ("tcp", "internal error: malformed char device string"),
    ("tcp:", "internal error: malformed char device string"),
    ("telnetx", "internal error: malformed char device string"),
    ("udp", "internal error: malformed char device string"),
    ("udp:h:99@100", "internal error: malformed char device string"),
    ("udp:h:1@h2", "internal error: malformed char device string"),
])
def test_parse_errors(text: str, message: str) -> None:
    with pytest.raises(InternalError) as err:
        parse_chardev(text)
    assert str(err.value) == message


@pytest.mark.parametrize("source, expected", [
    (ChrSource(type="pty"), "pty"),
    (ChrSource(type="null"), "null"),
    (ChrSource(type="stdio"), "stdio"),
    (ChrSource(type="vc"), "vc"),
    (ChrSource(type="file", path="/a'b\\c"), "file:/a\\'b\\\\c"),
    (ChrSource(type="pipe", path="/p"), "pipe:/p"),
    (ChrSource(type="dev", path="/dev/a'"), "/dev/a\\'"),
    (ChrSource(type="dev"), ""),
    (ChrSource(type="tcp", host="h", service="5"), "tcp:h:5"),
    (ChrSource(type="tcp", service="5", listen=True, protocol="telnets"),
     "telnet::5,server,nowait"),
    (ChrSource(type="tcp", host="h", service="5", protocol="tls"), "telnet:h:5"),
    (ChrSource(type="udp", connect_service="5"), "udp::5@:"),
    (ChrSource(type="udp", connect_host="a", connect_service="1", bind_host="b",
               bind_service="2"), "udp:a:1@b:2"),
    (ChrSource(type="unix", path="/x'y", listen=True), "unix:/x\\'y,server,nowait"),
    (ChrSource(type="unix", path="/s"), "unix:/s"),
])
def test_format(source: ChrSource, expected: str) -> None:
    assert format_chardev(source) == expected


@pytest.mark.parametrize("kind", ["spicevmc", "spiceport", "nmdm", "qemu-vdagent", "dbus"])
def test_format_unsupported(kind: str) -> None:
    with pytest.raises(ConfigUnsupported) as err:
        format_chardev(ChrSource(type=kind))
    assert str(err.value) == f"unsupported configuration: unsupported chr device type '{kind}'"


@pytest.mark.parametrize("text", [
    "pty", "/dev/ttyS1", "file:/f", "tcp:h:5", "tcp::5,server,nowait", "telnet:h:5",
    "udp:a:1@b:2", "unix:/s,server,nowait",
])
def test_round_trip(text: str) -> None:
    assert format_chardev(parse_chardev(text)) == text


def test_escape() -> None:
    assert escape("a\\b'c") == "a\\\\b\\'c"
    assert escape(None) == ""
