"""The domain model as domain XML, formatted exactly as libvirt formats it.

Element and attribute order, quoting and indentation follow libvirt's
``virDomainDefFormatInternal``; the output is built as text (no XML tree), two
spaces per level, single-quoted attributes.
"""

from __future__ import annotations

from typing import List, Optional, Set, Tuple

from xenvirsh.errors import InternalError
from xenvirsh.formats.domxml import misc_devices, tuning
from xenvirsh.formats.domxml.chardev import write_chr
from xenvirsh.formats.domxml.devinfo import pci_attrs, write_device_info
from xenvirsh.formats.domxml.disk import (
    virtio_attrs,
    write_disk,
    write_disk_source,
    write_iothread_mappings,
)
from xenvirsh.formats.domxml.graphics import write_graphics
from xenvirsh.formats.domxml.hostdev import write_hostdev
from xenvirsh.formats.domxml.interface import write_interface
from xenvirsh.formats.domxml.xmlout import Out, onoff, yesno
from xenvirsh.model import enums
from xenvirsh.model.bitmap import CPUMASK_LEN, format_bitmap
from xenvirsh.model.domain import (
    CPU,
    ChrDevice,
    Clock,
    Controller,
    Domain,
    Features,
    Input,
    Loader,
    NumaCell,
    PCIAddress,
    PCIControllerOpts,
    Sound,
    Video,
)

XEN_NAMESPACE = "http://libvirt.org/schemas/domain/xen/1.0"


def format_domain(dom: Domain, *, secure: bool = False, inactive: bool = True) -> str:
    """The domain XML; ``secure`` includes passwords, ``inactive=False``
    formats a live domain (with its id)."""
    out = Out()
    inactive = inactive or dom.id == -1
    root: List[Tuple[str, Optional[object]]] = [("type", dom.virt_type)]
    if not inactive:
        root.append(("id", dom.id))
    if dom.xen_cmdline:
        root.append(("xmlns:xen", XEN_NAMESPACE))
    out.open("domain", root)
    out.text_element("name", dom.name)
    out.text_element("uuid", dom.uuid)
    out.text_element("genid", dom.tuning.genid)
    out.text_element("title", dom.title)
    out.text_element("description", dom.description)
    if dom.tuning.metadata is not None:  # formatted when read (domxml.metadata)
        out.line(dom.tuning.metadata)
    if dom.max_memory_kib or dom.memory_slots:
        slots = dom.memory_slots or None
        out.text_element("maxMemory", dom.max_memory_kib, [("slots", slots), ("unit", "KiB")])
    out.text_element("memory", dom.memory_kib,
                     [("dumpCore", onoff(dom.tuning.dump_core)), ("unit", "KiB")])
    out.text_element("currentMemory", dom.current_memory_kib, [("unit", "KiB")])
    tuning.write_memory_tunables(out, dom.tuning)
    _vcpu(out, dom)
    tuning.write_iothreads(out, dom.tuning)
    tuning.write_cputune(out, dom)
    tuning.write_numatune(out, dom.tuning.numatune)
    tuning.write_resource(out, dom.tuning.resource)
    tuning.write_sysinfos(out, dom.tuning.sysinfos)
    if dom.os.bootloader is not None:
        out.text_element("bootloader", dom.os.bootloader)
        out.text_element("bootloader_args", dom.os.bootloader_args)
    _os(out, dom)
    tuning.write_idmap(out, dom.tuning)
    _features(out, dom.features)
    if dom.cpu is not None:
        _cpu(out, dom.cpu)
    _clock(out, dom.clock)
    out.text_element("on_poweroff", dom.on_poweroff)
    out.text_element("on_reboot", dom.on_reboot)
    out.text_element("on_crash", dom.on_crash)
    tuning.write_lifecycle_extras(out, dom.tuning)
    _devices(out, dom, secure=secure, inactive=inactive)
    tuning.write_seclabels(out, dom.tuning.seclabels)
    tuning.write_keywrap(out, dom.tuning)
    if dom.xen_cmdline:
        out.open("xen:commandline")
        for arg in dom.xen_cmdline:
            out.empty("xen:arg", [("value", arg)])
        out.close("xen:commandline")
    out.close("domain")
    return "".join(out.lines)


def _vcpu(out: Out, dom: Domain) -> None:
    attrs: List[Tuple[str, Optional[object]]] = [("placement", dom.placement)]
    # libvirt leaves out a mask that has every bit set
    if dom.cpumask is not None and len(dom.cpumask) < CPUMASK_LEN:
        attrs.append(("cpuset", format_bitmap(dom.cpumask)))
    if dom.vcpus < dom.vcpus_max:
        attrs.append(("current", dom.vcpus))
    out.text_element("vcpu", dom.vcpus_max, attrs)


def _os(out: Out, dom: Domain) -> None:
    osd = dom.os
    out.open("os", [("firmware", osd.firmware)])
    # libvirt's Xen back-compat: PV guests print as 'linux'
    os_type = "linux" if dom.virt_type == "xen" and osd.type == "xen" else osd.type
    out.text_element("type", os_type, [("arch", osd.arch), ("machine", osd.machine)])
    if osd.firmware_features:
        out.open("firmware")
        for name in enums.FIRMWARE_FEATURES:
            if name in osd.firmware_features:
                out.empty("feature", [("enabled", yesno(osd.firmware_features[name])),
                                      ("name", name)])
        out.close("firmware")
    loader = osd.loader
    if loader is not None:
        _loader(out, loader, osd.nvram)
    out.text_element("kernel", osd.kernel)
    out.text_element("initrd", osd.initrd)
    out.text_element("cmdline", osd.cmdline)
    out.text_element("shim", osd.shim)
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
        out.empty("bios", [("useserial", yesno(osd.bios_useserial)),
                           ("rebootTimeout", osd.bios_reboot_timeout)])
    if osd.smbios_mode not in (None, "none"):
        out.empty("smbios", [("mode", osd.smbios_mode)])
    out.close("os")


def _loader(out: Out, loader: Loader, nvram_path: Optional[str]) -> None:
    """virDomainLoaderDefFormat."""
    attrs = [("readonly", yesno(loader.readonly)), ("secure", yesno(loader.secure)),
             ("type", loader.type), ("stateless", yesno(loader.stateless)),
             ("format", loader.format)]
    if loader.path:
        out.text_element("loader", loader.path, attrs)
    else:
        out.empty("loader", attrs)
    nvram_attrs: List[Tuple[str, Optional[object]]] = [
        ("template", loader.nvram_template), ("templateFormat", loader.nvram_template_format)]
    source = loader.nvram_source
    children = Out()
    if source is not None:
        nvram_attrs.append(("type", source.type))
        write_disk_source(children, source)
    if loader.nvram:
        nvram_attrs.append(("format", loader.nvram_format))
    if nvram_path and source is None:
        out.text_element("nvram", nvram_path, nvram_attrs)
    else:
        out.element("nvram", nvram_attrs, children)


def _present_features(feats: Features) -> Set[str]:
    """The features that have something to print."""
    present = set(feats.switches)
    present.update(feats.values)
    for name, there in (
        ("apic", feats.apic), ("hyperv", bool(feats.hyperv_mode)), ("xen", feats.xen),
        ("kvm", feats.kvm is not None), ("capabilities", feats.capabilities_policy is not None),
        ("gic", feats.gic_version is not None), ("ioapic", feats.ioapic is not None),
        ("hpt", feats.hpt), ("msrs", feats.msrs_unknown is not None),
        ("tcg", bool(feats.tcg_tb_cache)), ("async-teardown", feats.async_teardown is not None),
    ):
        if there:
            present.add(name)
    return present


def _features(out: Out, feats: Features) -> None:
    present = _present_features(feats)
    if not present:
        return
    children = Out()
    for name in enums.FEATURES:
        if name not in present:
            continue
        state = feats.switches.get(name)
        if name in enums.FEATURES_PRESENT:
            if state:
                children.line(f"<{name}/>")
        elif name == "smm" and state is not None:
            tseg = Out()
            if state and feats.smm_tseg is not None:
                size, unit = _pretty_size(feats.smm_tseg)
                tseg.text_element("tseg", size, [("unit", unit)])
            children.element("smm", [("state", onoff(state))], tseg)
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
        else:
            _other_feature(children, name, feats)
    out.element("features", (), children)


def _other_feature(out: Out, name: str, feats: Features) -> None:
    """The features libvirt keeps for other hypervisors and architectures."""
    if name == "kvm" and feats.kvm is not None:
        out.open("kvm")
        for kvm_name in enums.KVM_FEATURES:
            state = feats.kvm.get(kvm_name)
            size = feats.kvm_dirty_ring_size if kvm_name == "dirty-ring" else 0
            out.empty(kvm_name, [("state", onoff(state)), ("size", size or None)])
        out.close("kvm")
    elif name == "capabilities":
        caps = Out()
        for cap in enums.PROCESS_CAPS:
            caps.empty(cap, [("state", onoff(feats.capabilities.get(cap)))])
        policy = feats.capabilities_policy
        if policy == "default" and not caps.lines:
            policy = None
        out.element("capabilities", [("policy", policy)], caps)
    elif name == "gic" and feats.gic_version is not None:
        version = feats.gic_version if feats.gic_version != "none" else None
        out.empty("gic", [("version", version)], always=True)
    elif name == "ioapic":
        out.empty("ioapic", [("driver", feats.ioapic)])
    elif name == "hpt" and feats.hpt:
        pagesize = Out()
        if feats.hpt_maxpagesize:
            pagesize.text_element("maxpagesize", feats.hpt_maxpagesize, [("unit", "KiB")])
        out.element("hpt", [("resizing", feats.hpt_resizing)], pagesize)
    elif name == "msrs":
        out.empty("msrs", [("unknown", feats.msrs_unknown)])
    elif name in enums.FEATURE_VALUES:
        out.empty(name, [("value", feats.values.get(name))])
    elif name == "tcg" and feats.tcg_tb_cache:
        out.open("tcg")
        out.text_element("tb-cache", feats.tcg_tb_cache, [("unit", "KiB")])
        out.close("tcg")
    elif name == "async-teardown":
        out.empty("async-teardown", [("enabled", yesno(feats.async_teardown))])


_PRETTY_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")


def _pretty_size(size: int) -> Tuple[int, str]:
    """virFormatIntPretty: the largest binary unit dividing ``size`` exactly."""
    if size == 0:
        return 0, "B"
    step = 0
    while step < 5 and size % 1024 == 0:
        size //= 1024
        step += 1
    return size, _PRETTY_UNITS[step]


def _hyperv(out: Out, feats: Features) -> None:
    out.open("hyperv", [("mode", feats.hyperv_mode)])
    for name in enums.HYPERV_FEATURES:
        state = feats.hyperv.get(name)
        if state is None:
            continue
        attrs: List[Tuple[str, Optional[object]]] = [("state", onoff(state))]
        children = Out()
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


def _cpu(out: Out, cpu: CPU) -> None:
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
        attrs.append(("deprecated_features", onoff(cpu.deprecated_features)))
    children = Out()
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
    if cpu.cache_mode is not None:
        children.empty("cache", [("level", None if cpu.cache_level == -1 else cpu.cache_level),
                                 ("mode", cpu.cache_mode)])
    if cpu.maxphysaddr_mode is not None:
        children.empty("maxphysaddr", [
            ("mode", cpu.maxphysaddr_mode),
            ("bits", None if cpu.maxphysaddr_bits == -1 else cpu.maxphysaddr_bits),
            ("limit", cpu.maxphysaddr_limit or None)])
    for feature in cpu.features:
        children.empty("feature", [("policy", feature.policy), ("name", feature.name)])
    if cpu.numa:
        _numa(children, cpu.numa)
    out.element("cpu", attrs, children)


def _numa(out: Out, cells: List[NumaCell]) -> None:
    out.open("numa")
    for index, cell in enumerate(cells):
        children = Out()
        siblings = Out()
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


def _clock(out: Out, clock: Clock) -> None:
    attrs: List[Tuple[str, Optional[object]]] = [("offset", clock.offset)]
    if clock.offset in ("utc", "localtime") and clock.adjustment_reset:
        attrs.append(("adjustment", "reset"))
    elif clock.offset == "variable":
        attrs += [("adjustment", clock.adjustment), ("basis", clock.basis)]
    elif clock.offset == "timezone":
        attrs.append(("timezone", clock.timezone))
    elif clock.offset == "absolute":
        attrs.append(("start", clock.start))
    children = Out()
    for timer in clock.timers:
        timer_attrs: List[Tuple[str, Optional[object]]] = [
            ("name", timer.name),
            ("present", yesno(timer.present)),
            ("tickpolicy", timer.tickpolicy),
            ("track", timer.track),
        ]
        if timer.name == "tsc":
            timer_attrs += [("frequency", timer.frequency or None), ("mode", timer.mode)]
        catchup = Out()
        catchup.empty("catchup", [("threshold", timer.catchup_threshold or None),
                                  ("slew", timer.catchup_slew or None),
                                  ("limit", timer.catchup_limit or None)])
        children.element("timer", timer_attrs, catchup)
    out.element("clock", attrs, children)


# --- devices -------------------------------------------------------------------


def _devices(out: Out, dom: Domain, *, secure: bool, inactive: bool) -> None:
    dev = dom.devices
    out.open("devices")
    out.text_element("emulator", dev.emulator)
    for disk in dev.disks:
        write_disk(out, disk)
    for ctrl in dev.controllers:
        _controller(out, ctrl)
    misc_devices.write_leases(out, dev.misc)
    misc_devices.write_filesystems(out, dev.misc)
    for net in dev.interfaces:
        write_interface(out, net, inactive=inactive)
    misc_devices.write_smartcards(out, dev.misc, inactive=inactive)
    for chr_dev in dev.serials + dev.parallels:
        write_chr(out, chr_dev, inactive=inactive)
    for index, console in enumerate(dev.consoles):
        # libvirt's back-compat: an HVM serial console shows its serial port
        if (dom.is_hvm and console.target_type in ("serial", "none")
                and index < len(dev.serials)):
            alias = dev.serials[index]
            console = ChrDevice(device="console", source=alias.source, target_type="serial",
                                target_port=alias.target_port, info=alias.info)
        write_chr(out, console, inactive=inactive)
    for channel in dev.channels:
        write_chr(out, channel, inactive=inactive)
    for inp in dev.inputs:
        _input(out, inp)
    misc_devices.write_tpms(out, dev.misc)
    for gfx in dev.graphics:
        write_graphics(out, gfx, secure=secure, inactive=inactive)
    for sound in dev.sounds:
        _sound(out, sound)
    misc_devices.write_audios(out, dev.misc)
    for video in dev.videos:
        _video(out, video)
    for hostdev in dev.hostdevs:
        write_hostdev(out, hostdev)
    misc_devices.write_after_hostdevs(out, dev.misc, inactive=inactive)
    balloon = dev.memballoon
    if balloon is not None:
        children = Out()
        if balloon.period:
            children.empty("stats", [("period", balloon.period)])
        write_device_info(children, balloon.info)
        children.empty("driver", virtio_attrs(balloon.virtio))
        out.element("memballoon", [("model", balloon.model),
                                   ("autodeflate", onoff(balloon.autodeflate)),
                                   ("freePageReporting", onoff(balloon.free_page_reporting))],
                    children)
    misc_devices.write_after_balloon(out, dev.misc, inactive=inactive)
    out.close("devices")


def _controller(out: Out, ctrl: Controller) -> None:
    """virDomainControllerDefFormat."""
    attrs: List[Tuple[str, Optional[object]]] = [
        ("type", ctrl.type), ("index", ctrl.index), ("model", ctrl.model)
    ]
    children = Out()
    if ctrl.type == "virtio-serial":
        attrs += [("ports", ctrl.ports), ("vectors", ctrl.vectors)]
    elif ctrl.type == "usb":
        attrs.append(("ports", ctrl.ports))
    elif ctrl.type == "xenbus":
        attrs += [("maxGrantFrames", ctrl.max_grant_frames),
                  ("maxEventChannels", ctrl.max_event_channels)]
    elif ctrl.type == "pci":
        _pci_controller_opts(children, ctrl.pci)
    driver = ctrl.driver
    driver_children = Out()
    write_iothread_mappings(driver_children, driver.iothreads)
    children.element("driver", [
        ("queues", driver.queues or None), ("cmd_per_lun", driver.cmd_per_lun or None),
        ("max_sectors", driver.max_sectors or None), ("ioeventfd", onoff(driver.ioeventfd)),
        ("iothread", driver.iothread or None),
    ] + virtio_attrs(driver.virtio), driver_children)
    write_device_info(children, ctrl.info)
    if ctrl.type == "pci" and ctrl.pci.pcihole64 is not None:
        children.text_element("pcihole64", ctrl.pci.pcihole64, [("unit", "KiB")])
    out.element("controller", attrs, children)


def _pci_controller_opts(out: Out, pci: PCIControllerOpts) -> None:
    if pci.model_name not in (None, "none"):
        out.empty("model", [("name", pci.model_name)])
    children = Out()
    if pci.numa_node != -1:
        children.text_element("node", pci.numa_node)

    def opt(value: int) -> Optional[int]:
        return None if value == -1 else value

    out.element("target", [
        ("chassisNr", opt(pci.chassis_nr)), ("chassis", opt(pci.chassis)),
        ("port", None if pci.port == -1 else f"0x{pci.port:x}"), ("busNr", opt(pci.bus_nr)),
        ("index", opt(pci.target_index)), ("hotplug", onoff(pci.hotplug)),
        ("memReserve", pci.mem_reserve or None),
    ], children)


def _input(out: Out, inp: Input) -> None:
    children = Out()
    children.empty("driver", virtio_attrs(inp.virtio))
    source = "dev" if inp.type == "evdev" else "evdev"
    children.empty("source", [(source, inp.evdev), ("grab", inp.grab),
                              ("grabToggle", inp.grab_toggle), ("repeat", onoff(inp.repeat))])
    write_device_info(children, inp.info)
    bus = inp.bus if inp.bus != "none" else None
    out.element("input", [("type", inp.type), ("bus", bus), ("model", inp.model)], children)


def _sound(out: Out, sound: Sound) -> None:
    children = Out()
    for codec in sound.codecs:
        children.empty("codec", [("type", codec)])
    children.empty("audio", [("id", sound.audio_id or None)])
    write_device_info(children, sound.info)
    attrs: List[Tuple[str, Optional[object]]] = [("model", sound.model)]
    if sound.model == "usb":
        attrs.append(("multichannel", yesno(sound.multichannel)))
    if sound.model == "virtio":
        attrs.append(("streams", sound.streams))
        children.empty("driver", virtio_attrs(sound.virtio))
    out.element("sound", attrs, children)


def _video(out: Out, video: Video) -> None:
    out.open("video")
    driver = virtio_attrs(video.virtio) + [("vgaconf", video.vgaconf),
                                           ("name", video.backend)]
    out.empty("driver", driver)
    attrs: List[Tuple[str, Optional[object]]] = [
        ("type", video.type),
        ("ram", video.ram or None),
        ("vram", video.vram or None),
        ("vram64", video.vram64 or None),
        ("vgamem", video.vgamem or None),
        ("heads", video.heads or None),
        ("primary", "yes" if video.primary else None),
        ("blob", onoff(video.blob)),
    ]
    children = Out()
    if video.accel:
        children.empty("acceleration", [("accel3d", yesno(video.accel3d)),
                                        ("accel2d", yesno(video.accel2d)),
                                        ("rendernode", video.rendernode)], always=True)
    if video.resolution is not None:
        x, y = video.resolution
        children.empty("resolution", [("x", x if x and y else None),
                                      ("y", y if x and y else None)], always=True)
    out.element("model", attrs, children)
    write_device_info(out, video.info)
    out.close("video")


def _pci_address(out: Out, addr: PCIAddress, *, with_type: bool) -> None:
    """virPCIDeviceAddressFormat: a host PCI address, never its multifunction."""
    out.empty("address", [("type", "pci" if with_type else None)] + pci_attrs(addr))
