"""virsh's text layouts: the ``list`` table and the ``Label: value`` pages.

Each layout is built once as cells or lines; :func:`show_table` and
:func:`show_fields` print them as virsh's plain text, or through rich when a
person is at a terminal (see :mod:`xenvirsh.cli.terminal`), so both show the
same information.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Sequence
from typing import Any, ContextManager, List, Match, Optional, Tuple

import click

from xenvirsh.cli import terminal
from xenvirsh.cli.context import state

Fields = List[Tuple[str, str]]


_CONTROL = re.compile("[\x00-\x1f\x7f]")
# what ends a line: control characters but tab, and Unicode's line and
# paragraph separators (str.splitlines and terminals break on them)
_LINE_BREAKING = re.compile("[\x00-\x08\x0a-\x1f\x7f\x85\u2028\u2029]")


def escape_cell(text: str) -> str:
    """virsh shows control characters in table cells as \\xNN."""
    return _CONTROL.sub(_escaped, text)


def one_line(text: str) -> str:
    """``text`` with what would break its line shown as escapes."""
    return _LINE_BREAKING.sub(_escaped, text)


def _escaped(match: Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def table(header: Sequence[str], rows: Sequence[Sequence[str]], *, quiet: bool = False) -> str:
    """vshTable: each cell is ' ' + text, padded to the column width + 2.
    Without the header (quiet), its cells do not count for the widths either."""
    measured = list(rows) if quiet else [list(header)] + list(rows)
    widths = [max((_width(r[i]) for r in measured), default=0) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        parts = []
        for i, text in enumerate(row):
            pad = "" if i == len(row) - 1 else " " * (widths[i] - _width(text) + 2)
            parts.append(f" {text}{pad}")
        return "".join(parts) + "\n"

    out = "" if quiet else line(header) + "-" * sum(w + 3 for w in widths) + "\n"
    return out + "".join(line(row) for row in rows)


def domain_rows(records: Sequence[Any], states: Sequence[str], *,
                titles: Optional[List[str]] = None,
                uuids: bool = False) -> Tuple[List[str], List[List[str]]]:
    """The header and cells of ``virsh list``'s table."""
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
        rows.append([escape_cell(cell) for cell in row])
    return header, rows


def dominfo_fields(info: Any) -> Fields:
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
    return lines


def nodeinfo_fields(info: Any) -> Fields:
    return [
        ("CPU model:", info.model),
        ("CPU(s):", str(info.cpus)),
        ("CPU frequency:", f"{info.mhz} MHz"),
        ("CPU socket(s):", str(info.sockets)),
        ("Core(s) per socket:", str(info.cores)),
        ("Thread(s) per core:", str(info.threads)),
        ("NUMA cell(s):", str(info.nodes)),
        ("Memory size:", f"{info.memory_kib} KiB"),
    ]


def format_fields(lines: Fields, width: int) -> str:
    """virsh's ``printf("%-15s %s\\n", label, value)`` (width 20 for nodeinfo)."""
    return "".join(f"{label:<{width}} {value}\n" for label, value in lines)


def show_table(ctx: click.Context, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    current = state(ctx)
    if terminal.styled(sys.stdout, current.plain):
        terminal.table(header, rows, quiet=current.quiet)
    else:
        click.echo(table(header, rows, quiet=current.quiet), nl=False)


def show_fields(ctx: click.Context, lines: Fields, width: int) -> None:
    if terminal.styled(sys.stdout, state(ctx).plain):
        terminal.fields(lines)
    else:
        click.echo(format_fields(lines, width), nl=False)


def waiting(ctx: click.Context, message: str, enabled: bool = True) -> ContextManager[None]:
    """A spinner with ``message`` on a terminal while a slow call runs."""
    return terminal.progress(message, plain=state(ctx).plain or not enabled)
