"""xen:///system: the hypervisor calls through libxl (``libxl_shim``).

Each call opens nothing new: one libxl context serves the whole command. A
domain xenvirsh starts carries its domain XML as libxl userdata
(``xenvirsh-xml``); that is how ``list`` tells xenvirsh's domains from those
``xl`` or libvirt started, and how a later command finds a running domain's
definition. After a start, a monitor process (:mod:`xenvirsh.monitor`) waits
for the guest to shut down and carries out its lifecycle action.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import os
import re
from typing import Any, Iterator, List, Optional

import libxl_shim
from xenvirsh.drivers.base import MARKER, NodeInfo, RunningDomain
from xenvirsh.errors import (
    InternalError,
    OperationFailed,
    OperationInvalid,
    XenvirshError,
)
from xenvirsh.host import TEST_HOST, GuestCaps, Host, HostCPU

LOG_DIR = "/var/log/xenvirsh"
XL_LOCK_FILE = "/var/lock/xl"  # xl.conf's default lockfile
_OS_TYPES = {libxl_shim.DomainType.HVM: "hvm", libxl_shim.DomainType.PV: "xen",
             libxl_shim.DomainType.PVH: "xenpvh"}
# libxl shutdown reasons by the names lifecycle actions use
SHUTDOWN_REASONS = {
    libxl_shim.ShutdownReason.POWEROFF: "poweroff",
    libxl_shim.ShutdownReason.REBOOT: "reboot",
    libxl_shim.ShutdownReason.CRASH: "crash",
    libxl_shim.ShutdownReason.WATCHDOG: "crash",
    libxl_shim.ShutdownReason.SUSPEND: "suspend",
}


def _translate(err: libxl_shim.ShimError, what: str) -> XenvirshError:
    """libxl's failures in libvirt's words, with the lines libxl logged."""
    if isinstance(err, libxl_shim.DomainNotFound):
        return OperationInvalid("domain is not running")
    detail = str(err)
    return InternalError(f"{what}: {detail}")


class LibxlHypervisor:
    """The hypervisor of this Dom0."""

    immediate_shutdown = False

    def __init__(self, context: Any) -> None:
        self.context = context
        self._host: Optional[Host] = None

    @classmethod
    def open(cls) -> LibxlHypervisor:
        problem = libxl_shim.dom0_problem()
        if problem:
            raise XenvirshError(
                f"cannot connect to xen:///system: {problem}; on a machine without Xen use "
                "test:///default, or xen+ssh://host/system for another host")
        try:
            os.makedirs(LOG_DIR, mode=0o700, exist_ok=True)
            return cls(libxl_shim.Context(log_path=os.path.join(LOG_DIR, "libxl.log")))
        except libxl_shim.ShimError as err:
            raise XenvirshError(f"cannot connect to xen:///system: {err}") from None
        except OSError as err:
            raise XenvirshError(
                f"cannot connect to xen:///system: {LOG_DIR}: {err.strerror}") from None

    # --- the host ------------------------------------------------------------

    @property
    def host(self) -> Host:
        if self._host is None:
            self._host = _describe_host(self.context)
        return self._host

    def node_info(self) -> NodeInfo:
        phys = self.context.physinfo()
        pagesize = self.context.version_info().pagesize
        per_socket = max(phys.threads_per_core * phys.cores_per_socket, 1)
        return NodeInfo(
            model="x86_64", memory_kib=phys.total_pages * pagesize // 1024,
            cpus=phys.nr_cpus, mhz=phys.cpu_khz // 1000, nodes=phys.nr_nodes,
            sockets=max(phys.nr_cpus // per_socket // max(phys.nr_nodes, 1), 1),
            cores=phys.cores_per_socket, threads=phys.threads_per_core)

    def hypervisor_version(self) -> str:
        info = self.context.version_info()
        extra = info.xen_version_extra.lstrip(".")
        micro = "".join(c for c in extra.split("-", 1)[0] if c.isdigit()) or "0"
        return f"{info.xen_version_major}.{info.xen_version_minor}.{micro}"

    # --- domains -------------------------------------------------------------

    def list_running(self) -> List[RunningDomain]:
        domains = []
        for info in self.context.list_domains():
            name = self.context.domain_name(info.domid)
            if name is None:  # gone while we looked
                continue
            domains.append(_running(info, name, self._marker(info.domid)))
        return domains

    def _marker(self, domid: int) -> Optional[str]:
        if domid == 0:
            return None
        try:
            data = self.context.userdata_retrieve(domid, MARKER)
        except libxl_shim.ShimError:
            return None
        return data.decode("utf-8", "replace") if data else None

    def start(self, name: str, uuid: str, config_json: str, marker: str,
              paused: bool) -> int:
        del uuid  # carried by the JSON itself
        # libxl's check that the name is free and its creation of the domain
        # are not atomic: two creates at once would make two domains of one
        # name. xl holds its lock file across both; so does xenvirsh, the same
        # file, so that xl and xenvirsh exclude each other too.
        with _xl_lock():
            try:
                self.context.domid_by_name(name)
            except libxl_shim.DomainNotFound:
                pass
            except libxl_shim.ShimError as err:
                raise InternalError(f"cannot look up domain '{name}': {err}") from None
            else:
                raise OperationInvalid(f"domain '{name}' is already active")
            try:
                domid = int(self.context.create_domain(config_json, paused=paused))
            except libxl_shim.ShimError as err:
                raise InternalError(
                    f"libxenlight failed to create new domain '{name}': {err}") from None
        try:
            self.context.userdata_store(domid, MARKER, marker.encode())
        except libxl_shim.ShimError as err:
            self._destroy_quietly(domid)
            raise InternalError(f"cannot record domain '{name}' with libxl: {err}") from None
        from xenvirsh.monitor import spawn_monitor

        spawn_monitor(name, domid)
        return domid

    def _destroy_quietly(self, domid: int) -> None:
        try:
            self.context.destroy_domain(domid)
        except libxl_shim.ShimError:
            pass

    def destroy(self, domid: int) -> None:
        self._do("Failed to destroy domain", self.context.destroy_domain, domid)

    def pause(self, domid: int) -> None:
        self._do("Failed to suspend domain", self.context.pause_domain, domid)

    def unpause(self, domid: int) -> None:
        self._do("Failed to resume domain", self.context.unpause_domain, domid)

    def shutdown(self, domid: int, *, paravirt: bool = True, acpi: bool = True) -> None:
        """A PV shutdown request, else the ACPI power button (as ``xl shutdown -F``)."""
        if paravirt:
            try:
                self.context.shutdown_domain(domid)
                return
            except libxl_shim.NoParavirt:
                if not acpi:
                    raise OperationFailed(
                        f"domain {domid} has no PV drivers: graceful shutdown is not "
                        "possible; try --mode acpi, or destroy it") from None
            except libxl_shim.ShimError as err:
                raise _translate(err, f"Failed to shutdown domain '{domid}' with "
                                      "libxenlight") from None
        self._do(f"Failed to shutdown domain '{domid}' with libxenlight",
                 self.context.send_trigger, domid, libxl_shim.Trigger.POWER)

    def reboot(self, domid: int) -> None:
        self._do(f"Failed to reboot domain '{domid}' with libxenlight",
                 self.context.reboot_domain, domid)

    def rename(self, domid: int, new_name: str) -> None:
        self._do(f"Failed to rename domain '{domid}'", self.context.rename_domain, domid,
                 new_name)

    def core_dump(self, domid: int, path: str) -> None:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        self._do("Failed to dump core of domain", self.context.core_dump, domid, path)

    def set_memory(self, domid: int, kib: int) -> None:
        self._do(f"Failed to set memory for domain '{domid}' with libxenlight",
                 self.context.set_memory_target, domid, kib)

    def set_max_memory(self, domid: int, kib: int) -> None:
        self._do(f"Failed to set maximum memory for domain '{domid}' with libxenlight",
                 self.context.set_max_memory, domid, kib)

    def set_vcpus(self, domid: int, count: int) -> None:
        self._do(f"Failed to set vcpus for domain '{domid}' with libxenlight",
                 self.context.set_vcpus_online, domid, count)

    def update_marker(self, domid: int, marker: str) -> None:
        self._do("Failed to update the domain's definition",
                 self.context.userdata_store, domid, MARKER, marker.encode())

    def console_path(self, domid: int, devname: Optional[str]) -> str:
        """The pty of the guest's console: the primary one, or serialN/consoleN."""
        # before Xen 4.14 the pty shows up in xenstore a little after creation
        wait = 5.0
        try:
            if devname is None:
                return str(self.context.primary_console_tty(domid, wait=wait))
            match = re.fullmatch(r"(serial|console)(\d+)", devname)
            if match is None:
                raise ValueError(devname)
            kind = (libxl_shim.ConsoleType.SERIAL if match.group(1) == "serial"
                    else libxl_shim.ConsoleType.PV)
            return str(self.context.console_tty(domid, int(match.group(2)), kind, wait=wait))
        except ValueError:
            raise XenvirshError(f"invalid argument: cannot find character device {devname}") \
                from None
        except libxl_shim.ShimError as err:
            raise _translate(err, "cannot find the console of the domain") from None

    def _do(self, what: str, call: Any, *args: Any) -> None:
        try:
            call(*args)
        except libxl_shim.ShimError as err:
            raise _translate(err, what) from None


@contextlib.contextmanager
def _xl_lock() -> Iterator[None]:
    """xl's lock (``lockfile`` of xl.conf(5)): a POSIX write lock, as xl takes it."""
    try:
        fd = os.open(XL_LOCK_FILE, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError as err:
        raise InternalError(f"cannot open the lock file {XL_LOCK_FILE}: {err.strerror}") \
            from None
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _running(info: Any, name: str, marker: Optional[str]) -> RunningDomain:
    state, reason = _state_of(info, owned=marker is not None)
    return RunningDomain(
        domid=info.domid, name=name, uuid=info.uuid,
        os_type=_OS_TYPES.get(info.domain_type, "xen"), state=state, reason=reason,
        max_memkb=info.max_memkb, current_memkb=info.current_memkb + info.outstanding_memkb,
        vcpus=info.vcpu_online, cpu_time_ns=info.cpu_time, marker=marker,
        shutdown_reason=SHUTDOWN_REASONS.get(info.shutdown_reason) if info.shutdown else None,
    )


def _state_of(info: Any, owned: bool) -> tuple[str, str]:
    """libxl_dominfo flags as virsh states (LIBXL.md §9).

    A guest that is neither paused nor shut down is "running", whatever its
    vCPUs do at the moment (the r and b of ``xl list``), as libvirt's libxl
    driver reports it: an idle guest is blocked most of the time. The reasons
    are libvirt's too: "booted" for a guest xenvirsh started, "unknown" for one
    found running (libvirt's reconnect), "user" for one xenvirsh paused.
    """
    if info.shutdown:
        if info.shutdown_reason == libxl_shim.ShutdownReason.CRASH:
            return "crashed", "panicked"
        if info.shutdown_reason == libxl_shim.ShutdownReason.SUSPEND:
            return "pmsuspended", "unknown"
        return "in shutdown", "user" if owned else "unknown"
    if info.dying:
        return "in shutdown", "unknown"
    if info.paused:
        return "paused", "user" if owned else "unknown"
    return "running", "booted" if owned else "unknown"


def _first_existing(patterns: List[str]) -> Optional[str]:
    for pattern in patterns:
        for path in sorted(glob.glob(pattern), reverse=True):
            if os.path.exists(path):
                return path
    return None


def _vnc_port_free(port: int) -> bool:
    """Whether a VNC server could listen on ``port`` (libvirt's port allocator binds)."""
    import socket  # only a start with VNC needs it: its enums cost every command

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("0.0.0.0", port))
        except OSError:
            return False
    return True


def _describe_host(context: Any) -> Host:
    """This Dom0 as libvirt's libxl driver describes it (libxlMakeCapabilities)."""
    phys = context.physinfo()
    emulator = _first_existing(["/usr/lib/xen-*/bin/qemu-system-i386",
                                "/usr/lib/xen/bin/qemu-system-i386",
                                "/usr/bin/qemu-system-i386"]) or TEST_HOST.guests[0].emulator
    loader = _first_existing(["/usr/lib/xen-*/boot/hvmloader",
                              "/usr/lib/xen/boot/hvmloader"])
    firmware_dir = os.path.dirname(loader) if loader else TEST_HOST.firmware_dir
    guests = []
    if phys.cap_hvm:
        guests.append(GuestCaps("hvm", "x86_64", 64, emulator,
                                loader or f"{firmware_dir}/hvmloader", ("xenfv",)))
    if phys.cap_pv:
        guests.append(GuestCaps("xen", "x86_64", 64, emulator, None, ("xenpv",)))
    if phys.cap_hvm:
        guests.append(GuestCaps("xenpvh", "x86_64", 64, emulator, None, ("xenpvh",)))
    # hw_cap words: [1] is CPUID.1:ECX (vmx is bit 5), [3] CPUID.80000001h:ECX (svm, bit 2)
    features = []
    if len(phys.hw_cap) > 1 and phys.hw_cap[1] & (1 << 5):
        features.append("vmx")
    if len(phys.hw_cap) > 3 and phys.hw_cap[3] & (1 << 2):
        features.append("svm")
    cpu = HostCPU(arch="x86_64", model="host", vendor="", features=tuple(features),
                  sockets=1, cores=phys.cores_per_socket, threads=phys.threads_per_core)
    return Host(arch="x86_64", cpu=cpu, guests=tuple(guests), firmware_dir=firmware_dir,
                execbin_dir=os.path.dirname(emulator), nested_hvm=False,
                channel_dir="/var/lib/xenvirsh/channel",
                shadow_memory=context.required_shadow_memory,
                vnc_port_free=_vnc_port_free, max_cpus=phys.max_cpu_id + 1,
                numa_nodes=phys.nr_nodes)
