"""``<metadata>``: applications' own XML, kept and printed the way libvirt does.

libvirt copies the subtree, drops its children that have no namespace and
all but the first child of each namespace, and prints the rest with libxml2's
indenting serialiser (double-quoted attributes, non-ASCII characters as
character references). :func:`read_metadata` does all of that at parse time
and keeps the result as text, which the writer places in the domain XML as
it is (so that the writer needs neither this module nor lxml).
"""

from __future__ import annotations

from typing import Dict, List, Optional

from lxml import etree

from xenvirsh.formats.domxml.node import Node

# the copy of the metadata is worked on as an lxml tree
Element = etree._Element

# libvirt parses documents with libxml2's "no blanks" option: whitespace-only
# text between elements is dropped where libxml2's heuristics call it ignorable
_NOBLANKS = etree.XMLParser(
    remove_blank_text=True, resolve_entities=False, no_network=True, load_dtd=False,
    remove_comments=False, remove_pis=True, huge_tree=False,
)

_TEXT_ESCAPES = {"<": "&lt;", ">": "&gt;", "&": "&amp;", "\r": "&#13;"}
_ATTR_ESCAPES = {**_TEXT_ESCAPES, '"': "&quot;", "\n": "&#10;", "\t": "&#9;"}


def _escape(text: str, table: Dict[str, str]) -> str:
    out = []
    for char in text:
        if char in table:
            out.append(table[char])
        elif ord(char) > 0x7F:
            out.append(f"&#x{ord(char):X};")
        else:
            out.append(char)
    return "".join(out)


def read_metadata(root: Node) -> Optional[str]:
    """The formatted ``<metadata>`` of a domain, None when libvirt keeps none
    (no such element, or one without child elements)."""
    node = root.find("metadata")
    if node is None or not node.children():
        return None
    copy = etree.fromstring(etree.tostring(node.el), _NOBLANKS)
    seen = set()
    for child in list(copy):
        namespace = etree.QName(child).namespace if isinstance(child.tag, str) else None
        if namespace is None or namespace in seen:
            _remove(child)
        else:
            seen.add(namespace)
    return "".join(_dump(copy, 1, {}, True))


def _remove(child: Element) -> None:
    """Unlink a node without letting its tail text take its place."""
    parent = child.getparent()
    assert parent is not None
    tail = child.tail
    child.tail = None
    previous = child.getprevious()
    parent.remove(child)
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


def _declared(el: Element, inherited: Dict[Optional[str], str]) -> Dict[Optional[str], str]:
    return {prefix: uri for prefix, uri in el.nsmap.items() if inherited.get(prefix) != uri}


def _qname(el: Element, name: str, nsmap: Dict[Optional[str], str]) -> str:
    qname = etree.QName(name)
    if qname.namespace is None:
        return qname.localname
    prefix = next((p for p, uri in nsmap.items() if uri == qname.namespace and p), None)
    if prefix is None and el.tag == name:
        return qname.localname  # the default namespace
    return f"{prefix}:{qname.localname}"


def _dump(
    el: Element, level: int, inherited: Dict[Optional[str], str], fmt: bool
) -> List[str]:
    """xmlNodeDumpOutput for the subtree at ``el``, indenting while ``fmt``
    holds; its own line is not indented (the caller places it)."""
    if not isinstance(el.tag, str):
        return [f"<!--{el.text or ''}-->"]
    nsmap = dict(el.nsmap)
    parts = ["<", _qname(el, el.tag, nsmap)]
    for prefix, uri in _declared(el, inherited).items():
        xmlns = f"xmlns:{prefix}" if prefix else "xmlns"
        parts.append(f' {xmlns}="{_escape(uri, _ATTR_ESCAPES)}"')
    for name, value in el.attrib.items():
        parts.append(f' {_qname(el, str(name), nsmap)}="{_escape(str(value), _ATTR_ESCAPES)}"')
    children = list(el)
    if not children and el.text is None:
        parts.append("/>")
        return parts
    parts.append(">")
    # libxml2 stops indenting below an element that has text among its children
    formatted = fmt and el.text is None and all(child.tail is None for child in children)
    if el.text is not None:
        parts.append(_escape(el.text, _TEXT_ESCAPES))
    for child in children:
        if formatted:
            parts.append("\n" + "  " * (level + 1))
        parts.extend(_dump(child, level + 1, nsmap, formatted))
        if child.tail is not None:
            parts.append(_escape(child.tail, _TEXT_ESCAPES))
    if formatted:
        parts.append("\n" + "  " * level)
    parts.append(f"</{_qname(el, el.tag, nsmap)}>")
    return parts
