"""Typed reads of virConf settings, with libvirt's errors."""

from __future__ import annotations

import re

import pytest

from xenvirsh.errors import ConfigSyntaxError, InternalError
from xenvirsh.formats import virconf
from xenvirsh.formats.xen import values


def conf(text: str) -> virconf.Conf:
    return virconf.parse(text, dialect="xl")


@pytest.mark.parametrize("text, value", [
    ("x = 1", 1), ("x = 7", 1), ("x = 0", 0), ('x = "1"', 1), ('x = "yes"', 0),
    ('x = ""', 0), ("y = 1", -1),
])
def test_get_bool(text: str, value: int) -> None:
    assert values.get_bool(conf(text), "x", -1) == value


@pytest.mark.parametrize("text", ["x = -1", "x = [ 1 ]", "x = -0"])
def test_get_bool_malformed(text: str) -> None:
    with pytest.raises(InternalError, match="^internal error: config value x was malformed$"):
        values.get_bool(conf(text), "x", 0)


@pytest.mark.parametrize("text, value", [
    ("x = 12", 12), ('x = "12"', 12), ('x = " 12"', 12), ('x = "-1"', 2**64 - 1),
    ("y = 1", 99),
])
def test_get_ulong(text: str, value: int) -> None:
    assert values.get_ulong(conf(text), "x", 99) == value


@pytest.mark.parametrize("text", ["x = -5", 'x = "0x10"', 'x = "12 "', 'x = ""', "x = [ ]"])
def test_get_ulong_malformed(text: str) -> None:
    with pytest.raises(InternalError, match="^internal error: config value x was malformed$"):
        values.get_ulong(conf(text), "x", 0)


def test_get_string() -> None:
    assert values.get_string(conf('x = "a"\nx = "b"'), "x") == "a"  # the first one wins
    assert values.get_string(conf("y = 1"), "x") is None
    with pytest.raises(InternalError) as err:
        values.get_string(conf("x = 1"), "x")
    assert str(err.value) == "internal error: memory conf: expected a string for 'x' parameter"


def test_require_string() -> None:
    with pytest.raises(InternalError, match="^internal error: config value name was missing$"):
        values.require_string(conf(""), "name")


def test_get_uuid() -> None:
    assert (values.get_uuid(conf('u = "C7A5FDB2CDAF9455926AD65C16DB1809"'), "u")
            == "c7a5fdb2-cdaf-9455-926a-d65c16db1809")
    assert re.fullmatch(r"[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}",
                        values.get_uuid(conf(""), "u"))
    with pytest.raises(ConfigSyntaxError) as err:
        values.get_uuid(conf('u = "bogus"'), "u")
    assert str(err.value) == "configuration file syntax error: bogus not parseable"


def test_get_string_list() -> None:
    assert values.get_string_list(conf('x = [ "a", "b" ]'), "x") == ["a", "b"]
    assert values.get_string_list(conf('x = "a"'), "x") is None
    assert values.get_string_list(conf(""), "x") is None
    with pytest.raises(ConfigSyntaxError) as err:
        values.get_string_list(conf('x = [ "a", 1 ]'), "x")
    assert str(err.value) == (
        "configuration file syntax error: memory conf: expected a string list for 'x' parameter"
    )
    with pytest.raises(InternalError) as ierr:
        values.get_string_list(conf('x = "a"'), "x", strict=True)
    assert str(ierr.value) == (
        "internal error: memory conf: expected a string list for 'x' parameter"
    )
