"""The devices of a domain in libvirt's iteration order.

``virDomainDeviceInfoIterate`` visits device kinds in a fixed order; several
checks (duplicate boot orders, aliases, per-device validation) report the
first offender they meet, so they must walk devices in the same order.
"""

from __future__ import annotations

from typing import Iterator, List, NamedTuple, Optional

from xenvirsh.limits import check_implicit_controller
from xenvirsh.model.domain import Controller, DeviceInfo, Domain, Hostdev
from xenvirsh.model.placement import insert_controller
from xenvirsh.record import replace


class DeviceRef(NamedTuple):
    """One device as the iteration sees it."""

    kind: str  # disk, net, sound, hostdev, video, controller, smartcard, chr, ...
    device: object
    info: DeviceInfo
    from_interface: bool = False  # a hostdev that is an <interface type='hostdev'>


def hostdevs(dom: Domain) -> List[Hostdev]:
    """libvirt's def->hostdevs: the PCI devices of <interface type='hostdev'>
    (parsed first) and then the <hostdev> elements."""
    out: List[Hostdev] = []
    for net in dom.devices.interfaces:
        if net.type != "hostdev":
            continue
        if net.hostdev_pci is not None:
            out.append(Hostdev(type="pci", managed=net.managed, pci=net.hostdev_pci,
                               driver_name=net.hostdev_driver, info=net.info))
        elif net.hostdev_other is not None:
            out.append(replace(net.hostdev_other, info=net.info))
    return out + dom.devices.hostdevs


def iter_devices(dom: Domain, *, all_consoles: bool = True,
                 with_infoless: bool = False) -> Iterator[DeviceRef]:
    """virDomainDeviceInfoIterateFlags; ``with_infoless`` adds graphics,
    audio and leases (DOMAIN_DEVICE_ITERATE_MISSING_INFO)."""
    dev = dom.devices
    misc = dev.misc
    for disk in dev.disks:
        yield DeviceRef("disk", disk, disk.info)
    for net in dev.interfaces:
        yield DeviceRef("net", net, net.info)
    for sound in dev.sounds:
        yield DeviceRef("sound", sound, sound.info)
    all_hostdevs = hostdevs(dom)
    interface_hostdevs = len(all_hostdevs) - len(dev.hostdevs)
    for index, hostdev in enumerate(all_hostdevs):
        yield DeviceRef("hostdev", hostdev, hostdev.info,
                        from_interface=index < interface_hostdevs)
    for video in dev.videos:
        yield DeviceRef("video", video, video.info)
    for ctrl in dev.controllers:
        yield DeviceRef("controller", ctrl, ctrl.info)
    for card in misc.smartcards:
        yield DeviceRef("smartcard", card, card.info)
    for chr_dev in dev.serials + dev.parallels + dev.channels:
        yield DeviceRef("chr", chr_dev, chr_dev.info)
    for index, console in enumerate(dev.consoles):
        if (not all_consoles and index == 0 and dom.is_hvm
                and console.target_type in ("serial", "none")):
            continue
        yield DeviceRef("chr", console, console.info)
    for inp in dev.inputs:
        yield DeviceRef("input", inp, inp.info)
    for fs in misc.filesystems:
        yield DeviceRef("fs", fs, fs.info)
    for watchdog in misc.watchdogs:
        yield DeviceRef("watchdog", watchdog, watchdog.info)
    if dev.memballoon is not None:
        yield DeviceRef("memballoon", dev.memballoon, dev.memballoon.info)
    for rng in misc.rngs:
        yield DeviceRef("rng", rng, rng.info)
    if misc.nvram is not None:
        yield DeviceRef("nvram", misc.nvram, misc.nvram)
    for hub in misc.hubs:
        yield DeviceRef("hub", hub, hub.info)
    for shmem in misc.shmems:
        yield DeviceRef("shmem", shmem, shmem.info)
    for tpm in misc.tpms:
        yield DeviceRef("tpm", tpm, tpm.info)
    for panic in misc.panics:
        yield DeviceRef("panic", panic, panic.info)
    for model, info in misc.memories:
        yield DeviceRef("memory", model, info)
    for redirdev in misc.redirdevs:
        yield DeviceRef("redirdev", redirdev, redirdev.info)
    yield from _optional("iommu", misc.iommu)
    yield from _optional("vsock", misc.vsock)
    for crypto in misc.cryptos:
        yield DeviceRef("crypto", crypto, crypto.info)
    yield from _optional("pstore", misc.pstore)
    if with_infoless:
        for gfx in dev.graphics:
            yield DeviceRef("graphics", gfx, DeviceInfo())
        for audio in misc.audios:
            yield DeviceRef("audio", audio, DeviceInfo())
        for lease in misc.leases:
            yield DeviceRef("lease", lease, DeviceInfo())


def _optional(kind: str, device: Optional[object]) -> Iterator[DeviceRef]:
    info = getattr(device, "info", None)
    if device is not None and isinstance(info, DeviceInfo):
        yield DeviceRef(kind, device, info)


def add_hostdev_scsi_controllers(dom: Domain) -> None:
    """virDomainDefMaybeAddHostdevSCSIcontroller: the SCSI controllers up to
    the highest one a SCSI host device's address names, of the model of that
    controller when it exists."""
    highest = -1
    model: Optional[str] = None
    controllers = dom.devices.controllers
    for hostdev in hostdevs(dom):
        if hostdev.type != "scsi":
            continue
        drive = hostdev.info.drive
        controller = drive.controller if drive is not None else 0
        if controller > highest:
            highest = controller
            found = next((c for c in controllers
                          if c.type == "scsi" and c.index == controller), None)
            if found is not None and found.model is not None:
                model = found.model
    check_implicit_controller("a SCSI host device", "scsi", highest)
    for index in range(highest + 1):
        if not any(c.type == "scsi" and c.index == index for c in controllers):
            insert_controller(controllers, Controller(type="scsi", index=index, model=model))


def device_count(dom: Domain) -> int:
    """How many devices :func:`iter_devices` visits (with all consoles, without
    the infoless ones), without visiting them."""
    dev = dom.devices
    misc = dev.misc
    interface_hostdevs = sum(1 for net in dev.interfaces if net.type == "hostdev"
                             and (net.hostdev_pci is not None or net.hostdev_other is not None))
    lists = (dev.disks, dev.interfaces, dev.sounds, dev.hostdevs, dev.videos, dev.controllers,
             misc.smartcards, dev.serials, dev.parallels, dev.channels, dev.consoles,
             dev.inputs, misc.filesystems, misc.watchdogs, misc.rngs, misc.hubs, misc.shmems,
             misc.tpms, misc.panics, misc.memories, misc.redirdevs, misc.cryptos)
    singles = (dev.memballoon, misc.nvram, misc.iommu, misc.vsock, misc.pstore)
    return (interface_hostdevs + sum(len(items) for items in lists)
            + sum(1 for item in singles if item is not None))
