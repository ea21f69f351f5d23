"""Domain XML as libvirt 11.3's libxl driver defines and dumps it.

Each case is a small document run through parse_domain_xml and format_domain
(``virsh define`` + ``virsh dumpxml --inactive --security-info``): either a
fragment the output must contain verbatim, or the error define reports.
"""

from __future__ import annotations

from typing import List, Tuple

import pytest

from xenvirsh.errors import XenvirshError
from xenvirsh.formats.domxml import format_domain, parse_domain_xml
from xenvirsh.host import TEST_HOST

_OS = {
    "hvm": "<type arch='x86_64' machine='xenfv'>hvm</type>",
    "pv": "<type arch='x86_64'>linux</type><kernel>/boot/vmlinuz</kernel>",
}


def _doc(devices: str = "", top: str = "", os: str = "", kind: str = "hvm") -> str:
    return ("<domain type='xen'><name>guest</name>"
            "<uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>"
            f"<memory unit='KiB'>524288</memory><vcpu>2</vcpu>{top}"
            f"<os>{_OS[kind]}{os}</os><devices>{devices}</devices></domain>")


def _dump(xml: str) -> str:
    return format_domain(parse_domain_xml(xml, TEST_HOST), secure=True)


def _lines(*lines: str) -> str:
    return "".join(line + "\n" for line in lines)


ROUND_TRIPS: List[Tuple[str, str, str]] = [
    ("pci controller target",
     _doc("<controller type='pci' index='1' model='pcie-root-port'>"
          "<model name='pcie-root-port'/><target chassis='1' port='16' busNr='5'/>"
          "</controller>"),
     _lines("    <controller type='pci' index='1' model='pcie-root-port'>",
            "      <model name='pcie-root-port'/>",
            "      <target chassis='1' port='0x10' busNr='5'/>",
            "    </controller>")),
    ("controller iothread mapping",
     _doc("<controller type='scsi' model='virtio-scsi'><driver queues='4'><iothreads>"
          "<iothread id='1'><queue id='0'/></iothread></iothreads></driver></controller>"),
     _lines("    <controller type='scsi' index='0' model='virtio-scsi'>",
            "      <driver queues='4'>",
            "        <iothreads>",
            "          <iothread id='1'>",
            "            <queue id='0'/>",
            "          </iothread>",
            "        </iothreads>",
            "      </driver>",
            "    </controller>")),
    ("smm tseg in the largest exact unit",
     _doc(top="<features><smm><tseg unit='KiB'>49152</tseg></smm></features>"),
     _lines("  <features>",
            "    <pae/>",
            "    <smm state='on'>",
            "      <tseg unit='MiB'>48</tseg>",
            "    </smm>",
            "  </features>")),
    ("cpu cache and maxphysaddr",
     _doc(top="<cpu mode='host-passthrough'><cache mode='passthrough'/>"
              "<maxphysaddr mode='passthrough' limit='39'/></cpu>"),
     _lines("  <cpu mode='host-passthrough'>",
            "    <cache mode='passthrough'/>",
            "    <maxphysaddr mode='passthrough' limit='39'/>",
            "  </cpu>")),
    ("timer catchup",
     _doc(top="<clock offset='utc'><timer name='rtc' tickpolicy='catchup'>"
              "<catchup slew='120' threshold='123'/></timer></clock>"),
     _lines("    <timer name='rtc' tickpolicy='catchup'>",
            "      <catchup threshold='123' slew='120'/>",
            "    </timer>")),
    ("audio backend settings",
     _doc("<audio id='1' type='pulseaudio' serverName='srv'><input mixingEngine='yes' "
          "fixedSettings='yes' name='n' latency='10'><settings channels='2' "
          "format='s16'/></input></audio>"),
     _lines("    <audio id='1' type='pulseaudio' serverName='srv'>",
            "      <input mixingEngine='yes' fixedSettings='yes' name='n' latency='10'>",
            "        <settings channels='2' format='s16'/>",
            "      </input>",
            "    </audio>")),
    ("nvram template",
     _doc(os="<loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE.fd</loader>"
             "<nvram template='/usr/share/OVMF/OVMF_VARS.fd'>/var/lib/nv.fd</nvram>"),
     _lines("    <loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE.fd</loader>",
            "    <nvram template='/usr/share/OVMF/OVMF_VARS.fd'>/var/lib/nv.fd</nvram>")),
    ("nvram storage source",
     _doc(os="<loader type='pflash' stateless='no'>/x</loader>"
             "<nvram type='block' format='raw'><source dev='/dev/vg/nv'/></nvram>"),
     _lines("    <loader type='pflash' stateless='no'>/x</loader>",
            "    <nvram type='block' format='raw'>",
            "      <source dev='/dev/vg/nv'/>",
            "    </nvram>")),
    ("disk encryption and end of backing chain",
     _doc("<disk type='file'><driver name='qemu' type='qcow2'/><source file='/a.qcow2'>"
          "<encryption format='luks'><secret type='passphrase' "
          "uuid='0a81f5b2840378b2c8d621ccc2f80d6f'/></encryption></source>"
          "<backingStore/><target dev='xvda'/></disk>"),
     _lines("      <source file='/a.qcow2'>",
            "        <encryption format='luks'>",
            "          <secret type='passphrase' uuid='0a81f5b2-8403-78b2-c8d6-21ccc2f80d6f'/>",
            "        </encryption>",
            "      </source>",
            "      <backingStore/>",
            "      <target dev='xvda' bus='xen'/>")),
    ("USB device as interface",
     _doc("<interface type='hostdev' managed='yes'><mac address='00:16:3e:00:00:01'/>"
          "<source><vendor id='0x1234'/><product id='0xbeef'/></source></interface>"),
     _lines("    <interface type='hostdev' managed='yes'>",
            "      <mac address='00:16:3e:00:00:01'/>",
            "      <source>",
            "        <vendor id='0x1234'/>",
            "        <product id='0xbeef'/>",
            "      </source>",
            "    </interface>")),
    ("spice without ports listens nowhere",
     _doc("<graphics type='spice' autoport='no'/>"),
     _lines("    <graphics type='spice'>",
            "      <listen type='none'/>",
            "    </graphics>")),
    ("idmap sorted by start, keywrap after the devices",
     _doc(top="<idmap><uid start='10' target='2000' count='5'/><uid start='0' target='1000' "
              "count='10'/><gid start='0' target='1000' count='10'/></idmap>"
              "<keywrap><cipher name='dea' state='off'/></keywrap>"),
     _lines("  <idmap>",
            "    <uid start='0' target='1000' count='10'/>",
            "    <uid start='10' target='2000' count='5'/>",
            "    <gid start='0' target='1000' count='10'/>",
            "  </idmap>")),
    ("smartcard gets a CCID controller and slot",
     _doc("<smartcard mode='host'/><smartcard mode='host'/>"),
     _lines("    <controller type='ccid' index='0'/>",
            "    <smartcard mode='host'>",
            "      <address type='ccid' controller='0' slot='0'/>",
            "    </smartcard>",
            "    <smartcard mode='host'>",
            "      <address type='ccid' controller='0' slot='1'/>",
            "    </smartcard>")),
    ("virtio channel gets its virtio-serial controller",
     _doc("<channel type='pty'><target type='virtio' name='org.qemu.guest_agent.0'/>"
          "<address type='virtio-serial' controller='1' bus='0' port='1'/></channel>"),
     "    <controller type='virtio-serial' index='1'/>\n"),
    ("ISA serial ports fill the free ones",
     _doc("<serial type='pty'><target type='isa-serial' port='0'/></serial>"
          "<serial type='pty'><target type='isa-serial'/></serial>"),
     _lines("    <serial type='pty'>",
            "      <target type='isa-serial' port='1'/>",
            "    </serial>")),
    ("an evdev input has no bus",
     _doc("<input type='evdev'><source dev='/dev/input/event1' grab='all'/></input>"),
     _lines("    <input type='evdev'>",
            "      <source dev='/dev/input/event1' grab='all'/>",
            "    </input>")),
    ("filesystem access mode default",
     _doc("<filesystem type='mount'><source dir='/s'/><target dir='t'/></filesystem>"),
     _lines("    <filesystem type='mount' accessmode='passthrough'>",
            "      <source dir='/s'/>",
            "      <target dir='t'/>",
            "    </filesystem>")),
    ("rng source and vsock cid defaults",
     _doc("<rng model='virtio'><backend model='random'/></rng><vsock/>"),
     _lines("      <backend model='random'>/dev/random</backend>",
            "    </rng>",
            "    <vsock>",
            "      <cid auto='yes'/>",
            "    </vsock>")),
    ("metadata re-formatted, comments kept, elements without namespace dropped",
     _doc(top="<metadata><x:a xmlns:x='http://x/'><x:b attr='1'>t</x:b><!-- c --></x:a>"
              "<plain/></metadata>"),
     _lines("  <metadata>",
            '    <x:a xmlns:x="http://x/">',
            '      <x:b attr="1">t</x:b>',
            "      <!-- c -->",
            "    </x:a>",
            "  </metadata>")),
    ("kvm features",
     _doc(top="<features><kvm><dirty-ring state='on' size='4096'/><hidden state='on'/>"
              "</kvm><ioapic driver='qemu'/></features>"),
     _lines("    <kvm>",
            "      <hidden state='on'/>",
            "      <dirty-ring state='on' size='4096'/>",
            "    </kvm>",
            "    <ioapic driver='qemu'/>")),
]


@pytest.mark.parametrize("xml, fragment", [case[1:] for case in ROUND_TRIPS],
                         ids=[case[0] for case in ROUND_TRIPS])
def test_round_trip(xml: str, fragment: str) -> None:
    assert fragment in _dump(xml)


REFUSALS: List[Tuple[str, str]] = [
    (_doc("<memory model='dimm'><target><size unit='KiB'>524288</size><node>0</node>"
          "</target></memory>"),
     "unsupported configuration: memory devices are not supported by this driver"),
    (_doc("<panic model='isa'/><panic model='isa'/>"),
     "XML error: Multiple panic devices with model 'isa'"),
    (_doc("<disk type='file'><source file='/a'/><target dev='hda'/><boot order='1'/></disk>"
          "<interface type='bridge'><mac address='00:16:3e:00:00:01'/>"
          "<source bridge='br0'/><boot order='1'/></interface>"),
     "unsupported configuration: boot order '1' used for more than one device"),
    (_doc(top="<clock offset='utc'><timer name='pit'><catchup limit='5'/></timer></clock>"),
     "XML error: setting of timer catchup policies is only supported with "
     "tickpolicy='catchup'"),
    (_doc("<controller type='pci' index='1' model='pci-bridge'><target index='31'/>"
          "</controller>"),
     "unsupported configuration: PCI controller target index '31' out of range - must be 0-30"),
    (_doc("<controller type='scsi' model='lsilogic'><driver iothread='1'/></controller>"),
     "XML error: 'iothread' attribute only supported for virtio scsi controllers"),
    (_doc(os="<loader type='pflash' stateless='yes'>/x</loader><nvram>/n</nvram>"),
     "NVRAM is not permitted when loader is stateless"),
    (_doc(top="<idmap><uid start='0' target='1000' count='10'/></idmap>"),
     "unsupported configuration: uid and gid should be mapped both"),
    (_doc("<serial type='pty'><target type='isa-serial' port='4'/></serial>"),
     "internal error: Maximum supported number of ISA serial ports is '4'"),
    (_doc("<audio id='1' type='alsa'><input fixedSettings='yes'/></audio>"),
     "unsupported configuration: fixed audio settings requires mixing engine"),
    (_doc("<channel type='pty'><target/></channel>"),
     "unsupported configuration: unknown target type '(null)' specified for character device"),
    (_doc(top="<features><kvm><dirty-ring state='on' size='1000'/></kvm></features>"),
     "XML error: dirty ring must be power of 2 and ranges [1024, 65536]"),
    (_doc("<input type='tablet' bus='usb'/>", kind="pv"),
     "internal error: unsupported input bus usb"),
    (_doc("<disk type='file'><target dev='xvda'/></disk>"),
     "missing source information for device xvda"),
    (_doc("<disk type='network'><source protocol='gluster' name='vol/img'><host name='h'/>"
          "</source><target dev='xvda'/></disk><disk type='file'><source file='/a'/>"
          "<target dev='xvda'/></disk>"),
     "XML error: target 'xvda' duplicated for disk sources 'img' and '/a'"),
    # libvirt fails without an error of its own; virsh then says this
    (_doc(top="<resource/>"), "An error occurred, but the cause is unknown"),
]


@pytest.mark.parametrize("xml, message", REFUSALS, ids=[m[:50] for _, m in REFUSALS])
def test_refusal(xml: str, message: str) -> None:
    with pytest.raises(XenvirshError) as err:
        parse_domain_xml(xml, TEST_HOST)
    assert str(err.value) == message
