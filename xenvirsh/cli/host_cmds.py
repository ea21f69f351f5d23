"""Host commands: nodeinfo, capabilities, version, uri."""

from __future__ import annotations

import click

from xenvirsh import __version__
from xenvirsh.cli.context import echo_text
from xenvirsh.cli.options import command, connection
from xenvirsh.cli.render import format_nodeinfo


@command()
@click.pass_context
def nodeinfo(ctx: click.Context) -> None:
    """Show basic information about the host."""
    click.echo(format_nodeinfo(connection(ctx).node_info()), nl=False)


@command()
@click.pass_context
def capabilities(ctx: click.Context) -> None:
    """Print the host's capabilities as libvirt's capabilities XML."""
    from xenvirsh.capabilities import format_capabilities

    echo_text(ctx, format_capabilities(connection(ctx).host))


@command()
@click.pass_context
def version(ctx: click.Context) -> None:
    """Show the xenvirsh version and the running hypervisor's."""
    conn = connection(ctx)
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
