"""Domain model -> ``libxl_domain_config``, as libvirt's ``libxlBuildDomainConfig``.

The steps and their order are libvirt 11.3.0's (``src/libxl/libxl_conf.c``):
create info, build info, virtual NUMA, disks, NICs, framebuffers, the HVM
display, PCI, USB controllers and devices, channels, video, lifecycle
actions. The order matters for which error a bad domain reports first and
for which VNC/SPICE port each display gets. The result is a plain IDL value
(:mod:`xenvirsh.formats.libxl.idl`); the domain itself is left unchanged.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from xenvirsh.errors import ConfigUnsupported, InternalError
from xenvirsh.formats.libxl import devices
from xenvirsh.formats.libxl.cpuid import CpuidPolicy
from xenvirsh.formats.libxl.domain_config import Config
from xenvirsh.formats.xen.cpuid import libxl_feature_name
from xenvirsh.host import Host
from xenvirsh.model.domain import ChrDevice, Domain

Value = Dict[str, Any]

_ACTIONS = {
    "destroy": "destroy",
    "restart": "restart",
    "rename-restart": "restart_rename",
    "preserve": "preserve",
    "coredump-destroy": "coredump_destroy",
    "coredump-restart": "coredump_restart",
}
_CLOCK_OFFSETS = ("utc", "localtime", "variable", "timezone", "absolute")
_TSC_MODES = {"native": "native", "paravirt": "native_paravirt", "emulate": "always_emulate"}
# libxl_viridian_enlightenment bit numbers
_VIRIDIAN = {"base": 0, "freq": 1, "time_ref_count": 2, "reference_tsc": 3,
             "hcall_remote_tlb_flush": 4, "apic_assist": 5, "crash_ctl": 6, "synic": 7,
             "stimer": 8, "hcall_ipi": 9}
_VIRIDIAN_WIDTH = 64  # LIBXL_BUILDINFO_HVM_VIRIDIAN_ENABLE_DISABLE_WIDTH
# <hyperv> feature -> the enlightenments it turns on
_HYPERV_ENLIGHTENMENTS = {
    "synic": ("synic",),
    "stimer": ("stimer", "synic", "time_ref_count", "reference_tsc"),
    "vapic": ("apic_assist",),
    "frequencies": ("freq",),
    "tlbflush": ("hcall_remote_tlb_flush",),
    "ipi": ("hcall_ipi",),
}
_BOOT_DEVICES = {"fd": "a", "hd": "c", "cdrom": "d", "network": "n"}


def build_config(dom: Domain, host: Host) -> Config:
    ports = devices.PortAllocator(host)
    config: Config = {"c_info": _create_info(dom), "b_info": _build_info(dom, host)}
    b_info = config["b_info"]
    b_info["vnuma_nodes"] = _vnuma_nodes(dom, host)
    config["disks"] = [devices.disk(disk) for disk in dom.devices.disks]
    config["nics"] = devices.nics(dom, host)
    vfbs = [devices.vfb(gfx, ports) for gfx in dom.devices.graphics]
    config["vfbs"] = vfbs
    config["vkbs"] = [{} for _ in vfbs]  # each display gets a PV keyboard
    if dom.is_hvm and vfbs:
        devices.hvm_display(dom, vfbs, ports, b_info["u"])
    config["pcidevs"] = devices.pci_devices(dom)
    config["usbctrls"] = devices.usb_controllers(dom)
    config["usbdevs"] = devices.usb_devices(dom, host)
    config["channels"] = devices.channels(dom, host)
    if dom.is_hvm:
        _video(dom, host, b_info)
    config["on_reboot"] = _ACTIONS[dom.on_reboot]
    config["on_poweroff"] = _ACTIONS[dom.on_poweroff]
    config["on_crash"] = _ACTIONS[dom.on_crash]
    return config


def _domain_type(dom: Domain) -> str:
    if dom.is_hvm:
        return "hvm"
    return "pvh" if dom.is_pvh else "pv"


# --- libxlMakeDomCreateInfo ---------------------------------------------------


def _create_info(dom: Domain) -> Value:
    c_info: Value = {"type": _domain_type(dom), "name": dom.name, "uuid": dom.uuid}
    if not dom.is_pv:
        c_info["hap"] = dom.features.switches.get("hap")
    feats = dom.features
    if feats.xen and feats.xen_passthrough is not None:
        if not feats.xen_passthrough:
            c_info["passthrough"] = "disabled"
        elif feats.xen_passthrough_mode in ("sync_pt", "share_pt"):
            c_info["passthrough"] = feats.xen_passthrough_mode
        else:
            c_info["passthrough"] = "enabled"
    return c_info


# --- libxlMakeDomBuildInfo ----------------------------------------------------


def _build_info(dom: Domain, host: Host) -> Value:
    u_info: Value = {}
    b_info: Value = {"type": _domain_type(dom), "u": u_info}
    b_info["max_vcpus"] = dom.vcpus_max
    b_info["avail_vcpus"] = set(range(dom.vcpus))
    _vcpu_affinity(dom, host, b_info)
    _clock(dom, b_info)
    _timers(dom, b_info)
    if dom.cputune.shares is not None:
        b_info["sched_params"] = {"weight": dom.cputune.shares}
    # Xen wants whole MiB
    b_info["max_memkb"] = _round_mib(dom.memory_kib)
    b_info["target_memkb"] = _round_mib(dom.current_memory_kib)
    for ctrl in dom.devices.controllers:
        if ctrl.type == "xenbus":
            if ctrl.max_event_channels:
                b_info["event_channels"] = ctrl.max_event_channels
            if ctrl.max_grant_frames and host.grant_limits:
                b_info["max_grant_frames"] = ctrl.max_grant_frames
    if not dom.is_pv:
        _host_passthrough_cpu(dom, host, b_info)
    if dom.is_hvm:
        _hvm(dom, host, b_info)
    elif dom.is_pvh:
        _direct_boot(dom, b_info)
        b_info["bootloader"] = dom.os.bootloader
        b_info["bootloader_args"] = _bootloader_args(dom.os.bootloader_args)
    else:
        _pv(dom, host, u_info)
    _check_memballoon(dom)
    b_info["shadow_memkb"] = host.shadow_memory(b_info["max_memkb"], b_info["max_vcpus"])
    b_info["extra"] = list(dom.xen_cmdline)
    return b_info


def _round_mib(kib: int) -> int:
    return -(-kib // 1024) * 1024


def _vcpu_affinity(dom: Domain, host: Host, b_info: Value) -> None:
    """Hard affinity up to the last pinned vCPU; the others may run anywhere."""
    pins = {pin.vcpu: pin.cpuset for pin in dom.cputune.vcpupins if pin.vcpu < dom.vcpus_max}
    if not pins:
        return
    width = -(-host.max_cpus // 8) * 8  # libxl bitmaps are whole bytes
    anywhere = set(range(width))
    b_info["vcpu_hard_affinity"] = [
        {cpu for cpu in pins[vcpu] if cpu < width} if vcpu in pins else anywhere
        for vcpu in range(max(pins) + 1)
    ]
    b_info["numa_placement"] = False


def _clock(dom: Domain, b_info: Value) -> None:
    clock = dom.clock
    if clock.offset == "variable":
        if clock.basis == "localtime":
            b_info["localtime"] = True
        # a uint32 in libxl: negative offsets wrap around
        b_info["rtc_timeoffset"] = clock.adjustment % (1 << 32)
    elif clock.offset == "localtime":
        b_info["localtime"] = True
    elif clock.offset == "timezone":
        raise ConfigUnsupported("unsupported clock offset 'timezone'")
    elif clock.offset != "utc":
        raise ConfigUnsupported(
            f"unexpected clock offset '{_CLOCK_OFFSETS.index(clock.offset)}'"
        )


def _timers(dom: Domain, b_info: Value) -> None:
    for timer in dom.clock.timers:
        if timer.name == "tsc":
            b_info["tsc_mode"] = _TSC_MODES.get(timer.mode or "", "default")
        elif timer.name == "hpet" and dom.is_hvm:
            if timer.present:
                b_info["u"]["hpet"] = True
        else:
            raise ConfigUnsupported(f"unsupported timer type (name) '{timer.name}'")


def _host_passthrough_cpu(dom: Domain, host: Host, b_info: Value) -> None:
    """CPUID overrides and nested HVM from <cpu mode='host-passthrough'> features."""
    cpu = dom.cpu
    if cpu is None or cpu.mode != "host-passthrough":
        return
    vmx = svm = nested = False
    if dom.os.arch in ("i686", "x86_64"):
        vmx, svm = host.cpu.has("vmx"), host.cpu.has("svm")
        nested = host.nested_hvm and (vmx or svm)
    policy = CpuidPolicy()
    for feature in cpu.features:
        if feature.policy in ("disable", "forbid"):
            value = "0"
        elif feature.policy in ("force", "require"):
            value = "1"
        else:
            continue
        if (vmx and feature.name == "vmx") or (svm and feature.name == "svm"):
            nested = value == "1"
            continue
        name = libxl_feature_name(feature.name)
        # libvirt formats the setting into a 32-byte buffer
        if not policy.parse(f"{name}={value}"[:31]):
            raise ConfigUnsupported(f"unsupported cpu feature '{feature.name}'")
    b_info["cpuid"] = policy
    b_info["nested_hvm"] = nested


def _hvm(dom: Domain, host: Host, b_info: Value) -> None:
    hvm: Value = b_info["u"]
    feats = dom.features
    hvm["pae"] = feats.on("pae")
    b_info["apic"] = feats.apic
    b_info["acpi"] = feats.on("acpi")
    hvm["viridian_enable"] = _viridian(dom)
    if dom.os.acpi_tables:
        hvm["acpi_firmware"] = dom.os.acpi_tables[0].path
    if dom.devices.sounds:
        model = dom.devices.sounds[0].model
        hvm["soundhw"] = "hda" if model == "ich6" else model
    hvm["boot"] = "".join(_BOOT_DEVICES[dev] for dev in dom.os.boot_devs) or "c"
    _direct_boot(dom, b_info)
    _firmware(dom, host, hvm)
    emulator = dom.devices.emulator
    if emulator:
        problem = host.emulator_problem(emulator)
        if problem:
            raise ConfigUnsupported(f"emulator '{emulator}' {problem}")
        b_info["device_model"] = emulator
        b_info["device_model_version"] = host.emulator_type(emulator)
    serials = [_chardev(serial) for serial in dom.devices.serials]
    if len(serials) == 1:
        hvm["serial"] = serials[0]
    else:
        hvm["serial_list"] = serials
    if dom.devices.parallels:
        raise ConfigUnsupported("Parallel devices are not supported by libxl")
    # off until a display turns them on
    hvm["vnc"] = {"enable": False}
    hvm["sdl"] = {"enable": False}
    hvm["usbdevice_list"] = [_usb_input(inp.type) for inp in dom.devices.inputs
                             if inp.bus == "usb"]


def _viridian(dom: Domain) -> Optional[set[int]]:
    feats = dom.features
    if feats.hyperv_mode in (None, "none"):
        return None
    if feats.hyperv_mode == "passthrough":
        bits = set(range(_VIRIDIAN_WIDTH))
    else:
        # the base set, needed for any other, and the crash MSRs that carry guest logs
        bits = {_VIRIDIAN["base"], _VIRIDIAN["crash_ctl"]}
    # libvirt warns about spinlocks and vendor_id and reports the features Xen lacks
    # without failing; both leave the bitmap alone
    for feature, enlightenments in _HYPERV_ENLIGHTENMENTS.items():
        if feats.hyperv.get(feature):
            bits.update(_VIRIDIAN[name] for name in enlightenments)
    return bits


def _usb_input(kind: str) -> str:
    if kind not in ("mouse", "tablet"):
        raise ConfigUnsupported("Unknown input device type")
    return kind


def _direct_boot(dom: Domain, b_info: Value) -> None:
    b_info["cmdline"] = dom.os.cmdline
    b_info["kernel"] = dom.os.kernel
    b_info["ramdisk"] = dom.os.initrd


def _firmware(dom: Domain, host: Host, hvm: Value) -> None:
    """UEFI through libxl's OVMF support; libxl takes no NVRAM."""
    loader = dom.os.loader
    if dom.os.firmware == "efi":
        hvm["bios"] = "ovmf"
        hvm["system_firmware"] = (loader.path if loader and loader.path
                                  else f"{host.firmware_dir}/ovmf.bin")
    elif loader is not None and loader.type == "pflash":
        hvm["bios"] = "ovmf"
        hvm["system_firmware"] = loader.path
    if loader is not None and loader.format not in (None, "raw"):
        raise ConfigUnsupported(f"Unsupported loader format '{loader.format}'")


def _chardev(chr_dev: ChrDevice) -> str:
    """libxlMakeChrdevStr: a serial port as QEMU's -serial option spells it."""
    src = chr_dev.source
    kind = src.type
    if kind in ("null", "stdio", "vc", "pty"):
        return kind
    if kind in ("file", "pipe"):
        return f"{kind}:{_c_str(src.path)}"
    if kind == "dev":
        return _c_str(src.path)
    if kind == "udp":
        return (f"udp:{src.connect_host or ''}:{_c_str(src.connect_service)}"
                f"@{src.bind_host or ''}:{src.bind_service or '0'}")
    if kind == "tcp":
        prefix = "telnet" if src.protocol == "telnet" else "tcp"
        server = ",server,nowait" if src.listen else ""
        return f"{prefix}:{_c_str(src.host)}:{_c_str(src.service)}{server}"
    if kind == "unix":
        return f"unix:{_c_str(src.path)}{',server,nowait' if src.listen else ''}"
    raise ConfigUnsupported(f"unsupported chardev '{kind}'")


def _c_str(text: Optional[str]) -> str:
    """What printf's %s makes of a string that may be NULL."""
    return "(null)" if text is None else text


def _pv(dom: Domain, host: Host, pv: Value) -> None:
    osd = dom.os
    if osd.bootloader:
        pv["bootloader"] = osd.bootloader
    elif osd.kernel is None:
        # like xend, boot through pygrub when neither kernel nor bootloader is given
        pv["bootloader"] = host.bootloader_path
    pv["bootloader_args"] = _bootloader_args(osd.bootloader_args)
    pv["cmdline"] = osd.cmdline
    pv["kernel"] = osd.kernel
    pv["ramdisk"] = osd.initrd
    if dom.features.xen:
        pv["e820_host"] = dom.features.xen_e820_host


def _bootloader_args(args: Optional[str]) -> List[str]:
    """g_strsplit(args, " \\t\\n", 0): split at that whole three-character string."""
    return args.split(" \t\n") if args else []


def _check_memballoon(dom: Domain) -> None:
    balloon = dom.devices.memballoon
    if balloon is None or balloon.model == "xen":
        return
    if balloon.model == "none":
        raise ConfigUnsupported("balloon device cannot be disabled")
    raise ConfigUnsupported(f"unsupported balloon device model '{balloon.model}'")


# --- libxlMakeVnumaList ---------------------------------------------------------


def _vnuma_nodes(dom: Domain, host: Host) -> List[Value]:
    cells = dom.cpu.numa if dom.cpu else []
    # more cells than host nodes: all of them on node 0
    simulate = len(cells) > host.numa_nodes
    width = -(-dom.vcpus_max // 8) * 8
    nodes = []
    for index, cell in enumerate(cells):
        if cell.cpus is None:
            raise InternalError(f"vnuma sibling {index} missing vcpus set")
        distances = [
            (cell.distances[j] if j < len(cell.distances) else 0) or (10 if j == index else 20)
            for j in range(len(cells))
        ]
        nodes.append({"memkb": cell.memory_kib, "distances": distances,
                      "pnode": 0 if simulate else index,
                      "vcpus": {cpu for cpu in cell.cpus if cpu < width}})
    return nodes


# --- libxlMakeVideo -------------------------------------------------------------

# video type -> (libxl kind, minimum MiB with qemu-xen, minimum with qemu-dm)
_VIDEO = {"vga": ("std", 16, 8), "xen": ("std", 16, 8), "cirrus": ("cirrus", 8, 4),
          "qxl": ("qxl", 128, 128)}


def _video(dom: Domain, host: Host, b_info: Value) -> None:
    """The primary video card; HVM guests without one get no graphics at all."""
    hvm = b_info["u"]
    if not dom.devices.videos:
        hvm["nographic"] = True
        hvm["vga"] = {"kind": "none"}
        return
    video = dom.devices.videos[0]
    spec = _VIDEO.get(video.type)
    if spec is None:
        raise ConfigUnsupported(f"video type {video.type} is not supported by libxl")
    kind, upstream_mib, traditional_mib = spec
    minimum = (upstream_mib if host.emulator_type(dom.devices.emulator) == "qemu_xen"
               else traditional_mib)
    if video.vram < minimum * 1024:
        label = "VGA" if kind == "std" else kind.upper()
        raise ConfigUnsupported(f"videoram must be at least {minimum}MB for {label}")
    hvm["vga"] = {"kind": kind}
    b_info["video_memkb"] = video.vram
