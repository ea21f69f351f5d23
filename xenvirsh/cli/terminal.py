"""Output for a person at a terminal: rich tables, colours and spinners.

Scripts read virsh's plain text, so rich is used only when the stream is a
terminal, ``--plain`` was not given and ``TERM`` is not ``dumb``; ``NO_COLOR``
keeps the layout and drops the colours (rich reads it itself). The cells and
lines shown are the ones of the plain layout: only their presentation
changes. rich is imported inside the functions that draw, so commands that
print plain text (conversions above all) never load it.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING, Iterator, Tuple

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

# virsh's state strings and how they look; anything else keeps the default
STATE_STYLES = {
    "running": "green",
    "idle": "green",
    "paused": "yellow",
    "in shutdown": "yellow",
    "pmsuspended": "cyan",
    "saved": "blue",
    "shut off": "bright_black",
    "crashed": "bold red",
    "no state": "bright_black",
}


def styled(stream: IO[str], plain: bool) -> bool:
    """Whether ``stream`` gets rich output rather than virsh's plain text."""
    return not plain and stream.isatty() and os.environ.get("TERM") != "dumb"


def _console(err: bool = False) -> Console:
    from rich.console import Console

    # no markup, emoji codes or number highlighting: domain names are data
    return Console(stderr=err, highlight=False, emoji=False, markup=False)


def _styled(value: str, style: str) -> Text:
    from rich.text import Text

    text = Text(value)
    text.stylize(style)  # the words only, not the cell's padding
    return text


def _state_text(value: str) -> Text:
    return _styled(value, STATE_STYLES.get(value, ""))


def table(header: Sequence[str], rows: Sequence[Sequence[str]], *, quiet: bool) -> None:
    """virsh's list table as a rich table: the same cells, states in colour."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    grid = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, show_header=not quiet,
                 header_style="")
    for name in header:
        grid.add_column(_styled(name, "bold"), justify="right" if name == "Id" else "left",
                        overflow="fold")
    state_column = list(header).index("State") if "State" in header else -1
    for row in rows:
        grid.add_row(*(_state_text(cell) if index == state_column else Text(cell)
                       for index, cell in enumerate(row)))
    _console().print(grid)


def fields(lines: Sequence[Tuple[str, str]]) -> None:
    """``Label:  value`` lines (dominfo, nodeinfo) as an aligned grid."""
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in lines:
        grid.add_row(_styled(label, "bold"),
                     _state_text(value) if label == "State:" else Text(value))
    _console().print(grid)


def error(message: str) -> None:
    """virsh's ``error: MESSAGE`` line on stderr, the prefix in red."""
    from rich.text import Text

    _console(err=True).print(Text.assemble(("error:", "bold red"), " ", message),
                             soft_wrap=True)


@contextlib.contextmanager
def progress(message: str, plain: bool) -> Iterator[None]:
    """A spinner on stderr while something slow runs, when a person watches."""
    if not styled(sys.stderr, plain):
        yield
        return
    with _console(err=True).status(message):
        yield
