"""Output modes: virsh's plain text when piped or with --plain, rich on a
terminal (pinned screens), --json documents and their documented schema,
spinners only for a person."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict

import pytest

from tests.conftest import REPO
from tests.ui.conftest import GUEST, pexpect, run_on_terminal, terminal_env
from xenvirsh.cli import terminal


@pytest.fixture
def host(xenvirsh, state_dir: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Domain-0, webserver (id 1, paused) and backup (shut off)."""
    virsh = lambda *args, **kw: xenvirsh("-c", "test:///default", *args, **kw)  # noqa: E731
    backup = GUEST.replace("webserver", "backup").replace("1809", "1810")
    assert virsh("-q", "define", "-", stdin=GUEST.encode()).status == 0
    assert virsh("-q", "define", "-", stdin=backup.encode()).status == 0
    assert virsh("-q", "start", "webserver").status == 0
    assert virsh("-q", "suspend", "webserver").status == 0
    return virsh


LIST_PLAIN = (" Id   Name        State\n"
              "----------------------------\n"
              " 0    Domain-0    running\n"
              " 1    webserver   paused\n"
              " -    backup      shut off\n\n")

DOMINFO_PLAIN = ("Id:             1\n"
                 "Name:           webserver\n"
                 "UUID:           c7a5fdb2-cdaf-9455-926a-d65c16db1809\n"
                 "OS Type:        xen\n"
                 "State:          paused\n"
                 "CPU(s):         2\n"
                 "Max memory:     524288 KiB\n"
                 "Used memory:    262144 KiB\n"
                 "Persistent:     yes\n"
                 "Autostart:      disable\n"
                 "Managed save:   no\n\n")

BOLD, GREEN, YELLOW, GREY, RED, RESET = (
    "\x1b[1m", "\x1b[32m", "\x1b[33m", "\x1b[90m", "\x1b[1;31m", "\x1b[0m")

# rich on an 80-column xterm: same cells, bold headers, coloured states
LIST_TERMINAL = (
    f"{BOLD}Id{RESET}   {BOLD}Name{RESET}        {BOLD}State{RESET}   \n"
    "─────────────────────────\n"
    f" 0   Domain-0    {GREEN}running{RESET} \n"
    f" 1   webserver   {YELLOW}paused{RESET}  \n"
    f" -   backup      {GREY}shut off{RESET}\n\n")

DOMINFO_TERMINAL = "".join(
    f"{BOLD}{label}{RESET}{' ' * (14 - len(label))}{value}{' ' * (36 - len(plain))}\n"
    for label, value, plain in [
        ("Id:", "1", "1"),
        ("Name:", "webserver", "webserver"),
        ("UUID:", "c7a5fdb2-cdaf-9455-926a-d65c16db1809", "c7a5fdb2-cdaf-9455-926a-d65c16db1809"),
        ("OS Type:", "xen", "xen"),
        ("State:", f"{YELLOW}paused{RESET}", "paused"),
        ("CPU(s):", "2", "2"),
        ("Max memory:", "524288 KiB", "524288 KiB"),
        ("Used memory:", "262144 KiB", "262144 KiB"),
        ("Persistent:", "yes", "yes"),
        ("Autostart:", "disable", "disable"),
        ("Managed save:", "no", "no"),
    ]) + "\n"


def test_plain_when_piped(host, state_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """A real process whose stdout is a pipe prints virsh's text."""
    for args, expected in ((["list", "--all"], LIST_PLAIN), (["dominfo", "webserver"],
                                                              DOMINFO_PLAIN)):
        done = subprocess.run([sys.executable, "-m", "xenvirsh", "-c", "test:///default",
                               *args], cwd=str(REPO), capture_output=True, text=True,
                              env=terminal_env(), timeout=60)
        assert (done.returncode, done.stdout, done.stderr) == (0, expected, "")


def test_terminal_list_and_dominfo_are_pinned(host) -> None:  # type: ignore[no-untyped-def]
    assert run_on_terminal(["-c", "test:///default", "list", "--all"]) == (0, LIST_TERMINAL)
    assert run_on_terminal(["-c", "test:///default", "dominfo", "webserver"]) == (
        0, DOMINFO_TERMINAL)


def test_no_color_keeps_the_layout(host) -> None:  # type: ignore[no-untyped-def]
    status, screen = run_on_terminal(["-c", "test:///default", "list", "--all"], NO_COLOR="1")
    assert status == 0
    assert screen == LIST_TERMINAL.replace(GREEN, "").replace(YELLOW, "").replace(
        GREY, "").replace(f"running{RESET}", "running").replace(
        f"paused{RESET}", "paused").replace(f"shut off{RESET}", "shut off")


@pytest.mark.parametrize("args, extra", [
    (["--plain", "list", "--all"], {}),
    (["list", "--all"], {"TERM": "dumb"}),
])
def test_plain_on_a_terminal(host, args, extra: Dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    assert run_on_terminal(["-c", "test:///default", *args], **extra) == (0, LIST_PLAIN)


def test_errors_on_a_terminal(host) -> None:  # type: ignore[no-untyped-def]
    assert run_on_terminal(["-c", "test:///default", "dominfo", "nosuch"]) == (
        1, f"{RED}error:{RESET} failed to get domain 'nosuch'\n\n")
    assert run_on_terminal(["--plain", "-c", "test:///default", "dominfo", "nosuch"]) == (
        1, "error: failed to get domain 'nosuch'\n\n")
    assert run_on_terminal(["--plain", "bogus"]) == (1, "error: unknown command: 'bogus'\n")


def test_nodeinfo_on_a_terminal(state_dir: Path) -> None:
    status, screen = run_on_terminal(["-c", "test:///default", "nodeinfo"], NO_COLOR="1")
    assert status == 0
    assert screen.splitlines()[:2] == [f"{BOLD}CPU model:{RESET}          x86_64     ",
                                       f"{BOLD}CPU(s):{RESET}             2          "]


def test_spinner_only_for_a_person() -> None:
    script = ("import time\n"
              "from xenvirsh.cli.terminal import progress\n"
              "with progress('Waiting for domain web to shut down', plain={}):\n"
              "    time.sleep(0.6)\n"
              "print('done')\n")
    child = pexpect.spawn(sys.executable, ["-c", script.format(False)], cwd=str(REPO),
                          env=terminal_env(), dimensions=(24, 80), encoding="utf-8", timeout=30)
    child.expect(pexpect.EOF)
    shown = child.before
    assert "Waiting for domain web to shut down" in shown and shown.endswith("done\r\n")
    assert "\x1b[?25l" in shown  # rich hides the cursor while spinning
    child = pexpect.spawn(sys.executable, ["-c", script.format(True)], cwd=str(REPO),
                          env=terminal_env(), dimensions=(24, 80), encoding="utf-8", timeout=30)
    child.expect(pexpect.EOF)
    assert child.before == "done\r\n"


def test_shutdown_wait_is_silent_in_scripts(host) -> None:  # type: ignore[no-untyped-def]
    host("-q", "resume", "webserver")
    result = host("shutdown", "--wait", "webserver")
    assert (result.status, result.out, result.err) == (
        0, "Domain 'webserver' is being shutdown\n\n", "")


def test_styled_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty:
        def __init__(self, tty: bool) -> None:
            self.tty = tty

        def isatty(self) -> bool:
            return self.tty

    monkeypatch.setenv("TERM", "xterm")
    assert terminal.styled(Tty(True), plain=False)  # type: ignore[arg-type]
    assert not terminal.styled(Tty(True), plain=True)  # type: ignore[arg-type]
    assert not terminal.styled(Tty(False), plain=False)  # type: ignore[arg-type]
    monkeypatch.setenv("TERM", "dumb")
    assert not terminal.styled(Tty(True), plain=False)  # type: ignore[arg-type]


# --- --json ---------------------------------------------------------------------

def documented_keys(command: str) -> list:  # type: ignore[type-arg]
    from tests.ui.test_manpage import generator

    return [key for key, _, _ in generator().JSON_SCHEMAS[command]]


def load(result: Any) -> Any:
    assert (result.status, result.err) == (0, "")
    assert result.out.endswith("\n\n")  # the document, then virsh's blank line
    return json.loads(result.out)


def test_list_json(host) -> None:  # type: ignore[no-untyped-def]
    domains = load(host("list", "--all", "--json"))
    assert domains == [
        {"id": 0, "name": "Domain-0", "uuid": "00000000-0000-0000-0000-000000000000",
         "state": "running", "reason": "booted", "persistent": True, "autostart": False,
         "owner": "xen"},
        {"id": 1, "name": "webserver", "uuid": "c7a5fdb2-cdaf-9455-926a-d65c16db1809",
         "state": "paused", "reason": "user", "persistent": True, "autostart": False,
         "owner": "xenvirsh"},
        {"id": None, "name": "backup", "uuid": "c7a5fdb2-cdaf-9455-926a-d65c16db1810",
         "state": "shut off", "reason": "unknown", "persistent": True, "autostart": False,
         "owner": "xenvirsh"},
    ]
    assert all(list(entry) == documented_keys("list") for entry in domains)
    # selection options apply; -q drops the blank line only
    inactive = host("-q", "list", "--inactive", "--json")
    assert [d["name"] for d in json.loads(inactive.out)] == ["backup"]
    assert inactive.out.endswith("]\n")


def test_list_json_refuses_layout_options(host) -> None:  # type: ignore[no-untyped-def]
    for option in ("--name", "--uuid", "--id", "--table", "--title"):
        result = host("list", "--json", option)
        assert (result.status, result.err) == (
            1, f"error: Options --json and {option} are mutually exclusive\n")


def test_dominfo_json(host) -> None:  # type: ignore[no-untyped-def]
    info = load(host("dominfo", "--json", "webserver"))
    assert info == {
        "id": 1, "name": "webserver", "uuid": "c7a5fdb2-cdaf-9455-926a-d65c16db1809",
        "os_type": "xen", "state": "paused", "reason": "user", "vcpus": 2, "cpu_time_ns": 0,
        "max_memory_kib": 524288, "used_memory_kib": 262144, "persistent": True,
        "autostart": False, "managed_save": False, "owner": "xenvirsh"}
    assert list(info) == documented_keys("dominfo")
    assert load(host("dominfo", "--json", "backup"))["id"] is None


def test_domstate_json(host) -> None:  # type: ignore[no-untyped-def]
    assert load(host("domstate", "--json", "webserver")) == {"state": "paused", "reason": "user"}
    state = load(host("domstate", "--json", "--reason", "backup"))
    assert state == {"state": "shut off", "reason": "unknown"}
    assert list(state) == documented_keys("domstate")


def test_nodeinfo_and_version_json(host) -> None:  # type: ignore[no-untyped-def]
    node = load(host("nodeinfo", "--json"))
    assert node == {"cpu_model": "x86_64", "cpus": 2, "mhz": 2400, "sockets": 1,
                    "cores_per_socket": 2, "threads_per_core": 1, "numa_cells": 1,
                    "memory_kib": 8388608}
    assert list(node) == documented_keys("nodeinfo")
    # the same facts as the plain page
    plain = host("-q", "nodeinfo").out
    assert f"Memory size:         {node['memory_kib']} KiB\n" in plain
    version = load(host("version", "--json"))
    from xenvirsh import __version__

    assert version == {"xenvirsh": __version__, "hypervisor": "Xen",
                       "hypervisor_version": "4.17.0"}
    assert list(version) == documented_keys("version")


def test_json_is_never_styled(host) -> None:  # type: ignore[no-untyped-def]
    status, screen = run_on_terminal(["-q", "-c", "test:///default", "domstate", "--json",
                                      "webserver"])
    assert (status, screen) == (0, '{\n  "state": "paused",\n  "reason": "user"\n}\n')
