"""vif rates, checked against libvirt 11.3.0's behaviour (lvconv)."""

from __future__ import annotations

from typing import Optional

import pytest

from xenvirsh.errors import InternalError
from xenvirsh.formats.xen.rate import format_rate, parse_rate
from xenvirsh.model.domain import Bandwidth, Interface


@pytest.mark.parametrize("text, kbytes", [
    ("10MB/s", 10240),
    ("10Mb/s", 1280),
    ("1GB/s@20ms", 1048576),
    ("8b/s", 1),
    ("7b/s", 0),
    ("5KB/s", 5),
    ("5Kb/s", 0),
    ("5B/s", 5),
    ("10MB/s@", 10240),
    ("10MB/s@x@y", 10240),
    ("00012KB/s", 12),
    ("10MB/s\n", 10240),
    ("18446744073709551615B/s", 18446744073709551615),
    ("18446744073709551615GB/s", 18446744073708503040),
    ("17592186044416GB/s", 0),
])
def test_parse(text: str, kbytes: int) -> None:
    assert parse_rate(text) == kbytes


@pytest.mark.parametrize("text, message", [
    ("x", "Invalid rate 'x' specified"),
    ("10mB/s", "Invalid rate '10mB/s' specified"),
    ("10MB/sx", "Invalid rate '10MB/sx' specified"),
    ("10 MB/s", "Invalid rate '10 MB/s' specified"),
    ("@10MB/s", "Invalid rate '@10MB/s' specified"),
    ("-1MB/s", "Invalid rate '-1MB/s' specified"),
    ("18446744073709551616B/s", "Failed to parse rate '18446744073709551616B/s'"),
])
def test_parse_errors(text: str, message: str) -> None:
    with pytest.raises(InternalError) as err:
        parse_rate(text)
    assert str(err.value) == f"internal error: {message}"


@pytest.mark.parametrize("outbound, expected", [
    (Bandwidth(average=10240), "10240KB/s"),
    (Bandwidth(average=0), None),
    (Bandwidth(peak=5), None),
    (None, None),
])
def test_format(outbound: Optional[Bandwidth], expected: Optional[str]) -> None:
    assert format_rate(Interface(outbound=outbound)) == expected


def test_format_ignores_inbound() -> None:
    assert format_rate(Interface(inbound=Bandwidth(average=7))) is None
