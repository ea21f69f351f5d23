"""The native config formats xenvirsh knows, by their virsh names.

Each format module has ``read(text, host) -> Domain`` (native to model, with
libvirt's post-parse applied) and ``write(dom, host) -> str`` (model to
native text). Modules are imported on first use so that a conversion loads
only the format it needs.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType
from typing import Callable, Dict, Optional

from xenvirsh.errors import InvalidArgument
from xenvirsh.host import Host
from xenvirsh.model.domain import Domain

Reader = Callable[[str, Host], Domain]
Writer = Callable[[Domain, Host], str]

# format name -> module; libxl-json is an output format only
_MODULES: Dict[str, str] = {
    "xen-xl": "xenvirsh.formats.xl",
    "xen-xm": "xenvirsh.formats.xm",
    "xen-sxpr": "xenvirsh.formats.sxpr",
    "libxl-json": "xenvirsh.formats.libxl_json",
}
_OUTPUT_ONLY = frozenset({"libxl-json"})

NATIVE_FORMATS = tuple(_MODULES)
READABLE_FORMATS = tuple(name for name in _MODULES if name not in _OUTPUT_ONLY)


def reader(name: str) -> Reader:
    if name in _OUTPUT_ONLY:
        raise InvalidArgument(f"unsupported config type {name}")
    read: Reader = _module(name).read
    return read


def writer(name: str) -> Writer:
    write: Writer = _module(name).write
    return write


def _module(name: str) -> ModuleType:
    path: Optional[str] = _MODULES.get(name)
    if path is None:
        raise InvalidArgument(f"unsupported config type {name}")
    # import_module runs Python code even for a module already loaded
    return sys.modules.get(path) or importlib.import_module(path)
