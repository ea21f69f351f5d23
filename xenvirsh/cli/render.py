"""virsh's plain text layouts: the ``list`` table, ``dominfo``, ``nodeinfo``."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any, List, Optional


def _cell(text: str) -> str:
    """virsh shows control characters in table cells as \\xNN."""
    return "".join(f"\\x{ord(c):02x}" if ord(c) < 32 or ord(c) == 127 else c for c in text)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def table(header: Sequence[str], rows: Sequence[Sequence[str]], *, quiet: bool = False) -> str:
    """vshTable: each cell is ' ' + text, padded to the column width + 2."""
    cells = [[_cell(c) for c in row] for row in rows]
    widths = [max(_width(r[i]) for r in [list(header)] + cells) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        parts = []
        for i, text in enumerate(row):
            pad = "" if i == len(row) - 1 else " " * (widths[i] - _width(text) + 2)
            parts.append(f" {text}{pad}")
        return "".join(parts) + "\n"

    out = "" if quiet else line(header) + "-" * sum(w + 3 for w in widths) + "\n"
    return out + "".join(line(row) for row in cells)


def domain_table(records: Sequence[Any], states: Sequence[str], *,
                 titles: Optional[List[str]] = None, uuids: bool = False,
                 quiet: bool = False) -> str:
    header = ["Id", "Name", "State"]
    if titles is not None:
        header.append("Title")
    if uuids:
        header.append("UUID")
    rows = []
    for index, record in enumerate(records):
        row = [str(record.id) if record.active else "-", record.name, states[index]]
        if titles is not None:
            row.append(titles[index])
        if uuids:
            row.append(record.uuid)
        rows.append(row)
    return table(header, rows, quiet=quiet)


def format_dominfo(info: Any) -> str:
    lines = [
        ("Id:", str(info.id) if info.id >= 0 else "-"),
        ("Name:", info.name),
        ("UUID:", info.uuid),
        ("OS Type:", info.os_type),
        ("State:", info.state),
        ("CPU(s):", str(info.vcpus)),
    ]
    if info.cpu_time_ns:
        lines.append(("CPU time:", f"{info.cpu_time_ns / 1e9:.1f}s"))
    lines += [
        ("Max memory:", f"{info.max_memory_kib} KiB" if info.max_memory_kib else "no limit"),
        ("Used memory:", f"{info.used_memory_kib} KiB"),
        ("Persistent:", "yes" if info.persistent else "no"),
        ("Autostart:", "enable" if info.autostart else "disable"),
        ("Managed save:", "no"),
    ]
    return "".join(f"{label:<15} {value}\n" for label, value in lines)


def format_nodeinfo(info: Any) -> str:
    lines = [
        ("CPU model:", info.model),
        ("CPU(s):", str(info.cpus)),
        ("CPU frequency:", f"{info.mhz} MHz"),
        ("CPU socket(s):", str(info.sockets)),
        ("Core(s) per socket:", str(info.cores)),
        ("Thread(s) per core:", str(info.threads)),
        ("NUMA cell(s):", str(info.nodes)),
        ("Memory size:", f"{info.memory_kib} KiB"),
    ]
    return "".join(f"{label:<20} {value}\n" for label, value in lines)
