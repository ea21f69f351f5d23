"""Lifecycle actions and resource changes on test:///default."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def _guest(tmp_path: Path, name: str = "g", **actions: str) -> Path:
    lifecycle = "".join(f"<{key}>{value}</{key}>" for key, value in actions.items())
    path = tmp_path / f"{name}.xml"
    path.write_text(
        f"<domain type='xen'><name>{name}</name>"
        "<uuid>3a4f41ee-4a42-4e3e-9f2c-3d0f6a9a6c01</uuid><memory>524288</memory>"
        f"<currentMemory>262144</currentMemory><vcpu current='1'>2</vcpu>{lifecycle}"
        "<os><type>linux</type><kernel>/boot/vmlinuz</kernel></os></domain>")
    return path


@pytest.fixture
def virsh(xenvirsh, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XENVIRSH_TEST_STATE", str(tmp_path / "state"))
    return lambda *args: xenvirsh("-c", "test:///default", *args)


@pytest.mark.parametrize("action,after", [
    ("destroy", "shut off (shutdown)"),
    ("restart", "running (booted)"),
    ("preserve", "in shutdown (user)"),
])
def test_shutdown_follows_on_poweroff(virsh, tmp_path: Path, action: str,  # type: ignore[no-untyped-def]
                                      after: str) -> None:
    virsh("-q", "define", str(_guest(tmp_path, on_poweroff=action)))
    virsh("-q", "start", "g")
    result = virsh("shutdown", "--wait", "g")
    assert (result.status, result.out) == (0, "Domain 'g' is being shutdown\n\n")
    assert virsh("-q", "domstate", "--reason", "g").out == after + "\n"
    if action == "restart":
        assert virsh("-q", "domid", "g").out == "2\n"


def test_reboot_follows_on_reboot(virsh, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    virsh("-q", "define", str(_guest(tmp_path)))
    virsh("-q", "start", "g")
    assert virsh("reboot", "g").out == "Domain 'g' is being rebooted\n\n"
    assert virsh("-q", "domid", "g").out == "2\n"
    # a running domain keeps the definition it started with
    assert virsh("-q", "define", str(_guest(tmp_path, on_reboot="destroy"))).status == 0
    virsh("-q", "reboot", "g")
    assert virsh("-q", "domid", "g").out == "3\n"
    virsh("-q", "destroy", "g")
    virsh("-q", "start", "g")
    virsh("-q", "reboot", "g")
    assert virsh("-q", "domstate", "--reason", "g").out == "shut off (shutdown)\n"


def test_rename_restart_keeps_the_old_domain(virsh, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    virsh("-q", "define", str(_guest(tmp_path, on_poweroff="rename-restart")))
    virsh("-q", "start", "g")
    virsh("-q", "shutdown", "g")
    names = virsh("-q", "list", "--name").out.split()
    assert names[0] == "Domain-0" and names[2] == "g" and names[1].startswith("g-")


def test_crash_follows_on_crash(virsh, tmp_path: Path,  # type: ignore[no-untyped-def]
                                monkeypatch: pytest.MonkeyPatch) -> None:
    from xenvirsh.connection import open_connection

    virsh("-q", "define", str(_guest(tmp_path, on_crash="coredump-destroy")))
    virsh("-q", "start", "g")
    conn = open_connection("test:///default")
    conn.hypervisor.crash(conn.lookup("g").id)  # type: ignore[attr-defined]
    assert virsh("-q", "domstate", "--reason", "g").out == "crashed (panicked)\n"
    conn.settle("g")
    assert virsh("-q", "domstate", "--reason", "g").out == "shut off (crashed)\n"
    dumps = list((tmp_path / "state" / "status" / "dump").iterdir())
    assert len(dumps) == 1 and dumps[0].name.startswith("g-")


def test_lifecycle_refusals(virsh, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    virsh("-q", "define", str(_guest(tmp_path)))
    result = virsh("shutdown", "g")
    assert result.err == ("error: Failed to shutdown domain 'g'\n"
                          "error: Requested operation is not valid: domain is not running\n")
    result = virsh("shutdown", "--mode", "bogus", "g")
    assert result.err == ("error: Unknown mode bogus value, expecting 'acpi', 'agent', "
                          "'initctl', 'signal', or 'paravirt'\n")
    assert virsh("console", "g").err == "error: The domain is not running\n"


def test_memory_and_vcpus(virsh, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    virsh("-q", "define", str(_guest(tmp_path)))
    inactive = virsh("setmem", "g", "100M")
    assert inactive.err == "error: Requested operation is not valid: domain is not running\n"
    assert virsh("setmem", "g", "100M", "--config").status == 0
    assert "Used memory:    102400 KiB" in virsh("dominfo", "g").out
    too_big = virsh("setmem", "g", "1G", "--config")
    assert too_big.err == "error: invalid argument: cannot set memory higher than max memory\n"
    virsh("-q", "start", "g")
    assert virsh("setmem", "g", "200000").status == 0
    assert "Used memory:    200000 KiB" in virsh("dominfo", "g").out
    assert "<currentMemory unit='KiB'>102400</currentMemory>" in virsh(
        "dumpxml", "--inactive", "g").out
    assert virsh("setvcpus", "g", "2").status == 0
    assert "CPU(s):         2" in virsh("dominfo", "g").out
    result = virsh("setvcpus", "g", "3")
    assert result.err == ("error: invalid argument: requested vcpus is greater than max "
                          "allowable vcpus for the domain: 3 > 2\n")
    assert virsh("setvcpus", "g", "0").err == "error: Can't set 0 processors for a VM\n"
    assert virsh("setvcpus", "--maximum", "g", "2").err == (
        "error: Option --config is required by option --maximum\n")
    assert virsh("setmaxmem", "g", "1G", "--config").status == 0
    assert "<memory unit='KiB'>1048576</memory>" in virsh("dumpxml", "--inactive", "g").out


def test_zero_memory_is_refused_and_nothing_changes(  # type: ignore[no-untyped-def]
        virsh, tmp_path: Path) -> None:
    virsh("-q", "define", str(_guest(tmp_path)))
    before = virsh("-q", "dumpxml", "--inactive", "g").out
    # virsh calls virDomainSetMemoryFlags whatever the flags (seen in the lab)
    zero = "error: memory in virDomainSetMemoryFlags must not be zero\n"
    unable = "error: Unable to change MaxMemorySize\n"
    cases = [(("setmaxmem", "g", "0"), unable + zero),
             (("setmaxmem", "g", "0", "--config"), unable + zero),
             (("setmem", "g", "0"), zero), (("setmem", "g", "0", "--config"), zero)]
    for args, err in cases:
        result = virsh(*args)
        assert (result.status, result.err) == (1, err)
    virsh("-q", "start", "g")
    for args, err in cases[:3]:
        assert virsh(*args).err == err
    # the domain still reads back, alive and defined
    assert virsh("-q", "destroy", "g").status == 0
    assert virsh("-q", "dumpxml", "--inactive", "g").out == before


def test_memory_size_is_read_before_the_domain_state(  # type: ignore[no-untyped-def]
        virsh, tmp_path: Path) -> None:
    """virsh parses the size before the API call that finds the domain inactive,
    and a malformed size is no failure of the API, so setmaxmem adds no line."""
    virsh("-q", "define", str(_guest(tmp_path)))
    malformed = ("error: Scaled numeric value 'abc' for <size> option is malformed or out of "
                 "range\n")
    assert virsh("setmem", "g", "abc").err == malformed
    assert virsh("setmem", "g", "-5").err == malformed.replace("'abc'", "'-5'")
    # strtoull's digits are ASCII ones, and a minus sign is refused even on zero
    for size in ("\u0663M", "-0"):
        assert virsh("setmem", "g", size, "--config").err == malformed.replace("abc", size)
    # virScaleInteger's errors are libvirt's, which virsh prints after its own
    assert virsh("setmem", "g", "5 M", "--config").err == malformed.replace("abc", "5 M") + (
        "error: invalid argument: unknown suffix ' M'\n")
    assert virsh("setmaxmem", "g", "18014398509481984K", "--config").err == (
        malformed.replace("abc", "18014398509481984K")
        + "error: numerical overflow: value too large: 18014398509481984K\n")
    # what fits ULONG_MAX bytes but not virDomainSetMemoryFlags's LLONG_MAX: a
    # definition with it could not be read back
    assert virsh("setmaxmem", "g", "9007199254740991", "--config").err == (
        "error: Unable to change MaxMemorySize\n"
        "error: numerical overflow: input too large: 9007199254740991\n")
    assert virsh("setmem", "g", "18014398509481983K", "--config").err == (
        "error: numerical overflow: input too large: 18014398509481983\n")
    assert virsh("setmaxmem", "g", "9007199254740990", "--config").status == 0
    assert "Max memory:     9007199254740990 KiB" in virsh("dominfo", "g").out
    # its leading blanks and plus sign are fine
    assert virsh("setmem", "g", " +5M", "--config").status == 0
    assert "Used memory:    5120 KiB" in virsh("dominfo", "g").out
    assert virsh("setmaxmem", "g", "abc").err == malformed
    assert virsh("setmem", "--current", "--live", "bogus", "abc").err == (
        "error: Options --current and --live are mutually exclusive\n")


def test_domain0_memory_and_vcpus(virsh) -> None:  # type: ignore[no-untyped-def]
    """libxl balloons Domain-0 and sets its vCPUs like any domain's; the
    simulated host keeps what changed."""
    assert virsh("-q", "setmem", "Domain-0", "524288").status == 0
    assert virsh("-q", "setvcpus", "0", "1").status == 0
    info = virsh("-q", "dominfo", "0").out
    assert "CPU(s):         1\n" in info and "Used memory:    524288 KiB\n" in info
    assert virsh("setmem", "0", "2G").err == (
        "error: invalid argument: cannot set memory higher than max memory\n")


def test_autostart_once_per_boot(virsh, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    virsh("-q", "define", str(_guest(tmp_path)))
    assert virsh("autostart", "g").out == "Domain 'g' marked as autostarted\n\n"
    assert virsh("autostart-all").out == "Domain 'g' started\n\n"
    assert virsh("autostart-all").out == "Autostart already ran during this boot\n\n"
    virsh("-q", "destroy", "g")
    assert virsh("autostart", "--disable", "g").out == "Domain 'g' unmarked as autostarted\n\n"
    assert virsh("autostart-all", "--force").out == "\n"


def test_concurrent_starts_make_one_domain(virsh, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Eight starts at once: one wins, the others fail as virsh does, and none
    leaves a second domain or a shut-off reason behind."""
    virsh("-q", "define", str(_guest(tmp_path)))
    command = [sys.executable, "-m", "xenvirsh", "-c", "test:///default", "start", "g"]
    starts = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True) for _ in range(8)]
    results = [(p.wait(timeout=120), *p.communicate()) for p in starts]
    assert sorted(code for code, _, _ in results) == [0] + [1] * 7
    for code, out, err in results:
        if code:  # virsh's check before the start, or the driver's during it
            assert err in ("error: Domain is already active\n",
                           "error: Failed to start domain 'g'\nerror: Requested operation "
                           "is not valid: domain 'g' is already active\n"), err
        else:
            assert out == "Domain 'g' started\n\n"
    assert virsh("-q", "list", "--name").out == "Domain-0\ng\n"
    assert virsh("-q", "domstate", "--reason", "g").out == "running (booted)\n"
