"""Host commands: nodeinfo, capabilities, version, uri."""

from __future__ import annotations

import click

from xenvirsh import __version__
from xenvirsh.cli import json_output
from xenvirsh.cli.context import echo_text
from xenvirsh.cli.options import command, connection
from xenvirsh.cli.render import nodeinfo_fields, show_fields


@command()
@json_output.json_option
@click.pass_context
def nodeinfo(ctx: click.Context, as_json: bool) -> None:
    """Show basic information about the host."""
    info = connection(ctx).node_info()
    if as_json:
        json_output.echo(json_output.node_info(info))
    else:
        show_fields(ctx, nodeinfo_fields(info), 20)


@command()
@click.pass_context
def capabilities(ctx: click.Context) -> None:
    """Print the host's capabilities as libvirt's capabilities XML."""
    from xenvirsh.capabilities import format_capabilities

    echo_text(ctx, format_capabilities(connection(ctx).host))


@command()
@json_output.json_option
@click.pass_context
def version(ctx: click.Context, as_json: bool) -> None:
    """Show the xenvirsh version and the running hypervisor's."""
    conn = connection(ctx)
    if as_json:
        json_output.echo(json_output.version(__version__, conn.hypervisor.hypervisor_version()))
        return
    click.echo(f"Compiled against library: xenvirsh {__version__}")
    click.echo(f"Using library: xenvirsh {__version__}")
    click.echo(f"Using API: Xen {__version__}")
    click.echo(f"Running hypervisor: Xen {conn.hypervisor.hypervisor_version()}")


@command()
@click.pass_context
def uri(ctx: click.Context) -> None:
    """Print the connection URI."""
    click.echo(connection(ctx).uri)


COMMANDS = {
    "nodeinfo": nodeinfo,
    "capabilities": capabilities,
    "version": version,
    "uri": uri,
}
