"""The per-domain monitor: carries out on_poweroff, on_reboot and on_crash.

libxl does not restart a rebooting guest by itself. Like ``xl create``, a
xenvirsh ``start`` leaves one small process per domain behind, started in a
session of its own so that it survives the terminal closing. It waits for the
hypervisor to report that the guest shut down, applies the lifecycle action
(:func:`xenvirsh.lifecycle.handle_shutdown`), follows a restarted domain to
its new id, and exits when the domain is gone for good. A lock file per
domain name keeps a second monitor from starting. It logs to
``/var/lib/xenvirsh/monitor/NAME.log``.

Run by xenvirsh itself as ``python3 -m xenvirsh.monitor NAME DOMID``.
"""

from __future__ import annotations

import fcntl
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import List, Optional

STATE_DIR = Path(os.environ.get("XENVIRSH_STATE_DIR") or "/var/lib/xenvirsh")
MONITOR_DIR = STATE_DIR / "monitor"

log = logging.getLogger("xenvirsh.monitor")

# the domain this process monitors: its restarts need no second monitor
_watching: Optional[str] = None


def spawn_monitor(name: str, domid: int) -> None:
    """Start the monitor of ``name`` in its own session, detached from us."""
    if name == _watching:
        return  # the monitor restarted its own domain and follows it
    MONITOR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    with open(MONITOR_DIR / f"{name}.log", "ab") as logfile:
        subprocess.Popen(
            [sys.executable, "-m", "xenvirsh.monitor", name, str(domid)],
            stdin=subprocess.DEVNULL, stdout=logfile, stderr=logfile,
            start_new_session=True, close_fds=True, cwd="/",
        )


def _lock(name: str) -> Optional[int]:
    """An exclusive lock on the domain's monitor; None if another holds it."""
    fd = os.open(MONITOR_DIR / f"{name}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    return fd


def monitor(name: str, domid: int) -> int:
    """Watch ``name`` (now ``domid``) until it is gone; returns an exit status."""
    import libxl_shim
    from xenvirsh.connection import LookupFailed, open_connection
    from xenvirsh.drivers.libxl import SHUTDOWN_REASONS, LibxlHypervisor
    from xenvirsh.errors import XenvirshError
    from xenvirsh.lifecycle import REASON_ACTIONS, handle_shutdown

    global _watching

    if _lock(name) is None:
        log.info("%s: another monitor is already watching it", name)
        return 0
    _watching = name
    conn = open_connection("xen:///system")
    assert isinstance(conn.hypervisor, LibxlHypervisor)
    context = conn.hypervisor.context
    log.info("%s: watching domain %d", name, domid)
    while True:
        # libxl reports a domain that is already shut down, or already gone,
        # as soon as the watch is set up
        watch = context.watch_domain_death(domid)
        event = context.wait_event()
        watch.close()
        if event is None or event.type != libxl_shim.EventType.DOMAIN_SHUTDOWN:
            log.info("%s: domain %d is gone", name, domid)
            return 0
        reason = SHUTDOWN_REASONS.get(event.shutdown_reason)
        if reason not in REASON_ACTIONS:
            log.info("%s: domain %d shut down (%s); leaving it to the toolstack", name, domid,
                     reason or "soft reset")
            return 0
        log.info("%s: domain %d shut down (%s)", name, domid, reason)
        try:
            record = conn.lookup(str(domid), by_uuid=False, by_name=False)
            new_domid = handle_shutdown(conn, record, reason)
        except LookupFailed:
            log.info("%s: domain %d is gone", name, domid)
            return 0
        except XenvirshError as err:
            log.error("%s: %s", name, err)
            return 1
        if new_domid is None:
            return 0
        log.info("%s: restarted as domain %d", name, new_domid)
        domid = new_domid


def main(argv: List[str]) -> int:
    logging.basicConfig(format="%(asctime)s %(message)s", level=logging.INFO)
    if len(argv) != 2 or not argv[1].isdigit():
        log.error("usage: python3 -m xenvirsh.monitor NAME DOMID")
        return 2
    MONITOR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    return monitor(argv[0], int(argv[1]))


if __name__ == "__main__":
    # run the code of the module "xenvirsh.monitor", not of this copy named
    # __main__: the driver's spawn_monitor() must see _watching
    from xenvirsh.monitor import main as monitor_main

    sys.exit(monitor_main(sys.argv[1:]))
