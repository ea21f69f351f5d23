"""A description of libxl's IDL types and their JSON form.

libxl generates its JSON writers from ``libxl_types.idl`` (``gentypes.py``):
struct fields come out in IDL order, a field whose value equals its default
(the IDL ``init_val``, or zero/NULL/empty) is left out, nested structs are
always written, and a keyed union is written under ``"<keyvar>.<case>"``.
This module describes the type kinds and implements those rules once in
:func:`to_json`; :mod:`xenvirsh.formats.libxl.domain_config` lists the types.

Values are plain Python data: a struct is a ``dict`` from field names to
values (a missing field is at its default), a keyed union's case name is kept
in the enclosing struct under the keyvar name (``b_info["type"] = "hvm"``)
and its fields under the union's field name (``b_info["u"] = {...}``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, FrozenSet, List, Mapping, Optional, Tuple, Union

Json = Any  # what :func:`to_json` returns: dict, list, str, int, bool


@dataclass(frozen=True)
class Builtin:
    """A scalar or container type with a hand-written JSON generator in libxl."""

    name: str
    default: Any  # the value libxl's init gives it (NULL, 0, empty, ...)
    encode: Callable[[Any], Json]
    # the check_default_fn: True for values written as nothing
    is_empty: Optional[Callable[[Any], bool]] = None


@dataclass(frozen=True)
class Enumeration:
    """An IDL enum; values are its lower-case names, as libxl writes them."""

    name: str
    values: Tuple[str, ...]
    default: Optional[str]  # the init_val, else the value numbered 0, else None


@dataclass(frozen=True)
class Field:
    name: str
    type: IdlType
    init: Any = None  # the field's own init_val, when it overrides the type's


@dataclass(frozen=True)
class Struct:
    name: str
    fields: Tuple[Field, ...]
    # the names a value may use: its fields and its keyed unions' keyvars
    names: FrozenSet[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        keyvars = {f.type.keyvar for f in self.fields if isinstance(f.type, KeyedUnion)}
        object.__setattr__(self, "names", frozenset(f.name for f in self.fields) | keyvars)


@dataclass(frozen=True)
class KeyedUnion:
    """A union selected by an enum held in the enclosing struct."""

    keyvar: str
    cases: Mapping[str, Optional[Struct]] = field(default_factory=dict)


@dataclass(frozen=True)
class Array:
    element: IdlType


IdlType = Union[Builtin, Enumeration, Struct, KeyedUnion, Array]


def struct(name: str, *fields: Tuple[Any, ...]) -> Struct:
    """``struct("vnc_info", ("enable", DEFBOOL), ("display", INTEGER, -1), ...)``."""
    return Struct(name, tuple(Field(*spec) for spec in fields))


def to_json(ty: Struct, value: Mapping[str, Any]) -> Dict[str, Json]:
    """The JSON object libxl's ``<type>_gen_json`` writes for a struct value."""
    _check_names(ty, value)
    out: Dict[str, Json] = {}
    for fld in ty.fields:
        ftype = fld.type
        if isinstance(ftype, KeyedUnion):
            case = value.get(ftype.keyvar)
            if not isinstance(case, str) or case not in ftype.cases:
                continue  # no case matches: libxl writes neither key nor value
            members = ftype.cases[case]
            key = f"{ftype.keyvar}.{case}"
            out[key] = to_json(members, value.get(fld.name) or {}) if members else {}
        elif isinstance(ftype, Struct):
            out[fld.name] = to_json(ftype, value.get(fld.name) or {})
        elif not _is_default(fld, value.get(fld.name)):
            out[fld.name] = _encode(ftype, value[fld.name])
    return out


def _is_default(fld: Field, value: Any) -> bool:
    if value is None:
        return True
    ftype = fld.type
    if isinstance(ftype, Array):
        return not value
    if isinstance(ftype, Builtin) and ftype.is_empty is not None:
        return ftype.is_empty(value)
    default = fld.init if fld.init is not None else getattr(ftype, "default", None)
    return bool(value == default)


def _encode(ty: IdlType, value: Any) -> Json:
    if isinstance(ty, Builtin):
        return ty.encode(value)
    if isinstance(ty, Enumeration):
        if value not in ty.values:
            raise ValueError(f"{value!r} is not a libxl_{ty.name}")
        return value
    if isinstance(ty, Array):
        items: List[Json] = [_encode(ty.element, item) for item in value]
        return items
    if isinstance(ty, Struct):
        return to_json(ty, value)
    raise TypeError(f"a keyed union is encoded with its struct, not {value!r}")


def _check_names(ty: Struct, value: Mapping[str, Any]) -> None:
    """Catch misspelt field names, which libxl's C compiler would have caught."""
    unknown = value.keys() - ty.names
    if unknown:
        raise ValueError(f"libxl_{ty.name} has no field {sorted(unknown)[0]!r}")
