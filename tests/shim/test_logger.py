"""The xentoollog file logger and the log lines attached to failures (needs libxentoollog)."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from pathlib import Path

import pytest

import libxl_shim
from libxl_shim._logger import Logger

needs_libxl = pytest.mark.skipif(ctypes.util.find_library("xenlight") is None,
                                 reason="libxenlight/libxentoollog not installed")
pytestmark = needs_libxl


def xtl_log(logger: Logger, level: int, text: str) -> None:
    """Log through the logger as libxl would (xtl_log is variadic, so no prototype)."""
    xtl = ctypes.CDLL("libxentoollog.so.1")
    xtl.xtl_log(ctypes.c_void_p(logger.handle), level, -1, b"libxl", b"%s", text.encode())


def test_file_chosen_by_caller(tmp_path: Path) -> None:
    path = tmp_path / "libxl.log"
    path.write_text("earlier line\n")
    logger = Logger(libxl_shim.get_library(), str(path), libxl_shim.LogLevel.WARN)
    try:
        mark = logger.mark()
        xtl_log(logger, libxl_shim.LogLevel.ERROR, "first failure")
        xtl_log(logger, libxl_shim.LogLevel.INFO, "below the level")
        xtl_log(logger, libxl_shim.LogLevel.WARN, "a warning")
        assert logger.lines_since(mark) == ["libxl: error: first failure",
                                            "libxl: warning: a warning"]
        second = logger.mark()
        assert logger.lines_since(second) == []
    finally:
        logger.close()
    assert path.read_text() == ("earlier line\nlibxl: error: first failure\n"
                                "libxl: warning: a warning\n")


def test_private_temporary_file() -> None:
    before = set(os.listdir("/proc/self/fd"))
    logger = Logger(libxl_shim.get_library())
    xtl_log(logger, libxl_shim.LogLevel.PROGRESS, "kept for error messages")
    assert logger.lines_since(0) == ["libxl: progress: kept for error messages"]
    logger.close()
    logger.close()  # idempotent
    assert set(os.listdir("/proc/self/fd")) == before  # both descriptors closed


@pytest.mark.skipif(libxl_shim.dom0_problem() is None, reason="this host is a Xen Dom0")
def test_context_off_dom0_names_the_problem_and_keeps_libxl_lines(tmp_path: Path) -> None:
    path = tmp_path / "libxl.log"
    with pytest.raises(libxl_shim.ContextUnavailable) as e:
        libxl_shim.Context(log_path=str(path))
    problem = libxl_shim.dom0_problem()
    assert e.value.reason == problem
    assert e.value.function == "libxl_ctx_alloc"
    assert e.value.name == "ERROR_FAIL"
    assert str(e.value).startswith(f"cannot open a libxl context: {problem} "
                                   "(libxl_ctx_alloc failed: ERROR_FAIL (-3): ")
    assert any("libxl_ctx_alloc" in m for m in e.value.libxl_messages)
    assert path.read_text().splitlines() == list(e.value.log)
