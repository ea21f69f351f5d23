"""vnuma, both ways; checked against libvirt 11.3.0 (lvconv)."""

from __future__ import annotations

import pytest

from xenvirsh.errors import ConfigSyntaxError, ConfigUnsupported, InternalError, InvalidArgument
from xenvirsh.formats import virconf
from xenvirsh.formats.xen import vnuma
from xenvirsh.model.domain import CPU, Domain, NumaCell

TWO_NODES = (
    'vnuma = [ [ "pnode=0", "size=1024", "vcpus=0-1", "vdistances=10,21" ],'
    ' [ "pnode=1", "size=2048", "vcpus=2-3", "vdistances=21,10" ] ]'
)


def _parsed(text: str, vcpus: int = 4) -> Domain:
    dom = Domain(vcpus_max=vcpus, vcpus=vcpus)
    vnuma.parse_vnuma(virconf.parse(text, dialect="xl"), dom)
    return dom


def test_parse() -> None:
    cpu = _parsed(TWO_NODES).cpu
    assert cpu is not None and cpu.mode == "custom"
    assert cpu.numa == [NumaCell(frozenset({0, 1}), 1048576, distances=[10, 21]),
                        NumaCell(frozenset({2, 3}), 2097152, distances=[21, 10])]


def test_parse_replaces_the_cpu() -> None:
    dom = Domain(cpu=CPU(mode="host-passthrough"))
    vnuma.parse_vnuma(virconf.parse('vnuma = [ [ "pnode=0", "size=1", "vcpus=0" ] ]',
                                    dialect="xl"), dom)
    assert dom.cpu is not None and dom.cpu.mode == "custom"


@pytest.mark.parametrize("text, kind, message", [
    ("vnuma = [ ]", InternalError, "internal error: Cannot set an empty mem_nodes set"),
    ('vnuma = [ [ "pnode=0", "size=1024" ] ]', ConfigSyntaxError,
     "configuration file syntax error: Incomplete vnuma configuration for vnode 0"),
    ('vnuma = [ [ "pnode=0", "size=1", "vcpus=0" ], "x" ]', ConfigSyntaxError,
     "configuration file syntax error: Incomplete vnuma configuration for vnode 1"),
    ('vnuma = [ [ "pnode=1", "size=1", "vcpus=0" ] ]', ConfigUnsupported,
     "unsupported configuration: vnuma vnode 0 contains invalid pnode value '1'"),
    ('vnuma = [ [ "nodata" ] ]', InternalError,
     "internal error: vnuma vnode invalid format 'nodata'"),
    ('vnuma = [ [ "bogus=1" ] ]', ConfigSyntaxError,
     "configuration file syntax error: Invalid vnuma configuration for vnode 0"),
    ('vnuma = [ [ "pnode=0", "size=1", "vcpus=0", "vdistances=10,20" ] ]', ConfigUnsupported,
     "unsupported configuration: vnuma pnode 0 configured 'vdistances=10,20' (count 2) doesn't "
     "fit the number of specified vnodes 1"),
    ('vnuma = [ [ "vdistances=9", "pnode=0", "size=1", "vcpus=0" ] ]', ConfigUnsupported,
     "unsupported configuration: Distance value of 9 is not in valid range"),
    ('vnuma = [ [ "pnode=0", "vdistances=10,10" ], [ "pnode=1" ] ]', ConfigUnsupported,
     "unsupported configuration: Distance value 10 under node 0 is LOCAL_DISTANCE and should "
     "be set to 10"),
    ('vnuma = [ [ "vdistances=10", "vdistances=10" ] ]', InternalError,
     "internal error: Cannot alter an existing nmem_nodes distances set for node: 0"),
    ('vnuma = [ [ "pnode=0", "size=1", "vcpus=x" ] ]', InvalidArgument,
     "invalid argument: Failed to parse bitmap 'x'"),
    ('vnuma = [ [ "pnode=0", "size=1", "vcpus=0-7" ] ]', ConfigUnsupported,
     "unsupported configuration: vnuma configuration contains 8 vcpus, which is greater than "
     "4 maxvcpus"),
    ('vnuma = [ [ "pnode=0", "size=x", "vcpus=0" ] ]', InternalError,
     "internal error: vnuma vnode 0: invalid size 'x'"),
])
def test_parse_errors(text: str, kind: type, message: str) -> None:
    with pytest.raises(kind) as err:
        _parsed(text)
    assert str(err.value) == message


def test_parse_without_vcpus() -> None:
    with pytest.raises(ConfigUnsupported) as err:
        _parsed('vnuma = [ [ "pnode=0", "size=1", "vcpus=0" ] ]', vcpus=0)
    assert str(err.value) == (
        "unsupported configuration: vnuma configuration contains 1 vcpus, but vcpus is 0"
    )


def test_format() -> None:
    cells = [NumaCell(frozenset({0, 1}), 2097152, distances=[10, 21, 0]),
             NumaCell(frozenset({2}), 1048575),
             NumaCell(frozenset({3}), 1024, distances=[0, 15])]
    conf = virconf.Conf()
    vnuma.format_vnuma(conf, Domain(cpu=CPU(numa=cells)))
    assert conf.dumps() == (
        'vnuma = [ [ "pnode=0", "size=2048", "vcpus=0-1", "vdistances=10,21,20" ], '
        '[ "pnode=1", "size=1023", "vcpus=2", "vdistances=20,10,20" ], '
        '[ "pnode=2", "size=1", "vcpus=3", "vdistances=20,15,10" ] ]\n'
    )


def test_format_needs_cell_cpus() -> None:
    with pytest.raises(InternalError):
        vnuma.format_vnuma(virconf.Conf(), Domain(cpu=CPU(numa=[NumaCell(None, 1024)])))
