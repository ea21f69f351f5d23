"""Completion of argument values, shared by the shells and the interactive prompt.

Click asks a parameter's ``shell_complete`` callback for candidates; bash, zsh
and fish reach it through ``_XENVIRSH_COMPLETE`` and the interactive shell
through :func:`candidates`. Domain names come from the connection the command
line names (``-c``) or the shell is connected to; completion never prints an
error, it just offers nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Dict, List

import click

from xenvirsh.errors import XenvirshError

if TYPE_CHECKING:  # imported when completing: every command imports this module
    from click.shell_completion import CompletionItem

# commands that only make sense on some domains; the rest complete every name
_WANTED: Dict[str, Callable[[Any], bool]] = {
    "start": lambda record: not record.active,
    **dict.fromkeys(("destroy", "shutdown", "reboot", "suspend", "resume", "console"),
                    lambda record: record.active),
}


def _connection(ctx: click.Context) -> Any:
    from xenvirsh.cli.context import State

    root = ctx.find_root()
    current = root.obj if isinstance(root.obj, State) else State()
    if current.remote_uri() is not None:
        return None  # a round trip over ssh for each TAB would be too slow
    if current.connection is None:
        from xenvirsh.connection import open_connection

        current.connection = open_connection(current.uri)
    return current.connection


def complete_domain(ctx: click.Context, param: click.Parameter,
                    incomplete: str) -> List[CompletionItem]:
    """Names of the domains of the command's connection."""
    from click.shell_completion import CompletionItem

    del param
    try:
        conn = _connection(ctx)
        records = conn.domains() if conn is not None else []
    except (XenvirshError, OSError):
        return []
    wanted = _WANTED.get(str(ctx.info_name), lambda record: True)
    return [CompletionItem(record.name) for record in records
            if wanted(record) and record.name.startswith(incomplete)]


def _formats(names: List[str], incomplete: str) -> List[CompletionItem]:
    from click.shell_completion import CompletionItem

    return [CompletionItem(name) for name in names if name.startswith(incomplete)]


def complete_readable_format(ctx: click.Context, param: click.Parameter,
                             incomplete: str) -> List[CompletionItem]:
    """Native formats xenvirsh reads."""
    from xenvirsh.formats.registry import READABLE_FORMATS

    return _formats(list(READABLE_FORMATS), incomplete)


def complete_native_format(ctx: click.Context, param: click.Parameter,
                           incomplete: str) -> List[CompletionItem]:
    """Native formats xenvirsh writes."""
    from xenvirsh.formats.registry import NATIVE_FORMATS

    return _formats(list(NATIVE_FORMATS), incomplete)


def complete_file(ctx: click.Context, param: click.Parameter,
                  incomplete: str) -> List[CompletionItem]:
    """Let the shell complete a file name."""
    from click.shell_completion import CompletionItem

    return [CompletionItem(incomplete, type="file")]
