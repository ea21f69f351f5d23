"""The libxl-json writer: libxl's JSON dialect, and libvirt's libxlBuildDomainConfig.

Expectations come from libvirt 11.3.0 (src/libxl/libxl_conf.c), Xen 4.17's IDL and
JSON generator (libxl_types.idl, gentypes.py, libxl_json.c, libxl_cpuid.c), and were
checked against the lvconv oracle.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Optional

import pytest

from xenvirsh import record
from xenvirsh.errors import XenvirshError
from xenvirsh.formats import libxl_json
from xenvirsh.formats.domxml import parse_domain_xml
from xenvirsh.formats.libxl import yajl
from xenvirsh.formats.libxl.cpuid import CpuidPolicy
from xenvirsh.formats.libxl.domain_config import DEVICE_NIC, DEVICE_USBDEV, DOMAIN_BUILD_INFO
from xenvirsh.formats.libxl.idl import to_json
from xenvirsh.host import TEST_HOST, Host

UUID = "4f5e1a3b-0c2d-4e6f-8a9b-0c1d2e3f4a5b"
OS_TYPES = {"hvm": "hvm", "pv": "linux", "pvh": "xenpvh"}


def _xml(os_type: str = "hvm", *, devices: str = "", os_extra: str = "", top: str = "",
         vcpu: str = "<vcpu>2</vcpu>", memory: str = "<memory unit='KiB'>262144</memory>") -> str:
    return (f"<domain type='xen'><name>guest</name><uuid>{UUID}</uuid>{memory}{vcpu}{top}"
            f"<os><type>{OS_TYPES[os_type]}</type>{os_extra}</os>"
            f"<devices>{devices}</devices></domain>")


def _write(xml: str, host: Host = TEST_HOST) -> str:
    return libxl_json.write(parse_domain_xml(xml, host), host)


def _config(xml: str, host: Host = TEST_HOST) -> Dict[str, Any]:
    config: Dict[str, Any] = json.loads(_write(xml, host))
    return config


# --- the JSON text ------------------------------------------------------------------


def test_yajl_beautify_layout() -> None:
    text = yajl.dumps({"a": {}, "b": [1, {"c": True}], "d": []})
    assert text == ('{\n    "a": {\n\n    },\n    "b": [\n        1,\n        {\n'
                    '            "c": true\n        }\n    ],\n    "d": [\n\n    ]\n}\n')


def test_yajl_string_escapes() -> None:
    assert yajl.dumps(["q\"\\\t\n\r\x01/é"]) == '[\n    "q\\"\\\\\\t\\n\\r\\u0001/é"\n]\n'


def test_minimal_pv_guest_is_written_exactly() -> None:
    xml = _xml("pv", os_extra="<kernel>/boot/vmlinuz</kernel>", vcpu="<vcpu>1</vcpu>")
    assert _write(xml) == f"""{{
    "c_info": {{
        "type": "pv",
        "name": "guest",
        "uuid": "{UUID}"
    }},
    "b_info": {{
        "max_vcpus": 1,
        "avail_vcpus": [
            0
        ],
        "max_memkb": 262144,
        "target_memkb": 262144,
        "shadow_memkb": 1234,
        "sched_params": {{

        }},
        "type.pv": {{
            "kernel": "/boot/vmlinuz"
        }},
        "arch_arm": {{

        }},
        "arch_x86": {{

        }}
    }},
    "on_reboot": "restart"
}}
"""


# --- the IDL rules --------------------------------------------------------------------


def test_fields_in_idl_order_without_defaults() -> None:
    nic = {"nictype": "vif", "mac": "00:16:3E:00:00:01", "devid": 0, "mtu": 0,
           "bridge": None, "ip": "10.0.0.1"}
    # devid 0 differs from libxl_devid's -1; mtu 0 and a NULL bridge are defaults
    assert list(to_json(DEVICE_NIC, nic).items()) == [
        ("devid", 0), ("mac", "00:16:3e:00:00:01"), ("ip", "10.0.0.1"), ("nictype", "vif")]
    defaults = {"devid": -1, "nictype": "unknown", "mac": "00:00:00:00:00:00"}
    assert to_json(DEVICE_NIC, defaults) == {}


def test_struct_members_always_written_and_unions_keyed() -> None:
    b_info = {"type": "pvh", "u": {}, "max_memkb": (1 << 64) - 1, "localtime": False,
              "sched_params": {"weight": -1, "cap": 100}, "avail_vcpus": {3, 1}}
    assert to_json(DOMAIN_BUILD_INFO, b_info) == {
        "avail_vcpus": [1, 3], "localtime": "False", "sched_params": {"cap": 100},
        "type.pvh": {}, "arch_arm": {}, "arch_x86": {}}


def test_union_without_key_is_left_out() -> None:
    assert to_json(DEVICE_USBDEV, {"u": {"hostbus": 1, "hostaddr": 2}}) == {}
    assert to_json(DEVICE_USBDEV, {"type": "hostdev", "u": {"hostbus": 1, "hostaddr": 2}}) == {
        "type.hostdev": {"hostbus": 1, "hostaddr": 2}}


def test_unknown_field_and_enum_value_are_refused() -> None:
    with pytest.raises(ValueError, match="no field 'bridgee'"):
        to_json(DEVICE_NIC, {"bridgee": "br0"})
    with pytest.raises(ValueError, match="not a libxl_nic_type"):
        to_json(DEVICE_NIC, {"nictype": "e1000"})


# --- the CPUID policy -------------------------------------------------------------------


def test_cpuid_features_and_msrs() -> None:
    policy = CpuidPolicy()
    assert policy.is_empty()
    assert policy.parse("tsc=1")  # leaf 1 edx bit 4
    assert policy.parse("sse3=0")  # leaf 1 ecx bit 0
    assert policy.parse("avx2=1")  # leaf 7 subleaf 0 ebx bit 5
    assert policy.parse("rdcl-no=1")  # ARCH_CAPS bit 0
    assert policy.to_json() == {
        "cpuid": [
            {"leaf": 1, "ecx": "x" * 31 + "0", "edx": "x" * 27 + "1" + "x" * 4},
            {"leaf": 7, "subleaf": 0, "ebx": "x" * 26 + "1" + "x" * 5},
        ],
        "msr": [{"index": 0x10A, "policy": "x" * 63 + "1"}],
    }


@pytest.mark.parametrize("setting, mask", [
    # family: bits 8-11, and the extended family in bits 20-27 above 15
    ("family=1", "xxxx" + "00000000" + "x" * 8 + "0001" + "x" * 8),
    ("family=20", "xxxx" + "00000101" + "x" * 8 + "1111" + "x" * 8),
    # model: bits 4-7, and the extended model in bits 16-19
    ("model=1", "x" * 12 + "0000" + "x" * 8 + "0001" + "xxxx"),
    ("stepping=x", "x" * 32),
    ("stepping=k", "x" * 28 + "kkkk"),
])
def test_cpuid_multi_bit_fields(setting: str, mask: str) -> None:
    policy = CpuidPolicy()
    assert policy.parse(setting)
    assert policy.to_json()["cpuid"] == [{"leaf": 1, "eax": mask}]


@pytest.mark.parametrize("setting", ["bogus=1", "tsc", "tsc=", "tsc=q", "rdcl-no=10"])
def test_cpuid_refusals(setting: str) -> None:
    assert not CpuidPolicy().parse(setting)


# --- libxlBuildDomainConfig -------------------------------------------------------------


def test_pv_boot_choices() -> None:
    assert _config(_xml("pv"))["b_info"]["type.pv"] == {"bootloader": "pygrub"}
    pv = _config(_xml("pv", top="<bootloader>/bin/pyg</bootloader>"
                                "<bootloader_args>-q \t\n-v</bootloader_args>"))
    assert pv["b_info"]["type.pv"] == {"bootloader": "/bin/pyg", "bootloader_args": ["-q", "-v"]}
    pvh = _config(_xml("pvh", os_extra="<kernel>/k</kernel><cmdline>ro</cmdline>"))
    assert (pvh["b_info"]["kernel"], pvh["b_info"]["cmdline"]) == ("/k", "ro")
    assert pvh["b_info"]["type.pvh"] == {}


def test_hvm_defaults() -> None:
    b_info = _config(_xml(os_extra="<boot dev='cdrom'/><boot dev='network'/><boot dev='fd'/>",
                          memory="<memory unit='KiB'>262145</memory>"
                                 "<currentMemory unit='KiB'>1</currentMemory>"))["b_info"]
    assert (b_info["max_memkb"], b_info["target_memkb"]) == (263168, 1024)
    assert (b_info["acpi"], b_info["apic"]) == ("False", "False")
    assert b_info["type.hvm"] == {
        "pae": "True", "nographic": "True", "vga": {"kind": "none"},
        "vnc": {"enable": "False"}, "sdl": {"enable": "False"}, "spice": {},
        "boot": "dna", "rdm": {}}


def test_vcpu_pins_give_hard_affinity() -> None:
    host = record.replace(TEST_HOST, max_cpus=12)
    b_info = _config(_xml(vcpu="<vcpu>4</vcpu>",
                          top="<cputune><vcpupin vcpu='2' cpuset='1,3,17'/></cputune>"),
                     host)["b_info"]
    # unpinned vCPUs below the last pinned one may use every CPU of the 16-bit map
    assert b_info["vcpu_hard_affinity"] == [list(range(16)), list(range(16)), [1, 3]]
    assert b_info["numa_placement"] == "False"


def test_host_passthrough_cpu() -> None:
    cpu = ("<cpu mode='host-passthrough'><feature policy='disable' name='vmx'/>"
           "<feature policy='require' name='pni'/></cpu>")
    b_info = _config(_xml(top=cpu))["b_info"]
    assert b_info["nested_hvm"] == "False"
    assert b_info["cpuid"] == {"cpuid": [{"leaf": 1, "ecx": "x" * 31 + "1"}], "msr": []}
    # the host has vmx and the driver allows nesting
    assert _config(_xml(top="<cpu mode='host-passthrough'/>"))["b_info"]["nested_hvm"] == "True"
    assert "nested_hvm" not in _config(_xml("pv", top="<cpu mode='host-passthrough'/>"))["b_info"]


@pytest.mark.parametrize("hyperv, bits", [
    ("<hyperv mode='custom'/>", [0, 6]),
    ("<hyperv><stimer state='on'/><ipi state='on'/><relaxed state='on'/></hyperv>",
     [0, 2, 3, 6, 7, 8, 9]),
    ("<hyperv mode='passthrough'/>", list(range(64))),
])
def test_viridian(hyperv: str, bits: list[int]) -> None:
    hvm = _config(_xml(top=f"<features>{hyperv}</features>"))["b_info"]["type.hvm"]
    assert hvm["viridian_enable"] == bits


def test_vnuma_nodes() -> None:
    cells = "".join(f"<cell id='{i}' cpus='{i}' memory='1024' unit='KiB'/>" for i in range(7))
    nodes = _config(_xml(vcpu="<vcpu>7</vcpu>", memory="",
                         top=f"<cpu><numa>{cells}</numa></cpu>"))["b_info"]["vnuma_nodes"]
    # seven cells on the six-node test host: all on node 0, default distances
    assert nodes[1] == {"memkb": 1024, "distances": [20, 10, 20, 20, 20, 20, 20], "vcpus": [1]}
    assert all("pnode" not in node for node in nodes)


@pytest.mark.parametrize("driver, fmt, expected", [
    ("", "", ("raw", None)),  # the backend left to libxl is the default: not written
    ("tap", "qcow2", ("qcow2", "qdisk")),
    ("tap2", "vhd", ("vhd", "tap")),
    ("qemu", "qed", ("qed", "qdisk")),
    ("file", "raw", ("raw", "qdisk")),
    ("phy", "raw", ("raw", "phy")),
])
def test_disk_backends(driver: str, fmt: str, expected: tuple[str, Optional[str]]) -> None:
    drv = f"<driver name='{driver}' type='{fmt}'/>" if driver else ""
    disk = _config(_xml(devices=f"<disk type='file'>{drv}<source file='/d.img'/>"
                                "<target dev='xvda'/></disk>"))["disks"][0]
    assert (disk["format"], disk.get("backend")) == expected


def test_disk_flags() -> None:
    config = _config(_xml(devices=(
        "<disk type='file' device='cdrom'><target dev='hdc'/></disk>"
        "<disk type='file'><driver name='qemu' discard='unmap'/><source file='/a'/>"
        "<target dev='xvda'/><backenddomain name='dd'/></disk>"
        "<disk type='network'><source protocol='rbd' name='pool/img'><host name='::1'"
        " port='6789'/><host name='mon'/></source><target dev='xvdb'/><readonly/></disk>")))
    disks = {disk["vdev"]: disk for disk in config["disks"]}
    # an empty CD-ROM; the read-only flag libvirt gives CD-ROMs clears readwrite
    assert disks["hdc"] == {"vdev": "hdc", "format": "empty", "removable": 1, "is_cdrom": 1}
    assert disks["xvda"]["discard_enable"] == "True"
    assert disks["xvda"]["backend_domname"] == "dd"
    assert disks["xvdb"]["pdev_path"] == (
        "rbd:pool/img:auth_supported=none:mon_host=[\\:\\:1]\\:6789\\;mon")
    assert "readwrite" not in disks["xvdb"]


def test_nics() -> None:
    devices = (
        "<interface type='bridge'><mac address='00:16:3e:00:00:01'/><source bridge='br0'/>"
        "<virtualport type='openvswitch'/><vlan trunk='yes'><tag id='4'/><tag id='5'/></vlan>"
        "<bandwidth><outbound average='1000'/></bandwidth><ip address='010.0.0.1'/></interface>"
        "<interface type='hostdev'><source><address type='pci' domain='0' bus='1' slot='2'"
        " function='3'/></source></interface>"
        "<interface type='ethernet'><mac address='00:16:3e:00:00:02'/>"
        "<model type='netfront'/></interface>")
    config = _config(_xml(devices=devices))
    assert config["nics"] == [
        {"devid": 0, "mac": "00:16:3e:00:00:01", "ip": "8.0.0.1", "bridge": "br0:4:5",
         "script": "vif-openvswitch", "nictype": "vif_ioemu",
         "rate_bytes_per_interval": 51200, "rate_interval_usecs": 50000},
        {"devid": 1, "model": "netfront", "mac": "00:16:3e:00:00:02", "nictype": "vif"},
    ]
    assert config["pcidevs"] == [{"func": 3, "dev": 2, "bus": 1}]


def test_network_interface_uses_the_host_networks() -> None:
    host = record.replace(TEST_HOST, network_bridge={"default": "virbr0"}.get)
    nic = _config(_xml("pv", devices="<interface type='network'><source network='default'/>"
                                     "</interface>"), host)["nics"][0]
    assert (nic["bridge"], nic["nictype"]) == ("virbr0", "vif")
    with pytest.raises(XenvirshError, match="^Network not found: no network with matching "
                                            "name 'default'$"):
        _write(_xml(devices="<interface type='network'><source network='default'/>"
                            "</interface>"))


def test_displays_and_ports() -> None:
    devices = ("<graphics type='vnc' keymap='de'/><graphics type='vnc' listen='::'/>"
               "<graphics type='sdl' display=':1'/>")
    config = _config(_xml(devices=devices))
    assert [vfb["vnc"] for vfb in config["vfbs"]] == [
        {"enable": "True", "findunused": "False"},
        {"enable": "True", "listen": "::", "display": 1, "findunused": "False"},
        {"enable": "False"}]
    assert config["vfbs"][2]["sdl"] == {"enable": "True", "opengl": "False", "display": ":1"}
    assert config["vkbs"] == [{}, {}, {}]
    hvm = config["b_info"]["type.hvm"]
    assert (hvm["vnc"], hvm["keymap"]) == ({"enable": "True", "findunused": "False"}, "de")


def test_spice_is_preferred_and_gets_the_next_port() -> None:
    busy = record.replace(TEST_HOST, vnc_port_free=lambda port: port != 5900)
    config = _config(_xml(devices="<graphics type='vnc'/><graphics type='spice' autoport='yes'>"
                                  "<clipboard copypaste='yes'/></graphics>"), busy)
    hvm = config["b_info"]["type.hvm"]
    assert hvm["vnc"] == {"enable": "False"}
    assert hvm["spice"] == {"enable": "True", "port": 5902, "host": "127.0.0.1",
                            "disable_ticketing": "True", "agent_mouse": "True",
                            "vdagent": "True", "clipboard_sharing": "True"}


def test_usb_and_channels() -> None:
    usb = "".join(f"<hostdev mode='subsystem' type='usb'><source><address bus='1' device='{i}'/>"
                  "</source></hostdev>" for i in range(1, 10))
    chan = ("<channel type='unix'><target type='xen' name='org.agent'/></channel>"
            "<channel type='pty'><target type='xen' name='p'/></channel>")
    config = _config(_xml(devices=usb + chan))
    assert config["usbctrls"] == [{"type": "qusb", "devid": i, "version": 2, "ports": 8}
                                  for i in (0, 1)]
    assert config["usbdevs"] == [{}] * 9  # libvirt leaves the union key unset
    assert config["channels"] == [
        {"name": "org.agent", "connection.socket":
            {"path": "/var/lib/libvirt/libxl/channel/target/guest-org.agent"}},
        {"name": "p", "connection.pty": {}}]


def test_lifecycle_serials_and_extras() -> None:
    xml = _xml(devices="<serial type='tcp'><source mode='bind' host='0.0.0.0' service='9'/>"
                       "<protocol type='telnet'/></serial><serial type='udp'>"
                       "<source mode='connect' service='7'/></serial><sound model='ich6'/>"
                       "<input type='tablet' bus='usb'/>",
               top="<on_poweroff>preserve</on_poweroff><on_crash>rename-restart</on_crash>")
    config = _config(xml)
    hvm = config["b_info"]["type.hvm"]
    assert hvm["serial_list"] == ["telnet:0.0.0.0:9,server,nowait", "udp::7@:0"]
    assert (hvm["soundhw"], hvm["usbdevice_list"]) == ("hda", ["tablet"])
    assert (config["on_poweroff"], config["on_reboot"], config["on_crash"]) == (
        "preserve", "restart", "restart_rename")


# --- what libvirt refuses ---------------------------------------------------------------

REFUSALS = [
    (_xml(devices="<parallel type='pty'/>"),
     "unsupported configuration: Parallel devices are not supported by libxl"),
    (_xml(devices="<input type='keyboard' bus='usb'/>"),
     "unsupported configuration: Unknown input device type"),
    (_xml(devices="<memballoon model='virtio'/>"),
     "unsupported configuration: unsupported balloon device model 'virtio'"),
    (_xml(devices="<memballoon model='none'/>"),
     "unsupported configuration: balloon device cannot be disabled"),
    (_xml(devices="<video><model type='vmvga'/></video>"),
     "unsupported configuration: video type vmvga is not supported by libxl"),
    (_xml(devices="<video><model type='cirrus' vram='4096'/></video>"),
     "unsupported configuration: videoram must be at least 8MB for CIRRUS"),
    (_xml(devices="<disk type='file'><driver name='vbox'/><source file='/x'/>"
                  "<target dev='xvda'/></disk>"),
     "internal error: libxenlight does not support disk driver vbox"),
    (_xml(devices="<disk type='file'><driver name='phy' type='qcow2'/><source file='/x'/>"
                  "<target dev='xvda'/></disk>"),
     "internal error: libxenlight does not support disk format qcow2 with disk driver phy"),
    (_xml(devices="<disk type='file'><source file='/x'/><target dev='xvda'/><transient/></disk>"),
     "internal error: libxenlight does not support transient disks"),
    (_xml(devices="<disk type='network'><source protocol='nbd'><host name='h'/></source>"
                  "<target dev='xvda'/></disk>"),
     "this function is not supported by the connection driver: "
     "Unsupported network block protocol 'nbd'"),
    (_xml(devices="<disk type='network'><driver name='phy'/><source protocol='rbd' name='p/i'/>"
                  "<target dev='xvda'/></disk>"),
     "Requested operation is not valid: only the 'qemu' driver can be used with network disks"),
    (_xml(devices="<disk type='network'><source protocol='rbd' name='p/i:x'/>"
                  "<target dev='xvda'/></disk>"),
     "unsupported configuration: ':' not allowed in RBD source volume name 'i:x'"),
    (_xml(devices="<interface type='user'/>"),
     "unsupported configuration: unsupported interface type user"),
    (_xml(devices="<interface type='user'><script path='s'/></interface>"),
     "unsupported configuration: specifying a script is only supported with interface types "
     "bridge and ethernet"),
    (_xml("pv", devices="<interface type='bridge'><source bridge='b'/><model type='e1000'/>"
                        "</interface>"),
     "unsupported configuration: only model 'netfront' is supported for Xen PV(H) domains"),
    (_xml(top="<clock offset='timezone' timezone='UTC'/>"),
     "unsupported configuration: unsupported clock offset 'timezone'"),
    (_xml(top="<clock offset='absolute' start='0'/>"),
     "unsupported configuration: unexpected clock offset '4'"),
    (_xml(top="<clock offset='utc'><timer name='rtc'/></clock>"),
     "unsupported configuration: unsupported timer type (name) 'rtc'"),
    (_xml("pv", top="<clock offset='utc'><timer name='hpet' present='yes'/></clock>"),
     "unsupported configuration: unsupported timer type (name) 'hpet'"),
    (_xml(top="<cpu mode='host-passthrough'><feature policy='require' name='bogus'/></cpu>"),
     "unsupported configuration: unsupported cpu feature 'bogus'"),
    (_xml(devices="<emulator>/nonexistent/qemu</emulator>"),
     "unsupported configuration: emulator '/nonexistent/qemu' not found"),
    (_xml(devices="<emulator>/</emulator>"),
     "unsupported configuration: emulator '/' is not executable"),
    (_xml(os_extra="<loader type='pflash' format='qcow2'>/ovmf.qcow2</loader>"),
     "unsupported configuration: Unsupported loader format 'qcow2'"),
    (_xml(devices="<serial type='nmdm'><source master='/dev/a' slave='/dev/b'/></serial>"),
     "unsupported configuration: unsupported chardev 'nmdm'"),
    (_xml(devices="<channel type='pty'><target type='xen'/></channel>"),
     "Requested operation is not valid: channel target name missing"),
    (_xml(devices="<channel type='pty'><target type='virtio' name='x'/></channel>"),
     "unsupported configuration: channel target type not supported"),
    (_xml(devices="<controller type='usb' model='ehci'/>"),
     "unsupported configuration: unsupported usb model"),
    (_xml(devices="<hostdev mode='subsystem' type='usb'><source><vendor id='0x1d6b'/>"
                  "<product id='0x2'/></source></hostdev>"),
     "operation failed: failed to find USB device busnum:devnum for 1d6b:2"),
    (_xml(devices="<disk type='network'><source protocol='rbd' name='p/i'/>"
                  "<auth username='u'><secret type='ceph' usage='s'/></auth>"
                  "<target dev='xvda'/></disk>"),
     "Secret not found: no secret with matching usage 's'"),
    (_xml(devices="<graphics type='vnc'/>" * 102),
     "internal error: Unable to find an unused port in range 'vnc' (5900-6000)"),
]


@pytest.mark.parametrize("xml, message", REFUSALS, ids=[m.split(": ", 1)[1][:40]
                                                        for _, m in REFUSALS])
def test_refusals(xml: str, message: str) -> None:
    with pytest.raises(XenvirshError) as err:
        _write(xml)
    assert str(err.value) == message


def test_refusal_through_the_cli(xenvirsh, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "guest.xml"
    path.write_text(_xml(devices="<parallel type='pty'/>"))
    result = xenvirsh("-c", "test:///default", "-q", "domxml-to-native", "libxl-json", str(path))
    assert (result.status, result.out) == (1, "")
    assert result.err == "error: unsupported configuration: Parallel devices are not supported " \
                         "by libxl\n"


def test_large_config_is_not_cut_short(xenvirsh, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # libvirt's 65 KiB buffer is for xl and xm files; libxl prints JSON of any size
    path = tmp_path / "guest.xml"
    path.write_text(_xml(vcpu="<vcpu>64</vcpu>",
                         top="<cputune><vcpupin vcpu='63' cpuset='0'/></cputune>"))
    result = xenvirsh("-c", "test:///default", "-q", "domxml-to-native", "libxl-json", str(path))
    assert (result.status, result.err) == (0, "")
    assert len(result.out) > 65 * 1024
    affinity = json.loads(result.out)["b_info"]["vcpu_hard_affinity"]
    assert (len(affinity), affinity[0], affinity[63]) == (64, list(range(64)), [0])
