"""xen-xm: the configs of Xen's retired xm tool, read and written as libvirt
11.3.0 does (xen_xm.c).

xm configs were Python programs; like libvirt, xenvirsh reads them as data with
its virConf reader and never executes them. :func:`read` follows libvirt's
xenParseXM: the settings shared with xl, the OS and boot settings (for HVM
guests ``kernel`` is the firmware loader and is required), the ``disk`` list
and ``usbdevice``, then libvirt's post-parse. :func:`write` mirrors xenFormatXM.
"""

from __future__ import annotations

from typing import Optional

from xenvirsh.formats import virconf
from xenvirsh.formats.virconf import Conf
from xenvirsh.formats.xen import usb, xm_disk
from xenvirsh.formats.xen.boot import format_boot, parse_boot
from xenvirsh.formats.xen.common import format_common, parse_common
from xenvirsh.formats.xen.values import get_string, require_string
from xenvirsh.host import Host
from xenvirsh.model.domain import Domain, Loader
from xenvirsh.model.postparse import post_parse

DIALECT = "xm"


def read(text: str, host: Host) -> Domain:
    conf = virconf.parse(text, dialect=DIALECT)
    dom = parse_common(conf, host, DIALECT)
    _parse_os(conf, dom)
    xm_disk.parse_disks(conf, dom)
    usb.parse_xm_inputs(conf, dom)
    return post_parse(dom, host, abi_update=True)


def write(dom: Domain, host: Host) -> str:
    conf = Conf()
    format_common(conf, dom, host, DIALECT)
    _format_os(conf, dom)
    xm_disk.format_disks(conf, dom)
    usb.format_xm_inputs(conf, dom)
    return conf.dumps()


def _parse_os(conf: Conf, dom: Domain) -> None:
    osd = dom.os
    if dom.is_hvm:
        osd.loader = Loader(path=require_string(conf, "kernel"), format="raw")
        osd.boot_devs = parse_boot(conf)
        return
    osd.bootloader = get_string(conf, "bootloader")
    osd.bootloader_args = get_string(conf, "bootargs")
    osd.kernel = get_string(conf, "kernel")
    osd.initrd = get_string(conf, "ramdisk")
    osd.cmdline = _cmdline(conf)


def _cmdline(conf: Conf) -> Optional[str]:
    """xm knows no ``cmdline``: the command line is ``root`` and ``extra``."""
    extra = get_string(conf, "extra")
    root = get_string(conf, "root")
    if root is not None:
        return f"root={root} {extra}" if extra is not None else f"root={root}"
    return extra


def _format_os(conf: Conf, dom: Domain) -> None:
    osd = dom.os
    if dom.is_hvm:
        conf.set("builder", "hvm")
        if osd.loader is not None and osd.loader.path is not None:
            conf.set("kernel", osd.loader.path)
        format_boot(conf, dom)
        return
    for key, value in (("bootloader", osd.bootloader), ("bootargs", osd.bootloader_args),
                       ("kernel", osd.kernel), ("ramdisk", osd.initrd),
                       ("extra", osd.cmdline)):
        if value is not None:
            conf.set(key, value)
