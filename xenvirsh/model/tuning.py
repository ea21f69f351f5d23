"""Resource tuning and other domain-wide settings of the domain model.

libvirt keeps these for every domain whatever its driver; the Xen driver
uses few of them, but a definition that carries them keeps them through a
define/dumpxml round trip. Field names follow libvirt's XML; ``None`` means
absent.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple

from xenvirsh.model.bitmap import CpuSet
from xenvirsh.record import dataclass, field


@dataclass
class SecLabel:
    """A domain ``<seclabel>`` (virSecurityLabelDef)."""

    type: str = "default"  # default (not printed), none, dynamic, static
    model: Optional[str] = None
    relabel: bool = True
    label: Optional[str] = None
    imagelabel: Optional[str] = None
    baselabel: Optional[str] = None


@dataclass
class HugePage:
    size_kib: int = 0  # 0: a bare <hugepages/>, the host's default size
    nodeset: Optional[CpuSet] = None


@dataclass
class MemoryBacking:
    hugepages: Optional[List[HugePage]] = None  # None: no <hugepages>
    nosharepages: bool = False
    locked: bool = False
    source: Optional[str] = None  # anonymous, file, memfd
    access: Optional[str] = None  # shared, private
    allocation: Optional[str] = None  # immediate, ondemand
    allocation_threads: int = 0
    discard: bool = False


@dataclass
class BlkioDevice:
    path: str
    weight: int = 0
    read_iops: int = 0
    write_iops: int = 0
    read_bytes: int = 0
    write_bytes: int = 0


@dataclass
class MemTune:
    """``<memtune>`` limits in KiB; ``None`` is libvirt's "unlimited"."""

    hard_limit: Optional[int] = None
    soft_limit: Optional[int] = None
    min_guarantee: int = 0
    swap_hard_limit: Optional[int] = None


@dataclass
class ThreadSched:
    policy: str  # batch, idle, fifo, rr
    priority: int = 0


@dataclass
class IOThread:
    id: int
    pool_min: int = -1  # -1: not set
    pool_max: int = -1
    poll_max: Optional[int] = None
    poll_grow: Optional[int] = None
    poll_shrink: Optional[int] = None
    cpuset: Optional[CpuSet] = None  # <iothreadpin>
    sched: Optional[ThreadSched] = None  # <iothreadsched>
    autofill: bool = False  # made up from <iothreads>, not listed by the user


@dataclass
class MemNode:
    cellid: int
    mode: str
    nodeset: CpuSet


@dataclass
class NumaTune:
    """``<numatune>``; ``memory_mode`` is None when there is no <memory>."""

    memory_mode: Optional[str] = None  # strict, preferred, interleave, restrictive
    placement: Optional[str] = None  # static, auto
    nodeset: Optional[CpuSet] = None
    memnodes: List[MemNode] = field(default_factory=list)


@dataclass
class Resource:
    partition: Optional[str] = None
    appid: Optional[str] = None


@dataclass
class SysinfoEntry:
    name: Optional[str]  # None for <oemStrings> entries
    value: Optional[str] = None
    file: Optional[str] = None  # fwcfg only


@dataclass
class SysinfoBlock:
    """One SMBIOS table (<bios>, <system>, <baseBoard>, <chassis>, <oemStrings>)."""

    tag: str
    entries: List[SysinfoEntry] = field(default_factory=list)


@dataclass
class Sysinfo:
    type: str  # smbios, fwcfg
    blocks: List[SysinfoBlock] = field(default_factory=list)  # smbios
    entries: List[SysinfoEntry] = field(default_factory=list)  # fwcfg


@dataclass
class VcpuState:
    """One ``<vcpus><vcpu>``: libvirt's per-vCPU hotplug description."""

    online: bool = True
    hotpluggable: Optional[bool] = None
    order: int = 0


@dataclass
class Tuning:
    """The domain-wide settings libvirt keeps and the Xen driver ignores."""

    seclabels: List[SecLabel] = field(default_factory=list)
    memory_backing: MemoryBacking = field(default_factory=MemoryBacking)
    blkio_weight: int = 0
    blkio_devices: List[BlkioDevice] = field(default_factory=list)
    memtune: MemTune = field(default_factory=MemTune)
    iothreads: List[IOThread] = field(default_factory=list)
    default_iothread_min: int = -1
    default_iothread_max: int = -1
    numatune: NumaTune = field(default_factory=NumaTune)
    resource: Optional[Resource] = None
    sysinfos: List[Sysinfo] = field(default_factory=list)
    pm_s3: Optional[bool] = None
    pm_s4: Optional[bool] = None
    perf: Dict[str, bool] = field(default_factory=dict)
    on_lockfailure: Optional[str] = None
    dump_core: Optional[bool] = None
    genid: Optional[str] = None  # "" when requested without a value
    metadata: Optional[str] = None  # the <metadata> subtree, formatted
    # <idmap>: (start, target, count) for uids and gids, sorted by start
    idmap_uids: List[Tuple[int, int, int]] = field(default_factory=list)
    idmap_gids: List[Tuple[int, int, int]] = field(default_factory=list)
    keywrap: Dict[str, bool] = field(default_factory=dict)  # cipher name: state
