"""Domain XML for the settings of :mod:`xenvirsh.model.tuning` and <cputune>.

Readers follow libvirt's parse order and messages (``virDomainDefParseXML``
and its helpers); writers follow ``virDomainDefFormatInternal``.
"""

from __future__ import annotations

from operator import attrgetter
from typing import List, Optional, Tuple

from xenvirsh import cnum
from xenvirsh.errors import ConfigUnsupported, InternalError, XenvirshError, XMLError, XMLParseError
from xenvirsh.formats.domxml import props
from xenvirsh.formats.domxml.props import Element, child_text, text_of
from xenvirsh.formats.domxml.xmlout import Out, onoff, yesno
from xenvirsh.limits import check_iothreads
from xenvirsh.model import enums
from xenvirsh.model.bitmap import CpuSet, format_bitmap, parse_bitmap
from xenvirsh.model.domain import CPUTune, Domain, VcpuPin
from xenvirsh.model.ids import generate_uuid, parse_uuid
from xenvirsh.model.tuning import (
    BlkioDevice,
    HugePage,
    IOThread,
    MemNode,
    MemoryBacking,
    MemTune,
    NumaTune,
    Resource,
    SecLabel,
    Sysinfo,
    SysinfoBlock,
    SysinfoEntry,
    ThreadSched,
    Tuning,
    VcpuState,
)

# VIR_SECURITY_MODEL_BUFLEN and VIR_SECURITY_LABEL_BUFLEN, less the NUL
_MODEL_MAX = 256
_LABEL_MAX = 4096
# VIR_DOMAIN_MEMORY_PARAM_UNLIMITED: memtune limits at or above it are "unlimited"
MEMORY_UNLIMITED = 9007199254740991
_LLONG_MAX = 2**63 - 1


def _cpuset(text: str, what: str = "cpuset") -> CpuSet:
    bits = parse_bitmap(text)
    if not bits:
        raise ConfigUnsupported(f"Invalid value of '{what}': {text}")
    return bits


# --- identity: genid ----------------------------------------------------------


def read_genid(root: Element, tuning: Tuning) -> None:
    nodes = root.findall("genid")
    if not nodes:
        return
    if len(nodes) != 1:
        raise XMLError("element 'genid' can only appear once")
    text = text_of(nodes[0])
    if text is None:
        tuning.genid = generate_uuid()
        return
    genid = parse_uuid(text)
    if genid is None:
        raise InternalError("malformed genid element")
    tuning.genid = genid


# --- security labels --------------------------------------------------------


def read_seclabels(root: Element) -> List[SecLabel]:
    """virSecurityLabelDefsParseXML for an inactive definition."""
    labels: List[SecLabel] = []
    for node in root.findall("seclabel"):
        label = _read_seclabel(node)
        if any(other.model == label.model for other in labels):
            raise XMLParseError(f"seclabel for model {label.model or '(null)'} is already provided")
        labels.append(label)
    if len(labels) > 1 and any(label.model is None for label in labels):
        raise XMLError("missing security model when using multiple labels")
    return labels


def _read_seclabel(node: Element) -> SecLabel:
    label = SecLabel()
    model = node.get("model")
    label.model = model if model is not None and len(model) <= _MODEL_MAX else None
    label.type = props.enum(node, "type", enums.SECLABEL_TYPES, nonzero=True) or "default"
    if label.type in ("static", "none"):
        label.relabel = False
    relabel = props.tristate(node, "relabel")
    if relabel is not None:
        label.relabel = relabel
    if label.type == "dynamic" and not label.relabel:
        raise ConfigUnsupported("dynamic label type must use resource relabeling")
    if label.type == "none" and label.relabel:
        raise ConfigUnsupported("resource relabeling is not compatible with 'none' label type")
    if label.model == "none":
        label.type, label.relabel = "none", False
        return label
    if label.type == "static":
        label.label = child_text(node, "label")
        if label.label is None or len(label.label) > _LABEL_MAX:
            raise XMLError("security label is missing")
    if label.type == "dynamic":
        base = child_text(node, "baselabel")
        label.baselabel = base if base is not None and len(base) <= _LABEL_MAX else None
    return label


def write_seclabels(out: Out, labels: List[SecLabel]) -> None:
    for label in labels:
        if label.type == "default":
            continue
        attrs: List[Tuple[str, Optional[object]]] = [("type", label.type), ("model", label.model)]
        if label.type == "none":
            out.empty("seclabel", attrs)
            continue
        attrs.append(("relabel", yesno(label.relabel)))
        children = Out()
        children.text_element("label", label.label)
        if label.relabel:
            children.text_element("imagelabel", label.imagelabel)
        if label.type == "dynamic":
            children.text_element("baselabel", label.baselabel)
        out.element("seclabel", attrs, children)


# --- memory: dumpCore, memoryBacking, blkiotune, memtune ---------------------


def read_memory_extras(root: Element, tuning: Tuning) -> None:
    """The rest of virDomainDefParseMemory, after the sizes."""
    memory = root.find("memory")
    if memory is not None:
        tuning.dump_core = props.switch(memory, "dumpCore")
    if root.find("memoryBacking") is not None:
        tuning.memory_backing = _read_memory_backing(root)


def _read_memory_backing(root: Element) -> MemoryBacking:
    mem = MemoryBacking()
    for tag, attr, table, field_name in (
        ("source", "type", enums.MEMORY_SOURCES, "source"),
        ("access", "mode", enums.MEMORY_ACCESS, "access"),
        ("allocation", "mode", enums.MEMORY_ALLOCATIONS, "allocation"),
    ):
        value = props.first_attr(root, f"memoryBacking/{tag}", attr)
        if value is None:
            continue
        if value not in table or value == table[0]:
            raise ConfigUnsupported(f"unknown memoryBacking/{tag}/{attr} '{value}'")
        setattr(mem, field_name, value)
    threads = props.first_attr(root, "memoryBacking/allocation", "threads")
    if threads is not None:
        count = cnum.to_uint(threads, positive=True)
        if count is None:
            raise XMLError("Failed to parse memory allocation threads")
        mem.allocation_threads = count
    if root.find("memoryBacking/hugepages") is not None:
        pages = root.findall("memoryBacking/hugepages/page")
        mem.hugepages = [_read_hugepage(page) for page in pages] or [HugePage()]
    mem.nosharepages = root.find("memoryBacking/nosharepages") is not None
    mem.locked = root.find("memoryBacking/locked") is not None
    mem.discard = root.find("memoryBacking/discard") is not None
    return mem


def _read_hugepage(node: Element) -> HugePage:
    size = scaled_value(node.get("size"), node.get("unit"), "./@size", required=True)
    kib = -(-size // 1024)
    if kib >= -(-_LLONG_MAX // 1024):
        raise XenvirshError("numerical overflow: size value too large")
    if not kib:
        raise XMLParseError("hugepage size can't be zero")
    page = HugePage(size_kib=kib)
    nodeset = node.get("nodeset")
    if nodeset is not None:
        page.nodeset = _cpuset(nodeset, "nodeset")
    return page


def scaled_value(
    value: Optional[str], unit: Optional[str], what: str, *, required: bool = False,
    limit: int = _LLONG_MAX, scale: int = 1024,
) -> int:
    """virParseScaledValue (by default with a KiB default unit): the size in bytes."""
    if value is None:
        if required:
            raise XMLError(f"missing element or attribute '{what}'")
        return 0
    number = cnum.to_ullong(value, positive=True)
    if number is None:
        raise XMLError(f"Invalid value '{value}' for element or attribute '{what}'")
    return scale_integer(number, unit, scale, limit)


def scale_integer(number: int, unit: Optional[str], scale: int, limit: int) -> int:
    """virScaleInteger: ``number`` of ``unit`` (``scale`` bytes when there is
    none) in bytes, refused above ``limit``."""
    factor = _unit_scale(unit, scale)
    if number and number > limit // factor:
        raise XenvirshError(f"numerical overflow: value too large: {number}{unit or ''}")
    return number * factor


def _unit_scale(unit: Optional[str], default: int = 1024) -> int:
    """virScaleInteger's suffixes, ``default`` when there is none."""
    if not unit:
        return default
    low = unit.lower()
    if low in ("b", "byte", "bytes"):
        return 1
    powers = {"k": 1, "m": 2, "g": 3, "t": 4, "p": 5, "e": 6}
    if len(low) == 1 or low[1:] == "ib":
        base = 1024
    elif low[1:] == "b":
        base = 1000
    else:
        raise XenvirshError(f"invalid argument: unknown suffix '{unit}'")
    if low[0] not in powers:
        raise XenvirshError(f"invalid argument: unknown suffix '{unit}'")
    return int(base ** powers[low[0]])


def read_blkiotune(root: Element, tuning: Tuning) -> None:
    weight = cnum.to_uint(child_text(root, "blkiotune/weight") or "", positive=True)
    tuning.blkio_weight = weight or 0  # libvirt ignores a bad weight
    for node in root.findall("blkiotune/device"):
        tuning.blkio_devices.append(_read_blkio_device(node))


def _read_blkio_device(node: Element) -> BlkioDevice:
    path = child_text(node, "path")
    if path is None:
        raise ConfigUnsupported("missing per-device path")
    dev = BlkioDevice(path=path)
    for tag, field_name, what, wide in (
        ("weight", "weight", "weight", False),
        ("read_bytes_sec", "read_bytes", "read bytes sec", True),
        ("write_bytes_sec", "write_bytes", "write bytes sec", True),
        ("read_iops_sec", "read_iops", "read iops sec", False),
        ("write_iops_sec", "write_iops", "write iops sec", False),
    ):
        text = child_text(node, tag)
        if text is None:
            continue
        if wide:
            value = cnum.to_ullong(text)
        else:
            value = cnum.to_uint(text)
        if value is None:
            raise ConfigUnsupported(f"could not parse {what} {text}")
        setattr(dev, field_name, value)
    return dev


def read_memtune(root: Element, tuning: Tuning) -> None:
    tune = tuning.memtune = MemTune()
    for tag in ("hard_limit", "soft_limit", "min_guarantee", "swap_hard_limit"):
        node = root.find(f"memtune/{tag}")
        if node is None:
            continue
        what = f"./memtune/{tag}[1]"
        if tag == "min_guarantee":
            size = scaled_value(text_of(node), node.get("unit"), what)
            kib = -(-size // 1024)
            if kib >= -(-_LLONG_MAX // 1024):
                raise XenvirshError("numerical overflow: size value too large")
            tune.min_guarantee = kib
            continue
        text = text_of(node)
        if text is None:
            continue
        size = scaled_value(text, node.get("unit"), what, limit=MEMORY_UNLIMITED << 10)
        kib = -(-size // 1024)
        setattr(tune, tag, kib if kib < MEMORY_UNLIMITED else None)


def write_memory_tunables(out: Out, tuning: Tuning) -> None:
    """<blkiotune>, <memtune> and <memoryBacking>, in libvirt's order."""
    children = Out()
    if tuning.blkio_weight:
        children.text_element("weight", tuning.blkio_weight)
    for dev in tuning.blkio_devices:
        if not (dev.weight or dev.read_iops or dev.write_iops or dev.read_bytes
                or dev.write_bytes):
            continue
        children.open("device")
        children.text_element("path", dev.path)
        for tag, value in (("weight", dev.weight), ("read_iops_sec", dev.read_iops),
                           ("write_iops_sec", dev.write_iops),
                           ("read_bytes_sec", dev.read_bytes),
                           ("write_bytes_sec", dev.write_bytes)):
            children.text_element(tag, value or None)
        children.close("device")
    out.element("blkiotune", (), children)
    tune = tuning.memtune
    children = Out()
    kib = [("unit", "KiB")]
    children.text_element("hard_limit", tune.hard_limit, kib)
    children.text_element("soft_limit", tune.soft_limit, kib)
    children.text_element("min_guarantee", tune.min_guarantee or None, kib)
    children.text_element("swap_hard_limit", tune.swap_hard_limit, kib)
    out.element("memtune", (), children)
    _write_memory_backing(out, tuning.memory_backing)


def _write_memory_backing(out: Out, mem: MemoryBacking) -> None:
    children = Out()
    if mem.hugepages is not None:
        pages = Out()
        if len(mem.hugepages) != 1 or mem.hugepages[0].size_kib:
            for page in mem.hugepages:
                nodeset = format_bitmap(page.nodeset) if page.nodeset else None
                pages.empty("page", [("size", page.size_kib), ("unit", "KiB"),
                                     ("nodeset", nodeset)])
        children.element("hugepages", (), pages, always=True)
    if mem.nosharepages:
        children.line("<nosharepages/>")
    if mem.locked:
        children.line("<locked/>")
    children.empty("source", [("type", mem.source)])
    children.empty("access", [("mode", mem.access)])
    children.empty("allocation", [("mode", mem.allocation),
                                  ("threads", mem.allocation_threads or None)])
    if mem.discard:
        children.line("<discard/>")
    out.element("memoryBacking", (), children)


# --- vcpus, iothreads, cputune -------------------------------------------------


def read_vcpu_states(root: Element, dom: Domain) -> bool:
    """<vcpus>: per-vCPU states; True when the definition has them."""
    nodes = root.findall("vcpus/vcpu")
    if not nodes:
        return False
    states = [VcpuState(online=False) for _ in range(dom.vcpus_max)]
    for node in nodes:
        vcpu_id = props.uint(node, "id", required=True)
        assert vcpu_id is not None
        if vcpu_id >= dom.vcpus_max:
            raise XMLError(f"vcpu id '{vcpu_id}' is out of range of maximum vcpu count")
        state = states[vcpu_id]
        state.online = props.tristate(node, "enabled", required=True) is True
        state.hotpluggable = props.tristate(node, "hotpluggable")
        state.order = props.uint(node, "order") or 0
    dom.vcpu_states = states
    return True


def read_iothreads(root: Element, tuning: Tuning) -> None:
    """virDomainDefParseIOThreads."""
    text = child_text(root, "iothreads")
    count = 0
    if text is not None:
        parsed = cnum.to_uint(text, positive=True)
        if parsed is None:
            raise XMLError(f"invalid iothreads count '{text}'")
        count = parsed
    default = root.find("defaultiothread")
    if default is not None:
        tuning.default_iothread_min = _nonneg_int(default, "thread_pool_min")
        tuning.default_iothread_max = _nonneg_int(default, "thread_pool_max")
    threads: List[IOThread] = []
    used = set()
    for node in root.findall("iothreadids/iothread"):
        thread = _read_iothread(node)
        if thread.id in used:
            raise XMLError(f"duplicate iothread id '{thread.id}' found")
        threads.append(thread)
        used.add(thread.id)
    count = max(count, len(threads))
    check_iothreads(count)
    if count != len(threads):
        free = (i for i in range(1, count + 1) if i not in used)
        threads += [IOThread(id=next(free), autofill=True)
                    for _ in range(count - len(threads))]
    tuning.iothreads = threads


def _nonneg_int(node: Element, name: str) -> int:
    value = props.int_(node, name, nonneg=True)
    return -1 if value is None else value


def _read_iothread(node: Element) -> IOThread:
    thread_id = props.uint(node, "id", required=True, nonzero=True)
    assert thread_id is not None
    thread = IOThread(id=thread_id)
    thread.pool_min = _nonneg_int(node, "thread_pool_min")
    thread.pool_max = _nonneg_int(node, "thread_pool_max")
    poll = node.find("poll")
    if poll is not None:
        thread.poll_max = props.uint(poll, "max", bits=64)
        thread.poll_grow = props.uint(poll, "grow", bits=64)
        thread.poll_shrink = props.uint(poll, "shrink", bits=64)
    return thread


_CPUTUNE_NUMBERS = (
    # (element, CPUTune field, signed, what the error calls it)
    ("shares", "shares", False, "shares"),
    ("period", "period", False, "period"),
    ("quota", "quota", True, "quota"),
    ("global_period", "global_period", False, "global period"),
    ("global_quota", "global_quota", True, "global quota"),
    ("emulator_period", "emulator_period", False, "emulator period"),
    ("emulator_quota", "emulator_quota", True, "emulator quota"),
    ("iothread_period", "iothread_period", False, "iothread period"),
    ("iothread_quota", "iothread_quota", True, "iothread quota"),
)


class _CputuneView:
    """The children of all <cputune> elements, as libvirt's XPath sees them."""

    def __init__(self, root: Element) -> None:
        self.root = root

    def find(self, tag: str) -> Optional[Element]:
        return self.root.find(f"cputune/{tag}")

    def findall(self, tag: str) -> List[Element]:
        return self.root.findall(f"cputune/{tag}")


def read_cputune(root: Element, dom: Domain) -> None:
    """The <cputune> part of virDomainDefTunablesParse."""
    if root.find("cputune") is None:
        return
    tune = _CputuneView(root)
    cputune = dom.cputune
    for tag, field_name, signed, what in _CPUTUNE_NUMBERS:
        text = text_of(tune.find(tag))
        if text is None:
            continue
        value = cnum.to_ll(text) if signed else cnum.to_ullong(text, positive=True)
        if value is None:
            raise XMLError(f"can't parse cputune {what} value")
        setattr(cputune, field_name, value)
    for pin in tune.findall("vcpupin"):
        _read_vcpupin(pin, dom)
    emulatorpins = tune.findall("emulatorpin")
    if len(emulatorpins) > 1:
        raise XMLError("only one emulatorpin is supported")
    if emulatorpins:
        cpuset = emulatorpins[0].get("cpuset")
        if cpuset is None:
            raise InternalError("missing cpuset for emulatorpin")
        cputune.emulatorpin = _cpuset(cpuset)
    for pin in tune.findall("iothreadpin"):
        _read_iothreadpin(pin, dom.tuning)
    for node in tune.findall("vcpusched"):
        sched = _read_scheduler(node, "vcpusched", "vcpus")
        for vcpu in sorted(sched[0]):
            if vcpu >= dom.vcpus_max:
                raise ConfigUnsupported(f"vCPU '{vcpu}' is not present in domain definition")
            if vcpu in cputune.vcpuscheds:
                raise XMLParseError("'vcpusched' attributes 'vcpus' must not overlap")
            cputune.vcpuscheds[vcpu] = sched[1]
    for node in tune.findall("iothreadsched"):
        sched = _read_scheduler(node, "iothreadsched", "iothreads")
        for thread_id in sorted(sched[0]):
            thread = next((t for t in dom.tuning.iothreads if t.id == thread_id), None)
            if thread is None:
                raise ConfigUnsupported(f"Cannot find 'iothread' : {thread_id}")
            if thread.sched is not None:
                raise XMLParseError("'iothreadsched' attributes 'iothreads' must not overlap")
            thread.sched = sched[1]
    emulatorscheds = tune.findall("emulatorsched")
    if len(emulatorscheds) > 1:
        raise XMLError("only one emulatorsched is supported")
    if emulatorscheds:
        cputune.emulatorsched = _read_sched(emulatorscheds[0])


_VCPU_OF = attrgetter("vcpu")


def _read_vcpupin(pin: Element, dom: Domain) -> None:
    vcpu = props.uint(pin, "vcpu", required=True)
    assert vcpu is not None
    if vcpu >= dom.vcpus_max:
        return  # libvirt ignores pins of vcpus that do not exist
    cpuset = pin.get("cpuset")
    if cpuset is None:
        raise InternalError("missing cpuset for vcpupin")
    if vcpu in map(_VCPU_OF, dom.cputune.vcpupins):  # in C: thousands of pins are allowed
        raise InternalError(f"duplicate vcpupin for vcpu '{vcpu}'")
    dom.cputune.vcpupins.append(VcpuPin(vcpu, _cpuset(cpuset)))


def _read_iothreadpin(pin: Element, tuning: Tuning) -> None:
    thread_id = props.uint(pin, "iothread", required=True, nonzero=True)
    thread = next((t for t in tuning.iothreads if t.id == thread_id), None)
    if thread is None:
        raise ConfigUnsupported(f"Cannot find 'iothread' : {thread_id}")
    cpuset = pin.get("cpuset")
    if cpuset is None:
        raise InternalError("missing cpuset for iothreadpin")
    bits = _cpuset(cpuset)
    if thread.cpuset is not None:
        raise InternalError(f"duplicate iothreadpin for same iothread '{thread_id}'")
    thread.cpuset = bits


def _read_scheduler(node: Element, element: str, attr: str) -> Tuple[CpuSet, ThreadSched]:
    """virDomainSchedulerParse: the threads a scheduler applies to, and the scheduler."""
    text = node.get(attr)
    if text is None:
        raise XMLError(f"Missing attribute '{attr}' in element '{element}'")
    bits = parse_bitmap(text)
    if not bits:
        raise ConfigUnsupported(f"'{attr}' scheduler bitmap '{text}' is empty")
    return bits, _read_sched(node)


def _read_sched(node: Element) -> ThreadSched:
    policy = props.enum(node, "scheduler", enums.SCHED_POLICIES, required=True, nonzero=True)
    assert policy is not None
    sched = ThreadSched(policy=policy)
    if policy in ("fifo", "rr"):
        priority = props.int_(node, "priority", required=True)
        assert priority is not None
        sched.priority = priority
    return sched


def write_iothreads(out: Out, tuning: Tuning) -> None:
    threads = tuning.iothreads
    if threads:
        out.text_element("iothreads", len(threads))
    if any(not t.autofill or t.pool_min >= 0 or t.pool_max >= 0 or t.poll_max is not None
           or t.poll_grow is not None or t.poll_shrink is not None for t in threads):
        children = Out()
        for thread in threads:
            poll = Out()
            poll.empty("poll", [("max", thread.poll_max), ("grow", thread.poll_grow),
                                ("shrink", thread.poll_shrink)])
            children.element("iothread", [
                ("id", thread.id),
                ("thread_pool_min", thread.pool_min if thread.pool_min >= 0 else None),
                ("thread_pool_max", thread.pool_max if thread.pool_max >= 0 else None),
            ], poll)
        out.element("iothreadids", (), children)
    low, high = tuning.default_iothread_min, tuning.default_iothread_max
    if low >= 0 or high >= 0:
        out.empty("defaultiothread", [("thread_pool_min", low if low >= 0 else None),
                                      ("thread_pool_max", high if high >= 0 else None)])


def write_cputune(out: Out, dom: Domain) -> None:
    tune: CPUTune = dom.cputune
    children = Out()
    children.text_element("shares", tune.shares)
    children.text_element("period", tune.period or None)
    children.text_element("quota", tune.quota or None)
    for tag, field_name, _signed, _what in _CPUTUNE_NUMBERS[3:]:
        children.text_element(tag, getattr(tune, field_name) or None)
    for pin in sorted(tune.vcpupins, key=lambda p: p.vcpu):
        children.empty("vcpupin", [("vcpu", pin.vcpu), ("cpuset", format_bitmap(pin.cpuset))])
    if tune.emulatorpin is not None:
        children.empty("emulatorpin", [("cpuset", format_bitmap(tune.emulatorpin))])
    for thread in dom.tuning.iothreads:
        if thread.cpuset is not None:
            children.empty("iothreadpin", [("iothread", thread.id),
                                           ("cpuset", format_bitmap(thread.cpuset))])
    if tune.emulatorsched is not None:
        _write_sched(children, "emulator", None, tune.emulatorsched)
    for vcpu in sorted(tune.vcpuscheds):
        _write_sched(children, "vcpu", vcpu, tune.vcpuscheds[vcpu])
    for thread in dom.tuning.iothreads:
        if thread.sched is not None:
            _write_sched(children, "iothread", thread.id, thread.sched)
    out.element("cputune", (), children)


def _write_sched(out: Out, name: str, ident: Optional[int], sched: ThreadSched) -> None:
    priority = sched.priority if sched.policy in ("fifo", "rr") else None
    out.empty(f"{name}sched", [(f"{name}s", ident), ("scheduler", sched.policy),
                               ("priority", priority)])


# --- numatune, resource -------------------------------------------------------


def read_numatune(root: Element, dom: Domain) -> None:
    """virDomainNumatuneParseXML, then the placement libvirt derives from it."""
    if len(root.findall("numatune")) > 1:
        raise XMLError("only one numatune is supported")
    tune = dom.tuning.numatune = NumaTune()
    node = root.find("numatune/memory")
    mode = placement = None
    nodeset: Optional[CpuSet] = None
    if node is None and dom.placement == "auto":
        placement = "auto"
    if node is not None:
        mode = node.get("mode")
        if mode is not None and mode not in enums.NUMATUNE_MODES:
            raise ConfigUnsupported(f"Unsupported NUMA memory tuning mode '{mode}'")
        placement = node.get("placement")
        if placement is not None and placement not in enums.NUMATUNE_PLACEMENTS:
            raise ConfigUnsupported(f"Unsupported NUMA memory placement mode '{placement}'")
        text = node.get("nodeset")
        if text is not None:
            nodeset = _cpuset(text, "nodeset")
    if mode is not None or placement is not None or nodeset is not None:
        _set_numatune(tune, dom.placement == "static", mode, placement, nodeset)
    _read_memnodes(root, dom)
    if (tune.placement == "auto" and dom.cpumask is None and not dom.cputune.vcpupins
            and dom.cputune.emulatorpin is None
            and not any(t.cpuset for t in dom.tuning.iothreads)):
        dom.placement = "auto"


def _set_numatune(tune: NumaTune, placement_static: bool, mode: Optional[str],
                  placement: Optional[str], nodeset: Optional[CpuSet]) -> None:
    """virDomainNumatuneSet for the first <memory> of a definition."""
    tune.memory_mode = mode or "strict"
    placement = placement or "default"
    if nodeset is not None:
        tune.nodeset = nodeset
        if placement == "default":
            placement = "static"
    if placement == "default":
        placement = "static" if placement_static else "auto"
    if placement == "static" and tune.nodeset is None:
        raise ConfigUnsupported(
            "nodeset for NUMA memory tuning must be set if 'placement' is 'static'"
        )
    if placement == "auto":
        tune.nodeset = None
    tune.placement = placement


def _read_memnodes(root: Element, dom: Domain) -> None:
    nodes = root.findall("numatune/memnode")
    if not nodes:
        return
    tune = dom.tuning.numatune
    if tune.memory_mode is not None and tune.placement == "auto":
        raise ConfigUnsupported(
            "Per-node binding is not compatible with automatic NUMA placement."
        )
    cells = len(dom.cpu.numa) if dom.cpu is not None else 0
    if not cells:
        raise XMLError("Element 'memnode' is invalid without any guest NUMA cells")
    for node in nodes:
        cellid = props.uint(node, "cellid", required=True)
        assert cellid is not None
        if cellid >= cells:
            raise XMLError(
                "Argument 'cellid' in memnode element must correspond to existing guest's "
                "NUMA cell"
            )
        if any(m.cellid == cellid for m in tune.memnodes):
            raise XMLError(f"Multiple memnode elements with cellid {cellid}")
        mode = props.enum(node, "mode", enums.NUMATUNE_MODES) or "strict"
        text = node.get("nodeset")
        if text is None:
            raise XMLError("Missing required nodeset attribute in memnode element")
        tune.memnodes.append(MemNode(cellid, mode, _cpuset(text, "nodeset")))
    tune.memnodes.sort(key=lambda m: m.cellid)


def write_numatune(out: Out, tune: NumaTune) -> None:
    if tune.memory_mode is None and not tune.memnodes:
        return
    out.open("numatune")
    if tune.memory_mode is not None:
        if tune.placement == "static" and tune.nodeset is not None:
            out.empty("memory", [("mode", tune.memory_mode),
                                 ("nodeset", format_bitmap(tune.nodeset))])
        else:
            out.empty("memory", [("mode", tune.memory_mode), ("placement", tune.placement)])
    for memnode in tune.memnodes:
        out.empty("memnode", [("cellid", memnode.cellid), ("mode", memnode.mode),
                              ("nodeset", format_bitmap(memnode.nodeset))])
    out.close("numatune")


def read_resource(root: Element, tuning: Tuning) -> None:
    nodes = root.findall("resource")
    if len(nodes) > 1:
        raise XMLError("only one resource element is supported")
    if not nodes:
        return
    partition = child_text(nodes[0], "partition")
    fibre = nodes[0].find("fibrechannel")
    appid = fibre.get("appid") or None if fibre is not None else None
    if partition is None and appid is None:
        raise props.NoCause()  # libvirt fails here without reporting an error
    tuning.resource = Resource(partition=partition, appid=appid)


def write_resource(out: Out, resource: Optional[Resource]) -> None:
    if resource is None:
        return
    children = Out()
    children.text_element("partition", resource.partition)
    children.empty("fibrechannel", [("appid", resource.appid)])
    out.element("resource", (), children)


# --- lifecycle extras: on_lockfailure, pm, perf ------------------------------


def read_lifecycle_extras(root: Element, tuning: Tuning) -> None:
    lockfailure = child_text(root, "on_lockfailure")
    if lockfailure is not None:
        if lockfailure not in enums.LOCK_FAILURE_ACTIONS:
            raise ConfigUnsupported(f"unknown on_lockfailure action: {lockfailure}")
        tuning.on_lockfailure = lockfailure if lockfailure != "default" else None
    for tag, field_name in (("suspend-to-mem", "pm_s3"), ("suspend-to-disk", "pm_s4")):
        node = root.find(f"pm/{tag}")
        if node is not None:
            setattr(tuning, field_name, props.tristate(node, "enabled"))
    for node in root.findall("perf/event"):
        name = props.enum(node, "name", enums.PERF_EVENTS, required=True)
        assert name is not None
        enabled = props.tristate(node, "enabled", required=True)
        assert enabled is not None
        if name in tuning.perf:
            raise XMLError(f"perf event '{name}' was already specified")
        tuning.perf[name] = enabled


def write_lifecycle_extras(out: Out, tuning: Tuning) -> None:
    out.text_element("on_lockfailure", tuning.on_lockfailure)
    if tuning.pm_s3 is not None or tuning.pm_s4 is not None:
        out.open("pm")
        out.empty("suspend-to-mem", [("enabled", yesno(tuning.pm_s3))])
        out.empty("suspend-to-disk", [("enabled", yesno(tuning.pm_s4))])
        out.close("pm")
    if tuning.perf:
        out.open("perf")
        for name in enums.PERF_EVENTS:
            if name in tuning.perf:
                out.empty("event", [("name", name), ("enabled", yesno(tuning.perf[name]))])
        out.close("perf")


# --- sysinfo --------------------------------------------------------------------

# the entries libvirt keeps for each SMBIOS table, in its output order
_SMBIOS_FIELDS = {
    "bios": ("vendor", "version", "date", "release"),
    "system": ("manufacturer", "product", "version", "serial", "uuid", "sku", "family"),
    "baseBoard": ("manufacturer", "product", "version", "serial", "asset", "location"),
    "chassis": ("manufacturer", "version", "serial", "asset", "sku"),
}


def read_sysinfos(root: Element, dom: Domain, uuid_generated: bool) -> None:
    for node in root.findall("sysinfo"):
        kind = props.enum(node, "type", enums.SYSINFO_TYPES, required=True)
        assert kind is not None
        sysinfo = Sysinfo(type=kind)
        if kind == "smbios":
            _read_smbios(node, sysinfo, dom, uuid_generated)
        else:
            sysinfo.entries = [_read_fwcfg_entry(entry) for entry in node.findall("entry")]
        dom.tuning.sysinfos.append(sysinfo)


def _read_smbios(node: Element, sysinfo: Sysinfo, dom: Domain, uuid_generated: bool) -> None:
    for tag in ("bios", "system"):
        table = node.find(tag)
        if table is not None:
            block = _smbios_block(table, tag)
            if tag == "bios":
                _check_bios_date(block)
            else:
                _sysinfo_uuid(block, dom, uuid_generated)
            if block.entries:
                sysinfo.blocks.append(block)
    for table in node.findall("baseBoard"):
        block = _smbios_block(table, "baseBoard")
        if block.entries:
            sysinfo.blocks.append(block)
    chassis = node.find("chassis")
    if chassis is not None:
        block = _smbios_block(chassis, "chassis")
        if block.entries:
            sysinfo.blocks.append(block)
    oem = node.find("oemStrings")
    if oem is not None:
        entries = [SysinfoEntry(None, props.node_text(e)) for e in oem.findall("entry")]
        if entries:
            sysinfo.blocks.append(SysinfoBlock("oemStrings", entries))


def _smbios_block(table: Element, tag: str) -> SysinfoBlock:
    block = SysinfoBlock(tag)
    for name in _SMBIOS_FIELDS[tag]:
        entry = next((e for e in table.findall("entry") if e.get("name") == name), None)
        value = text_of(entry)
        if value is not None:
            block.entries.append(SysinfoEntry(name, value))
    return block


def _check_bios_date(block: SysinfoBlock) -> None:
    date = next((e.value for e in block.entries if e.name == "date"), None)
    if date is None:
        return
    parts = date.split("/")
    numbers = [cnum.to_int(p) for p in parts] if len(parts) == 3 else []
    if len(numbers) != 3 or any(n is None for n in numbers):
        raise XMLParseError("Invalid BIOS 'date' format")
    month, day, year = (n or 0 for n in numbers)
    if not 1 <= month <= 12 or not 1 <= day <= 31 or year < 0 or 100 <= year < 1900:
        raise XMLParseError("Invalid BIOS 'date' format")


def _sysinfo_uuid(block: SysinfoBlock, dom: Domain, uuid_generated: bool) -> None:
    entry = next((e for e in block.entries if e.name == "uuid"), None)
    if entry is None or entry.value is None:
        return
    uuid = parse_uuid(entry.value)
    if uuid is None:
        raise XMLParseError("malformed <sysinfo> uuid element")
    if uuid_generated:
        dom.uuid = uuid
    elif uuid != dom.uuid:
        raise XMLParseError("UUID mismatch between <uuid> and <sysinfo>")
    entry.value = uuid


def _read_fwcfg_entry(node: Element) -> SysinfoEntry:
    name = node.get("name")
    if name is None:
        raise XMLError("Firmware entry is missing 'name' attribute")
    value = props.node_text(node) or None
    path = node.get("file")
    if value is None and path is None:
        raise XMLError("Firmware entry must have either value or 'file' attribute")
    return SysinfoEntry(name, value, props.sanitize_path(path) if path is not None else None)


def write_sysinfos(out: Out, sysinfos: List[Sysinfo]) -> None:
    for sysinfo in sysinfos:
        children = Out()
        for block in sysinfo.blocks:
            children.open(block.tag)
            for entry in block.entries:
                children.text_element("entry", entry.value,
                                      [("name", entry.name)] if entry.name else ())
            children.close(block.tag)
        for entry in sysinfo.entries:
            if entry.file is not None:
                children.empty("entry", [("name", entry.name), ("file", entry.file)])
            else:
                children.text_element("entry", entry.value, [("name", entry.name)])
        out.element("sysinfo", [("type", sysinfo.type)], children)


def _attr_text(node: Element, tag: str, attr: str) -> Optional[str]:
    """XPath string(./tag/@attr): the first child's attribute, None when empty."""
    child = node.find(tag)
    value = child.get(attr) if child is not None else None
    return value or None


# --- idmap and keywrap -----------------------------------------------------------


def read_idmap(root: Element, tuning: Tuning) -> None:
    """virDomainIdmapDefParseXML for <idmap><uid/><gid/>."""
    tuning.idmap_uids = _read_id_maps(root.findall("idmap/uid"))
    tuning.idmap_gids = _read_id_maps(root.findall("idmap/gid"))


def _read_id_maps(nodes: List[Element]) -> List[Tuple[int, int, int]]:
    maps = []
    for node in nodes:
        values = [cnum.to_uint(node.get(name) or "", positive=True)
                  for name in ("start", "target", "count")]
        if None in values:
            raise XMLError("invalid idmap start/target/count settings")
        start, target, count = (value or 0 for value in values)
        maps.append((start, target, count))
    return sorted(maps, key=lambda entry: entry[0])


def write_idmap(out: Out, tuning: Tuning) -> None:
    if not tuning.idmap_uids:
        return
    out.open("idmap")
    for tag, maps in (("uid", tuning.idmap_uids), ("gid", tuning.idmap_gids)):
        for start, target, count in maps:
            out.empty(tag, [("start", start), ("target", target), ("count", count)])
    out.close("idmap")


_KEYWRAP_CIPHERS = ("aes", "dea")


def read_keywrap(root: Element, tuning: Tuning) -> None:
    """virDomainKeyWrapDefParseXML."""
    for node in root.findall("keywrap/cipher"):
        name = props.enum(node, "name", _KEYWRAP_CIPHERS, required=True)
        state = props.switch(node, "state", required=True)
        assert name is not None and state is not None
        if name in tuning.keywrap:
            raise InternalError("A domain definition can have no more than one cipher node "
                                f"with name {name}")
        tuning.keywrap[name] = state


def write_keywrap(out: Out, tuning: Tuning) -> None:
    if not tuning.keywrap:
        return
    out.open("keywrap")
    for name in _KEYWRAP_CIPHERS:
        state = tuning.keywrap.get(name)
        out.empty("cipher", [("name", name if state is not None else None),
                             ("state", onoff(state))])
    out.close("keywrap")
