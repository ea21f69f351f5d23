"""What happens when a guest powers off, reboots or crashes.

libxl keeps no lifecycle policy: like ``xl create``, xenvirsh leaves a small
monitor behind each domain it starts (:mod:`xenvirsh.monitor`), which calls
:func:`handle_shutdown` when the hypervisor reports the guest shut down. The
simulated host reports shutdowns at once and the connection calls the same
function directly, so both hosts follow one policy.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Optional

from xenvirsh.errors import XenvirshError

if TYPE_CHECKING:
    from xenvirsh.connection import Connection, DomainRecord

# libxl shutdown reasons (libxl_shutdown_reason) and the action key for each
REASON_ACTIONS = {"poweroff": "on_poweroff", "reboot": "on_reboot", "crash": "on_crash"}
# virsh's shut-off reason after each action taken on a guest's request
SHUTOFF_REASONS = {"poweroff": "shutdown", "reboot": "shutdown", "crash": "crashed"}


def handle_shutdown(conn: Connection, record: DomainRecord, reason: str) -> Optional[int]:
    """Carry out the domain's action for ``reason`` (poweroff, reboot, crash).

    Returns the new domain id when the domain was restarted.
    """
    running = record.running
    if running is None:
        return None
    dom = conn.definition(record)  # the live definition decides the action
    action = getattr(dom, REASON_ACTIONS.get(reason, "on_poweroff"))
    restart = action in ("restart", "rename-restart", "coredump-restart")
    if action == "preserve":
        return None
    if action.startswith("coredump-"):
        conn.hypervisor.core_dump(running.domid, conn.dump_path(record.name))
    if action == "rename-restart":
        conn.hypervisor.rename(running.domid, f"{record.name}-{int(time.time())}")
    else:
        conn.hypervisor.destroy(running.domid)
    if not restart:
        if record.persistent:  # a transient domain leaves nothing behind
            conn.remember_shutoff(record.uuid, SHUTOFF_REASONS.get(reason, "shutdown"))
        return None
    # As libvirt does, a persistent domain comes back from its persistent
    # definition: live-only changes (setmem --live, ...) end with the old domain.
    if record.persistent:
        dom = conn.definition(record, inactive=True)
    try:
        return conn.start_definition(dom).id
    except XenvirshError:
        if record.persistent:
            conn.remember_shutoff(record.uuid, "failed")
        raise
