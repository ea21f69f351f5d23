"""libvirt's virConf: the reader and writer of xl and xm files.

libvirt reads both xen-xl and xen-xm configs with ``virConfReadString(text, 0)``
(``src/util/virconf.c``), not with Xen's own parser, so this module is what decides
which files convert and which errors they give.  Accepted:

* ``NAME = VALUE`` statements ended by a newline or ``;``; NAME is ASCII ``[A-Za-z][A-Za-z0-9_]*``;
* integers with an optional sign, ``"..."`` and ``'...'`` strings (no escapes, no newline),
  ``\"\"\"...\"\"\"`` strings (may span lines), lists ``[ v, v, ]`` (nested, newlines inside);
* ``#`` comments, on their own line or after a value; both are kept and written back.

Duplicate names are all kept; :meth:`Conf.get` returns the first one, as libvirt does.
The text ends at the first NUL character, because libvirt receives it as a C string.

Errors carry libvirt's exact text as a prefix,
``configuration file syntax error: memory conf:LINE: WHAT``, then ``(column N)``; for xm
files a hint names the Python construct that caused the error, because xm configs were
Python programs that xm executed, while xenvirsh (like libvirt) reads them as data only.
"""

from __future__ import annotations

import ast
import re
import warnings
from typing import Dict, Final, Iterator, List, NamedTuple, Optional, Tuple, Union

from xenvirsh import limits
from xenvirsh.errors import ConfigSyntaxError

Value = Union[int, str, List["Value"]]


class NullString(str):
    """libvirt's NULL string value, which its writer prints as nothing: a list
    item ``NULL_STRING`` makes ``[  ]`` (libvirt's ``usbctrl`` for a bare
    USB controller)."""


NULL_STRING = NullString("")

# Real configs are a few KiB.  libvirt takes up to 4 MiB (its RPC string limit) and virsh
# reads files up to 10 MiB, but 1 MiB keeps the worst case near 45 MB and one second.
MAX_INPUT: Final = limits.MAX_NATIVE_INPUT
# libvirt recurses without a limit; real configs nest lists two deep (vnuma).
MAX_DEPTH: Final = limits.MAX_NATIVE_DEPTH
# xm hints parse at most this much Python source, so that a huge line costs nothing.
MAX_HINT_SOURCE: Final = 64 * 1024

_LLONG_MAX_DIGITS: Final = "9223372036854775807"
_EOL: Final = frozenset("\r\n")
_VALUE_START: Final = frozenset("0123456789+-")


class SignedInt(int):
    """An integer written with a leading ``-`` (libvirt's ``VIR_CONF_LLONG``).

    xen_common's getters accept only unsigned integers (``VIR_CONF_ULLONG``), so any value
    of this type, even ``-0``, is "malformed" for them.
    """


class Entry(NamedTuple):
    """One line of a config: an assignment, or a standalone comment (``name is None``)."""

    name: Optional[str]
    value: Optional[Value]
    comment: Optional[str]  # the text after '#', if any
    line: int  # where the name (or the '#') is; 0 for entries added by Conf.set


class ConfSyntaxError(ConfigSyntaxError):
    """A virConf syntax error, with libvirt's text followed by the column and a hint."""

    def __init__(self, what: str, line: int, column: int, hint: str = "") -> None:
        detail = f"memory conf:{line}: {what} (column {column})"
        super().__init__(f"{detail}: {hint}" if hint else detail)
        self.what = what
        self.line = line
        self.column = column
        self.hint = hint


class ConfOverflowError(ConfSyntaxError):
    """An integer beyond ``LLONG_MAX``: libvirt reports it as VIR_ERR_OVERFLOW."""

    prefix = "numerical overflow"


class _Failure(Exception):
    """Internal: where parsing stopped and libvirt's reason."""

    def __init__(self, pos: int, what: str, overflow: bool = False) -> None:
        super().__init__(what)
        self.pos = pos
        self.what = what
        self.overflow = overflow


class Conf:
    """The entries of one config, in file order."""

    def __init__(self) -> None:
        self._entries: List[Entry] = []
        self._first: Dict[str, int] = {}

    def _append(self, entry: Entry) -> None:
        if entry.name is not None:
            self._first.setdefault(entry.name, len(self._entries))
        self._entries.append(entry)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._entries)

    def get(self, name: str) -> Optional[Value]:
        """The value of the first entry called ``name`` (libvirt's virConfGetValue)."""
        index = self._first.get(name)
        return None if index is None else self._entries[index].value

    def line_of(self, name: str) -> Optional[int]:
        """The line of the first entry called ``name``; 0 if it was added by :meth:`set`."""
        index = self._first.get(name)
        return None if index is None else self._entries[index].line

    def names(self) -> List[str]:
        """Distinct names in order of first appearance."""
        return list(self._first)

    def set(self, name: str, value: Value) -> None:
        """Replace the first ``name`` in place, keeping its comment, or append it."""
        index = self._first.get(name)
        if index is None:  # _append inlined, as the writers add every setting here
            self._first[name] = len(self._entries)
            self._entries.append(_new_entry(Entry, (name, value, None, 0)))
        else:
            self._entries[index] = self._entries[index]._replace(value=value)

    def dumps(self) -> str:
        """The text libvirt's virConfWriteMem writes."""
        return "".join(map(_format_entry, self._entries))


# ----- fast path: ordinary statements, one regex match each -----
#
# Most statements are NAME = string, number or flat list of those, on one line.  The
# statement regex accepts exactly such statements (with their separator) as libvirt does,
# and a scanner applies it at consecutive positions.  Anything else, including every
# error, goes through the step-by-step functions below, which follow virconf.c exactly.
# A '"' not followed by '""' keeps triple-quoted strings out, and 18 digits can never
# overflow a long long.
_ITEM_PATTERN = r""""(?!"")[^"\r\n]*"|'[^'\r\n]*'|[-+]?[0-9]{1,18}"""
_FLAT_LIST_PATTERN = (
    r"\[[ \t\r\n]*(?:(?:" + _ITEM_PATTERN + r")[ \t\r\n]*"
    r"(?:,[ \t\r\n]*(?:" + _ITEM_PATTERN + r")[ \t\r\n]*)*(?:,[ \t\r\n]*)?)?\]"
)
_FAST_STATEMENT: Final = re.compile(
    r"([ \t\r\n]*)"  # 1: blanks and newlines before it
    r"(?:\#([^\r\n]*)"  # 2: standalone comment
    r"|([A-Za-z][A-Za-z0-9_]*)[ \t]*=[ \t]*"  # 3: name
    r"(?:(\"(?!\"\")[^\"\r\n]*\"|'[^'\r\n]*')"  # 4: string, with its quotes
    r"|([-+]?[0-9]{1,18})"  # 5: number
    r"|(" + _FLAT_LIST_PATTERN + r"))"  # 6: list of strings and numbers
    r"[ \t]*(?:\#([^\r\n]*))?)"  # 7: trailing comment
    r"([ \t]*(?:;[ \t\r\n]*|[\r\n][ \t\r\n]*|\Z))"  # 8: separator
)
_ITEM: Final = re.compile(_ITEM_PATTERN)
_new_entry: Final = tuple.__new__  # skips NamedTuple's slower Python-level __new__


def _number_value(text: str) -> int:
    return SignedInt(text) if text[0] == "-" else int(text)


def _flat_list_value(text: str) -> List[Value]:
    """The value of a list matched by _FLAT_LIST_PATTERN."""
    return [item[1:-1] if item[0] in "\"'" else _number_value(item) for item in _ITEM.findall(text)]


def _fast_run(conf: Conf, src: str, pos: int, line: int) -> Tuple[int, int]:
    """Append the ordinary statements found from ``pos`` on; returns the position after
    them and the line there."""
    entries, first, end = conf._entries, conf._first, len(src)
    while pos < end:
        match = _FAST_STATEMENT.match(src, pos)
        if match is None:
            break
        pos = match.end()
        lead, lone, name, string, number, items, comment, separator = match.groups()
        if lead:  # only before the first statement of the text
            line += lead.count("\n")
        if name is None:
            entries.append(_new_entry(Entry, (None, None, lone, line)))
        else:
            value: Value
            if string is not None:
                value = string[1:-1]
            elif number is not None:
                value = SignedInt(number) if number[0] == "-" else int(number)
            else:
                value = _flat_list_value(items)
            if name not in first:
                first[name] = len(entries)
            entries.append(_new_entry(Entry, (name, value, comment, line)))
            if items is not None:
                line += items.count("\n")
        line += 1 if separator == "\n" else separator.count("\n")
    return pos, line


# ----- slow path: virconf.c step by step; each function returns (new position, result) -----

# Patterns are compiled on first use, through re's cache: a command converting an
# ordinary file never needs them, and compiling them all costs 1 % of its start.
_NAME: Final = r"[A-Za-z][A-Za-z0-9_]*"
_BLANKS: Final = r"[ \t]*"
_BLANKS_EOL: Final = r"[ \t\r\n]*"
_TO_EOL: Final = r"[^\r\n]*"
_SQ_BODY: Final = r"[^'\r\n]*"
_DQ_BODY: Final = r'[^"\r\n]*'
_DIGITS: Final = r"[0-9]*"


def _end(pattern: str, src: str, pos: int) -> int:
    """Where ``pattern``, which also matches an empty string, ends when matched at ``pos``."""
    match = re.compile(pattern).match(src, pos)
    return pos if match is None else match.end()


def _statement(src: str, pos: int) -> Tuple[int, int, Entry]:
    """virConfParseStatement: returns the end, the name position and the entry."""
    pos = _end(_BLANKS_EOL, src, pos)
    if src.startswith("#", pos):
        end = _end(_TO_EOL, src, pos + 1)
        return end, pos, Entry(None, None, src[pos + 1 : end], 0)
    match = re.compile(_NAME).match(src, pos)
    if match is None:
        raise _Failure(pos, "expecting a name")
    after = _end(_BLANKS, src, match.end())
    if not src.startswith("=", after):
        raise _Failure(after, "expecting an assignment")
    end, value = _value(src, after + 1, 0)
    end = _end(_BLANKS, src, end)
    comment = None
    if src.startswith("#", end):
        comment_end = _end(_TO_EOL, src, end + 1)
        comment = src[end + 1 : comment_end]
        end = comment_end
    return end, pos, Entry(match.group(), value, comment, 0)


def _separator(src: str, pos: int) -> int:
    """virConfParseSeparator: end of input, end of line or ';'."""
    pos = _end(_BLANKS, src, pos)
    if pos >= len(src):
        return pos
    if src[pos] in _EOL:
        return _end(_BLANKS_EOL, src, pos)
    if src[pos] == ";":
        return _end(_BLANKS_EOL, src, pos + 1)
    raise _Failure(pos, "expecting a separator")


def _value(src: str, pos: int, depth: int) -> Tuple[int, Value]:
    """virConfParseValue."""
    pos = _end(_BLANKS, src, pos)
    char = src[pos : pos + 1]
    if char == '"' or char == "'":
        return _string(src, pos)
    if char == "[":
        return _list(src, pos, depth + 1)
    if char and char in _VALUE_START:
        return _number(src, pos)
    raise _Failure(pos, "expecting a value")


def _string(src: str, pos: int) -> Tuple[int, str]:
    """virConfParseString: '...', \"\"\"...\"\"\" (only if 7+ characters remain) or "..."."""
    if src.startswith('"""', pos) and pos + 6 < len(src):
        end = src.find('"""', pos + 3)
        if end < 0:
            # libvirt stops looking when fewer than three characters remain.
            raise _Failure(len(src) - 2, "unterminated string")
        return end + 3, src[pos + 3 : end]
    body = _SQ_BODY if src[pos] == "'" else _DQ_BODY
    end = _end(body, src, pos + 1)
    if not src.startswith(src[pos], end):
        raise _Failure(end, "unterminated string")
    return end + 1, src[pos + 1 : end]


def _number(src: str, pos: int) -> Tuple[int, int]:
    """virConfParseLong: an optional sign and decimal digits, at most LLONG_MAX."""
    start = pos + 1 if src[pos] in "+-" else pos
    end = _end(_DIGITS, src, start)
    if end == start:
        raise _Failure(start, "unterminated number")
    significant = src[start:end].lstrip("0")
    zeros = end - start - len(significant)
    if len(significant) >= 19 and significant[:19] > _LLONG_MAX_DIGITS:
        raise _Failure(start + zeros + 18, "numeric overflow in conf value", overflow=True)
    if len(significant) >= 20:
        raise _Failure(start + zeros + 19, "numeric overflow in conf value", overflow=True)
    number = int(significant) if significant else 0
    return end, SignedInt(-number) if src[pos] == "-" else number


def _list(src: str, pos: int, depth: int) -> Tuple[int, List[Value]]:
    """The list branch of virConfParseValue: items, separators, optional trailing comma."""
    if depth > MAX_DEPTH:
        raise _Failure(pos, f"lists nested deeper than {MAX_DEPTH} levels")
    # compiled on first use, like the patterns above
    flat = re.compile(_FLAT_LIST_PATTERN).match(src, pos)
    if flat is not None:
        return flat.end(), _flat_list_value(flat.group())
    items: List[Value] = []
    pos = _end(_BLANKS_EOL, src, pos + 1)
    if pos < len(src) and src[pos] != "]":
        pos, item = _value(src, pos, depth)
        items.append(item)
        pos = _end(_BLANKS_EOL, src, pos)
    while pos < len(src) and src[pos] != "]":
        if src[pos] != ",":
            raise _Failure(pos, "expecting a separator in list")
        pos = _end(_BLANKS_EOL, src, pos + 1)
        if src.startswith("]", pos):
            break
        pos, item = _value(src, pos, depth)
        items.append(item)
        pos = _end(_BLANKS_EOL, src, pos)
    if not src.startswith("]", pos):
        raise _Failure(pos, "list is not closed with ]")
    return pos + 1, items


# ----- reader -----


def parse(text: str, *, dialect: str) -> Conf:
    """Read ``text`` as libvirt's ``virConfReadString(text, 0)`` does.

    ``dialect`` is ``"xl"`` or ``"xm"``; it only changes error hints.  Raises
    :class:`ConfSyntaxError` (or its subclass :class:`ConfOverflowError`), or
    ``ConfigSyntaxError`` for an input larger than :data:`MAX_INPUT` characters.
    """
    if dialect not in ("xl", "xm"):
        raise ValueError(f"unknown virConf dialect {dialect!r}")
    if len(text) > MAX_INPUT:
        raise ConfigSyntaxError(
            f"memory conf: input too large ({len(text)} characters; the limit is {MAX_INPUT})"
        )
    nul = text.find("\0")
    src = text if nul < 0 else text[:nul]
    conf = Conf()
    pos, line, end = 0, 1, len(src)
    while pos < end:
        pos, line = _fast_run(conf, src, pos, line)
        if pos < end:
            pos, line = _slow_statement(conf, src, pos, line, dialect)
    return conf


def _slow_statement(conf: Conf, src: str, pos: int, line: int, dialect: str) -> Tuple[int, int]:
    """Append one statement read step by step; returns the new position and line."""
    start = pos
    try:
        end, start, entry = _statement(src, pos)
        end = _separator(src, end)
    except _Failure as failure:
        raise _syntax_error(src, failure, start, dialect) from None
    conf._append(entry._replace(line=line + src.count("\n", pos, start)))
    return end, line + src.count("\n", pos, end)


def _syntax_error(src: str, failure: _Failure, start: int, dialect: str) -> ConfSyntaxError:
    """Turn a failure into libvirt's message; line and column are computed only now."""
    line_start = src.rfind("\n", 0, failure.pos) + 1
    line = src.count("\n", 0, line_start) + 1
    column = failure.pos - line_start + 1
    hint = ""
    if dialect == "xm":
        hint = _python_hint(src, _end(_BLANKS_EOL, src, start), line_start)
    kind = ConfOverflowError if failure.overflow else ConfSyntaxError
    return kind(failure.what, line, column, hint)


# ----- writer -----


def _format_value(value: Value) -> str:
    """virConfSaveValue: quotes chosen by content, lists as ``[ a, b ]``."""
    if isinstance(value, NullString):
        return ""
    if isinstance(value, str):
        if "\n" in value:
            return f'"""{value}"""'
        if '"' not in value:
            return f'"{value}"'
        if "'" not in value:
            return f"'{value}'"
        return f'"""{value}"""'
    if isinstance(value, int):
        return str(int(value))
    return "[ " + ", ".join(map(_format_value, value)) + " ]"


def _format_entry(entry: Entry) -> str:
    """virConfSaveEntry."""
    if entry.value is None:  # a standalone comment
        return f"#{entry.comment}\n"
    text = f"{entry.name} = {_format_value(entry.value)}"
    if entry.comment is not None:
        text += f" #{entry.comment}"
    return text + "\n"


# ----- xm hints: name the Python construct that virConf cannot read -----
#
# The source is only parsed into an AST (ast.parse); nothing is compiled or executed.

_HINT_TAIL: Final = "is Python code; xm configs are read as data and never executed"
# Keywords that start a line which does not parse on its own.
_LONE_KEYWORDS: Final = frozenset(("elif", "else", "except", "finally", "async", "await"))
_IDENTIFIER: Final = r"[A-Za-z_][A-Za-z0-9_]*"
_STATEMENT_KEYWORDS: Final = {
    ast.Import: "import",
    ast.ImportFrom: "from ... import",
    ast.FunctionDef: "def",
    ast.AsyncFunctionDef: "async def",
    ast.ClassDef: "class",
    ast.If: "if",
    ast.For: "for",
    ast.AsyncFor: "async for",
    ast.While: "while",
    ast.Try: "try",
    ast.With: "with",
    ast.AsyncWith: "async with",
    ast.Return: "return",
    ast.Raise: "raise",
    ast.Global: "global",
    ast.Nonlocal: "nonlocal",
    ast.Assert: "assert",
    ast.Delete: "del",
    ast.Pass: "pass",
    ast.Break: "break",
    ast.Continue: "continue",
}
_OPERATORS: Final = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.MatMult: "@",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.BitAnd: "&",
    ast.And: "and",
    ast.Or: "or",
    ast.Not: "not",
    ast.Invert: "~",
    ast.USub: "-",
    ast.UAdd: "+",
}
_EXPRESSION_NAMES: Final = {
    ast.Lambda: "the lambda expression",
    ast.JoinedStr: "the f-string",
    ast.IfExp: "the conditional expression",
    ast.ListComp: "the list comprehension",
    ast.SetComp: "the set comprehension",
    ast.DictComp: "the dict comprehension",
    ast.GeneratorExp: "the generator expression",
    ast.Dict: "the dict",
    ast.Set: "the set",
    ast.Tuple: "the tuple",
    ast.Compare: "the comparison",
    ast.NamedExpr: "the ':=' expression",
    ast.Starred: "the '*' unpacking",
    ast.Await: "the 'await' expression",
    ast.Yield: "the 'yield' expression",
    ast.YieldFrom: "the 'yield from' expression",
}
# compiled on first use (re caches it), by an error's hint
_LITERAL_SOURCE: Final = r"""[-+]?[0-9]+|"[^"\r\n]*"|'[^'\r\n]*'|\"\"\"[\s\S]*\"\"\""""


def _python_hint(src: str, start: int, error_line_start: int) -> str:
    """A hint naming the Python construct of the statement at ``start``, or ''."""
    error_line_end = _end(_TO_EOL, src, error_line_start)
    error_line = src[error_line_start:error_line_end].lstrip()
    window_end = start + MAX_HINT_SOURCE
    candidates = (
        src[start:error_line_end],  # the statement up to the error
        # ... or up to its real end: the rest of the text, in whole lines
        src[start:] if len(src) <= window_end else src[start : src.rfind("\n", start, window_end)],
        error_line,
        error_line + "\n pass",  # the header of a compound statement, as in 'def f():'
    )
    for source in candidates:
        tree = _ast_or_none(source)
        what = _describe_statement(tree.body[0], source) if tree and tree.body else ""
        if what:
            return f"{what} {_HINT_TAIL}"
    keyword = re.match(_IDENTIFIER, error_line)
    if keyword and keyword.group() in _LONE_KEYWORDS:
        return f"the '{keyword.group()}' keyword {_HINT_TAIL}"
    return ""


def _ast_or_none(source: str) -> Optional[ast.Module]:
    if len(source) > MAX_HINT_SOURCE:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(source)
    except Exception:  # SyntaxError, RecursionError, MemoryError...: no hint then
        return None


def _describe_statement(node: ast.stmt, source: str) -> str:
    keyword = _STATEMENT_KEYWORDS.get(type(node))
    if keyword is not None:
        return f"the '{keyword}' statement"
    if isinstance(node, ast.AugAssign):
        return f"the '{_OPERATORS.get(type(node.op), '?')}=' assignment"
    if isinstance(node, ast.AnnAssign):
        return "the annotated assignment"
    if isinstance(node, ast.Assign):
        if len(node.targets) > 1:
            return "the chained assignment"
        if not isinstance(node.targets[0], ast.Name):
            return f"the assignment to '{_snippet(node.targets[0], source)}'"
        return _describe_expression(node.value, source)
    if isinstance(node, ast.Expr):
        return _describe_expression(node.value, source)
    return "this statement"


def _describe_expression(node: ast.expr, source: str) -> str:
    """Names the first (outermost, leftmost) part of ``node`` that virConf cannot read."""
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, ast.List):
            pending.extend(reversed(current.elts))
        elif not _is_virconf_literal(current, source):
            return _describe_node(current, source)
    return ""


def _is_virconf_literal(node: ast.expr, source: str) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        node = node.operand
    if not isinstance(node, ast.Constant) or isinstance(node.value, bool):
        return False
    if not isinstance(node.value, (int, str)):
        return False
    text = ast.get_source_segment(source, node)
    return text is not None and re.fullmatch(_LITERAL_SOURCE, text) is not None


def _describe_node(node: ast.expr, source: str) -> str:
    if isinstance(node, ast.Call):
        return f"the function call '{_snippet(node.func, source)}(...)'"
    if isinstance(node, ast.Attribute):
        return f"the attribute access '{_snippet(node, source)}'"
    if isinstance(node, ast.Subscript):
        return f"the subscript '{_snippet(node, source)}'"
    if isinstance(node, ast.Name):
        return f"the variable reference '{node.id}'"
    if isinstance(node, (ast.BinOp, ast.UnaryOp, ast.BoolOp)):
        return f"the '{_OPERATORS.get(type(node.op), '?')}' operator"
    if isinstance(node, ast.Constant):
        return f"{_constant_kind(node.value)} {_snippet(node, source)}"
    return _EXPRESSION_NAMES.get(type(node), "this expression")


def _constant_kind(value: object) -> str:
    if isinstance(value, (int, float, complex)) and not isinstance(value, bool):
        return "the number literal"
    if isinstance(value, str):
        return "the string literal"
    if isinstance(value, bytes):
        return "the bytes literal"
    return "the constant"


def _snippet(node: ast.AST, source: str, limit: int = 40) -> str:
    text = " ".join((ast.get_source_segment(source, node) or "").split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
