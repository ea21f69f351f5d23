"""The event wait loop of _events.py, driven by a scripted stand-in for libxl."""

from __future__ import annotations

import ctypes
import errno
import time
from typing import Any, Callable, List, Optional

import pytest

import libxl_shim
from libxl_shim._errors import ERROR_CODES
from libxl_shim._events import EVENTMASK_ALL, wait_event
from libxl_shim._layouts import EVENT, PollFd, struct_type

VERSION = (4, 17)
NOT_READY = ERROR_CODES["ERROR_NOT_READY"]


class FakeLibxl:
    """Answers the calls wait_event makes; ``events`` are handed out one per check."""

    def __init__(self, events: Optional[List[Any]] = None, poll_result: int = 0,
                 fds_needed: int = 2) -> None:
        self.events = list(events or [])
        self.poll_result = poll_result
        self.fds_needed = fds_needed
        self.calls: List[str] = []
        self.poll_timeouts: List[int] = []
        self.freed: List[int] = []
        self.handed_out: List[Any] = []
        self.check_rc: Optional[int] = None

    def __call__(self, name: str) -> Callable[..., Any]:
        method: Callable[..., Any] = getattr(self, name.replace("libxl_", ""))

        def record(*args: Any) -> Any:
            self.calls.append(name)
            return method(*args)
        return record

    def event_check(self, ctx: Any, event_r: Any, mask: int, pred: Any, user: Any) -> int:
        assert mask == EVENTMASK_ALL and pred is None
        if self.check_rc is not None:
            return self.check_rc
        if not self.events:
            return NOT_READY
        event = self.events.pop(0)
        self.handed_out.append(event)  # libxl owns it until event_free
        event_r._obj.value = ctypes.addressof(event)
        return 0

    def event_free(self, ctx: Any, ptr: Any) -> None:
        self.freed.append(ptr.value)

    def osevent_beforepoll(self, ctx: Any, nfds: Any, fds: Any, timeout: Any, now: Any) -> int:
        assert now.tv_sec > 0
        if nfds._obj.value < self.fds_needed:
            nfds._obj.value = self.fds_needed
            return ERROR_CODES["ERROR_BUFFERFULL"]
        nfds._obj.value = self.fds_needed
        for i in range(self.fds_needed):
            fds[i].fd, fds[i].events = 10 + i, 1
        return 0

    def poll(self, fds: Any, nfds: int, timeout_ms: int) -> int:
        self.poll_timeouts.append(timeout_ms)
        for i in range(nfds):
            fds[i].revents = 1
        if self.poll_result < 0:
            ctypes.set_errno(errno.EINTR)
            return -1
        time.sleep(timeout_ms / 1000 if timeout_ms >= 0 else 0)
        return self.poll_result

    def osevent_afterpoll(self, ctx: Any, nfds: int, fds: Any, now: Any) -> None:
        self.seen_revents = [fds[i].revents for i in range(nfds)]


def shutdown_event(domid: int, reason: int) -> Any:
    raw = struct_type(EVENT, VERSION)()
    raw.domid, raw.for_user, raw.type = domid, domid, int(libxl_shim.EventType.DOMAIN_SHUTDOWN)
    raw.u.domain_shutdown.shutdown_reason = reason
    return raw


def test_event_already_queued() -> None:
    raw = shutdown_event(3, 0)
    fake = FakeLibxl([raw])
    event = wait_event(fake, ctypes.c_void_p(1), VERSION, timeout=None)
    assert event == libxl_shim.Event(type=1, domid=3, domuuid="00000000-0000-0000-0000-"
                                     "000000000000", for_user=3,
                                     shutdown_reason=libxl_shim.ShutdownReason.POWEROFF)
    assert fake.freed == [ctypes.addressof(raw)]
    assert fake.calls == ["libxl_event_check", "libxl_event_free"]


def test_timeout_returns_none() -> None:
    fake = FakeLibxl()
    start = time.monotonic()
    assert wait_event(fake, ctypes.c_void_p(1), VERSION, timeout=0.3) is None
    assert 0.3 <= time.monotonic() - start < 1.0
    assert all(0 < t <= 300 for t in fake.poll_timeouts)
    assert fake.calls[-1] == "libxl_event_check"


def test_fd_array_grows_on_bufferfull() -> None:
    fake = FakeLibxl(fds_needed=11)
    assert wait_event(fake, ctypes.c_void_p(1), VERSION, timeout=0.05) is None
    assert fake.calls[:4] == ["libxl_event_check", "libxl_osevent_beforepoll",
                              "libxl_osevent_beforepoll", "poll"]
    assert fake.seen_revents == [1] * 11


def test_signal_during_poll_reports_nothing_ready() -> None:
    fake = FakeLibxl(poll_result=-1)
    assert wait_event(fake, ctypes.c_void_p(1), VERSION, timeout=0.05) is None
    assert fake.seen_revents == [0, 0]


def test_event_arrives_after_poll() -> None:
    fake = FakeLibxl()
    original_poll = fake.poll

    def poll_then_event(fds: Any, nfds: int, timeout_ms: int) -> int:
        fake.events.append(shutdown_event(7, 1))
        return original_poll(fds, nfds, 0)
    fake.poll = poll_then_event  # type: ignore[method-assign]
    event = wait_event(fake, ctypes.c_void_p(1), VERSION, timeout=5)
    assert event is not None and event.shutdown_reason is libxl_shim.ShutdownReason.REBOOT
    assert fake.calls == ["libxl_event_check", "libxl_osevent_beforepoll", "poll",
                          "libxl_osevent_afterpoll", "libxl_event_check", "libxl_event_free"]


def test_event_check_failure() -> None:
    fake = FakeLibxl()
    fake.check_rc = -3
    with pytest.raises(libxl_shim.LibxlError) as e:
        wait_event(fake, ctypes.c_void_p(1), VERSION, timeout=1)
    assert (e.value.function, e.value.name) == ("libxl_event_check", "ERROR_FAIL")


def test_unexpected_poll_error() -> None:
    fake = FakeLibxl()

    def poll_fails(fds: Any, nfds: int, timeout_ms: int) -> int:
        ctypes.set_errno(errno.EBADF)
        return -1
    fake.poll = poll_fails  # type: ignore[method-assign]
    with pytest.raises(OSError) as e:
        wait_event(fake, ctypes.c_void_p(1), VERSION, timeout=1)
    assert e.value.errno == errno.EBADF


def test_pollfd_layout() -> None:
    assert (ctypes.sizeof(PollFd), PollFd.revents.offset) == (8, 6)
