"""The ``channel`` list of xl configs, both ways (libvirt's xenParseXLChannel and
xenFormatXLChannel).

An entry is ``connection=pty`` or ``connection=socket,path=PATH``, with
``name=NAME``; it becomes a ``<channel>`` with a Xen target of that name.
Only channels with a Xen target are written.
"""

from __future__ import annotations

from typing import List, Optional

from xenvirsh.errors import ConfigUnsupported, InternalError
from xenvirsh.formats.virconf import Conf, Value
from xenvirsh.formats.xen.keyvals import walk_items
from xenvirsh.model.domain import ChrDevice, ChrSource, Domain


def parse_channels(conf: Conf, dom: Domain) -> None:
    value = conf.get("channel")
    for entry in value if isinstance(value, list) else []:
        channel = _channel(entry) if isinstance(entry, str) else None
        if channel is not None:
            dom.devices.channels.append(channel)


def _channel(entry: str) -> Optional[ChrDevice]:
    fields = walk_items(entry)
    if fields is None:
        return None
    connection = name = path = None
    for item in fields:
        if item.startswith("connection="):
            connection = item[len("connection="):]
        elif name is None and item.startswith("name="):
            name = item[len("name="):]
        elif path is None and item.startswith("path="):
            path = item[len("path="):]
    if connection is None:
        raise InternalError(f"channel '{entry}' has no connection=")
    if connection.startswith("socket"):
        source = ChrSource(type="unix", listen=True, path=path)
    elif connection.startswith("pty"):
        source = ChrSource(type="pty")
    else:
        raise InternalError(f"channel '{entry}': unknown connection '{connection}'")
    return ChrDevice(device="channel", source=source, target_type="xen", target_name=name)


def format_channels(conf: Conf, dom: Domain) -> None:
    entries: List[Value] = [_format_channel(c) for c in dom.devices.channels
                            if c.target_type == "xen"]
    if entries:
        conf.set("channel", entries)


def _format_channel(channel: ChrDevice) -> str:
    source = channel.source
    if source.type == "pty":
        text = "connection=pty,"
    elif source.type == "unix":
        text = "connection=socket,"
        if source.path is not None:
            text += f"path={source.path},"
    else:
        raise ConfigUnsupported(f"channel type '{source.type}' has no xl form")
    # libvirt prints a missing name as glibc prints a NULL string
    return text + f"name={'(null)' if channel.target_name is None else channel.target_name}"
