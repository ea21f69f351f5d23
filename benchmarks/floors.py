"""What CPython alone costs for a conversion's unavoidable work, next to xenvirsh.

Run from a checkout: ``python3 benchmarks/floors.py [--repo DIR]``. Over the
domain XML inputs of ``bench.py`` it reports, in microseconds of CPU per
document (the minimum of seven passes):

* reading: lxml's parse alone, and the parse plus a visit of every element
  with its tag, text and attributes (the least any reader must do), next to
  xenvirsh's ``parse_domain_xml`` (the same parse, libvirt's reader,
  post-parse and validation);
* writing: the document's lines rendered from their parts made ready
  beforehand (indentation, tag, attributes, text: the least any writer must
  do), next to xenvirsh's ``format_domain`` and the xl writer.

The gap between a floor and xenvirsh's figure is the cost of doing what
libvirt does the way xenvirsh does it; the floors bound what any pure Python
design could reach.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Callable, List, Optional, Sequence, Tuple, TypeVar

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402  (the inputs, shared with bench.py)

T = TypeVar("T")
# depth, tag, attributes, text (None: an element with children)
Line = Tuple[int, str, List[Tuple[str, str]], Optional[str]]


def _per_item(work: Callable[[T], object], items: Sequence[T], passes: int = 7,
              rounds: int = 20) -> float:
    """Minimum CPU microseconds per item over ``passes`` passes."""
    best = float("inf")
    for _ in range(passes):
        start = time.process_time()
        for _ in range(rounds):
            for item in items:
                work(item)
        best = min(best, (time.process_time() - start) / (rounds * len(items)))
    return best * 1e6


def _visit(data: bytes) -> int:
    """The characters of every tag, text, attribute name and value."""
    seen = 0
    for el in etree.fromstring(data).iter(etree.Element):
        seen += len(el.tag) + len(el.text or "")
        for name, value in el.items():
            seen += len(name) + len(value)
    return seen


def _lines(xml: str) -> List[Line]:
    """The parts of each line of a document libvirt's way of writing it."""
    out: List[Line] = []

    def walk(el: etree._Element, depth: int) -> None:
        children = list(el.iterchildren(etree.Element))
        text = None if children else (el.text or "")
        out.append((depth, str(el.tag), [(str(k), str(v)) for k, v in el.items()], text))
        for child in children:
            walk(child, depth + 1)
        if children:
            out.append((depth, "/" + str(el.tag), [], None))

    walk(etree.fromstring(xml.encode()), 0)
    return out


def _render(lines: List[Line]) -> str:
    rendered = []
    for depth, tag, attrs, text in lines:
        attributes = ""
        for name, value in attrs:
            attributes += f" {name}='{value}'"
        if text is None:
            rendered.append(f"{'  ' * depth}<{tag}{attributes}>\n")
        elif text:
            rendered.append(f"{'  ' * depth}<{tag}{attributes}>{text}</{tag}>\n")
        else:
            rendered.append(f"{'  ' * depth}<{tag}{attributes}/>\n")
    return "".join(rendered)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repo", metavar="DIR", type=Path, default=bench.HERE,
                        help="the checkout whose xenvirsh to measure (default: this one)")
    sys.path.insert(0, str(parser.parse_args().repo.resolve()))
    from xenvirsh.formats import xl
    from xenvirsh.formats.domxml import format_domain, parse_domain_xml
    from xenvirsh.host import TEST_HOST

    texts = []
    for _, text in bench._inputs()["xml"]:
        try:
            xl.write(parse_domain_xml(text, TEST_HOST), TEST_HOST)
        except Exception:  # an input the xl writer refuses
            continue
        texts.append(text)
    data = [text.encode() for text in texts]
    doms = [parse_domain_xml(text, TEST_HOST) for text in texts]
    lines = [_lines(format_domain(dom)) for dom in doms]
    rows = [
        ("lxml parse", _per_item(etree.fromstring, data)),
        ("lxml parse + visit every element and attribute", _per_item(_visit, data)),
        ("xenvirsh parse_domain_xml", _per_item(lambda t: parse_domain_xml(t, TEST_HOST),
                                                texts, rounds=5)),
        ("render the lines from ready parts", _per_item(_render, lines)),
        ("xenvirsh format_domain", _per_item(format_domain, doms, rounds=5)),
        ("xenvirsh xl writer", _per_item(lambda d: xl.write(d, TEST_HOST), doms, rounds=5)),
    ]
    print(f"{len(texts)} domain XML documents; CPU microseconds per document (minimum of 7)")
    for name, micros in rows:
        print(f"{name:<50} {micros:>7.1f}")


if __name__ == "__main__":
    main()
