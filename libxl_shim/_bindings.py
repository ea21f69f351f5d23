"""The declaration table: every C function the shim calls, with its prototype.

One row per function, read like a header: library, name, argument types,
return type, error check, the Xen release that introduced the symbol
(``added``) and the release since which the prototype below is the one in
force (``changed``; a different prototype applied before). Prototypes are
those of Xen 4.17's public headers; the shim supports 4.13 and newer, the
first release with the ``ao_how`` argument on pause/unpause/shutdown/reboot/
send_trigger/set_vcpuonline/retrieve_domain_configuration (LIBXL.md §3).

Pointers to libxl structs are declared ``c_void_p``: the struct layouts
depend on the library version (``_layouts.py``) and are applied in Python.
``ao_how`` arguments are always passed as None, i.e. synchronous calls.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Sequence
from ctypes import POINTER, c_char_p, c_int, c_int64, c_uint, c_uint32, c_uint64, c_ulong, c_void_p
from dataclasses import dataclass
from typing import Any, Callable

from ._errors import error_for
from ._layouts import TimeVal, Version

ErrCheck = Callable[[Any, Any, tuple[Any, ...]], Any]

XENLIGHT = "xenlight"
TOOLLOG = "xentoollog"
LIBC = "c"


def check_rc(result: int, func: Any, args: tuple[Any, ...]) -> int:
    """libxl's convention: 0 is success, anything else an ``ERROR_*`` code."""
    if result != 0:
        raise error_for(func.__name__, result)
    return result


def check_not_null(result: int | None, func: Any, args: tuple[Any, ...]) -> int:
    """Functions that return a pointer and NULL on failure."""
    if not result:
        raise error_for(func.__name__, None)
    return result


def check_errno(result: int | None, func: Any, args: tuple[Any, ...]) -> int:
    """libc functions: NULL or -1 with errno set."""
    if result is None or result == -1:
        err = ctypes.get_errno()
        raise OSError(err, f"{func.__name__}: {os.strerror(err)}")
    return result


@dataclass(frozen=True)
class Binding:
    name: str
    argtypes: Sequence[Any]
    restype: Any
    errcheck: ErrCheck | None
    lib: str = XENLIGHT
    added: Version = (4, 2)
    changed: Version | None = None


_CTX = c_void_p
_DOMID = c_uint32
_AO_HOW = c_void_p  # const libxl_asyncop_how *, always None
_PTR = c_void_p  # pointer to a version-dependent or opaque libxl struct
_AO = (4, 13)  # ao_how argument added

BINDINGS: tuple[Binding, ...] = (
    # libc: the logger's FILE* and memory that libxl hands over
    Binding("fdopen", [c_int, c_char_p], c_void_p, check_errno, lib=LIBC),
    Binding("fclose", [c_void_p], c_int, check_errno, lib=LIBC),
    Binding("free", [c_void_p], None, None, lib=LIBC),
    Binding("poll", [_PTR, c_ulong, c_int], c_int, None, lib=LIBC),

    # libxentoollog (its own library since 4.7)
    Binding("xtl_createlogger_stdiostream", [c_void_p, c_int, c_uint], c_void_p,
            check_not_null, lib=TOOLLOG, added=(4, 7)),
    Binding("xtl_logger_destroy", [c_void_p], None, None, lib=TOOLLOG, added=(4, 7)),

    # context
    Binding("libxl_ctx_alloc", [POINTER(c_void_p), c_int, c_uint, c_void_p], c_int, check_rc),
    Binding("libxl_ctx_free", [_CTX], c_int, None),
    Binding("libxl_childproc_setmode", [_CTX, _PTR, c_void_p], None, None, added=(4, 3)),

    # host information
    Binding("libxl_get_version_info", [_CTX], c_void_p, check_not_null),
    Binding("libxl_physinfo_init", [_PTR], None, None),
    Binding("libxl_physinfo_dispose", [_PTR], None, None),
    Binding("libxl_get_physinfo", [_CTX, _PTR], c_int, check_rc),

    # domain list, info and names
    Binding("libxl_list_domain", [_CTX, POINTER(c_int)], c_void_p, check_not_null),
    Binding("libxl_dominfo_list_free", [_PTR, c_int], None, None),
    Binding("libxl_dominfo_init", [_PTR], None, None),
    Binding("libxl_dominfo_dispose", [_PTR], None, None),
    Binding("libxl_domain_info", [_CTX, _PTR, _DOMID], c_int, check_rc),
    Binding("libxl_dominfo_to_json", [_CTX, _PTR], c_void_p, check_not_null),
    Binding("libxl_name_to_domid", [_CTX, c_char_p, POINTER(c_uint32)], c_int, check_rc),
    Binding("libxl_domid_to_name", [_CTX, _DOMID], c_void_p, None),  # NULL: no such domain

    # domain configuration (opaque buffer, see _config.py)
    Binding("libxl_domain_config_init", [_PTR], None, None),
    Binding("libxl_domain_config_dispose", [_PTR], None, None),
    Binding("libxl_domain_config_from_json", [_CTX, _PTR, c_char_p], c_int, check_rc,
            added=(4, 5)),
    Binding("libxl_domain_config_to_json", [_CTX, _PTR], c_void_p, check_not_null),
    Binding("libxl_retrieve_domain_configuration", [_CTX, _DOMID, _PTR, _AO_HOW], c_int,
            check_rc, added=(4, 5), changed=_AO),

    # lifecycle
    Binding("libxl_domain_create_new", [_CTX, _PTR, POINTER(c_uint32), _AO_HOW, c_void_p],
            c_int, check_rc),
    Binding("libxl_domain_destroy", [_CTX, _DOMID, _AO_HOW], c_int, check_rc),
    Binding("libxl_domain_pause", [_CTX, _DOMID, _AO_HOW], c_int, check_rc, changed=_AO),
    Binding("libxl_domain_unpause", [_CTX, _DOMID, _AO_HOW], c_int, check_rc, changed=_AO),
    Binding("libxl_domain_shutdown", [_CTX, _DOMID, _AO_HOW], c_int, check_rc, changed=_AO),
    Binding("libxl_domain_reboot", [_CTX, _DOMID, _AO_HOW], c_int, check_rc, changed=_AO),
    Binding("libxl_send_trigger", [_CTX, _DOMID, c_int, c_uint32, _AO_HOW], c_int, check_rc,
            changed=_AO),
    Binding("libxl_domain_rename", [_CTX, _DOMID, c_char_p, c_char_p], c_int, check_rc),
    Binding("libxl_domain_core_dump", [_CTX, _DOMID, c_char_p, _AO_HOW], c_int, check_rc),

    # memory and vcpus (64-bit memkb since 4.8)
    Binding("libxl_set_memory_target", [_CTX, _DOMID, c_int64, c_int, c_int], c_int, check_rc,
            changed=(4, 8)),
    Binding("libxl_domain_setmaxmem", [_CTX, _DOMID, c_uint64], c_int, check_rc,
            changed=(4, 8)),
    Binding("libxl_get_required_shadow_memory", [c_ulong, c_uint], c_ulong, None),
    Binding("libxl_bitmap_init", [_PTR], None, None),
    Binding("libxl_bitmap_dispose", [_PTR], None, None),
    Binding("libxl_cpu_bitmap_alloc", [_CTX, _PTR, c_int], c_int, check_rc),
    Binding("libxl_bitmap_set", [_PTR, c_int], None, None),
    Binding("libxl_set_vcpuonline", [_CTX, _DOMID, _PTR, _AO_HOW], c_int, check_rc,
            changed=_AO),

    # consoles (the returned path is malloc'd)
    Binding("libxl_console_get_tty", [_CTX, _DOMID, c_int, c_int, POINTER(c_void_p)], c_int,
            check_rc),
    Binding("libxl_primary_console_get_tty", [_CTX, _DOMID, POINTER(c_void_p)], c_int,
            check_rc),

    # userdata (/var/lib/xen/userdata-d.<domid>.<uuid>.<userid>)
    Binding("libxl_userdata_store", [_CTX, _DOMID, c_char_p, c_char_p, c_int], c_int,
            check_rc),
    Binding("libxl_userdata_retrieve",
            [_CTX, _DOMID, c_char_p, POINTER(c_void_p), POINTER(c_int)], c_int, check_rc),
    Binding("libxl_userdata_unlink", [_CTX, _DOMID, c_char_p], c_int, check_rc, added=(4, 5)),

    # events: ERROR_NOT_READY and ERROR_BUFFERFULL are ordinary answers of
    # event_check and beforepoll, so _events.py checks their results itself.
    Binding("libxl_evenable_domain_death", [_CTX, _DOMID, c_uint64, POINTER(c_void_p)], c_int,
            check_rc),
    Binding("libxl_evdisable_domain_death", [_CTX, c_void_p], None, None),
    Binding("libxl_event_check", [_CTX, POINTER(c_void_p), c_uint64, c_void_p, c_void_p],
            c_int, None),
    Binding("libxl_event_free", [_CTX, c_void_p], None, None),
    Binding("libxl_osevent_beforepoll", [_CTX, POINTER(c_int), _PTR, POINTER(c_int), TimeVal],
            c_int, None),
    Binding("libxl_osevent_afterpoll", [_CTX, c_int, _PTR, TimeVal], None, None),
)

BINDINGS_BY_NAME = {b.name: b for b in BINDINGS}
