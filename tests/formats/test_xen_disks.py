"""xl and xm disk lists (and RBD targets), both ways; checked against libvirt 11.3.0."""

from __future__ import annotations

from typing import Any, Dict, Optional

import pytest

from xenvirsh.errors import (
    ConfigSyntaxError,
    ConfigUnsupported,
    InternalError,
    InvalidArgument,
    NoSupport,
)
from xenvirsh.formats import virconf
from xenvirsh.formats.xen import rbd, xl_disk, xm_disk
from xenvirsh.model.domain import Disk, DiskAuth, Domain, NetHost


def _xl(spec: str, hvm: bool = True) -> Disk:
    dom = Domain()
    dom.os.type = "hvm" if hvm else "xen"
    xl_disk.parse_disks(virconf.parse(f"disk = [ '{spec}' ]", dialect="xl"), dom)
    assert len(dom.devices.disks) == 1
    return dom.devices.disks[0]


def _fields(disk: Disk, fields: Dict[str, Any]) -> Dict[str, Any]:
    return {name: getattr(disk, name) for name in fields}


@pytest.mark.parametrize("spec, fields", [
    ("/dev/vg/g,raw,xvda,rw", {"type": "file", "driver_name": "qemu", "format": "raw",
                               "path": "/dev/vg/g", "dst": "xvda", "bus": "xen",
                               "readonly": False}),
    ("format=qcow2,vdev=hdb,access=ro,target=/q", {"format": "qcow2", "bus": "ide",
                                                   "readonly": True}),
    ("vdev=sda,backendtype=phy,target=/dev/sda", {"type": "block", "driver_name": "phy",
                                                  "bus": "scsi"}),
    ("vdev=xvdb,backendtype=tap,format=vhd,target=/v", {"type": "file", "driver_name": "tap",
                                                        "format": "vhd"}),
    ("vdev=hda,format=empty,target=/x", {"format": None}),
    (",hdc:cdrom,r", {"device": "cdrom", "type": "file", "driver_name": "qemu", "path": "",
                      "format": None, "readonly": True}),
    ("vdev=hdc,devtype=cdrom,target=/x.iso", {"device": "cdrom", "format": "raw"}),
    ("vdev=hda,target=rbd:pool/image@s:id=admin:conf=/c",
     {"type": "network", "protocol": "rbd", "path": "pool/image", "snapshot": "s",
      "config_file": "/c", "auth": DiskAuth(username="admin", secret_type="ceph")}),
    ("vdev=hda,backendtype=phy,target=rbd:pool/image@s",
     {"type": "block", "protocol": None, "path": "image", "snapshot": None}),
])
def test_parse_xl(spec: str, fields: Dict[str, Any]) -> None:
    assert _fields(_xl(spec), fields) == fields


def test_parse_xl_pv_bus() -> None:
    assert _xl("/x,raw,hda,rw", hvm=False).bus == "xen"


@pytest.mark.parametrize("spec, kind, message", [
    ("foo=bar", ConfigSyntaxError, "configuration file syntax error: disk specification: "
                                   "unknown parameter: near `foo=b' in `foo=bar'"),
    ("vdev=hda,backendtype=standalone,target=/x", ConfigUnsupported,
     "unsupported configuration: disk backend not supported: standalone"),
    ("vdev=hda,target=rbd:p/i:id=a:id=b", InternalError,
     "internal error: duplicate 'id' found in 'i'"),
    ("vdev=hda,target=rbd:p/i:mon_host=h\\\\:x", InvalidArgument,
     "invalid argument: failed to parse port number 'x'"),
    ("vdev=hda,target=rbd:p/i:mon_host=h\\\\:99999", InvalidArgument,
     "invalid argument: port '99999' out of range"),
])
def test_parse_xl_errors(spec: str, kind: type, message: str) -> None:
    with pytest.raises(kind) as err:
        _xl(spec)
    assert str(err.value) == message


@pytest.mark.parametrize("target, hosts", [
    ("rbd:p/i:mon_host=a\\:1\\;b", [NetHost("a", 1), NetHost("b")]),
    ("rbd:p/i:auth_supported=none:mon_host=[fe80\\:\\:1]\\:6789\\,h\\ z",
     [NetHost("fe80::1", 6789), NetHost("h"), NetHost("z")]),
])
def test_parse_rbd_hosts(target: str, hosts: list) -> None:  # type: ignore[type-arg]
    disk = Disk()
    rbd.parse_rbd(target, disk)
    assert disk.hosts == hosts


def _xl_text(disk: Disk) -> str:
    dom = Domain()
    dom.devices.disks = [disk, Disk(device="floppy", dst="fda", path="/f")]
    conf = virconf.Conf()
    xl_disk.format_disks(conf, dom)
    return conf.dumps()


@pytest.mark.parametrize("disk, spec", [
    (Disk(path="/x", dst="hda", driver_name="phy", type="block", format="raw"),
     "format=raw,vdev=hda,access=rw,backendtype=phy,target=/x"),
    (Disk(path="/x", dst="xvda", format="vhd", shareable=True, driver_name="tap"),
     "format=xvhd,vdev=xvda,access=!,backendtype=tap,target=/x"),
    (Disk(path="/x", dst="xvda", format="vmdk", driver_name="tap2"),
     "format=raw,vdev=xvda,access=rw,backendtype=,target=/x"),
    (Disk(dst="hdc", device="cdrom", readonly=True, driver_name="file", format="qed"),
     "format=qed,vdev=hdc,access=ro,backendtype=qdisk,devtype=cdrom"),
    (Disk(type="network", protocol="rbd", path="pool/image", dst="xvda",
          hosts=[NetHost("mon1", 6321), NetHost("::1", 1), NetHost("m3")]),
     "format=raw,vdev=xvda,access=rw,target=rbd:pool/image:auth_supported=none:"
     "mon_host=mon1\\\\:6321\\\\;[\\:\\:1]\\\\:1\\\\;m3"),
])
def test_format_xl(disk: Disk, spec: str) -> None:
    assert _xl_text(disk) == f'disk = [ "{spec}" ]\n'


@pytest.mark.parametrize("disk, kind, message", [
    (Disk(path="/x", dst="xvda", transient=True), ConfigUnsupported,
     "unsupported configuration: transient disks not supported yet"),
    (Disk(type="network", protocol="nbd", path="x", dst="xvda"), NoSupport,
     "this function is not supported by the connection driver: Unsupported network block "
     "protocol 'nbd'"),
    (Disk(type="network", protocol="rbd", path="p/a:b", dst="xvda"), ConfigUnsupported,
     "unsupported configuration: ':' not allowed in RBD source volume name 'a:b'"),
])
def test_format_xl_errors(disk: Disk, kind: type, message: str) -> None:
    with pytest.raises(kind) as err:
        _xl_text(disk)
    assert str(err.value) == message


@pytest.mark.parametrize("entry, fields", [
    ("phy:/dev/HostVG/XenGuest2,hda,w", {"type": "block", "driver_name": "phy",
                                         "path": "/dev/HostVG/XenGuest2", "dst": "hda",
                                         "bus": "ide", "readonly": False, "format": None}),
    ("file:/root/boot.iso,hdc:cdrom,r", {"type": "file", "driver_name": "file",
                                         "device": "cdrom", "dst": "hdc", "readonly": True}),
    (",hdc:cdrom,r", {"type": "block", "driver_name": "phy", "path": None, "device": "cdrom"}),
    ("tap:aio:/x,xvda,w!", {"driver_name": "tap", "format": "raw", "path": "/x",
                            "shareable": True, "bus": "xen"}),
    ("tap2:qcow2:/x,ioemu:sda:disk,!", {"driver_name": "tap2", "format": "qcow2",
                                        "dst": "sda", "device": "disk", "bus": "scsi",
                                        "shareable": True}),
    ("/x,hda,w,extra", {"driver_name": "phy", "path": "/x", "readonly": False}),
])
def test_parse_xm(entry: str, fields: Dict[str, Any]) -> None:
    disk = xm_disk.parse_disk(entry, hvm=True)
    assert disk is not None and _fields(disk, fields) == fields


@pytest.mark.parametrize("entry", ["phy:/x", "", "tap:/x,xvda,w", "tap:bogus:/x,xvda,w",
                                   "tap:none:/x,xvda,w"])
def test_parse_xm_drops(entry: str) -> None:
    assert xm_disk.parse_disk(entry, hvm=True) is None


def test_parse_xm_list_must_be_a_list() -> None:
    with pytest.raises(InternalError) as err:
        xm_disk.parse_disks(virconf.parse('disk = "phy:/x,hda,w"', dialect="xm"), Domain())
    assert str(err.value) == (
        "internal error: memory conf: expected a string list for 'disk' parameter"
    )


@pytest.mark.parametrize("disk, entry", [
    (Disk(type="block", driver_name="phy", format="raw", path="/d", dst="hda"), "phy:/d,hda,w"),
    (Disk(driver_name="tap", format="raw", path="/x", dst="xvda", readonly=True),
     "tap:aio:/x,xvda,r"),
    (Disk(driver_name="tap2", format="qcow2", path="/x", dst="xvda", shareable=True),
     "tap2:qcow2:/x,xvda,!"),
    (Disk(format="raw", path="/x", dst="xvda"), "/x,xvda,w"),
    (Disk(type="file", path="/x", dst="xvda"), "file:/x,xvda,w"),
    (Disk(type="block", path="/x", dst="xvda"), "phy:/x,xvda,w"),
    (Disk(device="cdrom", dst="hdc", readonly=True, format="raw"), ",hdc:cdrom,r"),
    (Disk(type="network", protocol="rbd", path="pool/image", format="raw", driver_name="qemu",
          dst="xvda"), "qemu:image,xvda,w"),
])
def test_format_xm(disk: Disk, entry: str) -> None:
    dom = Domain()
    dom.devices.disks = [disk]
    conf = virconf.Conf()
    xm_disk.format_disks(conf, dom)
    assert conf.dumps() == f'disk = [ "{entry}" ]\n'


def test_format_xm_unsupported_type() -> None:
    dom = Domain()
    dom.devices.disks = [Disk(type="dir", path="/d", dst="xvda")]
    with pytest.raises(InternalError, match="^internal error: unsupported disk type dir$"):
        xm_disk.format_disks(virconf.Conf(), dom)


def test_image_name() -> None:
    assert rbd.image_name(Disk(type="network", protocol="rbd", path="p/i")) == "i"
    assert rbd.image_name(Disk(type="network", protocol="rbd", path="img")) == "img"
    assert rbd.image_name(Disk(path="/x")) == "/x"
    no_path: Optional[str] = rbd.image_name(Disk())
    assert no_path is None
