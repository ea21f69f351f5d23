"""The exact ssh command line of a xen+ssh connection, with hostile names.

XENVIRSH_SSH points to a fake ssh that records its arguments and standard
input. ssh hands the remote shell one string, so everything after the
destination must be one argument that the shell splits back into exactly
what was typed; the destination comes after ``--`` so that a host or user
looking like an option (``-oProxyCommand=...``) is never read as one, and a
domain name looking like an option reaches the remote xenvirsh as a name.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

import pytest

from tests.conftest import REPO

FAKE_SSH = """#!{python}
import json, sys
with open({record!r}, "w") as out:
    json.dump({{"argv": sys.argv[1:], "stdin": sys.stdin.buffer.read().decode("latin-1")}}, out)
"""


@pytest.fixture
def ssh(tmp_path: Path):  # type: ignore[no-untyped-def]
    record = tmp_path / "ssh-call.json"
    fake = tmp_path / "fake-ssh"
    fake.write_text(FAKE_SSH.format(python=sys.executable, record=str(record)))
    fake.chmod(0o755)
    env = {key: value for key, value in os.environ.items()
           if key not in ("XENVIRSH_REMOTE_COMMAND", "XENVIRSH_REMOTE_URI")}
    env["XENVIRSH_SSH"] = str(fake)

    def call(uri: str, *args: str, extra_env: Dict[str, str] = {}) -> Dict[str, Any]:  # noqa: B006
        result = subprocess.run([sys.executable, "-m", "xenvirsh", "-c", uri, *args],
                                env={**env, **extra_env}, cwd=REPO, capture_output=True,
                                stdin=subprocess.DEVNULL, check=False)
        assert (result.returncode, result.stderr) == (0, b""), result
        recorded: Dict[str, Any] = json.loads(record.read_text())
        recorded["ssh"] = str(fake)
        return recorded

    return call


def _remote_words(call: Dict[str, Any]) -> List[str]:
    """What the remote shell runs, split as a POSIX shell splits it."""
    return shlex.split(call["argv"][-1])


def test_hostile_domain_names_are_one_quoted_word(ssh) -> None:  # type: ignore[no-untyped-def]
    for name in ("a; rm -rf /", "$(touch pwned)", "`id`", "x\ny", "it's \"quoted\"", "*"):
        call = ssh("xen+ssh://root@dom0.example/system", "dominfo", name)
        assert call["argv"][:3] == ["-T", "--", "root@dom0.example"]
        assert len(call["argv"]) == 4
        assert _remote_words(call) == ["xenvirsh", "-c", "xen:///system", "dominfo", "--", name]


def test_the_exact_command_string(ssh) -> None:  # type: ignore[no-untyped-def]
    call = ssh("xen+ssh://admin@dom0.example:2222/system", "dominfo", "web; reboot")
    assert call["argv"] == ["-T", "-p", "2222", "--", "admin@dom0.example",
                            "xenvirsh -c xen:///system dominfo -- 'web; reboot'"]
    call = ssh("xen+ssh://dom0.example/system", "dominfo", "line\nbreak")
    assert call["argv"] == ["-T", "--", "dom0.example",
                            "xenvirsh -c xen:///system dominfo -- 'line\nbreak'"]


def test_option_like_hosts_users_and_names_are_not_options(ssh) -> None:  # type: ignore[no-untyped-def]
    call = ssh("xen+ssh://-oProxyCommand=touch%20pwned/system", "list")
    # ssh itself lower-cases host names; what matters is that "--" comes first
    assert call["argv"] == ["-T", "--", "-oproxycommand=touch%20pwned",
                            "xenvirsh -c xen:///system list"]
    call = ssh("xen+ssh://-oProxyCommand=x@dom0.example/system", "list")
    assert call["argv"][1:3] == ["--", "-oProxyCommand=x@dom0.example"]
    call = ssh("xen+ssh://dom0.example/system", "dominfo", "--", "-oProxyCommand=touch x")
    assert _remote_words(call) == ["xenvirsh", "-c", "xen:///system", "dominfo", "--",
                                   "-oProxyCommand=touch x"]


def test_option_values_stay_values(ssh) -> None:  # type: ignore[no-untyped-def]
    call = ssh("xen+ssh://dom0.example/system", "shutdown", "--mode", "-x; id", "web")
    assert _remote_words(call) == ["xenvirsh", "-c", "xen:///system", "shutdown",
                                   "--mode=-x; id", "--", "web"]


def test_a_local_file_travels_on_stdin_under_its_name(ssh, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "-dir; rm -rf ~" / "guest\n.xml"
    path.parent.mkdir()
    path.write_bytes(b"<domain type='xen'>\xff</domain>")
    call = ssh("xen+ssh://dom0.example/system", "define", str(path))
    assert call["stdin"] == "<domain type='xen'>\xff</domain>"
    assert _remote_words(call) == ["xenvirsh", "-c", "xen:///system",
                                   f"--input-name={path}", "define", "--", "-"]


def test_remote_command_and_uri_overrides(ssh) -> None:  # type: ignore[no-untyped-def]
    call = ssh("xen+ssh://[::1]:22/system", "list", extra_env={
        "XENVIRSH_REMOTE_COMMAND": "env 'A=b c' python3 -m xenvirsh",
        "XENVIRSH_REMOTE_URI": "test:///default"})
    assert call["argv"][:5] == ["-T", "-p", "22", "--", "::1"]
    assert _remote_words(call) == ["env", "A=b c", "python3", "-m", "xenvirsh", "-c",
                                   "test:///default", "list"]
