"""The ``vnuma`` key of xl configs, both ways (libvirt's xenParseXLVnuma and
xenFormatXLDomainVnuma).

``vnuma`` is a list of nodes, each a list of ``pnode=N``, ``size=MiB``,
``vcpus=CPUSET`` and ``vdistances=D,D,...`` strings; every node needs the
first three, and ``vdistances`` must name one distance per node. The nodes
become the ``<numa>`` cells of a new ``<cpu>``.
"""

from __future__ import annotations

from typing import List, Optional

from xenvirsh import cnum
from xenvirsh.errors import ConfigSyntaxError, ConfigUnsupported, InternalError
from xenvirsh.formats.virconf import Conf, Value
from xenvirsh.model.bitmap import CPUMASK_LEN, format_bitmap, parse_bitmap
from xenvirsh.model.domain import CPU, Domain, NumaCell

# ACPI SLIT distances: a node to itself, to others by default, and the largest
LOCAL_DISTANCE = 10
REMOTE_DISTANCE = 20
_UNREACHABLE = 255
_ULLONG = 1 << 64


def parse_vnuma(conf: Conf, dom: Domain) -> None:
    nodes = conf.get("vnuma")
    if not isinstance(nodes, list):
        return
    count = 0
    while count < len(nodes) and isinstance(nodes[count], list):
        count += 1
    if count == 0:
        raise InternalError("Cannot set an empty mem_nodes set")
    cells = [NumaCell(cpus=None, memory_kib=0) for _ in range(count)]
    total_vcpus = 0
    for index, node in enumerate(nodes):
        total_vcpus += _parse_node(node, index, cells, count)
    if dom.vcpus_max == 0:
        # libvirt then sets a vCPU count without the vCPUs behind it and fails later,
        # without a message
        raise ConfigUnsupported(
            f"vnuma configuration contains {total_vcpus} vcpus, but vcpus is 0"
        )
    if dom.vcpus_max < total_vcpus:
        raise ConfigUnsupported(
            f"vnuma configuration contains {total_vcpus} vcpus, which is greater than "
            f"{dom.vcpus_max} maxvcpus"
        )
    # libvirt replaces any CPU definition read before
    dom.cpu = CPU(numa=cells)


def _parse_node(node: Value, index: int, cells: List[NumaCell], count: int) -> int:
    """Fill cell ``index`` from one node; returns how many vcpus it names."""
    pnode = -1
    has_cpus = False
    size = 0
    vcpus = 0
    items = node if isinstance(node, list) else []
    for item in items:
        if not isinstance(item, str):
            break  # libvirt stops at the first item that is not a string
        equals = item.rfind("=")
        if equals < 0:
            raise InternalError(f"vnuma vnode invalid format '{item}'")
        data = item[equals + 1:]
        if not data:
            continue
        if item.startswith("pnode"):
            cell_id = cnum.to_uint(data)
            if cell_id is None or cell_id >= count:
                raise ConfigUnsupported(
                    f"vnuma vnode {index} contains invalid pnode value '{data}'"
                )
            pnode = cell_id
        elif item.startswith("size"):
            parsed = cnum.to_ullong(data)
            if parsed is None:
                raise InternalError(f"vnuma vnode {index}: invalid size '{data}'")
            size = parsed
            cells[index].memory_kib = size * 1024 % _ULLONG
        elif item.startswith("vcpus"):
            cpus = parse_bitmap(data, CPUMASK_LEN)
            cells[index].cpus = cpus
            has_cpus = True
            vcpus += len(cpus)
        elif item.startswith("vdistances"):
            cells[index].distances = _distances(item, data, index, pnode, count,
                                                 cells[index].distances)
        else:
            raise ConfigSyntaxError(f"Invalid vnuma configuration for vnode {index}")
    if pnode < 0 or not has_cpus or size == 0:
        raise ConfigSyntaxError(f"Incomplete vnuma configuration for vnode {index}")
    return vcpus


def _distances(item: str, data: str, index: int, pnode: int, count: int,
               current: List[int]) -> List[int]:
    tokens = data.split(",")
    if len(tokens) != count:
        raise ConfigUnsupported(
            f"vnuma pnode {pnode} configured '{item}' (count {len(tokens)}) doesn't fit the "
            f"number of specified vnodes {count}"
        )
    if current:
        raise InternalError(
            f"Cannot alter an existing nmem_nodes distances set for node: {index}"
        )
    distances: List[int] = []
    for sibling, token in enumerate(tokens):
        value = cnum.to_uint(token)
        if value is None:
            raise InternalError(f"vnuma vnode {index}: invalid distance '{token}'")
        if not LOCAL_DISTANCE <= value <= _UNREACHABLE:
            raise ConfigUnsupported(f"Distance value of {cnum.as_int(value)} is not in valid range")
        if value == LOCAL_DISTANCE and sibling != index:
            raise ConfigUnsupported(
                f"Distance value {value} under node {index} is LOCAL_DISTANCE and should be "
                f"set to {LOCAL_DISTANCE}"
            )
        distances.append(value)
    return distances


def format_vnuma(conf: Conf, dom: Domain) -> None:
    cells = dom.cpu.numa if dom.cpu is not None else []
    nodes: List[Value] = [_format_node(cells, index) for index in range(len(cells))]
    if nodes:
        conf.set("vnuma", nodes)


def _format_node(cells: List[NumaCell], index: int) -> List[Value]:
    cell = cells[index]
    if cell.cpus is None:
        raise InternalError(f"NUMA cell {index} has no cpus, which vnuma needs")
    distances = ",".join(str(_distance(cells, index, j)) for j in range(len(cells)))
    return [f"pnode={index}", f"size={cell.memory_kib // 1024}",
            f"vcpus={format_bitmap(cell.cpus)}", f"vdistances={distances}"]


def _distance(cells: List[NumaCell], node: int, sibling: int) -> int:
    """virDomainNumaGetNodeDistance: the given value, else the platform default."""
    given: Optional[int] = None
    distances = cells[node].distances
    if sibling < len(distances) and distances[sibling]:
        given = distances[sibling]
    if given is None:
        return LOCAL_DISTANCE if node == sibling else REMOTE_DISTANCE
    return given
