"""Parsed elements with their children indexed by tag, for the reader.

libvirt's parser asks each element for a few dozen children by name
(``./memory``, ``./devices/disk``...). On lxml elements each such ``find``
runs ElementPath and takes microseconds; the reader made about sixty of them
per domain, most of its time. A :class:`Node` wraps an lxml element and
indexes its element children by tag the first time it is asked, so every
later lookup is a dictionary access. It offers the part of the lxml element
API the reader uses, with the same answers: ``tag``, ``get``, ``text``,
iteration over the element children (comments and processing instructions
are skipped, as the reader always did), and ``find``/``findall``/``iterfind``
for paths of tag names separated by ``/``, where a step may also be ``*``
(any element) or ``tag[1]`` (the first such child). ``el`` is the lxml
element itself, for the code that needs the document as it is (metadata).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Dict, Iterator, List, Optional, cast

if TYPE_CHECKING:  # not imported to run: the writer's modules, lxml-free, use this one
    from lxml import etree

ByTag = Dict[str, List["Node"]]

# a step of a path with namespaced tags, "{uri}tag", whose URI has slashes
# (rare: compiled by re when first needed)
_STEP = r"(?:\{[^}]*\})?[^/]+"


class Node:
    __slots__ = ("el", "tag", "get", "_children", "_by_tag")

    def __init__(self, el: etree._Element) -> None:
        self.el = el
        self.tag: str = el.tag
        # the element's own method: attribute lookups cost no Python call
        self.get = el.get
        self._children: Optional[List[Node]] = None
        self._by_tag: Optional[ByTag] = None

    @property
    def text(self) -> Optional[str]:
        return self.el.text

    def children(self) -> List[Node]:
        """The element children in document order."""
        children = self._children
        if children is None:
            self._index()
            children = self._children
            assert children is not None
        return children

    def by_tag(self) -> ByTag:
        """The element children grouped by tag, each group in document order."""
        by_tag = self._by_tag
        if by_tag is None:
            by_tag = self._index()
        return by_tag

    def _index(self) -> ByTag:
        children: List[Node] = []
        by_tag: ByTag = {}
        for el in self.el.iterchildren("*"):  # elements: no comments, no PIs
            child = Node(el)
            children.append(child)
            group = by_tag.get(child.tag)
            if group is None:
                by_tag[child.tag] = [child]
            else:
                group.append(child)
        self._children = children
        self._by_tag = by_tag
        return by_tag

    def __iter__(self) -> Iterator[Node]:
        return iter(self.children())

    def itertext(self) -> Iterator[str]:
        """The text of the element and its descendants (XPath ``string()``)."""
        return cast("Iterator[str]", self.el.itertext())

    def find(self, path: str) -> Optional[Node]:
        by_tag = self._by_tag
        if by_tag is None:
            by_tag = self._index()
        group = by_tag.get(path)
        if group is not None:
            return group[0]
        if "/" not in path and "[" not in path and path != "*":
            return None  # a tag this element has no child of
        found = self._select(path)
        return found[0] if found else None

    def findall(self, path: str) -> List[Node]:
        return list(self._select(path))

    def iterfind(self, path: str) -> Iterator[Node]:
        return iter(self._select(path))

    def _select(self, path: str) -> List[Node]:
        if "/" not in path:
            return self._step(path)
        nodes = [self]
        steps = re.findall(_STEP, path) if "{" in path else path.split("/")
        for step in steps:
            found: List[Node] = []
            for node in nodes:
                found.extend(node._step(step))
            nodes = found
        return nodes

    def _step(self, step: str) -> List[Node]:
        if step == "*":
            return self.children()
        if step.endswith("[1]"):
            return self.by_tag().get(step[:-3], [])[:1]
        if "[" in step or step.startswith("."):
            raise ValueError(f"unsupported path step '{step}'")
        return self.by_tag().get(step, [])
