"""Lifecycle and resource commands: shutdown, reboot, setmem, setmaxmem, setvcpus."""

from __future__ import annotations

import contextlib
from typing import Any, Callable, Optional, Tuple, TypeVar

import click

from xenvirsh import cnum
from xenvirsh.cli.domain_cmds import failing, say
from xenvirsh.cli.options import command, connection, virsh_argument
from xenvirsh.cli.render import waiting
from xenvirsh.connection import check_memory_size
from xenvirsh.errors import CommandFailed, XenvirshError
from xenvirsh.formats.domxml.tuning import scale_integer

F = TypeVar("F", bound=Callable[..., Any])


def _modes(mode: Optional[str], verb: str) -> Tuple[str, ...]:
    if mode is None:
        return ()
    modes = tuple(m.strip() for m in mode.split(","))
    known = ("acpi", "agent", "initctl", "signal", "paravirt")
    for item in modes:
        if item not in known:
            sep = "," if verb == "shutdown" else ""
            raise XenvirshError(f"Unknown mode {item} value, expecting 'acpi', 'agent', "
                                f"'initctl', 'signal'{sep} or 'paravirt'")
    return modes


@command()
@virsh_argument("domain", help_text="Domain name, id or uuid.")
@click.option("--mode", metavar="MODES",
              help="Shutdown mode: paravirt (a request to the guest's PV drivers) or acpi "
                   "(the power button); default: paravirt, then acpi.")
@click.option("--wait", is_flag=True, help="Wait until the domain has shut down.")
@click.option("--timeout", type=float, metavar="SECONDS", help="Give up waiting after this.")
@click.pass_context
def shutdown(ctx: click.Context, domain: str, mode: Optional[str], wait: bool,
             timeout: Optional[float]) -> None:
    """Gracefully shut down a domain; its on_poweroff action follows."""
    modes = _modes(mode, "shutdown")
    conn = connection(ctx)
    record = conn.lookup(domain)
    with failing(f"Failed to shutdown domain '{domain}'"), \
            waiting(ctx, f"Waiting for domain '{domain}' to shut down", wait):
        conn.shutdown(record, modes=modes, wait=wait, timeout=timeout)
    say(ctx, f"Domain '{domain}' is being shutdown")


@command()
@virsh_argument("domain", help_text="Domain name, id or uuid.")
@click.option("--mode", metavar="MODES", help="Reboot mode: paravirt (the only one on Xen).")
@click.option("--wait", is_flag=True, help="Wait until the old domain is gone.")
@click.option("--timeout", type=float, metavar="SECONDS", help="Give up waiting after this.")
@click.pass_context
def reboot(ctx: click.Context, domain: str, mode: Optional[str], wait: bool,
           timeout: Optional[float]) -> None:
    """Reboot a domain; its on_reboot action follows."""
    modes = _modes(mode, "reboot")
    conn = connection(ctx)
    record = conn.lookup(domain)
    with failing(f"Failed to reboot domain '{domain}'"):
        if any(m != "paravirt" for m in modes):
            raise XenvirshError(
                f"Operation not supported: reboot mode '{modes[0]}' is not supported by Xen")
        with waiting(ctx, f"Waiting for domain '{domain}' to reboot", wait):
            conn.reboot(record, wait=wait, timeout=timeout)
    say(ctx, f"Domain '{domain}' is being rebooted")


def _exclusive(live: bool, config: bool, current: bool) -> None:
    """VSH_EXCLUSIVE_OPTIONS_VAR: checked before anything else runs."""
    if current and (live or config):
        other = "live" if live else "config"
        raise XenvirshError(f"Options --current and --{other} are mutually exclusive")


def _scopes(live: bool, config: bool, current: bool, default_live: bool,
            active: bool, persistent: bool) -> Tuple[bool, bool]:
    """virsh's --live/--config/--current, resolved as libvirt does."""
    if not (live or config or current):
        if default_live:
            live = True
        else:
            current = True
    if current:
        live, config = active, not active
    if live and not active:
        raise XenvirshError("Requested operation is not valid: domain is not running")
    if config and not persistent:
        raise XenvirshError(
            "Requested operation is not valid: transient domains do not have any persistent "
            "config")
    return live, config


# cmdSetmem's limit on a 64-bit host: ULONG_MAX bytes
_SIZE_MAX = 2**64 - 1


def _size_kib(size: str) -> int:
    """vshCommandOptScaledInt as setmem and setmaxmem call it: strtoull's
    number, then virScaleInteger's unit, at most ULONG_MAX bytes. A bad unit
    or an overflow is a libvirt error, which virsh prints after its own."""
    malformed = f"Scaled numeric value '{size}' for <size> option is malformed or out of range"
    number = cnum.scan(size)
    if number is None or number[1] or number[0] > _SIZE_MAX:  # virStrToLong_ullp
        raise XenvirshError(malformed)
    try:
        size_bytes = scale_integer(number[0], size[number[2]:], 1024, _SIZE_MAX)
    except XenvirshError as cause:
        raise CommandFailed(malformed, cause) from None
    return -(-size_bytes // 1024)


_SCOPE_OPTIONS = (
    click.option("--config", is_flag=True, help="Affect the next boot."),
    click.option("--live", is_flag=True, help="Affect the running domain."),
    click.option("--current", is_flag=True, help="Affect the current state of the domain."),
)


def scope_options(func: F) -> F:
    for option in reversed(_SCOPE_OPTIONS):
        func = option(func)
    return func


@command()
@virsh_argument("domain", help_text="Domain name, id or uuid.")
@virsh_argument("size", help_text="New memory size, as scaled integer (default KiB).")
@scope_options
@click.pass_context
def setmem(ctx: click.Context, domain: str, size: str, config: bool, live: bool,
           current: bool) -> None:
    """Change the memory allocation (balloon target) of a domain."""
    _set_memory(ctx, domain, size, config, live, current, maximum=False)


@command()
@virsh_argument("domain", help_text="Domain name, id or uuid.")
@virsh_argument("size", help_text="New maximum memory size, as scaled integer (default KiB).")
@scope_options
@click.pass_context
def setmaxmem(ctx: click.Context, domain: str, size: str, config: bool, live: bool,
              current: bool) -> None:
    """Change the maximum memory limit of a domain."""
    _set_memory(ctx, domain, size, config, live, current, maximum=True)


def _set_memory(ctx: click.Context, domain: str, size: str, config: bool, live: bool,
                current: bool, *, maximum: bool) -> None:
    """cmdSetmem and cmdSetmaxmem: options, domain and size are checked by virsh
    in this order; what follows is the API call, whose failure setmaxmem
    announces with a line of its own."""
    _exclusive(live, config, current)
    conn = connection(ctx)
    record = conn.lookup(domain)
    kib = _size_kib(size)
    with failing("Unable to change MaxMemorySize") if maximum else contextlib.nullcontext():
        check_memory_size(kib)
        # without flags, setmem changes the running domain, setmaxmem the current state
        live, config = _scopes(live, config, current, not maximum, record.active,
                               record.persistent)
        conn.set_memory(record, kib, live=live, config=config, maximum=maximum)


@command()
@virsh_argument("domain", help_text="Domain name, id or uuid.")
@virsh_argument("count", help_text="Number of virtual CPUs.")
@click.option("--maximum", is_flag=True, help="Set the maximum (needs --config).")
@scope_options
@click.pass_context
def setvcpus(ctx: click.Context, domain: str, count: str, maximum: bool, config: bool,
             live: bool, current: bool) -> None:
    """Change the number of virtual CPUs of a domain."""
    _exclusive(live, config, current)
    if maximum and not config:
        raise XenvirshError("Option --config is required by option --maximum")  # VSH_REQUIRE_OPTION
    number = cnum.to_int(count)  # vshCommandOptInt
    if number is None or number < 0:
        raise XenvirshError(f"Numeric value '{count}' for <count> option is malformed or "
                            "out of range")
    if number == 0:
        raise XenvirshError("Can't set 0 processors for a VM")
    conn = connection(ctx)
    record = conn.lookup(domain)
    # libvirt's libxl driver does not resolve --current: only --live and --config count
    if not (live or config or current):
        live = True
    if current:
        raise XenvirshError("invalid argument: invalid flag combination: (0x0)")
    conn.set_vcpus(record, number, live=live, config=config, maximum=maximum)


def attach_console(ctx: click.Context, conn: Any, record: Any,
                   devname: Optional[str] = None, force: bool = False) -> None:
    """virsh's console session: a banner, then the raw terminal until Ctrl + ]."""
    import os

    from xenvirsh.console import attach

    if not record.active:
        raise XenvirshError("The domain is not running")
    if not os.isatty(0) and not force:
        raise XenvirshError("Cannot run interactive console without a controlling TTY")
    with waiting(ctx, f"Waiting for the console of domain '{record.name}'"):
        path = conn.console_path(record, devname)
    say(ctx, f"Connected to domain '{record.name}'\nEscape character is ^] (Ctrl + ])")
    attach(path)


@command()
@virsh_argument("domain", help_text="Domain name, id or uuid.")
@click.option("--devname", metavar="NAME", help="Console or serial device (serial0, console1).")
@click.option("--force", is_flag=True, help="Attach even without a controlling terminal.")
@click.option("--safe", is_flag=True, help="Accepted for virsh compatibility.")
@click.pass_context
def console(ctx: click.Context, domain: str, devname: Optional[str], force: bool,
            safe: bool) -> None:
    """Connect the terminal to the guest's console (leave with Ctrl + ])."""
    del safe  # xenconsoled gives one reader per console already
    conn = connection(ctx)
    attach_console(ctx, conn, conn.lookup(domain), devname, force)


COMMANDS = {
    "console": console,
    "shutdown": shutdown,
    "reboot": reboot,
    "setmem": setmem,
    "setmaxmem": setmaxmem,
    "setvcpus": setvcpus,
}
