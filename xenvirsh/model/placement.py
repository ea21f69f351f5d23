"""Where devices go: disk and controller order, drive indexes, default ports.

libvirt keeps disks of one bus and controllers of one type sorted as they are
inserted; every parser uses these helpers so that all formats agree.
"""

from __future__ import annotations

import re
from typing import List, Optional, Sequence

from xenvirsh.model.domain import Controller, Disk

_INT_MAX = 2**31 - 1
# trailing digits (a partition) are ignored, even with a leading zero
_DISK_NAME = re.compile(r"(?:fd|hd|vd|sd|xvd|ubd)([a-z]+)[0-9]*")


def disk_name_index(name: Optional[str]) -> int:
    """virDiskNameToIndex: hda -> 0, xvdb -> 1, sdaa -> 26; -1 if not a disk name."""
    if not name:
        return -1
    match = _DISK_NAME.fullmatch(name)
    if not match:
        return -1
    index = 0
    for position, letter in enumerate(match.group(1)):
        index = (index + (1 if position else 0)) * 26 + ord(letter) - ord("a")
        if index > _INT_MAX:  # libvirt refuses what overflows its int
            return -1
    return index


def insert_disk(disks: List[Disk], disk: Disk) -> None:
    """virDomainDiskInsert: keep disks of one bus ordered by their index."""
    insert_disks(disks, [disk])


def insert_disks(disks: List[Disk], new: Sequence[Disk]) -> None:
    """virDomainDiskInsert for each of ``new`` in turn, each name parsed once.

    libvirt scans every disk for each one inserted: the new disk goes before
    the first disk of its bus with a higher index, else after the last disk
    of its bus, else at the end."""
    keys = [(d.bus, disk_name_index(d.dst) if d.dst else None) for d in disks]
    for disk in new:
        index = disk_name_index(disk.dst) if disk.dst else None
        bus = disk.bus
        at = None
        if index is not None:
            at = next((i for i, (b, other) in enumerate(keys)
                       if b == bus and other is not None and other > index), None)
        if at is None:
            last = next((i for i in range(len(keys) - 1, -1, -1) if keys[i][0] == bus), None)
            at = len(keys) if last is None else last + 1
        disks.insert(at, disk)
        keys.insert(at, (bus, index))


def insert_controller(controllers: List[Controller], ctrl: Controller) -> None:
    """virDomainControllerInsertPreAlloced: keep each type ordered by index,
    a USB master before its companion controllers."""
    insert_at = -1
    for idx in range(len(controllers) - 1, -1, -1):
        other = controllers[idx]
        if other.type != ctrl.type:
            continue
        if ctrl.index == -1:
            insert_at = idx + 1
            break
        if other.index > ctrl.index:
            insert_at = idx
        elif (ctrl.info.usb_master_startport is None
              and other.info.usb_master_startport is not None and other.index == ctrl.index):
            insert_at = idx  # a master goes before its companions
        elif insert_at == -1:
            insert_at = idx + 1
    controllers.insert(len(controllers) if insert_at == -1 else insert_at, ctrl)


_DEFAULT_PORTS = {
    "http": 80, "https": 443, "ftp": 21, "ftps": 990, "tftp": 69, "sheepdog": 7000,
    "nbd": 10809, "ssh": 22, "iscsi": 3260, "gluster": 24007, "vxhs": 9999,
}


def assign_default_ports(disk: Disk) -> None:
    """virStorageSourceNetworkAssignDefaultPorts (rbd and nfs have no default)."""
    for host in disk.hosts:
        if host.transport in (None, "tcp") and not host.port and disk.protocol:
            host.port = _DEFAULT_PORTS.get(disk.protocol) or None
