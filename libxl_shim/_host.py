"""Why a libxl context cannot be opened on this host.

``libxl_ctx_alloc`` only answers ERROR_FAIL when libxc or xenstore cannot be
opened. The preconditions below (the ones libvirt's libxl driver checks
before loading, LIBXL.md §14 #4) name the actual cause.
"""

from __future__ import annotations

import os

CAPABILITIES = "/proc/xen/capabilities"


def dom0_problem(capabilities_path: str = CAPABILITIES) -> str | None:
    """A sentence naming the first unmet precondition, or None if all are met."""
    try:
        with open(capabilities_path, encoding="ascii", errors="replace") as f:
            caps = f.read()
    except FileNotFoundError:
        return f"not running on Xen ({capabilities_path} does not exist)"
    except OSError as e:
        return f"cannot read {capabilities_path}: {e.strerror}"
    if "control_d" not in caps:
        return f"not a Xen Dom0 ({capabilities_path} does not contain control_d)"
    if os.geteuid() != 0:
        return f"libxl needs root privileges (running as uid {os.geteuid()})"
    return None
