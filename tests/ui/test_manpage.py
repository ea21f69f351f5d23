"""man/xenvirsh.1: up to date with the Click commands, complete, and clean for groff."""

from __future__ import annotations

import functools
import importlib.util
import shutil
import subprocess
from types import ModuleType
from typing import List, Tuple

import click
import pytest

from tests.conftest import REPO
from xenvirsh.cli.main import cli

PAGE = REPO / "man" / "xenvirsh.1"


@functools.cache
def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("man_generate", REPO / "man" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def commands() -> List[Tuple[str, click.Command, click.Context]]:
    root = click.Context(cli, info_name="xenvirsh", **cli.context_settings)
    found = []
    for name in cli.list_commands(root):
        command = cli.get_command(root, name)
        assert command is not None
        found.append((name, command, click.Context(command, info_name=name, parent=root)))
    return found


def options(command: click.Command, ctx: click.Context) -> List[str]:
    """The command's own options (-h/--help is documented once, under OPTIONS)."""
    return [opt for param in command.get_params(ctx)
            if isinstance(param, click.Option) and not param.hidden
            and not set(param.opts) <= set(ctx.help_option_names) for opt in param.opts]


def roff(text: str) -> str:
    return text.replace("-", "\\-")


def test_page_is_up_to_date() -> None:
    assert PAGE.read_text(encoding="utf-8") == generator().render(), (
        "man/xenvirsh.1 is out of date: run python3 man/generate.py")


def test_check_mode_reports_a_stale_page(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    gen = generator()
    stale = tmp_path / "xenvirsh.1"
    stale.write_text(PAGE.read_text(encoding="utf-8").replace("virsh", "vrish", 1))
    monkeypatch.setattr(gen, "PAGE", stale)
    assert gen.main(["--check"]) == 1
    monkeypatch.setattr(gen, "PAGE", PAGE)
    assert gen.main(["--check"]) == 0


@pytest.mark.parametrize("name, command, ctx", commands(), ids=lambda v: str(v)[:30])
def test_every_command_and_option_is_documented(name: str, command: click.Command,
                                                ctx: click.Context) -> None:
    page = PAGE.read_text(encoding="utf-8")
    section = page.split(f"\n.SS {roff(name)}\n", 1)[1].split("\n.S", 1)[0]
    help_text = command.get_help(ctx)
    for option in options(command, ctx):
        assert f"\\fB{roff(option)}" in section or f" {roff(option)}" in section, option
        assert option in help_text, option
    assert command.help and " ".join(command.help.split()[:4]) in " ".join(help_text.split())
    assert roff(" ".join(command.help.split()[:4])) in section


def test_root_help_and_page_list_every_command_and_global_option(xenvirsh) -> None:  # type: ignore[no-untyped-def]
    result = xenvirsh("--help")
    page = PAGE.read_text(encoding="utf-8")
    assert result.status == 0
    listed = [line.split()[0] for line in result.out.split("Commands:\n", 1)[1].splitlines()]
    assert listed == [name for name, _, _ in commands()]
    for option in ("-c", "--connect", "-q", "--quiet", "--plain", "-v", "--version", "-h",
                   "--help"):
        assert option in result.out and roff(option) in page, option
    assert "--input-name" not in result.out  # hidden: the xen+ssh forwarder's own


def test_groff_renders_without_warnings() -> None:
    if shutil.which("groff") is None:
        pytest.skip("groff is not installed (Debian: groff-base)")
    done = subprocess.run(["groff", "-ww", "-man", "-Tutf8", str(PAGE)], capture_output=True,
                          timeout=60)
    assert (done.returncode, done.stderr.decode()) == (0, "")
    text = done.stdout.decode()
    for heading in ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "COMMANDS",
                    "INTERACTIVE SHELL", "CONNECTION URIS", "FORMATS", "JSON OUTPUT",
                    "ENVIRONMENT", "FILES", "EXIT STATUS", "EXAMPLES", "SEE ALSO"):
        assert f"\n{heading}\n" in _unbold(text), heading


def _unbold(text: str) -> str:
    """groff's overstrike bold (c\\bc) as plain text."""
    while "\b" in text:
        index = text.index("\b")
        text = text[:index - 1] + text[index + 1:]
    return text


def test_every_format_is_described() -> None:
    from xenvirsh.formats.registry import NATIVE_FORMATS

    page = PAGE.read_text(encoding="utf-8")
    for name in NATIVE_FORMATS:
        assert f".TP\n\\fB{roff(name)}\\fR\n" in page, name
