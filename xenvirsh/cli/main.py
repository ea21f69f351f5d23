"""The ``xenvirsh`` command: virsh's global options, messages and exit codes.

Commands live in modules of their own and are thin: they parse, call the
library and print. This module turns every failure into virsh's one-line
``error: ...`` on stderr with exit status 1, and prints virsh's extra blank
line after each command unless ``-q`` is given.
"""

from __future__ import annotations

import os
import sys
from typing import Any, List, Optional

import click

from xenvirsh import __version__
from xenvirsh.cli import context
from xenvirsh.cli.options import QuickParsing, report
from xenvirsh.errors import XenvirshError

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

# command name -> module under xenvirsh.cli that defines it (imported on demand)
COMMANDS = {
    "domxml-from-native": "convert_cmds",
    "domxml-to-native": "convert_cmds",
    "native-convert": "convert_cmds",
    **dict.fromkeys(
        ("define", "undefine", "create", "start", "destroy", "suspend", "resume",
         "autostart", "autostart-all", "list", "dominfo", "domstate", "domid", "domname", "domuuid",
         "dumpxml"), "domain_cmds"),
    **dict.fromkeys(("shutdown", "reboot", "setmem", "setmaxmem", "setvcpus", "console"),
                    "lifecycle_cmds"),
    **dict.fromkeys(("nodeinfo", "capabilities", "version", "uri"), "host_cmds"),
    **dict.fromkeys(("shell", "help", "connect", "quit", "exit"), "shell_cmds"),
}


class VirshGroup(QuickParsing, click.Group):
    """A group that loads commands lazily and reports errors the way virsh does."""

    def list_commands(self, ctx: click.Context) -> List[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> Optional[click.Command]:
        module_name = COMMANDS.get(cmd_name)
        if module_name is None:
            return None
        module = __import__(f"xenvirsh.cli.{module_name}", fromlist=["COMMANDS"])
        command: click.Command = module.COMMANDS[cmd_name]
        return command

    def resolve_command(
        self, ctx: click.Context, args: List[str]
    ) -> tuple[Optional[str], Optional[click.Command], List[str]]:
        name = args[0]
        # vshParseArgv: one word after the options is a command string, which
        # may hold arguments and several commands ("list --all", "uri; list")
        if len(args) == 1 and not _COMMAND_STRING_CHARS.isdisjoint(name):
            if not ctx.resilient_parsing:
                return name, _command_string(name), []
        command = self.get_command(ctx, name)
        if command is None:
            if ctx.resilient_parsing:  # completing a word that names no command yet
                return None, None, args
            raise click.UsageError(f"unknown command: '{name}'", ctx)
        return name, command, args[1:]


# what makes a word more than a command name for virsh's command-string parser
_COMMAND_STRING_CHARS = frozenset(" \t\r\n'\"\\;#")


def _command_string(text: str) -> click.Command:
    """A command that runs the commands of ``text`` as the shell would."""

    def run_string() -> None:
        from xenvirsh.cli.shell import run_commands, split_commands

        state = click.get_current_context().find_root().obj
        raise click.exceptions.Exit(run_commands(split_commands(text), state))

    return click.Command(text, callback=run_string, add_help_option=False)


def _store(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """Keep a global option given on the command line in the State; the
    interactive shell's State keeps what its command lines leave out."""
    if value is not None and value is not False:
        setattr(ctx.ensure_object(context.State), str(param.name), value)


def _show_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """-v: what click's version_option does, without the gettext set-up it
    costs every command at start."""
    if value and not ctx.resilient_parsing:
        click.echo(__version__)
        ctx.exit()


@click.group(cls=VirshGroup, context_settings=CONTEXT_SETTINGS,
             invoke_without_command=True)
@click.option("-c", "--connect", "uri", metavar="URI", callback=_store, expose_value=False,
              help="Hypervisor connection URI (default: $XENVIRSH_DEFAULT_URI, "
                   "$LIBVIRT_DEFAULT_URI, then xen:///system).")
@click.option("-q", "--quiet", is_flag=True, callback=_store, expose_value=False,
              help="Quiet mode: print only the results.")
@click.option("-t", "--timing", is_flag=True, callback=_store, expose_value=False,
              help="Print the time each command took.")
@click.option("--plain", is_flag=True, callback=_store, expose_value=False,
              help="virsh's plain text even on a terminal: no tables, colours or spinners.")
@click.option("--input-name", hidden=True, callback=_store, expose_value=False,
              help="Name to report for a file read from stdin (used by xen+ssh).")
@click.option("-v", "--version", is_flag=True, is_eager=True, expose_value=False,
              callback=_show_version, help="Show the version and exit.")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """A virsh-style command line for Xen Dom0.

    Without a COMMAND, xenvirsh reads commands at its interactive prompt.
    """
    if ctx.invoked_subcommand is None:
        from xenvirsh.cli.shell import interact

        raise click.exceptions.Exit(interact(ctx.ensure_object(context.State)))


def main(argv: Optional[List[str]] = None) -> None:
    """Run one command; exit 0 on success, 1 on any failure."""
    sys.exit(run(sys.argv[1:] if argv is None else argv))


def run(argv: List[str], state: Optional[context.State] = None) -> int:
    """Run one command line; the interactive shell passes its own ``state``."""
    state = context.State() if state is None else state
    try:
        # without standalone mode, Click returns the code of an Exit it caught
        status = cli.main(args=argv, prog_name="xenvirsh", standalone_mode=False, obj=state)
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.exceptions.Abort:
        return 1
    except click.ClickException as err:
        report(_usage_message(err), state.plain)
        return 1
    except XenvirshError as err:
        report(err.lines(), state.plain)
        return 1
    except KeyboardInterrupt:
        return 1
    except Exception as err:  # a bug: still one line, the traceback on request
        if os.environ.get("XENVIRSH_DEBUG"):
            raise
        report(f"internal error: {type(err).__name__}: {err} "
               "(set XENVIRSH_DEBUG=1 for a traceback)", state.plain)
        return 1
    return status if isinstance(status, int) else 0


def _usage_message(err: click.ClickException) -> str:
    if isinstance(err, click.MissingParameter) and err.param is not None and err.ctx:
        name = err.param.human_readable_name.lower()
        return f"command '{err.ctx.info_name}' requires <{name}> option"
    if isinstance(err, click.NoSuchOption) and err.ctx and err.ctx.parent \
            and err.option_name.startswith("--"):  # a command's option, as virsh says
        return f"command '{err.ctx.info_name}' doesn't support option {err.option_name}"
    return err.format_message()

