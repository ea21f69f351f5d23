"""Shut-off reasons (``virsh domstate --reason``) survive concurrent commands."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from xenvirsh.connection import Connection
from xenvirsh.drivers.simulated import SimulatedHypervisor
from xenvirsh.store import ConfigStore


def _connection(state: Path) -> Connection:
    return Connection("test:///default", SimulatedHypervisor(state),
                      ConfigStore(state / "domains"), state / "status")


def _remember(state: str, index: int) -> None:
    _connection(Path(state)).remember_shutoff(f"uuid-{index}", "destroyed")


def test_concurrent_reasons_are_all_kept(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_remember, args=(str(tmp_path), i)) for i in range(24)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
        assert worker.exitcode == 0
    reasons = _connection(tmp_path)._shutoff_reasons()
    assert reasons == {f"uuid-{i}": "destroyed" for i in range(24)}


def test_forgetting_a_reason_keeps_the_others(tmp_path: Path) -> None:
    conn = _connection(tmp_path)
    conn.remember_shutoff("a", "destroyed")
    conn.remember_shutoff("b", "failed")
    conn._forget_shutoff("a")
    conn._forget_shutoff("never-stored")
    assert conn._shutoff_reasons() == {"b": "failed"}
