"""xenvirsh against xl in a Xen Dom0: start vs create, list vs list.

Run as root in the lab Dom0 by ``benchmarks/lab/run-bench.sh`` (through
``tests/lab/run-lab.sh -s bench``); prints a Markdown report between the
lines ``<!-- results -->`` and ``<!-- end results -->``.

Both tools start the same domain (the lab's tiny PV guest, named xv-bench;
xenvirsh from tiny-pv.xml, xl from tiny-pv.cfg) and list the same set of
domains. Each sample is the wall time of one command, from fork to exit, as
a shell user sees it. Samples alternate between the tools so that drift in
the machine's load hits both alike; after each start the guest is destroyed
before it boots (a booting guest would load the CPUs), and both tools leave a
monitor process behind (xl's daemon, xenvirsh's monitor), which is given time
to settle before the next sample.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List

GUEST_DIR = Path("/opt/lab/guest")
NAME = "xv-bench"
STARTS = int(os.environ.get("BENCH_STARTS", "7"))
LISTS = int(os.environ.get("BENCH_LISTS", "21"))
SETTLE = 4.0  # seconds for the monitors to start or exit


def run(*argv: str) -> str:
    return subprocess.run(argv, check=True, capture_output=True, text=True).stdout


def timed(*argv: str) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def xl_names() -> List[str]:
    return [line.split()[0] for line in run("xl", "list").splitlines()[1:]]


def wait_until(check: Callable[[], bool], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError("timed out")
        time.sleep(0.2)


def destroy() -> None:
    run("xl", "destroy", NAME)
    wait_until(lambda: NAME not in xl_names())
    time.sleep(SETTLE)


def guest_files(workdir: Path) -> Dict[str, str]:
    xml = (GUEST_DIR / "tiny-pv.xml").read_text()
    xml = re.sub(r"<name>[^<]*</name>", f"<name>{NAME}</name>", xml)
    cfg = re.sub(r'^name\s*=.*$', f'name = "{NAME}"', (GUEST_DIR / "tiny-pv.cfg").read_text(),
                 flags=re.M)
    paths = {"xml": workdir / "bench.xml", "cfg": workdir / "bench.cfg"}
    paths["xml"].write_text(xml)
    paths["cfg"].write_text(cfg)
    return {key: str(path) for key, path in paths.items()}


def median_row(label: str, samples: List[float]) -> str:
    return (f"| {label} | {len(samples)} | {statistics.median(samples):.3f} | "
            f"{min(samples):.3f} | {max(samples):.3f} |")


def main() -> int:
    xenvirsh = shutil.which("xenvirsh")
    assert xenvirsh, "xenvirsh is not on PATH"
    xv = [xenvirsh, "-c", "xen:///system"]
    workdir = Path(tempfile.mkdtemp(prefix="xv-bench-"))
    files = guest_files(workdir)
    run(*xv, "define", files["xml"])

    samples: Dict[str, List[float]] = {"xenvirsh start": [], "xl create": []}
    for index in range(STARTS):
        order = ["xenvirsh start", "xl create"]
        if index % 2:
            order.reverse()
        for tool in order:
            command = [*xv, "start", NAME] if tool == "xenvirsh start" else \
                ["xl", "create", files["cfg"]]
            samples[tool].append(timed(*command))
            time.sleep(SETTLE)
            destroy()

    # one running guest (started by xenvirsh) besides Domain-0, booted and idle
    run(*xv, "start", NAME)
    log = Path(f"/var/log/xen/console/guest-{NAME}.log")
    wait_until(lambda: log.exists() and "busybox init running" in log.read_text(), 300)
    time.sleep(SETTLE)
    samples.update({"xenvirsh list": [], "xl list": []})
    for index in range(LISTS):
        order = [("xenvirsh list", [*xv, "list"]), ("xl list", ["xl", "list"])]
        if index % 2:
            order.reverse()
        for tool, command in order:
            samples[tool].append(timed(*command))
    python = [sys.executable, "-c", "pass"]
    imports = [sys.executable, "-c", "import xenvirsh.cli.domain_cmds, xenvirsh.connection"]
    samples["python -c pass"] = [timed(*python) for _ in range(LISTS)]
    samples["python: import the list command's modules"] = [timed(*imports) for _ in range(LISTS)]
    destroy()
    run(*xv, "undefine", NAME)

    start_ratio = (statistics.median(samples["xenvirsh start"])
                   / statistics.median(samples["xl create"]))
    list_ratio = (statistics.median(samples["xenvirsh list"])
                  / statistics.median(samples["xl list"]))
    info = {key.strip(): value.strip() for key, _, value in
            (line.partition(":") for line in run("xl", "info").splitlines())}
    print("<!-- results -->")
    print(f"Dom0: Xen {info['xen_version']}, {info['nr_cpus']} CPUs, "
          f"Linux {platform.release()}, Python {platform.python_version()} "
          f"(xenvirsh in a venv), virt_caps {info['virt_caps']}.")
    print()
    print("| command | runs | median s | min s | max s |")
    print("|---|---|---|---|---|")
    for label, values in samples.items():
        print(median_row(f"`{label}`", values))
    print()
    print(f"| ratio (medians) | measured | aim |\n|---|---|---|\n"
          f"| `xenvirsh start` / `xl create` | {start_ratio:.2f} | 1.1 |\n"
          f"| `xenvirsh list` / `xl list` | {list_ratio:.2f} | 1.5 |")
    print("<!-- end results -->")
    print(f"bench: start ratio {start_ratio:.2f} (aim 1.1), list ratio {list_ratio:.2f} (aim 1.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
