"""Option bundles shared by commands, virsh style.

virsh accepts its arguments both positionally and as options
(``start foo`` or ``start --domain foo``); :func:`virsh_argument` gives a
command both forms and virsh's message when neither is there.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Optional, TypeVar

import click

from xenvirsh.cli import context
from xenvirsh.errors import XenvirshError

F = TypeVar("F", bound=Callable[..., Any])


class MissingOption(XenvirshError):
    """``command 'start' requires <domain> option``."""


def virsh_argument(name: str, *, required: bool = True, metavar: Optional[str] = None,
                   help_text: str = "") -> Callable[[F], F]:
    """A positional argument that may also be given as ``--NAME``."""
    option_value = f"{name}_option"

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            positional = kwargs.pop(name)
            given = kwargs.pop(option_value)
            value = given if given is not None else positional
            if value is None and required:
                ctx = click.get_current_context()
                raise MissingOption(f"command '{ctx.info_name}' requires <{name}> option")
            kwargs[name] = value
            return func(*args, **kwargs)

        wrapper = click.argument(name, metavar=metavar or name.upper(), required=False)(wrapper)
        return click.option(f"--{name}", option_value, metavar=metavar or name.upper(),
                            help=help_text)(wrapper)  # type: ignore[return-value]

    return decorate


def report(message: str) -> None:
    """virsh's error lines on stderr."""
    for line in message.splitlines() or [""]:
        click.echo(f"error: {line}", err=True)


class VirshCommand(click.Command):
    """A command that, once its arguments parsed, reports its own failure and
    then prints virsh's blank line (which ``-q`` hides), as vshCommandRun does."""

    def invoke(self, ctx: click.Context) -> Any:
        remote = context.state(ctx).remote_uri()
        if remote is not None:
            raise click.exceptions.Exit(forward(ctx, self, remote))
        try:
            result = super().invoke(ctx)
        except MissingOption:
            raise  # a usage error: virsh never ran the command
        except XenvirshError as err:
            report(str(err))
            _blank_line(ctx)
            raise click.exceptions.Exit(1) from None
        _blank_line(ctx)
        return result


# parameters naming a local file, which travels to a remote host on stdin
FILE_PARAMETERS = ("file", "config", "xml")


def forward(ctx: click.Context, cmd: click.Command, uri: Any) -> int:
    """Run this command on the remote host named by a xen+ssh URI."""
    from xenvirsh.drivers.remote import run_remote

    state = context.state(ctx)
    args = ["-q"] if state.quiet else []
    stdin = None
    command_args = [str(ctx.info_name)]
    for param in cmd.params:
        value = ctx.params.get(str(param.name))
        if value is None or value is False:
            continue
        if isinstance(param, click.Option):
            flag = max(param.opts, key=len)
            command_args += [flag] if value is True else [flag, str(value)]
        elif param.name in FILE_PARAMETERS and value is not None:
            stdin = context.read_file(str(value))
            args += ["--input-name", str(value)]
            command_args.append("-")
        else:
            command_args.append(str(value))
    return run_remote(uri, args + command_args, stdin=stdin, tty=cmd.name == "console")


def _blank_line(ctx: click.Context) -> None:
    if not context.state(ctx).quiet:
        click.echo()


command = functools.partial(click.command, cls=VirshCommand)


def connection(ctx: click.Context) -> Any:
    """The command's connection, opened on first use."""
    from xenvirsh.connection import open_connection

    state = context.state(ctx)
    if state.connection is None:
        state.connection = open_connection(state.uri)
    return state.connection
