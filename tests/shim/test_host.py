"""Naming the Dom0 precondition that is not met."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from libxl_shim import dom0_problem


def test_no_xen(tmp_path: Path) -> None:
    missing = tmp_path / "capabilities"
    assert dom0_problem(str(missing)) == f"not running on Xen ({missing} does not exist)"


def test_domu(tmp_path: Path) -> None:
    caps = tmp_path / "capabilities"
    caps.write_text("")
    assert dom0_problem(str(caps)) == f"not a Xen Dom0 ({caps} does not contain control_d)"


def test_unreadable(tmp_path: Path) -> None:
    assert dom0_problem(str(tmp_path)) == f"cannot read {tmp_path}: Is a directory"


def test_dom0(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    caps = tmp_path / "capabilities"
    caps.write_text("control_d\n")
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    assert dom0_problem(str(caps)) is None
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert dom0_problem(str(caps)) == "libxl needs root privileges (running as uid 1000)"
