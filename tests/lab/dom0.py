"""What both lab suites use to look at Dom0: Xen's own view of the domains and
waiting for a condition the guests reach in their own time."""

from __future__ import annotations

import subprocess
import time
from typing import Callable, Dict

XL_TIMEOUT = 300.0  # TCG, and guests may be booting meanwhile


def xl_list() -> Dict[str, Dict[str, str]]:
    """``xl list -v`` rows by name: id mem vcpus state time uuid reason label."""
    done = subprocess.run(["xl", "list", "-v"], capture_output=True, text=True,
                          timeout=XL_TIMEOUT)
    if done.returncode != 0:
        raise AssertionError(f"xl list -v exited with {done.returncode}:\n"
                             f"{done.stdout}{done.stderr}")
    rows = {}
    for line in done.stdout.splitlines()[1:]:
        f = line.split()
        rows[f[0]] = dict(id=f[1], mem=f[2], vcpus=f[3], state=f[4], time=f[5], uuid=f[6],
                          reason=f[7], label=f[8])
    return rows


def wait_until(what: str, check: Callable[[], bool], timeout: float,
               poll: float = 0.5) -> float:
    """Seconds until ``check()`` held; ``poll`` is short where checking is cheap."""
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(poll)
    return time.monotonic() - start
