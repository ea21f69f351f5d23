"""xen-xm as a whole: reading (never executing) xm configs, writing them, CLI errors.

Expectations were checked against libvirt 11.3.0 (lvconv).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from xenvirsh.errors import ConfigUnsupported, InternalError
from xenvirsh.formats import xm
from xenvirsh.formats.domxml import parse_domain_xml
from xenvirsh.host import TEST_HOST

HVM = 'name = "g"\nbuilder = "hvm"\nkernel = "/usr/lib/xen/boot/hvmloader"\n'


def test_hvm_kernel_is_the_loader() -> None:
    dom = xm.read(HVM + 'boot = "dc"\n', TEST_HOST)
    assert dom.os.loader is not None
    assert (dom.os.loader.path, dom.os.loader.type, dom.os.loader.format) == (
        "/usr/lib/xen/boot/hvmloader", "rom", "raw")
    assert dom.os.kernel is None and dom.os.boot_devs == ["cdrom", "hd"]


def test_pv_os() -> None:
    dom = xm.read('name = "g"\nkernel = "/k"\nramdisk = "/i"\nroot = "/dev/xvda1"\n'
                  'extra = "quiet"\ncmdline = "ignored"\nbootloader = "pygrub"\n'
                  'bootargs = "-q"\n', TEST_HOST)
    assert (dom.os.kernel, dom.os.initrd, dom.os.cmdline, dom.os.bootloader,
            dom.os.bootloader_args) == ("/k", "/i", "root=/dev/xvda1 quiet", "pygrub", "-q")


def test_vif_netfront_type() -> None:
    dom = xm.read(HVM + 'vif = [ "type=netfront", "type=vif" ]\n', TEST_HOST)
    assert [n.model for n in dom.devices.interfaces] == ["netfront", None]


def test_disks_and_usbdevice() -> None:
    dom = xm.read(HVM + 'disk = [ "phy:/dev/sdb,hdb,w", "phy:/x", "file:/a.iso,hdc:cdrom,r" ]\n'
                  'usbdevice = "tablet"\n', TEST_HOST)
    assert [(d.dst, d.device) for d in dom.devices.disks] == [("hdb", "disk"), ("hdc", "cdrom")]
    assert [(i.type, i.bus) for i in dom.devices.inputs] == [
        ("tablet", "usb"), ("mouse", "ps2"), ("keyboard", "ps2")]


@pytest.mark.parametrize("text, kind, message", [
    ('name = "g"\nbuilder = "hvm"\n', InternalError,
     "internal error: config value kernel was missing"),
    (HVM + 'serial = [ "pty" ]\n', ConfigUnsupported,
     "unsupported configuration: Multiple serial devices are not supported by xen-xm"),
    (HVM + 'disk = "phy:/x,hda,w"\n', InternalError,
     "internal error: memory conf: expected a string list for 'disk' parameter"),
    (HVM + 'usbdevice = [ "mouse" ]\n', InternalError,
     "internal error: memory conf: expected a string for 'usbdevice' parameter"),
])
def test_read_errors(text: str, kind: type, message: str) -> None:
    with pytest.raises(kind) as err:
        xm.read(text, TEST_HOST)
    assert str(err.value) == message


XML = """<domain type='xen'><name>g</name><uuid>c7a5fdb2-cdaf-9455-926a-d65c16db1809</uuid>
  <memory>524288</memory>
  <os><type>hvm</type><loader>/usr/lib/xen/boot/hvmloader</loader><boot dev='network'/></os>
  <devices>
    <disk type='file' device='cdrom'><driver name='tap' type='qcow2'/><source file='/a'/>
      <target dev='hdc'/><readonly/></disk>
    <interface type='bridge'><mac address='00:16:3e:00:00:01'/><source bridge='br0'/>
      <model type='netfront'/></interface>
    <input type='mouse' bus='usb'/><input type='tablet' bus='usb'/>
  </devices>
</domain>"""


def test_write() -> None:
    assert xm.write(parse_domain_xml(XML, TEST_HOST), TEST_HOST) == (
        'name = "g"\nuuid = "c7a5fdb2-cdaf-9455-926a-d65c16db1809"\nmaxmem = 512\n'
        "memory = 512\nvcpus = 1\npae = 1\nacpi = 0\napic = 0\nviridian = 0\n"
        'rtc_timeoffset = 0\nlocaltime = 0\non_poweroff = "destroy"\non_reboot = "restart"\n'
        'on_crash = "destroy"\n'
        'vif = [ "mac=00:16:3e:00:00:01,bridge=br0,script=vif-bridge,type=netfront" ]\n'
        'parallel = "none"\nserial = "none"\nbuilder = "hvm"\n'
        'kernel = "/usr/lib/xen/boot/hvmloader"\nboot = "n"\n'
        'disk = [ "tap:qcow2:/a,hdc:cdrom,r" ]\nusb = 1\nusbdevice = "mouse"\n'
    )


def test_write_pv_extra() -> None:
    xml = ("<domain type='xen'><name>g</name><uuid>c7a5fdb2-cdaf-9455-926a-d65c16db1809</uuid>"
           "<memory>1024</memory><os><type>linux</type><kernel>/k</kernel>"
           "<cmdline>root=/dev/xvda1</cmdline></os></domain>")
    assert xm.write(parse_domain_xml(xml, TEST_HOST), TEST_HOST).endswith(
        'kernel = "/k"\nextra = "root=/dev/xvda1"\n')


@pytest.mark.parametrize("data, message", [
    (b"", "internal error: config value name was missing"),
    (b"import os\n", "configuration file syntax error: memory conf:1: expecting an assignment"),
    (b'name = "g"\nmemory = 512 * 2\n',
     "configuration file syntax error: memory conf:2: expecting a separator"),
    (b"\x89PNG\r\n\x1a\n", "config is not UTF-8 text (byte 0x89 at offset 0)"),
])
def test_cli_errors(xenvirsh, tmp_path: Path, data: bytes, message: str) -> None:  # type: ignore[no-untyped-def]
    cfg = tmp_path / "guest.xm"
    cfg.write_bytes(data)
    result = xenvirsh("-c", "test:///default", "-q", "domxml-from-native", "xen-xm", str(cfg))
    assert (result.status, result.out) == (1, "")
    assert result.err.startswith(f"error: {message}") and result.err.count("\n") == 1
