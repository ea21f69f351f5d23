"""libxl_shim against real Xen: runs only in a Dom0 (the QEMU lab, see run-lab.sh).

Every shim operation is checked against an independent view of the same
state: ``xl list -v`` / ``xl info``, xenstore, libxl's own JSON of the
struct, the userdata files, the guest's console log and the HVM save
record printed by xen-hvmctx. The tests share one module-scoped context and
run in file order: guest "shim-a" is created paused and driven through the
lifecycle, "shim-b" is created running and powered off, "shim-hvm" checks
NOPARAVIRT and the ACPI power button.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

import libxl_shim as shim
from tests.lab.dom0 import wait_until, xl_list

CAPABILITIES = Path("/proc/xen/capabilities")
IN_DOM0 = CAPABILITIES.exists() and "control_d" in CAPABILITIES.read_text()
pytestmark = pytest.mark.skipif(not IN_DOM0, reason="needs a Xen Dom0 (run tests/lab/run-lab.sh)")

GUEST_CFG = "/opt/lab/guest/tiny-pv.cfg"
CONSOLE_LOG = "/var/log/xen/console/guest-{name}.log"
BOOTED_MARK = "LAB-GUEST: busybox init running"
USERDATA_DIR = Path("/var/lib/xen")
LOG_PATH = "/tmp/shim-lab-libxl.log"
HVMCTX = "/usr/lib/xen-4.17/bin/xen-hvmctx"
MAXMEM_CONSTANT_KB = 1024  # LIBXL_MAXMEM_CONSTANT, added by libxl_domain_setmaxmem on x86
PWRBTN_STS = 0x100  # ACPI PM1a status: power button pressed
BOOT_TIMEOUT = 180.0
POLL = 0.2  # the waits ask libxl or read a file: cheap to repeat


# -- helpers --------------------------------------------------------------

def run(*argv: str) -> str:
    return subprocess.run(argv, check=True, capture_output=True, text=True).stdout


def xl_json(cfg_path: str) -> Dict[str, Any]:
    """The libxl JSON that ``xl -N create`` prints for an xl.cfg file."""
    loaded: Dict[str, Any] = json.loads(run("xl", "-N", "create", cfg_path))
    return loaded


def guest_json(base: Dict[str, Any], name: str, **b_info: Any) -> str:
    cfg = json.loads(json.dumps(base))
    cfg["c_info"]["name"] = name
    cfg["c_info"]["uuid"] = str(uuid.uuid4())  # libxl does not generate one
    cfg["b_info"].update(b_info)
    return json.dumps(cfg)


def xl_info() -> Dict[str, str]:
    out = {}
    for line in run("xl", "info").splitlines():
        key, _, value = line.partition(":")
        out[key.strip()] = value.strip()
    return out


def xenstore(path: str) -> str:
    return run("xenstore-read", path).strip()


def state_letters(d: shim.DomainInfo) -> str:
    """The State column of ``xl list`` for a decoded dominfo (xl_info.c)."""
    reason = int(d.shutdown_reason) if d.shutdown else 0
    return "".join([
        "r" if d.running else "-", "b" if d.blocked else "-", "p" if d.paused else "-",
        "s" if d.shutdown else "-", "-rscwS"[reason] if 0 <= reason < 6 else "?",
        "d" if d.dying else "-",
    ])


def wait_booted(name: str) -> float:
    log = Path(CONSOLE_LOG.format(name=name))
    return wait_until(f"{name} to boot ({log})",
                      lambda: log.exists() and BOOTED_MARK in log.read_text(errors="replace"),
                      BOOT_TIMEOUT, POLL)


def domain_gone(ctx: shim.Context, domid: int) -> bool:
    try:
        ctx.domain_info(domid)
    except shim.DomainNotFound:
        return True
    return False


def userdata_files(domid: int) -> List[str]:
    return sorted(p.name for p in USERDATA_DIR.glob(f"userdata-d.{domid}.*"))


# -- fixtures -------------------------------------------------------------

@pytest.fixture(scope="module")
def ctx() -> Iterator[shim.Context]:
    with shim.Context(log_path=LOG_PATH, log_level=shim.LogLevel.DEBUG) as c:
        yield c


@pytest.fixture(scope="module")
def base_config() -> Dict[str, Any]:
    return xl_json(GUEST_CFG)


@pytest.fixture(scope="module")
def guests(ctx: shim.Context) -> Iterator[Dict[str, int]]:
    """name -> domid of the guests the tests created; leftovers are destroyed."""
    made: Dict[str, int] = {}
    yield made
    for domid in made.values():
        if ctx.domain_name(domid) is not None:
            ctx.destroy_domain(domid)


# -- library, context, host ------------------------------------------------

def test_library_matches_installed_xen(ctx: shim.Context) -> None:
    info = xl_info()
    assert ctx.library.version == (int(info["xen_major"]), int(info["xen_minor"]))
    assert ctx.library.path == "libxenlight.so.{}.{}".format(*ctx.library.version)


def test_version_info_equals_xl_info(ctx: shim.Context) -> None:
    v = ctx.version_info()
    info = xl_info()
    assert (str(v.xen_version_major), str(v.xen_version_minor)) == (
        info["xen_major"], info["xen_minor"])
    assert v.xen_version_extra == info["xen_extra"]
    assert v.capabilities.strip() == info["xen_caps"]
    assert str(v.pagesize) == info["xen_pagesize"]
    assert f"virt_start={v.virt_start:#x}" == info["platform_params"]
    assert v.changeset.strip() == info["xen_changeset"]
    assert v.commandline.strip() == info["xen_commandline"]
    assert v.compiler == info["cc_compiler"]
    assert v.compile_by == info["cc_compile_by"]
    assert v.compile_domain == info["cc_compile_domain"]
    assert v.compile_date == info["cc_compile_date"]
    assert v.build_id == info["build_id"]


def test_physinfo_equals_xl_info(ctx: shim.Context) -> None:
    before = xl_info()
    p = ctx.physinfo()
    after = xl_info()
    mib = (1 << 20) // ctx.version_info().pagesize
    assert str(p.nr_cpus) == after["nr_cpus"]
    assert str(p.max_cpu_id) == after["max_cpu_id"]
    assert str(p.nr_nodes) == after["nr_nodes"]
    assert str(p.cores_per_socket) == after["cores_per_socket"]
    assert str(p.threads_per_core) == after["threads_per_core"]
    assert f"{p.cpu_khz // 1000}.{p.cpu_khz % 1000:03d}" == after["cpu_mhz"]
    assert ":".join(f"{w:08x}" for w in p.hw_cap) == after["hw_caps"]
    caps = [name for name, on in [
        ("pv", p.cap_pv), ("hvm", p.cap_hvm), ("hvm_directio", p.cap_hvm and p.cap_hvm_directio),
        ("pv_directio", p.cap_pv and p.cap_hvm_directio), ("hap", p.cap_hap),
        ("shadow", p.cap_shadow), ("iommu_hap_pt_share", p.cap_iommu_hap_pt_share),
        ("vmtrace", p.cap_vmtrace), ("vpmu", p.cap_vpmu), ("gnttab-v1", p.cap_gnttab_v1),
        ("gnttab-v2", p.cap_gnttab_v2)] if on]
    assert " ".join(caps) == after["virt_caps"]
    assert str(p.total_pages // mib) == after["total_memory"]
    free = str((p.free_pages - p.outstanding_pages) // mib)
    assert free in (before["free_memory"], after["free_memory"])
    assert p.arch_capabilities is None  # 4.18+ only


def test_failed_call_carries_the_log_lines_of_the_chosen_file(ctx: shim.Context) -> None:
    with pytest.raises(shim.LibxlError) as e:
        ctx.normalize_config_json("[")
    assert e.value.log
    logged = Path(LOG_PATH).read_text().splitlines()
    assert list(e.value.log) == logged[-len(e.value.log):]


def test_second_context_and_double_close() -> None:
    c = shim.Context()
    assert c.domain_name(0) == "Domain-0"
    c.close()
    c.close()
    assert c.closed
    with pytest.raises(ValueError, match="closed"):
        c.domain_name(0)


# -- list, info, names ----------------------------------------------------

def check_against_xl_and_json(ctx: shim.Context, d: shim.DomainInfo) -> None:
    """Every decoded field against ``xl list -v`` and libxl_dominfo_to_json."""
    name = ctx.domain_name(d.domid)
    assert name is not None
    row = xl_list()[name]
    assert row["id"] == str(d.domid)
    assert row["uuid"] == d.uuid
    assert row["mem"] == str((d.current_memkb + d.outstanding_memkb) // 1024)
    assert row["vcpus"] == str(d.vcpu_online)
    assert row["reason"] == (f"{int(d.shutdown_reason):x}" if d.shutdown else "-")
    assert row["label"] == (d.ssid_label or "-")
    assert row["state"][2:] == state_letters(d)[2:]  # r/b may change between two reads
    assert float(row["time"]) >= round(d.cpu_time / 1e9, 1)

    js = json.loads(ctx.dominfo_json(d.domid))
    # libxl omits fields holding their default; enums are lower-case names
    assert js.get("uuid", "00000000-0000-0000-0000-000000000000") == d.uuid
    for field in ("domid", "ssidref", "outstanding_memkb", "shared_memkb", "paged_memkb",
                  "max_memkb", "vcpu_max_id", "vcpu_online", "cpupool", "gpaddr_bits"):
        assert js.get(field, 0) == getattr(d, field), field
    assert js.get("current_memkb", 0) == d.current_memkb
    assert js.get("ssid_label") == d.ssid_label
    for field in ("paused", "shutdown", "dying", "never_stop"):
        assert js.get(field, False) == getattr(d, field), field
    assert js.get("shutdown_reason", "unknown") == d.shutdown_reason.name.lower()
    assert js["domain_type"] == d.domain_type.name.lower()
    assert js.get("cpu_time", 0) >= d.cpu_time


def test_list_domains_has_domain0(ctx: shim.Context) -> None:
    domains = ctx.list_domains()
    dom0 = domains[0]
    assert dom0.domid == 0
    assert dom0.uuid == "00000000-0000-0000-0000-000000000000"
    assert dom0.domain_type is shim.DomainType.PV
    assert dom0.gpaddr_bits is not None
    assert [d.domid for d in domains] == sorted(int(r["id"]) for r in xl_list().values())
    check_against_xl_and_json(ctx, dom0)
    assert ctx.domain_info(0).max_memkb == dom0.max_memkb


def test_name_lookups(ctx: shim.Context) -> None:
    assert ctx.domid_by_name("Domain-0") == 0
    assert ctx.domain_name(0) == "Domain-0"
    assert ctx.domain_name(4321) is None
    with pytest.raises(shim.DomainNotFound) as e:
        ctx.domid_by_name("no-such-domain")
    assert e.value.function == "libxl_name_to_domid"


def test_domain_info_not_found(ctx: shim.Context) -> None:
    with pytest.raises(shim.DomainNotFound) as e:
        ctx.domain_info(4321)
    assert (e.value.code, e.value.name) == (-21, "ERROR_DOMAIN_NOTFOUND")
    assert str(e.value).startswith("libxl_domain_info failed: ERROR_DOMAIN_NOTFOUND (-21)")


# -- configuration JSON ---------------------------------------------------

def test_normalize_config_json_is_xl_output(ctx: shim.Context,
                                            base_config: Dict[str, Any]) -> None:
    text = json.dumps(base_config)
    assert json.loads(ctx.normalize_config_json(text)) == base_config


def test_bad_config_json_carries_libxl_message(ctx: shim.Context) -> None:
    with pytest.raises(shim.LibxlError) as e:
        ctx.normalize_config_json('{"c_info": {"type": "pv"')
    assert e.value.function == "libxl_domain_config_from_json"
    assert e.value.libxl_messages, e.value.log
    assert e.value.libxl_messages[-1] in str(e.value)


def test_domain0_config_is_stored_by_xen_init_dom0(ctx: shim.Context) -> None:
    cfg = json.loads(ctx.domain_config_json(0))
    assert cfg["c_info"]["name"] == "Domain-0"


# -- guest shim-a: created paused ----------------------------------------

def test_create_paused(ctx: shim.Context, base_config: Dict[str, Any],
                       guests: Dict[str, int]) -> None:
    text = guest_json(base_config, "shim-a", max_vcpus=2, avail_vcpus=[0, 1])
    domid = ctx.create_domain(text, paused=True)
    guests["shim-a"] = domid
    d = ctx.domain_info(domid)
    assert d.paused and not d.shutdown
    assert d.uuid == json.loads(text)["c_info"]["uuid"]
    assert (d.vcpu_max_id, d.vcpu_online) == (1, 1)  # the guest kernel starts vcpu 1
    assert xl_list()["shim-a"]["state"] == "--p---"
    assert ctx.domid_by_name("shim-a") == domid
    assert ctx.domain_name(domid) == "shim-a"
    check_against_xl_and_json(ctx, d)


def test_create_running(ctx: shim.Context, base_config: Dict[str, Any],
                        guests: Dict[str, int]) -> None:
    domid = ctx.create_domain(guest_json(base_config, "shim-b"))
    guests["shim-b"] = domid
    assert not ctx.domain_info(domid).paused
    assert "p" not in xl_list()["shim-b"]["state"]


def test_console_tty(ctx: shim.Context, guests: Dict[str, int]) -> None:
    domid = guests["shim-a"]
    tty = ctx.primary_console_tty(domid, wait=10)
    assert re.fullmatch(r"/dev/pts/\d+", tty), tty
    assert tty == xenstore(f"/local/domain/{domid}/console/tty")
    assert ctx.console_tty(domid, 0, shim.ConsoleType.PV) == tty
    with pytest.raises(shim.LibxlError) as e:
        ctx.console_tty(domid, 0, shim.ConsoleType.SERIAL)
    assert e.value.libxl_messages


def test_userdata_roundtrip(ctx: shim.Context, guests: Dict[str, int]) -> None:
    domid = guests["shim-a"]
    d = ctx.domain_info(domid)
    data = b"<domain>\x00\x01\xff binary-safe</domain>"
    ctx.userdata_store(domid, "xenvirsh-test", data)
    assert ctx.userdata_retrieve(domid, "xenvirsh-test") == data
    path = USERDATA_DIR / f"userdata-d.{domid}.{d.uuid}.xenvirsh-test"
    assert path.read_bytes() == data
    assert ctx.userdata_retrieve(domid, "absent") is None
    ctx.userdata_unlink(domid, "xenvirsh-test")
    assert ctx.userdata_retrieve(domid, "xenvirsh-test") is None
    assert not path.exists()
    with pytest.raises(ValueError, match="userdata_unlink"):
        ctx.userdata_store(domid, "xenvirsh-test", b"")


def test_retrieve_domain_configuration(ctx: shim.Context, guests: Dict[str, int]) -> None:
    domid = guests["shim-a"]
    cfg = json.loads(ctx.domain_config_json(domid))
    assert cfg["c_info"]["name"] == "shim-a"
    assert cfg["c_info"]["uuid"] == ctx.domain_info(domid).uuid
    assert cfg["b_info"]["max_vcpus"] == 2


def test_unpause_pause_visible_in_xl_list(ctx: shim.Context, guests: Dict[str, int]) -> None:
    domid = guests["shim-a"]
    ctx.unpause_domain(domid)
    assert xl_list()["shim-a"]["state"][2] == "-"
    ctx.pause_domain(domid)
    assert xl_list()["shim-a"]["state"] == "--p---"
    assert ctx.domain_info(domid).paused
    ctx.unpause_domain(domid)
    assert not ctx.domain_info(domid).paused


def test_send_trigger_power_on_pv_fails(ctx: shim.Context, guests: Dict[str, int]) -> None:
    with pytest.raises(shim.LibxlError) as e:
        ctx.send_trigger(guests["shim-a"], shim.Trigger.POWER)
    assert e.value.name == "ERROR_FAIL"
    assert any("Send trigger 'power' failed" in m for m in e.value.libxl_messages)


def test_guests_boot(guests: Dict[str, int]) -> None:
    wait_booted("shim-a")
    wait_booted("shim-b")


def test_set_vcpus_online(ctx: shim.Context, guests: Dict[str, int]) -> None:
    domid = guests["shim-a"]
    wait_until("the guest to start vcpu 1", lambda: ctx.domain_info(domid).vcpu_online == 2,
               60, POLL)
    ctx.set_vcpus_online(domid, 1)
    assert xenstore(f"/local/domain/{domid}/cpu/1/availability") == "offline"
    assert xenstore(f"/local/domain/{domid}/cpu/0/availability") == "online"
    wait_until("vcpu 1 to go offline", lambda: ctx.domain_info(domid).vcpu_online == 1, 60, POLL)
    assert xl_list()["shim-a"]["vcpus"] == "1"
    ctx.set_vcpus_online(domid, 2)
    assert xenstore(f"/local/domain/{domid}/cpu/1/availability") == "online"
    with pytest.raises(shim.LibxlError) as e:
        ctx.set_vcpus_online(domid, 3)
    assert any("Requested 3 VCPUs, however maxcpus is 2!" in m for m in e.value.libxl_messages)
    with pytest.raises(ValueError):
        ctx.set_vcpus_online(domid, 0)


def test_set_memory_target(ctx: shim.Context, guests: Dict[str, int]) -> None:
    domid = guests["shim-a"]
    ctx.set_memory_target(domid, 96 * 1024)
    assert xenstore(f"/local/domain/{domid}/memory/target") == str(96 * 1024)
    wait_until("the balloon driver to reach the target",
               lambda: ctx.domain_info(domid).current_memkb <= 96 * 1024, 60, POLL)
    check_against_xl_and_json(ctx, ctx.domain_info(domid))


def test_set_max_memory(ctx: shim.Context, guests: Dict[str, int]) -> None:
    domid = guests["shim-a"]
    ctx.set_max_memory(domid, 160 * 1024)
    assert ctx.domain_info(domid).max_memkb == 160 * 1024 + MAXMEM_CONSTANT_KB
    assert xenstore(f"/local/domain/{domid}/memory/static-max") == str(160 * 1024)
    with pytest.raises(shim.LibxlError) as e:
        ctx.set_max_memory(domid, 64 * 1024)  # below the 96 MiB target
    assert e.value.code == 1  # this libxl function returns 1, not an ERROR_* code
    assert any("memory_static_max must be greater" in m for m in e.value.libxl_messages)


def test_wait_event_times_out(ctx: shim.Context) -> None:
    start = time.monotonic()
    assert ctx.wait_event(timeout=0.5) is None
    assert 0.5 <= time.monotonic() - start < 2.0


def test_own_children_are_not_reaped_by_libxl(ctx: shim.Context,
                                              guests: Dict[str, int]) -> None:
    """With selective reaping libxl handles SIGCHLD but leaves other children alone."""
    with ctx.watch_domain_death(guests["shim-a"]):
        child = subprocess.Popen(["sh", "-c", "sleep 0.3; exit 3"])
        assert ctx.wait_event(timeout=1.5) is None  # libxl polls while the child exits
        assert child.wait() == 3


def test_reboot_event_then_destroy(ctx: shim.Context, guests: Dict[str, int]) -> None:
    domid = guests["shim-a"]
    with ctx.watch_domain_death(domid) as watch:
        ctx.reboot_domain(domid)
        event = ctx.wait_event(timeout=120)
        assert event is not None
        assert (event.type, event.domid, event.for_user) == (
            shim.EventType.DOMAIN_SHUTDOWN, domid, domid)
        assert event.shutdown_reason is shim.ShutdownReason.REBOOT
        # libxl__event_new() fills domid and for_user, never domuuid
        assert event.domuuid == "00000000-0000-0000-0000-000000000000"
        d = ctx.domain_info(domid)
        assert d.shutdown and d.shutdown_reason is shim.ShutdownReason.REBOOT
        assert xl_list()["shim-a"]["state"][3:5] == "sr"
        check_against_xl_and_json(ctx, d)

        # adopting a domain without libxl's stored configuration: libxl 4.17
        # answers ERROR_FAIL, the shim recognises the missing userdata
        ctx.userdata_unlink(domid, "libxl-json")
        with pytest.raises(shim.JsonConfigEmpty) as e:
            ctx.domain_config_json(domid)
        assert (e.value.code, e.value.name) == (-16, "ERROR_JSON_CONFIG_EMPTY")
        assert any("Fail to get domain configuration" in m for m in e.value.libxl_messages)

        ctx.destroy_domain(domid)
        death = ctx.wait_event(timeout=60)
        assert death is not None and (death.type, death.domid) == (
            shim.EventType.DOMAIN_DEATH, domid)
        assert death.shutdown_reason is None
        watch.close()
    # libxl reports the death once the domain is dying; Xen lists it until its
    # memory is released, which a loaded TCG host takes a moment to do
    wait_until("libxl_domain_info to answer DomainNotFound", lambda: domain_gone(ctx, domid),
               60, POLL)
    assert "shim-a" not in xl_list()
    assert userdata_files(domid) == []


def test_shutdown_event_poweroff(ctx: shim.Context, guests: Dict[str, int]) -> None:
    domid = guests["shim-b"]
    with ctx.watch_domain_death(domid):
        ctx.shutdown_domain(domid)
        event = ctx.wait_event(timeout=120)
        assert event is not None and event.type == shim.EventType.DOMAIN_SHUTDOWN
        assert event.shutdown_reason is shim.ShutdownReason.POWEROFF
        assert xl_list()["shim-b"]["state"][3:5] == "s-"
        ctx.destroy_domain(domid)  # on_poweroff=destroy is the toolstack's job
        death = ctx.wait_event(timeout=60)
        assert death is not None and death.type == shim.EventType.DOMAIN_DEATH
    assert "shim-b" not in xl_list()


def test_failed_create_leaves_nothing_behind(ctx: shim.Context,
                                            base_config: Dict[str, Any]) -> None:
    before = [d.domid for d in ctx.list_domains()]
    files_before = sorted(os.listdir(USERDATA_DIR))
    text = guest_json(base_config, "shim-broken", kernel="/nonexistent/vmlinuz")
    with pytest.raises(shim.LibxlError) as e:
        ctx.create_domain(text)
    assert e.value.function == "libxl_domain_create_new"
    assert any("/nonexistent/vmlinuz" in line for line in e.value.log), e.value.log
    assert [d.domid for d in ctx.list_domains()] == before
    assert "shim-broken" not in xl_list()
    assert sorted(os.listdir(USERDATA_DIR)) == files_before


# -- HVM guest: no PV drivers ----------------------------------------------

def hvm_pm1a_status(domid: int) -> int:
    out = run(HVMCTX, str(domid))
    m = re.search(r"PM1a_STS (0x[0-9a-f]+)", out)
    assert m, out
    return int(m.group(1), 16)


def test_hvm_noparavirt_and_power_button(ctx: shim.Context, guests: Dict[str, int],
                                         tmp_path: Path) -> None:
    p = ctx.physinfo()
    if not (p.cap_hap or p.cap_shadow):
        pytest.skip("no HAP or shadow paging: the lab needs LAB_CPU=Nehalem,+svm,+npt")
    cfg = tmp_path / "hvm.cfg"
    cfg.write_text('name = "shim-hvm"\ntype = "hvm"\nmemory = 32\nvcpus = 1\nvnc = 0\n'
                   'serial = "pty"\nboot = "c"\n')
    base = xl_json(str(cfg))
    domid = ctx.create_domain(guest_json(base, "shim-hvm"), paused=True)
    guests["shim-hvm"] = domid
    assert ctx.domain_info(domid).domain_type is shim.DomainType.HVM
    with pytest.raises(shim.NoParavirt) as e:
        ctx.shutdown_domain(domid)
    assert (e.value.code, e.value.name) == (-10, "ERROR_NOPARAVIRT")
    with pytest.raises(shim.NoParavirt):
        ctx.reboot_domain(domid)
    assert hvm_pm1a_status(domid) & PWRBTN_STS == 0
    ctx.send_trigger(domid, shim.Trigger.POWER)
    assert hvm_pm1a_status(domid) & PWRBTN_STS == PWRBTN_STS
    ctx.destroy_domain(domid)
    assert ctx.domain_name(domid) is None
