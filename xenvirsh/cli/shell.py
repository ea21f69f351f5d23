"""The interactive shell: virsh's prompt over the very same Click commands.

Each line is split the way virsh splits a command string and handed to
:func:`xenvirsh.cli.main.run` with the shell's State, so a command prints,
fails and exits exactly as on the command line, on one connection kept for
the whole session. On a terminal, readline edits the line, keeps a history
file and completes with Click's completion (the one bash, zsh and fish use).
"""

from __future__ import annotations

import contextlib
import glob
import os
import sys
from pathlib import Path
from typing import Callable, Iterator, List, Optional

import click

from xenvirsh import cnum
from xenvirsh.cli.context import State
from xenvirsh.cli.options import report
from xenvirsh.errors import XenvirshError

PROMPT = "xenvirsh # "
BANNER = ("Welcome to xenvirsh, the virtualization interactive terminal.\n\n"
          "Type:  'help' for help with commands\n"
          "       'quit' to quit\n\n")
# virsh keeps 500 lines unless VIRSH_HISTSIZE says otherwise
HISTORY_SIZE = 500
HISTORY_SIZE_MAX = 500000


class ShellSyntaxError(XenvirshError):
    """A line virsh's parser refuses (an open quote, a trailing backslash)."""


def split_commands(line: str) -> List[List[str]]:
    """virsh's command-string syntax: words split on blanks, 'single' and
    "double" quotes, backslash escapes, ``;`` between commands and ``#``
    starting a comment where a word could start. Empty commands are kept, so
    that the last item is the command being typed."""
    commands: List[List[str]] = [[]]
    word: List[str] = []
    in_word = False
    quote = ""
    chars = iter(line)
    for char in chars:
        if char == "\\" and quote != "'":
            escaped = next(chars, None)
            if escaped is None:
                raise ShellSyntaxError("dangling \\")
            word.append(escaped)
            in_word = True
        elif quote:
            if char == quote:
                quote = ""
            else:
                word.append(char)
        elif char in "'\"":
            quote, in_word = char, True
        elif char == "#" and not in_word:
            break
        elif char in " \t\r\n;":
            if in_word:
                commands[-1].append("".join(word))
                word, in_word = [], False
            if char == ";":
                commands.append([])
        else:
            word.append(char)
            in_word = True
    if quote:
        raise ShellSyntaxError('missing "')
    if in_word:
        commands[-1].append("".join(word))
    return commands


def interact(state: State) -> int:
    """Read and run commands until quit, exit or end of input; exit status 0
    as virsh's (a failing command reports its error and the shell goes on)."""
    state.interactive, state.leaving = True, False
    if not state.quiet:
        click.echo(BANNER, nl=False)
    with line_reader(state) as read_line:
        while not state.leaving:
            try:
                line = read_line(PROMPT)
            except EOFError:
                click.echo()  # end the prompt's line
                break
            except KeyboardInterrupt:
                click.echo()
                continue
            try:
                commands = split_commands(line)
            except ShellSyntaxError as err:
                report(err.lines(), state.plain)
                continue
            run_commands(commands, state)
    state.interactive = False
    return 0


def run_commands(commands: List[List[str]], state: State) -> int:
    """Run the commands of one command string in turn, as vshCommandRun does
    (a failure does not stop the next); the status is the last one's."""
    from xenvirsh.cli.main import COMMANDS, run

    commands = [argv for argv in commands if argv]
    # virsh parses the whole string first: an unknown command runs none of them
    # (global options belong to the command line, not here)
    for argv in commands:
        if argv[0] not in COMMANDS:
            report(f"unknown command: '{argv[0]}'", state.plain)
            return 1
    status = 0
    for argv in commands:
        status = run(argv, state)
        if state.leaving:
            break
    return status


@contextlib.contextmanager
def line_reader(state: State) -> Iterator[Callable[[str], str]]:
    """``input``, with readline's editing, history and completion on a terminal."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        yield input
        return
    try:
        import readline
    except ImportError:  # Python built without it
        yield input
        return
    history = history_file()
    readline.set_history_length(history_size())
    with contextlib.suppress(OSError):
        readline.read_history_file(history)
    completer = Completer(state)
    readline.set_completer(completer.complete)
    readline.set_completer_delims(" \t\n;")
    libedit = "libedit" in (readline.__doc__ or "")
    readline.parse_and_bind("bind ^I rl_complete" if libedit else "tab: complete")
    try:
        yield input
    finally:
        readline.set_completer(None)
        try:
            history.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            readline.write_history_file(history)
        except OSError as err:
            report(f"Failed to write history file {history}: {err.strerror}", state.plain)


def history_file() -> Path:
    """``$XDG_STATE_HOME/xenvirsh/history`` (``~/.local/state`` by default)."""
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(
        os.path.expanduser("~"), ".local", "state")
    return Path(base) / "xenvirsh" / "history"


def history_size() -> int:
    """``$XENVIRSH_HISTSIZE`` lines, as virsh's ``$VIRSH_HISTSIZE``."""
    text = os.environ.get("XENVIRSH_HISTSIZE")
    if text is None:
        return HISTORY_SIZE
    size = cnum.to_int(text)
    if size is None or not 0 <= size <= HISTORY_SIZE_MAX:
        report(f"Bad $XENVIRSH_HISTSIZE value; using {HISTORY_SIZE} "
               f"(the maximum is {HISTORY_SIZE_MAX})")
        return HISTORY_SIZE
    return size


class Completer:
    """readline's completion function over Click's completion."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.matches: List[str] = []

    def complete(self, text: str, index: int) -> Optional[str]:
        if index == 0:
            import readline

            before = readline.get_line_buffer()[:readline.get_begidx()]
            self.matches = candidates(self.state, before, text)
        return self.matches[index] if index < len(self.matches) else None


def candidates(state: State, before: str, incomplete: str) -> List[str]:
    """What may follow ``before`` (the line up to the word being completed)."""
    from click.shell_completion import ShellComplete

    from xenvirsh.cli.main import cli

    try:
        words = split_commands(before)[-1]
    except ShellSyntaxError:  # inside quotes: nothing sensible to offer
        return []
    items = ShellComplete(cli, {"obj": state}, "xenvirsh", "").get_completions(
        words, incomplete)
    matches: List[str] = []
    for item in items:
        if item.type == "file":
            matches += _paths(incomplete)
        elif words or not item.value.startswith("-"):  # no global options at the prompt
            matches.append(item.value + " ")  # Python's readline adds no space itself
    return matches


def _paths(incomplete: str) -> List[str]:
    """File names starting with ``incomplete``; directories end with ``/``."""
    found = sorted(glob.glob(glob.escape(os.path.expanduser(incomplete)) + "*"))
    return [path + "/" if os.path.isdir(path) else path + " " for path in found]
