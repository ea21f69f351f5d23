"""The settings xl and xm share, both ways (libvirt's xenParseConfigCommon and
xenFormatConfigCommon).

:func:`parse_common` builds a new domain from the shared keys in libvirt's
order, so that the first error a config triggers is libvirt's first error;
:func:`format_common` writes the shared keys into a :class:`Conf` in libvirt's
output order. ``dialect`` is ``"xl"`` or ``"xm"``: it decides the vif type name
meaning netfront and whether several serial ports are allowed.
"""

from __future__ import annotations

from xenvirsh import cnum
from xenvirsh.errors import ConfigUnsupported, InternalError
from xenvirsh.formats.virconf import Conf
from xenvirsh.formats.xen import features, graphics, serial, vif
from xenvirsh.formats.xen.pci import format_pci_list, parse_pci_list
from xenvirsh.formats.xen.sound import format_soundhw, parse_soundhw
from xenvirsh.formats.xen.values import get_string, get_ulong, get_uuid, require_string
from xenvirsh.host import Host
from xenvirsh.model import enums
from xenvirsh.model.bitmap import CPUMASK_LEN, format_bitmap, parse_bitmap
from xenvirsh.model.domain import Domain

# twice libvirt's MIN_XEN_GUEST_SIZE (MiB)
DEFAULT_MEMORY_MIB = 128
_ULLONG = 1 << 64


def parse_common(conf: Conf, host: Host, dialect: str) -> Domain:
    dom = Domain(virt_type="xen", id=-1)
    _parse_identity(conf, dom, host)
    _parse_memory(conf, dom)
    _parse_lifecycle(conf, dom)
    _parse_vcpus(conf, dom)
    features.parse_features(conf, dom)
    features.parse_clock(conf, dom)
    dom.devices.emulator = get_string(conf, "device_model_override")
    dom.devices.interfaces = vif.parse_vif_list(conf, dialect)
    dom.devices.hostdevs = parse_pci_list(conf)
    if dom.is_hvm:
        soundhw = get_string(conf, "soundhw")
        if soundhw is not None:
            dom.devices.sounds = parse_soundhw(soundhw)
    graphics.parse_vnc_sdl(conf, dom)
    serial.parse_serials(conf, dom, dialect)
    return dom


def _parse_identity(conf: Conf, dom: Domain, host: Host) -> None:
    """xenParseGeneralMeta: name, uuid and the guest type with its caps."""
    dom.name = require_string(conf, "name")
    dom.uuid = get_uuid(conf, "uuid")
    dom.os.type = _guest_type(conf)
    guest = host.lookup(dom.os.type, None, dom.virt_type)
    dom.os.arch = guest.arch
    dom.os.machine = guest.machines[0] if guest.machines else None


def _guest_type(conf: Conf) -> str:
    # a 'type' or 'builder' of the wrong shape makes libvirt's getter fail, and the
    # failure only selects the fallback
    kind = conf.get("type")
    if isinstance(kind, str):
        os_type = {"pv": "xen", "pvh": "xenpvh", "hvm": "hvm"}.get(kind)
        if os_type is None:
            raise ConfigUnsupported(f"type {kind} is not supported")
        return os_type
    return "hvm" if conf.get("builder") == "hvm" else "xen"


def _parse_memory(conf: Conf, dom: Domain) -> None:
    memory = get_ulong(conf, "memory", DEFAULT_MEMORY_MIB)
    maxmem = get_ulong(conf, "maxmem", memory)
    dom.current_memory_kib = memory * 1024 % _ULLONG
    dom.memory_kib = maxmem * 1024 % _ULLONG


def _parse_lifecycle(conf: Conf, dom: Domain) -> None:
    for key, default in (("on_poweroff", "destroy"), ("on_reboot", "restart"),
                         ("on_crash", "restart")):
        action = get_string(conf, key)
        if action is None:
            action = default
        if action not in enums.LIFECYCLE_ACTIONS:
            raise InternalError(f"unexpected value {action} for {key}")
        setattr(dom, key, action)


def _parse_vcpus(conf: Conf, dom: Domain) -> None:
    count = cnum.as_uint(get_ulong(conf, "vcpus", 1))
    dom.vcpus_max = dom.vcpus = count
    if conf.get("maxvcpus") is not None:
        dom.vcpus_max = cnum.as_uint(get_ulong(conf, "maxvcpus", 0))
        dom.vcpus = min(dom.vcpus, dom.vcpus_max)
    cpus = get_string(conf, "cpus")
    if cpus is not None:
        dom.cpumask = parse_bitmap(cpus, CPUMASK_LEN)


def format_common(conf: Conf, dom: Domain, host: Host, dialect: str) -> None:
    conf.set("name", dom.name)
    conf.set("uuid", dom.uuid)
    conf.set("maxmem", _mib(dom.memory_kib))
    conf.set("memory", _mib(dom.current_memory_kib))
    if dom.vcpus < dom.vcpus_max:
        conf.set("maxvcpus", dom.vcpus_max)
    conf.set("vcpus", dom.vcpus)
    if dom.cpumask is not None:
        conf.set("cpus", format_bitmap(dom.cpumask))
    features.format_features(conf, dom)
    features.format_clock(conf, dom)
    conf.set("on_poweroff", dom.on_poweroff)
    conf.set("on_reboot", dom.on_reboot)
    conf.set("on_crash", dom.on_crash)
    if dom.devices.emulator is not None:
        conf.set("device_model_override", dom.devices.emulator)
    graphics.format_vnc_sdl(conf, dom)
    vif.format_vif_list(conf, dom, host, dialect)
    format_pci_list(conf, dom)
    serial.format_serials(conf, dom, dialect)
    if dom.is_hvm and dom.devices.sounds:
        conf.set("soundhw", format_soundhw(dom.devices.sounds))


def _mib(kib: int) -> int:
    return -(-kib // 1024)
