#!/usr/bin/env python3
"""Write man/xenvirsh.1: the commands and options from the Click definitions,
the other sections from the text below, rendered as roff.

    python3 man/generate.py          # rewrite man/xenvirsh.1
    python3 man/generate.py --check  # exit 1 when man/xenvirsh.1 is out of date

The page is never edited by hand; tests/ui/test_manpage.py fails when it is
stale.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Dict, List, Sequence, Tuple, Union

HERE = Path(__file__).resolve().parent
PAGE = HERE / "xenvirsh.1"
sys.path.insert(0, str(HERE.parent))  # the checkout's xenvirsh, installed or not

import click  # noqa: E402

from xenvirsh import __version__  # noqa: E402
from xenvirsh.cli.main import cli  # noqa: E402
from xenvirsh.formats.registry import NATIVE_FORMATS, READABLE_FORMATS  # noqa: E402

# A section is a list of blocks: a paragraph (str), a definition list
# (list of (term, text)) or an example (Example: lines shown as typed).
Definitions = List[Tuple[str, str]]


class Example(Tuple[str, ...]):
    """Lines shown verbatim."""


Block = Union[str, Definitions, Example]

DESCRIPTION: List[Block] = [
    "xenvirsh manages Xen guests the way virsh(1) does, with no daemon: each command talks "
    "to libxl (libxenlight) directly. It converts domain definitions between libvirt's "
    "domain XML and Xen's native formats byte for byte as libvirt does, and keeps "
    "persistent definitions in its own configuration store.",
    "Commands, options, messages and exit statuses are virsh's. Normal output goes to "
    "standard output and every command ends it with one blank line, which --quiet hides; "
    "errors go to standard error as lines starting with \"error: \".",
    "When standard output is a terminal, list, dominfo and nodeinfo are drawn as aligned "
    "tables with the domain state in colour, errors are coloured and slow operations show a "
    "spinner on standard error. Piped output, --plain and TERM=dumb give virsh's plain text; "
    "NO_COLOR keeps the tables and drops the colours.",
]

SHELL: List[Block] = [
    "Without a COMMAND (or with the shell command), xenvirsh prints virsh's welcome text and "
    "reads commands at the prompt \"xenvirsh # \", all on the connection chosen with "
    "--connect. Each command prints, fails and reports errors exactly as on the command "
    "line; a failing command does not end the shell. A line may hold several commands "
    "separated by \";\"; words are quoted with '...' or \"...\" and \"#\" starts a comment.",
    "On a terminal, the line is edited with readline: TAB completes command names, options, "
    "domain names, format names and file names, and the history is kept between sessions. "
    "help lists the commands, connect URI changes the connection, quit, exit or Ctrl-D "
    "leave.",
]

URIS: List[Block] = [
    [
        ("xen:///system", "This Dom0, through libxl."),
        ("xen+ssh://[user@]host[:port]/system",
         "Another Dom0: xenvirsh runs there over OpenSSH (~/.ssh/config applies); files named "
         "on the command line travel over standard input."),
        ("test:///default",
         "A simulated Xen host kept in a state file: every code path but the hypervisor "
         "calls is the real one."),
    ],
    "The default is $XENVIRSH_DEFAULT_URI, then $LIBVIRT_DEFAULT_URI, then xen:///system. "
    "Other libvirt transports are refused with a message naming these three.",
]

FORMAT_DESCRIPTIONS = {
    "xen-xl": "xl.cfg(5), the configuration files of xl(1).",
    "xen-xm": "The configuration files of the former xm toolstack; read as data, never "
              "executed.",
    "xen-sxpr": "The S-expressions of the former xend.",
    "libxl-json": "The libxl_domain_config that start hands to libxl (output only).",
}

ENVIRONMENT: List[Block] = [[
    ("XENVIRSH_DEFAULT_URI, LIBVIRT_DEFAULT_URI", "The connection used without --connect."),
    ("XENVIRSH_CONFIG_DIR", "Where persistent definitions live (default /etc/xenvirsh/domains)."),
    ("XENVIRSH_RUN_DIR", "Runtime state (default /run/xenvirsh)."),
    ("XENVIRSH_STATE_DIR", "The domain monitors' state and logs (default /var/lib/xenvirsh)."),
    ("XENVIRSH_TEST_STATE", "The state directory of test:///default (default "
                            "$XDG_STATE_HOME/xenvirsh/test)."),
    ("XENVIRSH_LIBXL", "The libxenlight library to load (a path or a soname)."),
    ("XENVIRSH_SSH, XENVIRSH_REMOTE_COMMAND, XENVIRSH_REMOTE_URI",
     "The ssh client, the program run on the remote host (default xenvirsh) and the URI it "
     "connects to there (default xen:///system), for xen+ssh."),
    ("XENVIRSH_SCHEMA_DIR", "Where --validate finds libvirt's domain.rng (default "
                            "/usr/share/libvirt/schemas)."),
    ("XENVIRSH_HISTSIZE", "Lines of shell history kept (default 500)."),
    ("XDG_STATE_HOME", "Base of the shell history and the simulated host (default "
                       "~/.local/state)."),
    ("NO_COLOR", "Terminal output without colours."),
    ("TERM", "dumb selects plain output on a terminal."),
    ("XENVIRSH_DEBUG", "Show a traceback when xenvirsh fails unexpectedly."),
    ("_XENVIRSH_COMPLETE", "Used by shell completion (see EXAMPLES)."),
]]

FILES: List[Block] = [[
    ("/etc/xenvirsh/domains/NAME.xml", "Persistent domain definitions."),
    ("/etc/xenvirsh/domains/autostart/NAME.xml", "Domains started at boot by autostart-all."),
    ("/run/xenvirsh", "Runtime state."),
    ("/var/lib/xenvirsh/monitor/NAME.log", "The log of a domain's monitor."),
    ("$XDG_STATE_HOME/xenvirsh/history", "The interactive shell's history."),
    ("/usr/share/libvirt/schemas/domain.rng", "libvirt's domain schema, for --validate "
                                              "(Debian package libvirt0)."),
]]

EXIT_STATUS: List[Block] = [
    "0 when the command succeeded, 1 when it failed, as virsh. The interactive shell exits "
    "with 0.",
]

# the keys of each --json document: (key, JSON type, meaning)
JSON_SCHEMAS: Dict[str, List[Tuple[str, str, str]]] = {
    "list": [
        ("id", "integer or null", "the domain id; null when the domain is not running"),
        ("name", "string", "the domain name"),
        ("uuid", "string", "the domain UUID"),
        ("state", "string", "virsh's state: running, idle, paused, in shutdown, shut off, "
                            "crashed, pmsuspended"),
        ("reason", "string", "virsh's reason for the state (domstate --reason)"),
        ("persistent", "boolean", "whether xenvirsh keeps a definition"),
        ("autostart", "boolean", "whether autostart-all starts it"),
        ("owner", "string", "who runs it: xenvirsh, xl (another toolstack) or xen (Domain-0)"),
    ],
    "dominfo": [
        ("id", "integer or null", "the domain id; null when the domain is not running"),
        ("name", "string", "the domain name"),
        ("uuid", "string", "the domain UUID"),
        ("os_type", "string", "hvm, xen (PV) or xenpvh"),
        ("state", "string", "as in list"),
        ("reason", "string", "as in list"),
        ("vcpus", "integer", "current virtual CPUs"),
        ("cpu_time_ns", "integer", "CPU time used, in nanoseconds (0 when not running)"),
        ("max_memory_kib", "integer or null", "maximum memory in KiB; null for no limit"),
        ("used_memory_kib", "integer", "current memory in KiB"),
        ("persistent", "boolean", "as in list"),
        ("autostart", "boolean", "as in list"),
        ("managed_save", "boolean", "always false: Xen has no managed save in xenvirsh"),
        ("owner", "string", "as in list"),
    ],
    "domstate": [
        ("state", "string", "as in list"),
        ("reason", "string", "as in list"),
    ],
    "nodeinfo": [
        ("cpu_model", "string", "the CPU architecture, e.g. x86_64"),
        ("cpus", "integer", "logical CPUs"),
        ("mhz", "integer", "CPU frequency in MHz"),
        ("sockets", "integer", "CPU sockets"),
        ("cores_per_socket", "integer", "cores per socket"),
        ("threads_per_core", "integer", "threads per core"),
        ("numa_cells", "integer", "NUMA nodes"),
        ("memory_kib", "integer", "host memory in KiB"),
    ],
    "version": [
        ("xenvirsh", "string", "the xenvirsh version"),
        ("hypervisor", "string", "always Xen"),
        ("hypervisor_version", "string", "the running Xen's version, e.g. 4.17.0"),
    ],
}

JSON_INTRO: List[Block] = [
    "list, dominfo, domstate, nodeinfo and version accept --json and then print one JSON "
    "document (list: an array with one object per domain, in list's order; the others: one "
    "object), followed like every output by the blank line that --quiet hides. The keys "
    "below keep their names, types and meaning in later releases; new keys may be added. "
    "--json is never coloured, and list --json takes none of --name, --uuid, --id, --table "
    "and --title.",
]

EXAMPLES: List[Block] = [
    "Convert an xl configuration to domain XML, define and start the guest:",
    Example(("xenvirsh domxml-from-native xen-xl /etc/xen/web.cfg > web.xml",
             "xenvirsh define --validate web.xml",
             "xenvirsh start web")),
    "The names of the running domains, from a script:",
    Example(("xenvirsh -q list --json | jq -r '.[].name'",)),
    "Manage another Dom0 over ssh, interactively:",
    Example(("xenvirsh -c xen+ssh://root@dom0.example.org/system",)),
    "Turn on completion in bash, zsh or fish (put the line in ~/.bashrc, ~/.zshrc or "
    "~/.config/fish/completions/xenvirsh.fish):",
    Example(('eval "$(_XENVIRSH_COMPLETE=bash_source xenvirsh)"',
             'eval "$(_XENVIRSH_COMPLETE=zsh_source xenvirsh)"',
             "_XENVIRSH_COMPLETE=fish_source xenvirsh | source")),
]

SEE_ALSO = "virsh(1), xl(1), xl.cfg(5), xl-disk-configuration(5), xl-network-configuration(5)"


# --- roff ---------------------------------------------------------------------

def escape(text: str) -> str:
    """Text for roff: backslashes and hyphens escaped, no line taken as a request."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + text if text.startswith((".", "'")) else text


def bold(text: str) -> str:
    return f"\\fB{escape(text)}\\fR"


def render_blocks(blocks: Sequence[Block]) -> List[str]:
    lines: List[str] = []
    for block in blocks:
        if isinstance(block, Example):
            lines += [".PP", ".RS 4", ".nf", *(escape(line) for line in block), ".fi", ".RE"]
        elif isinstance(block, str):
            lines += [".PP", escape(block)]
        else:
            for term, text in block:
                lines += [".TP", bold(term), escape(text)]
    return lines


def section(title: str, blocks: Sequence[Block]) -> List[str]:
    return [f".SH {title}", *render_blocks(blocks)]


def option_items(command: click.Command, ctx: click.Context) -> Definitions:
    """(``-c, --connect URI``, help) for each documented option."""
    items: Definitions = []
    for param in command.get_params(ctx):
        if not isinstance(param, click.Option) or param.hidden:
            continue
        if set(param.opts) <= set(ctx.help_option_names):  # documented once, in OPTIONS
            continue
        record = param.get_help_record(ctx)
        if record is not None:
            items.append(record)
    return items


def command_section(root: click.Context, name: str) -> List[str]:
    group = root.command
    assert isinstance(group, click.Group)
    command = group.get_command(root, name)
    assert command is not None, name
    ctx = click.Context(command, info_name=name, parent=root)
    usage = " ".join(command.collect_usage_pieces(ctx))
    lines = [f".SS {escape(name)}", f".B xenvirsh {escape(name)}", escape(usage)]
    for paragraph in (command.help or "").split("\n\n"):
        lines += [".PP", escape(" ".join(paragraph.split()))]
    lines += render_blocks([option_items(command, ctx)])
    return lines


def formats_section() -> List[str]:
    missing = set(NATIVE_FORMATS) - set(FORMAT_DESCRIPTIONS)
    assert not missing, f"describe the formats {sorted(missing)}"
    intro = ("FORMAT names a native format. domxml-from-native and the FROM of native-convert "
             f"read {', '.join(READABLE_FORMATS)}; domxml-to-native and the TO of "
             f"native-convert write {', '.join(NATIVE_FORMATS)}.")
    return section("FORMATS", [intro, [(name, FORMAT_DESCRIPTIONS[name])
                                       for name in NATIVE_FORMATS]])


def json_section() -> List[str]:
    lines = section("JSON OUTPUT", JSON_INTRO)
    for command, keys in JSON_SCHEMAS.items():
        lines += [f".SS {escape(command)} \\-\\-json"]
        lines += render_blocks([[(key, f"({kind}) {meaning}.") for key, kind, meaning in keys]])
    return lines


def render() -> str:
    root = click.Context(cli, info_name="xenvirsh", **cli.context_settings)
    lines = [
        '.\\" Generated by man/generate.py from the Click commands; do not edit.',
        f'.TH XENVIRSH 1 "" "xenvirsh {__version__}" "User Commands"',
        ".nh",  # no hyphenation: names, paths and options stay whole
        ".ad l",
        ".SH NAME",
        "xenvirsh \\- a virsh\\-style command line for Xen Dom0",
        ".SH SYNOPSIS",
        ".B xenvirsh",
        "[\\fIOPTIONS\\fR] [\\fICOMMAND\\fR [\\fIARGS\\fR]...]",
        *section("DESCRIPTION", DESCRIPTION),
        *section("OPTIONS", [option_items(cli, root) + [
            ("-h, --help", "Show the help: of xenvirsh, or of a command after its name.")]]),
        ".SH COMMANDS",
    ]
    for name in cli.list_commands(root):
        lines += command_section(root, name)
    lines += section("INTERACTIVE SHELL", SHELL)
    lines += section("CONNECTION URIS", URIS)
    lines += formats_section()
    lines += json_section()
    lines += section("ENVIRONMENT", ENVIRONMENT)
    lines += section("FILES", FILES)
    lines += section("EXIT STATUS", EXIT_STATUS)
    lines += section("EXAMPLES", EXAMPLES)
    lines += [".SH SEE ALSO", escape(SEE_ALSO)]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str]) -> int:
    page = render()
    if list(argv) == ["--check"]:
        if not PAGE.exists() or PAGE.read_text(encoding="utf-8") != page:
            print(f"{PAGE} is out of date: run python3 man/generate.py", file=sys.stderr)
            return 1
        return 0
    if argv:
        print(__doc__, file=sys.stderr)
        return 2
    PAGE.write_text(page, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
