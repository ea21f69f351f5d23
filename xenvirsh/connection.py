"""A connection: virsh's domain operations over a config store and a hypervisor.

This is the code every driver shares. A domain is persistent when the config
store holds its definition and active when the hypervisor runs it; the two
are matched by UUID. Domains the hypervisor runs without xenvirsh's marker
(started by ``xl`` or libvirt) are listed too, as transient domains owned by
another toolstack.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

from xenvirsh.cnum import to_int
from xenvirsh.drivers.base import Hypervisor, NodeInfo, RunningDomain
from xenvirsh.errors import (
    NoDomain,
    OperationFailed,
    OperationInvalid,
    XenvirshError,
    XMLParseError,
)
from xenvirsh.formats.domxml import format_domain, parse_domain_xml
from xenvirsh.model.domain import Domain
from xenvirsh.model.ids import parse_uuid
from xenvirsh.store import ConfigStore, atomic_write, lock_file

DOMAIN0 = "Domain-0"


class LookupFailed(XenvirshError):
    """virsh's own message when no domain matches what the user typed."""

    def __init__(self, ident: str) -> None:
        super().__init__(f"failed to get domain '{ident}'")


@dataclass
class DomainRecord:
    """What the connection knows about one domain."""

    name: str
    uuid: str
    running: Optional[RunningDomain] = None
    persistent: bool = False
    autostart: bool = False
    # 'xenvirsh' when xenvirsh started or defined it, else the other toolstack
    owner: str = "xenvirsh"

    @property
    def id(self) -> int:
        return self.running.domid if self.running else -1

    @property
    def active(self) -> bool:
        return self.running is not None


@dataclass
class DomainInfo:
    id: int
    name: str
    uuid: str
    os_type: str
    state: str
    reason: str
    vcpus: int
    cpu_time_ns: int
    max_memory_kib: int
    used_memory_kib: int
    persistent: bool
    autostart: bool
    owner: str


class Connection:
    """virsh's domain operations, for any driver."""

    def __init__(self, uri: str, hypervisor: Hypervisor, store: ConfigStore,
                 status_dir: Path) -> None:
        self.uri = uri
        self.hypervisor = hypervisor
        self.store = store
        self.status_dir = status_dir

    @property
    def host(self):  # type: ignore[no-untyped-def]
        return self.hypervisor.host

    # --- lookups -------------------------------------------------------------

    def domains(self) -> List[DomainRecord]:
        """Active domains by id, then inactive ones by name (virsh's list order)."""
        records: Dict[str, DomainRecord] = {}
        autostart = {name for name in self.store.autostart_names() if self.store.autostart(name)}
        for name, uuid in self.store.uuids(self._stored_uuid).items():
            records[uuid] = DomainRecord(name=name, uuid=uuid, persistent=True,
                                         autostart=name in autostart)
        for running in self.hypervisor.list_running():
            record = records.get(running.uuid)
            if record is not None and (record.running or record.name != running.name):
                # a renamed predecessor (rename-restart) shares the UUID
                record = None
                key = f"{running.uuid}/{running.domid}"
            else:
                key = running.uuid
            if record is None:
                owner = "xenvirsh" if running.marker is not None else (
                    "xen" if running.domid == 0 else "xl")
                # libxlAddDom0 marks Domain-0 persistent (it has no definition to lose)
                record = records[key] = DomainRecord(
                    name=running.name, uuid=running.uuid, owner=owner,
                    persistent=running.domid == 0)
            record.running = running
        active = sorted((r for r in records.values() if r.active), key=lambda r: r.id)
        inactive = sorted((r for r in records.values() if not r.active),
                          key=lambda r: r.name.lower())
        return active + inactive

    def lookup(self, ident: str, *, by_id: bool = True, by_uuid: bool = True,
               by_name: bool = True) -> DomainRecord:
        """virsh's lookup: an id, else a UUID (36 characters), else a name."""
        records = self.domains()
        # virStrToLong_i: blanks and a sign before the digits are allowed
        domid = to_int(ident) if by_id else None
        if domid is not None and domid >= 0:
            found = next((r for r in records if r.id == domid), None)
            if found:
                return found
        if by_uuid and len(ident) == 36:
            uuid = parse_uuid(ident)
            found = next((r for r in records if r.uuid == uuid), None)
            if found:
                return found
        if by_name:
            found = next((r for r in records if r.name == ident), None)
            if found:
                return found
        raise LookupFailed(ident)

    # --- definitions ---------------------------------------------------------

    def definition(self, record: DomainRecord, *, inactive: bool = False) -> Domain:
        """The domain's model: the live one when running, unless ``inactive``."""
        if record.running is not None and not inactive:
            if record.running.marker is not None:
                dom = parse_domain_xml(record.running.marker, self.host)
            else:
                dom = _foreign_domain(record.running)
            dom.id = record.running.domid
            return dom
        if record.persistent:
            stored = self._load_stored(record.name)
            if stored is not None:
                return stored
        if record.running is not None:
            return self.definition(record)
        raise NoDomain(f"no domain with matching name '{record.name}'")

    def define(self, xml: bytes) -> Domain:
        dom = parse_domain_xml(xml, self.host)
        # libxlDomainDefineXMLFlags (virXMLCheckIllegalChars): conversions take
        # such a name, a definition does not
        if "\n" in dom.name:
            raise XMLParseError("invalid char in name: 0x0a")
        with self.store.locked():
            self._check_unique(dom, allow_running_same=True)
            self.store.save(dom.name, format_domain(dom, secure=True))
        return dom

    def undefine(self, record: DomainRecord) -> None:
        _refuse_domain0(record)
        if not record.persistent:
            raise OperationInvalid("cannot undefine transient domain")
        with self.store.locked():
            self.store.delete(record.name)

    def set_autostart(self, record: DomainRecord, enabled: bool) -> None:
        _refuse_domain0(record)
        if not record.persistent:
            raise OperationInvalid("cannot set autostart for transient domain")
        with self.store.locked():
            self.store.set_autostart(record.name, enabled)

    # --- lifecycle -----------------------------------------------------------

    def create(self, xml: bytes, *, paused: bool = False) -> DomainRecord:
        """Start a domain from XML without defining it (virsh create)."""
        dom = parse_domain_xml(xml, self.host)
        with self.store.locked(exclusive=False):
            self._check_unique(dom, allow_running_same=False)
        return self.start_definition(dom, paused)

    def start(self, record: DomainRecord, *, paused: bool = False) -> DomainRecord:
        if record.active:
            raise OperationInvalid("Domain is already running")
        try:
            return self.start_definition(self.definition(record, inactive=True), paused)
        except OperationInvalid:
            raise  # another command started it meanwhile: it did not fail
        except XenvirshError:
            self.remember_shutoff(record.uuid, "failed")  # virsh: shut off (failed)
            raise

    def libxl_config(self, dom: Domain) -> str:
        """The libxl_domain_config JSON that starting ``dom`` hands to libxl."""
        from xenvirsh.formats import registry

        return registry.writer("libxl-json")(dom, self.host)

    def start_definition(self, dom: Domain, paused: bool = False) -> DomainRecord:
        """Start a domain from its model (the common end of create, start and
        a lifecycle restart)."""
        dom.id = -1
        config = self.libxl_config(dom)
        marker = format_domain(dom, secure=True)
        self.hypervisor.start(dom.name, dom.uuid, config, marker, paused)
        self._forget_shutoff(dom.uuid)
        return self.lookup(dom.name, by_id=False, by_uuid=False)

    def destroy(self, record: DomainRecord) -> None:
        _refuse_domain0(record)
        if record.running is None:
            raise OperationInvalid("domain is not running")
        self.hypervisor.destroy(record.running.domid)
        if record.persistent:  # a transient domain leaves nothing behind
            self.remember_shutoff(record.uuid, "destroyed")

    def shutdown(self, record: DomainRecord, *, modes: Tuple[str, ...] = (),
                 wait: bool = False, timeout: Optional[float] = None) -> None:
        """Ask the guest to power off (PV request, else the ACPI power button,
        as libvirt's libxl driver does); its on_poweroff action follows."""
        unsupported = [m for m in modes if m not in ("acpi", "paravirt")]
        if unsupported:
            raise XenvirshError(
                f"Operation not supported: shutdown mode '{unsupported[0]}' is not "
                "supported by Xen (use 'paravirt' or 'acpi')")
        running = self._running(record)
        self.hypervisor.shutdown(running.domid, paravirt=not modes or "paravirt" in modes,
                                 acpi=not modes or "acpi" in modes)
        self._after_request(record, running, wait, timeout)

    def reboot(self, record: DomainRecord, *, wait: bool = False,
               timeout: Optional[float] = None) -> None:
        """Ask the guest to reboot; its on_reboot action follows."""
        running = self._running(record)
        self.hypervisor.reboot(running.domid)
        self._after_request(record, running, wait, timeout)

    def _after_request(self, record: DomainRecord, running: RunningDomain, wait: bool,
                       timeout: Optional[float]) -> None:
        if self.hypervisor.immediate_shutdown:
            self.settle(record.name)
        if wait:
            self._wait_gone(running.domid, timeout)

    def settle(self, name: str) -> None:
        """Apply the lifecycle action of a domain that has shut down (what the
        monitor does on real Xen)."""
        from xenvirsh.lifecycle import handle_shutdown

        record = self.lookup(name, by_id=False, by_uuid=False)
        if record.running is not None and record.running.shutdown_reason:
            handle_shutdown(self, record, record.running.shutdown_reason)

    def _wait_gone(self, domid: int, timeout: Optional[float]) -> None:
        """Wait until the domain id is gone: shut down, or replaced by a restart."""
        import time

        deadline = None if timeout is None else time.monotonic() + timeout
        while any(r.domid == domid and r.state != "in shutdown"
                  for r in self.hypervisor.list_running()):
            if deadline is not None and time.monotonic() > deadline:
                raise OperationFailed(f"domain did not shut down within {timeout:g} seconds")
            time.sleep(0.2)

    def set_memory(self, record: DomainRecord, kib: int, *, live: bool, config: bool,
                   maximum: bool = False) -> None:
        """virsh setmem / setmaxmem with libvirt's --live/--config rules."""
        check_memory_size(kib)
        _refuse_domain0_config(record, config)
        live_def = self.definition(record) if live else None
        total = (live_def or self.definition(record, inactive=True)).memory_kib
        if not maximum and kib > total:
            raise XenvirshError("invalid argument: cannot set memory higher than max memory")
        if live_def is not None and record.running is not None:
            if maximum:
                self.hypervisor.set_max_memory(record.running.domid, kib)
                live_def.memory_kib = kib
            else:
                self.hypervisor.set_memory(record.running.domid, kib)
                live_def.current_memory_kib = kib
            self._save_live(record, live_def)
        if config:
            self._edit_persistent(record, lambda d: _set_memory(d, kib, maximum))

    def set_vcpus(self, record: DomainRecord, count: int, *, live: bool, config: bool,
                  maximum: bool = False) -> None:
        """virsh setvcpus with libvirt's rules for the libxl driver."""
        _refuse_domain0_config(record, config)  # a persistent domain with nothing stored
        if maximum and live:
            raise XenvirshError("invalid argument: invalid flag combination: (0x5)")
        if count == 0:
            raise XenvirshError("invalid argument: nvcpus is zero")
        if live and record.running is None:
            raise OperationInvalid("cannot set vcpus on an inactive domain")
        if config and not record.persistent:
            raise OperationInvalid("cannot change persistent config of a transient domain")
        limit = self.node_info().cpus if maximum else self.definition(record).vcpus_max
        if count > limit:
            raise XenvirshError("invalid argument: requested vcpus is greater than max "
                                f"allowable vcpus for the domain: {count} > {limit}")
        if live and record.running is not None:
            live_def = self.definition(record)
            self.hypervisor.set_vcpus(record.running.domid, count)
            live_def.vcpus = count
            self._save_live(record, live_def)
        if config:
            self._edit_persistent(record, lambda d: _set_vcpus(d, count, maximum))

    def console_path(self, record: DomainRecord, devname: Optional[str] = None) -> str:
        running = self._running(record)
        return self.hypervisor.console_path(running.domid, devname)

    def first_autostart_this_boot(self) -> bool:
        """True once per host boot: the marker lives in the runtime directory,
        which the host empties when it boots."""
        marker = self.status_dir / "autostarted"
        if marker.exists():
            return False
        self.status_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        marker.touch()
        return True

    def autostart_all(self) -> List[Tuple[str, Optional[XenvirshError]]]:
        """Start every inactive domain marked autostart: (name, error or None)."""
        results: List[Tuple[str, Optional[XenvirshError]]] = []
        for record in self.domains():
            if record.persistent and record.autostart and not record.active:
                try:
                    self.start(record)
                    results.append((record.name, None))
                except XenvirshError as err:
                    results.append((record.name, err))
        return results

    def dump_path(self, name: str) -> str:
        import time

        return str(self.status_dir / "dump" / f"{name}-{int(time.time())}.core")

    def _running(self, record: DomainRecord) -> RunningDomain:
        _refuse_domain0(record)
        if record.running is None:
            raise OperationInvalid("domain is not running")
        return record.running

    def _save_live(self, record: DomainRecord, dom: Domain) -> None:
        if record.running is not None and record.running.marker is not None:
            self.hypervisor.update_marker(record.running.domid, format_domain(dom, secure=True))

    def _edit_persistent(self, record: DomainRecord, change: Callable[[Domain], None]) -> None:
        if not record.persistent:
            raise OperationInvalid("cannot change persistent config of a transient domain")
        with self.store.locked():
            dom = self.definition(record, inactive=True)
            change(dom)
            self.store.save(dom.name, format_domain(dom, secure=True))

    def suspend(self, record: DomainRecord) -> None:
        _refuse_domain0(record)
        if record.running is None:
            raise OperationInvalid("domain is not running")
        self.hypervisor.pause(record.running.domid)

    def resume(self, record: DomainRecord) -> None:
        _refuse_domain0(record)
        if record.running is None:
            raise OperationInvalid("domain is not running")
        self.hypervisor.unpause(record.running.domid)

    # --- information ---------------------------------------------------------

    def info(self, record: DomainRecord) -> DomainInfo:
        state, reason = self.state(record)
        if record.running is not None:
            run = record.running
            # like virsh, the size and vCPUs of the live definition: libxl's
            # max_memkb follows the balloon target (plus a slack), and vCPUs the
            # guest has not brought online yet still count. Only a domain another
            # toolstack started is described by the hypervisor alone.
            live = self.definition(record) if run.marker is not None else None
            return DomainInfo(
                id=run.domid, name=record.name, uuid=record.uuid, os_type=run.os_type,
                state=state, reason=reason, vcpus=live.vcpus if live else run.vcpus,
                cpu_time_ns=run.cpu_time_ns,
                max_memory_kib=live.memory_kib if live else run.max_memkb,
                used_memory_kib=run.current_memkb,
                persistent=record.persistent, autostart=record.autostart, owner=record.owner,
            )
        dom = self.definition(record)
        return DomainInfo(
            id=-1, name=record.name, uuid=record.uuid, os_type=dom.os.type, state=state,
            reason=reason, vcpus=dom.vcpus, cpu_time_ns=0, max_memory_kib=dom.memory_kib,
            used_memory_kib=dom.current_memory_kib, persistent=True,
            autostart=record.autostart, owner=record.owner,
        )

    def state(self, record: DomainRecord) -> Tuple[str, str]:
        return self.states([record])[0]

    def states(self, records: List[DomainRecord]) -> List[Tuple[str, str]]:
        """The state and its reason of each record (the reasons file read once)."""
        reasons = self._shutoff_reasons() if any(not r.active for r in records) else {}
        return [(r.running.state, r.running.reason) if r.running is not None
                else ("shut off", reasons.get(r.uuid, "unknown")) for r in records]

    def node_info(self) -> NodeInfo:
        return self.hypervisor.node_info()

    # --- helpers -------------------------------------------------------------

    def _stored_uuid(self, name: str, xml: bytes) -> str:
        return self._parse_stored(name, xml).uuid

    def _load_stored(self, name: str) -> Optional[Domain]:
        xml = self.store.load(name)
        return None if xml is None else self._parse_stored(name, xml)

    def _parse_stored(self, name: str, xml: bytes) -> Domain:
        """A stored definition; a damaged file is named, and left alone for the
        user to repair or remove."""
        try:
            return parse_domain_xml(xml, self.host)
        except XenvirshError as err:
            raise OperationFailed(
                f"cannot load definition '{self.store.path(name)}': {err}") from None

    def _check_unique(self, dom: Domain, *, allow_running_same: bool) -> None:
        """libvirt's rules: one name per UUID and one UUID per name."""
        for record in self.domains():
            if record.uuid == dom.uuid and record.name != dom.name:
                raise OperationFailed(
                    f"domain '{record.name}' is already defined with uuid {record.uuid}")
            if record.name == dom.name and record.uuid != dom.uuid:
                raise OperationFailed(
                    f"domain '{dom.name}' already exists with uuid {record.uuid}")
            if record.uuid == dom.uuid and record.active and not allow_running_same:
                raise OperationInvalid(f"domain '{dom.name}' is already active")

    def _shutoff_reasons(self) -> Dict[str, str]:
        path = self.status_dir / "shutoff.json"
        try:
            reasons = json.loads(path.read_bytes())
        except (OSError, ValueError):
            return {}
        return {str(k): str(v) for k, v in reasons.items()} if isinstance(reasons, dict) else {}

    def remember_shutoff(self, uuid: str, reason: str) -> None:
        self._update_shutoff(uuid, reason)

    def _forget_shutoff(self, uuid: str) -> None:
        self._update_shutoff(uuid, None)

    def _update_shutoff(self, uuid: str, reason: Optional[str]) -> None:
        if reason is None and uuid not in self._shutoff_reasons():
            return  # the common case, without taking the lock
        self.status_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        # read-modify-write under a lock: concurrent commands would lose reasons
        with lock_file(self.status_dir / "shutoff.lock"):
            reasons = self._shutoff_reasons()
            if reason is None:
                reasons.pop(uuid, None)
            else:
                reasons[uuid] = reason
            atomic_write(self.status_dir / "shutoff.json", json.dumps(reasons).encode())


def _set_memory(dom: Domain, kib: int, maximum: bool) -> None:
    if maximum:
        dom.memory_kib = kib
        dom.current_memory_kib = min(dom.current_memory_kib, kib)
    else:
        dom.current_memory_kib = kib


def _set_vcpus(dom: Domain, count: int, maximum: bool) -> None:
    if maximum:
        dom.vcpus_max = count
        dom.vcpus = min(dom.vcpus, count)
    else:
        if count > dom.vcpus_max:
            raise XenvirshError("invalid argument: requested vcpus is greater than max "
                                f"allowable vcpus for the domain: {count} > {dom.vcpus_max}")
        dom.vcpus = count


# virMemoryMaxValue(true) / 1024 on a 64-bit host
_MEMORY_INPUT_MAX_KIB = (2**63 - 1) // 1024


def check_memory_size(kib: int) -> None:
    """virDomainSetMemoryFlags's checks, which virsh's setmem and setmaxmem
    call: a size of 0 (virCheckNonZeroArgGoto, whose message has no category),
    or one of LLONG_MAX bytes or more (virMemoryMaxValue), would make a
    definition no command can read back."""
    if kib == 0:
        raise XenvirshError("memory in virDomainSetMemoryFlags must not be zero")
    if kib >= _MEMORY_INPUT_MAX_KIB:
        raise XenvirshError(f"numerical overflow: input too large: {kib}")


def _refuse_domain0_config(record: DomainRecord, config: bool) -> None:
    if config and record.name == DOMAIN0:
        raise OperationInvalid("Domain-0 does not support requested operation")


def _refuse_domain0(record: DomainRecord) -> None:
    if record.name == DOMAIN0:
        raise OperationInvalid("Domain-0 does not support requested operation")


def _foreign_domain(run: RunningDomain) -> Domain:
    """What can be said of a domain another toolstack started."""
    dom = Domain(name=run.name, uuid=run.uuid, memory_kib=run.max_memkb,
                 current_memory_kib=run.current_memkb, vcpus_max=run.vcpus, vcpus=run.vcpus)
    dom.os.type = run.os_type
    return dom


def open_connection(uri: Optional[str] = None) -> Connection:
    """Connect to ``uri`` (default: $XENVIRSH_DEFAULT_URI, $LIBVIRT_DEFAULT_URI,
    xen:///system)."""
    import os

    from xenvirsh.uri import default_uri, parse_uri

    parsed = parse_uri(uri or default_uri())
    if parsed.driver == "test":
        from xenvirsh.drivers.simulated import SimulatedHypervisor, state_directory

        state = state_directory()
        return Connection(parsed.text, SimulatedHypervisor(state),
                          ConfigStore(state / "domains"), state / "status")
    if parsed.driver == "xen":
        from xenvirsh.drivers.libxl import LibxlHypervisor

        store = Path(os.environ.get("XENVIRSH_CONFIG_DIR") or "/etc/xenvirsh/domains")
        status = Path(os.environ.get("XENVIRSH_RUN_DIR") or "/run/xenvirsh")
        return Connection(parsed.text, LibxlHypervisor.open(), ConfigStore(store), status)
    raise XenvirshError(f"{parsed.text} is reached by running xenvirsh on that host")
