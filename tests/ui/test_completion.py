"""Shell completion for bash, zsh and fish through Click's ``_XENVIRSH_COMPLETE``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional

import pytest

from tests.conftest import REPO


def complete(shell: str, words: str, *, env: Optional[Dict[str, str]] = None) -> List[str]:
    """What ``xenvirsh`` answers when ``shell`` completes the last word of ``words``."""
    environ = {k: v for k, v in os.environ.items()
               if k not in ("XENVIRSH_DEFAULT_URI", "LIBVIRT_DEFAULT_URI")}
    environ.update(env or {})
    if shell == "fish":  # fish passes the word being completed, the others its index
        cword = "" if words.endswith(" ") else words.split()[-1]
    else:
        cword = str(len(words.split()) - (0 if words.endswith(" ") else 1))
    environ.update(_XENVIRSH_COMPLETE=f"{shell}_complete", COMP_WORDS=words,
                   COMP_CWORD=cword, PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, "-m", "xenvirsh"], env=environ, cwd=str(REPO),
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr) == (0, "")
    return [line for line in done.stdout.splitlines() if line]


@pytest.fixture
def defined(xenvirsh, state_dir: Path, guest_xml: Path) -> None:  # type: ignore[no-untyped-def]
    assert xenvirsh("-c", "test:///default", "define", str(guest_xml)).status == 0


@pytest.mark.parametrize("shell, marker", [
    ("bash", "complete -o nosort -F _xenvirsh_completion xenvirsh"),
    ("zsh", "compdef _xenvirsh_completion xenvirsh"),
    ("fish", "complete --no-files --command xenvirsh"),
])
def test_source_scripts(shell: str, marker: str) -> None:
    if shell == "bash" and subprocess.run(["sh", "-c", "command -v bash"],
                                          capture_output=True).returncode:
        pytest.skip("bash is not installed")  # Click asks bash for its version
    done = subprocess.run([sys.executable, "-m", "xenvirsh"], cwd=str(REPO),
                          env={**os.environ, "_XENVIRSH_COMPLETE": f"{shell}_source",
                               "PYTHONPATH": str(REPO)},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and marker in done.stdout


def test_bash_completes_domains_of_the_chosen_connection(defined: None) -> None:
    assert complete("bash", "xenvirsh -c test:///default dominfo ") == [
        "plain,Domain-0", "plain,webserver"]
    assert complete("bash", "xenvirsh --connect test:///default start w") == ["plain,webserver"]
    # no -c: the default connection, here one that does not exist: nothing, silently
    assert complete("bash", "xenvirsh dominfo ", env={"XENVIRSH_DEFAULT_URI": "nosuch:///"}) == []
    assert complete("bash", "xenvirsh dominfo ",
                    env={"LIBVIRT_DEFAULT_URI": "test:///default"}) == [
        "plain,Domain-0", "plain,webserver"]


def test_bash_completes_commands_options_formats_and_files(defined: None) -> None:
    assert complete("bash", "xenvirsh native-") == ["plain,native-convert"]
    assert complete("bash", "xenvirsh list --i") == ["plain,--inactive", "plain,--id"]
    assert complete("bash", "xenvirsh domxml-to-native ") == [
        "plain,xen-xl", "plain,xen-xm", "plain,xen-sxpr", "plain,libxl-json"]
    assert complete("bash", "xenvirsh domxml-from-native xen-x") == [
        "plain,xen-xl", "plain,xen-xm"]
    assert complete("bash", "xenvirsh define exa") == ["file,exa"]


def test_zsh_and_fish_complete_domains(defined: None) -> None:
    assert complete("zsh", "xenvirsh -c test:///default undefine web") == [
        "plain", "webserver", "_"]
    assert complete("fish", "xenvirsh -c test:///default undefine web") == ["plain,webserver"]
