"""The domain model as domain XML, formatted exactly as libvirt formats it.

Element and attribute order, quoting and indentation follow libvirt's
``virDomainDefFormatInternal``; the output is built as text (no XML tree), two
spaces per level, single-quoted attributes.
"""

from __future__ import annotations

from typing import Iterable, List, Optional, Sequence, Tuple

from xenvirsh.errors import InternalError
from xenvirsh.model import enums
from xenvirsh.model.bitmap import CPUMASK_LEN, format_bitmap
from xenvirsh.model.domain import (
    CPU,
    ChrDevice,
    Clock,
    Controller,
    DeviceInfo,
    Disk,
    Domain,
    Features,
    Graphics,
    Hostdev,
    Input,
    Interface,
    NumaCell,
    PCIAddress,
    Video,
)

XEN_NAMESPACE = "http://libvirt.org/schemas/domain/xen/1.0"

Attrs = Sequence[Tuple[str, Optional[object]]]

_ESCAPES = {"<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;"}
# control characters libvirt drops silently (all below 0x20 but tab, LF, CR)
_DROPPED = {chr(c): "" for c in range(1, 32) if c not in (9, 10, 13)}
_TABLE = str.maketrans({**_ESCAPES, **_DROPPED})


def escape(text: str) -> str:
    """virBufferEscapeString."""
    return text.translate(_TABLE)


def yesno(value: Optional[bool]) -> Optional[str]:
    return None if value is None else ("yes" if value else "no")


def onoff(value: Optional[bool]) -> Optional[str]:
    return None if value is None else ("on" if value else "off")


class _Out:
    """Lines of XML with libvirt's indentation."""

    __slots__ = ("lines", "depth")

    def __init__(self) -> None:
        self.lines: List[str] = []
        self.depth = 0

    def line(self, text: str) -> None:
        self.lines.append("  " * self.depth + text + "\n")

    def text_element(self, tag: str, value: Optional[object], attrs: Attrs = ()) -> None:
        """``<tag attrs>value</tag>``, nothing when the value is absent."""
        if value is None:
            return
        self.line(f"<{tag}{_attrs(attrs)}>{escape(str(value))}</{tag}>")

    def empty(self, tag: str, attrs: Attrs, always: bool = False) -> None:
        """``<tag attrs/>``; like virXMLFormatElement, nothing without attributes."""
        rendered = _attrs(attrs)
        if rendered or always:
            self.line(f"<{tag}{rendered}/>")

    def open(self, tag: str, attrs: Attrs = ()) -> None:
        self.line(f"<{tag}{_attrs(attrs)}>")
        self.depth += 1

    def close(self, tag: str) -> None:
        self.depth -= 1
        self.line(f"</{tag}>")

    def element(self, tag: str, attrs: Attrs, children: _Out) -> None:
        """virXMLFormatElement: attributes and child lines; omitted when both empty."""
        rendered = _attrs(attrs)
        if not children.lines:
            if rendered:
                self.line(f"<{tag}{rendered}/>")
            return
        self.line(f"<{tag}{rendered}>")
        prefix = "  " * (self.depth + 1)
        self.lines.extend(prefix + line for line in children.lines)
        self.line(f"</{tag}>")


def _attrs(attrs: Attrs) -> str:
    return "".join(f" {name}='{escape(str(value))}'" for name, value in attrs if value is not None)


def format_domain(dom: Domain, *, secure: bool = False, inactive: bool = True) -> str:
    """The domain XML; ``secure`` includes passwords, ``inactive=False``
    formats a live domain (with its id)."""
    out = _Out()
    inactive = inactive or dom.id == -1
    root: List[Tuple[str, Optional[object]]] = [("type", dom.virt_type)]
    if not inactive:
        root.append(("id", dom.id))
    if dom.xen_cmdline:
        root.append(("xmlns:xen", XEN_NAMESPACE))
    out.open("domain", root)
    out.text_element("name", dom.name)
    out.text_element("uuid", dom.uuid)
    out.text_element("title", dom.title)
    out.text_element("description", dom.description)
    if dom.max_memory_kib or dom.memory_slots:
        slots = dom.memory_slots or None
        out.text_element("maxMemory", dom.max_memory_kib, [("slots", slots), ("unit", "KiB")])
    out.text_element("memory", dom.memory_kib, [("unit", "KiB")])
    out.text_element("currentMemory", dom.current_memory_kib, [("unit", "KiB")])
    _vcpu(out, dom)
    _cputune(out, dom)
    if dom.os.bootloader is not None:
        out.text_element("bootloader", dom.os.bootloader)
        out.text_element("bootloader_args", dom.os.bootloader_args)
    _os(out, dom)
    _features(out, dom.features)
    if dom.cpu is not None:
        _cpu(out, dom.cpu)
    _clock(out, dom.clock)
    out.text_element("on_poweroff", dom.on_poweroff)
    out.text_element("on_reboot", dom.on_reboot)
    out.text_element("on_crash", dom.on_crash)
    _devices(out, dom, secure=secure, inactive=inactive)
    if dom.xen_cmdline:
        out.open("xen:commandline")
        for arg in dom.xen_cmdline:
            out.empty("xen:arg", [("value", arg)])
        out.close("xen:commandline")
    out.close("domain")
    return "".join(out.lines)


def _vcpu(out: _Out, dom: Domain) -> None:
    attrs: List[Tuple[str, Optional[object]]] = [("placement", dom.placement)]
    # libvirt leaves out a mask that has every bit set
    if dom.cpumask is not None and len(dom.cpumask) < CPUMASK_LEN:
        attrs.append(("cpuset", format_bitmap(dom.cpumask)))
    if dom.vcpus < dom.vcpus_max:
        attrs.append(("current", dom.vcpus))
    out.text_element("vcpu", dom.vcpus_max, attrs)


def _cputune(out: _Out, dom: Domain) -> None:
    tune = dom.cputune
    children = _Out()
    children.text_element("shares", tune.shares)
    children.text_element("period", tune.period or None)
    children.text_element("quota", tune.quota or None)
    for pin in sorted(tune.vcpupins, key=lambda p: p.vcpu):
        children.empty("vcpupin", [("vcpu", pin.vcpu), ("cpuset", format_bitmap(pin.cpuset))])
    out.element("cputune", (), children)


def _os(out: _Out, dom: Domain) -> None:
    osd = dom.os
    out.open("os", [("firmware", osd.firmware)])
    # libvirt's Xen back-compat: PV guests print as 'linux'
    os_type = "linux" if dom.virt_type == "xen" and osd.type == "xen" else osd.type
    out.text_element("type", os_type, [("arch", osd.arch), ("machine", osd.machine)])
    loader = osd.loader
    if loader is not None:
        attrs = [
            ("readonly", yesno(loader.readonly)),
            ("secure", yesno(loader.secure)),
            ("type", loader.type),
            ("format", loader.format),
        ]
        if loader.path:
            out.text_element("loader", loader.path, attrs)
        else:
            out.empty("loader", attrs)
        out.text_element("nvram", osd.nvram)
    out.text_element("kernel", osd.kernel)
    out.text_element("initrd", osd.initrd)
    out.text_element("cmdline", osd.cmdline)
    out.text_element("dtb", osd.dtb)
    out.text_element("root", osd.root)
    if osd.acpi_tables:
        out.open("acpi")
        for table in osd.acpi_tables:
            out.text_element("table", table.path, [("type", table.type)])
        out.close("acpi")
    if not osd.bootloader:
        for dev in osd.boot_devs:
            out.empty("boot", [("dev", dev)])
        if osd.bootmenu is not None:
            out.empty("bootmenu", [("enable", yesno(osd.bootmenu)),
                                   ("timeout", osd.bootmenu_timeout)])
    out.close("os")


def _features(out: _Out, feats: Features) -> None:
    children = _Out()
    for name in enums.FEATURES:
        state = feats.switches.get(name)
        if name in enums.FEATURES_PRESENT:
            if state:
                children.line(f"<{name}/>")
        elif name in enums.FEATURES_STATE or name in enums.FEATURES_STATE_REQUIRED:
            children.empty(name, [("state", onoff(state))])
        elif name == "apic" and feats.apic:
            children.empty("apic", [("eoi", onoff(feats.apic_eoi))], always=True)
        elif name == "hyperv" and feats.hyperv_mode:
            _hyperv(children, feats)
        elif name == "xen" and feats.xen:
            children.open("xen")
            children.empty("e820_host", [("state", onoff(feats.xen_e820_host))])
            if feats.xen_passthrough is not None:
                mode = feats.xen_passthrough_mode if feats.xen_passthrough else None
                children.empty("passthrough", [("state", onoff(feats.xen_passthrough)),
                                               ("mode", mode)])
            children.close("xen")
    out.element("features", (), children)


def _hyperv(out: _Out, feats: Features) -> None:
    out.open("hyperv", [("mode", feats.hyperv_mode)])
    for name in enums.HYPERV_FEATURES:
        state = feats.hyperv.get(name)
        if state is None:
            continue
        attrs: List[Tuple[str, Optional[object]]] = [("state", onoff(state))]
        children = _Out()
        if name == "spinlocks" and state:
            attrs.append(("retries", feats.hyperv_spinlocks))
        elif name == "vendor_id" and state:
            attrs.append(("value", feats.hyperv_vendor_id))
        elif name == "stimer" and state and feats.hyperv_stimer_direct:
            children.line("<direct state='on'/>")
        elif name == "tlbflush" and state:
            if feats.hyperv_tlbflush_direct:
                children.line("<direct state='on'/>")
            if feats.hyperv_tlbflush_extended:
                children.line("<extended state='on'/>")
        out.element(name, attrs, children)
    out.close("hyperv")


def _cpu(out: _Out, cpu: CPU) -> None:
    if cpu.mode == "custom" and not cpu.model and cpu.features:
        raise InternalError("Non-empty feature list specified without CPU model")
    attrs: List[Tuple[str, Optional[object]]] = []
    if cpu.mode != "custom" or cpu.model:
        attrs.append(("mode", cpu.mode))
        if cpu.mode == "custom":
            attrs.append(("match", cpu.match or "exact"))
        attrs.append(("check", cpu.check if cpu.check != "default" else None))
        if cpu.mode in ("host-passthrough", "maximum"):
            attrs.append(("migratable", onoff(cpu.migratable)))
    children = _Out()
    if cpu.mode in ("custom", "host-model") and (cpu.model or cpu.vendor_id):
        model_attrs = [("fallback", cpu.fallback or "allow" if cpu.model else None),
                       ("vendor_id", cpu.vendor_id)]
        if cpu.model:
            children.text_element("model", cpu.model, model_attrs)
        else:
            children.empty("model", model_attrs)
    if cpu.mode in ("custom", "host-model"):
        children.text_element("vendor", cpu.vendor)
    if cpu.sockets and cpu.dies and cpu.clusters and cpu.cores and cpu.threads:
        children.empty("topology", [("sockets", cpu.sockets), ("dies", cpu.dies),
                                    ("clusters", cpu.clusters), ("cores", cpu.cores),
                                    ("threads", cpu.threads)])
    for feature in cpu.features:
        children.empty("feature", [("policy", feature.policy), ("name", feature.name)])
    if cpu.numa:
        _numa(children, cpu.numa)
    out.element("cpu", attrs, children)


def _numa(out: _Out, cells: List[NumaCell]) -> None:
    out.open("numa")
    for index, cell in enumerate(cells):
        children = _Out()
        siblings = _Out()
        for sib_id, value in enumerate(cell.distances):
            if value:
                siblings.empty("sibling", [("id", sib_id), ("value", value)])
        children.element("distances", (), siblings)
        out.element("cell", [
            ("id", index),
            ("cpus", format_bitmap(cell.cpus) if cell.cpus else None),
            ("memory", cell.memory_kib),
            ("unit", "KiB"),
            ("memAccess", cell.mem_access),
            ("discard", yesno(cell.discard)),
        ], children)
    out.close("numa")


def _clock(out: _Out, clock: Clock) -> None:
    attrs: List[Tuple[str, Optional[object]]] = [("offset", clock.offset)]
    if clock.offset in ("utc", "localtime") and clock.adjustment_reset:
        attrs.append(("adjustment", "reset"))
    elif clock.offset == "variable":
        attrs += [("adjustment", clock.adjustment), ("basis", clock.basis)]
    elif clock.offset == "timezone":
        attrs.append(("timezone", clock.timezone))
    elif clock.offset == "absolute":
        attrs.append(("start", clock.start))
    children = _Out()
    for timer in clock.timers:
        timer_attrs: List[Tuple[str, Optional[object]]] = [
            ("name", timer.name),
            ("present", yesno(timer.present)),
            ("tickpolicy", timer.tickpolicy),
            ("track", timer.track),
        ]
        if timer.name == "tsc":
            timer_attrs += [("frequency", timer.frequency or None), ("mode", timer.mode)]
        children.empty("timer", timer_attrs)
    out.element("clock", attrs, children)


# --- devices -------------------------------------------------------------------


def _devices(out: _Out, dom: Domain, *, secure: bool, inactive: bool) -> None:
    dev = dom.devices
    out.open("devices")
    out.text_element("emulator", dev.emulator)
    for disk in dev.disks:
        _disk(out, disk)
    for ctrl in dev.controllers:
        _controller(out, ctrl)
    for net in dev.interfaces:
        _interface(out, net, inactive=inactive)
    for chr_dev in dev.serials + dev.parallels:
        _chr(out, chr_dev, inactive=inactive)
    for index, console in enumerate(dev.consoles):
        # libvirt's back-compat: an HVM serial console shows its serial port
        if (dom.is_hvm and console.target_type in ("serial", "none")
                and index < len(dev.serials)):
            alias = dev.serials[index]
            console = ChrDevice(device="console", source=alias.source, target_type="serial",
                                target_port=alias.target_port, info=alias.info)
        _chr(out, console, inactive=inactive)
    for channel in dev.channels:
        _chr(out, channel, inactive=inactive)
    for inp in dev.inputs:
        _input(out, inp)
    for gfx in dev.graphics:
        _graphics(out, gfx, secure=secure, inactive=inactive)
    for sound in dev.sounds:
        info = _Out()
        _device_info(info, sound.info)
        streams = sound.streams if sound.model == "virtio" else None
        out.element("sound", [("model", sound.model), ("streams", streams)], info)
    for video in dev.videos:
        _video(out, video)
    for hostdev in dev.hostdevs:
        _hostdev(out, hostdev)
    balloon = dev.memballoon
    if balloon is not None:
        children = _Out()
        if balloon.period:
            children.empty("stats", [("period", balloon.period)])
        _device_info(children, balloon.info)
        out.element("memballoon", [("model", balloon.model),
                                   ("autodeflate", onoff(balloon.autodeflate))], children)
    out.close("devices")


def _disk(out: _Out, disk: Disk) -> None:
    children = _Out()
    children.empty("driver", [
        ("name", disk.driver_name),
        ("type", disk.format),
        ("cache", disk.cache),
        ("io", disk.io),
        ("discard", disk.discard),
    ])
    source = _Out()
    if disk.type == "network":
        name = disk.path
        for host in disk.hosts:
            source.empty("host", [("name", host.name), ("port", host.port or None),
                                  ("transport", host.transport), ("socket", host.socket)])
        source.empty("snapshot", [("name", disk.snapshot)])
        source.empty("config", [("file", disk.config_file)])
        if disk.auth is not None:
            _disk_auth(source, disk)
        src_attrs: List[Tuple[str, Optional[object]]] = [
            ("protocol", disk.protocol), ("name", name)
        ]
    else:
        attr = {"file": "file", "block": "dev", "dir": "dir"}.get(disk.type, "file")
        src_attrs = [(attr, disk.path)]
        if disk.auth is not None:
            _disk_auth(source, disk)
        src_attrs.append(("startupPolicy", disk.startup_policy))
    children.element("source", src_attrs, source)
    if disk.backend_domain is not None:
        children.empty("backenddomain", [("name", disk.backend_domain)])
    target: List[Tuple[str, Optional[object]]] = [("dev", disk.dst), ("bus", disk.bus)]
    if disk.device in ("floppy", "cdrom") and disk.tray not in (None, "closed"):
        target.append(("tray", disk.tray))
    children.empty("target", target, always=True)
    if disk.readonly:
        children.line("<readonly/>")
    if disk.shareable:
        children.line("<shareable/>")
    if disk.transient:
        children.line("<transient/>")
    children.text_element("serial", disk.serial)
    _device_info(children, disk.info, allow_boot=True)
    out.element("disk", [("type", disk.type), ("device", disk.device)], children)


def _disk_auth(out: _Out, disk: Disk) -> None:
    auth = disk.auth
    assert auth is not None
    secret = _Out()
    secret.empty("secret", [("type", auth.secret_type), ("usage", auth.secret_usage),
                            ("uuid", auth.secret_uuid)])
    out.element("auth", [("username", auth.username)], secret)


def _controller(out: _Out, ctrl: Controller) -> None:
    attrs: List[Tuple[str, Optional[object]]] = [
        ("type", ctrl.type), ("index", ctrl.index), ("model", ctrl.model)
    ]
    if ctrl.type in ("usb", "virtio-serial"):
        attrs.append(("ports", ctrl.ports))
    elif ctrl.type == "xenbus":
        attrs += [("maxGrantFrames", ctrl.max_grant_frames),
                  ("maxEventChannels", ctrl.max_event_channels)]
    children = _Out()
    _device_info(children, ctrl.info)
    out.element("controller", attrs, children)


def _interface(out: _Out, net: Interface, *, inactive: bool) -> None:
    out.open("interface", [("type", net.type), ("managed", "yes" if net.managed else None)])
    out.empty("mac", [("address", net.mac)])
    source = _Out()
    src_attrs: List[Tuple[str, Optional[object]]] = []
    if net.type == "network":
        src_attrs = [("network", net.network), ("portgroup", net.portgroup)]
    elif net.type == "bridge":
        src_attrs = [("bridge", net.bridge)]
    elif net.type == "hostdev" and net.hostdev_pci is not None:
        _pci_address(source, net.hostdev_pci, with_type=True)
    out.element("source", src_attrs, source)
    if net.vlan_tags:
        out.open("vlan", [("trunk", "yes" if net.vlan_trunk else None)])
        for tag in net.vlan_tags:
            out.empty("tag", [("id", tag.id), ("nativeMode", tag.native_mode)])
        out.close("vlan")
    _virtualport(out, net)
    _bandwidth(out, net)
    for ip in net.ips:
        out.empty("ip", [("address", ip.address), ("family", ip.family),
                         ("prefix", ip.prefix), ("peer", ip.peer)])
    if net.script is not None:
        out.empty("script", [("path", net.script)])
    if net.backend_domain is not None:
        out.empty("backenddomain", [("name", net.backend_domain)])
    ifname = net.ifname
    if ifname and inactive and ifname.startswith(("vnet", "macvtap", "macvlan", "vif")):
        ifname = None
    out.empty("target", [("dev", ifname)])
    if net.model is not None:
        out.empty("model", [("type", net.model)])
    if net.filter is not None:
        out.empty("filterref", [("filter", net.filter)])
    if net.link_state is not None:
        out.empty("link", [("state", net.link_state)])
    if net.mtu:
        out.empty("mtu", [("size", net.mtu)])
    _device_info(out, net.info, allow_boot=True)
    out.close("interface")


def _virtualport(out: _Out, net: Interface) -> None:
    if net.virtualport is None:
        return
    kind = net.virtualport or "none"
    params = _Out()
    params.empty("parameters", [(name, net.virtualport_params.get(name))
                                for name, kinds in enums.VIRTUALPORT_PARAMS.items()
                                if kind in kinds])
    out.element("virtualport", [("type", net.virtualport or None)], params)


def _bandwidth(out: _Out, net: Interface) -> None:
    children = _Out()
    if net.inbound is None and net.outbound is None:
        return
    for tag, rate in (("inbound", net.inbound), ("outbound", net.outbound)):
        # libvirt prints a rate only when it has an average or a floor
        if rate is not None and (rate.average or rate.floor):
            children.empty(tag, [("average", rate.average), ("peak", rate.peak),
                                 ("floor", rate.floor), ("burst", rate.burst)])
    out.open("bandwidth")
    out.lines.extend("  " * out.depth + line for line in children.lines)
    out.close("bandwidth")


def _chr(out: _Out, chr_dev: ChrDevice, *, inactive: bool) -> None:
    src = chr_dev.source
    attrs: List[Tuple[str, Optional[object]]] = [("type", src.type)]
    # the legacy <console tty='...'> attribute, kept for live domains
    if (chr_dev.device == "console" and chr_dev.target_port == 0 and src.type == "pty"
            and not inactive and src.path):
        attrs.append(("tty", src.path))
    out.open(chr_dev.device, attrs)
    _chr_source(out, chr_dev, inactive=inactive)
    _chr_target(out, chr_dev)
    _device_info(out, chr_dev.info)
    out.close(chr_dev.device)


def _chr_source(out: _Out, chr_dev: ChrDevice, *, inactive: bool) -> None:
    src = chr_dev.source
    if src.type in ("dev", "file", "pipe") or (src.type == "pty" and src.path and not inactive):
        append = onoff(src.append) if src.type == "file" else None
        out.empty("source", [("path", src.path), ("append", append)])
    elif src.type == "udp":
        if src.bind_host is not None or src.bind_service is not None:
            out.empty("source", [("mode", "bind"), ("host", src.bind_host),
                                 ("service", src.bind_service)])
        if src.connect_host is not None or src.connect_service is not None:
            out.empty("source", [("mode", "connect"), ("host", src.connect_host),
                                 ("service", src.connect_service)])
    elif src.type == "tcp":
        mode = "bind" if src.listen else "connect"
        out.empty("source", [("mode", mode), ("host", src.host), ("service", src.service)])
        out.empty("protocol", [("type", src.protocol)])
    elif src.type == "unix" and src.path:
        out.empty("source", [("mode", "bind" if src.listen else "connect"), ("path", src.path)])


def _chr_target(out: _Out, chr_dev: ChrDevice) -> None:
    if chr_dev.device == "channel":
        name = chr_dev.target_name if chr_dev.target_type in ("xen", "virtio") else None
        out.empty("target", [("type", chr_dev.target_type), ("name", name)])
    elif chr_dev.device == "console":
        out.empty("target", [("type", chr_dev.target_type or "none"),
                             ("port", chr_dev.target_port)])
    elif chr_dev.device == "serial":
        ttype = chr_dev.target_type if chr_dev.target_type not in (None, "none") else None
        attrs = [("type", ttype), ("port", chr_dev.target_port)]
        if chr_dev.target_model not in (None, "none"):
            out.open("target", attrs)
            out.empty("model", [("name", chr_dev.target_model)])
            out.close("target")
        else:
            out.empty("target", attrs)
    else:
        out.empty("target", [("port", chr_dev.target_port)])


def _input(out: _Out, inp: Input) -> None:
    children = _Out()
    _device_info(children, inp.info)
    bus = inp.bus if inp.bus != "none" else None
    out.element("input", [("type", inp.type), ("bus", bus)], children)


def _graphics(out: _Out, gfx: Graphics, *, secure: bool, inactive: bool) -> None:
    attrs: List[Tuple[str, Optional[object]]] = [("type", gfx.type)]
    children = _Out()
    first = gfx.listens[0] if gfx.listens else None
    if gfx.type == "vnc":
        if first is not None and first.type == "socket":
            attrs.append(("socket", first.socket))
        elif first is not None and first.type in ("address", "network"):
            if gfx.port and (not gfx.autoport or not inactive):
                attrs.append(("port", gfx.port))
            elif gfx.autoport:
                attrs.append(("port", -1))
            attrs.append(("autoport", "yes" if gfx.autoport else "no"))
            attrs.append(("websocket", gfx.websocket or None))
            attrs.append(("listen", _listen_attr(gfx, inactive)))
        attrs += [("keymap", gfx.keymap), ("sharePolicy", gfx.share_policy)]
        attrs += _auth_attrs(gfx, secure)
        _listens(children, gfx, inactive)
    elif gfx.type == "sdl":
        attrs += [("display", gfx.display), ("xauth", gfx.xauth),
                  ("fullscreen", "yes" if gfx.fullscreen else None)]
        children.empty("gl", [("enable", yesno(gfx.gl))])
    elif gfx.type == "spice":
        if first is not None and first.type in ("address", "network"):
            attrs += [("port", gfx.port or None), ("tlsPort", gfx.tls_port or None),
                      ("autoport", "yes" if gfx.autoport else "no"),
                      ("listen", _listen_attr(gfx, inactive))]
        attrs += [("keymap", gfx.keymap),
                  ("defaultMode", gfx.default_mode if gfx.default_mode != "any" else None)]
        attrs += _auth_attrs(gfx, secure)
        _listens(children, gfx, inactive)
        for tag, attr, value in (
            ("image", "compression", gfx.image_compression),
            ("jpeg", "compression", gfx.jpeg_compression),
            ("zlib", "compression", gfx.zlib_compression),
            ("playback", "compression", onoff(gfx.playback_compression)),
            ("streaming", "mode", gfx.streaming_mode),
            ("mouse", "mode", gfx.mouse_mode),
            ("clipboard", "copypaste", yesno(gfx.copypaste)),
            ("filetransfer", "enable", yesno(gfx.filetransfer)),
        ):
            children.empty(tag, [(attr, value)])
        children.empty("gl", [("enable", yesno(gfx.gl)), ("rendernode", gfx.rendernode)])
    out.element("graphics", attrs, children)


def _listen_attr(gfx: Graphics, inactive: bool) -> Optional[str]:
    first = gfx.listens[0]
    if first.type == "network" and inactive:
        return None
    return first.address


def _auth_attrs(gfx: Graphics, secure: bool) -> List[Tuple[str, Optional[object]]]:
    if gfx.passwd is None:
        return []
    return [("passwd", gfx.passwd if secure else None),
            ("passwdValidTo", gfx.passwd_valid_to), ("connected", gfx.connected)]


def _listens(out: _Out, gfx: Graphics, inactive: bool) -> None:
    for listen in gfx.listens:
        address = listen.address
        if listen.type == "network" and inactive:
            address = None
        elif listen.type not in ("address", "network"):
            address = None
        out.empty("listen", [
            ("type", listen.type),
            ("address", address),
            ("network", listen.network if listen.type == "network" else None),
            ("socket", listen.socket if listen.type == "socket" else None),
        ])


def _video(out: _Out, video: Video) -> None:
    out.open("video")
    out.empty("model", [
        ("type", video.type),
        ("ram", video.ram or None),
        ("vram", video.vram or None),
        ("vgamem", video.vgamem or None),
        ("heads", video.heads or None),
        ("primary", "yes" if video.primary else None),
    ])
    _device_info(out, video.info)
    out.close("video")


def _hostdev(out: _Out, hostdev: Hostdev) -> None:
    out.open("hostdev", [("mode", hostdev.mode), ("type", hostdev.type),
                         ("managed", "yes" if hostdev.managed else "no")])
    if hostdev.type == "pci":
        if hostdev.driver_name is not None:
            out.empty("driver", [("name", hostdev.driver_name)])
        source = _Out()
        if hostdev.pci is not None:
            _pci_address(source, hostdev.pci, with_type=False)
        out.element("source", [("writeFiltering", yesno(hostdev.write_filtering))], source)
    else:
        source = _Out()
        if hostdev.usb_vendor is not None:
            source.line(f"<vendor id='0x{hostdev.usb_vendor:04x}'/>")
            source.line(f"<product id='0x{hostdev.usb_product or 0:04x}'/>")
        if hostdev.usb_bus or hostdev.usb_device:
            source.empty("address", [("bus", hostdev.usb_bus), ("device", hostdev.usb_device)])
        out.element("source", (), source)
    if hostdev.readonly:
        out.line("<readonly/>")
    if hostdev.shareable:
        out.line("<shareable/>")
    _device_info(out, hostdev.info, allow_boot=True)
    out.close("hostdev")


def _pci_address(out: _Out, addr: PCIAddress, *, with_type: bool) -> None:
    attrs: List[Tuple[str, Optional[object]]] = [("type", "pci" if with_type else None)]
    attrs += _pci_attrs(addr)
    out.empty("address", attrs)


def _pci_attrs(addr: PCIAddress) -> Iterable[Tuple[str, Optional[object]]]:
    return (
        ("domain", f"0x{addr.domain:04x}"),
        ("bus", f"0x{addr.bus:02x}"),
        ("slot", f"0x{addr.slot:02x}"),
        ("function", f"0x{addr.function:x}"),
        ("multifunction", onoff(addr.multifunction)),
    )


def _device_info(out: _Out, info: DeviceInfo, allow_boot: bool = False) -> None:
    if allow_boot and info.boot_order:
        out.empty("boot", [("order", info.boot_order)])
    if info.alias:
        out.empty("alias", [("name", info.alias)])
    if info.address_type is None:
        return
    attrs: List[Tuple[str, Optional[object]]] = [("type", info.address_type)]
    if info.address_type == "drive" and info.drive is not None:
        drive = info.drive
        attrs += [("controller", drive.controller), ("bus", drive.bus),
                  ("target", drive.target), ("unit", drive.unit)]
    elif info.address_type == "pci" and info.pci is not None:
        attrs += list(_pci_attrs(info.pci))
    elif info.address_type == "usb" and info.usb is not None:
        attrs += [("bus", info.usb.bus), ("port", info.usb.port)]
    out.empty("address", attrs)
