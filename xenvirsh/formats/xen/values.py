"""Typed reads of xl and xm settings, with the errors of libvirt's getters.

libvirt's converters never look at a raw virConf value: they go through the
``xenConfigGet*`` helpers of ``xen_common.c`` and ``virConfGetValue*`` of
``virconf.c``, and the accepted shapes (an integer, a decimal string, "1" for
true...) and the messages come from those. A setting that is absent gives the
caller's default. Integers written with a '-' are ``SignedInt`` values, which
every numeric getter refuses, as libvirt's refuse ``VIR_CONF_LLONG``.
"""

from __future__ import annotations

from typing import List, Optional

from xenvirsh import cnum
from xenvirsh.errors import ConfigSyntaxError, InternalError
from xenvirsh.formats.virconf import Conf, SignedInt
from xenvirsh.model.ids import generate_uuid, parse_uuid

# virConfReadString names its input so in messages
_CONF_NAME = "memory conf"


def malformed(name: str) -> InternalError:
    return InternalError(f"config value {name} was malformed")


def _unsigned(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, SignedInt)


def get_bool(conf: Conf, name: str, default: int) -> int:
    """xenConfigGetBool: 1 or 0 (or ``default`` when absent)."""
    value = conf.get(name)
    if value is None:
        return default
    if _unsigned(value):
        return 1 if value else 0
    if isinstance(value, str):
        return 1 if value == "1" else 0
    raise malformed(name)


def get_ulong(conf: Conf, name: str, default: int) -> int:
    """xenConfigGetULong and xenConfigGetULongLong (both 64 bits wide here)."""
    value = conf.get(name)
    if value is None:
        return default
    if isinstance(value, int):
        if _unsigned(value):
            return value
    elif isinstance(value, str):
        number = cnum.to_ulong(value)
        if number is not None:
            return number
    raise malformed(name)


def get_string(conf: Conf, name: str) -> Optional[str]:
    """virConfGetValueString: the string, or None when absent."""
    value = conf.get(name)
    if value is None or isinstance(value, str):
        return value
    raise InternalError(f"{_CONF_NAME}: expected a string for '{name}' parameter")


def require_string(conf: Conf, name: str) -> str:
    """xenConfigCopyString: a string that must be present."""
    value = get_string(conf, name)
    if value is None:
        raise InternalError(f"config value {name} was missing")
    return value


def get_uuid(conf: Conf, name: str) -> str:
    """xenConfigGetUUID: the canonical UUID, a random one when absent."""
    text = get_string(conf, name)
    if text is None:
        return generate_uuid()
    uuid = parse_uuid(text)
    if uuid is None:
        raise ConfigSyntaxError(f"{text} not parseable")
    return uuid


def get_string_list(conf: Conf, name: str, *, strict: bool = False) -> Optional[List[str]]:
    """virConfGetValueStringList: the strings of a list setting, None when absent.

    A list holding a non-string is an error. A single value of another shape is an
    error only when ``strict``: most callers clear that error and take the
    setting as absent.
    """
    value = conf.get(name)
    if not isinstance(value, list):
        if value is not None and strict:
            raise InternalError(f"{_CONF_NAME}: expected a string list for '{name}' parameter")
        return None
    if not all(isinstance(item, str) for item in value):
        raise ConfigSyntaxError(f"{_CONF_NAME}: expected a string list for '{name}' parameter")
    return value  # type: ignore[return-value]  # checked just above
