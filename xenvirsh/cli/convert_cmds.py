"""domxml-from-native, domxml-to-native and native-convert."""

from __future__ import annotations

from typing import Optional

import click

from xenvirsh.cli.context import echo_text, read_file, state
from xenvirsh.cli.hosts import conversion_host
from xenvirsh.cli.options import command
from xenvirsh.errors import XenvirshError


@command("domxml-from-native")
@click.option("--security-info", is_flag=True,
              help="Include security sensitive information (passwords) in the XML.")
@click.argument("format_", metavar="FORMAT")
@click.argument("config", metavar="CONFIG")
@click.pass_context
def domxml_from_native(ctx: click.Context, format_: str, config: str,
                       security_info: bool) -> None:
    """Convert a native guest configuration (FILE, or - for stdin) to domain XML.

    FORMAT is xen-xl, xen-xm or xen-sxpr.
    """
    from xenvirsh.convert import domxml_from_native as convert

    data = read_file(config)
    host = conversion_host(state(ctx).uri)
    echo_text(ctx, convert(format_, data, host, secure=security_info))


@command("domxml-to-native")
@click.argument("format_", metavar="FORMAT")
@click.argument("xml", metavar="XML", required=False)
@click.option("--domain", metavar="DOMAIN", help="Domain name, id or uuid.")
@click.pass_context
def domxml_to_native(ctx: click.Context, format_: str, xml: Optional[str],
                     domain: Optional[str]) -> None:
    """Convert domain XML (FILE, or - for stdin) to a native guest configuration.

    FORMAT is xen-xl, xen-xm, xen-sxpr or libxl-json.
    """
    from xenvirsh.convert import domxml_to_native as convert

    if domain is not None:
        from xenvirsh.cli.domain_cmds import domain_definition_xml

        data = domain_definition_xml(ctx, domain).encode()
    elif xml is not None:
        data = read_file(xml)
    else:
        raise XenvirshError("need either domain or domain XML")
    host = conversion_host(state(ctx).uri)
    echo_text(ctx, convert(format_, data, host))


@command("native-convert")
@click.argument("source_format", metavar="FROM")
@click.argument("target_format", metavar="TO")
@click.argument("config", metavar="FILE")
@click.pass_context
def native_convert(ctx: click.Context, source_format: str, target_format: str,
                   config: str) -> None:
    """Convert a native configuration FILE from one native format to another.

    For example, xen-xm to xen-xl: the domain goes through the domain model.
    """
    from xenvirsh.convert import native_convert as convert

    data = read_file(config)
    host = conversion_host(state(ctx).uri)
    echo_text(ctx, convert(source_format, target_format, data, host))


COMMANDS = {
    "domxml-from-native": domxml_from_native,
    "domxml-to-native": domxml_to_native,
    "native-convert": native_convert,
}
