"""The ``xenvirsh`` command: virsh's global options, messages and exit codes.

Commands live in modules of their own and are thin: they parse, call the
library and print. This module turns every failure into virsh's one-line
``error: ...`` on stderr with exit status 1, and prints virsh's extra blank
line after each command unless ``-q`` is given.
"""

from __future__ import annotations

import os
import sys
from typing import List, Optional

import click

from xenvirsh import __version__
from xenvirsh.cli import context
from xenvirsh.cli.options import report
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
}


class VirshGroup(click.Group):
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
        command = self.get_command(ctx, name)
        if command is None:
            raise click.UsageError(f"unknown command: '{name}'", ctx)
        return name, command, args[1:]


@click.group(cls=VirshGroup, context_settings=CONTEXT_SETTINGS,
             invoke_without_command=False)
@click.option("-c", "--connect", "uri", metavar="URI",
              help="Hypervisor connection URI (default: $XENVIRSH_DEFAULT_URI, "
                   "$LIBVIRT_DEFAULT_URI, then xen:///system).")
@click.option("-q", "--quiet", is_flag=True, help="Quiet mode: print only the results.")
@click.option("--input-name", hidden=True,
              help="Name to report for a file read from stdin (used by xen+ssh).")
@click.version_option(__version__, "-v", "--version", message="%(version)s")
@click.pass_context
def cli(ctx: click.Context, uri: Optional[str], quiet: bool, input_name: Optional[str]) -> None:
    """A virsh-style command line for Xen Dom0."""
    ctx.obj = context.State(uri=uri, quiet=quiet, input_name=input_name)


def main(argv: Optional[List[str]] = None) -> None:
    """Run one command; exit 0 on success, 1 on any failure."""
    sys.exit(run(sys.argv[1:] if argv is None else argv))


def run(argv: List[str]) -> int:
    try:
        # without standalone mode, Click returns the code of an Exit it caught
        status = cli.main(args=argv, prog_name="xenvirsh", standalone_mode=False)
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.exceptions.Abort:
        return 1
    except click.ClickException as err:
        report(_usage_message(err))
        return 1
    except XenvirshError as err:
        report(str(err))
        return 1
    except KeyboardInterrupt:
        return 1
    except Exception as err:  # a bug: still one line, the traceback on request
        if os.environ.get("XENVIRSH_DEBUG"):
            raise
        report(f"internal error: {type(err).__name__}: {err} "
               "(set XENVIRSH_DEBUG=1 for a traceback)")
        return 1
    return status if isinstance(status, int) else 0


def _usage_message(err: click.ClickException) -> str:
    if isinstance(err, click.MissingParameter) and err.param is not None and err.ctx:
        name = err.param.human_readable_name.lower()
        return f"command '{err.ctx.info_name}' requires <{name}> option"
    return err.format_message()

