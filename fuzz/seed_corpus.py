"""Build fuzz/corpus/TARGET/ from examples/, the tests and ../shared/conformance.

libvirt's test data is read from ../shared (or $XENVIRSH_SHARED) at run time
and copied only into the git-ignored corpus folder, never into the repository.
Run it again at any time: files are named by their SHA-1, as libFuzzer names
the inputs it adds, so nothing is duplicated.

    python fuzz/seed_corpus.py            # all targets
    python fuzz/seed_corpus.py xl xldisk  # some
"""

from __future__ import annotations

import ast
import hashlib
import os
import sys
from pathlib import Path
from typing import Dict, Iterable, Iterator, List

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("XENVIRSH_SHARED", REPO.parent / "shared"))
CONFORMANCE = SHARED / "conformance"
CORPUS = Path(__file__).resolve().parent / "corpus"


def _join(text: str) -> str:
    """libvirt's test loader joins backslash-newline continuations."""
    return text.replace("\\\n", "")


def _read_all(paths: Iterable[Path]) -> Iterator[str]:
    for path in sorted(paths):
        yield _join(path.read_text(encoding="utf-8"))


def _test_strings(pattern: str) -> Iterator[str]:
    """Every string literal in the test modules matching ``pattern``."""
    for path in sorted((REPO / "tests").glob(pattern)):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                yield node.value


def _disk_specs(configs: Iterable[str]) -> Iterator[str]:
    sys.path.insert(0, str(REPO))
    from xenvirsh.errors import XenvirshError
    from xenvirsh.formats import virconf

    for text in configs:
        try:
            disks = virconf.parse(text, dialect="xl").get("disk")
        except XenvirshError:
            continue
        if isinstance(disks, list):
            yield from (d for d in disks if isinstance(d, str))


def seeds() -> Dict[str, List[str]]:
    conf = CONFORMANCE
    xl_configs = [*_read_all(conf.glob("xl/*.cfg")), *_read_all(REPO.glob("examples/*.cfg"))]
    strings = list(_test_strings("**/*.py"))
    return {
        "domxml": [
            *_read_all(p for p in conf.glob("*/*.xml") if not p.name.startswith("sexpr2xml-")
                       or p.name.endswith(".modern.xml")),
            *(s for s in strings if s.lstrip().startswith("<domain")),
        ],
        "xl": [*xl_configs, *(s for s in _test_strings("formats/test_xl*.py") if "=" in s)],
        "xm": [*_read_all(conf.glob("xm/*.cfg")), *_read_all(REPO.glob("examples/*.xm")),
               *(s for s in _test_strings("formats/test_xm.py") if "=" in s)],
        "sxpr": [*_read_all(conf.glob("*/*.sexpr")),
                 *(s for s in strings if s.lstrip().startswith("(vm")
                   or s.lstrip().startswith("(domain"))],
        "xldisk": [*_disk_specs(xl_configs), *_test_strings("formats/test_xldisk.py")],
    }


def main(argv: List[str]) -> int:
    if not CONFORMANCE.is_dir():
        print(f"seed_corpus: {CONFORMANCE} not found; seeding from examples/ and the "
              "tests only", file=sys.stderr)
    for target, texts in seeds().items():
        if argv and target not in argv:
            continue
        folder = CORPUS / target
        folder.mkdir(parents=True, exist_ok=True)
        for text in texts:
            data = text.encode("utf-8")
            (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)
        print(f"{target}: {len(list(folder.iterdir()))} files in {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
