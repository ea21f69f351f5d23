"""What every command shares: the global options and how to read input files."""

from __future__ import annotations

import os
import sys
from typing import Any, Optional

import click

from xenvirsh.errors import SystemError_
from xenvirsh.limits import MAX_FILE_SIZE
from xenvirsh.record import dataclass


@dataclass
class State:
    uri: Optional[str] = None
    quiet: bool = False
    # virsh's plain text even on a terminal (--plain)
    plain: bool = False
    # -t: each command's time instead of the blank line after it
    timing: bool = False
    # the name to show for a file read from stdin (set by the xen+ssh forwarder)
    input_name: Optional[str] = None
    connection: Optional[Any] = None  # opened by the first command that needs it
    # in the interactive shell; 'quit' and 'exit' set leaving to end it
    interactive: bool = False
    leaving: bool = False

    def remote_uri(self) -> Optional[Any]:
        """The parsed URI when it names another host (xen+ssh), else None."""
        from xenvirsh.uri import default_uri, parse_uri

        uri = parse_uri(self.uri or default_uri())
        return uri if uri.driver == "ssh" else None

    def file_label(self, path: str) -> str:
        return self.input_name if path == "-" and self.input_name else path


def state(ctx: click.Context) -> State:
    obj = ctx.find_root().obj
    assert isinstance(obj, State)
    return obj


def read_file(path: str) -> bytes:
    """The bytes of ``path`` (``-`` is standard input), with virsh's messages."""
    if path == "-":
        try:
            data = sys.stdin.buffer.read(MAX_FILE_SIZE + 1)
        except OSError as err:
            raise SystemError_(f"Failed to read file '-': {err.strerror}") from None
    else:
        data = _read_file(path, MAX_FILE_SIZE + 1)
    if len(data) > MAX_FILE_SIZE:
        raise SystemError_(f"Failed to read file '{path}': File too large")
    return data


def _read_file(path: str, limit: int) -> bytes:
    """At most ``limit`` bytes of ``path``, failing as virFileReadAll does."""
    try:
        # os.open, not open(): like C's open(), it lets a directory through to
        # the read, which libvirt's message for it names
        fd = os.open(path, os.O_RDONLY)
    except OSError as err:
        raise SystemError_(f"Failed to open file '{path}': {err.strerror}") from None
    chunks = []
    size = 0
    try:
        while size < limit:
            chunk = os.read(fd, min(limit - size, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as err:
        raise SystemError_(f"Failed to read file '{path}': {err.strerror}") from None
    finally:
        os.close(fd)
    return b"".join(chunks)


def echo_text(ctx: click.Context, text: str) -> None:
    """Print a document; like virsh, add a newline when it lacks one."""
    click.echo(text, nl=not text.endswith("\n"))
