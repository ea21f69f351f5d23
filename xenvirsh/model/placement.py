"""Where devices go: disk and controller order, drive indexes, default ports.

libvirt keeps disks of one bus and controllers of one type sorted as they are
inserted; every parser uses these helpers so that all formats agree.
"""

from __future__ import annotations

import re
from typing import List, Optional

from xenvirsh.model.domain import Controller, Disk


def disk_name_index(name: Optional[str]) -> int:
    """virDiskNameToIndex: hda -> 0, xvdb -> 1, sdaa -> 26; -1 if not a disk name."""
    if not name:
        return -1
    match = re.fullmatch(r"(?:fd|hd|vd|sd|xvd|ubd)([a-z]+)(\d*)", name)
    if not match or (len(match.group(2)) > 1 and match.group(2).startswith("0")):
        return -1
    index = 0
    for position, letter in enumerate(match.group(1)):
        index = (index + (1 if position else 0)) * 26 + ord(letter) - ord("a")
    return index


def insert_disk(disks: List[Disk], disk: Disk) -> None:
    """virDomainDiskInsert: keep disks of one bus ordered by their index."""
    insert_at = -1
    for idx in range(len(disks) - 1, -1, -1):
        other = disks[idx]
        if other.bus != disk.bus:
            continue
        if other.dst and disk.dst and disk_name_index(other.dst) > disk_name_index(disk.dst):
            insert_at = idx
        elif insert_at == -1:
            insert_at = idx + 1
    disks.insert(len(disks) if insert_at == -1 else insert_at, disk)


def insert_controller(controllers: List[Controller], ctrl: Controller) -> None:
    """virDomainControllerInsertPreAlloced: keep each type ordered by index."""
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
        elif insert_at == -1:
            insert_at = idx + 1
    controllers.insert(len(controllers) if insert_at == -1 else insert_at, ctrl)


_DEFAULT_PORTS = {
    "http": 80, "https": 443, "ftp": 21, "ftps": 990, "tftp": 69, "sheepdog": 7000,
    "nbd": 10809, "ssh": 22, "iscsi": 3260, "gluster": 24007, "vxhs": 9999, "nfs": 2049,
}


def assign_default_ports(disk: Disk) -> None:
    """virStorageSourceNetworkAssignDefaultPorts (rbd has no default)."""
    for host in disk.hosts:
        if host.transport in (None, "tcp") and not host.port and disk.protocol:
            host.port = _DEFAULT_PORTS.get(disk.protocol) or None
