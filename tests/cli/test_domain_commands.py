"""The domain commands on test:///default, with virsh's exact messages."""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest

from tests.conftest import SEED

GUEST = """<domain type='xen'>
  <name>guest</name>
  <uuid>c7a5fdb2-cdaf-9455-926a-d65c16db1809</uuid>
  <title>Test guest</title>
  <memory>524288</memory>
  <currentMemory>262144</currentMemory>
  <vcpu>2</vcpu>
  <os><type>linux</type><kernel>/boot/vmlinuz</kernel></os>
  <devices>
    <disk type='file'><source file='/var/lib/xen/guest.img'/><target dev='xvda'/></disk>
    <interface type='bridge'><mac address='00:16:3e:11:22:33'/><source bridge='xenbr0'/></interface>
    <graphics type='vnc' passwd='secret'/>
  </devices>
</domain>
"""


@pytest.fixture
def virsh(xenvirsh, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XENVIRSH_TEST_STATE", str(tmp_path / "state"))
    return lambda *args, **kw: xenvirsh("-c", "test:///default", *args, **kw)


@pytest.fixture
def guest_xml(tmp_path: Path) -> Path:
    path = tmp_path / "guest.xml"
    path.write_text(GUEST)
    return path


def test_empty_host_lists_domain0(virsh) -> None:  # type: ignore[no-untyped-def]
    result = virsh("list", "--all")
    assert result.status == 0 and result.err == ""
    assert result.out == (" Id   Name       State\n"
                          "--------------------------\n"
                          " 0    Domain-0   running\n\n")


def test_define_list_info_and_undefine(virsh, guest_xml: Path) -> None:  # type: ignore[no-untyped-def]
    result = virsh("define", str(guest_xml))
    assert (result.status, result.out) == (0, f"Domain 'guest' defined from {guest_xml}\n\n")
    assert virsh("list", "--all").out == (" Id   Name       State\n"
                                          "---------------------------\n"
                                          " 0    Domain-0   running\n"
                                          " -    guest      shut off\n\n")
    assert virsh("list", "--inactive", "--name").out == "guest\n\n"
    assert virsh("-q", "list", "--all", "--uuid", "--name").out == (
        "00000000-0000-0000-0000-000000000000 Domain-0\n"
        "c7a5fdb2-cdaf-9455-926a-d65c16db1809 guest\n")
    assert virsh("dominfo", "guest").out == (
        "Id:             -\n"
        "Name:           guest\n"
        "UUID:           c7a5fdb2-cdaf-9455-926a-d65c16db1809\n"
        "OS Type:        xen\n"
        "State:          shut off\n"
        "CPU(s):         2\n"
        "Max memory:     524288 KiB\n"
        "Used memory:    262144 KiB\n"
        "Persistent:     yes\n"
        "Autostart:      disable\n"
        "Managed save:   no\n\n")
    assert virsh("domstate", "--reason", "guest").out == "shut off (unknown)\n\n"
    assert virsh("domid", "guest").out == "-\n\n"
    assert virsh("domuuid", "guest").out == "c7a5fdb2-cdaf-9455-926a-d65c16db1809\n\n"
    assert virsh("domname", "c7a5fdb2-cdaf-9455-926a-d65c16db1809").out == "guest\n\n"
    dumped = virsh("dumpxml", "guest").out
    assert "<title>Test guest</title>" in dumped and "passwd=" not in dumped
    assert "passwd='secret'" in virsh("dumpxml", "--security-info", "guest").out
    assert virsh("undefine", "guest").out == "Domain 'guest' has been undefined\n\n"
    assert virsh("-q", "list", "--all", "--name").out == "Domain-0\n"


def test_lifecycle(virsh, guest_xml: Path) -> None:  # type: ignore[no-untyped-def]
    virsh("define", str(guest_xml))
    assert virsh("start", "--paused", "guest").out == "Domain 'guest' started\n\n"
    assert virsh("list").out == (" Id   Name       State\n"
                                 "--------------------------\n"
                                 " 0    Domain-0   running\n"
                                 " 1    guest      paused\n\n")
    assert virsh("resume", "1").out == "Domain '1' resumed\n\n"
    assert virsh("domstate", "guest").out == "running\n\n"
    assert virsh("suspend", "guest").out == "Domain 'guest' suspended\n\n"
    assert virsh("domstate", "--reason", "guest").out == "paused (user)\n\n"
    again = virsh("start", "guest")
    assert (again.status, again.err) == (1, "error: Domain is already active\n")
    assert virsh("domid", "guest").out == "1\n\n"
    assert virsh("destroy", "guest").out == "Domain 'guest' destroyed\n\n"
    assert virsh("domstate", "--reason", "guest").out == "shut off (destroyed)\n\n"
    twice = virsh("destroy", "guest")
    assert (twice.status, twice.err) == (
        1, "error: Failed to destroy domain 'guest'\n"
           "error: Requested operation is not valid: domain is not running\n")
    assert virsh("start", "guest").status == 0
    assert virsh("domid", "guest").out == "2\n\n"


def test_create_is_transient(virsh, guest_xml: Path) -> None:  # type: ignore[no-untyped-def]
    assert virsh("create", str(guest_xml)).out == f"Domain 'guest' created from {guest_xml}\n\n"
    assert "Persistent:     no" in virsh("dominfo", "guest").out
    result = virsh("undefine", "guest")
    assert result.err == ("error: Failed to undefine domain 'guest'\n"
                          "error: Requested operation is not valid: cannot undefine transient "
                          "domain\n")
    virsh("destroy", "guest")
    assert virsh("-q", "list", "--all", "--name").out == "Domain-0\n"


def test_domain0_refuses_lifecycle(virsh) -> None:  # type: ignore[no-untyped-def]
    result = virsh("destroy", "0")
    assert result.err == ("error: Failed to destroy domain '0'\n"
                          "error: Requested operation is not valid: Domain-0 does not support "
                          "requested operation\n")


def test_lookup_failures_and_usage(virsh) -> None:  # type: ignore[no-untyped-def]
    assert virsh("dominfo", "nosuch").err == "error: failed to get domain 'nosuch'\n"
    missing = virsh("start")
    assert (missing.status, missing.out, missing.err) == (
        1, "", "error: command 'start' requires <domain> option\n")
    both = virsh("list", "--table", "--name")
    assert both.err == "error: Options --table and --name are mutually exclusive\n"
    # vshCommandParse's words for what a command does not take
    unknown = virsh("start", "--bogus", "guest")
    assert (unknown.status, unknown.err) == (
        1, "error: command 'start' doesn't support option --bogus\n")
    assert virsh("dominfo", "guest", "extra").err == "error: unexpected data 'extra'\n"


def test_define_refusals(virsh, tmp_path: Path, guest_xml: Path) -> None:  # type: ignore[no-untyped-def]
    virsh("define", str(guest_xml))
    other = tmp_path / "other.xml"
    other.write_text(GUEST.replace("c7a5fdb2-cdaf-9455-926a-d65c16db1809",
                                   "c7a5fdb2-cdaf-9455-926a-d65c16db1810"))
    result = virsh("define", str(other))
    assert result.err == (f"error: Failed to define domain from {other}\n"
                          "error: operation failed: domain 'guest' already exists with uuid "
                          "c7a5fdb2-cdaf-9455-926a-d65c16db1809\n")
    # libxl's define, not the XML reader, refuses a newline in the name
    newline = tmp_path / "newline.xml"
    newline.write_text(GUEST.replace("<name>guest", "<name>new\nline"))
    assert virsh("define", str(newline)).err == (
        f"error: Failed to define domain from {newline}\nerror: invalid char in name: 0x0a\n")
    assert virsh("-q", "list", "--all", "--name").out == "Domain-0\nguest\n"
    broken = tmp_path / "broken.xml"
    broken.write_text("<domain type='xen'><name>x</name>")
    result = virsh("define", str(broken))
    assert result.status == 1
    assert result.err.startswith(f"error: Failed to define domain from {broken}\n"
                                 "error: (domain_definition):1: ")


def test_unreadable_file_is_the_only_error(virsh, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """virsh reads the file before calling libvirt: no 'Failed to define' line.
    A directory opens, as in C, and fails at the read."""
    missing = tmp_path / "missing.xml"
    for command in ("define", "create"):
        result = virsh(command, str(missing))
        assert (result.status, result.err) == (
            1, f"error: Failed to open file '{missing}': No such file or directory\n")
        assert virsh(command, str(tmp_path)).err == (
            f"error: Failed to read file '{tmp_path}': Is a directory\n")


def test_ids_are_read_as_strtol_reads_them(virsh, guest_xml: Path) -> None:  # type: ignore[no-untyped-def]
    virsh("-q", "define", str(guest_xml))
    virsh("-q", "start", "guest")
    for ident in ("1", "+1", " 1", "01"):
        assert virsh("-q", "domname", ident).out == "guest\n"
    # only "--" starts a command's option (vshCommandParse): "-0" is data
    assert virsh("-q", "domname", "-0").out == virsh("-q", "domname", "--", "-0").out == \
        "Domain-0\n"
    assert virsh("start", "-x").err == "error: failed to get domain '-x'\n"
    assert virsh("domname", "1x").err == "error: failed to get domain '1x'\n"


def test_list_filters(virsh, tmp_path: Path, guest_xml: Path) -> None:  # type: ignore[no-untyped-def]
    virsh("-q", "define", str(guest_xml))
    other = tmp_path / "other.xml"
    other.write_text(GUEST.replace("guest", "other").replace("c7a5fdb2", "d7a5fdb2"))
    virsh("-q", "define", str(other))
    virsh("-q", "start", "other")
    virsh("-q", "autostart", "guest")

    def names(*options: str) -> List[str]:
        return virsh("-q", "list", "--name", *options).out.split()

    assert names() == ["Domain-0", "other"]
    # --all wins over --inactive, whichever comes first (cmdList)
    assert names("--inactive", "--all") == names("--all", "--inactive") == [
        "Domain-0", "other", "guest"]
    assert names("--state-shutoff") == names("--inactive") == ["guest"]
    assert names("--state-running") == ["Domain-0", "other"]
    assert names("--state-paused") == names("--state-other") == []
    # with --state-shutoff only inactive domains are looked at
    assert names("--state-running", "--state-shutoff") == ["guest"]
    # libvirt's libxl driver counts Domain-0 as persistent (checked in the lab)
    assert names("--all", "--persistent") == ["Domain-0", "other", "guest"]
    assert names("--all", "--transient") == []
    assert names("--all", "--autostart") == ["guest"]
    assert names("--all", "--no-autostart", "--persistent") == ["Domain-0", "other"]
    assert names("--all", "--autostart", "--no-autostart") == names("--all")
    for has in ("snapshot", "checkpoint", "managed-save"):
        assert names("--all", f"--with-{has}") == []
        assert names("--all", f"--without-{has}") == names("--all")


def test_an_error_stays_on_its_line(virsh, tmp_path: Path, guest_xml: Path) -> None:  # type: ignore[no-untyped-def]
    """Text quoted from the input cannot split an error line or start a new one:
    what would break the line is shown escaped, as in list's table."""
    config = tmp_path / "a.cfg"
    config.write_text('name = "a"\nmemory = 5\ntype = """hvm\nfoo\f\u2028"""\n')
    result = virsh("domxml-from-native", "xen-xl", str(config))
    assert (result.status, result.err) == (
        1, "error: unsupported configuration: type hvm\\x0afoo\\x0c\\u2028 is not supported\n")
    bad_mac = tmp_path / "mac.xml"
    bad_mac.write_text(GUEST.replace("00:16:3e:11:22:33", "00:16\u2028"))
    result = virsh("define", str(bad_mac))
    assert result.err == (f"error: Failed to define domain from {bad_mac}\n"
                          "error: XML error: unable to parse mac address '00:16\\u2028'\n")


def test_host_commands(virsh) -> None:  # type: ignore[no-untyped-def]
    assert virsh("uri").out == "test:///default\n\n"
    assert virsh("-q", "version").out.splitlines()[-1] == "Running hypervisor: Xen 4.17.0"
    caps = virsh("-q", "capabilities").out
    assert "<emulator>/usr/lib/xen/bin/qemu-system-i386</emulator>" in caps
    assert "<feature name='vmx'/>" in caps
    assert virsh("-q", "nodeinfo").out.startswith("CPU model:           x86_64\n")


def test_seed_examples_define(virsh) -> None:  # type: ignore[no-untyped-def]
    # the examples share names (fc8, fv0) and have no UUID: one at a time
    for name in ("pv-bootloader.xml", "pv-kernel.xml", "hvm-bios.xml", "hvm-kernel.xml"):
        assert virsh("-q", "define", str(SEED / "examples" / name)).status == 0, name
        defined = virsh("-q", "list", "--inactive", "--name").out.strip()
        assert virsh("-q", "undefine", defined).status == 0
