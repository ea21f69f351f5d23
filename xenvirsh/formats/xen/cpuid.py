"""CPU features of xl configs, both ways: ``nestedhvm`` and ``cpuid``.

* ``nestedhvm`` (HVM; libvirt's part of xenParseXLOS and xenFormatXLOS): its
  presence makes the CPU ``host-passthrough``; ``0`` disables the host's
  virtualisation feature (``vmx``, or ``svm`` on a host that has only that).
  Written whenever the CPU is host-passthrough.
* ``cpuid`` (xenParseXLCPUID and xenFormatXLCPUID): only libxl's form
  ``"host,NAME=V,..."``, with feature names translated between libxl and libvirt.
"""

from __future__ import annotations

from typing import Dict, List

from xenvirsh.errors import ConfigSyntaxError, InternalError
from xenvirsh.formats.virconf import Conf
from xenvirsh.formats.xen.values import get_bool, get_string
from xenvirsh.host import Host
from xenvirsh.model.domain import CPU, CPUFeature, Domain

# libvirt name -> libxl name, where they differ
_LIBXL_NAMES: Dict[str, str] = {
    "cx16": "cmpxchg16",
    "cid": "cntxid",
    "ds_cpl": "dscpl",
    "pclmuldq": "pclmulqdq",
    "pni": "sse3",
    "ht": "htt",
    "pn": "psn",
    "clflush": "clfsh",
    "sep": "sysenter",
    "cx8": "cmpxchg8",
    "nodeid_msr": "nodeid",
    "cr8legacy": "altmovcr8",
    "lahf_lm": "lahfsahf",
    "cmp_legacy": "cmplegacy",
    "fxsr_opt": "ffxsr",
    "pdpe1gb": "page1gb",
    "spec-ctrl": "ibrsb",
}
_LIBVIRT_NAMES = {libxl: libvirt for libvirt, libxl in _LIBXL_NAMES.items()}


def libxl_feature_name(name: str) -> str:
    """xenTranslateCPUFeature(name, false): a libvirt CPU feature name as libxl spells it."""
    return _LIBXL_NAMES.get(name, name)
_POLICIES = {"1": "force", "0": "disable", "x": "optional", "k": "optional", "s": "optional"}
_VALUES = {"force": "1", "require": "1", "optional": "x", "disable": "0", "forbid": "0"}
_NESTED_FEATURES = ("vmx", "svm")
_X86 = ("x86_64", "i686")


def _passthrough_cpu(dom: Domain) -> CPU:
    if dom.cpu is None:
        dom.cpu = CPU(mode="host-passthrough")
    return dom.cpu


def _add_feature(cpu: CPU, name: str, policy: str) -> None:
    """virCPUDefAddFeature: a feature may be named only once."""
    if cpu.feature(name) is not None:
        raise InternalError(f"CPU feature '{name}' specified more than once")
    cpu.features.append(CPUFeature(name=name, policy=policy))


def parse_nestedhvm(conf: Conf, dom: Domain, host: Host) -> None:
    nested = get_bool(conf, "nestedhvm", -1)
    if nested == -1:
        return
    feature = "vmx"
    if dom.os.arch in _X86 and host.cpu.has("svm") and not host.cpu.has("vmx"):
        feature = "svm"
    cpu = _passthrough_cpu(dom)
    if nested == 0:
        _add_feature(cpu, feature, "disable")


def format_nestedhvm(conf: Conf, dom: Domain) -> None:
    cpu = dom.cpu
    if cpu is None or cpu.mode != "host-passthrough":
        return
    off = any(f.name in _NESTED_FEATURES and f.policy in ("disable", "forbid")
              for f in cpu.features)
    conf.set("nestedhvm", 0 if off else 1)


def parse_cpuid(conf: Conf, dom: Domain) -> None:
    text = get_string(conf, "cpuid")
    if text is None:
        return
    cpu = _passthrough_cpu(dom)
    if not text:
        return
    first, *pairs = text.split(",")
    if first != "host":
        raise ConfigSyntaxError(
            f"cpuid starting with {first} is not supported, only libxl format is"
        )
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals:
            raise ConfigSyntaxError(f"Invalid libxl cpuid key=value element: {pair}")
        policy = _POLICIES.get(value)
        if policy is None:
            raise ConfigSyntaxError(f"Invalid libxl cpuid value: {pair}")
        _add_feature(cpu, _LIBVIRT_NAMES.get(name, name), policy)


def format_cpuid(conf: Conf, dom: Domain) -> None:
    cpu = dom.cpu
    if cpu is None or cpu.mode != "host-passthrough":
        return
    pairs: List[str] = []
    for feature in cpu.features:
        name = libxl_feature_name(feature.name)
        if name not in _NESTED_FEATURES:  # those are nestedhvm's
            pairs.append(f"{name}={_VALUES[feature.policy]}")
    if pairs:
        conf.set("cpuid", ",".join(["host"] + pairs))
