"""S-expressions as xend wrote them and libvirt 5.5.0 read them (``virsexpr.c``).

Syntax: lists ``( ... )`` of atoms and lists.  An atom is a bare token, running up to
whitespace or a parenthesis, or a single-quoted string.  Inside quotes a backslash only
keeps the next character from ending the string: it stays in the value, there is no
unescaping.  The writer, like libvirt's sxpr formatter, puts :class:`Quoted` atoms in
single quotes with ``\\`` and ``'`` escaped by a backslash, so a round trip is not
symmetric (``'a\\'b'`` reads as ``a\\'b``, which is written back as ``'a\\\\\\'b'``).

The reader is as lenient as libvirt's, whose own test data depends on it: it reads the
list at the start of the text and ignores what follows (``sexpr2xml-pv-vfb-new`` has an
extra ``)``), and the end of the text closes open lists (``sexpr2xml-net-routed`` lacks a
``)``) and an open quoted string.  What libvirt could not convert because the text does
not start with a list, and nesting deeper than :data:`MAX_DEPTH`, give
``InternalError("parsing sxpr config failed: ...")``: libvirt's message, then the reason
and the place.

Path lookups follow libvirt's ``sexpr_lookup`` family: ``domain/image/hvm/kernel`` is
the list whose head is ``domain`` (the node itself), then its first child list headed
``image``, and so on.
"""

from __future__ import annotations

import re
from typing import Dict, Final, Iterator, List, Optional, Union

from xenvirsh import cnum, limits
from xenvirsh.errors import InternalError

# xend configs are a few KiB; the limit bounds the tree (about 90 MB for 1 MiB of "()").
MAX_INPUT: Final = limits.MAX_NATIVE_INPUT
# libvirt recursed without a limit; xend nests five levels deep.
MAX_DEPTH: Final = limits.MAX_NATIVE_DEPTH

_LONG_MIN: Final = -(2**63)
_LONG_MAX: Final = 2**63 - 1
_ULLONG_MAX: Final = 2**64 - 1

# C's isspace() in the C locale; Python's \s would also take Unicode spaces.
_TOKEN: Final = re.compile(
    r"[ \t\n\v\f\r]*"
    r"(?:(\()"  # 1: open
    r"|(\))"  # 2: close
    # 3: quoted; libvirt took a missing closing quote, or a last lone backslash, as the end
    r"|'([^'\\]*(?:\\(?:[\s\S]|\Z)[^'\\]*)*)'?"
    r"|([^ \t\n\v\f\r()'][^ \t\n\v\f\r()]*))"  # 4: bare atom
)


class Quoted(str):
    """An atom that was, or is to be written, in single quotes."""


Item = Union[str, "SExpr"]


class SExpr:
    """A list; ``items[0]`` is normally the head atom.

    Path lookups use an index of the first child list of each head, made on the
    first lookup (libvirt's readers ask a node for dozens of paths) and made
    again when items were added since.  Items are added, never replaced."""

    __slots__ = ("items", "_index", "_indexed")

    def __init__(self, items: List[Item]) -> None:
        self.items = items
        self._index: Optional[Dict[str, SExpr]] = None
        self._indexed = 0  # the number of items the index covers

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SExpr) and self.items == other.items

    def __repr__(self) -> str:
        return f"SExpr({self.items!r})"

    @property
    def head(self) -> Optional[str]:
        first = self.items[0] if self.items else None
        return first if isinstance(first, str) else None

    def children(self) -> Iterator[SExpr]:
        """The list items, in order (libvirt's loops over a node's elements)."""
        return (item for item in self.items if isinstance(item, SExpr))

    def find(self, path: str) -> Optional[SExpr]:
        """The list at ``path``, even if it has nothing after its head (``sexpr_lookup_key``)."""
        first, slash, rest = path.partition("/")
        if self.head != first:
            return None
        node = self
        for name in rest.split("/") if slash else ():
            found = node._first_child(name)
            if found is None:
                return None
            node = found
        return node

    def _first_child(self, head: str) -> Optional[SExpr]:
        items = self.items
        index = self._index
        if index is None or self._indexed != len(items):
            index = {}
            for item in items:
                if isinstance(item, SExpr):
                    first = item.head
                    if first is not None:
                        index.setdefault(first, item)
            self._index = index
            self._indexed = len(items)
        return index.get(head)

    def has(self, path: str) -> bool:
        """Whether the list at ``path`` exists, as in ``(bootloader)`` (``sexpr_has``)."""
        return self.find(path) is not None

    def lookup(self, path: str) -> Optional[List[Item]]:
        """What follows the head at ``path``; None if that is nothing (``sexpr_lookup``)."""
        node = self.find(path)
        return node.items[1:] if node is not None and len(node.items) > 1 else None

    def value(self, path: str) -> Optional[str]:
        """The atom after the head at ``path``, e.g. ``(kernel '/x')`` (``sexpr_node``)."""
        rest = self.lookup(path)
        return rest[0] if rest is not None and isinstance(rest[0], str) else None

    def int_value(self, path: str) -> int:
        """``sexpr_int``: C's strtol(value, NULL, 0) cast to int; 0 if absent."""
        number = _strtol(self.value(path) or "")
        number = max(_LONG_MIN, min(_LONG_MAX, number)) & 0xFFFFFFFF
        return number - (1 << 32) if number >= 1 << 31 else number

    def u64_value(self, path: str) -> int:
        """``sexpr_u64``: C's strtoull(value, NULL, 0); 0 if absent."""
        number = _strtol(self.value(path) or "")
        if abs(number) > _ULLONG_MAX:
            return _ULLONG_MAX
        return number & _ULLONG_MAX


def make(*items: Union[str, int, SExpr]) -> SExpr:
    """A list from atoms (integers are written in decimal) and lists."""
    return SExpr([item if isinstance(item, (str, SExpr)) else str(int(item)) for item in items])


def _strtol(text: str) -> int:
    """The exact value C's strtol/strtoull with base 0 read, before range clamping."""
    number = cnum.scan(text, 0)
    if number is None:
        return 0
    return -number[0] if number[1] else number[0]


# ----- reader -----


def parse(text: str) -> SExpr:
    """Read the list at the start of ``text``, as libvirt's ``string2sexpr`` did.

    Raises ``InternalError`` with the reason and position if there is no list there.
    """
    if len(text) > MAX_INPUT:
        raise InternalError(
            f"parsing sxpr config failed: input too large "
            f"({len(text)} characters; the limit is {MAX_INPUT})"
        )
    nul = text.find("\0")
    src = text if nul < 0 else text[:nul]  # libvirt got a C string
    root: Optional[SExpr] = None
    stack: List[List[Item]] = []
    for match in _TOKEN.finditer(src):  # consecutive: only trailing blanks are skipped
        opening, closing, body, bare = match.groups()
        if opening:
            if len(stack) >= MAX_DEPTH:
                raise _error(src, match.start(1), f"lists nested deeper than {MAX_DEPTH} levels")
            items: List[Item] = []
            if stack:
                stack[-1].append(SExpr(items))
            else:
                root = SExpr(items)
            stack.append(items)
        elif not stack:
            raise _error(src, _token_start(match), "expected '('")
        elif closing:
            stack.pop()
            if not stack:
                break  # libvirt ignored whatever followed
        else:
            stack[-1].append(Quoted(body) if bare is None else bare)
    if root is None:
        raise _error(src, len(src), "expected '('")
    return root


def _token_start(match: re.Match[str]) -> int:
    token = match.group()
    return match.end() - len(token.lstrip(cnum.BLANKS))


def _error(src: str, pos: int, what: str) -> InternalError:
    """The error at ``pos``; line and column are computed only now."""
    line_start = src.rfind("\n", 0, pos) + 1
    line = src.count("\n", 0, line_start) + 1
    return InternalError(
        f"parsing sxpr config failed: {what} at line {line}, column {pos - line_start + 1}"
    )


# ----- writer -----


def dumps(root: SExpr) -> str:
    """One line as libvirt's sxpr formatter writes it: ``(vm (name 'x')(memory 400))``.

    Items are separated by a space, except a list that directly follows a list.
    """
    out = ["("]
    pending = [iter(root.items)]
    after_list: List[Optional[bool]] = [None]  # per level: None before the first item
    while pending:
        item = next(pending[-1], None)
        if item is None:
            pending.pop()
            after_list.pop()
            out.append(")")
            if after_list:
                after_list[-1] = True
            continue
        previous = after_list[-1]
        if isinstance(item, SExpr):
            out.append("(" if previous is not False else " (")
            pending.append(iter(item.items))
            after_list.append(None)
        else:
            out.append(_atom(item) if previous is None else " " + _atom(item))
            after_list[-1] = False
    return "".join(out)


def _atom(text: str) -> str:
    if isinstance(text, Quoted):
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return text
