"""``--json``: the documents of list, dominfo, domstate, nodeinfo and version.

The schema is part of xenvirsh's interface (README, xenvirsh(1)): keys keep
their names, types and meaning; new keys may be added. Values are the facts,
not virsh's wording: numbers are numbers, an inactive domain's id is null.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Dict, Optional

import click

from xenvirsh.errors import XenvirshError

Document = Dict[str, Any]


def _domain_id(domid: int) -> Optional[int]:
    return domid if domid >= 0 else None


def domain_entry(record: Any, state: str, reason: str) -> Document:
    """One domain of ``list --json``."""
    return {
        "id": _domain_id(record.id),
        "name": record.name,
        "uuid": record.uuid,
        "state": state,
        "reason": reason,
        "persistent": record.persistent,
        "autostart": record.autostart,
        "owner": record.owner,
    }


def domain_info(info: Any) -> Document:
    """``dominfo --json``."""
    return {
        "id": _domain_id(info.id),
        "name": info.name,
        "uuid": info.uuid,
        "os_type": info.os_type,
        "state": info.state,
        "reason": info.reason,
        "vcpus": info.vcpus,
        "cpu_time_ns": info.cpu_time_ns,
        "max_memory_kib": info.max_memory_kib or None,
        "used_memory_kib": info.used_memory_kib,
        "persistent": info.persistent,
        "autostart": info.autostart,
        "managed_save": False,
        "owner": info.owner,
    }


def domain_state(state: str, reason: str) -> Document:
    """``domstate --json``."""
    return {"state": state, "reason": reason}


def node_info(info: Any) -> Document:
    """``nodeinfo --json``."""
    return {
        "cpu_model": info.model,
        "cpus": info.cpus,
        "mhz": info.mhz,
        "sockets": info.sockets,
        "cores_per_socket": info.cores,
        "threads_per_core": info.threads,
        "numa_cells": info.nodes,
        "memory_kib": info.memory_kib,
    }


def version(xenvirsh: str, hypervisor_version: str) -> Document:
    """``version --json``."""
    return {"xenvirsh": xenvirsh, "hypervisor": "Xen", "hypervisor_version": hypervisor_version}


def echo(document: Any) -> None:
    """Print a document: indented, keys in schema order, then a newline."""
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))


def refuse_with(given: Sequence[str]) -> None:
    """``--json`` is the whole layout: no layout option goes with it."""
    if given:
        raise XenvirshError(f"Options --json and --{given[0]} are mutually exclusive")


json_option = click.option("--json", "as_json", is_flag=True,
                           help="Print a JSON document (schema in xenvirsh(1)).")
