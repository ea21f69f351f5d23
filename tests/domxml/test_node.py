"""Node: the reader's indexed elements answer as lxml's own."""

from __future__ import annotations

from typing import List

import pytest
from lxml import etree

from xenvirsh.formats.domxml.node import Node
from xenvirsh.formats.domxml.props import child_tags, text_of

XEN = "http://libvirt.org/schemas/domain/xen/1.0"
DOCUMENT = f"""<domain xmlns:xen='{XEN}'>
  <!-- a comment -->
  <name>guest</name>
  <cpu><numa><cell id='0'/><cell id='1'/></numa><numa><cell id='9'/></numa></cpu>
  <cpu><numa><cell id='2'/></numa></cpu>
  <devices>
    <disk n='1'><target dev='xvda'/></disk>
    <interface/>
    <disk n='2'><target dev='xvdb'/><target dev='xvdc'/></disk>
  </devices>
  <title>a <b>bold</b> title<!-- hidden --> end</title>
  <xen:commandline><xen:arg value='-a'/><xen:arg value='-b'/></xen:commandline>
  <empty></empty>
</domain>"""

PATHS = ["name", "cpu", "cpu/numa", "cpu/numa/cell", "cpu/numa[1]/cell", "devices/*",
         "devices/disk/target", "devices/disk", "missing", "devices/missing", "*",
         f"{{{XEN}}}commandline", f"{{{XEN}}}commandline/{{{XEN}}}arg", "title/b"]


def _ids(nodes: List[etree._Element]) -> List[int]:
    return [id(el) for el in nodes]


@pytest.mark.parametrize("path", PATHS)
def test_paths_find_what_lxml_finds(path: str) -> None:
    root = etree.fromstring(DOCUMENT)
    node = Node(root)
    expected = root.findall(path)
    assert _ids([n.el for n in node.findall(path)]) == _ids(expected)
    assert _ids([n.el for n in node.iterfind(path)]) == _ids(expected)
    found = node.find(path)
    assert (found.el if found is not None else None) is root.find(path)


def test_children_skip_comments_and_keep_order() -> None:
    node = Node(etree.fromstring(DOCUMENT))
    assert [child.tag for child in node] == [
        "name", "cpu", "cpu", "devices", "title", f"{{{XEN}}}commandline", "empty"]
    assert child_tags(node) == frozenset(
        ("name", "cpu", "devices", "title", f"{{{XEN}}}commandline", "empty"))
    disk = node.find("devices/disk")
    assert disk is not None and disk.get("n") == "1" and disk.get("x", "d") == "d"


def test_text_is_xpath_string() -> None:
    node = Node(etree.fromstring(DOCUMENT))
    assert text_of(node.find("name")) == "guest"
    assert text_of(node.find("title")) == "a bold title end"
    assert text_of(node.find("empty")) is None
    assert text_of(node.find("missing")) is None


def test_unknown_path_syntax_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported path step"):
        Node(etree.fromstring(DOCUMENT)).findall("cpu[2]")
