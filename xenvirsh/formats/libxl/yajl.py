"""JSON text exactly as libxl's yajl generator prints it (``yajl_gen_beautify``).

Every container opens with its bracket and a newline, members are separated
by ``,`` and a newline and indented four spaces per level, and the closing
bracket follows a newline, so an empty container spans an empty line
(``{\\n\\n    }``). Keys are followed by ``": "``; the document ends with a
newline. Strings escape ``"``, ``\\``, the usual control characters and any
other byte below 0x20, and nothing else (no ``\\/``, no ``\\uXXXX`` above ASCII).
"""

from __future__ import annotations

import re
from typing import Any, List

_INDENT = "    "
# yajl_string_encode: named escapes, other control characters as \u00XX
_ESCAPES = {code: f"\\u{code:04X}" for code in range(0x20)}
_ESCAPES.update({ord('"'): '\\"', ord("\\"): "\\\\", ord("\n"): "\\n", ord("\r"): "\\r",
                 ord("\t"): "\\t", ord("\b"): "\\b", ord("\f"): "\\f"})
_SPECIAL = re.compile(r'[\x00-\x1f"\\]')


def dumps(value: Any) -> str:
    """The beautified text of a value made of dict, list, str, int and bool."""
    out: List[str] = []
    _write(value, 0, out)
    out.append("\n")
    return "".join(out)


def _write(value: Any, depth: int, out: List[str]) -> None:
    if isinstance(value, dict):
        items = [(_string(key), item) for key, item in value.items()]
        _container("{", "}", items, depth, out)
    elif isinstance(value, list):
        _container("[", "]", [(None, item) for item in value], depth, out)
    elif isinstance(value, bool):
        out.append("true" if value else "false")
    elif isinstance(value, int):
        out.append(str(value))
    elif isinstance(value, str):
        out.append(_string(value))
    elif value is None:
        out.append("null")
    else:
        raise TypeError(f"cannot write {type(value).__name__} as libxl JSON")


def _container(opening: str, closing: str, items: List[Any], depth: int,
               out: List[str]) -> None:
    inner = _INDENT * (depth + 1)
    out.append(opening + "\n")
    for index, (key, item) in enumerate(items):
        if index:
            out.append(",\n")
        out.append(inner)
        if key is not None:
            out.append(key + ": ")
        _write(item, depth + 1, out)
    out.append("\n" + _INDENT * depth + closing)


def _string(text: str) -> str:
    if _SPECIAL.search(text):  # rare, and str.translate is slow
        text = text.translate(_ESCAPES)
    return '"' + text + '"'
