"""Hypothesis strategies: valid domain XML documents, and hostile bytes.

:func:`domain_xml` draws a whole ``<domain>`` for one of the three kinds of
Xen guest (HVM, PV, PVH) with the devices each kind can have: disks of every
source type and driver, bridged interfaces with MACs, scripts, IPs and
models, VNC/SDL/SPICE graphics, serial ports and consoles, inputs, sound
cards, PCI host devices, video, clock offsets, features and lifecycle
actions. What it draws is valid for libvirt's XML reader; the tests check
that xenvirsh accepts every document and keeps what each format can say.

:func:`mutated` draws a seed file (from ../shared/conformance) and applies a
few random byte-level edits, the way a fuzzer's mutator does.
"""

from __future__ import annotations

from typing import List, Optional, Sequence, Tuple
from xml.sax.saxutils import quoteattr

from hypothesis import strategies as st

# printable characters a path or a name may carry; none of the characters
# the native formats give a meaning to in a disk or vif spec (libvirt's
# writers escape nothing: a ':' in an xm disk path would start its path anew)
_SAFE = st.characters(min_codepoint=0x21, max_codepoint=0x7E,
                      blacklist_characters="\"'&<>,=[]\\#;():")
_WORD = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789_-"),
                min_size=1, max_size=12)


def _path(prefix: str) -> st.SearchStrategy[str]:
    return st.builds(lambda parts: prefix + "/".join(parts),
                     st.lists(st.text(_SAFE, min_size=1, max_size=10), min_size=1, max_size=3))


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


NAMES = st.builds(lambda head, tail: head + tail,
                  st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"),
                  st.text(alphabet=st.sampled_from(
                      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.+"),
                      max_size=20))
MACS = st.builds(lambda a, b, c: f"00:16:3e:{a:02x}:{b:02x}:{c:02x}",
                 st.integers(0, 0x7F), st.integers(0, 255), st.integers(0, 255))
IPV4 = st.builds(lambda *n: ".".join(map(str, n)), st.integers(1, 223), st.integers(0, 255),
                 st.integers(0, 255), st.integers(1, 254))


def _disks(draw: st.DrawFn, kind: str, fmt: Optional[str]) -> List[str]:
    count = draw(st.integers(0, 4))
    letters = draw(st.lists(st.sampled_from("abcdefghijklmnop"), min_size=count,
                            max_size=count, unique=True))
    out: List[str] = []
    for letter in letters:
        cdrom = kind == "hvm" and draw(st.booleans()) and not out
        source_type = draw(st.sampled_from(["file", "block"]))
        # libvirt's sxpr reader knows no 'qemu:' it writes; its xl writer
        # calls VHD 'xvhd', which xl does not know
        driver = draw(st.sampled_from(["phy", "file", "tap", None]
                                      + ([] if fmt == "sxpr" else ["qemu"])))
        image = draw(st.sampled_from(["raw", "qcow2", "qed", None]
                                     + ([] if fmt == "xl" else ["vhd"])))
        if driver == "phy":
            image = "raw"
        path = draw(_path("/dev/" if source_type == "block" else "/var/lib/xen/"))
        attr = "dev" if source_type == "block" else "file"
        hvm_bus = kind == "hvm" and draw(st.booleans())
        target = f"hd{letter}" if hvm_bus and letter < "e" else f"xvd{letter}"
        bus = "ide" if target.startswith("hd") else "xen"
        lines = [f"<disk type='{source_type}' device='{'cdrom' if cdrom else 'disk'}'>"]
        if driver is not None:
            lines.append(f"<driver name='{driver}'" + (f" type='{image}'" if image else "") + "/>")
        lines.append(f"<source {attr}={quoteattr(path)}/>")
        lines.append(f"<target dev='{target}' bus='{bus}'/>")
        if cdrom or draw(st.booleans()):
            lines.append("<readonly/>")
        elif fmt != "xl" and draw(st.booleans()):  # xl's 'access=!' is libvirt's own
            lines.append("<shareable/>")
        lines.append("</disk>")
        out.append("".join(lines))
    return out


def _interfaces(draw: st.DrawFn, kind: str) -> List[str]:
    out: List[str] = []
    macs = draw(st.lists(MACS, max_size=3, unique=True))
    for mac in macs:
        lines = ["<interface type='bridge'>", f"<mac address='{mac}'/>",
                 f"<source bridge='{draw(st.sampled_from(['xenbr0', 'br1', 'virbr0']))}'/>"]
        if draw(st.booleans()):
            lines.append(f"<ip address='{draw(IPV4)}'/>")
        if draw(st.booleans()):
            lines.append(f"<script path={quoteattr(draw(_path('/etc/xen/scripts/')))}/>")
        if draw(st.booleans()):
            lines.append(f"<target dev='vif{draw(st.integers(1, 99))}.{len(out)}'/>")
        models = ["e1000", "rtl8139", "netfront"] if kind == "hvm" else ["netfront"]
        model = draw(st.sampled_from([None, *models]))
        if model:
            lines.append(f"<model type='{model}'/>")
        lines.append("</interface>")
        out.append("".join(lines))
    return out


def _graphics(draw: st.DrawFn, kind: str, fmt: Optional[str]) -> List[str]:
    spice = kind == "hvm" and fmt in (None, "xl")
    choice = draw(st.sampled_from(["none", "vnc", "sdl"] + (["spice"] if spice else [])))
    if choice == "none":
        return []
    if choice == "sdl":
        return [f"<graphics type='sdl' display=':{draw(st.integers(0, 9))}' "
                f"xauth={quoteattr(draw(_path('/root/')))}/>"]
    port = draw(st.one_of(st.just(-1), st.integers(5900, 5999)))
    ports = "autoport='yes'" if port == -1 else f"port='{port}' autoport='no'"
    if choice == "spice":
        ports += f" tlsPort='{draw(st.integers(6000, 6099))}'" if port != -1 else ""
    attrs = [ports]
    listen = draw(st.one_of(st.none(), IPV4))
    if listen:
        attrs.append(f"listen='{listen}'")
    passwd = draw(st.one_of(st.none(), st.text(_SAFE, min_size=1, max_size=8)))
    if passwd:
        attrs.append(f"passwd={quoteattr(passwd)}")
    if choice == "vnc" and draw(st.booleans()):
        attrs.append(f"keymap='{draw(st.sampled_from(['en-us', 'de', 'fr']))}'")
    body = f"<listen type='address' address='{listen}'/>" if listen else ""
    return [f"<graphics type='{choice}' {' '.join(attrs)}>{body}</graphics>"]


def _hostdevs(draw: st.DrawFn, fmt: Optional[str]) -> List[str]:
    addresses = draw(st.lists(st.tuples(st.integers(0, 0xFF), st.integers(0, 0x1F),
                                        st.integers(0, 7)), max_size=2, unique=True))
    managed = st.just("no") if fmt == "sxpr" else st.sampled_from(["yes", "no"])
    return [f"<hostdev mode='subsystem' type='pci' managed='{draw(managed)}'>"
            f"<source><address domain='0x0000' bus='0x{bus:02x}' slot='0x{slot:02x}' "
            f"function='0x{fn:x}'/></source></hostdev>" for bus, slot, fn in addresses]


def _hvm_extras(draw: st.DrawFn, fmt: Optional[str]) -> List[str]:
    out = []
    for index in range(draw(st.integers(0, 1 if fmt == "xm" else 2))):
        out.append(f"<serial type='pty'><target port='{index}'/></serial>")
    if draw(st.booleans()):
        out.append("<input type='tablet' bus='usb'/>")
    out += [f"<sound model='{m}'/>" for m in draw(st.lists(
        st.sampled_from(["sb16", "es1370", "ac97"]), max_size=2, unique=True))]
    video = draw(st.sampled_from([None, "cirrus", "vga", "xen"]))
    if video:
        # libvirt wants 16 MiB for VGA and Xen video; cirrus does with 8
        vram = draw(st.sampled_from([8192, 16384] if video == "cirrus" else [16384]))
        out.append(f"<video><model type='{video}' vram='{vram}' heads='1' primary='yes'/>"
                   "</video>")
    return out


def _channels(draw: st.DrawFn) -> List[str]:
    out: List[str] = []
    for index in range(draw(st.integers(0, 2))):
        name = f"org.example.channel.{index}"
        if draw(st.booleans()):
            out.append(f"<channel type='pty'><target type='xen' name='{name}'/></channel>")
        else:
            path = draw(_path("/var/run/xen/"))
            out.append(f"<channel type='unix'><source mode='bind' path={quoteattr(path)}/>"
                       f"<target type='xen' name='{name}'/></channel>")
    return out


def _os(draw: st.DrawFn, kind: str) -> str:
    if kind == "hvm":
        boots = draw(st.lists(st.sampled_from(["hd", "cdrom", "network", "fd"]), min_size=1,
                              max_size=3, unique=True))
        return ("<os><type arch='x86_64' machine='xenfv'>hvm</type>"
                "<loader type='rom'>/usr/lib/xen/boot/hvmloader</loader>"
                + "".join(f"<boot dev='{b}'/>" for b in boots) + "</os>")
    typename = "linux" if kind == "pv" else "xenpvh"
    machine = "xenpv" if kind == "pv" else "xenpvh"
    parts = [f"<os><type arch='x86_64' machine='{machine}'>{typename}</type>"]
    if kind == "pv" and draw(st.booleans()):
        bootloader = f"<bootloader>{_esc(draw(_path('/usr/bin/')))}</bootloader>"
        return f"{parts[0]}</os>{bootloader}"
    parts.append(f"<kernel>{_esc(draw(_path('/boot/')))}</kernel>")
    if draw(st.booleans()):
        parts.append(f"<initrd>{_esc(draw(_path('/boot/')))}</initrd>")
    if draw(st.booleans()):
        words = draw(st.lists(st.text(_SAFE, min_size=1, max_size=8), min_size=1, max_size=4))
        parts.append(f"<cmdline>{_esc(' '.join(words))}</cmdline>")
    return "".join(parts) + "</os>"


def _features(draw: st.DrawFn, kind: str) -> str:
    if kind != "hvm":
        return ""
    chosen = draw(st.lists(st.sampled_from(["acpi", "apic", "pae", "hap"]), unique=True))
    return "<features>" + "".join(f"<{f}/>" for f in chosen) + "</features>"


def _clock(draw: st.DrawFn, kind: str, fmt: Optional[str]) -> str:
    offsets = ["utc", "localtime"] + (["variable"] if kind == "hvm" else [])
    offset = draw(st.sampled_from(offsets))
    if offset == "variable":
        # libvirt writes a negative rtc_timeoffset that its readers refuse
        low = -86400 if fmt is None else 0
        return (f"<clock offset='variable' adjustment='{draw(st.integers(low, 86400))}' "
                "basis='utc'/>")
    return f"<clock offset='{offset}'/>"


@st.composite
def domain_xml(draw: st.DrawFn, kinds: Sequence[str] = ("hvm", "pv", "pvh"),
               fmt: Optional[str] = None) -> str:
    """A valid libvirt ``<domain type='xen'>`` document for the test host.

    With ``fmt`` (``xl``, ``xm``, ``sxpr``), only what libvirt can write in
    that format and read back: each exclusion names the libvirt quirk."""
    kind = draw(st.sampled_from(list(kinds)))
    memory = draw(st.integers(32, 16384)) * 1024
    current = draw(st.integers(32, memory // 1024)) * 1024
    vcpus = draw(st.integers(1, 8))
    current_vcpus = draw(st.integers(1, vcpus))
    actions = st.sampled_from(["destroy", "restart", "preserve", "rename-restart"])
    devices: List[str] = [*_disks(draw, kind, fmt), *_interfaces(draw, kind),
                          *_graphics(draw, kind, fmt), *_hostdevs(draw, fmt)]
    if kind == "hvm":
        devices += _hvm_extras(draw, fmt)
    elif draw(st.booleans()):
        devices.append("<console type='pty'><target type='xen' port='0'/></console>")
    devices += _channels(draw)
    vcpu_current = f" current='{current_vcpus}'" if current_vcpus != vcpus else ""
    return (
        "<domain type='xen'>"
        f"<name>{_esc(draw(NAMES))}</name><uuid>{draw(st.uuids())}</uuid>"
        f"<memory unit='KiB'>{memory}</memory>"
        f"<currentMemory unit='KiB'>{current}</currentMemory>"
        f"<vcpu placement='static'{vcpu_current}>{vcpus}</vcpu>"
        + _os(draw, kind) + _features(draw, kind) + _clock(draw, kind, fmt)
        + f"<on_poweroff>{draw(actions)}</on_poweroff><on_reboot>{draw(actions)}</on_reboot>"
        f"<on_crash>{draw(actions)}</on_crash>"
        "<devices>" + "".join(devices) + "</devices></domain>\n"
    )


# ----- mutation of seed inputs -----

# tokens a mutator splices in: the syntax of every format, and numbers at the limits
TOKENS: Tuple[bytes, ...] = (
    b"<", b">", b"/>", b"</", b"'", b'"', b'"""', b"&", b"&amp;", b"&#0;", b"&#x110000;",
    b"<![CDATA[", b"]]>", b"<!--", b"-->", b"<?xml version='1.0'?>", b"xmlns:x='urn:x'",
    b"(", b")", b"[", b"]", b",", b"=", b":", b";", b"#", b"\\", b"\n", b"\r\n", b"\0",
    b"\xff", b"\xc3", b"\xed\xa0\x80", b" ", b"\t", b"-", b"+", b"0x", b"-1", b"0",
    b"4294967296", b"18446744073709551616", b"9223372036854775808", b"1e999",
    b"<disk>", b"</devices>", b"<devices>", b"<interface type='bridge'>", b"unit='TiB'",
    b"(device", b"(vbd", b"(image", b"(hvm", b"disk = [", b"vif = [", b"vcpus = ",
    b"memory = ", b"builder = 'hvm'", b"type=", b"vdev=", b"target=", b"format=", b"access=",
)


@st.composite
def mutated(draw: st.DrawFn, seeds: Sequence[bytes]) -> bytes:
    """One of ``seeds`` with one to eight random edits."""
    data = bytearray(draw(st.sampled_from(list(seeds))))
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["delete", "insert", "token", "flip", "duplicate", "truncate"]))
        at = draw(st.integers(0, len(data)))
        if op == "delete":
            del data[at:at + draw(st.integers(1, 64))]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif op == "token":
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif op == "flip" and data:
            index = min(at, len(data) - 1)
            data[index] ^= 1 << draw(st.integers(0, 7))
        elif op == "duplicate":
            end = min(len(data), at + draw(st.integers(1, 256)))
            data[end:end] = data[at:end]
        elif op == "truncate":
            del data[at:]
    return bytes(data)
