"""Attach the terminal to a guest console's pseudo-terminal.

xenconsoled gives every guest console a pty in Dom0 (libxl tells which).
Attaching copies bytes both ways with the local terminal in raw mode until
the escape character (Ctrl + ], as virsh and telnet use) is typed or the pty
closes; the terminal is restored however the session ends.
"""

from __future__ import annotations

import contextlib
import os
import select
import termios
import tty
from typing import Iterator

ESCAPE = 0x1D  # Ctrl + ]


@contextlib.contextmanager
def raw_terminal(fd: int) -> Iterator[None]:
    saved = termios.tcgetattr(fd)
    try:
        tty.setraw(fd)
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def attach(pty_path: str, stdin: int = 0, stdout: int = 1) -> None:
    """Bridge ``stdin``/``stdout`` and the console pty until escape or hang-up."""
    console = os.open(pty_path, os.O_RDWR | os.O_NOCTTY)
    try:
        with raw_terminal(stdin):
            _pump(console, stdin, stdout)
    finally:
        os.close(console)


def _pump(console: int, stdin: int, stdout: int) -> None:
    while True:
        ready, _, _ = select.select([console, stdin], [], [])
        if stdin in ready:
            data = os.read(stdin, 4096)
            if not data:
                return
            cut = data.find(ESCAPE)
            if cut >= 0:
                os.write(console, data[:cut])
                return
            os.write(console, data)
        if console in ready:
            try:
                data = os.read(console, 4096)
            except OSError:  # EIO: the guest's console went away
                return
            if not data:
                return
            os.write(stdout, data)
