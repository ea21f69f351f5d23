"""The ``disk`` list of xm configs, both ways (libvirt's xenParseXMDisk and
xenFormatXMDisk).

An entry is ``[DRIVER:[SUBTYPE:]]PATH,[ioemu:]DEV[:cdrom|:disk],MODE``.
libvirt skips, without a word, an entry it cannot read; so does this module,
which is why it has no errors of its own.
"""

from __future__ import annotations

from typing import List, Optional

from xenvirsh.errors import ConfigUnsupported, InternalError
from xenvirsh.formats.virconf import Conf, Value
from xenvirsh.formats.xen import rbd
from xenvirsh.formats.xen.values import get_string_list
from xenvirsh.model import enums
from xenvirsh.model.domain import Disk, Domain

_TAP_DRIVERS = ("tap", "tap2")
_FORMATS = frozenset(enums.STORAGE_FORMATS[1:])


def parse_disks(conf: Conf, dom: Domain) -> None:
    for entry in get_string_list(conf, "disk", strict=True) or []:
        disk = parse_disk(entry, dom.is_hvm)
        if disk is not None:
            dom.devices.disks.append(disk)


def parse_disk(entry: str, hvm: bool) -> Optional[Disk]:
    """One disk from an entry, or None where libvirt drops the entry."""
    source, comma, rest = entry.partition(",")
    if not comma:
        return None
    if rest.startswith("ioemu:"):
        rest = rest[len("ioemu:"):]
    dst, comma, mode = rest.partition(",")
    if not comma:
        return None
    disk = Disk(dst=dst)
    if source:
        driver, colon, path = source.partition(":")
        if colon:
            disk.driver_name = driver
            source = path
        if disk.driver_name in _TAP_DRIVERS:
            subtype, colon, path = source.partition(":")
            if not colon:
                return None
            disk.format = "raw" if subtype == "aio" else subtype
            if disk.format not in _FORMATS:
                return None  # libvirt reports "Unknown driver type" but goes on
            source = path
        disk.path = source
    if disk.driver_name is None:
        disk.driver_name = "phy"
    disk.type = "block" if disk.driver_name == "phy" else "file"
    name, colon, suffix = dst.partition(":")
    if colon:
        disk.device = "cdrom" if suffix == "cdrom" else "disk"
        disk.dst = name
    if name.startswith("xvd") or not hvm:
        disk.bus = "xen"
    elif name.startswith("sd"):
        disk.bus = "scsi"
    else:
        disk.bus = "ide"
    if mode in ("r", "ro"):
        disk.readonly = True
    elif mode in ("w!", "!"):
        disk.shareable = True
    return disk


def format_disks(conf: Conf, dom: Domain) -> None:
    entries: List[Value] = [_format_disk(d) for d in dom.devices.disks if d.device != "floppy"]
    if entries:
        conf.set("disk", entries)


def _format_disk(disk: Disk) -> str:
    path = rbd.image_name(disk)
    text = ""
    if path is not None:
        if disk.format not in (None, "none"):
            if disk.driver_name is not None:
                text += f"{disk.driver_name}:"
                if disk.driver_name in _TAP_DRIVERS:
                    text += "aio:" if disk.format == "raw" else f"{disk.format}:"
        elif disk.type == "file":
            text += "file:"
        elif disk.type == "block":
            text += "phy:"
        else:
            raise InternalError(f"unsupported disk type {disk.type}")
        text += path
    text += f",{disk.dst}"
    if disk.device == "cdrom":
        text += ":cdrom"
    if disk.readonly:
        text += ",r"
    elif disk.shareable:
        text += ",!"
    else:
        text += ",w"
    if disk.transient:
        raise ConfigUnsupported("transient disks not supported yet")
    return text
