"""xl disk specifications (``xl-disk-configuration(5)``), read as Xen 4.17's libxlutil does.

libvirt hands each string of an xl ``disk = [ ... ]`` list to ``xlu_disk_parse``, whose
flex lexer (``tools/libs/util/libxlu_disk_l.l``) this module reproduces: at each position
the rule with the longest match wins, the earlier rule on a tie, and rules with trailing
context (``target=``, the deprecated ``prefix:``) count the rest of the line as matched.
The text ends at the first NUL, as the C string did.

The rules are those of the scanner that Xen 4.17 compiles, ``libxlu_disk_l.c``.  It was
generated before ``trusted`` and ``untrusted`` were added to ``libxlu_disk_l.l`` (and to
the manual page), so xl and libvirt take those words as positional parameters, and so
does this module (checked against Debian's libxlutil 4.17).

Where xlu printed "config parsing error in disk specification: ..." (and libvirt then
failed with "An error occurred, but the cause is unknown"), :func:`parse` raises
:class:`DiskSpecError` with xlu's message.  One input made xl itself abort, with
"flex scanner jammed": a ``=`` that the lexer cannot place, directly before a newline; it
is reported here as "bad disk syntax" like any other misplaced ``=``.
"""

from __future__ import annotations

import re
from operator import itemgetter
from typing import Dict, Final, List, Literal, Optional, Pattern, Tuple

from xenvirsh import cnum
from xenvirsh.errors import ConfigSyntaxError
from xenvirsh.record import dataclass

DiskBackend = Literal["unknown", "phy", "tap", "qdisk", "standalone"]
DiskFormat = Literal["unknown", "qcow", "qcow2", "vhd", "raw", "empty", "qed"]
DiskSpecification = Literal["unknown", "xen", "virtio"]

_FORMATS: Final[Dict[str, DiskFormat]] = {
    "": "raw",
    "raw": "raw",
    "qcow": "qcow",
    "qcow2": "qcow2",
    "vhd": "vhd",
    "empty": "empty",
    "qed": "qed",
}
_BACKENDS: Final[Dict[str, DiskBackend]] = {
    "phy": "phy",
    "tap": "tap",
    "qdisk": "qdisk",
    "standalone": "standalone",
}
_SPECIFICATIONS: Final[Dict[str, DiskSpecification]] = {"xen": "xen", "virtio": "virtio"}
_READ_ONLY: Final = frozenset(("r", "ro"))
_READ_WRITE: Final = frozenset(("rw", "w", ""))

# The lexer's rules that can start with a letter, in their order in libxlu_disk_l.l,
# after the key=value rules (which win wherever they match, see word_token).  The
# key=value and flag rules are interleaved there, but they never match at the same place.
_FLAG, _TARGET, _UNKNOWN_KEY, _PREFIX, _UNKNOWN_PREFIX, _POSITIONAL_RULE = range(6)
_KEYS: Final = frozenset(
    (
        "format",
        "devtype",
        "access",
        "backend",
        "backendtype",
        "specification",
        "vdev",
        "script",
        "colo-host",
        "colo-port",
        "colo-export",
        "active-disk",
        "hidden-disk",
    )
)
_FLAGS: Final = frozenset(("cdrom", "direct-io-safe", "discard", "no-discard", "colo", "no-colo"))
_FORMAT_PREFIXES: Final = frozenset(("raw", "qcow", "qcow2", "vhd"))
_SCRIPT_PREFIXES: Final = frozenset(("iscsi", "nbd", "enbd", "drbd"))
_PREFIXES: Final = (
    _FORMAT_PREFIXES
    | _SCRIPT_PREFIXES
    | frozenset(("tapdisk", "tap", "tap2", "aio", "ioemu", "file", "phy"))
)
_LOWER_ALNUM: Final = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_FLEX_BLANKS: Final = frozenset(" \t\n")

_WORD: Final = re.compile(r"[a-z][-a-z0-9]*")
_BLANKS: Final = re.compile(r"[ \t\n]+")
_POSITIONAL: Final = re.compile(r"[^=,]*,?")
_TO_COMMA: Final = re.compile(r"[^,]*")
_TO_NEWLINE: Final = re.compile(r"[^\n]*")  # flex's '.*'
_first: Final = itemgetter(0)


@dataclass
class Disk:
    """The ``libxl_device_disk`` fields that ``xlu_disk_parse`` sets."""

    pdev_path: Optional[str] = None  # the target
    vdev: Optional[str] = None
    backend: DiskBackend = "unknown"
    format: DiskFormat = "unknown"
    script: Optional[str] = None
    removable: bool = False
    readwrite: bool = True
    is_cdrom: bool = False
    direct_io_safe: bool = False
    discard_enable: Optional[bool] = None  # libxl_defbool: None is "default"
    specification: DiskSpecification = "unknown"
    colo_enable: Optional[bool] = None
    colo_host: Optional[str] = None
    colo_port: int = 0
    colo_export: Optional[str] = None
    active_disk: Optional[str] = None
    hidden_disk: Optional[str] = None
    backend_domname: Optional[str] = None  # backend=


class DiskSpecError(ConfigSyntaxError):
    """xlu's "config parsing error in disk specification", on one line."""

    def __init__(self, message: str, near: Optional[str], spec: str) -> None:
        where = "" if near is None else f": near `{near}'"
        text = f"disk specification: {message}{where} in `{spec}'"
        super().__init__(text.replace("\n", "\\n"))
        self.message = message
        self.near = near
        self.spec = spec


def parse(spec: str) -> Disk:
    """Parse one disk specification string as ``xlu_disk_parse(cfg, 1, &spec, disk)``."""
    nul = spec.find("\0")
    lexer = _Lexer(spec if nul < 0 else spec[:nul])
    return lexer.run()


class _Lexer:
    """The scanner's state: the disk being filled and the two flags of DiskParseContext."""

    def __init__(self, text: str) -> None:
        self.text = text
        # the blank rule's trailing context reaches the end of the line; on one
        # line it reaches as far as any other rule can
        self.one_line = "\n" not in text
        self.disk = Disk()
        self.access_set = False
        self.had_deprecated_prefix = False

    def fail(self, message: str, near: Optional[str]) -> DiskSpecError:
        return DiskSpecError(message, near, self.text)

    def run(self) -> Disk:
        """Scan the whole text, then apply xlu_disk_parse's defaults and checks."""
        pos = 0
        while pos < len(self.text):
            pos = self.token(pos)
        disk = self.disk
        if disk.format == "unknown":
            disk.format = "raw"
        if disk.is_cdrom:
            disk.removable = True
            disk.readwrite = False
            if not disk.pdev_path:
                disk.format = "empty"
        if disk.vdev is None:
            raise self.fail("no vdev specified", None)
        if disk.pdev_path is None and not disk.removable:
            raise self.fail("no target specified (and device not removable)", None)
        return disk

    # ----- choosing the rule -----

    def token(self, pos: int) -> int:
        """Act on the token at ``pos``; returns the position after it."""
        text = self.text
        char = text[pos]
        if char == "=":  # only flex's catch-all '.' rule matches here
            return self.misplaced_equals(pos)
        if char in _FLEX_BLANKS:
            blanks_end = _end(_BLANKS, text, pos)
            if self.one_line:
                return blanks_end
            # The blank rule wins ties; its trailing context is the rest of the line.
            if _end(_POSITIONAL, text, pos) <= _end(_TO_NEWLINE, text, blanks_end):
                return blanks_end
            return self.positional(pos)
        if "a" <= char <= "z":
            return self.word_token(pos)
        return self.positional(pos)

    def word_token(self, pos: int) -> int:
        """Choose among the rules that can start with a lower-case letter."""
        text = self.text
        word_end = _end(_WORD, text, pos)
        word = text[pos:word_end]
        following = text[word_end : word_end + 1]
        if following == "=" and word in _KEYS:
            # The keyword rule always wins here: its match reaches past the '=', the
            # positional one stops before it, and the unknown-key rule's is never longer.
            value_end = _end(_TO_COMMA, text, word_end + 1)
            end = value_end + text.startswith(",", value_end)
            self.keyword(word, text[pos:end], text[word_end + 1 : value_end])
            return end
        comma = 1 if following == "," else 0
        # (end of the match, rule), in the rules' order, so that max() keeps the earliest.
        options: List[Tuple[int, int]] = []
        if word in _FLAGS:
            options.append((word_end + comma, _FLAG))
        if following == "=" and word == "target":
            options.append((_end(_TO_NEWLINE, text, pos), _TARGET))
        if following == "=" and text[word_end + 1 : word_end + 2] not in ("", ","):
            options.append((word_end + 2 + text.startswith(",", word_end + 2), _UNKNOWN_KEY))
        if following == ":" and "-" not in word:
            if word in _PREFIXES:
                options.append((_end(_TO_NEWLINE, text, word_end + 1), _PREFIX))
            context = text[word_end + 1 : word_end + 2]
            if context and context not in _LOWER_ALNUM:
                options.append((_end(_TO_NEWLINE, text, word_end + 2), _UNKNOWN_PREFIX))
            else:
                options.append((word_end + 1, _UNKNOWN_PREFIX))
        options.append((_end(_POSITIONAL, text, pos), _POSITIONAL_RULE))
        end, rule = max(options, key=_first)
        if rule == _POSITIONAL_RULE:
            return self.positional(pos)
        if rule == _FLAG:
            self.flag(word)
            return word_end + comma
        if rule == _PREFIX:
            self.prefix(word)
            return word_end + 1
        if rule == _UNKNOWN_PREFIX:
            raise self.fail("unknown deprecated disk prefix", word + ":")
        if rule == _UNKNOWN_KEY:
            raise self.fail("unknown parameter", text[pos:end])
        matched = text[pos:end]
        self.keyword(word, matched, _strip(matched, ",")[len(word) + 1 :])
        return end

    def misplaced_equals(self, pos: int) -> int:
        """flex's '.' then <LEXERR>'.*': an error, unless the '=' ends the text."""
        if pos + 1 == len(self.text):
            return pos + 1  # end of input in the error state: flex just stops
        raise self.fail("bad disk syntax", self.text[pos : _end(_TO_NEWLINE, self.text, pos)])

    # ----- the rules' actions -----

    def keyword(self, key: str, matched: str, value: str) -> None:
        """``key=value``; ``matched`` is the token with its comma, as some errors show it."""
        disk = self.disk
        if key == "format":
            self.set_format(value)
        elif key == "devtype":
            if value not in ("cdrom", "disk"):
                raise self.fail("unknown value for type", matched)
            disk.is_cdrom = value == "cdrom"
        elif key == "access":
            self.set_access(value)
        elif key == "backendtype":
            if value not in _BACKENDS:
                raise self.fail("unknown value for backendtype", value)
            self.check_respecified("backend", disk.backend, _BACKENDS[value], value)
            disk.backend = _BACKENDS[value]
        elif key == "specification":
            if value not in _SPECIFICATIONS:
                raise self.fail("unknown value for specification", value)
            new = _SPECIFICATIONS[value]
            self.check_respecified("specification", disk.specification, new, value)
            disk.specification = new
        elif key == "colo-port":  # atoi; 0 means unusable
            port = _atoi(value)
            if not port:
                raise self.fail("unknown value for colo_port", value)
            disk.colo_port = port
        else:
            attribute = _STRING_KEYS[key]
            setattr(disk, attribute, self.save_string(key, getattr(disk, attribute), value))

    def flag(self, word: str) -> None:
        disk = self.disk
        if word == "cdrom":
            disk.is_cdrom = True
        elif word == "direct-io-safe":
            disk.direct_io_safe = True
        elif word in ("discard", "no-discard"):
            disk.discard_enable = word == "discard"
        else:
            disk.colo_enable = word == "colo"

    def prefix(self, word: str) -> None:
        """A deprecated ``prefix:`` in front of the target."""
        self.had_deprecated_prefix = True
        if word in _FORMAT_PREFIXES:
            self.set_format(word)
        elif word in _SCRIPT_PREFIXES:
            self.disk.script = self.save_string("script", self.disk.script, "block-" + word)

    def positional(self, pos: int) -> int:
        """The next of target, format, vdev and access; returns the end of the token."""
        end = _end(_POSITIONAL, self.text, pos)
        value = _strip(self.text[pos:end], ",")
        disk = self.disk
        if disk.pdev_path is None:
            disk.pdev_path = value
        elif not self.had_deprecated_prefix and disk.format == "unknown":
            if disk.pdev_path == "" and self.vdev_and_devtype(value):
                disk.format = "empty"
            else:
                self.set_format(value)
        elif disk.vdev is None:
            if not self.vdev_and_devtype(value):
                disk.vdev = value
        elif not self.access_set:
            self.access_set = True
            self.set_access(value)
        else:
            raise self.fail("too many positional parameters", value)
        return end

    # ----- helpers shared by the actions -----

    def vdev_and_devtype(self, value: str) -> bool:
        """The old ``vdev:devtype`` form; False (doing nothing) if there is no colon."""
        colon = value.rfind(":")
        if colon < 0:
            return False
        disk = self.disk
        disk.vdev = self.save_string("vdev", disk.vdev, value[:colon])
        devtype = value[colon + 1 :]
        if devtype not in ("cdrom", "disk"):
            raise self.fail("unknown deprecated type", devtype)
        disk.is_cdrom = devtype == "cdrom"
        return True

    def set_format(self, value: str) -> None:
        if value not in _FORMATS:
            raise self.fail("unknown value for format", value)
        self.check_respecified("format", self.disk.format, _FORMATS[value], value)
        self.disk.format = _FORMATS[value]

    def set_access(self, value: str) -> None:
        if value in _READ_ONLY:
            self.disk.readwrite = False
        elif value in _READ_WRITE:
            self.disk.readwrite = True
        else:
            raise self.fail("unknown value for access", value)

    def check_respecified(self, member: str, current: str, new: str, value: str) -> None:
        """xlu's DSET: a second, different value is an error."""
        if current != "unknown" and current != new:
            raise self.fail(f"{member} respecified", value)

    def save_string(self, what: str, current: Optional[str], value: str) -> str:
        """xlu's savestring: only an empty earlier value may be replaced."""
        if current:
            raise self.fail(f"{what} respecified", value)
        return value


_STRING_KEYS: Final = {
    "target": "pdev_path",
    "backend": "backend_domname",
    "vdev": "vdev",
    "script": "script",
    "colo-host": "colo_host",
    "colo-export": "colo_export",
    "active-disk": "active_disk",
    "hidden-disk": "hidden_disk",
}


def _end(pattern: Pattern[str], text: str, pos: int) -> int:
    """Where ``pattern``, which matches an empty string too, ends when matched at ``pos``."""
    match = pattern.match(text, pos)
    return pos if match is None else match.end()


def _strip(token: str, delimiter: str) -> str:
    """xlu's STRIP: drop one trailing delimiter."""
    return token[:-1] if token.endswith(delimiter) else token


def _atoi(text: str) -> int:
    """C's atoi as glibc implements it: strtol(text, NULL, 10), then cast to int."""
    scanned = cnum.scan(text)
    magnitude, negative = (scanned[0], scanned[1]) if scanned else (0, False)
    number = max(-(2**63), min(2**63 - 1, -magnitude if negative else magnitude))
    number &= 0xFFFFFFFF
    return number - (1 << 32) if number >= 1 << 31 else number
