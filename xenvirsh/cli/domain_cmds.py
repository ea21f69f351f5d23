"""Domain commands: define, start, list, dominfo and their companions.

Messages and lookups follow virsh 11.3.0: success lines go to stdout (hidden
by ``-q``), a failure prints virsh's own line and then the error behind it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Tuple, TypeVar

import click

from xenvirsh.cli import json_output
from xenvirsh.cli.completion import complete_file
from xenvirsh.cli.context import echo_text, read_file, state
from xenvirsh.cli.options import command, connection, report, virsh_argument
from xenvirsh.cli.render import domain_rows, dominfo_fields, show_fields, show_table
from xenvirsh.cli.validation import checked, validate_option
from xenvirsh.errors import CommandFailed, XenvirshError

if TYPE_CHECKING:
    from xenvirsh.connection import DomainRecord

F = TypeVar("F", bound=Callable[..., Any])


@contextlib.contextmanager
def failing(message: str) -> Iterator[None]:
    try:
        yield
    except XenvirshError as err:
        raise CommandFailed(message, err) from None


def say(ctx: click.Context, message: str) -> None:
    """A success message: virsh prints it unless quiet."""
    if not state(ctx).quiet:
        click.echo(message)


@command()
@virsh_argument("file", help_text="XML file with the domain definition (- for stdin).",
                complete=complete_file)
@validate_option
@click.pass_context
def define(ctx: click.Context, file: str, validate: bool) -> None:
    """Define (but don't start) a domain from an XML FILE (- for stdin)."""
    conn = connection(ctx)
    label = state(ctx).file_label(file)
    data = read_file(file)  # virsh reads it first: a read error is the only line
    with failing(f"Failed to define domain from {label}"):
        dom = conn.define(checked(data, validate))
    say(ctx, f"Domain '{dom.name}' defined from {label}")


@command()
@virsh_argument("domain", help_text="Domain name, id or uuid.")
@click.pass_context
def undefine(ctx: click.Context, domain: str) -> None:
    """Undefine a domain; a running domain keeps running as a transient one."""
    conn = connection(ctx)
    record = conn.lookup(domain)
    with failing(f"Failed to undefine domain '{domain}'"):
        conn.undefine(record)
    say(ctx, f"Domain '{domain}' has been undefined")


@command()
@virsh_argument("file", help_text="XML file with the domain definition (- for stdin).",
                complete=complete_file)
@click.option("--paused", is_flag=True, help="Leave the guest paused after creation.")
@validate_option
@click.pass_context
def create(ctx: click.Context, file: str, paused: bool, validate: bool) -> None:
    """Create (start) a transient domain from an XML FILE (- for stdin)."""
    conn = connection(ctx)
    label = state(ctx).file_label(file)
    data = read_file(file)
    with failing(f"Failed to create domain from {label}"):
        record = conn.create(checked(data, validate), paused=paused)
    say(ctx, f"Domain '{record.name}' created from {label}")


@command()
@virsh_argument("domain", help_text="Name or uuid of the inactive domain.")
@click.option("--paused", is_flag=True, help="Leave the guest paused after start.")
@click.option("--console", "console_", is_flag=True,
              help="Attach to the guest's console once it has started.")
@click.option("--dry-run", is_flag=True,
              help="Print the libxl domain configuration instead of starting.")
@click.pass_context
def start(ctx: click.Context, domain: str, paused: bool, console_: bool,
          dry_run: bool) -> None:
    """Start a (previously defined) inactive domain."""
    conn = connection(ctx)
    record = conn.lookup(domain, by_id=False)
    if record.active:
        raise XenvirshError("Domain is already active")
    with failing(f"Failed to start domain '{record.name}'"):
        if dry_run:
            echo_text(ctx, conn.libxl_config(conn.definition(record, inactive=True)))
            return
        record = conn.start(record, paused=paused)
    say(ctx, f"Domain '{record.name}' started")
    if console_:
        from xenvirsh.cli.lifecycle_cmds import attach_console

        attach_console(ctx, conn, record)


@command()
@virsh_argument("domain", help_text="Domain name, id or uuid.")
@click.pass_context
def destroy(ctx: click.Context, domain: str) -> None:
    """Destroy (stop immediately) a domain."""
    conn = connection(ctx)
    record = conn.lookup(domain)
    with failing(f"Failed to destroy domain '{domain}'"):
        conn.destroy(record)
    say(ctx, f"Domain '{domain}' destroyed")


@command()
@virsh_argument("domain", help_text="Domain name, id or uuid.")
@click.pass_context
def suspend(ctx: click.Context, domain: str) -> None:
    """Suspend (pause) a running domain."""
    conn = connection(ctx)
    record = conn.lookup(domain)
    with failing(f"Failed to suspend domain '{domain}'"):
        conn.suspend(record)
    say(ctx, f"Domain '{domain}' suspended")


@command()
@virsh_argument("domain", help_text="Domain name, id or uuid.")
@click.pass_context
def resume(ctx: click.Context, domain: str) -> None:
    """Resume a suspended domain."""
    conn = connection(ctx)
    record = conn.lookup(domain)
    with failing(f"Failed to resume domain '{domain}'"):
        conn.resume(record)
    say(ctx, f"Domain '{domain}' resumed")


@command()
@virsh_argument("domain", help_text="Domain name, id or uuid.")
@click.option("--disable", is_flag=True, help="Disable autostarting.")
@click.pass_context
def autostart(ctx: click.Context, domain: str, disable: bool) -> None:
    """Start a persistent domain when the host boots (see xenvirsh-autostart.service)."""
    conn = connection(ctx)
    record = conn.lookup(domain)
    verb = "unmark" if disable else "mark"
    with failing(f"Failed to {verb} domain '{domain}' as autostarted"):
        conn.set_autostart(record, not disable)
    say(ctx, f"Domain '{domain}' {verb}ed as autostarted")


@command("autostart-all")
@click.option("--force", is_flag=True, help="Start them even if this boot already did.")
@click.pass_context
def autostart_all(ctx: click.Context, force: bool) -> None:
    """Start every persistent domain marked autostart that is not running.

    Meant for host boot (the xenvirsh-autostart.service unit): it runs once per
    boot, marked by a file in the runtime directory, unless --force is given.
    """
    conn = connection(ctx)
    if not conn.first_autostart_this_boot() and not force:
        say(ctx, "Autostart already ran during this boot")
        return
    failures = 0
    for name, error in conn.autostart_all():
        if error is None:
            say(ctx, f"Domain '{name}' started")
        else:
            failures += 1
            report([f"Failed to autostart domain '{name}'", *error.lines()], state(ctx).plain)
    if failures:
        raise click.exceptions.Exit(1)


# virsh list's filters, as libvirt's virDomainObjListFilter applies them: a
# domain must pass every group in which an option was given, and passes a group
# when it matches any of the options given there. xenvirsh keeps no snapshots,
# checkpoints or managed-save images, so no domain has one.
_LIST_FILTERS: Tuple[Tuple[str, str, str, Callable[[DomainRecord, str], bool]], ...] = (
    ("persistent", "persistence", "persistent domains",
     lambda record, _state: record.persistent),
    ("transient", "persistence", "transient domains",
     lambda record, _state: not record.persistent),
    ("with-managed-save", "managed save", "domains with a managed save image",
     lambda _record, _state: False),
    ("without-managed-save", "managed save", "domains without a managed save image",
     lambda _record, _state: True),
    ("autostart", "autostart", "domains marked autostart",
     lambda record, _state: record.autostart),
    ("no-autostart", "autostart", "domains not marked autostart",
     lambda record, _state: not record.autostart),
    ("with-snapshot", "snapshot", "domains with snapshots", lambda _record, _state: False),
    ("without-snapshot", "snapshot", "domains without snapshots",
     lambda _record, _state: True),
    ("with-checkpoint", "checkpoint", "domains with checkpoints",
     lambda _record, _state: False),
    ("without-checkpoint", "checkpoint", "domains without checkpoints",
     lambda _record, _state: True),
    ("state-running", "state", "running domains",
     lambda _record, state: state == "running"),
    ("state-paused", "state", "paused domains", lambda _record, state: state == "paused"),
    ("state-shutoff", "state", "shut off domains",
     lambda _record, state: state == "shut off"),
    ("state-other", "state", "domains in other states",
     lambda _record, state: state not in ("running", "paused", "shut off")),
)


def _list_filter_options(func: F) -> F:
    for name, _group, what, _test in reversed(_LIST_FILTERS):
        func = click.option(f"--{name}", is_flag=True, help=f"List {what}.")(func)
    return func


def _selected(records: List[DomainRecord], states: List[str], chosen: Dict[str, bool]
              ) -> List[int]:
    """The indexes of the records the filter options let through."""
    groups: Dict[str, List[Callable[[DomainRecord, str], bool]]] = {}
    for name, group, _what, test in _LIST_FILTERS:
        if chosen[name.replace("-", "_")]:
            groups.setdefault(group, []).append(test)
    return [index for index, (record, state) in enumerate(zip(records, states))
            if all(any(test(record, state) for test in tests) for tests in groups.values())]


@command("list")
@click.option("--inactive", is_flag=True, help="List inactive domains.")
@click.option("--all", "all_", is_flag=True, help="List inactive and active domains.")
@_list_filter_options
@click.option("--managed-save", is_flag=True,
              help="Show 'saved' for domains with a managed save image (none here).")
@click.option("--name", is_flag=True, help="List domain names only.")
@click.option("--uuid", is_flag=True, help="List UUIDs only.")
@click.option("--id", "ids", is_flag=True, help="List domain IDs only.")
@click.option("--table", is_flag=True, help="List in a table (the default).")
@click.option("--title", is_flag=True, help="Show the domain title.")
@json_output.json_option
@click.pass_context
def list_(ctx: click.Context, /, inactive: bool, all_: bool, managed_save: bool, name: bool,
          uuid: bool, ids: bool, table: bool, title: bool, as_json: bool,
          **filters: bool) -> None:
    """List domains: active ones, or inactive ones, or all."""
    del managed_save  # no domain has a managed save image to show as 'saved'
    if table and (name or ids):
        raise XenvirshError(
            f"Options --table and --{'name' if name else 'id'} are mutually exclusive")
    if as_json:
        layout = {"name": name, "uuid": uuid, "id": ids, "table": table, "title": title}
        json_output.refuse_with([option for option, given in layout.items() if given])
    conn = connection(ctx)
    # as cmdList builds its flags: --inactive or --state-shutoff alone select the
    # inactive domains, --all both, whatever else is given
    show_inactive = all_ or inactive or filters["state_shutoff"]
    show_active = all_ or not show_inactive
    records = [r for r in conn.domains() if (show_active if r.active else show_inactive)]
    with_reasons = conn.states(records)
    keep = _selected(records, [current for current, _ in with_reasons], filters)
    records = [records[index] for index in keep]
    with_reasons = [with_reasons[index] for index in keep]
    if as_json:
        json_output.echo([json_output.domain_entry(r, *state)
                          for r, state in zip(records, with_reasons)])
        return
    if table or not (name or uuid or ids):
        titles = [conn.definition(r).title or "" for r in records] if title else None
        states = [current for current, _reason in with_reasons]
        show_table(ctx, *domain_rows(records, states, titles=titles, uuids=uuid and table))
        return
    for record in records:
        if ids and not (uuid or name) and not record.active:
            continue
        fields: List[str] = []
        if uuid:
            fields.append(record.uuid)
        if ids:
            fields.append(str(record.id) if record.active else "-")
        if name:
            fields.append(record.name)
        click.echo(" ".join(fields))


@command()
@virsh_argument("domain", help_text="Domain name, id or uuid.")
@json_output.json_option
@click.pass_context
def dominfo(ctx: click.Context, domain: str, as_json: bool) -> None:
    """Show basic information about a domain."""
    conn = connection(ctx)
    info = conn.info(conn.lookup(domain))
    if as_json:
        json_output.echo(json_output.domain_info(info))
    else:
        show_fields(ctx, dominfo_fields(info), 15)


@command()
@virsh_argument("domain", help_text="Domain name, id or uuid.")
@click.option("--reason", is_flag=True, help="Also print the reason for the state.")
@json_output.json_option
@click.pass_context
def domstate(ctx: click.Context, domain: str, reason: bool, as_json: bool) -> None:
    """Show the state of a domain."""
    conn = connection(ctx)
    current, why = conn.state(conn.lookup(domain))
    if as_json:
        json_output.echo(json_output.domain_state(current, why))
    else:
        click.echo(f"{current} ({why})" if reason else current)


@command()
@virsh_argument("domain", help_text="Domain name or uuid.")
@click.pass_context
def domid(ctx: click.Context, domain: str) -> None:
    """Convert a domain name or UUID to its id."""
    record = connection(ctx).lookup(domain, by_id=False)
    click.echo(str(record.id) if record.active else "-")


@command()
@virsh_argument("domain", help_text="Domain id or uuid.")
@click.pass_context
def domname(ctx: click.Context, domain: str) -> None:
    """Convert a domain id or UUID to its name."""
    click.echo(connection(ctx).lookup(domain, by_name=False).name)


@command()
@virsh_argument("domain", help_text="Domain id or name.")
@click.pass_context
def domuuid(ctx: click.Context, domain: str) -> None:
    """Convert a domain name or id to its UUID."""
    click.echo(connection(ctx).lookup(domain, by_uuid=False).uuid)


@command()
@virsh_argument("domain", help_text="Domain name, id or uuid.")
@click.option("--inactive", is_flag=True, help="Show the inactive (persistent) definition.")
@click.option("--security-info", is_flag=True, help="Include passwords.")
@click.pass_context
def dumpxml(ctx: click.Context, domain: str, inactive: bool, security_info: bool) -> None:
    """Print the domain XML."""
    from xenvirsh.formats.domxml import format_domain

    conn = connection(ctx)
    dom = conn.definition(conn.lookup(domain), inactive=inactive)
    echo_text(ctx, format_domain(dom, secure=security_info, inactive=inactive))


def domain_definition_xml(ctx: click.Context, domain: str) -> str:
    """The inactive XML of a domain, for ``domxml-to-native --domain``."""
    from xenvirsh.formats.domxml import format_domain

    conn = connection(ctx)
    return format_domain(conn.definition(conn.lookup(domain), inactive=True), secure=True)


COMMANDS = {
    "define": define,
    "undefine": undefine,
    "create": create,
    "start": start,
    "destroy": destroy,
    "suspend": suspend,
    "resume": resume,
    "autostart": autostart,
    "autostart-all": autostart_all,
    "list": list_,
    "dominfo": dominfo,
    "domstate": domstate,
    "domid": domid,
    "domname": domname,
    "domuuid": domuuid,
    "dumpxml": dumpxml,
}

