"""Domain XML into the domain model, as libvirt's parser reads it.

The functions follow libvirt's ``virDomainDefParseXML`` in order, so that the
first error a document triggers is the one libvirt reports. The result is the
raw parse; :mod:`xenvirsh.model.postparse` then applies defaults and implicit
devices. Elements libvirt does not know are ignored, as libvirt ignores them.
"""

from __future__ import annotations

from typing import List, Optional, Union

from xenvirsh import cnum
from xenvirsh.errors import (
    ConfigUnsupported,
    InternalError,
    XenvirshError,
    XMLError,
    XMLParseError,
)
from xenvirsh.formats.domxml import misc_devices, props, tuning
from xenvirsh.formats.domxml.chardev import read_chr
from xenvirsh.formats.domxml.devinfo import read_device_info
from xenvirsh.formats.domxml.disk import (
    read_disk,
    read_disk_source,
    read_iothread_mappings,
    read_virtio_options,
)
from xenvirsh.formats.domxml.graphics import read_graphics
from xenvirsh.formats.domxml.hostdev import read_hostdev
from xenvirsh.formats.domxml.interface import read_interface
from xenvirsh.formats.domxml.metadata import read_metadata
from xenvirsh.formats.domxml.node import Node
from xenvirsh.formats.domxml.props import Element, child_text, text_of
from xenvirsh.formats.domxml.safexml import parse_xml
from xenvirsh.host import Host
from xenvirsh.limits import check_devices
from xenvirsh.model import enums
from xenvirsh.model.bitmap import parse_bitmap
from xenvirsh.model.devlist import add_hostdev_scsi_controllers
from xenvirsh.model.domain import (
    CPU,
    OS,
    ACPITable,
    ChrDevice,
    Clock,
    Controller,
    ControllerDriver,
    CPUFeature,
    Disk,
    Domain,
    Features,
    Input,
    Loader,
    Memballoon,
    NumaCell,
    Sound,
    Timer,
    Video,
)
from xenvirsh.model.ids import parse_uuid
from xenvirsh.model.placement import assign_default_ports, insert_controller, insert_disks
from xenvirsh.model.postparse import post_parse
from xenvirsh.model.validate import validate

XEN_NAMESPACE = "http://libvirt.org/schemas/domain/xen/1.0"


def parse_domain(text: Union[str, bytes], host: Host) -> Domain:
    """Domain XML as libvirt's libxl driver reads it (inactive): parse, apply
    the driver's defaults, validate."""
    dom = post_parse(read_domain(Node(parse_xml(text))), host)
    validate(dom, host)
    return dom


def read_domain(root: Element) -> Domain:
    """Read a ``<domain>`` element as libvirt does with the INACTIVE flag."""
    # libvirt compares the local name: a namespace on the root is no refusal
    # (its children, in the namespace too, are then not the elements it reads)
    name = root.tag.rpartition("}")[2]
    if name != "domain":
        raise XMLError(f"expecting root element of 'domain', not '{name}'")
    dom = Domain()
    props.reset_ignored_error()
    present = props.child_tags(root)
    _read_identity(root, dom)
    uuid_generated = not dom.uuid
    if "genid" in present:
        tuning.read_genid(root, dom.tuning)
    _read_caps(root, dom)
    if "title" in present:
        dom.title = child_text(root, "title")
        if dom.title and "\n" in dom.title:
            raise XMLError("Domain title can't contain newlines")
    if "description" in present:
        dom.description = child_text(root, "description")
    if "seclabel" in present:
        dom.tuning.seclabels = tuning.read_seclabels(root)
    _read_memory(root, dom)
    tuning.read_memory_extras(root, dom.tuning)
    if "blkiotune" in present:
        tuning.read_blkiotune(root, dom.tuning)
    if "memtune" in present:
        tuning.read_memtune(root, dom.tuning)
    _read_vcpus(root, dom)
    if not present.isdisjoint(("iothreads", "iothreadids", "defaultiothread")):
        tuning.read_iothreads(root, dom.tuning)
    if "cputune" in present:
        tuning.read_cputune(root, dom)
    cpu_el = root.find("cpu")
    if cpu_el is not None:
        dom.cpu = _read_cpu(cpu_el)
        if root.find("cpu/numa") is not None:
            # virDomainNumaDefParseXML: the cells of every <cpu>'s first <numa>
            dom.cpu.numa = _read_numa(root.findall("cpu/numa[1]/cell"))
    _check_numa_vcpus(dom)
    if "numatune" in present or dom.placement == "auto":
        tuning.read_numatune(root, dom)
    if "resource" in present:
        tuning.read_resource(root, dom.tuning)
    if "features" in present:
        _read_features(root, dom)
    _read_lifecycle(root, dom)
    if not present.isdisjoint(("on_lockfailure", "pm", "perf")):
        tuning.read_lifecycle_extras(root, dom.tuning)
    _read_clock(root, dom)
    _read_os(root, dom)
    devices = root.find("devices")
    if devices is not None:
        _read_devices(devices, dom)
    if "idmap" in present:
        tuning.read_idmap(root, dom.tuning)
    if "sysinfo" in present:
        tuning.read_sysinfos(root, dom, uuid_generated)
    _read_smbios_mode(root, dom)
    if "keywrap" in present:
        tuning.read_keywrap(root, dom.tuning)
    if "metadata" in present:
        dom.tuning.metadata = read_metadata(root)
    if f"{{{XEN_NAMESPACE}}}commandline" in present:
        _read_xen_namespace(root, dom)
    return dom


# --- identity, caps, memory, vcpus -------------------------------------------


def _read_identity(root: Element, dom: Domain) -> None:
    name = child_text(root, "name")
    if name is None:
        raise XenvirshError("missing name information")
    dom.name = name
    uuid = child_text(root, "uuid")
    if uuid is None:
        dom.uuid = ""  # generated by the post-parse
    else:
        parsed = parse_uuid(uuid)
        if parsed is None:
            raise InternalError("malformed uuid element")
        dom.uuid = parsed


def _read_caps(root: Element, dom: Domain) -> None:
    virt_type = root.get("type")
    os_el = root.find("os")
    type_el = os_el.find("type") if os_el is not None else None
    os_type = text_of(type_el)
    arch = type_el.get("arch") if type_el is not None else None
    dom.os.bootloader = child_text(root, "bootloader")
    dom.os.bootloader_args = child_text(root, "bootloader_args")
    if type_el is not None:
        dom.os.machine = type_el.get("machine") or None
    devices = root.find("devices")
    if devices is not None:
        dom.devices.emulator = child_text(devices, "emulator")
    if virt_type is None:
        raise InternalError("missing domain type attribute")
    if virt_type not in enums.VIRT_TYPES or virt_type == "none":
        raise ConfigUnsupported(f"invalid domain type {virt_type}")
    dom.virt_type = virt_type
    if os_type is None:
        if not dom.os.bootloader:
            raise XMLError("an os <type> must be specified")
        os_type = "xen"
    elif os_type not in enums.OS_TYPES:
        raise ConfigUnsupported(f"unknown OS type '{os_type}'")
    # libvirt's Xen back-compat: PV guests were once written as 'linux'
    if os_type == "linux" and virt_type == "xen":
        os_type = "xen"
    dom.os.type = os_type
    if arch is not None:
        if arch not in enums.ARCHES or arch == "none":
            raise ConfigUnsupported(f"Unknown architecture {arch}")
        dom.os.arch = arch


# virMemoryMaxValue on a 64-bit host: sizes are capped at LLONG_MAX bytes
_MEMORY_MAX_BYTES = 2**63 - 1
MEMORY_MAX_KIB = -(-_MEMORY_MAX_BYTES // 1024)


def scaled_kib(value: Optional[str], unit: Optional[str], what: str, required: bool) -> int:
    """virDomainParseMemory: a value with an optional unit, in KiB (rounded up)."""
    size = tuning.scaled_value(value, unit, what, required=required, limit=_MEMORY_MAX_BYTES)
    kib = -(-size // 1024)
    if kib >= MEMORY_MAX_KIB:
        raise XenvirshError("numerical overflow: size value too large")
    return kib


def _element_kib(root: Element, tag: str) -> int:
    el = root.find(tag)
    if el is None:
        return 0
    return scaled_kib(text_of(el), el.get("unit"), f"./{tag}[1]", False)


def _read_memory(root: Element, dom: Domain) -> None:
    dom.memory_kib = _element_kib(root, "memory")
    dom.current_memory_kib = _element_kib(root, "currentMemory")
    dom.max_memory_kib = _element_kib(root, "maxMemory")
    max_el = root.find("maxMemory")
    if max_el is not None and max_el.get("slots") is not None:
        slots = cnum.to_uint(max_el.get("slots", ""), positive=True)  # "-0" too: libvirt 9.0
        if slots is None:
            raise XMLError("Failed to parse memory slot count")
        dom.memory_slots = slots


def _read_vcpus(root: Element, dom: Domain) -> None:
    el = root.find("vcpu")
    maxvcpus = current = 1
    if el is not None:
        # virXPathUInt: what does not fit 32 bits is no integer, "-1" is UINT_MAX
        value = cnum.to_uint(text_of(el) or "")
        if value is None:
            raise XMLError("maximum vcpus count must be an integer")
        maxvcpus = value
        given = props.uint(el, "current")
        current = maxvcpus if given is None else given
        dom.placement = props.enum(el, "placement", enums.CPU_PLACEMENTS) or "static"
        cpuset = el.get("cpuset")
        if dom.placement != "auto" and cpuset is not None:
            dom.cpumask = parse_bitmap(cpuset)
            if not dom.cpumask:
                raise ConfigUnsupported(f"Invalid value of 'cpuset': {cpuset}")
    dom.vcpus_max = maxvcpus
    if tuning.read_vcpu_states(root, dom):
        dom.vcpus = sum(1 for state in dom.vcpu_states if state.online)
        return
    if current > maxvcpus:
        raise ConfigUnsupported("maximum vCPU count must not be less than current vCPU count")
    dom.vcpus = current


# --- cpu and numa -------------------------------------------------------------


def _read_cpu(el: Element) -> CPU:
    cpu = CPU()
    mode = el.get("mode")
    if mode is not None:
        if mode not in enums.CPU_MODES:
            raise ConfigUnsupported(f"Invalid mode attribute '{mode}'")
        cpu.mode = mode
    cpu.migratable = props.switch(el, "migratable")
    if cpu.migratable is not None and cpu.mode not in ("host-passthrough", "maximum"):
        raise ConfigUnsupported(
            "Attribute migratable is only allowed for 'host-passthrough' / 'maximum' CPU mode"
        )
    cpu.match = props.enum(el, "match", enums.CPU_MATCHES)
    cpu.check = props.enum(el, "check", enums.CPU_CHECKS)
    cpu.deprecated_features = props.switch(el, "deprecated_features")
    cpu.model = child_text(el, "model")
    model_el = el.find("model")
    if model_el is not None and cpu.mode not in ("host-passthrough", "maximum"):
        fallback = model_el.get("fallback")
        if fallback is not None:
            if fallback not in enums.CPU_FALLBACKS:
                raise ConfigUnsupported("Invalid fallback attribute")
            cpu.fallback = fallback
        vendor_id = model_el.get("vendor_id")
        if vendor_id is not None:
            if len(vendor_id) != 12:
                raise XMLError("vendor_id must be exactly 12 characters long")
            if "," in vendor_id:
                raise XMLError("vendor id is invalid")
            cpu.vendor_id = vendor_id
    cpu.vendor = child_text(el, "vendor")
    if cpu.vendor and not cpu.model:
        raise XMLError("CPU vendor specified without CPU model")
    topology = el.find("topology")
    if topology is not None:
        cpu.sockets = props.uint(topology, "sockets", required=True, nonzero=True) or 0
        dies = props.uint(topology, "dies", nonzero=True)
        cpu.dies = 1 if dies is None else dies
        clusters = props.uint(topology, "clusters", nonzero=True)
        cpu.clusters = 1 if clusters is None else clusters
        cpu.cores = props.uint(topology, "cores", required=True, nonzero=True) or 0
        cpu.threads = props.uint(topology, "threads", required=True, nonzero=True) or 0
    features = el.findall("feature")
    if features and not cpu.model and cpu.mode == "custom":
        raise XMLError("Non-empty feature list specified without CPU model")
    for feat in features:
        policy = feat.get("policy")
        if policy is None:
            policy = "require"
        elif policy not in enums.CPU_FEATURE_POLICIES:
            raise ConfigUnsupported("Invalid CPU feature policy")
        name = feat.get("name")
        if not name:
            raise XMLError("Invalid CPU feature name")
        if cpu.feature(name):
            raise XMLError(f"CPU feature '{name}' specified more than once")
        cpu.features.append(CPUFeature(name, policy))
    _read_cpu_cache(el, cpu)
    return cpu


def _read_cpu_cache(el: Element, cpu: CPU) -> None:
    """<cache> and <maxphysaddr>."""
    caches = el.findall("cache")
    if len(caches) > 1:
        raise XMLError("at most one CPU cache element may be specified")
    if caches:
        level = props.int_(caches[0], "level", nonneg=True)
        if level is not None and not 1 <= level <= 3:
            raise XMLError("invalid CPU cache level, must be in range [1,3]")
        cpu.cache_level = -1 if level is None else level
        cpu.cache_mode = props.enum(caches[0], "mode", enums.CPU_CACHE_MODES, required=True)
    addr = el.find("maxphysaddr")
    if addr is not None:
        cpu.maxphysaddr_mode = props.enum(addr, "mode", enums.CPU_MAXPHYSADDR_MODES,
                                          required=True)
        bits = props.int_(addr, "bits", nonneg=True)
        cpu.maxphysaddr_bits = -1 if bits is None else bits
        limit = props.uint(addr, "limit", nonzero=True)
        if limit is not None:
            if cpu.maxphysaddr_mode != "passthrough":
                raise ConfigUnsupported("attribute 'limit' is only supported for maxphysaddr "
                                        "mode 'passthrough'")
            cpu.maxphysaddr_limit = limit


def _read_numa(cells_el: List[Element]) -> List[NumaCell]:
    if not cells_el:
        raise XMLError("NUMA topology defined without NUMA cells")
    count = len(cells_el)
    cells: List[Optional[NumaCell]] = [None] * count
    # distances[i][j]: from cell i to cell j, 0 while unknown
    distances = [[0] * count for _ in range(count)]
    for index, cell_el in enumerate(cells_el):
        cell_id = props.uint(cell_el, "id")
        cur = index if cell_id is None else cell_id
        if cur >= count:
            raise XMLError(
                "Exactly one 'cell' element per guest NUMA cell allowed, non-contiguous "
                "ranges or ranges not starting from 0 are not allowed"
            )
        if cells[cur] is not None:
            raise XMLError(f"Duplicate NUMA cell info for cell id '{cur}'")
        cpus_text = cell_el.get("cpus")
        cpus = parse_bitmap(cpus_text) if cpus_text is not None else None
        for other_id, other in enumerate(cells):
            if other is not None and other.cpus and cpus and other.cpus & cpus:
                raise ConfigUnsupported(
                    f"NUMA cells {cur} and {other_id} have overlapping vCPU ids"
                )
        memory = scaled_kib(cell_el.get("memory"), cell_el.get("unit"), "./@memory", True)
        cell = NumaCell(cpus=cpus or None, memory_kib=memory, distances=distances[cur])
        cell.mem_access = props.enum(cell_el, "memAccess", enums.MEMORY_ACCESS, nonzero=True)
        cell.discard = props.tristate(cell_el, "discard")
        cells[cur] = cell
        _read_distances(cell_el, distances, cur)
    return [c for c in cells if c is not None]


def _read_distances(cell_el: Element, distances: List[List[int]], cur: int) -> None:
    element = cell_el.find("distances")
    if element is None:
        return
    siblings = element.findall("sibling")
    if not siblings:
        raise XMLError("NUMA distances defined without siblings")
    count = len(distances)
    for sib in siblings:
        sib_id = props.uint(sib, "id", required=True)
        assert sib_id is not None
        if sib_id >= count:
            raise XMLError(
                f"'sibling_id {sib_id}' does not refer to a valid cell within NUMA "
                f"'cell id {cur}'"
            )
        value = props.uint(sib, "value", required=True)
        assert value is not None
        if not 10 <= value <= 255 or (sib_id == cur) != (value == 10):
            raise XMLError(
                f"'value {value}' is invalid for 'sibling id {sib_id}' under NUMA "
                f"'cell id {cur}'"
            )
        mine, other = distances[cur], distances[sib_id]
        if not any(mine):
            mine[cur] = 10
        mine[sib_id] = value
        # libvirt mirrors a distance onto the sibling unless already set there
        if not any(other):
            other[sib_id] = 10
        if not other[cur]:
            other[cur] = value


def _check_numa_vcpus(dom: Domain) -> None:
    cells = dom.cpu.numa if dom.cpu is not None else []
    ids = [i for cell in cells if cell.cpus for i in cell.cpus]
    if len(ids) > dom.vcpus_max:
        raise InternalError("Number of CPUs in <numa> exceeds the <vcpu> count")
    if max(ids, default=0) >= dom.vcpus_max:
        raise InternalError("CPU IDs in <numa> exceed the <vcpu> count")


# --- features, lifecycle, clock, os -----------------------------------------


def _read_features(root: Element, dom: Domain) -> None:
    feats = dom.features
    for el in root.iterfind("features/*"):
        name = _local_name(el)
        if name not in enums.FEATURES:
            raise ConfigUnsupported(f"unexpected feature '{name}'")
        if name in enums.FEATURES_PRESENT:
            feats.switches[name] = True
        elif name == "smm":
            state = props.switch(el, "state")
            feats.switches[name] = True if state is None else state
            if state is not False:
                tseg_el = root.find("features/smm/tseg")
                tseg = text_of(tseg_el)
                if tseg_el is not None and tseg is not None:
                    unit = tseg_el.get("unit")
                    feats.smm_tseg = tuning.scaled_value(
                        tseg, unit, "string(./features/smm/tseg)", limit=2**64 - 1,
                        scale=1024 * 1024)
        elif name in enums.FEATURES_STATE:
            state = props.switch(el, "state")
            feats.switches[name] = True if state is None else state
        elif name in enums.FEATURES_STATE_REQUIRED:
            state = props.switch(el, "state", required=True)
            assert state is not None
            feats.switches[name] = state
        elif name == "apic":
            feats.apic_eoi = props.switch(el, "eoi")
            feats.apic = True
        elif name == "hyperv":
            _read_hyperv(el, feats)
        elif name == "xen":
            _read_xen_features(el, feats)
        else:
            _read_other_feature(name, el, root, feats)


def _read_other_feature(name: str, el: Element, root: Element, feats: Features) -> None:
    """The features libvirt keeps for other hypervisors and architectures."""
    if name == "kvm":
        _read_kvm_features(el, feats)
    elif name == "capabilities":
        feats.capabilities_policy = props.enum(
            el, "policy", enums.CAPABILITIES_POLICIES) or "default"
        for cap in el.children():
            cap_name = _local_name(cap)
            if cap_name not in enums.PROCESS_CAPS:
                raise ConfigUnsupported(f"unexpected capability feature '{cap_name}'")
            state = props.switch(cap, "state")
            feats.capabilities[cap_name] = True if state is None else state
    elif name == "gic":
        feats.gic_version = props.enum(el, "version", enums.GIC_VERSIONS, nonzero=True) \
            or "none"
    elif name == "ioapic":
        driver = props.enum(el, "driver", enums.IOAPIC_DRIVERS, nonzero=True)
        feats.ioapic = driver
    elif name == "hpt":
        feats.hpt_resizing = props.enum(el, "resizing", enums.HPT_RESIZING, nonzero=True)
        size_el = root.find("features/hpt/maxpagesize")
        try:
            unit = size_el.get("unit") if size_el is not None else None
            size = tuning.scaled_value(text_of(size_el), unit, "./features/hpt/maxpagesize",
                                       limit=2**64 - 1)
        except XenvirshError:
            raise ConfigUnsupported("Unable to parse HPT maxpagesize setting") from None
        feats.hpt_maxpagesize = -(-size // 1024)
        if feats.hpt_resizing is not None or feats.hpt_maxpagesize > 0:
            feats.hpt = True
    elif name == "msrs":
        feats.msrs_unknown = props.enum(el, "unknown", enums.MSRS_UNKNOWN, required=True)
    elif name in enums.FEATURE_VALUES:
        table = enums.FEATURE_VALUES[name]
        value = props.enum(el, "value", table, nonzero=True)
        if value is None:
            feats.values.pop(name, None)
        else:
            feats.values[name] = value
    elif name == "tcg":
        size_el = el.find("tb-cache")
        size = scaled_kib(text_of(size_el), size_el.get("unit") if size_el is not None
                          else None, "./tb-cache", False)
        if size:
            feats.tcg_tb_cache = size
    elif name == "async-teardown":
        enabled = props.tristate(el, "enabled")
        feats.async_teardown = True if enabled is None else enabled


def _read_kvm_features(el: Element, feats: Features) -> None:
    if feats.kvm is None:
        feats.kvm = {}
    for child in el.children():
        name = _local_name(child)
        if name not in enums.KVM_FEATURES:
            raise ConfigUnsupported(f"unsupported KVM feature: {name}")
        value = props.switch(child, "state", required=True)
        assert value is not None
        feats.kvm[name] = value
        if name == "dirty-ring" and value:
            size = props.uint(child, "size", base=0, required=True) or 0
            if size & (size - 1) or not 1024 <= size <= 65536:
                raise XMLError("dirty ring must be power of 2 and ranges [1024, 65536]")
            feats.kvm_dirty_ring_size = size


def _read_hyperv(el: Element, feats: Features) -> None:
    mode = props.enum(el, "mode", enums.HYPERV_MODES, nonzero=True) or "custom"
    feats.hyperv_mode = mode
    if mode == "passthrough":
        return
    for child in el.children():
        name = _local_name(child)
        if name not in enums.HYPERV_FEATURES:
            raise ConfigUnsupported(f"unsupported HyperV Enlightenment feature: {name}")
        value = props.switch(child, "state", required=True)
        assert value is not None
        feats.hyperv[name] = value
        if not value:
            continue
        if name == "spinlocks":
            retries = props.uint(child, "retries", base=0, required=True)
            assert retries is not None
            if retries < 0xFFF:
                raise XMLError("HyperV spinlock retry count must be at least 4095")
            feats.hyperv_spinlocks = retries
        elif name == "vendor_id":
            vendor = child.get("value")
            if vendor is None:
                raise XMLError("missing 'value' attribute for HyperV feature 'vendor_id'")
            if len(vendor) > 12:
                raise XMLError("HyperV vendor_id value must not be more than 12 characters.")
            if "," in vendor:
                raise XMLError("HyperV vendor_id value is invalid")
            feats.hyperv_vendor_id = vendor
        elif name == "stimer":
            for sub in child.children():
                if _local_name(sub) != "direct":
                    raise ConfigUnsupported(
                        f"unsupported Hyper-V stimer feature: {_local_name(sub)}"
                    )
                feats.hyperv_stimer_direct = props.switch(sub, "state", required=True)
        elif name == "tlbflush":
            for sub in child.children():
                sub_name = _local_name(sub)
                if sub_name == "direct":
                    feats.hyperv_tlbflush_direct = props.switch(sub, "state", required=True)
                elif sub_name == "extended":
                    feats.hyperv_tlbflush_extended = props.switch(sub, "state", required=True)
                else:
                    raise ConfigUnsupported(f"unsupported Hyper-V tlbflush feature: {sub_name}")


def _read_xen_features(el: Element, feats: Features) -> None:
    feats.xen = True
    for child in el.children():
        name = _local_name(child)
        if name not in enums.XEN_FEATURES:
            raise ConfigUnsupported(f"unsupported Xen feature: {name}")
        value = props.switch(child, "state", required=True)
        if name == "e820_host":
            feats.xen_e820_host = value
        else:
            feats.xen_passthrough = value
            if value:
                feats.xen_passthrough_mode = props.enum(
                    child, "mode", enums.XEN_PASSTHROUGH_MODES, nonzero=True
                )


def _read_lifecycle(root: Element, dom: Domain) -> None:
    for tag, default in (("on_reboot", "restart"), ("on_poweroff", "destroy"),
                         ("on_crash", "destroy")):
        value = child_text(root, tag)
        if value is None:
            value = default
        elif value not in enums.LIFECYCLE_ACTIONS:
            raise ConfigUnsupported(f"unknown {tag} action: {value}")
        setattr(dom, tag, value)


def _read_clock(root: Element, dom: Domain) -> None:
    """virDomainDefClockParse: each attribute is the first of all <clock>s."""
    clock = dom.clock = Clock()
    if root.find("clock") is None:
        return

    def attr(name: str) -> Optional[str]:
        return props.first_attr(root, "clock", name)

    offset = attr("offset")
    if offset is not None:
        if offset not in enums.CLOCK_OFFSETS:
            raise ConfigUnsupported(f"unknown clock offset '{offset}'")
        clock.offset = offset
    adjustment = attr("adjustment")
    if clock.offset in ("utc", "localtime"):
        if adjustment == "reset":
            clock.adjustment_reset = True
        elif adjustment is not None:
            value = cnum.to_ll(adjustment)
            if value is None:
                raise XMLError(f"unknown clock adjustment '{adjustment}'")
            clock.basis = clock.offset
            clock.offset = "variable"
            clock.adjustment = value
    elif clock.offset == "variable":
        value = cnum.to_ll(adjustment) if adjustment is not None else None
        clock.adjustment = value or 0
        basis = attr("basis")
        if basis is not None:
            if basis not in enums.CLOCK_BASES:
                raise ConfigUnsupported(f"unknown clock basis '{basis}'")
            clock.basis = basis
    elif clock.offset == "timezone":
        clock.timezone = attr("timezone")
        if not clock.timezone:
            raise InternalError("missing 'timezone' attribute for clock with offset='timezone'")
    else:
        start = cnum.to_ullong(attr("start") or "", positive=True)
        if start is None:
            raise InternalError("missing 'start' attribute for clock with offset='absolute'")
        clock.start = start
    for timer_el in root.findall("clock/timer"):
        clock.timers.append(_read_timer(timer_el))


def _read_timer(el: Element) -> Timer:
    """virDomainTimerDefParseXML."""
    name = props.enum(el, "name", enums.TIMER_NAMES, required=True)
    assert name is not None
    timer = Timer(name=name)
    timer.present = props.tristate(el, "present")
    timer.tickpolicy = props.enum(el, "tickpolicy", enums.TIMER_TICKPOLICIES, nonzero=True)
    timer.track = props.enum(el, "track", enums.TIMER_TRACKS, nonzero=True)
    frequency = props.uint(el, "frequency", bits=64)
    timer.frequency = frequency or 0
    timer.mode = props.enum(el, "mode", enums.TIMER_MODES, nonzero=True)
    catchup = el.find("catchup")
    if catchup is not None:
        props.read_attrs(catchup, timer, _CATCHUP)
    return timer


_CATCHUP = (
    props.spec("threshold", "ull", field="catchup_threshold"),
    props.spec("slew", "ull", field="catchup_slew"),
    props.spec("limit", "ull", field="catchup_limit"),
)


def _read_os(root: Element, dom: Domain) -> None:
    os_el = root.find("os")
    osd = dom.os
    if os_el is None or osd.type not in ("hvm", "xen", "xenpvh"):
        return
    osd.kernel = child_text(os_el, "kernel")
    osd.initrd = child_text(os_el, "initrd")
    osd.cmdline = child_text(os_el, "cmdline")
    osd.shim = child_text(os_el, "shim")
    osd.dtb = child_text(os_el, "dtb")
    osd.root = child_text(os_el, "root")
    if osd.type == "hvm":
        _read_firmware(os_el, osd)
    loader_el = os_el.find("loader")
    nvram_el = os_el.find("nvram")
    if loader_el is not None or nvram_el is not None:
        osd.loader = Loader()
        if nvram_el is not None:
            osd.nvram = _read_nvram(nvram_el, osd.loader)
        _read_loader(loader_el, osd.loader)
    if osd.type != "hvm":
        return
    for table in os_el.findall("acpi/table"):
        table_type = props.enum(table, "type", enums.ACPI_TABLE_TYPES, required=True)
        assert table_type is not None
        if table_type != "raw" and any(t.type == table_type for t in osd.acpi_tables):
            raise XMLError(f"ACPI table type '{table_type}' may only appear once")
        osd.acpi_tables.append(ACPITable(table_type, props.sanitize_path(text_of(table) or "")))
    for boot in os_el.findall("boot")[: len(enums.BOOT_DEVICES)]:
        dev = props.enum(boot, "dev", enums.BOOT_DEVICES, required=True)
        assert dev is not None
        osd.boot_devs.append(dev)
    bootmenu = os_el.find("bootmenu")
    if bootmenu is not None:
        osd.bootmenu = props.tristate(bootmenu, "enable")
        if osd.bootmenu:
            osd.bootmenu_timeout = props.uint(bootmenu, "timeout")
    bios = os_el.find("bios")
    if bios is not None:
        try:
            osd.bios_useserial = props.tristate(bios, "useserial")
        except XMLError as err:
            props.ignored_error(err)
            osd.bios_useserial = False  # libvirt turns a bad value into 'no'
        osd.bios_reboot_timeout = props.int_(bios, "rebootTimeout")


def _read_firmware(os_el: Element, osd: OS) -> None:
    """virDomainDefParseBootFirmwareOptions; the <firmware> features only
    count along with a firmware attribute."""
    firmware = os_el.get("firmware")
    if not firmware:
        return
    for feature in os_el.findall("firmware/feature"):
        name = props.enum(feature, "name", enums.FIRMWARE_FEATURES, required=True)
        enabled = props.tristate(feature, "enabled", required=True)
        assert name is not None and enabled is not None
        osd.firmware_features[name] = enabled
    if firmware not in enums.FIRMWARES or firmware == "none":
        raise XMLError(f"unknown firmware value {firmware}")
    osd.firmware = firmware


def _nvram_format(el: Element, attr: str, what: str) -> Optional[str]:
    fmt = props.enum(el, attr, enums.STORAGE_FORMATS)
    if fmt not in (None, "none", "raw", "qcow2"):
        raise XMLError(f"Unsupported {what} format '{fmt}'")
    return fmt if fmt != "none" else None


def _read_nvram(el: Element, loader: Loader) -> Optional[str]:
    """virDomainLoaderDefParseXMLNvram: the NVRAM path, if given as text."""
    loader.nvram = True
    loader.nvram_template = el.get("template")
    loader.nvram_template_format = _nvram_format(el, "templateFormat", "nvram template")
    loader.nvram_format = _nvram_format(el, "format", "nvram")
    kind = props.enum(el, "type", enums.STORAGE_TYPES)
    if kind is None:
        return props.node_text(el) or None
    source_el = el.find("source")
    if source_el is None:
        raise props.NoCause()  # libvirt fails here without reporting why
    if kind == "none":
        raise InternalError("unexpected disk type none")
    source = Disk(type=kind)
    read_disk_source(source_el, source)
    assign_default_ports(source)
    loader.nvram_source = source
    return None


def _read_loader(el: Optional[Element], loader: Loader) -> None:
    """virDomainLoaderDefParseXMLLoader."""
    if el is None:
        loader.format = loader.nvram_format  # <nvram format> selects the firmware
        return
    loader.readonly = props.tristate(el, "readonly")
    loader.type = props.enum(el, "type", enums.LOADER_TYPES, nonzero=True)
    loader.path = props.node_text(el) or None
    loader.secure = props.tristate(el, "secure")
    loader.stateless = props.tristate(el, "stateless")
    loader.format = _nvram_format(el, "format", "loader")


# --- devices ------------------------------------------------------------------


def _read_devices(devices: Element, dom: Domain) -> None:
    """The <devices> children, in virDomainDefParseXML's order."""
    dev = dom.devices
    misc = dev.misc
    kids = props.children_by_tag(devices)
    check_devices(len(devices.children()))
    insert_disks(dev.disks, [read_disk(el) for el in kids.get("disk", [])])
    usb_none = _read_controllers(kids, dom)
    misc.leases = misc_devices.read_leases(kids)
    misc.filesystems = misc_devices.read_filesystems(kids)
    dev.interfaces = [read_interface(el) for el in kids.get("interface", [])]
    misc.smartcards = misc_devices.read_smartcards(kids)
    for parallel in _read_chrs(kids, "parallel"):
        if parallel.target_port == -1:
            parallel.target_port = max((p.target_port for p in dev.parallels), default=-1) + 1
        dev.parallels.append(parallel)
    dev.serials = _read_chrs(kids, "serial")
    dev.consoles = _read_chrs(kids, "console")
    for index, console in enumerate(dev.consoles):
        console.target_port = index
    dev.channels = _read_chrs(kids, "channel")
    for el in kids.get("input", []):
        inp = _read_input(el)
        if inp.bus == "usb" and usb_none:
            raise ConfigUnsupported("Can't add USB input device. USB bus is disabled")
        dev.inputs.append(inp)
    dev.graphics = [read_graphics(el) for el in kids.get("graphics", [])]
    dev.sounds = [_read_sound(el) for el in kids.get("sound", [])]
    misc.audios = misc_devices.read_audios(kids)
    for el in kids.get("video", []):
        video = _read_video(el)
        # libvirt moves the first primary video to the front
        dev.videos.insert(0 if video.primary else len(dev.videos), video)
    for el in kids.get("hostdev", []):
        hostdev = read_hostdev(el)
        if hostdev.type == "usb" and hostdev.mode == "subsystem" and usb_none:
            raise ConfigUnsupported("Can't add host USB device: USB is disabled in this host")
        dev.hostdevs.append(hostdev)
        add_hostdev_scsi_controllers(dom)
    misc_devices.read_watchdogs(kids, misc)
    balloons = kids.get("memballoon", [])
    if len(balloons) > 1:
        raise InternalError("only a single memory balloon device is supported")
    if balloons:
        dev.memballoon = _read_memballoon(balloons[0])
    misc_devices.read_after_balloon(kids, misc, usb_none)
    misc_devices.read_after_launch_security(kids, misc)


def _read_controllers(kids: props.ByTag, dom: Domain) -> bool:
    """The controllers; True when USB is disabled (a USB controller of model none)."""
    usb_none = usb_other = usb_master = False
    for el in kids.get("controller", []):
        ctrl = _read_controller(el)
        if ctrl.type == "usb":
            if ctrl.model == "none":
                if usb_other or usb_none:
                    raise XMLParseError(
                        "Can't add another USB controller: USB is disabled for this domain"
                    )
                usb_none = True
            else:
                if usb_none:
                    raise XMLParseError(
                        "Can't add another USB controller: USB is disabled for this domain"
                    )
                usb_other = True
            if ctrl.info.usb_master_startport is None:
                usb_master = True
        insert_controller(dom.devices.controllers, ctrl)
    if usb_other and not usb_master:
        raise XMLParseError("No master USB controller specified")
    return usb_none


def _read_controller(el: Element) -> Controller:
    """virDomainControllerDefParseXML."""
    ctrl = Controller()
    ctrl.type = props.enum(el, "type", enums.CONTROLLER_TYPES) or "ide"
    model = el.get("model")
    if model is not None:
        if model not in enums.CONTROLLER_MODELS.get(ctrl.type, ()):
            raise ConfigUnsupported(f"Unknown model type '{model}'")
        ctrl.model = model
    index = props.int_(el, "index", nonneg=True)
    ctrl.index = -1 if index is None else index
    driver = el.find("driver")
    if driver is not None:
        _read_controller_driver(driver, ctrl.driver)
    models = el.findall("model")
    if len(models) > 1:
        raise XMLError("Multiple <model> elements in controller definition not allowed")
    if models and ctrl.type == "pci":
        ctrl.pci.model_name = props.enum(models[0], "name", enums.PCI_MODEL_NAMES)
    targets = el.findall("target")
    if len(targets) > 1:
        raise XMLError("Multiple <target> elements in controller definition not allowed")
    if targets and ctrl.type == "pci":
        props.read_attrs(targets[0], ctrl.pci, _PCI_TARGET)
    node_text = text_of(el.find("target/node"))
    numa_node = -1
    if node_text is not None:
        number = cnum.to_int(node_text)
        if number is None or number < 0:
            raise XMLError("invalid NUMA node in target")
        numa_node = number
    if not (ctrl.type == "usb" and ctrl.model == "none"):
        ctrl.info = read_device_info(el)
    ports = props.int_(el, "ports", nonneg=True)
    if ctrl.type == "virtio-serial":
        ctrl.vectors = props.int_(el, "vectors", nonneg=True)
        ctrl.ports = ports
    elif ctrl.type == "usb":
        master = _UHCI_MASTER_PORTS.get(ctrl.model or "")
        if master is not None and ctrl.info.usb_master_startport is None:
            ctrl.info.usb_master_startport = master
        ctrl.ports = ports
    elif ctrl.type == "pci":
        if ctrl.model in ("pci-root", "pcie-root"):
            hole = el.find("pcihole64")
            text = text_of(hole)
            if hole is not None and text is not None:
                size = tuning.scaled_value(text, hole.get("unit"), "./pcihole64",
                                           limit=2**64 - 1)
                ctrl.pci.pcihole64 = -(-size // 1024)
        if numa_node >= 0:
            ctrl.pci.numa_node = numa_node
    elif ctrl.type == "xenbus":
        ctrl.max_grant_frames = props.int_(el, "maxGrantFrames", nonneg=True)
        ctrl.max_event_channels = props.int_(el, "maxEventChannels", nonneg=True)
    return ctrl


_UHCI_MASTER_PORTS = {"ich9-uhci1": 0, "ich9-uhci2": 2, "ich9-uhci3": 4}
_PCI_TARGET = (
    props.spec("chassisNr", "int0+", field="chassis_nr"),
    props.spec("chassis", "int0+"),
    props.spec("port", "int0+"),
    props.spec("busNr", "int0+", field="bus_nr"),
    props.spec("hotplug", "onoff"),
    props.spec("index", "int0+", field="target_index"),
    props.spec("memReserve", "ull0+", field="mem_reserve"),
)
_CONTROLLER_DRIVER = (
    props.spec("queues", "uint"), props.spec("cmd_per_lun", "uint"),
    props.spec("max_sectors", "uint"), props.spec("ioeventfd", "onoff"),
    props.spec("iothread", "uint"),
)


def _read_controller_driver(el: Element, driver: ControllerDriver) -> None:
    props.read_attrs(el, driver, _CONTROLLER_DRIVER)
    driver.iothreads = read_iothread_mappings(el)
    driver.virtio = read_virtio_options(el)


def _read_chrs(kids: props.ByTag, tag: str) -> List[ChrDevice]:
    return [read_chr(el, tag) for el in kids.get(tag, [])]


def _read_input(el: Element) -> Input:
    input_type = el.get("type")
    bus = el.get("bus")
    model = el.get("model")
    if input_type is None:
        raise InternalError("missing input device type")
    if input_type not in enums.INPUT_TYPES:
        raise ConfigUnsupported(f"unknown input device type '{input_type}'")
    if model is not None and (model not in enums.INPUT_MODELS or model == "default"):
        raise ConfigUnsupported(f"unknown input model '{model}'")
    if bus is not None and (bus not in enums.INPUT_BUSES or bus == "default"):
        raise ConfigUnsupported(f"unknown input bus type '{bus}'")
    info = read_device_info(el)
    if bus == "usb" and info.address_type not in (None, "usb"):
        raise XMLError("Invalid address for a USB device")
    inp = Input(type=input_type, bus=bus, info=info, model=model)
    source = el.find("source")
    if source is not None:
        evdev = {"passthrough": "evdev", "evdev": "dev"}.get(input_type)
        path = source.get(evdev) if evdev else None
        inp.evdev = props.sanitize_path(path) if path is not None else None
        if evdev and inp.evdev is None:
            raise XMLError("Missing evdev path for input device")
        if input_type == "evdev":
            inp.grab = props.enum(source, "grab", enums.INPUT_GRABS, nonzero=True)
            inp.grab_toggle = props.enum(source, "grabToggle", enums.INPUT_GRAB_TOGGLES,
                                         nonzero=True)
            inp.repeat = props.switch(source, "repeat")
    inp.virtio = read_virtio_options(el.find("driver"))
    return inp


def _read_sound(el: Element) -> Sound:
    model = props.enum(el, "model", enums.SOUND_MODELS, required=True)
    assert model is not None
    sound = Sound(model=model)
    if model in ("ich6", "ich7", "ich9"):
        for codec in el.findall("codec"):
            kind = codec.get("type")
            if kind not in enums.SOUND_CODECS:
                raise ConfigUnsupported(f"unknown codec type '{kind or '(null)'}'")
            sound.codecs.append(kind)
    if model == "usb":
        sound.multichannel = props.tristate(el, "multichannel")
    if model == "virtio":
        sound.streams = props.uint(el, "streams", nonzero=True) or 0
    audio = el.find("audio")
    if audio is not None:
        sound.audio_id = props.uint(audio, "id", required=True, nonzero=True) or 0
    sound.info = read_device_info(el)
    sound.virtio = read_virtio_options(el.find("driver"))
    return sound


def _read_video(el: Element) -> Video:
    video = Video()
    model = el.find("model")
    if model is not None:
        _read_video_model(model, video)
    driver = el.find("driver")
    if driver is not None:
        video.backend = props.enum(driver, "name", enums.VIDEO_BACKENDS, nonzero=True)
        video.virtio = read_virtio_options(driver)
    video.info = read_device_info(el)
    if driver is not None:
        video.vgaconf = props.enum(driver, "vgaconf", enums.VIDEO_VGACONFS)
    return video


def _read_video_model(model: Element, video: Video) -> None:
    try:
        video.primary = props.tristate(model, "primary") is True
    except XMLError:
        video.primary = False  # libvirt ignores a bad primary attribute
    accel = model.find("acceleration")
    if accel is not None:
        rendernode = accel.get("rendernode")
        video.accel3d = props.tristate(accel, "accel3d")
        video.accel2d = props.tristate(accel, "accel2d")
        if rendernode is None and video.accel3d is None and video.accel2d is None:
            raise ConfigUnsupported("missing values for acceleration")
        video.rendernode = props.sanitize_path(rendernode) if rendernode else rendernode
        video.accel = True
    resolution = model.find("resolution")
    if resolution is not None:
        x = props.uint(resolution, "x", required=True)
        y = props.uint(resolution, "y", required=True)
        video.resolution = (x or 0, y or 0)
    video.type = props.enum(model, "type", enums.VIDEO_TYPES) or "default"
    video.ram = props.uint(model, "ram") or 0
    video.vram = props.uint(model, "vram") or 0
    video.vram64 = props.uint(model, "vram64") or 0
    video.vgamem = props.uint(model, "vgamem") or 0
    heads = props.uint(model, "heads")
    video.heads = 1 if heads is None else heads
    video.blob = props.switch(model, "blob")


def _read_memballoon(el: Element) -> Memballoon:
    model = props.enum(el, "model", enums.MEMBALLOON_MODELS, required=True)
    assert model is not None
    balloon = Memballoon(model=model)
    balloon.autodeflate = props.switch(el, "autodeflate")
    balloon.free_page_reporting = props.switch(el, "freePageReporting")
    stats = el.find("stats")
    if stats is not None:
        balloon.period = max(props.int_(stats, "period", base=0) or 0, 0)
    if model != "none":
        balloon.info = read_device_info(el)
    balloon.virtio = read_virtio_options(el.find("driver"))
    return balloon


def _read_smbios_mode(root: Element, dom: Domain) -> None:
    mode = _attr_of(root, "os/smbios", "mode")
    if not mode:
        return
    if mode not in enums.SMBIOS_MODES:
        raise ConfigUnsupported(f"unknown smbios mode '{mode}'")
    dom.os.smbios_mode = mode


def _read_xen_namespace(root: Element, dom: Domain) -> None:
    cmdline = root.find(f"{{{XEN_NAMESPACE}}}commandline")
    if cmdline is None:
        return
    for arg in cmdline.findall(f"{{{XEN_NAMESPACE}}}arg"):
        value = arg.get("value")
        if value is None:
            raise XMLError("No device model command-line argument specified")
        dom.xen_cmdline.append(value)


# --- small helpers -------------------------------------------------------------


def _attr_of(el: Element, tag: str, attr: str) -> Optional[str]:
    child = el.find(tag)
    return child.get(attr) if child is not None else None


def _local_name(el: Element) -> str:
    return el.tag.rsplit("}", 1)[-1]
