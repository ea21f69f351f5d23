"""Hypervisor features, timers and the guest clock, both ways.

Parse (libvirt's xenParseHypervisorFeatures and xenParseTimeOffset): ``tsc_mode``,
``passthrough``, then for HVM ``pae``, ``acpi``, ``apic``, ``hap``, ``viridian``,
``hpet`` and for PV/PVH ``e820_host``; then ``localtime`` and HVM
``rtc_timeoffset``. Format (xenFormatHypervisorFeatures, xenFormatTimeOffset):
the same keys in libvirt's output order, with its errors for timers and clock
offsets that xl and xm cannot express.
"""

from __future__ import annotations

from xenvirsh import cnum
from xenvirsh.errors import ConfigUnsupported
from xenvirsh.formats.virconf import Conf
from xenvirsh.formats.xen.values import get_bool, get_string, get_ulong
from xenvirsh.model.domain import Domain, Timer

_TSC_MODES = {"always_emulate": "emulate", "native": "native", "native_paravirt": "paravirt"}
_TSC_NAMES = {"native": "native", "paravirt": "native_paravirt", "emulate": "always_emulate"}
_PASSTHROUGH = {
    "disabled": (False, None),
    "enabled": (True, None),
    "sync_pt": (True, "sync_pt"),
    "share_pt": (True, "share_pt"),
}


def parse_features(conf: Conf, dom: Domain) -> None:
    feats = dom.features
    tsc_mode = get_string(conf, "tsc_mode")
    if tsc_mode is not None:
        dom.clock.timers.append(
            Timer(name="tsc", present=True, mode=_TSC_MODES.get(tsc_mode, "auto"))
        )
    passthrough = get_string(conf, "passthrough")
    # libvirt reports an unknown mode but goes on, so the conversion succeeds
    if passthrough in _PASSTHROUGH:
        feats.xen, feats.xen_passthrough_mode = _PASSTHROUGH[passthrough]
        feats.xen_passthrough = feats.xen
    if dom.is_hvm:
        for name, default in (("pae", 1), ("acpi", 1)):
            if get_bool(conf, name, default):
                feats.switches[name] = True
        if get_bool(conf, "apic", 1):
            feats.apic = True
        if not get_bool(conf, "hap", 1):
            feats.switches["hap"] = False
        if get_bool(conf, "viridian", 0):
            feats.switches["viridian"] = True
        hpet = get_bool(conf, "hpet", -1)
        if hpet != -1:
            dom.clock.timers.append(Timer(name="hpet", present=bool(hpet)))
    elif get_bool(conf, "e820_host", 0):
        feats.xen = True
        feats.xen_e820_host = True


def parse_clock(conf: Conf, dom: Domain) -> None:
    localtime = get_bool(conf, "localtime", 0)
    clock = dom.clock
    if dom.is_hvm:
        clock.offset = "variable"
        clock.adjustment = cnum.as_int(get_ulong(conf, "rtc_timeoffset", 0))
        clock.basis = "localtime" if localtime else "utc"
    else:
        # PV guests have no emulated RTC: their offset is fixed
        clock.offset = "localtime" if localtime else "utc"
        clock.adjustment_reset = True


def format_features(conf: Conf, dom: Domain) -> None:
    feats = dom.features
    if dom.is_hvm:
        conf.set("pae", int(feats.on("pae")))
        conf.set("acpi", int(feats.on("acpi")))
        conf.set("apic", int(feats.apic))
        if feats.switches.get("hap") is False:
            conf.set("hap", 0)
        conf.set("viridian", int(feats.on("viridian")))
    elif feats.xen and feats.xen_e820_host:
        conf.set("e820_host", 1)
    if feats.xen and feats.xen_passthrough:
        conf.set("passthrough", feats.xen_passthrough_mode or "enabled")
    for timer in dom.clock.timers:
        _format_timer(conf, dom, timer)


def _format_timer(conf: Conf, dom: Domain, timer: Timer) -> None:
    if timer.name == "tsc":
        conf.set("tsc_mode", _TSC_NAMES.get(timer.mode or "", "default"))
    elif timer.name == "hpet" and dom.is_hvm:
        conf.set("hpet", 0 if timer.present is False else 1)
    else:
        raise ConfigUnsupported(f"unsupported timer type (name) '{timer.name}'")


def format_clock(conf: Conf, dom: Domain) -> None:
    clock = dom.clock
    if dom.is_hvm:
        if clock.offset == "variable":
            localtime = int(clock.basis == "localtime")
            offset = cnum.as_int(clock.adjustment)
        elif clock.offset in ("utc", "localtime"):
            if clock.adjustment_reset:
                raise ConfigUnsupported("unsupported clock adjustment='reset'")
            localtime, offset = int(clock.offset == "localtime"), 0
        else:
            raise ConfigUnsupported(f"unsupported clock offset='{clock.offset}'")
        conf.set("rtc_timeoffset", offset)
    elif clock.offset in ("utc", "localtime"):
        localtime = int(clock.offset == "localtime")
    else:
        raise ConfigUnsupported(f"unsupported clock offset='{clock.offset}'")
    conf.set("localtime", localtime)
