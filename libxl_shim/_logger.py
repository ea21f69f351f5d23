"""The xentoollog logger every libxl context needs, writing to a file.

libxl must never get a NULL logger (``xtl_logv`` calls through it without a
check). The log goes to a file rather than the terminal: either one the
caller names, or a private unlinked temporary file. Either way the lines
written during one call can be read back (:meth:`Logger.mark` /
:meth:`Logger.lines_since`) so that a failure carries libxl's own
explanation (LIBXL.md §14 #3).
"""

from __future__ import annotations

import os
import tempfile
from enum import IntEnum

from ._loader import Library

# xentoollog.h: XTL_STDIOSTREAM_HIDE_PROGRESS; progress bars use "\r", which
# makes no sense in a file.
_HIDE_PROGRESS = 0o004
_MAX_TAIL_BYTES = 64 * 1024


class LogLevel(IntEnum):
    """``xentoollog_level``: messages below the chosen level are dropped."""

    DEBUG = 1
    VERBOSE = 2
    DETAIL = 3
    PROGRESS = 4  # xl's default
    INFO = 5
    NOTICE = 6
    WARN = 7
    ERROR = 8
    CRITICAL = 9


def _open_log_file(path: str | None) -> int:
    if path is not None:
        return os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o640)
    fd, name = tempfile.mkstemp(prefix="libxl-shim-", suffix=".log")
    os.unlink(name)
    return fd


class Logger:
    """A ``xentoollog_logger_stdiostream`` on a file; free with :meth:`close`."""

    def __init__(self, lib: Library, path: str | None = None,
                 level: LogLevel = LogLevel.PROGRESS) -> None:
        self._lib = lib
        self.path = path
        self._fd = _open_log_file(path)
        self._stream: int | None = None
        self.handle: int | None = None
        try:
            stream_fd = os.dup(self._fd)  # the FILE* owns this one; fclose closes it
            try:
                self._stream = lib.func("fdopen")(stream_fd, b"a")
            except OSError:
                os.close(stream_fd)
                raise
            self.handle = lib.func("xtl_createlogger_stdiostream")(
                self._stream, int(level), _HIDE_PROGRESS)
        except BaseException:
            self.close()
            raise

    def mark(self) -> int:
        """Current end of the log; pass it to :meth:`lines_since` after a call."""
        return os.fstat(self._fd).st_size

    def lines_since(self, mark: int) -> list[str]:
        """The lines libxl logged after ``mark`` (at most the last 64 KiB of them)."""
        end = os.fstat(self._fd).st_size
        start = max(mark, end - _MAX_TAIL_BYTES)
        if end <= start:
            return []
        data = os.pread(self._fd, end - start, start)
        return data.decode("utf-8", "replace").splitlines()

    def close(self) -> None:
        """Destroy the logger, then its stream; only after libxl_ctx_free."""
        if self.handle is not None:
            self._lib.func("xtl_logger_destroy")(self.handle)
            self.handle = None
        if self._stream is not None:
            self._lib.func("fclose")(self._stream)
            self._stream = None
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
