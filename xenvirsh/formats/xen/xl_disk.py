"""The ``disk`` list of xl configs, both ways (libvirt's xenParseXLDisk and
xenFormatXLDisk).

Parse: each string goes through Xen's own disk-spec parser
(:mod:`xenvirsh.formats.xldisk`), and its result becomes a ``<disk>`` the way
libvirt maps ``libxl_device_disk``. Format: one
``format=,vdev=,access=[,backendtype=][,devtype=cdrom][,target=]`` string per
disk that is not a floppy.
"""

from __future__ import annotations

from typing import List, Optional

from xenvirsh.errors import ConfigUnsupported, InternalError, NoSupport
from xenvirsh.formats import xldisk
from xenvirsh.formats.virconf import Conf, Value
from xenvirsh.formats.xen import rbd
from xenvirsh.model.domain import Disk, Domain

_FORMATS = {"qcow": "qcow", "qcow2": "qcow2", "vhd": "vhd", "raw": "raw",
            "unknown": "raw", "qed": "qed"}
# libvirt writes VHD as xvhd
_FORMAT_NAMES = {"raw": "raw", "vhd": "xvhd", "qcow": "qcow", "qcow2": "qcow2", "qed": "qed"}
_BACKEND_NAMES = {"qemu": "qdisk", "file": "qdisk", "tap": "tap", "phy": "phy"}


def parse_disks(conf: Conf, dom: Domain) -> None:
    value = conf.get("disk")
    if not isinstance(value, list):
        return
    for spec in value:
        if isinstance(spec, str):
            dom.devices.disks.append(_disk(xldisk.parse(spec), dom.is_hvm))


def _disk(parsed: xldisk.Disk, hvm: bool) -> Disk:
    disk = Disk(type="none")
    if parsed.pdev_path is not None:
        _source(disk, parsed.pdev_path)
    disk.dst = parsed.vdev
    disk.readonly = not parsed.readwrite
    if parsed.is_cdrom:
        disk.driver_name = "qemu"
        _set_local(disk, "file")
        disk.device = "cdrom"
        disk.format = "raw" if disk.path else None
    else:
        if parsed.format != "empty":
            disk.format = _FORMATS[parsed.format]
        _backend(disk, parsed.backend)
    vdev = parsed.vdev or ""
    if vdev.startswith("xvd") or not hvm:
        disk.bus = "xen"
    elif vdev.startswith("sd"):
        disk.bus = "scsi"
    else:
        disk.bus = "ide"
    return disk


def _source(disk: Disk, path: str) -> None:
    """xenParseXLDiskSrc: an ``rbd:`` target is a network disk, anything else a path."""
    if path.startswith(rbd.PREFIX):
        # a doubled backslash in the config stands for one
        rbd.parse_rbd(path.replace("\\\\", "\\"), disk)
    else:
        disk.path = path


def _set_local(disk: Disk, kind: str) -> None:
    """Make the disk a local one. An RBD source keeps its image name (without the pool)
    and its cephx user, as libvirt then formats them."""
    if disk.type == "network":
        disk.path = rbd.image_name(disk)
        disk.protocol = None
        disk.hosts = []
        disk.snapshot = disk.config_file = None
    disk.type = kind


def _backend(disk: Disk, backend: str) -> None:
    if backend in ("qdisk", "unknown"):
        disk.driver_name = "qemu"
        if disk.type == "none":
            disk.type = "file"
    elif backend == "tap":
        disk.driver_name = "tap"
        _set_local(disk, "file")
    elif backend == "phy":
        disk.driver_name = "phy"
        _set_local(disk, "block")
    else:
        raise ConfigUnsupported(f"disk backend not supported: {backend}")


def format_disks(conf: Conf, dom: Domain) -> None:
    specs: List[Value] = [_format_disk(d) for d in dom.devices.disks if d.device != "floppy"]
    if specs:
        conf.set("disk", specs)


def _format_disk(disk: Disk) -> str:
    text = f"format={_FORMAT_NAMES.get(disk.format or '', 'raw')},vdev={disk.dst}"
    if disk.readonly:
        text += ",access=ro"
    elif disk.shareable:
        text += ",access=!"
    else:
        text += ",access=rw"
    if disk.transient:
        raise ConfigUnsupported("transient disks not supported yet")
    if disk.driver_name is not None:
        text += ",backendtype=" + _BACKEND_NAMES.get(disk.driver_name, "")
    if disk.device == "cdrom":
        text += ",devtype=cdrom"
    target = _target(disk)
    if target is not None:
        text += f",target={target}"
    return text


def _target(disk: Disk) -> Optional[str]:
    """xenFormatXLDiskSrc."""
    if disk.type in ("file", "block", "dir"):
        return disk.path
    if disk.type != "network":
        raise InternalError("unsupported storage type for this code path")
    if disk.protocol is None:
        return None
    if disk.protocol != "rbd":
        raise NoSupport(f"Unsupported network block protocol '{disk.protocol}'")
    return rbd.format_rbd(disk)
