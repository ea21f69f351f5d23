"""Parse untrusted XML safely.

Domain XML comes from files, pipes and other tools. It is parsed with no
network or file access, no DTD loading and no entity expansion; a document
that declares a DTD or entities is refused outright (libvirt's documents never
need one), as are documents above :data:`MAX_XML_SIZE`, nested deeper than
:data:`MAX_DEPTH` or with more than :data:`MAX_XML_ELEMENTS` elements.

The DTD is looked for twice: in the bytes of the prolog, which refuses the
usual attack before libxml2 sees it, and in the parsed document, because a document in
another encoding (UTF-16, UTF-7...) hides ``<!DOCTYPE`` from a byte search.
"""

from __future__ import annotations

import re
from typing import Union

from lxml import etree

from xenvirsh.errors import XMLParseError
from xenvirsh.limits import MAX_XML_ELEMENTS, MAX_XML_SIZE, describe

# libxml2 refuses deeper nesting unless asked for huge trees
MAX_DEPTH = 256

# A DTD, entities included, can only be declared in the prolog, among the XML
# declaration, processing instructions, comments and blanks; the same text in
# the document (a comment, CDATA) declares nothing. Each item is matched on its
# own, so the scan is linear.
_PROLOG_ITEM = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->)", re.DOTALL)
_DOCTYPE = re.compile(rb"\s*<!DOCTYPE", re.IGNORECASE)
_BOM = b"\xef\xbb\xbf"

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=False,  # <metadata> keeps them; the reader skips them
    remove_pis=True,
)

_SOURCE = "(domain_definition)"
# the fewest bytes an element can take, in any encoding
_ELEMENT_BYTES = 4


def parse_xml(data: Union[str, bytes]) -> etree._Element:
    """The root element of ``data``, or :class:`XMLParseError` naming the line."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > MAX_XML_SIZE:
        raise XMLParseError(f"{_SOURCE}: document is larger than {describe(MAX_XML_SIZE)}")
    if _declares_dtd(raw):
        raise _dtd_refused()
    if not raw:
        raise XMLParseError(f"{_SOURCE}:1: Document is empty")
    try:
        root = etree.fromstring(raw, _PARSER)
    except etree.XMLSyntaxError as err:
        line, column = err.position
        message = str(err.msg).split("\n", 1)[0]
        # lxml appends ", line L, column C"; libvirt names the line up front
        message = re.sub(r", line \d+, column \d+$", "", message)
        raise XMLParseError(f"{_SOURCE}:{line}: {message} (column {column})") from None
    except ValueError as err:
        raise XMLParseError(f"{_SOURCE}: {err}") from None
    if root.getroottree().docinfo.internalDTD is not None:
        raise _dtd_refused()
    # an element takes at least four characters ("<a/>"), so only a document
    # this long can have too many, and counting them costs an eighth of the parse
    if len(raw) >= _ELEMENT_BYTES * MAX_XML_ELEMENTS:
        elements = sum(1 for _ in root.iter(etree.Element))
        if elements > MAX_XML_ELEMENTS:
            raise XMLParseError(f"{_SOURCE}: document has {elements} elements; xenvirsh "
                                f"reads at most {MAX_XML_ELEMENTS}")
    return root


def _declares_dtd(raw: bytes) -> bool:
    pos = len(_BOM) if raw.startswith(_BOM) else 0
    while True:
        item = _PROLOG_ITEM.match(raw, pos)
        if item is None:
            return _DOCTYPE.match(raw, pos) is not None
        pos = item.end()


def _dtd_refused() -> XMLParseError:
    return XMLParseError(f"{_SOURCE}: DTDs and entity declarations are not allowed in "
                         "domain XML")
