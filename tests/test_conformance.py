"""libvirt's own Xen conversion cases, byte for byte, through the CLI.

The cases and their directions come from ../shared/conformance/cases.json;
the comparison rules are libvirt's (../shared/reference/CONFORMANCE.md):
native inputs and expected files have backslash-newline pairs joined, and a
missing final newline is added to the actual output (for the sexpr suites,
only when the expected text ends with one, as libvirt 5.5.0 did).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Dict, List

import pytest

from tests.conftest import CONFORMANCE, join_continuations, needs_shared

pytestmark = needs_shared()

Case = Dict[str, Any]


def _cases(suite: str, direction: str) -> List[Any]:
    manifest = CONFORMANCE / "cases.json"
    if not manifest.is_file():
        return []
    cases: List[Case] = json.loads(manifest.read_text())[suite]
    picked = [c for c in cases if direction in c.get("directions", [])]
    return [pytest.param(c, id=c.get("name") or c.get("input_sexpr") or c["input_xml"])
            for c in picked]


def _read(path: Path) -> str:
    return join_continuations(path.read_text())


def _v11(actual: str) -> str:
    return actual if not actual or actual.endswith("\n") else actual + "\n"


def _convert(xenvirsh, *args: str) -> str:  # type: ignore[no-untyped-def]
    result = xenvirsh("-c", "test:///default", "-q", *args)
    assert (result.status, result.err) == (0, "")
    out: str = result.out
    return out


@pytest.mark.parametrize("case", _cases("xl", "cfg2xml"))
def test_xl_cfg_to_xml(case: Case, xenvirsh, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cfg = tmp_path / case["cfg"]
    cfg.write_text(_read(CONFORMANCE / "xl" / case["cfg"]))
    out = _convert(xenvirsh, "domxml-from-native", "--security-info", "xen-xl", str(cfg))
    assert _v11(out) == _read(CONFORMANCE / "xl" / case["xml"])


@pytest.mark.parametrize("case", _cases("xl", "xml2cfg"))
def test_xl_xml_to_cfg(case: Case, xenvirsh) -> None:  # type: ignore[no-untyped-def]
    out = _convert(xenvirsh, "domxml-to-native", "xen-xl", str(CONFORMANCE / "xl" / case["xml"]))
    assert _v11(out) == _read(CONFORMANCE / "xl" / case["cfg"])


@pytest.mark.parametrize("case", _cases("xm", "cfg2xml"))
def test_xm_cfg_to_xml(case: Case, xenvirsh, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cfg = tmp_path / case["cfg"]
    cfg.write_text(_read(CONFORMANCE / "xm" / case["cfg"]))
    out = _convert(xenvirsh, "domxml-from-native", "--security-info", "xen-xm", str(cfg))
    assert _v11(out) == _read(CONFORMANCE / "xm" / case["xml"])


@pytest.mark.parametrize("case", _cases("xm", "xml2cfg"))
def test_xm_xml_to_cfg(case: Case, xenvirsh) -> None:  # type: ignore[no-untyped-def]
    out = _convert(xenvirsh, "domxml-to-native", "xen-xm", str(CONFORMANCE / "xm" / case["xml"]))
    assert _v11(out) == _read(CONFORMANCE / "xm" / case["cfg"])


@pytest.mark.parametrize("case", _cases("libxl-json", "xml2json"))
def test_libxl_json(case: Case, xenvirsh) -> None:  # type: ignore[no-untyped-def]
    out = _convert(xenvirsh, "domxml-to-native", "libxl-json",
                   str(CONFORMANCE / "libxl-json" / case["xml"]))
    expected = json.loads((CONFORMANCE / "libxl-json" / case["json_normalized"]).read_text())
    assert json.loads(out) == expected


@pytest.mark.parametrize("case", _cases("sexpr2xml", "sexpr2xml"))
def test_sexpr_to_xml(case: Case, xenvirsh, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sexpr = tmp_path / case["input_sexpr"]
    sexpr.write_text(_read(CONFORMANCE / "sexpr2xml" / case["input_sexpr"]))
    out = _convert(xenvirsh, "domxml-from-native", "--security-info", "xen-sxpr", str(sexpr))
    assert _v11(out) == _read(CONFORMANCE / "sexpr2xml" / case["expected_modern_xml"])


@pytest.mark.parametrize("case", _cases("xml2sexpr", "xml2sexpr"))
def test_xml_to_sexpr(case: Case, xenvirsh) -> None:  # type: ignore[no-untyped-def]
    out = _convert(xenvirsh, "domxml-to-native", "xen-sxpr",
                   str(CONFORMANCE / "xml2sexpr" / case["input_xml"]))
    expected = _read(CONFORMANCE / "xml2sexpr" / case["expected_sexpr"])
    actual = out[:-1] if out.endswith("\n") else out  # the CLI ends what it prints
    if expected.endswith("\n") and not actual.endswith("\n"):
        actual += "\n"
    assert actual == expected


# --- optional: libvirt's complete xl/xm data, straight from a libvirt source tree ---------
#
# XENVIRSH_LIBVIRT_TESTS names a libvirt 11.3.0 source ``tests`` directory. The cases and
# their directions come from the DO_TEST* lines of xlconfigtest.c and xmconfigtest.c (every
# #ifdef there holds for Xen >= 4.13); "parse" in libvirt's macro names is XML -> cfg.

LIBVIRT_TESTS = os.environ.get("XENVIRSH_LIBVIRT_TESTS")
_MACRO = re.compile(r'^\s*(DO_TEST\w*)\("([^"]+)"', re.M)
_DIRECTIONS = {
    "DO_TEST": ("xml2cfg", "cfg2xml"),
    "DO_TEST_REPLACE_VARS": ("xml2cfg", "cfg2xml"),
    "DO_TEST_PARSE": ("xml2cfg",),
    "DO_TEST_FORMAT": ("cfg2xml",),
}
# the LIBXL_FIRMWARE_DIR of libvirt's build, which the test host reproduces
_FIRMWARE_DIR = "/usr/lib/xen/boot"


def _libvirt_cases(suite: str) -> List[Any]:
    if not LIBVIRT_TESTS:
        return [pytest.param(None, None, None, marks=pytest.mark.skip(
            reason="set XENVIRSH_LIBVIRT_TESTS to a libvirt source tests/ directory"))]
    program = Path(LIBVIRT_TESTS) / f"{suite}configtest.c"
    found = []
    for macro, name in _MACRO.findall(program.read_text()):
        for direction in _DIRECTIONS[macro]:
            found.append(pytest.param(name, direction, macro == "DO_TEST_REPLACE_VARS",
                                      id=f"{name}-{direction}"))
    return found


def _libvirt_check(xenvirsh, tmp_path: Path, suite: str, name: str,  # type: ignore[no-untyped-def]
                   direction: str, replace: bool) -> None:
    data = Path(LIBVIRT_TESTS or "") / f"{suite}configdata"
    cfg, xml = data / f"test-{name}.cfg", data / f"test-{name}.xml"
    fmt = f"xen-{suite}"
    if direction == "xml2cfg":
        source = xml
        if replace:
            source = tmp_path / xml.name
            source.write_text(xml.read_text().replace("/LIBXL_FIRMWARE_DIR", _FIRMWARE_DIR))
        out = _convert(xenvirsh, "domxml-to-native", fmt, str(source))
        assert _v11(out) == _read(cfg)
    else:
        joined = tmp_path / cfg.name
        joined.write_text(_read(cfg))
        out = _convert(xenvirsh, "domxml-from-native", "--security-info", fmt, str(joined))
        expected = _read(xml).replace("/LIBXL_FIRMWARE_DIR", _FIRMWARE_DIR)
        assert _v11(out) == expected


@pytest.mark.parametrize(("name", "direction", "replace"), _libvirt_cases("xl"))
def test_libvirt_xl(xenvirsh, tmp_path: Path, name: str, direction: str,  # type: ignore[no-untyped-def]
                    replace: bool) -> None:
    _libvirt_check(xenvirsh, tmp_path, "xl", name, direction, replace)


@pytest.mark.parametrize(("name", "direction", "replace"), _libvirt_cases("xm"))
def test_libvirt_xm(xenvirsh, tmp_path: Path, name: str, direction: str,  # type: ignore[no-untyped-def]
                    replace: bool) -> None:
    _libvirt_check(xenvirsh, tmp_path, "xm", name, direction, replace)
