"""Helpers for the terminal tests: xenvirsh on a pseudo-terminal, and a state
directory for test:///default."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pexpect
import pytest

from tests.conftest import REPO

# variables that change how rich or readline draw, removed for reproducible screens
_DRAWING = ("NO_COLOR", "FORCE_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "COLORTERM", "COLUMNS",
            "LINES", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "INPUTRC", "TERM")

GUEST = """<domain type='xen'>
  <name>webserver</name>
  <uuid>c7a5fdb2-cdaf-9455-926a-d65c16db1809</uuid>
  <memory>524288</memory>
  <currentMemory>262144</currentMemory>
  <vcpu>2</vcpu>
  <os><type>linux</type><kernel>/boot/vmlinuz</kernel></os>
</domain>
"""


@pytest.fixture
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """test:///default in a fresh directory, also for child processes."""
    state = tmp_path / "state"
    monkeypatch.setenv("XENVIRSH_TEST_STATE", str(state))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    return state


@pytest.fixture
def guest_xml(tmp_path: Path) -> Path:
    path = tmp_path / "webserver.xml"
    path.write_text(GUEST)
    return path


def terminal_env(**extra: str) -> Dict[str, str]:
    """The environment of a fixed 80-column xterm."""
    env = {k: v for k, v in os.environ.items() if k not in _DRAWING}
    env.update(TERM="xterm-256color", COLUMNS="80", LINES="24",
               PYTHONPATH=str(REPO) + os.pathsep + env.get("PYTHONPATH", ""))
    env.update(extra)
    return env


def _as_from_a_terminal() -> None:
    """Ctrl-C interrupts, as for a command typed at a terminal: a test run
    started in the background of a non-interactive shell ignores SIGINT, and
    its children would inherit that (Python then installs no handler)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def spawn(args: List[str], env: Optional[Dict[str, str]] = None) -> pexpect.spawn:
    """``python -m xenvirsh ARGS`` on an 80x24 pseudo-terminal."""
    return pexpect.spawn(sys.executable, ["-m", "xenvirsh", *args], cwd=str(REPO),
                         env=env or terminal_env(), dimensions=(24, 80), encoding="utf-8",
                         timeout=30, preexec_fn=_as_from_a_terminal)


def run_on_terminal(args: List[str], **extra: str) -> Tuple[int, str]:
    """Run to the end; the exit status and the screen output (newlines as \\n)."""
    child = spawn(args, terminal_env(**extra))
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus, child.before.replace("\r\n", "\n")

