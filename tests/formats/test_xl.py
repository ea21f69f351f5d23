"""xen-xl as a whole: reading, writing in libvirt's key order, and the CLI's errors.

Expectations were checked against libvirt 11.3.0 (lvconv); the per-key mini-languages
have their own test modules (test_xen_*.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from xenvirsh.errors import ConfigUnsupported, InternalError, InvalidArgument, XenvirshError
from xenvirsh.formats import xl
from xenvirsh.formats.domxml import parse_domain_xml
from xenvirsh.host import TEST_HOST

UUID = 'uuid = "c7a5fdb2-cdaf-9455-926a-d65c16db1809"\n'


def read(text: str) -> object:
    return xl.read('name = "g"\n' + UUID + text, TEST_HOST)


@pytest.mark.parametrize("text, os_type, machine", [
    ("", "xen", "xenpv"),
    ('builder = "hvm"', "hvm", "xenfv"),
    ('type = "pvh"', "xenpvh", "xenpvh"),
    ('type = "pv"\nbuilder = "hvm"', "xen", "xenpv"),
    ('type = 1\nbuilder = "hvm"', "hvm", "xenfv"),  # a malformed type falls back to builder
    ('builder = "generic"', "xen", "xenpv"),
])
def test_guest_type(text: str, os_type: str, machine: str) -> None:
    dom = xl.read('name = "g"\n' + text, TEST_HOST)
    assert (dom.os.type, dom.os.arch, dom.os.machine) == (os_type, "x86_64", machine)


def test_defaults() -> None:
    dom = xl.read('name = "g"\n', TEST_HOST)
    assert (dom.memory_kib, dom.current_memory_kib, dom.vcpus, dom.vcpus_max) == (
        131072, 131072, 1, 1)
    assert (dom.on_poweroff, dom.on_reboot, dom.on_crash) == ("destroy", "restart", "restart")
    assert len(dom.uuid) == 36  # a random one


@pytest.mark.parametrize("text, memory, current, vcpus, vcpus_max", [
    ("memory = 512", 524288, 524288, 1, 1),
    ('memory = 256\nmaxmem = "1024"', 1048576, 262144, 1, 1),
    ("vcpus = 4\nmaxvcpus = 8", 131072, 131072, 4, 8),
    ("vcpus = 8\nmaxvcpus = 4", 131072, 131072, 4, 4),
])
def test_memory_and_vcpus(text: str, memory: int, current: int, vcpus: int,
                          vcpus_max: int) -> None:
    dom = read(text)
    assert (dom.memory_kib, dom.current_memory_kib, dom.vcpus,  # type: ignore[attr-defined]
            dom.vcpus_max) == (memory, current, vcpus, vcpus_max)  # type: ignore[attr-defined]


@pytest.mark.parametrize("text, cpus", [
    ('cpus = "0-3,^2"', {0, 1, 3}),
    ('cpus = " 1 , 2,"', {1, 2}),
    ('cpus = "0,^0"', set()),
])
def test_cpus(text: str, cpus: set) -> None:  # type: ignore[type-arg]
    assert read(text).cpumask == cpus  # type: ignore[attr-defined]


@pytest.mark.parametrize("text, cmdline", [
    ('cmdline = "a"\nroot = "b"\nextra = "c"', "a"),
    ('root = "/dev/xvda1"\nextra = "quiet"', "root=/dev/xvda1 quiet"),
    ('root = "/dev/xvda1"', "root=/dev/xvda1"),
    ('extra = "quiet"', "quiet"),
])
def test_cmdline(text: str, cmdline: str) -> None:
    assert read(text).os.cmdline == cmdline  # type: ignore[attr-defined]


def test_hvm_os() -> None:
    dom = read('builder = "hvm"\nbios = "ovmf"\nboot = "ndcaz"\nacpi_firmware = "/s.dat"')
    loader = dom.os.loader  # type: ignore[attr-defined]
    assert (loader.path, loader.type, loader.readonly) == (
        "/usr/lib/xen/boot/ovmf.bin", "pflash", True)
    assert dom.os.boot_devs == ["network", "cdrom", "hd", "fd"]  # type: ignore[attr-defined]
    assert [(t.type, t.path) for t in dom.os.acpi_tables] == [  # type: ignore[attr-defined]
        ("rawset", "/s.dat")]


def test_xenbus_limits() -> None:
    dom = read("max_event_channels = 2047\nmax_grant_frames = 4294967295")
    xenbus = [c for c in dom.devices.controllers if c.type == "xenbus"]  # type: ignore[attr-defined]
    assert [(c.max_event_channels, c.max_grant_frames) for c in xenbus] == [(2047, None)]


def test_device_model_args() -> None:
    dom = read('device_model_args = [ "-debug", 1, "-x y" ]')
    assert dom.xen_cmdline == ["-debug", "-x y"]  # type: ignore[attr-defined]


@pytest.mark.parametrize("text, kind, message", [
    ("", InternalError, "internal error: config value name was missing"),
    ("name = 1", InternalError,
     "internal error: memory conf: expected a string for 'name' parameter"),
    ('name = "g"\ntype = "hvm64"', ConfigUnsupported,
     "unsupported configuration: type hvm64 is not supported"),
    ('name = "g"\non_crash = "soft-reset"', InternalError,
     "internal error: unexpected value soft-reset for on_crash"),
    ('name = "g"\non_reboot = ""', InternalError,
     "internal error: unexpected value  for on_reboot"),
    ('name = "g"\nmemory = -5', InternalError, "internal error: config value memory was malformed"),
    ('name = "g"\nviridian = [ "base" ]\nbuilder = "hvm"', InternalError,
     "internal error: config value viridian was malformed"),
    ('name = "g"\ncpus = "a"', InvalidArgument, "invalid argument: Failed to parse bitmap 'a'"),
    ('name = "g"\nmemory = 0', XenvirshError,
     "XML error: Memory size must be specified via <memory> or in the <numa> configuration"),
    ('name = "g"\nbuilder = "hvm"\nspice = 1', InternalError,
     "internal error: config value spicepasswd was missing"),
    # an empty vdev is a disk name no index matches (libvirt's post-parse)
    ('name = "g"\ndisk = [ "/x,,," ]', XenvirshError,
     "XML error: Unknown disk name '' and no address specified"),
    ('name = "g"\ndisk = [ "format=,vdev=,target=/x" ]', XenvirshError,
     "XML error: Unknown disk name '' and no address specified"),
])
def test_read_errors(text: str, kind: type, message: str) -> None:
    with pytest.raises(kind) as err:
        xl.read(text, TEST_HOST)
    assert str(err.value) == message


HVM_XML = """<domain type='xen'>
  <name>g</name>
  <uuid>c7a5fdb2-cdaf-9455-926a-d65c16db1809</uuid>
  <memory unit='KiB'>1048577</memory>
  <currentMemory unit='KiB'>524288</currentMemory>
  <vcpu placement='static' cpuset='0-1' current='1'>2</vcpu>
  <os>
    <type arch='x86_64' machine='xenfv'>hvm</type>
    <loader readonly='yes' type='pflash'>/ovmf.bin</loader>
    <kernel>/k</kernel>
    <boot dev='cdrom'/>
  </os>
  <features><acpi/><apic/><hap state='off'/></features>
  <cpu mode='host-passthrough'><feature policy='disable' name='tm'/></cpu>
  <clock offset='variable' adjustment='5' basis='utc'><timer name='hpet' present='no'/></clock>
  <on_crash>preserve</on_crash>
  <devices>
    <emulator>/qemu</emulator>
    <disk type='file' device='disk'><source file='/x'/><target dev='hda' bus='ide'/></disk>
    <controller type='usb' index='0' model='qusb2' ports='4'/>
    <controller type='xenbus' maxEventChannels='64'/>
    <interface type='bridge'><mac address='00:16:3e:00:00:01'/><source bridge='br0'/></interface>
    <serial type='pty'/>
    <channel type='pty'><target type='xen' name='c'/></channel>
    <input type='tablet' bus='usb'/>
    <graphics type='vnc' port='5901' autoport='no'/>
    <sound model='sb16'/>
    <hostdev mode='subsystem' type='pci'>
      <source><address domain='0' bus='1' slot='2' function='3'/></source>
    </hostdev>
    <hostdev mode='subsystem' type='usb'><source><address bus='1' device='2'/></source></hostdev>
  </devices>
</domain>
"""

HVM_CFG = '''name = "g"
uuid = "c7a5fdb2-cdaf-9455-926a-d65c16db1809"
maxmem = 1025
memory = 512
maxvcpus = 2
vcpus = 1
cpus = "0-1"
pae = 1
acpi = 1
apic = 1
hap = 0
viridian = 0
hpet = 0
rtc_timeoffset = 5
localtime = 0
on_poweroff = "destroy"
on_reboot = "restart"
on_crash = "preserve"
device_model_override = "/qemu"
sdl = 0
vnc = 1
vncunused = 0
vncdisplay = 1
vif = [ "mac=00:16:3e:00:00:01,bridge=br0,script=vif-bridge" ]
pci = [ "0000:01:02.3" ]
parallel = "none"
serial = "pty"
soundhw = "sb16"
builder = "hvm"
bios = "ovmf"
bios_path_override = "/ovmf.bin"
kernel = "/k"
boot = "d"
nestedhvm = 1
cpuid = "host,tm=0"
max_event_channels = 64
disk = [ "format=raw,vdev=hda,access=rw,target=/x" ]
usb = 1
usbdevice = "tablet"
usbdev = [ "hostbus=1,hostaddr=2" ]
usbctrl = [ "type=qusb,version=2,ports=4" ]
channel = [ "connection=pty,name=c" ]
'''


def test_write_hvm_in_libvirts_order() -> None:
    assert xl.write(parse_domain_xml(HVM_XML, TEST_HOST), TEST_HOST) == HVM_CFG


def test_write_pvh() -> None:
    xml = """<domain type='xen'><name>p</name><uuid>c7a5fdb2-cdaf-9455-926a-d65c16db1809</uuid>
      <memory>1024</memory><os><type>xenpvh</type><kernel>/k</kernel><cmdline>c</cmdline></os>
      <bootloader>pygrub</bootloader><bootloader_args>-q</bootloader_args>
      <clock offset='localtime'/><features><xen><e820_host state='on'/></xen></features>
      <devices><graphics type='sdl' display=':1'/></devices></domain>"""
    assert xl.write(parse_domain_xml(xml, TEST_HOST), TEST_HOST) == (
        'name = "p"\nuuid = "c7a5fdb2-cdaf-9455-926a-d65c16db1809"\nmaxmem = 1\nmemory = 1\n'
        'vcpus = 1\ne820_host = 1\nlocaltime = 1\non_poweroff = "destroy"\n'
        'on_reboot = "restart"\non_crash = "destroy"\nvfb = [ "type=sdl,display=:1" ]\n'
        'type = "pvh"\nbootloader = "pygrub"\nbootargs = "-q"\nkernel = "/k"\ncmdline = "c"\n'
    )


def test_round_trip_through_native_convert() -> None:
    from xenvirsh.conversion import native_convert

    # read back, a disk gets libvirt's default driver (qemu, written as qdisk)
    stable = HVM_CFG.replace("access=rw,target", "access=rw,backendtype=qdisk,target")
    assert native_convert("xen-xl", "xen-xl", stable, TEST_HOST) == stable


# --- the CLI: one "error: ..." line, exit status 1, no traceback --------------------------


@pytest.mark.parametrize("data, message", [
    (b"", "internal error: config value name was missing"),
    (b"# nothing but a comment\n", "internal error: config value name was missing"),
    (b'name = "g"\nmemory = "lots"\n', "internal error: config value memory was malformed"),
    (b'name = "g"\nvif = [ "bridge=br0,trusted" ]\n',
     "internal error: vif entry 'bridge=br0,trusted': item 'trusted' is not a key=value pair"),
    (b'name = "g"\ndisk = [ "foo=bar" ]\n',
     "configuration file syntax error: disk specification: unknown parameter: near `foo=b' "
     "in `foo=bar'"),
    (b"\xff\xfe\x00garbage", "config is not UTF-8 text (byte 0xff at offset 0)"),
    (b'name = "g"\x00', "config contains a NUL byte at offset 10"),
])
def test_cli_errors(xenvirsh, tmp_path: Path, data: bytes, message: str) -> None:  # type: ignore[no-untyped-def]
    cfg = tmp_path / "guest.cfg"
    cfg.write_bytes(data)
    result = xenvirsh("-c", "test:///default", "-q", "domxml-from-native", "xen-xl", str(cfg))
    assert (result.status, result.out, result.err) == (1, "", f"error: {message}\n")


def test_cli_syntax_error_names_the_line(xenvirsh, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cfg = tmp_path / "guest.cfg"
    cfg.write_text('name = "g"\n\nmemory = 512 * 2\n')
    result = xenvirsh("-c", "test:///default", "-q", "domxml-from-native", "xen-xl", str(cfg))
    assert result.status == 1 and result.out == ""
    assert result.err.startswith(
        "error: configuration file syntax error: memory conf:3: expecting a separator")
    assert result.err.count("\n") == 1


@pytest.mark.parametrize("data", [
    b"<domain type='xen'><name>g</name><memory>1024</memory><os><type>hvm</type></os>"
    b"<devices><interface type='user'/></devices></domain>",
    b"<domain type='xen'><name>g</name><memory>1024</memory><os><type>hvm</type></os>"
    b"<clock offset='timezone' timezone='UTC'/></domain>",
])
def test_cli_to_native_errors(xenvirsh, tmp_path: Path, data: bytes) -> None:  # type: ignore[no-untyped-def]
    xml = tmp_path / "guest.xml"
    xml.write_bytes(data)
    result = xenvirsh("-c", "test:///default", "-q", "domxml-to-native", "xen-xl", str(xml))
    assert (result.status, result.out) == (1, "")
    assert result.err.startswith("error: ") and result.err.count("\n") == 1
