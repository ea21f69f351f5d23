"""test:///default: a simulated Xen host whose hypervisor lives in a state file.

Only the hypervisor is simulated: the connection, the config store and the
libxl config built for a start are the same code as on real Xen. The
simulated hypervisor reads the libxl JSON it is handed, as libxl would, and
keeps its running domains in ``hypervisor.json`` in the state directory
(``$XENVIRSH_TEST_STATE``, else ``$XDG_STATE_HOME/xenvirsh/test``). Its host
is libvirt's Xen test host.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

from xenvirsh.drivers.base import NodeInfo, RunningDomain
from xenvirsh.errors import OperationFailed, OperationInvalid, OperationUnsupported, SystemError_
from xenvirsh.host import TEST_HOST, Host
from xenvirsh.store import atomic_write, lock_file

STATE_FILE = "hypervisor.json"
LOCK_FILE = ".hypervisor.lock"
DOM0_UUID = "00000000-0000-0000-0000-000000000000"
DOM0_MEMKB = 1048576

NODE = NodeInfo(model="x86_64", memory_kib=8388608, cpus=2, mhz=2400, nodes=1,
                sockets=1, cores=2, threads=1)

State = Dict[str, Any]


def state_directory(environ: Any = os.environ) -> Path:
    override = environ.get("XENVIRSH_TEST_STATE")
    if override:
        return Path(override)
    base = environ.get("XDG_STATE_HOME") or os.path.join(
        environ.get("HOME") or os.path.expanduser("~"), ".local", "state")
    return Path(base) / "xenvirsh" / "test"


class SimulatedHypervisor:
    """The hypervisor calls of test:///default."""

    # a simulated guest obeys a shutdown request at once
    immediate_shutdown = True

    def __init__(self, directory: Path, host: Host = TEST_HOST) -> None:
        self.directory = directory
        self._host = host

    @property
    def host(self) -> Host:
        return self._host

    def list_running(self) -> List[RunningDomain]:
        with self._state() as state:
            domains = [_dom0(state.get("dom0", {}))]
            domains += [_running(int(domid), entry)
                        for domid, entry in sorted(state["domains"].items(),
                                                   key=lambda item: int(item[0]))]
        return domains

    def start(self, name: str, uuid: str, config_json: str, marker: str,
              paused: bool) -> int:
        config = json.loads(config_json)
        b_info = config.get("b_info", {})
        with self._state(write=True) as state:
            if any(e["name"] == name for e in state["domains"].values()):
                raise OperationInvalid(f"domain '{name}' is already active")
            domid = state["next_domid"]
            state["next_domid"] = domid + 1
            state["domains"][str(domid)] = {
                "name": name,
                "uuid": uuid,
                "os_type": {"pv": "xen", "pvh": "xenpvh"}.get(
                    config.get("c_info", {}).get("type", "hvm"), "hvm"),
                "state": "paused" if paused else "running",
                "reason": "user" if paused else "booted",
                "max_memkb": b_info.get("max_memkb", 0),
                "current_memkb": b_info.get("target_memkb", 0),
                "vcpus": len(b_info.get("avail_vcpus", [0])),
                "marker": marker,
            }
        return int(domid)

    def destroy(self, domid: int) -> None:
        with self._state(write=True) as state:
            state["domains"].pop(str(domid), None)

    def pause(self, domid: int) -> None:
        self._update(domid, state="paused", reason="user")

    def unpause(self, domid: int) -> None:
        self._update(domid, state="running", reason="unpaused")

    def shutdown(self, domid: int, *, paravirt: bool = True, acpi: bool = True) -> None:
        del paravirt, acpi  # a simulated guest honours either request
        self._update(domid, state="in shutdown", reason="user", shutdown_reason="poweroff")

    def reboot(self, domid: int) -> None:
        self._update(domid, state="in shutdown", reason="user", shutdown_reason="reboot")

    def crash(self, domid: int) -> None:
        """What a guest panic looks like to the toolstack (for tests and demos)."""
        self._update(domid, state="crashed", reason="panicked", shutdown_reason="crash")

    def rename(self, domid: int, new_name: str) -> None:
        self._update(domid, name=new_name, marker=None)

    def core_dump(self, domid: int, path: str) -> None:
        with self._state() as state:
            entry = self._entry(state, domid)
        dump = Path(path)
        dump.parent.mkdir(parents=True, exist_ok=True)
        # a simulated guest has no memory image: the dump records what it was
        dump.write_text(json.dumps({"simulated_core_of": entry["name"], "domid": domid}))

    def set_memory(self, domid: int, kib: int) -> None:
        self._update(domid, current_memkb=kib)

    def set_max_memory(self, domid: int, kib: int) -> None:
        self._update(domid, max_memkb=kib)

    def set_vcpus(self, domid: int, count: int) -> None:
        self._update(domid, vcpus=count)

    def update_marker(self, domid: int, marker: str) -> None:
        self._update(domid, marker=marker)

    def console_path(self, domid: int, devname: Optional[str]) -> str:
        del domid, devname
        raise OperationUnsupported("the simulated host runs no guests, so it has no consoles")

    def node_info(self) -> NodeInfo:
        return NODE

    def hypervisor_version(self) -> str:
        return "4.17.0"

    def _update(self, domid: int, **changes: Any) -> None:
        with self._state(write=True) as state:
            self._entry(state, domid).update(changes)

    @staticmethod
    def _entry(state: State, domid: int) -> Dict[str, Any]:
        if domid == 0:  # what changed of Domain-0 (memory, vCPUs), over its defaults
            dom0: Dict[str, Any] = state.setdefault("dom0", {})
            return dom0
        entry: Optional[Dict[str, Any]] = state["domains"].get(str(domid))
        if entry is None:
            raise OperationFailed(f"domain {domid} does not exist on the simulated host")
        return entry

    @contextlib.contextmanager
    def _state(self, write: bool = False) -> Iterator[State]:
        """The state under the state lock; written back atomically if ``write``."""
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as err:
            raise SystemError_(
                f"cannot use state directory '{self.directory}': {err.strerror}") from None
        with lock_file(self.directory / LOCK_FILE, exclusive=write):
            state = self._load()
            yield state
            if write:
                atomic_write(self.directory / STATE_FILE,
                              json.dumps(state, indent=1, sort_keys=True).encode())

    def _load(self) -> State:
        path = self.directory / STATE_FILE
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return {"next_domid": 1, "domains": {}}
        except OSError as err:
            raise SystemError_(f"cannot read state file '{path}': {err.strerror}") from None
        try:
            state = json.loads(raw)
            _check_state(state)
        except ValueError as err:
            raise SystemError_(f"state file '{path}' is corrupted ({err}); "
                               "move it away to start from an empty host") from None
        result: State = state
        return result


# the fields of a running domain in the state file, and their JSON types
_ENTRY_FIELDS = {"name": str, "uuid": str, "os_type": str, "state": str, "reason": str,
                 "max_memkb": int, "current_memkb": int, "vcpus": int}
_OPTIONAL_FIELDS = {"marker": str, "shutdown_reason": str}


def _check_state(state: Any) -> None:
    """ValueError naming the first thing a damaged (or hand-edited) state lacks."""
    if not isinstance(state, dict):
        raise ValueError("not a JSON object")
    if not isinstance(state.get("domains"), dict) or not isinstance(
            state.get("next_domid"), int):
        raise ValueError("missing keys")
    for domid, entry in state["domains"].items():
        if not domid.isdigit() or not isinstance(entry, dict):
            raise ValueError(f"bad entry for domain {domid!r}")
        for key, kind in _ENTRY_FIELDS.items():
            if not isinstance(entry.get(key), kind):
                raise ValueError(f"domain {domid} has no valid {key!r}")
        for key, kind in _OPTIONAL_FIELDS.items():
            if entry.get(key) is not None and not isinstance(entry[key], kind):
                raise ValueError(f"domain {domid} has no valid {key!r}")
    dom0 = state.get("dom0", {})
    if not isinstance(dom0, dict) or any(
            key not in _DOM0_FIELDS or not isinstance(value, int) for key, value in dom0.items()):
        raise ValueError("bad entry for Domain-0")


# what of Domain-0 set_memory, set_max_memory and set_vcpus change
_DOM0_FIELDS = ("max_memkb", "current_memkb", "vcpus")


def _dom0(changed: Dict[str, int]) -> RunningDomain:
    return RunningDomain(domid=0, name="Domain-0", uuid=DOM0_UUID, os_type="xen",
                         state="running", reason="booted",
                         max_memkb=changed.get("max_memkb", DOM0_MEMKB),
                         current_memkb=changed.get("current_memkb", DOM0_MEMKB),
                         vcpus=changed.get("vcpus", NODE.cpus), cpu_time_ns=0)


def _running(domid: int, entry: Dict[str, Any]) -> RunningDomain:
    return RunningDomain(
        domid=domid, name=entry["name"], uuid=entry["uuid"], os_type=entry["os_type"],
        state=entry["state"], reason=entry["reason"], max_memkb=entry["max_memkb"],
        current_memkb=entry["current_memkb"], vcpus=entry["vcpus"], cpu_time_ns=0,
        marker=entry.get("marker"), shutdown_reason=entry.get("shutdown_reason"),
    )
