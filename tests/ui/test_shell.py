"""The interactive shell: line syntax, scripted sessions, completion, and a
real session on a pseudo-terminal (readline, TAB, history)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import List

import pytest

from tests.ui.conftest import GUEST, pexpect, spawn, terminal_env
from xenvirsh.cli.context import State
from xenvirsh.cli.shell import BANNER, PROMPT, ShellSyntaxError, candidates, split_commands


@pytest.mark.parametrize("line, commands", [
    ("list --all", [["list", "--all"]]),
    ("  dominfo   web  ", [["dominfo", "web"]]),
    ("start web; list", [["start", "web"], ["list"]]),
    ("start web;list;", [["start", "web"], ["list"], []]),
    ("define 'my file.xml'", [["define", "my file.xml"]]),
    ('define "a \\"b\\" c"', [["define", 'a "b" c']]),
    ("define 'back\\slash'", [["define", "back\\slash"]]),
    ("define a\\ b", [["define", "a b"]]),
    ("echo ''", [["echo", ""]]),
    ("list # all of them", [["list"]]),
    ("dominfo web#1", [["dominfo", "web#1"]]),
    ("# nothing", [[]]),
    ("", [[]]),
])
def test_split_commands(line: str, commands: List[List[str]]) -> None:
    assert split_commands(line) == commands


@pytest.mark.parametrize("line, message", [
    ("define 'open", 'missing "'),
    ('define "open', 'missing "'),
    ("define trailing\\", "dangling \\"),
])
def test_split_commands_refuses(line: str, message: str) -> None:
    with pytest.raises(ShellSyntaxError) as caught:
        split_commands(line)
    assert str(caught.value) == message


def test_scripted_session(xenvirsh, state_dir: Path, guest_xml: Path) -> None:  # type: ignore[no-untyped-def]
    """Commands print exactly as on the command line, errors do not end the
    shell, quit does; without a terminal there is no readline."""
    script = (f"define {guest_xml}\n"
              "list --all\n"
              "dominfo nosuch\n"
              "bogus\n"
              "-c test:///default list\n"
              "domstate webserver; domid webserver\n"
              "'unterminated\n"
              "quit\n"
              "list\n")
    result = xenvirsh("-c", "test:///default", stdin=script.encode())
    table = (" Id   Name        State\n"
             "----------------------------\n"
             " 0    Domain-0    running\n"
             " -    webserver   shut off\n\n")
    assert result.status == 0
    assert result.out == (BANNER + PROMPT + f"Domain 'webserver' defined from {guest_xml}\n\n"
                          + PROMPT + table
                          + PROMPT + "\n"  # dominfo fails: only the blank line on stdout
                          + PROMPT + PROMPT + PROMPT
                          + "shut off\n\n-\n\n"
                          + PROMPT + PROMPT)
    assert result.err == ("error: failed to get domain 'nosuch'\n"
                          "error: unknown command: 'bogus'\n"
                          "error: unknown command: '-c'\n"
                          'error: missing "\n')


def test_quiet_session_ends_at_end_of_input(xenvirsh, state_dir: Path) -> None:  # type: ignore[no-untyped-def]
    result = xenvirsh("-q", "-c", "test:///default", "shell", stdin=b"list --name\nuri\n")
    # no banner, no blank lines; end of input ends the prompt's line
    assert (result.status, result.out, result.err) == (
        0, PROMPT + "Domain-0\n" + PROMPT + "test:///default\n" + PROMPT + "\n", "")


def test_connect_and_help(xenvirsh, state_dir: Path) -> None:  # type: ignore[no-untyped-def]
    script = "uri\nconnect test:///default\nuri\nhelp domid\nhelp nosuch\nconnect bad:///\nuri\n"
    result = xenvirsh("-q", "-c", "nosuch:///", stdin=script.encode())
    assert result.out.split(PROMPT) == [
        "", "", "", "test:///default\n",
        "Usage: xenvirsh domid [OPTIONS] DOMAIN\n\n"
        "  Convert a domain name or UUID to its id.\n\n"
        "Options:\n"
        "  --domain DOMAIN  Domain name or uuid.\n"
        "  -h, --help       Show this message and exit.\n", "", "", "test:///default\n", "\n"]
    refused = ("no connection driver available for {}: xenvirsh drives Xen only; use "
               "xen:///system (this host, through libxl), xen+ssh://[user@]host[:port]/system "
               "(another host, over ssh) or test:///default (a simulated host)")
    assert result.err.splitlines() == [
        "error: " + refused.format("nosuch:///"),
        "error: command or command group 'nosuch' doesn't exist",
        "error: " + refused.format("bad:///")]


def test_no_shell_inside_the_shell(xenvirsh, state_dir: Path) -> None:  # type: ignore[no-untyped-def]
    result = xenvirsh("-q", "-c", "test:///default", stdin=b"shell\nuri\n")
    assert result.err == "error: already in the interactive shell\n"
    assert result.out == PROMPT + PROMPT + "test:///default\n" + PROMPT + "\n"


def test_one_word_is_a_command_string(xenvirsh, state_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """vshParseArgv: a single word after the options is parsed as the shell
    parses a line; every command runs, the last one gives the status."""
    virsh = lambda *args: xenvirsh("-q", "-c", "test:///default", *args)  # noqa: E731
    assert virsh("list --all --name").out == "Domain-0\n"
    assert virsh('domstate "Domain-0"; uri').out == "running\ntest:///default\n"
    # the whole string is parsed first: an unknown command anywhere runs nothing
    unknown = virsh("uri; nosuch; uri")
    assert (unknown.status, unknown.out, unknown.err) == (
        1, "", "error: unknown command: 'nosuch'\n")
    failing_first = virsh("dominfo nosuch; uri")
    assert (failing_first.status, failing_first.out) == (0, "test:///default\n")
    assert (virsh("uri 'open").status, virsh("uri 'open").err) == (1, 'error: missing "\n')


def test_quit_on_the_command_line_does_nothing(xenvirsh) -> None:  # type: ignore[no-untyped-def]
    assert (xenvirsh("quit").status, xenvirsh("exit").out) == (0, "")


@pytest.fixture
def shell_state(xenvirsh, state_dir: Path, guest_xml: Path) -> State:  # type: ignore[no-untyped-def]
    assert xenvirsh("-c", "test:///default", "define", str(guest_xml)).status == 0
    assert xenvirsh("-c", "test:///default", "-q", "create", "-",
                    stdin=GUEST.replace("webserver", "webcache").replace("1809", "1810")
                    .encode()).status == 0
    return State(uri="test:///default", interactive=True)


def words(*names: str) -> List[str]:
    """Completed words: readline then moves on to the next word."""
    return [name + " " for name in names]


def test_complete_commands(shell_state: State) -> None:
    assert candidates(shell_state, "", "dom") == words(
        "domid", "dominfo", "domname", "domstate", "domuuid", "domxml-from-native",
        "domxml-to-native")
    # the command line's global options are no commands at the prompt
    assert candidates(shell_state, "", "-") == []
    assert candidates(shell_state, "list; ", "nodei") == words("nodeinfo")


def test_complete_options(shell_state: State) -> None:
    assert candidates(shell_state, "start ", "--") == words(
        "--domain", "--paused", "--console", "--dry-run", "--help")


def test_complete_domain_names(shell_state: State) -> None:
    assert candidates(shell_state, "dominfo ", "web") == words("webcache", "webserver")
    assert candidates(shell_state, "dominfo --domain ", "") == words(
        "Domain-0", "webcache", "webserver")
    # start offers inactive domains, destroy running ones
    assert candidates(shell_state, "start ", "") == words("webserver")
    assert candidates(shell_state, "destroy ", "w") == words("webcache")
    assert candidates(shell_state, "domxml-to-native xen-xl --domain ", "webs") == words(
        "webserver")


def test_complete_formats_and_files(shell_state: State, tmp_path: Path) -> None:
    assert candidates(shell_state, "domxml-from-native ", "xen-") == words(
        "xen-xl", "xen-xm", "xen-sxpr")
    assert candidates(shell_state, "native-convert xen-xm ", "") == words(
        "xen-xl", "xen-xm", "xen-sxpr", "libxl-json")
    (tmp_path / "sub").mkdir()
    assert candidates(shell_state, "define ", f"{tmp_path}/") == [
        f"{tmp_path}/state/", f"{tmp_path}/sub/", f"{tmp_path}/webserver.xml "]


def test_complete_inside_quotes_offers_nothing(shell_state: State) -> None:
    assert candidates(shell_state, "define 'my ", "f") == []


def test_session_on_a_terminal(state_dir: Path, guest_xml: Path) -> None:
    """define, list, TAB completion of a domain name and quit through a real
    pseudo-terminal with readline; the history is kept."""
    child = spawn(["-c", "test:///default"], terminal_env(NO_COLOR="1"))
    child.expect_exact(BANNER.replace("\n", "\r\n") + PROMPT)
    child.sendline(f"define {guest_xml}")
    child.expect_exact(f"Domain 'webserver' defined from {guest_xml}\r\n\r\n{PROMPT}")
    child.sendline("list --all")
    # on a terminal the table is rich's (NO_COLOR: bold headers, no colours)
    child.expect_exact("\x1b[1mState\x1b[0m   \r\n")
    child.expect_exact(" -   webserver   shut off\r\n\r\n" + PROMPT)
    child.send("dominfo webs\t")
    child.expect_exact("dominfo webserver")  # readline completed the name
    child.sendline("")
    child.expect_exact("c7a5fdb2-cdaf-9455-926a-d65c16db1809")
    child.expect_exact(PROMPT)
    child.send("domst\t")
    child.expect_exact("domstate")
    child.sendline("nosuch")
    child.expect_exact("error:\x1b[0m failed to get domain 'nosuch'\r\n")
    child.expect_exact(PROMPT)
    child.sendline("quit")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    history = state_dir.parent / "xdg" / "xenvirsh" / "history"
    assert history.read_text().splitlines() == [
        f"define {guest_xml}", "list --all", "dominfo webserver ", "domstate nosuch", "quit"]


def wait_for_a_key(pid: int) -> None:
    """Until the shell is back in readline's wait for the next key.

    CPython's readline sees a signal that lands while it handles a key only
    at the next key, so the test sends one only once the process sleeps in
    select() (in the kernel's poll or select wait, where the kernel says)."""
    stat, wchan = Path(f"/proc/{pid}/stat"), Path(f"/proc/{pid}/wchan")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        state = stat.read_text().rsplit(")", 1)[1].split()[0]
        where = wchan.read_text() if wchan.exists() else "0"
        if state == "S" and (where == "0" or "poll" in where or "select" in where):
            return
        time.sleep(0.01)
    raise AssertionError("the shell did not go back to waiting for a key")


def test_ctrl_c_and_ctrl_d_on_a_terminal(state_dir: Path) -> None:
    child = spawn(["-q", "-c", "test:///default"], terminal_env(TERM="dumb"))
    child.expect_exact(PROMPT)
    child.send("list half typed")
    child.expect_exact("list half typed")
    wait_for_a_key(child.pid)
    child.sendintr()
    child.expect_exact(PROMPT)  # a new prompt, the shell goes on
    child.sendline("uri")
    child.expect_exact("test:///default\r\n" + PROMPT)
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_history_file_and_size(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                               tmp_path: Path) -> None:
    from xenvirsh.cli.shell import history_file, history_size

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert history_file() == tmp_path / "xenvirsh" / "history"
    monkeypatch.delenv("XDG_STATE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert history_file() == tmp_path / "home" / ".local" / "state" / "xenvirsh" / "history"
    monkeypatch.delenv("XENVIRSH_HISTSIZE", raising=False)
    assert history_size() == 500
    monkeypatch.setenv("XENVIRSH_HISTSIZE", "20")
    assert history_size() == 20
    for bad in ("-1", "lots", "500001"):
        monkeypatch.setenv("XENVIRSH_HISTSIZE", bad)
        assert history_size() == 500
        assert capsys.readouterr().err == (
            "error: Bad $XENVIRSH_HISTSIZE value; using 500 (the maximum is 500000)\n")
