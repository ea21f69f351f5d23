"""What a hypervisor driver provides, and the facts it reports.

The :class:`~xenvirsh.connection.Connection` does everything virsh's commands
need (lookups, the config store, building the libxl config, messages) the same
way for every driver; a driver only answers the calls that need a hypervisor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Protocol

from xenvirsh.host import Host

# the userdata key under which xenvirsh keeps a running domain's definition
MARKER = "xenvirsh-xml"


@dataclass
class RunningDomain:
    """One domain the hypervisor runs (Domain-0 included)."""

    domid: int
    name: str
    uuid: str
    os_type: str  # hvm, xen, xenpvh
    state: str  # running, idle, paused, in shutdown, crashed, pmsuspended
    reason: str  # virsh's state reason, e.g. booted, user, unknown
    max_memkb: int
    current_memkb: int
    vcpus: int
    cpu_time_ns: int
    # the domain XML xenvirsh stored when it started the domain; None when the
    # domain was started by another toolstack (xl, libvirt)
    marker: Optional[str] = None
    # why a domain in shutdown stopped: poweroff, reboot, crash, suspend
    shutdown_reason: Optional[str] = None


@dataclass(frozen=True)
class NodeInfo:
    model: str
    memory_kib: int
    cpus: int
    mhz: int
    nodes: int
    sockets: int
    cores: int
    threads: int


class Hypervisor(Protocol):
    """The hypervisor calls; everything else is shared code."""

    @property
    def host(self) -> Host: ...

    # True when a guest's shutdown is reported by the call that asked for it
    # (the simulated host), so that the connection applies the lifecycle
    # action itself instead of a monitor process
    immediate_shutdown: bool

    def list_running(self) -> List[RunningDomain]: ...

    def start(self, name: str, uuid: str, config_json: str, marker: str,
              paused: bool) -> int: ...

    def destroy(self, domid: int) -> None: ...

    def pause(self, domid: int) -> None: ...

    def unpause(self, domid: int) -> None: ...

    def shutdown(self, domid: int, *, paravirt: bool = True, acpi: bool = True) -> None: ...

    def reboot(self, domid: int) -> None: ...

    def rename(self, domid: int, new_name: str) -> None: ...

    def core_dump(self, domid: int, path: str) -> None: ...

    def set_memory(self, domid: int, kib: int) -> None: ...

    def set_max_memory(self, domid: int, kib: int) -> None: ...

    def set_vcpus(self, domid: int, count: int) -> None: ...

    def update_marker(self, domid: int, marker: str) -> None: ...

    def console_path(self, domid: int, devname: Optional[str]) -> str: ...

    def node_info(self) -> NodeInfo: ...

    def hypervisor_version(self) -> str: ...
