"""The config store: atomic, locked, and strict about names."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import List

import pytest

from xenvirsh.errors import XMLError
from xenvirsh.store import ConfigStore, validate_name

UUIDS = [f"c7a5fdb2-cdaf-9455-926a-d65c16db18{i:02d}" for i in range(60)]


def _xml(name: str, uuid: str, memory: int = 524288) -> str:
    return (f"<domain type='xen'><name>{name}</name><uuid>{uuid}</uuid>"
            f"<memory>{memory}</memory><os><type>hvm</type></os></domain>\n")


@pytest.mark.parametrize("name,message", [
    ("", "XML error: domain name must not be empty"),
    ("a/b", "XML error: name a/b cannot contain '/'"),
    (".hidden", "XML error: name .hidden cannot start with '.'"),
])
def test_invalid_names_are_refused(name: str, message: str) -> None:
    with pytest.raises(XMLError) as err:
        validate_name(name)
    assert str(err.value) == message


def test_save_load_delete_and_permissions(tmp_path: Path) -> None:
    store = ConfigStore(tmp_path / "domains")
    with store.locked():
        store.save("guest", "<domain/>\n")
    assert store.names() == ["guest"]
    assert store.load("guest") == b"<domain/>\n"
    assert (tmp_path / "domains").stat().st_mode & 0o777 == 0o700
    with store.locked():
        store.set_autostart("guest", True)
    assert store.autostart("guest") and store.autostart_names() == ["guest"]
    with store.locked():
        store.delete("guest")
    assert store.names() == [] and not store.autostart("guest")
    assert [p.name for p in (tmp_path / "domains").iterdir() if not p.name.startswith(".")] == [
        "autostart"]


def _define(env: dict, path: Path, stderr: int = subprocess.PIPE) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "xenvirsh", "-c", "test:///default", "-q",
                             "define", str(path)], env=env, stdout=subprocess.DEVNULL,
                            stderr=stderr)


@pytest.fixture
def env(tmp_path: Path) -> dict:
    return {**os.environ, "XENVIRSH_TEST_STATE": str(tmp_path / "state")}


def test_fifty_concurrent_defines_lose_nothing(tmp_path: Path, env: dict) -> None:
    files = []
    for i in range(50):
        # 30 different domains, and 20 writers fighting over one more domain
        name, uuid = (f"g{i}", UUIDS[i]) if i < 30 else ("shared", UUIDS[59])
        path = tmp_path / f"d{i}.xml"
        path.write_text(_xml(name, uuid, memory=524288 + i))
        files.append(path)
    procs = [_define(env, f) for f in files]
    errors = [p.communicate()[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 50, errors
    store = ConfigStore(tmp_path / "state" / "domains")
    assert store.names() == sorted([f"g{i}" for i in range(30)] + ["shared"])
    for i in range(30):
        assert f"<memory unit='KiB'>{524288 + i}</memory>" in store.load(f"g{i}").decode()
    shared = store.load("shared").decode()
    assert any(f"<memory unit='KiB'>{524288 + i}</memory>" in shared for i in range(30, 50))
    assert not [p for p in (tmp_path / "state" / "domains").iterdir() if p.suffix == ".tmp"]


def test_define_killed_at_any_point_leaves_old_or_new(tmp_path: Path, env: dict) -> None:
    old, new = tmp_path / "old.xml", tmp_path / "new.xml"
    old.write_text(_xml("victim", UUIDS[0], memory=111111))
    new.write_text(_xml("victim", UUIDS[0], memory=222222))
    assert _define(env, old, subprocess.DEVNULL).wait() == 0
    store = ConfigStore(tmp_path / "state" / "domains")
    rng = random.Random(1234)
    for _ in range(25):
        proc = _define(env, new if rng.random() < 0.5 else old, subprocess.DEVNULL)
        time.sleep(rng.uniform(0.0, 0.4))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        text = store.load("victim").decode()
        assert text.endswith("</domain>\n")
        assert ("111111" in text) != ("222222" in text)
    assert store.names() == ["victim"]


# --- the UUID index ------------------------------------------------------------


class _Reader:
    """read_uuid for ConfigStore.uuids: the UUID in the test XML, and which
    definitions it was asked to read."""

    def __init__(self) -> None:
        self.read: List[str] = []

    def __call__(self, name: str, data: bytes) -> str:
        self.read.append(name)
        return data.decode().split("<uuid>")[1].split("</uuid>")[0]


def _store_with(tmp_path: Path, count: int) -> ConfigStore:
    store = ConfigStore(tmp_path / "domains")
    with store.locked():
        for i in range(count):
            store.save(f"g{i}", _xml(f"g{i}", UUIDS[i]))
    return store


def test_uuids_read_each_definition_once(tmp_path: Path) -> None:
    store = _store_with(tmp_path, 3)
    first, second = _Reader(), _Reader()
    assert store.uuids(first) == {"g0": UUIDS[0], "g1": UUIDS[1], "g2": UUIDS[2]}
    assert first.read == ["g0", "g1", "g2"]
    assert store.uuids(second) == {"g0": UUIDS[0], "g1": UUIDS[1], "g2": UUIDS[2]}
    assert second.read == []


def test_uuids_reread_what_changed(tmp_path: Path) -> None:
    store = _store_with(tmp_path, 3)
    store.uuids(_Reader())
    with store.locked():
        store.save("g1", _xml("g1", UUIDS[10]))  # redefined: a new file
        store.delete("g2")
        store.save("g9", _xml("g9", UUIDS[9]))
    reader = _Reader()
    assert store.uuids(reader) == {"g0": UUIDS[0], "g1": UUIDS[10], "g9": UUIDS[9]}
    assert reader.read == ["g1", "g9"]
    assert store.uuids(_Reader()) == {"g0": UUIDS[0], "g1": UUIDS[10], "g9": UUIDS[9]}


def test_an_edit_in_place_of_the_same_size_is_seen(tmp_path: Path) -> None:
    store = _store_with(tmp_path, 1)
    store.uuids(_Reader())
    path = store.path("g0")
    before = path.stat()
    with open(path, "r+b") as handle:  # same inode, same size
        handle.write(_xml("g0", UUIDS[5]).encode())
    assert path.stat().st_ino == before.st_ino and path.stat().st_size == before.st_size
    reader = _Reader()
    assert store.uuids(reader) == {"g0": UUIDS[5]}
    assert reader.read == ["g0"]


@pytest.mark.parametrize("content", [
    b"", b"{not json", b"[]", b'{"version": 2, "definitions": {}}',
    b'{"version": 1, "definitions": []}',
    b'{"version": 1, "definitions": {"g0": ["wrong", 1, 2]}}',
    b'{"version": 1, "definitions": {"g0": [7, 1, 2, 3, 4]}}',
])
def test_a_damaged_index_is_rebuilt(tmp_path: Path, content: bytes) -> None:
    store = _store_with(tmp_path, 2)
    (tmp_path / "domains" / ".index.json").write_bytes(content)
    reader = _Reader()
    assert store.uuids(reader) == {"g0": UUIDS[0], "g1": UUIDS[1]}
    assert reader.read == ["g0", "g1"]
    assert store.uuids(_Reader()) == {"g0": UUIDS[0], "g1": UUIDS[1]}


def test_an_entry_for_another_version_of_the_file_is_not_trusted(tmp_path: Path) -> None:
    store = _store_with(tmp_path, 1)
    status = store.path("g0").stat()
    stale = [UUIDS[7], status.st_ino, status.st_size, status.st_mtime_ns - 1,
             status.st_ctime_ns]
    (tmp_path / "domains" / ".index.json").write_text(
        json.dumps({"version": 1, "definitions": {"g0": stale}}))
    assert store.uuids(_Reader()) == {"g0": UUIDS[0]}


def test_without_a_writable_index_uuids_still_answer(tmp_path: Path) -> None:
    store = _store_with(tmp_path, 2)
    (tmp_path / "domains" / ".index.json").mkdir()  # cannot be written as a file
    for _ in range(2):
        reader = _Reader()
        assert store.uuids(reader) == {"g0": UUIDS[0], "g1": UUIDS[1]}
        assert reader.read == ["g0", "g1"]


def test_list_and_dominfo_follow_define_and_undefine(tmp_path: Path, xenvirsh, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XENVIRSH_TEST_STATE", str(tmp_path / "state"))
    for i in range(3):
        (tmp_path / f"g{i}.xml").write_text(_xml(f"g{i}", UUIDS[i]))
        assert xenvirsh("-c", "test:///default", "-q", "define", str(tmp_path / f"g{i}.xml")
                        ).status == 0
    listed = xenvirsh("-c", "test:///default", "-q", "list", "--inactive", "--uuid", "--name")
    assert listed.out == "".join(f"{UUIDS[i]} g{i}\n" for i in range(3))
    assert xenvirsh("-c", "test:///default", "-q", "undefine", "g1").status == 0
    (tmp_path / "g0.xml").write_text(_xml("g0", UUIDS[0], memory=1048576))
    assert xenvirsh("-c", "test:///default", "-q", "define", str(tmp_path / "g0.xml")
                    ).status == 0
    listed = xenvirsh("-c", "test:///default", "-q", "list", "--inactive", "--uuid", "--name")
    assert listed.out == f"{UUIDS[0]} g0\n{UUIDS[2]} g2\n"
    info = xenvirsh("-c", "test:///default", "-q", "dominfo", UUIDS[0])
    assert "Max memory:     1048576 KiB\n" in info.out
    assert xenvirsh("-c", "test:///default", "-q", "dominfo", "g1").err == (
        "error: failed to get domain 'g1'\n")
