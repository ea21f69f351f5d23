"""The config store: atomic, locked, and strict about names."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

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
