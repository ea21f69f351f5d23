"""nestedhvm and cpuid, both ways; checked against libvirt 11.3.0 (lvconv)."""

from __future__ import annotations

from typing import List, Tuple

import pytest

from xenvirsh import record
from xenvirsh.errors import ConfigSyntaxError, InternalError
from xenvirsh.formats import virconf
from xenvirsh.formats.xen import cpuid
from xenvirsh.host import TEST_HOST, HostCPU
from xenvirsh.model.domain import CPU, CPUFeature, Domain


def _parsed(text: str, host: object = TEST_HOST) -> Domain:
    dom = Domain()
    dom.os.arch = "x86_64"
    conf = virconf.parse(text, dialect="xl")
    cpuid.parse_nestedhvm(conf, dom, host)  # type: ignore[arg-type]
    cpuid.parse_cpuid(conf, dom)
    return dom


def _features(dom: Domain) -> List[Tuple[str, str]]:
    assert dom.cpu is not None and dom.cpu.mode == "host-passthrough"
    return [(f.name, f.policy) for f in dom.cpu.features]


def test_nestedhvm() -> None:
    assert _parsed("").cpu is None
    assert _features(_parsed("nestedhvm = 1")) == []
    assert _features(_parsed("nestedhvm = 0")) == [("vmx", "disable")]
    amd = record.replace(TEST_HOST, cpu=HostCPU("x86_64", "m", "AMD", ("svm",)))
    assert _features(_parsed("nestedhvm = 0", amd)) == [("svm", "disable")]


@pytest.mark.parametrize("text, features", [
    ('cpuid = "host,tm=0,sse3=1,page1gb=x,aes=k,avx=s"',
     [("tm", "disable"), ("pni", "force"), ("pdpe1gb", "optional"), ("aes", "optional"),
      ("avx", "optional")]),
    ('cpuid = "host"', []),
    ('cpuid = ""', []),
    ('cpuid = "host,=1"', [("", "force")]),
    ('nestedhvm = 0\ncpuid = "host,ibrsb=1"', [("vmx", "disable"), ("spec-ctrl", "force")]),
])
def test_cpuid(text: str, features: List[Tuple[str, str]]) -> None:
    assert _features(_parsed(text)) == features


@pytest.mark.parametrize("text, kind, message", [
    ('cpuid = "amd,tm=0"', ConfigSyntaxError,
     "configuration file syntax error: cpuid starting with amd is not supported, only libxl "
     "format is"),
    ('cpuid = "host,tm"', ConfigSyntaxError,
     "configuration file syntax error: Invalid libxl cpuid key=value element: tm"),
    ('cpuid = "host,"', ConfigSyntaxError,
     "configuration file syntax error: Invalid libxl cpuid key=value element: "),
    ('cpuid = "host,tm=2"', ConfigSyntaxError,
     "configuration file syntax error: Invalid libxl cpuid value: tm=2"),
    ('cpuid = "host,sse3=1,pni=0"', InternalError,
     "internal error: CPU feature 'pni' specified more than once"),
])
def test_cpuid_errors(text: str, kind: type, message: str) -> None:
    with pytest.raises(kind) as err:
        _parsed(text)
    assert str(err.value) == message


def _formatted(cpu: CPU) -> str:
    dom = Domain(cpu=cpu)
    conf = virconf.Conf()
    cpuid.format_nestedhvm(conf, dom)
    cpuid.format_cpuid(conf, dom)
    return conf.dumps()


@pytest.mark.parametrize("cpu, text", [
    (CPU(mode="host-passthrough"), "nestedhvm = 1\n"),
    (CPU(mode="host-passthrough", features=[CPUFeature("vmx", "forbid")]), "nestedhvm = 0\n"),
    (CPU(mode="host-passthrough", features=[CPUFeature("svm", "require")]), "nestedhvm = 1\n"),
    (CPU(mode="host-passthrough", features=[
        CPUFeature("pni", "force"), CPUFeature("cx16", "require"), CPUFeature("tm", "optional"),
        CPUFeature("pdpe1gb", "disable"), CPUFeature("spec-ctrl", "forbid"),
        CPUFeature("vmx", "disable")]),
     'nestedhvm = 0\ncpuid = "host,sse3=1,cmpxchg16=1,tm=x,page1gb=0,ibrsb=0"\n'),
    (CPU(mode="host-model", features=[CPUFeature("tm", "disable")]), ""),
])
def test_format(cpu: CPU, text: str) -> None:
    assert _formatted(cpu) == text
