"""xenvirsh: a virsh-style command line for Xen Dom0, talking to libxl directly.

The library behind the command line, for scripts::

    import xenvirsh

    xml = xenvirsh.convert(text, from_format="xen-xl", to_format="xml")
    conn = xenvirsh.connect("test:///default")
    print([record.name for record in conn.domains()])

Failures raise :class:`xenvirsh.errors.XenvirshError` with virsh's message.
Importing the package loads nothing else: each function imports what it needs.
"""

from __future__ import annotations

# typing.TYPE_CHECKING without importing typing, which costs more than the rest
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional, Union

    from xenvirsh.connection import Connection
    from xenvirsh.host import Host

__version__ = "0.1.0"

__all__ = ["__version__", "connect", "convert"]


def convert(data: Union[str, bytes], *, from_format: str, to_format: str,
            host: Optional[Host] = None, secure: bool = False) -> str:
    """Convert a domain definition between libvirt's domain XML (``"xml"``)
    and Xen's native formats (``"xen-xl"``, ``"xen-xm"``, ``"xen-sxpr"``;
    ``"libxl-json"`` as output only), byte for byte as virsh's
    ``domxml-from-native``, ``domxml-to-native`` and ``native-convert``.

    ``host`` describes the host the guest is for (default: libvirt's test
    host, as the command line uses without Xen); ``secure`` keeps passwords
    in XML output.
    """
    from xenvirsh import conversion
    from xenvirsh.host import TEST_HOST

    return conversion.convert(data, from_format=from_format, to_format=to_format,
                              host=host or TEST_HOST, secure=secure)


def connect(uri: Optional[str] = None) -> Connection:
    """Open a connection, as ``xenvirsh -c URI`` does: ``xen:///system`` (this
    Dom0, through libxl) or ``test:///default`` (the simulated host). The
    default is ``$XENVIRSH_DEFAULT_URI``, ``$LIBVIRT_DEFAULT_URI``, then
    ``xen:///system``. ``xen+ssh://`` URIs are served by the command line only.
    """
    from xenvirsh.connection import open_connection

    return open_connection(uri)
