"""channel entries, both ways; checked against libvirt 11.3.0 (lvconv)."""

from __future__ import annotations

from typing import List, Optional, Tuple

import pytest

from xenvirsh.errors import ConfigUnsupported, InternalError
from xenvirsh.formats import virconf
from xenvirsh.formats.xen.channel import format_channels, parse_channels
from xenvirsh.model.domain import ChrDevice, ChrSource, Domain


def _parsed(entry: str) -> List[Tuple[str, Optional[str], bool, Optional[str]]]:
    dom = Domain()
    parse_channels(virconf.parse(f'channel = [ "{entry}" ]', dialect="xl"), dom)
    return [(c.source.type, c.source.path, c.source.listen, c.target_name)
            for c in dom.devices.channels if c.target_type == "xen"]


@pytest.mark.parametrize("entry, channels", [
    ("connection=pty,name=org.qemu.guest_agent.0",
     [("pty", None, False, "org.qemu.guest_agent.0")]),
    ("connection=socket,path=/tmp/s,name=n", [("unix", "/tmp/s", True, "n")]),
    ("name=a,name=b,connection=pty,connection=socket,path=/a,path=/b",
     [("unix", "/a", True, "a")]),
    ("connection=ptyx,name=y", [("pty", None, False, "y")]),
    ("connection=pty,", []),
    ("", []),
])
def test_parse(entry: str, channels: List[Tuple[str, Optional[str], bool, Optional[str]]]) -> None:
    assert _parsed(entry) == channels


@pytest.mark.parametrize("entry, message", [
    ("name=x", "channel 'name=x' has no connection="),
    ("connection=bogus,name=x", "channel 'connection=bogus,name=x': unknown connection 'bogus'"),
])
def test_parse_errors(entry: str, message: str) -> None:
    with pytest.raises(InternalError) as err:
        _parsed(entry)
    assert str(err.value) == f"internal error: {message}"


def test_format() -> None:
    dom = Domain()
    dom.devices.channels = [
        ChrDevice(device="channel", source=ChrSource(type="pty"), target_type="xen",
                  target_name="a"),
        ChrDevice(device="channel", source=ChrSource(type="unix", path="/s"), target_type="xen",
                  target_name="b"),
        ChrDevice(device="channel", source=ChrSource(type="unix"), target_type="xen"),
        ChrDevice(device="channel", source=ChrSource(type="pty"), target_type="virtio"),
    ]
    conf = virconf.Conf()
    format_channels(conf, dom)
    assert conf.dumps() == ('channel = [ "connection=pty,name=a", '
                            '"connection=socket,path=/s,name=b", '
                            '"connection=socket,name=(null)" ]\n')
    dom.devices.channels = [ChrDevice(device="channel", source=ChrSource(type="file"),
                                      target_type="xen")]
    with pytest.raises(ConfigUnsupported):
        format_channels(virconf.Conf(), dom)
