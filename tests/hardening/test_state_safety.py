"""The config store and the simulated host's state survive kills, races,
a full disk and damaged files.

CLI processes are forked from a warm server (tests/hardening/forkserver.py)
so that hundreds of them fit in CI's time: each is a real process running
``xenvirsh ARGS``, killed with SIGKILL at a random point of its work.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Set, Tuple

import pytest

from xenvirsh.drivers.simulated import STATE_FILE, SimulatedHypervisor
from xenvirsh.formats.domxml import parse_domain_xml
from xenvirsh.host import TEST_HOST
from xenvirsh.store import ConfigStore

FORKSERVER = Path(__file__).with_name("forkserver.py")
UUID = "5d6f3a0e-6b8c-4f7e-9d1a-2c3b4a5d6e7f"
NOBODY = 65534


def domain_xml(name: str, uuid: str, memory: int) -> str:
    return (f"<domain type='xen'><name>{name}</name><uuid>{uuid}</uuid>"
            f"<memory>{memory}</memory><os><type>linux</type><kernel>/boot/vmlinuz</kernel>"
            "</os><devices><disk type='file'><source file='/var/lib/xen/disk.img'/>"
            "<target dev='xvda'/></disk></devices></domain>\n")


class ForkServer:
    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, str(FORKSERVER)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)

    def _ask(self, request: Dict[str, Any]) -> Dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        reply: Dict[str, Any] = json.loads(self.proc.stdout.readline())
        return reply

    def run(self, state: Path, *args: str, kill_after: Optional[float] = None,
            uid: Optional[int] = None) -> Dict[str, Any]:
        return self._ask({"run": ["-c", "test:///default", "-q", *args],
                          "env": {"XENVIRSH_TEST_STATE": str(state)},
                          "kill_after": kill_after, "uid": uid})

    def many(self, state: Path, commands: List[List[str]]) -> List[Dict[str, Any]]:
        reply = self._ask({"many": [["-c", "test:///default", "-q", *c] for c in commands],
                           "env": {"XENVIRSH_TEST_STATE": str(state)}})
        results: List[Dict[str, Any]] = reply["results"]
        return results

    def close(self) -> None:
        self.proc.communicate(timeout=30)  # closes both pipes and waits


@pytest.fixture(scope="module")
def server() -> Iterator[ForkServer]:
    forks = ForkServer()
    yield forks
    forks.close()


@dataclass(frozen=True)
class Snapshot:
    definition: Optional[bytes]  # the stored XML of the domain, if defined
    running: bool


def snapshot(state: Path, name: str) -> Snapshot:
    """What the store and the hypervisor say, read the way xenvirsh reads
    them: any damage fails the test."""
    store = ConfigStore(state / "domains")
    for other in store.names():
        stored = store.load(other)
        assert stored is not None
        assert parse_domain_xml(stored, TEST_HOST).name == other
    running = [d for d in SimulatedHypervisor(state).list_running() if d.name == name]
    assert len(running) <= 1
    return Snapshot(store.load(name), bool(running))


def error(result: Dict[str, Any]) -> str:
    """The reason a command failed: the last of virsh's error lines (the first
    may say what failed, as 'error: Failed to define domain from FILE')."""
    lines = str(result["err"]).splitlines()
    assert result["status"] == 1 and lines and all(line.startswith("error: ")
                                                   for line in lines), result
    return lines[-1]


def _clean_run(server: ForkServer, state: Path, *args: str) -> float:
    result = server.run(state, *args)
    assert (result["status"], result["err"]) == (0, ""), result
    seconds: float = result["seconds"]
    return seconds


def _next_operation(before: Snapshot, kills: Dict[str, int],
                    rng: random.Random) -> Tuple[str, bool]:
    """The operation killed least often so far, or else an undisturbed step
    towards a state where it can run; and whether to kill it."""
    wanted = min(kills, key=lambda op: (kills[op], rng.random()))
    if wanted == "define" or before.definition is None:
        op = "define"
    elif before.running:
        op = "destroy"
    else:
        op = "start" if wanted == "destroy" else wanted
    return op, op == wanted


def test_sigkill_at_random_points_leaves_the_old_or_the_new_state(
        server: ForkServer, tmp_path: Path) -> None:
    state = tmp_path / "state"
    files = []
    for memory in (111104, 222208):
        path = tmp_path / f"v{memory}.xml"
        path.write_text(domain_xml("victim", UUID, memory))
        files.append(str(path))
    # each operation undisturbed, three times: its shortest duration, and the
    # definitions it stores
    runs: Dict[str, List[float]] = {"define": [], "start": [], "destroy": [], "undefine": []}
    stored: List[Optional[bytes]] = [None, None]
    for _ in range(3):
        for version in (1, 0):
            runs["define"].append(_clean_run(server, state, "define", files[version]))
            stored[version] = snapshot(state, "victim").definition
        for op in ("start", "destroy", "undefine"):
            runs[op].append(_clean_run(server, state, op, "victim"))
    seconds = {op: min(times) for op, times in runs.items()}

    rng = random.Random(20240611)
    kills = {"define": 0, "start": 0, "destroy": 0, "undefine": 0}
    outcomes: Dict[str, Set[str]] = {op: set() for op in kills}  # "old", "new" after kills
    for _ in range(2000):
        # the window after a write (its directory's fsync, the exit) can be a
        # few percent of a command: go on until kills have landed on both sides
        if min(kills.values()) >= 50 and all(len(seen) == 2 for seen in outcomes.values()):
            break
        before = snapshot(state, "victim")
        (op, kill), version = _next_operation(before, kills, rng), rng.randrange(2)
        args = ["define", files[version]] if op == "define" else [op, "victim"]
        after = {
            "define": Snapshot(stored[version], before.running),
            "start": Snapshot(before.definition, True),
            "destroy": Snapshot(before.definition, False),
            "undefine": Snapshot(None, before.running),
        }[op]
        delay = rng.uniform(0, 1.1 * seconds[op]) if kill else None
        result = server.run(state, *args, kill_after=delay)
        now = snapshot(state, "victim")
        assert now in (before, after), (op, result)
        if result["killed"]:
            kills[op] += 1
            if before != after:
                outcomes[op].add("new" if now == after else "old")
        else:
            assert (result["status"], now) == (0, after), (op, result)
    assert min(kills.values()) >= 50, kills
    # the kills landed before and after each operation's write
    assert outcomes == {op: {"old", "new"} for op in kills}, outcomes
    # the state is still usable: every command works on it
    server.run(state, "destroy", "victim")
    for args in (["define", files[0]], ["start", "victim"], ["destroy", "victim"],
                 ["undefine", "victim"], ["list", "--all"]):
        assert server.run(state, *args)["status"] == 0, args
    # and the next write of each file removed what killed writers left behind
    assert sorted(state.rglob("*.tmp")) == []


def test_fifty_processes_define_undefine_start_destroy_at_once(
        server: ForkServer, tmp_path: Path) -> None:
    state = tmp_path / "state"
    names = [f"race{i}" for i in range(5)]
    files: List[Tuple[str, str]] = []
    for index, name in enumerate(names):
        uuid = f"{UUID[:-2]}{index:02d}"
        versions = []
        for memory in (131072, 262144):
            path = tmp_path / f"{name}-{memory}.xml"
            path.write_text(domain_xml(name, uuid, memory))
            versions.append(str(path))
        files.append((versions[0], versions[1]))
        _clean_run(server, state, "define", versions[0])
    rng = random.Random(7)
    commands = []
    for _ in range(50):
        index = rng.randrange(len(names))
        op = rng.choice(["define", "undefine", "start", "destroy"])
        target = files[index][rng.randrange(2)] if op == "define" else names[index]
        commands.append([op, target])
    results = server.many(state, commands)
    for command, result in zip(commands, results):
        # refusals (already running, not running, no such domain) are fine;
        # anything that is not xenvirsh's one-line error is not
        assert result["status"] in (0, 1), (command, result)
        assert result["err"] == "" or (result["err"].startswith("error: ")
                                       and "XENVIRSH_DEBUG" not in result["err"]), result
    starts = [r["status"] for c, r in zip(commands, results) if c[0] == "start"]
    state_file = state / STATE_FILE
    next_domid = json.loads(state_file.read_text())["next_domid"] if state_file.exists() else 1
    # no start was lost: each took its own domain id (a start may still fail
    # after that, when a racing destroy or undefine removed the domain again)
    assert starts.count(0) <= next_domid - 1 <= len(starts)
    for name in names:
        snapshot(state, name)
    assert server.run(state, "list", "--all")["status"] == 0
    leftovers = [p.name for p in (state / "domains").iterdir() if p.suffix == ".tmp"]
    assert leftovers == []


@pytest.fixture
def small_disk() -> Iterator[Path]:
    """A 256 KiB tmpfs, mounted for the test (CI runs as root)."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root")
    mountpoint = Path(tempfile.mkdtemp(prefix="xenvirsh-full-"))
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs",
                              str(mountpoint)], capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        mountpoint.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", str(mountpoint)], check=True)
        mountpoint.rmdir()


def _fill(directory: Path) -> None:
    fd = os.open(directory / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError:  # ENOSPC: every page is taken
        pass
    finally:
        os.close(fd)


def test_a_full_disk_fails_cleanly_and_keeps_the_old_state(
        server: ForkServer, small_disk: Path, tmp_path: Path) -> None:
    state = small_disk / "state"
    old, new = tmp_path / "old.xml", tmp_path / "new.xml"
    old.write_text(domain_xml("full", UUID, 131072))
    new.write_text(domain_xml("full", UUID, 262144).replace(
        "</devices>", "<description>" + "x" * 8192 + "</description></devices>"))
    _clean_run(server, state, "define", str(old))
    _clean_run(server, state, "start", "full")
    before = snapshot(state, "full")
    state_file = (state / STATE_FILE).read_bytes()
    _fill(small_disk)
    assert error(server.run(state, "define", str(new))) == (
        f"error: cannot write '{state / 'domains' / 'full.xml'}': No space left on device")
    assert error(server.run(state, "destroy", "full")) == (
        f"error: cannot write '{state / STATE_FILE}': No space left on device")
    assert snapshot(state, "full") == before
    assert (state / STATE_FILE).read_bytes() == state_file
    assert [p.name for p in (state / "domains").iterdir() if p.suffix == ".tmp"] == []
    (small_disk / "filler").unlink()
    assert server.run(state, "destroy", "full")["status"] == 0


def test_a_definition_that_is_not_xml_is_named_and_kept(
        server: ForkServer, tmp_path: Path) -> None:
    state = tmp_path / "state"
    good = tmp_path / "good.xml"
    good.write_text(domain_xml("good", UUID, 131072))
    _clean_run(server, state, "define", str(good))
    broken = state / "domains" / "broken.xml"
    broken.write_bytes(b"this is not XML\n")
    for args in (["list", "--all"], ["define", str(good)], ["dominfo", "good"]):
        assert error(server.run(state, *args)).startswith(
            f"error: operation failed: cannot load definition '{broken}': "), args
    assert broken.read_bytes() == b"this is not XML\n"


@pytest.mark.parametrize("content", [b"{not json", b"[]", b'{"next_domid": 1}',
                                     b'{"next_domid": 1, "domains": {"1": "x"}}',
                                     b'{"next_domid": 2, "domains": {"1": {"name": "a"}}}'])
def test_a_damaged_state_file_is_named_and_kept(
        server: ForkServer, tmp_path: Path, content: bytes) -> None:
    state = tmp_path / "state"
    state.mkdir()
    (state / STATE_FILE).write_bytes(content)
    for args in (["list", "--all"], ["start", "nothing"], ["destroy", "1"]):
        message = error(server.run(state, *args))
        assert message.startswith(f"error: state file '{state / STATE_FILE}' is corrupted ("), args
        assert message.endswith("); move it away to start from an empty host")
    assert (state / STATE_FILE).read_bytes() == content


@pytest.fixture
def nobody_state() -> Iterator[Path]:
    """A state directory that the user nobody owns, outside root's private tmp."""
    if os.geteuid() != 0:
        pytest.skip("changing to the user nobody needs root")
    top = Path(tempfile.mkdtemp(prefix="xenvirsh-perm-"))
    top.chmod(0o755)
    state = top / "state"
    state.mkdir()
    os.chown(state, NOBODY, NOBODY)
    try:
        yield state
    finally:
        shutil.rmtree(top)


def test_permission_denied_is_named_and_nothing_is_overwritten(
        server: ForkServer, nobody_state: Path) -> None:
    state = nobody_state
    xml = state.parent / "guest.xml"
    xml.write_text(domain_xml("locked", UUID, 131072))
    xml.chmod(0o644)
    for args in (["define", str(xml)], ["start", "locked"]):
        result = server.run(state, *args, uid=NOBODY)
        assert (result["status"], result["err"]) == (0, ""), result
    definition = state / "domains" / "locked.xml"
    saved = definition.read_bytes()
    definition.chmod(0)
    assert error(server.run(state, "define", str(xml), uid=NOBODY)) == (
        f"error: cannot read definition '{definition}': Permission denied")
    definition.chmod(0o600)
    state_file = state / STATE_FILE
    running = state_file.read_bytes()
    state_file.chmod(0)
    assert error(server.run(state, "destroy", "locked", uid=NOBODY)) == (
        f"error: cannot read state file '{state_file}': Permission denied")
    state_file.chmod(0o600)
    assert definition.read_bytes() == saved and state_file.read_bytes() == running
