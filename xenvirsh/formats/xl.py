"""xen-xl: xl.cfg(5) files, read and written as libvirt 11.3.0 does (xen_xl.c).

:func:`read` reads the text with libvirt's virConf reader and builds the domain
in the order of libvirt's xenParseXL: the settings shared with xm, the OS and
boot settings, vNUMA, Xen bus limits, ``cpuid``, disks, SPICE, USB inputs,
host USB devices, USB controllers, channels and ``device_model_args``, then
libvirt's post-parse. :func:`write` mirrors xenFormatXL and returns what
virConfWriteMem writes.
"""

from __future__ import annotations

from typing import List, Optional

from xenvirsh import cnum
from xenvirsh.formats import virconf
from xenvirsh.formats.virconf import Conf, Value
from xenvirsh.formats.xen import channel, cpuid, graphics, usb, vnuma, xl_disk
from xenvirsh.formats.xen.boot import format_boot, parse_boot
from xenvirsh.formats.xen.common import format_common, parse_common
from xenvirsh.formats.xen.values import get_string, get_ulong
from xenvirsh.host import Host
from xenvirsh.model.domain import ACPITable, Controller, Domain, Loader
from xenvirsh.model.placement import insert_controller
from xenvirsh.model.postparse import post_parse

DIALECT = "xl"


def read(text: str, host: Host) -> Domain:
    conf = virconf.parse(text, dialect=DIALECT)
    dom = parse_common(conf, host, DIALECT)
    _parse_os(conf, dom, host)
    vnuma.parse_vnuma(conf, dom)
    _parse_xenbus_limits(conf, dom, host)
    cpuid.parse_cpuid(conf, dom)
    xl_disk.parse_disks(conf, dom)
    graphics.parse_spice(conf, dom)
    usb.parse_xl_inputs(conf, dom)
    usb.parse_usbdevs(conf, dom)
    usb.parse_usbctrls(conf, dom)
    channel.parse_channels(conf, dom)
    _parse_device_model_args(conf, dom)
    return post_parse(dom, host, abi_update=True)


def write(dom: Domain, host: Host) -> str:
    conf = Conf()
    format_common(conf, dom, host, DIALECT)
    _format_os(conf, dom)
    cpuid.format_cpuid(conf, dom)
    vnuma.format_vnuma(conf, dom)
    _format_xenbus_limits(conf, dom, host)
    xl_disk.format_disks(conf, dom)
    graphics.format_spice(conf, dom)
    usb.format_xl_inputs(conf, dom)
    usb.format_usbdevs(conf, dom)
    usb.format_usbctrls(conf, dom)
    channel.format_channels(conf, dom)
    if dom.xen_cmdline:
        args: List[Value] = list(dom.xen_cmdline)
        conf.set("device_model_args", args)
    return conf.dumps()


# --- OS and boot -----------------------------------------------------------------


def _parse_cmdline(conf: Conf) -> Optional[str]:
    """``cmdline``, or else ``root`` and ``extra`` combined; libvirt reads all three."""
    cmdline = get_string(conf, "cmdline")
    root = get_string(conf, "root")
    extra = get_string(conf, "extra")
    if cmdline is not None:
        return cmdline
    if root is not None:
        return f"root={root} {extra}" if extra is not None else f"root={root}"
    return extra


def _parse_os(conf: Conf, dom: Domain, host: Host) -> None:
    osd = dom.os
    if not dom.is_hvm:
        osd.bootloader = get_string(conf, "bootloader")
        osd.bootloader_args = get_string(conf, "bootargs")
        osd.kernel = get_string(conf, "kernel")
        osd.initrd = get_string(conf, "ramdisk")
        osd.cmdline = _parse_cmdline(conf)
        return
    bios = get_string(conf, "bios")
    bios_path = get_string(conf, "bios_path_override")
    if bios == "ovmf":
        path = f"{host.firmware_dir}/ovmf.bin" if bios_path is None else bios_path
        osd.loader = Loader(path=path, type="pflash", readonly=True, format="raw")
    else:
        # the last HVM guest of the caps for this arch, as libvirt's loop leaves it
        for guest in host.guests:
            if guest.os_type == "hvm" and guest.arch == osd.arch:
                osd.loader = Loader(path=guest.loader, format="raw")
    acpi_firmware = get_string(conf, "acpi_firmware")
    if acpi_firmware is not None:
        osd.acpi_tables = [ACPITable(type="rawset", path=acpi_firmware)]
    osd.kernel = get_string(conf, "kernel")
    osd.initrd = get_string(conf, "ramdisk")
    osd.cmdline = _parse_cmdline(conf)
    osd.boot_devs = parse_boot(conf)
    cpuid.parse_nestedhvm(conf, dom, host)


def _format_os(conf: Conf, dom: Domain) -> None:
    osd = dom.os
    if dom.is_hvm:
        conf.set("builder", "hvm")
        if osd.loader is not None and osd.loader.type == "pflash":
            conf.set("bios", "ovmf")
            if osd.loader.path is not None:
                conf.set("bios_path_override", osd.loader.path)
        if osd.acpi_tables:
            conf.set("acpi_firmware", osd.acpi_tables[0].path)
    else:
        if dom.is_pvh:
            conf.set("type", "pvh")
        if osd.bootloader is not None:
            conf.set("bootloader", osd.bootloader)
        if osd.bootloader_args is not None:
            conf.set("bootargs", osd.bootloader_args)
    for key, value in (("kernel", osd.kernel), ("ramdisk", osd.initrd),
                       ("cmdline", osd.cmdline)):
        if value is not None:
            conf.set(key, value)
    if dom.is_hvm:
        format_boot(conf, dom)
        cpuid.format_nestedhvm(conf, dom)


# --- Xen bus limits and device model arguments -------------------------------------------


def _limit(conf: Conf, name: str) -> Optional[int]:
    """A limit as libvirt stores it: only when positive, cut to an int where -1 means unset."""
    limit = get_ulong(conf, name, 0)
    value = cnum.as_int(limit)
    return None if limit == 0 or value == -1 else value


def _parse_xenbus_limits(conf: Conf, dom: Domain, host: Host) -> None:
    xenbus = next((c for c in dom.devices.controllers if c.type == "xenbus"), None)
    if xenbus is None:
        xenbus = Controller(type="xenbus", index=0)
        insert_controller(dom.devices.controllers, xenbus)
    events = _limit(conf, "max_event_channels")
    if events is not None:
        xenbus.max_event_channels = events
    if host.grant_limits:
        frames = _limit(conf, "max_grant_frames")
        if frames is not None:
            xenbus.max_grant_frames = frames


def _format_xenbus_limits(conf: Conf, dom: Domain, host: Host) -> None:
    for ctrl in dom.devices.controllers:
        if ctrl.type != "xenbus":
            continue
        if ctrl.max_event_channels is not None and ctrl.max_event_channels > 0:
            conf.set("max_event_channels", ctrl.max_event_channels)
        if (host.grant_limits and ctrl.max_grant_frames is not None
                and ctrl.max_grant_frames > 0):
            conf.set("max_grant_frames", ctrl.max_grant_frames)


def _parse_device_model_args(conf: Conf, dom: Domain) -> None:
    value = conf.get("device_model_args")
    if isinstance(value, list):
        dom.xen_cmdline = [arg for arg in value if isinstance(arg, str)]
