"""Commands about xenvirsh itself: shell, help, connect, quit and exit."""

from __future__ import annotations

from typing import Optional

import click

from xenvirsh.cli.context import state
from xenvirsh.cli.options import VirshCommand, virsh_argument
from xenvirsh.errors import XenvirshError


class LocalCommand(VirshCommand):
    """Runs here even on a xen+ssh connection, with virsh's blank line."""

    forward_remote = False


@click.command("shell")
@click.pass_context
def shell(ctx: click.Context) -> None:
    """Read commands at an interactive prompt (also: xenvirsh with no COMMAND).

    Commands behave as on the command line. TAB completes commands, options
    and domain names; 'help' lists the commands, 'connect URI' changes the
    connection, 'quit' or 'exit' (or Ctrl-D) leaves.
    """
    from xenvirsh.cli.shell import interact

    current = state(ctx)
    if current.interactive:
        raise XenvirshError("already in the interactive shell")
    raise click.exceptions.Exit(interact(current))


@click.command("help", cls=LocalCommand)
@click.argument("command_name", metavar="COMMAND", required=False)
@click.pass_context
def help_(ctx: click.Context, command_name: Optional[str]) -> None:
    """List the commands, or describe one COMMAND."""
    root = ctx.find_root()
    if command_name is None:
        click.echo(root.get_help())
        return
    group = root.command
    assert isinstance(group, click.Group)
    command = group.get_command(root, command_name)
    if command is None:
        raise XenvirshError(f"command or command group '{command_name}' doesn't exist")
    click.echo(command.get_help(click.Context(command, info_name=command_name, parent=root)))


@click.command("connect", cls=LocalCommand)
@virsh_argument("name", required=False, metavar="URI",
                help_text="The connection URI (default: the current one).")
@click.pass_context
def connect(ctx: click.Context, name: Optional[str]) -> None:
    """Connect to another hypervisor, for the commands that follow."""
    from xenvirsh.cli.context import State

    current = state(ctx)
    uri = name or current.uri
    target = State(uri=uri)
    if target.remote_uri() is None:  # xen+ssh connects for each command
        from xenvirsh.connection import open_connection

        target.connection = open_connection(uri)
    current.uri, current.connection = uri, target.connection


@click.command("quit")
@click.pass_context
def quit_(ctx: click.Context) -> None:
    """Leave the interactive shell."""
    state(ctx).leaving = True


COMMANDS = {
    "shell": shell,
    "help": help_,
    "connect": connect,
    "quit": quit_,
    "exit": quit_,
}
