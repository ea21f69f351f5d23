"""S-expressions with libvirt 5.5.0's virsexpr.c semantics.

Integer conversions were checked against glibc's strtol/strtoull.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import List

import pytest

from tests.conftest import CONFORMANCE, files, join_continuations, needs_shared
from xenvirsh.errors import InternalError
from xenvirsh.formats import sexpr
from xenvirsh.formats.sexpr import Quoted, SExpr, make

PREFIX = "internal error: parsing sxpr config failed: "


def error(text: str) -> str:
    with pytest.raises(InternalError) as info:
        sexpr.parse(text)
    return str(info.value)


# ----- reading -----


@pytest.mark.parametrize(
    "text, expected",
    [
        ("(a)", make("a")),
        ("()", SExpr([])),
        ("  \n(a b\tc\rd\ve\ff)", make("a", "b", "c", "d", "e", "f")),
        ("(a (b c)(d) e)", make("a", make("b", "c"), make("d"), "e")),
        ("(a 'b c' '(x)' '')", make("a", "b c", "(x)", "")),
        ("(a 'it\\'s' 'back\\\\slash')", make("a", "it\\'s", "back\\\\slash")),
        ("(a 'x\\)y')", make("a", "x\\)y")),
        ("(a b'c d')", make("a", "b'c", "d'")),
        ("(a 'b'c)", make("a", "b", "c")),
        ("(a é 0x1F -3)", make("a", "é", "0x1F", "-3")),
        # libvirt's leniency, which its own test data relies on
        ("(a (b", make("a", make("b"))),
        ("(a))", make("a")),
        ("(a)(b)", make("a")),
        ("(a) trailing 'text", make("a")),
        ("(a 'open", make("a", "open")),
        ("(a 'x\\", make("a", "x\\")),
        ("(a b\0c)", make("a", "b")),
    ],
)
def test_parse(text: str, expected: SExpr) -> None:
    assert sexpr.parse(text) == expected


def test_quoted_atoms_are_marked() -> None:
    root = sexpr.parse("(a 'b' c)")
    assert [type(item) for item in root.items] == [str, Quoted, str]


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "expected '(' at line 1, column 1"),
        ("  \n ", "expected '(' at line 2, column 2"),
        ("domain", "expected '(' at line 1, column 1"),
        ("\n  'x'", "expected '(' at line 2, column 3"),
        (")(a)", "expected '(' at line 1, column 1"),
        ("\0(a)", "expected '(' at line 1, column 1"),
    ],
)
def test_errors(text: str, message: str) -> None:
    assert error(text) == PREFIX + message


def test_nesting_limit() -> None:
    depth = sexpr.MAX_DEPTH
    root = sexpr.parse("(" * depth + ")" * depth)
    for _ in range(depth - 1):
        root = root.items[0]  # type: ignore[assignment]
    assert root == SExpr([])
    start = time.perf_counter()
    too_deep = PREFIX + "lists nested deeper than 100 levels at line 1, column 101"
    assert error("(" * 100000) == too_deep
    assert error("(a\n" + "(b " * 200) == PREFIX + (
        "lists nested deeper than 100 levels at line 2, column 298"
    )
    assert time.perf_counter() - start < 1


def test_large_input_is_refused() -> None:
    text = "(a)" * (50 * 1024 * 1024 // 3)
    start = time.perf_counter()
    assert error(text) == PREFIX + f"input too large ({len(text)} characters; the limit is 1048576)"
    assert time.perf_counter() - start < 1


def test_input_at_the_limit() -> None:
    text = "(" + "()" * (sexpr.MAX_INPUT // 2 - 1) + ")"
    start = time.perf_counter()
    root = sexpr.parse(text)
    assert len(root.items) == sexpr.MAX_INPUT // 2 - 1
    assert sexpr.dumps(root) == text
    assert time.perf_counter() - start < 5


# ----- paths -----

DOMAIN = sexpr.parse(
    "(domain (domid 3)(name 'guest')(bootloader)(on_crash 'restart')"
    "(image (hvm (kernel '/k')(serial (none /dev/ttyS1))(vnc 1)))"
    "(device (vbd (dev 'hda:disk')(uname 'phy:/dev/x')))"
    "(device (vif (mac '00:16:3e:00:00:01')))"
    "(device (vbd (dev 'hdc:cdrom')))"
    "(device (vkbd))"
    "(name 'second'))"
)


@pytest.mark.parametrize(
    "path, found, has, value",
    [
        ("domain", True, True, None),  # the node's second item is a list
        ("domain/name", True, True, "guest"),  # the first of two
        ("domain/bootloader", True, True, None),
        ("domain/image/hvm/kernel", True, True, "/k"),
        ("domain/image/hvm/serial", True, True, None),
        ("domain/image/linux/kernel", False, False, None),
        ("domain/device/vbd/dev", True, True, "hda:disk"),
        ("vm/name", False, False, None),
        ("domain/name/guest", False, False, None),
        ("", False, False, None),
    ],
)
def test_lookups(path: str, found: bool, has: bool, value: object) -> None:
    assert (DOMAIN.find(path) is not None) == found
    assert DOMAIN.has(path) == has
    assert DOMAIN.value(path) == value


def test_lookup_rest() -> None:
    assert DOMAIN.lookup("domain/bootloader") is None
    assert DOMAIN.lookup("domain/missing") is None
    assert DOMAIN.lookup("domain/image/hvm/serial") == [make("none", "/dev/ttyS1")]
    assert DOMAIN.lookup("domain/domid") == ["3"]


def test_lookups_see_items_added_after_a_lookup() -> None:
    node = sexpr.parse("(vm (name 'a')(image (linux (kernel '/k'))))")
    assert node.find("vm/memory") is None
    node.items.append(make("memory", 400))
    node.items.append(make("name", "b"))
    assert node.value("vm/memory") == "400"
    assert node.value("vm/name") == "a"  # still the first one
    assert node.value("vm/image/linux/kernel") == "/k"


def test_device_children() -> None:
    """libvirt's loop over the top-level nodes, with sexpr_lookup on each."""
    disks = [node for node in DOMAIN.children() if node.lookup("device/vbd") is not None]
    assert [node.value("device/vbd/dev") for node in disks] == ["hda:disk", "hdc:cdrom"]
    assert [node.value("device/vbd/uname") for node in disks] == ["phy:/dev/x", None]
    assert [node.has("device/vkbd") for node in DOMAIN.children()].count(True) == 1
    assert [node.lookup("device/vkbd") for node in DOMAIN.children()] == [None] * 10
    assert DOMAIN.head == "domain"
    assert SExpr([]).head is None
    assert make(make("a")).head is None


@pytest.mark.parametrize(
    "text, as_int, as_u64",
    [
        ("0x1f", 31, 31),
        ("010", 8, 8),
        ("08", 0, 0),
        ("0009", 0, 0),
        (" 12abc", 12, 12),
        ("\t\n-0x10", -16, 18446744073709551600),
        ("+7", 7, 7),
        ("-5", -5, 18446744073709551611),
        ("- 5", 0, 0),
        ("0x", 0, 0),
        ("1e3", 1, 1),
        ("", 0, 0),
        ("2147483648", -2147483648, 2147483648),
        ("4294967296", 0, 4294967296),
        ("99999999999999999999", -1, 18446744073709551615),
        ("-99999999999999999999", 0, 18446744073709551615),
        ("-18446744073709551615", 0, 1),
        ("0x" + "f" * 30, -1, 18446744073709551615),
        ("1" + "0" * 5000, -1, 18446744073709551615),
    ],
)
def test_numbers(text: str, as_int: int, as_u64: int) -> None:
    node = make("d", make("v", Quoted(text)))
    assert (node.int_value("d/v"), node.u64_value("d/v")) == (as_int, as_u64)


def test_missing_numbers_are_zero() -> None:
    assert (DOMAIN.int_value("domain/memory"), DOMAIN.u64_value("domain/memory")) == (0, 0)
    assert DOMAIN.int_value("domain/domid") == 3


# ----- writing -----


@pytest.mark.parametrize(
    "node, text",
    [
        (make("vm"), "(vm)"),
        (SExpr([]), "()"),
        (make("vm", make("name", Quoted("x")), make("memory", 400)), "(vm (name 'x')(memory 400))"),
        (make("serial", make("none", "/dev/ttyS1")), "(serial (none /dev/ttyS1))"),
        (make("a", make("b"), "c", make("d"), make("e"), "f"), "(a (b) c (d)(e) f)"),
        (make("device", make("vkbd")), "(device (vkbd))"),
        (make("uname", Quoted("file:/root/'\\some.img")), "(uname 'file:/root/\\'\\\\some.img')"),
        (make("x", Quoted("")), "(x '')"),
        (make("n", True, -1), "(n 1 -1)"),
    ],
)
def test_dumps(node: SExpr, text: str) -> None:
    assert sexpr.dumps(node) == text


def test_dumps_deep_tree_without_recursion() -> None:
    node = make("leaf")
    for _ in range(100000):
        node = make(node)
    text = sexpr.dumps(node)
    assert text == "(" * 100000 + "(leaf)" + ")" * 100000


def test_round_trip_is_not_symmetric() -> None:
    """Backslashes stay on input and are escaped on output (xml2sexpr 'escape')."""
    root = sexpr.parse("(uname 'file:/root/\\'\\\\some.img')")
    assert root.value("uname") == "file:/root/\\'\\\\some.img"
    assert sexpr.dumps(root) == "(uname 'file:/root/\\\\\\'\\\\\\\\some.img')"


def _sexpr_files(folder: str) -> List[Path]:
    return list(files(CONFORMANCE / folder, "*.sexpr")) if CONFORMANCE.is_dir() else []


@needs_shared()
@pytest.mark.parametrize("path", _sexpr_files("xml2sexpr"), ids=lambda p: p.name)
def test_formatter_outputs_round_trip(path: Path) -> None:
    """Quoted atoms are kept as such, so libvirt's outputs are written back unchanged,
    except the escaped path of 'escape', whose backslashes are escaped once more."""
    text = join_continuations(path.read_text()).rstrip("\n")
    escaped = "'file:/root/\\'\\\\some.img'"
    expected = text.replace(escaped, "'file:/root/\\\\\\'\\\\\\\\some.img'")
    assert (expected != text) == (path.name == "xml2sexpr-escape.sexpr")
    assert sexpr.dumps(sexpr.parse(text)) == expected


@needs_shared()
@pytest.mark.parametrize("path", _sexpr_files("sexpr2xml"), ids=lambda p: p.name)
def test_xend_inputs_parse(path: Path) -> None:
    root = sexpr.parse(join_continuations(path.read_text()))
    assert root.head == "domain"
    assert root.value("domain/name")
