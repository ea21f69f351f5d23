"""Option bundles shared by commands, virsh style.

virsh accepts its arguments both positionally and as options
(``start foo`` or ``start --domain foo``); :func:`virsh_argument` gives a
command both forms and virsh's message when neither is there.
:class:`QuickParsing` is click's parsing without the costs it adds to the
start of every command.
"""

from __future__ import annotations

import functools
import sys
import time
from typing import Any, Callable, List, Optional, Sequence, TypeVar, Union

import click

try:  # click 8.2 and later
    from click.parser import _OptionParser as _ClickParser
except ImportError:  # click 8.0 and 8.1
    from click.parser import OptionParser as _ClickParser  # type: ignore[no-redef]

from xenvirsh.cli import context, terminal
from xenvirsh.cli.completion import complete_domain
from xenvirsh.errors import XenvirshError

F = TypeVar("F", bound=Callable[..., Any])


class MissingOption(XenvirshError):
    """``command 'start' requires <domain> option``."""


# the parameter name of a virsh argument's --NAME form: NAME_option
_OPTION_FORM = "_option"


def virsh_argument(name: str, *, required: bool = True, metavar: Optional[str] = None,
                   help_text: str = "", complete: Optional[Callable[..., Any]] = None,
                   param: Optional[str] = None) -> Callable[[F], F]:
    """A positional argument that may also be given as ``--NAME``; a domain
    completes to the connection's domain names. ``param`` names the function's
    parameter when NAME cannot (``format``)."""
    param = param or name
    option_value = param + _OPTION_FORM
    if complete is None and name == "domain":
        complete = complete_domain

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            positional = kwargs.pop(param)
            given = kwargs.pop(option_value)
            value = given if given is not None else positional
            if value is None and required:
                ctx = click.get_current_context()
                raise MissingOption(f"command '{ctx.info_name}' requires <{name}> option")
            kwargs[param] = value
            return func(*args, **kwargs)

        wrapper = click.argument(param, metavar=metavar or name.upper(), required=False,
                                 shell_complete=complete)(wrapper)
        return click.option(f"--{name}", option_value, metavar=metavar or name.upper(),
                            help=help_text,
                            shell_complete=complete)(wrapper)  # type: ignore[return-value]

    return decorate


def report(lines: Union[str, Sequence[str]], plain: bool = False) -> None:
    """virsh's error lines on stderr (in colour on a terminal unless ``plain``):
    one per item of ``lines``, each kept on one line whatever text from the
    input it quotes (such characters are shown as escapes, as in list's table)."""
    from xenvirsh.cli.render import one_line

    fancy = terminal.styled(sys.stderr, plain)
    for line in map(one_line, [lines] if isinstance(lines, str) else lines):
        if fancy:
            terminal.error(line)
        else:
            click.echo(f"error: {line}", err=True)


HELP_TEXT = "Show this message and exit."


class _ShortOptionParser(_ClickParser):
    """click's parser, trying a two-character option such as ``-c`` only as
    the short option it can only be. click tries every option as a long one
    first, and the failure builds an error that imports ``difflib`` and calls
    gettext, which imports ``locale``: 3 % of a conversion command."""

    # a command's words: only "--" starts an option there, as in vshCommandParse
    data_dash = False

    def _process_opts(self, arg: str, state: Any) -> None:
        if self.data_dash and not arg.startswith("--") and arg not in self._short_opt:
            state.largs.append(arg)  # "-5", "-x": data (a size, a domain name)
        elif len(arg) == 2 and arg not in self._opt_prefixes:
            self._match_short_opt(arg, state)
        else:
            super()._process_opts(arg, state)


def _show_help(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(ctx.get_help(), color=ctx.color)
        ctx.exit()


class QuickParsing(click.Command):
    """Parsing as click does, without the gettext and difflib set-up it adds
    to every start (see :class:`_ShortOptionParser`; click's own help option
    passes its text through gettext too)."""

    _quick_help: Optional[click.Option] = None

    def get_help_option(self, ctx: click.Context) -> Optional[click.Option]:
        names = self.get_help_option_names(ctx)
        if not names or not self.add_help_option:
            return None
        if self._quick_help is None:  # one object: click orders callbacks by identity
            self._quick_help = click.Option(names, is_flag=True, is_eager=True,
                                            expose_value=False, callback=_show_help,
                                            help=HELP_TEXT)
        return self._quick_help

    def make_parser(self, ctx: click.Context) -> _ClickParser:
        parser = _ShortOptionParser(ctx)
        for param in self.get_params(ctx):
            param.add_to_parser(parser, ctx)
        return parser


class VirshCommand(QuickParsing):
    """A command that, once its arguments parsed, reports its own failure and
    then prints virsh's blank line (which ``-q`` hides), as vshCommandRun does."""

    # on a xen+ssh connection the command runs on the remote host, except the
    # commands about xenvirsh itself (help, connect)
    forward_remote = True

    def make_parser(self, ctx: click.Context) -> _ClickParser:
        parser = super().make_parser(ctx)
        assert isinstance(parser, _ShortOptionParser)
        parser.data_dash = True
        return parser

    def parse_args(self, ctx: click.Context, args: List[str]) -> List[str]:
        """click's parsing, with virsh's message for data no argument takes."""
        ctx.allow_extra_args = True
        rest = super().parse_args(ctx, args)
        if ctx.args and not ctx.resilient_parsing:
            raise click.UsageError(f"unexpected data '{ctx.args[0]}'", ctx)
        return rest

    def invoke(self, ctx: click.Context) -> Any:
        remote = context.state(ctx).remote_uri() if self.forward_remote else None
        if remote is not None:
            raise click.exceptions.Exit(forward(ctx, self, remote))
        started = time.perf_counter()
        try:
            result = super().invoke(ctx)
        except MissingOption:
            raise  # a usage error: virsh never ran the command
        except XenvirshError as err:
            report(err.lines(), context.state(ctx).plain)
            _blank_line(ctx, started)
            raise click.exceptions.Exit(1) from None
        _blank_line(ctx, started)
        return result


# parameters naming a local file, which travels to a remote host on stdin
FILE_PARAMETERS = ("file", "config", "xml")


def forward(ctx: click.Context, cmd: click.Command, uri: Any) -> int:
    """Run this command on the remote host named by a xen+ssh URI."""
    from xenvirsh.drivers.remote import run_remote

    state = context.state(ctx)
    args = ["-q"] if state.quiet else []
    if state.timing:
        args.append("-t")
    stdin = None
    command_args = [str(ctx.info_name)]
    positional: List[str] = []
    arguments = {str(param.name) for param in cmd.params if isinstance(param, click.Argument)}
    for param in cmd.params:
        name = str(param.name)
        if isinstance(param, click.Option) and name.endswith(_OPTION_FORM) and \
                name[:-len(_OPTION_FORM)] in arguments:
            continue  # the --NAME form of a virsh argument travels as the argument
        value = ctx.params.get(name)
        if isinstance(param, click.Argument):
            given = ctx.params.get(name + _OPTION_FORM)
            value = given if given is not None else value
        if value is None or value is False:
            continue
        if isinstance(param, click.Argument) and name in FILE_PARAMETERS:
            stdin = context.read_file(str(value))
            args.append(f"--input-name={value}")
            positional.append("-")
        elif isinstance(param, click.Option):
            flag = max(param.opts, key=len)
            # one word: a value starting with "-" stays the option's value
            command_args.append(flag if value is True else f"{flag}={value}")
        else:
            positional.append(str(value))
    # "--": a domain called "-x" is a name on the remote side too, not an option
    command_args += ["--", *positional] if positional else []
    return run_remote(uri, args + command_args, stdin=stdin, tty=cmd.name == "console")


def _blank_line(ctx: click.Context, started: float) -> None:
    """vshCommandRun's end of a command: a blank line, or with -t the time the
    command took; neither with -q."""
    options = context.state(ctx)
    if options.quiet:
        return
    if options.timing:
        click.echo(f"\n(Time: {(time.perf_counter() - started) * 1000:.3f} ms)\n")
    else:
        click.echo()


command = functools.partial(click.command, cls=VirshCommand)


def connection(ctx: click.Context) -> Any:
    """The command's connection, opened on first use."""
    from xenvirsh.connection import open_connection

    state = context.state(ctx)
    if state.connection is None:
        state.connection = open_connection(state.uri)
    return state.connection
