"""``libxl_domain_config`` as an opaque buffer.

The struct is 1232-1400 bytes on x86_64 across 4.13-4.22 and changes with
every release, so Python never looks inside: it is filled and read only
through libxl's own JSON functions (LIBXL.md §1 #3, §7.1).
"""

from __future__ import annotations

import ctypes
from types import TracebackType
from typing import Any, Callable

# Bigger than sizeof(libxl_domain_config) in every supported release (at most
# 1400 bytes); c_uint64 elements make it 8-byte aligned, and ctypes zeroes it.
CONFIG_BUFFER_BYTES = 8192


class DomainConfig:
    """An initialised ``libxl_domain_config``; disposed when the ``with`` block ends.

    ``call(name, *args)`` is the owning context's libxl call (log capture
    included); ``ctx`` its ``libxl_ctx *``.
    """

    def __init__(self, call: Callable[..., Any], ctx: ctypes.c_void_p) -> None:
        self._call = call
        self._ctx = ctx
        self.buffer = (ctypes.c_uint64 * (CONFIG_BUFFER_BYTES // 8))()
        # "Do not call libxl_domain_build_info_init_type before from_json":
        # from_json does that itself and the generated function asserts.
        call("libxl_domain_config_init", self.buffer)

    def load_json(self, text: str) -> None:
        self._call("libxl_domain_config_from_json", self._ctx, self.buffer, text.encode())

    def retrieve(self, domid: int) -> None:
        """Fill from a running domain's ``libxl-json`` userdata."""
        self._call("libxl_retrieve_domain_configuration", self._ctx, domid, self.buffer, None)

    def to_json_pointer(self) -> int:
        """The malloc'd JSON text; the caller frees it."""
        ptr: int = self._call("libxl_domain_config_to_json", self._ctx, self.buffer)
        return ptr

    def __enter__(self) -> DomainConfig:
        return self

    def __exit__(self, exc_type: type[BaseException] | None,
                 exc: BaseException | None, tb: TracebackType | None) -> None:
        self._call("libxl_domain_config_dispose", self.buffer)
