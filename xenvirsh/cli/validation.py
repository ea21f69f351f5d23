"""``--validate``: domain XML against libvirt's RelaxNG schema, as virsh's.

xenvirsh does not ship the schema: it uses the one libvirt installs
(``/usr/share/libvirt/schemas/domain.rng``; on Debian and Ubuntu in the
``libvirt0`` package), or the directory named by ``$XENVIRSH_SCHEMA_DIR``.
"""

from __future__ import annotations

import os

import click

from xenvirsh.errors import XenvirshError

SCHEMA_DIR = "/usr/share/libvirt/schemas"


class SchemaInvalid(XenvirshError):
    """libvirt's VIR_ERR_XML_INVALID_SCHEMA."""

    prefix = "XML document failed to validate against schema"


validate_option = click.option(
    "--validate", is_flag=True,
    help="Check the XML against libvirt's RelaxNG schema (domain.rng) first.")


def checked(data: bytes, validate: bool) -> bytes:
    """``data``, validated first when ``--validate`` was given."""
    if validate:
        validate_domain_xml(data)
    return data


def schema_path() -> str:
    return os.path.join(os.environ.get("XENVIRSH_SCHEMA_DIR") or SCHEMA_DIR, "domain.rng")


def validate_domain_xml(data: bytes) -> None:
    """Raise :class:`SchemaInvalid` with the schema's complaints, on one line,
    unless ``data`` is valid. XML that is not even well formed gets the
    parser's error, as without ``--validate``."""
    from lxml import etree

    from xenvirsh.formats.domxml.safexml import parse_xml

    path = schema_path()
    if not os.path.isfile(path):
        raise XenvirshError(
            f"cannot validate: libvirt's domain schema {path} is not installed (Debian and "
            "Ubuntu ship it in the libvirt0 package; $XENVIRSH_SCHEMA_DIR names another "
            "directory)")
    root = parse_xml(data)
    try:
        schema = etree.RelaxNG(file=path)
    except etree.RelaxNGParseError as err:
        raise XenvirshError(f"internal error: Unable to parse RelaxNG schema '{path}': "
                            f"{err}") from None
    if schema.validate(root):
        return
    # libvirt prints libxml2's complaints one per line; here they share one
    complaints = [f"line {entry.line}: {entry.message.strip()}" if entry.line > 0
                  else entry.message.strip() for entry in schema.error_log]
    raise SchemaInvalid(f"Unable to validate doc against {path}: {'; '.join(complaints)}")
