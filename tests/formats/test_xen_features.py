"""Features, timers and the clock, both ways; checked against libvirt 11.3.0 (lvconv)."""

from __future__ import annotations

from typing import List, Optional, Tuple

import pytest

from xenvirsh.errors import ConfigUnsupported
from xenvirsh.formats import virconf
from xenvirsh.formats.xen import features
from xenvirsh.model.domain import Clock, Domain, Timer


def _parsed(text: str, hvm: bool) -> Domain:
    dom = Domain()
    dom.os.type = "hvm" if hvm else "xen"
    conf = virconf.parse(text, dialect="xl")
    features.parse_features(conf, dom)
    features.parse_clock(conf, dom)
    return dom


def test_hvm_defaults() -> None:
    dom = _parsed("", hvm=True)
    assert dom.features.switches == {"pae": True, "acpi": True}
    assert dom.features.apic
    assert (dom.clock.offset, dom.clock.adjustment, dom.clock.basis) == ("variable", 0, "utc")


def test_hvm_switches() -> None:
    dom = _parsed("pae = 0\nacpi = 0\napic = 0\nhap = 0\nviridian = 1", hvm=True)
    assert dom.features.switches == {"hap": False, "viridian": True}
    assert not dom.features.apic


def test_pv_ignores_hvm_keys() -> None:
    dom = _parsed("hap = 0\nhpet = 1\nrtc_timeoffset = 5\nlocaltime = 1", hvm=False)
    assert dom.features.switches == {} and dom.clock.timers == []
    assert (dom.clock.offset, dom.clock.adjustment_reset) == ("localtime", True)


@pytest.mark.parametrize("text, xen, e820, passthrough, mode", [
    ('passthrough = "enabled"', True, None, True, None),
    ('passthrough = "sync_pt"', True, None, True, "sync_pt"),
    ('passthrough = "share_pt"', True, None, True, "share_pt"),
    ('passthrough = "disabled"', False, None, False, None),
    ('passthrough = "bogus"', False, None, None, None),  # libvirt complains, then goes on
    ("e820_host = 1", True, True, None, None),
    ('e820_host = 1\npassthrough = "disabled"', True, True, False, None),
])
def test_xen_features(text: str, xen: bool, e820: Optional[bool], passthrough: Optional[bool],
                      mode: Optional[str]) -> None:
    feats = _parsed(text, hvm=False).features
    assert (feats.xen, feats.xen_e820_host, feats.xen_passthrough,
            feats.xen_passthrough_mode) == (xen, e820, passthrough, mode)


@pytest.mark.parametrize("text, timers", [
    ('tsc_mode = "native"', [("tsc", True, "native")]),
    ('tsc_mode = "always_emulate"', [("tsc", True, "emulate")]),
    ('tsc_mode = "native_paravirt"', [("tsc", True, "paravirt")]),
    ('tsc_mode = "default"', [("tsc", True, "auto")]),
    ('hpet = 0\ntsc_mode = "x"', [("tsc", True, "auto"), ("hpet", False, None)]),
])
def test_timers(text: str, timers: List[Tuple[str, bool, Optional[str]]]) -> None:
    assert [(t.name, t.present, t.mode)
            for t in _parsed(text, hvm=True).clock.timers] == timers


def test_rtc_timeoffset_wraps_like_an_int() -> None:
    assert _parsed("rtc_timeoffset = 4294967295", hvm=True).clock.adjustment == -1
    assert _parsed('rtc_timeoffset = "-3600"', hvm=True).clock.adjustment == -3600


def _formatted(dom: Domain) -> str:
    conf = virconf.Conf()
    features.format_features(conf, dom)
    features.format_clock(conf, dom)
    return conf.dumps()


def test_format_hvm() -> None:
    dom = Domain()
    dom.features.switches = {"pae": True, "hap": False}
    dom.clock = Clock(offset="variable", adjustment=3600, basis="localtime",
                      timers=[Timer("hpet", present=False), Timer("tsc", mode="smpsafe")])
    assert _formatted(dom) == (
        "pae = 1\nacpi = 0\napic = 0\nhap = 0\nviridian = 0\nhpet = 0\n"
        'tsc_mode = "default"\nrtc_timeoffset = 3600\nlocaltime = 1\n'
    )


def test_format_pv() -> None:
    dom = Domain()
    dom.os.type = "xen"
    dom.features.xen = dom.features.xen_e820_host = dom.features.xen_passthrough = True
    dom.features.xen_passthrough_mode = "share_pt"
    dom.clock = Clock(offset="localtime", adjustment_reset=True)
    assert _formatted(dom) == 'e820_host = 1\npassthrough = "share_pt"\nlocaltime = 1\n'


@pytest.mark.parametrize("hvm, clock, message", [
    (True, Clock(offset="utc", adjustment_reset=True), "unsupported clock adjustment='reset'"),
    (True, Clock(offset="timezone", timezone="UTC"), "unsupported clock offset='timezone'"),
    (False, Clock(offset="variable"), "unsupported clock offset='variable'"),
    (False, Clock(timers=[Timer("hpet")]), "unsupported timer type (name) 'hpet'"),
    (True, Clock(timers=[Timer("rtc")]), "unsupported timer type (name) 'rtc'"),
])
def test_format_errors(hvm: bool, clock: Clock, message: str) -> None:
    dom = Domain(clock=clock)
    dom.os.type = "hvm" if hvm else "xen"
    with pytest.raises(ConfigUnsupported) as err:
        _formatted(dom)
    assert str(err.value) == f"unsupported configuration: {message}"
