"""domxml-from-native, domxml-to-native and native-convert."""

from __future__ import annotations

from typing import Optional

import click

from xenvirsh.cli.completion import (
    complete_domain,
    complete_file,
    complete_native_format,
    complete_readable_format,
)
from xenvirsh.cli.context import echo_text, read_file, state
from xenvirsh.cli.hosts import conversion_host
from xenvirsh.cli.options import command, virsh_argument
from xenvirsh.cli.validation import checked, validate_option
from xenvirsh.errors import XenvirshError


@command("domxml-from-native")
@click.option("--security-info", is_flag=True,
              help="Include security sensitive information (passwords) in the XML.")
@virsh_argument("format", param="format_", help_text="Source format: xen-xl, xen-xm or xen-sxpr.",
                complete=complete_readable_format)
@virsh_argument("config", help_text="Config file in the native format (- for stdin).",
                complete=complete_file)
@click.pass_context
def domxml_from_native(ctx: click.Context, format_: str, config: str,
                       security_info: bool) -> None:
    """Convert a native guest configuration (FILE, or - for stdin) to domain XML.

    FORMAT is xen-xl, xen-xm or xen-sxpr.
    """
    from xenvirsh.conversion import domxml_from_native as convert

    data = read_file(config)
    host = conversion_host(state(ctx).uri)
    echo_text(ctx, convert(format_, data, host, secure=security_info))


@command("domxml-to-native")
@virsh_argument("format", param="format_",
                help_text="Target format: xen-xl, xen-xm, xen-sxpr or libxl-json.",
                complete=complete_native_format)
@virsh_argument("xml", required=False, help_text="Domain XML file (- for stdin).",
                complete=complete_file)
@click.option("--domain", metavar="DOMAIN", help="Domain name, id or uuid.",
              shell_complete=complete_domain)
@validate_option
@click.pass_context
def domxml_to_native(ctx: click.Context, format_: str, xml: Optional[str],
                     domain: Optional[str], validate: bool) -> None:
    """Convert domain XML (FILE, or - for stdin) to a native guest configuration.

    FORMAT is xen-xl, xen-xm, xen-sxpr or libxl-json.
    """
    from xenvirsh.conversion import domxml_to_native as convert

    if domain is not None:
        from xenvirsh.cli.domain_cmds import domain_definition_xml

        data = domain_definition_xml(ctx, domain).encode()
    elif xml is not None:
        data = read_file(xml)
    else:
        raise XenvirshError("need either domain or domain XML")
    host = conversion_host(state(ctx).uri)
    echo_text(ctx, convert(format_, checked(data, validate), host))


@command("native-convert")
@click.argument("source_format", metavar="FROM", shell_complete=complete_readable_format)
@click.argument("target_format", metavar="TO", shell_complete=complete_native_format)
@click.argument("config", metavar="FILE", shell_complete=complete_file)
@click.pass_context
def native_convert(ctx: click.Context, source_format: str, target_format: str,
                   config: str) -> None:
    """Convert a native configuration FILE from one native format to another.

    For example, xen-xm to xen-xl: the domain goes through the domain model.
    """
    from xenvirsh.conversion import native_convert as convert

    data = read_file(config)
    host = conversion_host(state(ctx).uri)
    echo_text(ctx, convert(source_format, target_format, data, host))


COMMANDS = {
    "domxml-from-native": domxml_from_native,
    "domxml-to-native": domxml_to_native,
    "native-convert": native_convert,
}
