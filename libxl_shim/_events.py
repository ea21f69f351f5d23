"""Waiting for libxl events with a timeout.

``libxl_event_wait`` blocks inside C until an event arrives: no timeout, and
Python cannot deliver SIGINT/SIGTERM to the waiting thread because libxl
restarts poll(2) after EINTR. The loop below is the one libxl_event.h
describes for simple programs (``libxl_osevent_beforepoll``, ``poll``,
``libxl_osevent_afterpoll``, ``libxl_event_check``); it runs ``poll`` from
Python's side, so a signal ends the wait and a timeout is possible.
"""

from __future__ import annotations

import ctypes
import errno
import time
from typing import Any, Callable

from ._errors import ERROR_CODES, error_for
from ._layouts import EVENT, PollFd, TimeVal, Version, struct_type
from ._types import Event

EVENTMASK_ALL = (1 << 64) - 1  # LIBXL_EVENTMASK_ALL
_NOT_READY = ERROR_CODES["ERROR_NOT_READY"]
_BUFFERFULL = ERROR_CODES["ERROR_BUFFERFULL"]
_INITIAL_FDS = 8

Func = Callable[[str], Callable[..., Any]]


def _now() -> TimeVal:
    t = time.time()  # libxl's timeouts are in gettimeofday() time
    return TimeVal(int(t), int((t - int(t)) * 1_000_000))


def check_event(func: Func, ctx: ctypes.c_void_p, version: Version) -> Event | None:
    """An event that has already happened, or None."""
    ptr = ctypes.c_void_p()
    rc = func("libxl_event_check")(ctx, ctypes.byref(ptr), EVENTMASK_ALL, None, None)
    if rc == _NOT_READY:
        return None
    if rc != 0:
        raise error_for("libxl_event_check", rc)
    try:
        layout = ctypes.POINTER(struct_type(EVENT, version))
        return Event.from_struct(ctypes.cast(ptr, layout).contents)
    finally:
        func("libxl_event_free")(ctx, ptr)


def _before_poll(func: Func, ctx: ctypes.c_void_p, fds: Any,
                 timeout_ms: int) -> tuple[Any, int, int]:
    """Let libxl fill ``fds`` (grown as needed); returns (fds, nfds, timeout_ms)."""
    while True:
        nfds = ctypes.c_int(len(fds))
        timeout = ctypes.c_int(timeout_ms)
        rc = func("libxl_osevent_beforepoll")(ctx, ctypes.byref(nfds), fds,
                                              ctypes.byref(timeout), _now())
        if rc == 0:
            return fds, nfds.value, timeout.value
        if rc != _BUFFERFULL:
            raise error_for("libxl_osevent_beforepoll", rc)
        fds = (PollFd * nfds.value)()


def wait_event(func: Func, ctx: ctypes.c_void_p, version: Version,
               timeout: float | None) -> Event | None:
    """The next event, or None once ``timeout`` seconds (None: no limit) have passed."""
    deadline = None if timeout is None else time.monotonic() + timeout
    fds: Any = (PollFd * _INITIAL_FDS)()
    while True:
        event = check_event(func, ctx, version)
        if event is not None:
            return event
        if deadline is None:
            wait_ms = -1
        else:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            wait_ms = max(1, int(remaining * 1000))
        fds, nfds, wait_ms = _before_poll(func, ctx, fds, wait_ms)
        if func("poll")(fds, nfds, wait_ms) < 0:
            err = ctypes.get_errno()
            if err != errno.EINTR:
                raise OSError(err, f"poll: {errno.errorcode.get(err, err)}")
            # Interrupted by a signal (whose Python handler runs as soon as
            # this frame executes again): report nothing ready.
            for i in range(nfds):
                fds[i].revents = 0
        func("libxl_osevent_afterpoll")(ctx, nfds, fds, _now())
