"""xl disk specifications, as Xen 4.17's xlu_disk_parse reads them.

Every expectation here was checked against Debian's libxlutil 4.17; the last test
compares with that library directly when it is installed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import re
from typing import Any, Dict, List, Optional, Tuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import CONFORMANCE, files, needs_shared
from xenvirsh.errors import ConfigSyntaxError
from xenvirsh.formats import virconf, xldisk
from xenvirsh.formats.xldisk import Disk, DiskSpecError
from xenvirsh.record import replace

RW = Disk(readwrite=True, format="raw")
CDROM = Disk(readwrite=False, removable=True, is_cdrom=True, format="raw")


def disk(base: Disk, **fields: Any) -> Disk:
    return replace(base, **fields)


@pytest.mark.parametrize(
    "spec, expected",
    [
        # xl-disk-configuration(5): "these strings are equivalent"
        ("/dev/vg/guest-volume,,hda", disk(RW, pdev_path="/dev/vg/guest-volume", vdev="hda")),
        ("/dev/vg/guest-volume,raw,hda,rw", disk(RW, pdev_path="/dev/vg/guest-volume", vdev="hda")),
        (
            "format=raw, vdev=hda, access=rw, target=/dev/vg/guest-volume",
            disk(RW, pdev_path="/dev/vg/guest-volume", vdev="hda"),
        ),
        ("raw:/dev/vg/guest-volume,hda,w", disk(RW, pdev_path="/dev/vg/guest-volume", vdev="hda")),
        # ... "as are these"
        ("/root/image.iso,,hdc,cdrom", disk(CDROM, pdev_path="/root/image.iso", vdev="hdc")),
        ("/root/image.iso,,hdc,,cdrom", disk(CDROM, pdev_path="/root/image.iso", vdev="hdc")),
        (
            "/root/image.iso,raw,hdc,devtype=cdrom",
            disk(CDROM, pdev_path="/root/image.iso", vdev="hdc"),
        ),
        (
            "format=raw, vdev=hdc, access=ro, devtype=cdrom, target=/root/image.iso",
            disk(CDROM, pdev_path="/root/image.iso", vdev="hdc"),
        ),
        ("raw:/root/image.iso,hdc:cdrom,ro", disk(CDROM, pdev_path="/root/image.iso", vdev="hdc")),
        # old syntax, deprecated prefixes
        (",hdc:cdrom,r", disk(CDROM, pdev_path="", vdev="hdc", format="empty")),
        ("phy:/dev/sda8,hda,w", disk(RW, pdev_path="/dev/sda8", vdev="hda")),
        ("file:/x,hda:disk,r", disk(RW, pdev_path="/x", vdev="hda", readwrite=False)),
        ("tap2:aio:/root/some.img,xvda,w", disk(RW, pdev_path="/root/some.img", vdev="xvda")),
        ("qcow2:/img.q2,xvdd", disk(RW, pdev_path="/img.q2", vdev="xvdd", format="qcow2")),
        (
            "iscsi:iqn.2001-05.com.example:disk,xvdb,w",
            disk(RW, pdev_path="iqn.2001-05.com.example:disk", vdev="xvdb", script="block-iscsi"),
        ),
        (
            "nbd:host:1234,xvdc,r",
            disk(RW, pdev_path="host:1234", vdev="xvdc", script="block-nbd", readwrite=False),
        ),
        ("foo:bar,,xvda", disk(RW, pdev_path="foo:bar", vdev="xvda")),
        # keywords, flags, target=
        ("vdev=xvde,target=/a,b c,", disk(RW, pdev_path="/a,b c", vdev="xvde")),
        ("cdrom,vdev=hdc", disk(CDROM, vdev="hdc", format="empty")),
        ("devtype=cdrom,vdev=hdc,target=", disk(CDROM, pdev_path="", vdev="hdc", format="empty")),
        ("/x,,xvda,,devtype=disk", disk(RW, pdev_path="/x", vdev="xvda")),
        ("/x,empty,xvda", disk(RW, pdev_path="/x", vdev="xvda", format="empty")),
        ("a,,hda", disk(RW, pdev_path="a", vdev="hda")),
        ("/x,raw,xvda=", disk(RW, pdev_path="/x", vdev="xvda")),
        ("format=qed,vdev=xvda,target=/q", disk(RW, pdev_path="/q", vdev="xvda", format="qed")),
        (
            "discard,no-colo,direct-io-safe,backendtype=tap,specification=virtio,backend=dd,"
            "script=s,colo-host=h,colo-port=12,colo-export=e,active-disk=a,hidden-disk=hd,"
            "/x,qcow2,xvda,r",
            disk(
                RW,
                pdev_path="/x",
                vdev="xvda",
                format="qcow2",
                readwrite=False,
                backend="tap",
                backend_domname="dd",
                script="s",
                direct_io_safe=True,
                discard_enable=True,
                specification="virtio",
                colo_enable=False,
                colo_host="h",
                colo_port=12,
                colo_export="e",
                active_disk="a",
                hidden_disk="hd",
            ),
        ),
        ("no-discard,colo,/x,,xvda", disk(RW, pdev_path="/x", vdev="xvda", discard_enable=False,
                                          colo_enable=True)),
        ("colo-port= 42x,/x,,xvda", disk(RW, pdev_path="/x", vdev="xvda", colo_port=42)),
        ("colo-port=4294967297,/x,,xvda", disk(RW, pdev_path="/x", vdev="xvda", colo_port=1)),
        ("script=,iscsi:/x,xvda", disk(RW, pdev_path="/x", vdev="xvda", script="block-iscsi")),
        ("backendtype=phy,backendtype=phy,/x,,xvda", disk(RW, pdev_path="/x", vdev="xvda",
                                                          backend="phy")),
        ("/x,,xvda,w\0,extra", disk(RW, pdev_path="/x", vdev="xvda")),
        (",,xvda,w,target=/x", disk(RW, pdev_path="/x", vdev="xvda")),
    ],
)
def test_parse(spec: str, expected: Disk) -> None:
    assert xldisk.parse(spec) == expected


@pytest.mark.parametrize(
    "spec, message",
    [
        ("/x", "no vdev specified"),
        ("foo:bar,xvda", "unknown value for format: near `xvda'"),
        ("/x,,xvda,w,target=", "target respecified: near `'"),
        ("target=/x,vdev=xvda", "no vdev specified"),
        ("vdev=xvda", "no target specified (and device not removable)"),
        ("/x,raw,xvda,w,extra", "too many positional parameters: near `extra'"),
        ("foo=bar,xvda", "unknown parameter: near `foo=b'"),
        ("foo=b,xvda", "unknown parameter: near `foo=b,'"),
        ("/x,vhdx,xvda", "unknown value for format: near `vhdx'"),
        ("/x,raw,xvda,rwx", "unknown value for access: near `rwx'"),
        ("foo:/x,xvda", "unknown deprecated disk prefix: near `foo:'"),
        ("/x,raw,xvda:floppy", "unknown deprecated type: near `floppy'"),
        ("format=raw,format=qcow2,/x,,xvda", "format respecified: near `qcow2'"),
        ("vdev=a,vdev=b,/x", "vdev respecified: near `b'"),
        ("backendtype=bad,/x,,xvda", "unknown value for backendtype: near `bad'"),
        ("specification=bad,/x,,xvda", "unknown value for specification: near `bad'"),
        ("colo-port=0,/x,,xvda", "unknown value for colo_port: near `0'"),
        ("devtype=floppy,/x,,xvda", "unknown value for type: near `devtype=floppy,'"),
        ("a=,b", "bad disk syntax: near `=,b'"),
        ("a,=\n", "bad disk syntax: near `='"),  # xl itself aborts: "flex scanner jammed"
        ("backendtype=phy,backendtype=qdisk,/x,,xvda", "backend respecified: near `qdisk'"),
        ("script=a,iscsi:/x,xvda", "script respecified: near `block-iscsi'"),
        (
            "specification=xen,specification=virtio,/x,,xvda",
            "specification respecified: near `virtio'",
        ),
        ("/x,,xvda,w,backend=a,backend=b", "backend respecified: near `b'"),
        (" /x , raw , xvda , w", "unknown value for format: near `raw '"),
        ("/x,raw,xvda,w\n", "unknown value for access: near `w\n'"),
        # Xen 4.17's compiled scanner predates these two flags
        ("trusted,/x,xvda", "unknown value for format: near `/x'"),
        ("/x,,xvda,untrusted", "unknown value for access: near `untrusted'"),
    ],
)
def test_errors(spec: str, message: str) -> None:
    with pytest.raises(DiskSpecError) as info:
        xldisk.parse(spec)
    near = f": near `{info.value.near}'" if info.value.near is not None else ""
    assert info.value.message + near == message
    assert info.value.spec == spec


def test_error_text() -> None:
    with pytest.raises(ConfigSyntaxError) as info:
        xldisk.parse("/x,raw,xvda,w\n")
    assert str(info.value) == (
        "configuration file syntax error: disk specification: unknown value for access:"
        " near `w\\n' in `/x,raw,xvda,w\\n'"
    )
    with pytest.raises(ConfigSyntaxError) as info:
        xldisk.parse("/x")
    assert str(info.value) == (
        "configuration file syntax error: disk specification: no vdev specified in `/x'"
    )


def _conformance_disks() -> List[Tuple[str, str]]:
    if not CONFORMANCE.is_dir():
        return []
    found = []
    for path in files(CONFORMANCE / "xl", "*.cfg"):
        value = virconf.parse(path.read_text(), dialect="xl").get("disk")
        for spec in value if isinstance(value, list) else []:
            found.append((path.name, str(spec)))
    return found


@needs_shared()
@pytest.mark.parametrize("name, spec", _conformance_disks())
def test_conformance_disks(name: str, spec: str) -> None:
    """Every disk of libvirt's xl test files is valid; vdev comes from vdev= or a position."""
    parsed = xldisk.parse(spec)
    assert parsed.vdev and re.fullmatch(r"(hd|sd|xvd)[a-z]+", parsed.vdev)
    assert parsed.format in ("raw", "qcow2", "qed", "vhd", "empty")


# ----- comparison with the real library -----


class _Xlu:
    """Xen's libxlutil through ctypes: the reference implementation."""

    def __init__(self) -> None:
        self.libc = ctypes.CDLL(ctypes.util.find_library("c"))
        self.xl = ctypes.CDLL("libxenlight.so.4.17")
        self.xlu = ctypes.CDLL("libxlutil.so.4.17")
        self.libc.open_memstream.restype = ctypes.c_void_p
        self.libc.open_memstream.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        self.libc.fclose.argtypes = [ctypes.c_void_p]
        self.libc.free.argtypes = [ctypes.c_void_p]
        self.xlu.xlu_cfg_init.restype = ctypes.c_void_p
        self.xlu.xlu_cfg_init.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        self.xlu.xlu_cfg_destroy.argtypes = [ctypes.c_void_p]
        self.xlu.xlu_disk_parse.argtypes = [
            ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(ctypes.c_char_p), ctypes.c_void_p
        ]
        self.xl.libxl_device_disk_to_json.restype = ctypes.c_void_p
        self.xl.libxl_device_disk_to_json.argtypes = [ctypes.c_void_p, ctypes.c_void_p]

    def parse(self, spec: str) -> Tuple[Optional[Dict[str, Any]], str]:
        """(the disk as libxl JSON, or None on error; the first message, or '')."""
        buffer, size = ctypes.c_char_p(), ctypes.c_size_t()
        report = self.libc.open_memstream(ctypes.byref(buffer), ctypes.byref(size))
        cfg = self.xlu.xlu_cfg_init(report, b"spec")
        raw = ctypes.create_string_buffer(4096)  # more than sizeof(libxl_device_disk)
        self.xl.libxl_device_disk_init(raw)
        specs = (ctypes.c_char_p * 1)(spec.encode())
        failed = self.xlu.xlu_disk_parse(cfg, 1, specs, raw)
        text = self.xl.libxl_device_disk_to_json(None, raw)
        result = json.loads(ctypes.string_at(text).decode())
        self.libc.free(text)
        self.xl.libxl_device_disk_dispose(raw)
        self.xlu.xlu_cfg_destroy(cfg)
        self.libc.fclose(report)
        messages = ctypes.string_at(buffer, size.value).decode()
        self.libc.free(buffer)
        first = messages.split("\nspec: config parsing error in disk specification: ")[0]
        first = first[len("spec: config parsing error in disk specification: ") :]
        return (None if failed else result), first[: first.rfind(" in `")]


def _as_libxl_json(parsed: Disk) -> Dict[str, Any]:
    """The disk as libxl_device_disk_to_json prints it: defaults left out."""
    out: Dict[str, Any] = {}
    for name, value in vars(parsed).items():
        if name in ("discard_enable", "colo_enable"):  # defbools: "True", "False" or unset
            if value is not None:
                out[name] = str(value)
        elif value not in (None, False, 0, "unknown"):
            out[name] = int(value) if name in ("removable", "readwrite", "is_cdrom") else value
    return out


def _load_xlu() -> Optional[_Xlu]:
    try:
        return _Xlu()
    except OSError:
        return None


XLU = _load_xlu()
# Pieces of specifications: random sequences of them mostly fail, in every possible way...
_PIECES = [
    "format=", "raw", "qcow2", "vhd", "empty", "vdev=", "hda", "xvda", "hdc:cdrom", "x:disk",
    "access=", "r", "rw", "w", "devtype=", "cdrom", "disk", "backendtype=", "phy", "qdisk",
    "backend=", "script=", "specification=", "virtio", "target=", "/dev/x", "direct-io-safe",
    "discard", "no-discard", "colo", "colo-host=", "colo-port=", "12", "0", "trusted", "raw:",
    "qcow:", "iscsi:", "nbd:", "tap:", "tap2:", "aio:", "phy:", "file:", "foo:", "a-b:", "x=y",
    ",", ",", ",", " ", "\t", "\n", "=", ":", "/", "Z", "-", "é",
]
# ... while comma-separated parameters mostly succeed.
_PARAMETERS = [
    "/dev/vg/x", "", "raw", "qcow2", "xvda", "hdc:cdrom", "w", "ro", "cdrom", "discard",
    "no-discard", "colo", "no-colo", "direct-io-safe", "format=vhd", "vdev=xvdb", "access=r",
    "devtype=disk", "backendtype=qdisk", "backend=d1", "script=s", "specification=xen",
    "colo-port=7", "colo-host=h", "active-disk=a", "phy:/dev/y", "qcow:/q", "drbd:r",
    " /t", "target=/a,b",
]
_SPECS = st.one_of(
    st.lists(st.sampled_from(_PIECES), min_size=1, max_size=10).map("".join),
    st.lists(st.sampled_from(_PARAMETERS), min_size=1, max_size=6).map(",".join),
)


@pytest.mark.skipif(XLU is None, reason="Xen 4.17's libxlutil and libxenlight are not installed")
@settings(max_examples=1500, deadline=None)
@given(_SPECS)
def test_matches_libxlutil(spec: str) -> None:
    # Excluded: xl aborts on these ("flex scanner jammed"), and a multi-byte character
    # right after "name=" is cut in half by the C scanner in the error text.
    if "=\n" in spec or re.search("=[^\x00-\x7f]", spec):
        return
    assert XLU is not None
    expected, message = XLU.parse(spec)
    try:
        parsed = xldisk.parse(spec)
    except DiskSpecError as err:
        assert expected is None
        near = "" if err.near is None else f": near `{err.near}'"
        assert err.message + near == message
    else:
        assert expected is not None
        assert _as_libxl_json(parsed) == expected
