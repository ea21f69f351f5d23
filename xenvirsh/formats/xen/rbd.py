"""Ceph RBD disk targets of xl configs, both ways.

Parse (libvirt's virStorageSourceParseRBDColonString):
``rbd:[POOL/]IMAGE[@SNAPSHOT][:OPTION...]``, options separated by ``:``
(a backslash protects the next character), of which ``id=`` (the cephx user),
``mon_host=`` (hosts separated by ``\\;``, ``\\,`` or ``\\ ``, each
``NAME[\\:PORT]`` or ``[IPV6][\\:PORT]``) and ``conf=`` are kept.
Format (xenFormatXLDiskSrcNet): ``rbd:POOL/IMAGE:auth_supported=none`` and the
monitor hosts.
"""

from __future__ import annotations

from typing import List, Optional

from xenvirsh import cnum
from xenvirsh.errors import ConfigUnsupported, InternalError, InvalidArgument
from xenvirsh.model.domain import Disk, DiskAuth, NetHost

PREFIX = "rbd:"
_HOST_SEPARATORS = frozenset(",; ")
_PORT_MAX = 65535


def image_name(disk: Disk) -> Optional[str]:
    """libvirt's ``src->path`` of an RBD disk: the image without its pool."""
    if disk.path is None or disk.protocol not in ("rbd", "gluster"):
        return disk.path
    pool, slash, image = disk.path.partition("/")
    return image if slash else pool


def parse_rbd(text: str, disk: Disk) -> None:
    """Fill a network disk from an RBD string (with or without ``rbd:``)."""
    if text.startswith(PREFIX):
        text = text[len(PREFIX):]
    disk.type = "network"
    disk.protocol = "rbd"
    name, colon, options = text.partition(":")
    name, at, snapshot = name.partition("@")
    if at:
        disk.snapshot = snapshot
    disk.path = name
    if colon:
        for option in _options(options):
            _option(disk, option, image_name(disk) or "")


def _options(text: str) -> List[str]:
    """Split at ':' not protected by a backslash (the backslashes stay)."""
    found: List[str] = []
    start = pos = 0
    while pos < len(text):
        if text[pos] == "\\":
            pos += 2
            continue
        if text[pos] == ":":
            found.append(text[start:pos])
            start = pos + 1
        pos += 1
    found.append(text[start:])
    return found


def _option(disk: Disk, option: str, image: str) -> None:
    if option.startswith("id="):
        if disk.auth is not None:
            raise InternalError(f"duplicate 'id' found in '{image}'")
        disk.auth = DiskAuth(username=option[3:], secret_type="ceph")
    if option.startswith("mon_host="):
        for host in _monitor_hosts(option[len("mon_host="):]):
            disk.hosts.append(_host(host))
    if option.startswith("conf="):
        disk.config_file = option[5:]


def _monitor_hosts(text: str) -> List[str]:
    hosts: List[str] = []
    start = pos = 0
    while pos < len(text):
        if text[pos] == "\\" and text[pos + 1 : pos + 2] in _HOST_SEPARATORS:
            hosts.append(text[start:pos])
            pos += 2
            start = pos
            continue
        pos += 1
    if start < len(text):
        hosts.append(text[start:])
    return hosts


def _host(text: str) -> NetHost:
    """virStorageSourceRBDAddHost: ``NAME[\\:PORT]`` or ``[ADDRESS]\\:PORT``."""
    port_text: Optional[str] = None
    bracket = text.find("]")
    if bracket >= 0:
        name, port_text = text[1:bracket], text[bracket + 3:]
    else:
        name, sep, rest = text.partition("\\:")
        port_text = rest if sep else None
    host = NetHost(name=":".join(name.split("\\:")))
    if port_text is not None:
        host.port = _port(port_text)
    return host


def _port(text: str) -> int:
    """virStringParsePort."""
    port = cnum.to_uint(text, positive=True)  # virStrToLong_uip
    if port is None:
        raise InvalidArgument(f"failed to parse port number '{text}'")
    if port > _PORT_MAX:
        raise InvalidArgument(f"port '{text}' out of range")
    return port


def format_rbd(disk: Disk) -> str:
    """The xl target of an RBD network disk."""
    image = image_name(disk) or ""
    if ":" in image:
        raise ConfigUnsupported(f"':' not allowed in RBD source volume name '{image}'")
    # libvirt's virBufferStrcat stops at the missing pool: a bare "rbd:" then
    pool_image = disk.path if disk.path and "/" in disk.path else ""
    text = f"{PREFIX}{pool_image}:auth_supported=none"
    if disk.hosts:
        text += ":mon_host=" + "\\\\;".join(map(_format_host, disk.hosts))
    return text


def _format_host(host: NetHost) -> str:
    name = host.name or ""
    text = "[" + name.replace(":", "\\:") + "]" if ":" in name else name
    if host.port:
        text += f"\\\\:{host.port}"
    return text
