"""xen+ssh against a real sshd on 127.0.0.1, started by the test with its own keys.

The remote xenvirsh runs this checkout against a simulated host, so the test
needs no Xen. Names and paths carry spaces, quotes, ``$()``, ``;`` and
newlines: they must reach the remote command intact and never run anything.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator, List

import pytest

from tests.conftest import REPO

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
pytestmark = pytest.mark.skipif(
    not (os.path.exists(SSHD) and shutil.which("ssh") and shutil.which("ssh-keygen")),
    reason="needs OpenSSH's sshd, ssh and ssh-keygen (Debian openssh-server, openssh-client)",
)

CANARY = "xenvirsh-ssh-canary"
# what a shell would run if it ever saw these names unquoted
NASTY = f"we ird $(touch {CANARY}); `touch {CANARY}` 'q\" x\ny"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def sshd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    home = tmp_path_factory.mktemp("ssh")
    for key in ("host_key", "user_key"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                        str(home / key)], check=True)
    (home / "authorized_keys").write_text((home / "user_key.pub").read_text())
    os.chmod(home, 0o700)
    port = _free_port()
    (home / "sshd_config").write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {home / 'host_key'}\n"
        f"AuthorizedKeysFile {home / 'authorized_keys'}\nPidFile {home / 'sshd.pid'}\n"
        "StrictModes no\nUsePAM no\nPasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\nPermitRootLogin yes\n")
    os.makedirs("/run/sshd", exist_ok=True)  # sshd's privilege separation directory
    server = subprocess.Popen([SSHD, "-D", "-e", "-f", str(home / "sshd_config")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    client = home / "ssh"
    client.write_text(
        "#!/bin/sh\nexec ssh -o BatchMode=yes -o StrictHostKeyChecking=no "
        f"-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -i {home / 'user_key'} \"$@\"\n")
    client.chmod(0o755)
    try:
        yield {"port": port, "client": str(client), "home": home}
    finally:
        server.terminate()
        server.wait()


@pytest.fixture
def remote(sshd: dict, tmp_path: Path):  # type: ignore[no-untyped-def]
    state = tmp_path / "remote-state"
    env = {
        **os.environ,
        "XENVIRSH_SSH": sshd["client"],
        "XENVIRSH_REMOTE_URI": "test:///default",
        "XENVIRSH_REMOTE_COMMAND": f"env PYTHONPATH={REPO} XENVIRSH_TEST_STATE={state} "
                                   f"{sys.executable} -m xenvirsh",
    }
    uri = f"xen+ssh://root@127.0.0.1:{sshd['port']}/system"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "xenvirsh", "-c", uri, *args],
                              env=env, cwd=REPO, capture_output=True, text=True,
                              check=False)

    return run


def _domain(path: Path, name: str) -> None:
    from xml.sax.saxutils import escape

    path.write_text(f"<domain type='xen'><name>{escape(name)}</name><memory>524288</memory>"
                    "<os><type>linux</type><kernel>/boot/vmlinuz</kernel></os></domain>")


def test_remote_commands_run_remotely(remote, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = remote("uri")
    assert (result.returncode, result.stdout) == (0, "test:///default\n\n")
    assert remote("-q", "list", "--all", "--name").stdout == "Domain-0\n"


def test_hostile_names_and_paths_arrive_intact(remote, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    name = NASTY.replace("\n", " ")  # names are one line
    folder = tmp_path / NASTY
    folder.mkdir()
    xml = folder / "guest; rm -rf x.xml"
    _domain(xml, name)
    result = remote("define", str(xml))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == f"Domain '{name}' defined from {xml}\n\n"
    assert remote("-q", "list", "--inactive", "--name").stdout == f"{name}\n"
    info = remote("dominfo", name)
    assert info.returncode == 0 and f"Name:           {name}\n" in info.stdout
    assert remote("-q", "domstate", name).stdout == "shut off\n"
    for place in (REPO, Path.home(), tmp_path, Path("/")):
        assert not (place / CANARY).exists()


def test_named_file_options_travel_too(remote, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """define --file and domxml-to-native --xml name a local file, as the
    positional forms do: its bytes go over stdin."""
    xml = tmp_path / "named.xml"
    _domain(xml, "named")
    assert remote("define", "--file", str(xml)).stdout == f"Domain 'named' defined from {xml}\n\n"
    native = remote("-q", "domxml-to-native", "--format", "xen-xl", "--xml", str(xml))
    assert (native.returncode, native.stderr) == (0, "")
    assert native.stdout.splitlines()[0] == 'name = "named"'
    timed = remote("-t", "uri").stdout
    assert timed.startswith("test:///default\n\n(Time: ") and timed.endswith(" ms)\n\n")


def test_remote_errors_come_back(remote) -> None:  # type: ignore[no-untyped-def]
    result = remote("dominfo", "no such $(domain)")
    assert (result.returncode, result.stdout, result.stderr) == (
        1, "\n", "error: failed to get domain 'no such $(domain)'\n")


def test_unreachable_host_is_one_clear_error(sshd: dict, tmp_path: Path) -> None:
    env = {**os.environ, "XENVIRSH_SSH": sshd["client"]}
    argv: List[str] = [sys.executable, "-m", "xenvirsh", "-c",
                       f"xen+ssh://root@127.0.0.1:{_free_port()}/system", "list"]
    result = subprocess.run(argv, env=env, cwd=REPO, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1].startswith(
        f"error: cannot connect to xen+ssh://root@127.0.0.1:{argv[4].rsplit(':', 1)[1]}")
