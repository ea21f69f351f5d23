"""Packaging and the Python API: the wheel, --version, cheap imports,
xenvirsh.convert and xenvirsh.connect."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import List

import pytest

import xenvirsh as api  # the fixture 'xenvirsh' runs the command line
from tests.conftest import REPO
from tests.ui.conftest import GUEST

EXAMPLES = REPO / "examples"


def python(code: str, *, cwd: Path = REPO, path: str = str(REPO)) -> str:
    done = subprocess.run([sys.executable, "-c", code], cwd=str(cwd), capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONPATH": path})
    assert (done.returncode, done.stderr) == (0, "")
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the sources (the checkout stays clean)."""
    setuptools = pytest.importorskip("setuptools")
    if tuple(int(p) for p in setuptools.__version__.split(".")[:2]) < (77, 0):
        pytest.skip("setuptools >= 77 reads pyproject.toml's SPDX license")
    work = tmp_path_factory.mktemp("build")
    source = work / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("xenvirsh", "libxl_shim"):
        shutil.copytree(REPO / folder, source / folder, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                           "--no-build-isolation", "-q", "-w", str(work / "dist"), str(source)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    (built,) = (work / "dist").glob("xenvirsh-*.whl")
    return built


def test_wheel_contents(wheel: Path) -> None:
    assert wheel.name == f"xenvirsh-{api.__version__}-py3-none-any.whl"
    names = zipfile.ZipFile(wheel).namelist()
    for name in ("xenvirsh/__init__.py", "xenvirsh/py.typed", "xenvirsh/cli/main.py",
                 "xenvirsh/cli/shell.py", "libxl_shim/__init__.py", "libxl_shim/py.typed"):
        assert name in names, name
    assert {name.split("/")[0] for name in names} == {
        "xenvirsh", "libxl_shim", f"xenvirsh-{api.__version__}.dist-info"}
    info = f"xenvirsh-{api.__version__}.dist-info"
    entry_points = zipfile.ZipFile(wheel).read(f"{info}/entry_points.txt").decode()
    assert "xenvirsh = xenvirsh.cli.main:main" in entry_points
    metadata = zipfile.ZipFile(wheel).read(f"{info}/METADATA").decode()
    requires = [line.split(":", 1)[1].strip() for line in metadata.splitlines()
                if line.startswith("Requires-Dist:") and "extra ==" not in line]
    assert sorted(requires) == ["click<9,>=8.0", "lxml>=4.6", "rich>=12"]
    assert "License-Expression: LGPL-2.1-or-later" in metadata.splitlines()


def test_installed_wheel_runs(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q",
                           "--target", str(target), str(wheel)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    # the installed copy, not the checkout: run from elsewhere with only it on the path
    out = python("import xenvirsh, sys; from xenvirsh.cli.main import main; "
                 "print(xenvirsh.__file__); sys.argv = ['xenvirsh', '--version']; main()",
                 cwd=tmp_path, path=str(target))
    assert out == f"{target}/xenvirsh/__init__.py\n{api.__version__}\n"
    script = (target / "bin" / "xenvirsh").read_text()
    assert "from xenvirsh.cli.main import main" in script


def test_version_option(xenvirsh) -> None:  # type: ignore[no-untyped-def]
    for option in ("--version", "-v"):
        result = xenvirsh(option)
        assert (result.status, result.out, result.err) == (0, f"{api.__version__}\n", "")


def loaded_after(code: str) -> List[str]:
    """The top-level packages of interest loaded after running ``code``."""
    out = python(code + "\nimport sys\nprint(' '.join(sorted({m.split('.')[0] for m in "
                        "sys.modules if m.split('.')[0] in ('click', 'lxml', 'rich', 'typing', "
                        "'xenvirsh')})))")
    return out.split("\n")[-2].split()


def test_import_xenvirsh_is_cheap() -> None:
    # what the interpreter loads before any code runs is not xenvirsh's doing
    # (Python 3.9's editable-install finder loads typing)
    before = set(loaded_after(""))
    assert set(loaded_after("import xenvirsh")) - before == {"xenvirsh"}


def test_conversions_do_not_load_rich() -> None:
    code = ("from xenvirsh.cli.main import run\n"
            f"run(['-q', '-c', 'test:///default', 'domxml-from-native', 'xen-xl', "
            f"'{EXAMPLES / 'web-pv.cfg'}'])\n")
    assert "rich" not in loaded_after(code)
    assert "rich" not in loaded_after("import xenvirsh\nxenvirsh.convert(open("
                                      f"'{EXAMPLES / 'web-pv.cfg'}').read(), "
                                      "from_format='xen-xl', to_format='xen-xm')")


def test_conversions_skip_click_start_up_costs() -> None:
    """click's parser, left alone, tries ``-c`` as a long option first and its
    failure imports difflib; its help option's text goes through gettext,
    which imports locale."""
    code = ("from xenvirsh.cli.main import run\n"
            f"run(['-q', '-c', 'test:///default', 'domxml-from-native', 'xen-xl', "
            f"'{EXAMPLES / 'web-pv.cfg'}'])\n"
            "import sys\nprint(sorted({'difflib', 'locale'} & set(sys.modules)))")
    assert python(code).split("\n")[-2] == "[]"


# --- the Python API ----------------------------------------------------------------

def test_convert_native_to_xml_and_back(xenvirsh) -> None:  # type: ignore[no-untyped-def]
    """Byte for byte what the commands print (without their blank line)."""
    config = (EXAMPLES / "web-pv.cfg").read_text()
    xml = api.convert(config, from_format="xen-xl", to_format="xml")
    cli_xml = xenvirsh("-q", "-c", "test:///default", "domxml-from-native", "xen-xl",
                       str(EXAMPLES / "web-pv.cfg")).out
    assert xml == cli_xml
    for fmt in ("xen-xl", "xen-xm", "xen-sxpr", "libxl-json"):
        native = api.convert(xml.encode(), from_format="xml", to_format=fmt)
        printed = xenvirsh("-q", "-c", "test:///default", "domxml-to-native", fmt, "-",
                           stdin=xml.encode()).out
        # like virsh, the command ends the text with a newline when it has none
        assert printed == (native if native.endswith("\n") else native + "\n")
    assert api.convert(xml, from_format="xml", to_format="xml") == xml


def test_convert_native_to_native(xenvirsh) -> None:  # type: ignore[no-untyped-def]
    config = (EXAMPLES / "legacy-hvm.xm").read_bytes()
    assert api.convert(config, from_format="xen-xm", to_format="xen-xl") == xenvirsh(
        "-q", "-c", "test:///default", "native-convert", "xen-xm", "xen-xl",
        str(EXAMPLES / "legacy-hvm.xm")).out


def test_convert_keeps_passwords_only_when_asked() -> None:
    xml = GUEST.replace("</os>", "</os><devices><graphics type='vnc' passwd='secret'/>"
                                 "</devices>")
    assert "passwd=" not in api.convert(xml, from_format="xml", to_format="xml")
    assert "passwd='secret'" in api.convert(xml, from_format="xml", to_format="xml",
                                                 secure=True)


def test_convert_errors_are_virsh_messages() -> None:
    from xenvirsh.errors import XenvirshError

    with pytest.raises(XenvirshError) as caught:
        api.convert("", from_format="xen-foo", to_format="xml")
    assert str(caught.value) == "invalid argument: unsupported config type xen-foo"
    with pytest.raises(XenvirshError) as caught:
        api.convert("<domain/>", from_format="xml", to_format="libxl-jsn")
    assert str(caught.value) == "invalid argument: unsupported config type libxl-jsn"


def test_convert_stays_a_function_after_the_cli_imported_conversions(xenvirsh) -> None:  # type: ignore[no-untyped-def]
    xenvirsh("-q", "-c", "test:///default", "domxml-from-native", "xen-xl",
             str(EXAMPLES / "web-pv.cfg"))
    import xenvirsh.conversion  # noqa: F401

    assert callable(api.convert)


def test_connect(state_dir: Path) -> None:
    conn = api.connect("test:///default")
    assert conn.uri == "test:///default"
    dom = conn.define(GUEST.encode())
    assert dom.name == "webserver"
    record = conn.lookup("webserver")
    assert (record.persistent, record.active) == (True, False)
    conn.start(record)
    info = conn.info(conn.lookup("webserver"))
    assert (info.id, info.state, info.vcpus, info.owner) == (1, "running", 2, "xenvirsh")
    assert [r.name for r in conn.domains()] == ["Domain-0", "webserver"]
    conn.destroy(conn.lookup("1"))
    assert conn.state(conn.lookup("webserver")) == ("shut off", "destroyed")


def test_connect_uses_the_default_uri(state_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XENVIRSH_DEFAULT_URI", "test:///default")
    assert api.connect().uri == "test:///default"
