"""xenvirsh's speed: conversions per second, cold command start, list and dominfo.

Run from a checkout: ``python3 benchmarks/bench.py [--quick] [--json FILE]
[--repo DIR] [--conversions]``. It reports:

* for every format and direction, in-process conversions per second over the
  inputs of ../shared/conformance and examples/ (the median of repeated
  passes), counted both per CPU second of the process (what one core does,
  whatever else the machine runs) and per wall-clock second;
* the median wall time and CPU time (user + system) of cold
  ``xenvirsh -c test:///default -q domxml-from-native xen-xl`` runs next to
  ``python3 -c pass`` and ``python3 -c "import click, lxml.etree"``, and the
  ratio to that import floor. Every command runs with a bytecode cache (in a
  temporary directory, warmed by a first run), as an installed package has;
* ``list --all`` on test:///default with 10, 100 and 1,000 defined domains
  (the first list, which builds the config store's index, and the next ones),
  and ``dominfo`` of one of the 1,000.

``--repo DIR`` measures the xenvirsh of another checkout with this script,
to compare two versions under the same conditions; ``--conversions`` reports
the conversions only, to compare interpreters by running the script with
each.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List, Sequence, Tuple

HERE = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("XENVIRSH_SHARED", HERE.parent / "shared"))
CONFORMANCE = SHARED / "conformance"
EXAMPLE_XL = HERE / "examples" / "web-pv.cfg"
EXAMPLE_XM = HERE / "examples" / "legacy-hvm.xm"

Timing = Dict[str, float]


def _joined(path: Path) -> str:
    return path.read_text().replace("\\\n", "")


def _inputs() -> Dict[str, List[Tuple[str, str]]]:
    """(name, text) inputs per suite: native configs and domain XML."""
    found: Dict[str, List[Tuple[str, str]]] = {"xen-xl": [], "xen-xm": [], "xen-sxpr": [],
                                               "xml": []}
    for fmt, folder, pattern in (("xen-xl", "xl", "*.cfg"), ("xen-xm", "xm", "*.cfg"),
                                 ("xen-sxpr", "sexpr2xml", "*.sexpr")):
        found[fmt] = [(p.name, _joined(p)) for p in sorted((CONFORMANCE / folder).glob(pattern))]
    for folder in ("xl", "xm", "libxl-json", "xml2sexpr"):
        found["xml"] += [(p.name, p.read_text())
                         for p in sorted((CONFORMANCE / folder).glob("*.xml"))]
    found["xen-xl"].append((EXAMPLE_XL.name, EXAMPLE_XL.read_text()))
    found["xen-xm"].append((EXAMPLE_XM.name, EXAMPLE_XM.read_text()))
    return found


def _rates(convert: Callable[[str], str], texts: Sequence[str], repeats: int) -> Timing:
    """Median conversions per CPU second and per wall second over ``repeats``
    passes of the inputs this direction accepts."""
    usable = []
    for text in texts:
        try:
            convert(text)
            usable.append(text)
        except Exception:  # an input this direction refuses (e.g. an HVM-only key)
            continue
    cpu, wall = [], []
    for _ in range(repeats):
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        for text in usable:
            convert(text)
        cpu.append(len(usable) / (time.process_time() - start_cpu))
        wall.append(len(usable) / (time.perf_counter() - start_wall))
    return {"inputs": len(usable), "per_cpu_second": statistics.median(cpu),
            "per_wall_second": statistics.median(wall)}


def _converter(source: str, target: str) -> Callable[[str], str]:
    from xenvirsh.conversion import domxml_from_native, domxml_to_native
    from xenvirsh.host import TEST_HOST

    def convert(text: str) -> str:
        if target == "xml":
            return domxml_from_native(source, text, TEST_HOST)
        return domxml_to_native(target, text, TEST_HOST)

    return convert


def conversions(repeats: int) -> Dict[str, Timing]:
    inputs = _inputs()
    xml = [text for _, text in inputs["xml"]]
    results = {}
    for fmt in ("xen-xl", "xen-xm", "xen-sxpr"):
        texts = [text for _, text in inputs[fmt]]
        results[f"{fmt} -> XML"] = _rates(_converter(fmt, "xml"), texts, repeats)
    for fmt in ("xen-xl", "xen-xm", "xen-sxpr", "libxl-json"):
        results[f"XML -> {fmt}"] = _rates(_converter("xml", fmt), xml, repeats)
    return results


def _environment(repo: Path, pycache: Path, **extra: str) -> Dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPATH=str(repo), PYTHONPYCACHEPREFIX=str(pycache), **extra)
    return env


def _run(argv: Sequence[str], runs: int, env: Dict[str, str], cwd: Path) -> Timing:
    """Median wall and CPU (user + system) seconds of ``runs`` runs, after one
    run that fills the bytecode cache."""
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                   check=False, cwd=cwd)
    wall, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                       check=False, cwd=cwd)
        wall.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return {"wall": statistics.median(wall), "cpu": statistics.median(cpu)}


FLOOR = "python3 -c 'import click, lxml.etree'"
COLD = "xenvirsh -q domxml-from-native xen-xl"


def cold_start(repo: Path, runs: int, pycache: Path) -> Dict[str, Timing]:
    env = _environment(repo, pycache)
    py = sys.executable
    commands = {
        "python3 -c pass": [py, "-c", "pass"],
        FLOOR: [py, "-c", "import click, lxml.etree"],
        COLD: [py, "-m", "xenvirsh", "-c", "test:///default", "-q", "domxml-from-native",
               "xen-xl", str(EXAMPLE_XL)],
    }
    return {name: _run(argv, runs, env, repo) for name, argv in commands.items()}


def _define(state: Path, size: int) -> None:
    """``size`` domains in the simulated host's config store, as define writes them."""
    from xenvirsh.formats import registry
    from xenvirsh.formats.domxml import format_domain
    from xenvirsh.host import TEST_HOST
    from xenvirsh.store import ConfigStore

    base = registry.reader("xen-xl")(EXAMPLE_XL.read_text(), TEST_HOST)
    store = ConfigStore(state / "domains")
    with store.locked():
        for index in range(size):
            base.name = f"guest{index:04d}"
            base.uuid = f"5b9ea1a2-2b1c-4e52-9d6d-{index:012x}"
            store.save(base.name, format_domain(base, secure=True))


def domain_commands(repo: Path, sizes: Sequence[int], runs: int,
                    pycache: Path) -> Dict[str, Dict[str, Timing]]:
    """list --all (the first one, then the next ones) for each size, and
    dominfo of one domain among the most."""
    results: Dict[str, Dict[str, Timing]] = {"list_all_first": {}, "list_all": {},
                                             "dominfo": {}}
    xenvirsh = [sys.executable, "-m", "xenvirsh", "-c", "test:///default", "-q"]
    for size in sizes:
        state = Path(tempfile.mkdtemp(prefix="xenvirsh-bench-"))
        try:
            _define(state, size)
            env = _environment(repo, pycache, XENVIRSH_TEST_STATE=str(state))
            first = time.perf_counter()
            subprocess.run(xenvirsh + ["list", "--all"], stdout=subprocess.DEVNULL, env=env,
                           check=True, cwd=repo)
            results["list_all_first"][str(size)] = {"wall": time.perf_counter() - first}
            results["list_all"][str(size)] = _run(xenvirsh + ["list", "--all"], runs, env, repo)
            if size == max(sizes):
                results["dominfo"][str(size)] = _run(
                    xenvirsh + ["dominfo", f"guest{size // 2:04d}"], runs, env, repo)
        finally:
            shutil.rmtree(state)
    return results


def _machine() -> Dict[str, object]:
    return {"python": sys.version.split()[0], "cpus": os.cpu_count(),
            "load_average": [round(load, 2) for load in os.getloadavg()]}


def report(results: Dict[str, object]) -> str:
    lines = [f"Python {results['python']}, {results['cpus']} CPUs, "
             f"load average {results['load_average']} at the start"]
    lines.append("\nIn-process conversions per second (median):")
    lines.append(f"  {'':<22} {'per CPU second':>15} {'per wall second':>16} {'inputs':>7}")
    rates = results["conversions_per_second"]
    assert isinstance(rates, dict)
    for name, rate in rates.items():
        lines.append(f"  {name:<22} {rate['per_cpu_second']:>13,.0f}/s "
                     f"{rate['per_wall_second']:>14,.0f}/s {rate['inputs']:>7}")
    if "cold_start_seconds" not in results:  # --conversions
        return "\n".join(lines)
    cold = results["cold_start_seconds"]
    assert isinstance(cold, dict)
    lines.append("\nCold command, median of runs:")
    for name, timing in cold.items():
        lines.append(f"  {name:<42} wall {timing['wall'] * 1000:>7.1f} ms   "
                     f"cpu {timing['cpu'] * 1000:>6.1f} ms")
    lines.append(f"  ratio to the click+lxml import floor: wall "
                 f"{cold[COLD]['wall'] / cold[FLOOR]['wall']:.2f}x, "
                 f"cpu {cold[COLD]['cpu'] / cold[FLOOR]['cpu']:.2f}x")
    commands = results["domain_commands_seconds"]
    assert isinstance(commands, dict)
    lines.append("\nOn test:///default, median of runs:")
    for size, timing in commands["list_all"].items():
        first = commands["list_all_first"][size]["wall"]
        lines.append(f"  list --all, {size:>5} domains   wall {timing['wall'] * 1000:>7.1f} ms   "
                     f"cpu {timing['cpu'] * 1000:>6.1f} ms   (first list {first * 1000:.0f} ms)")
    for size, timing in commands["dominfo"].items():
        lines.append(f"  dominfo among {size:>5} domains  wall {timing['wall'] * 1000:>6.1f} ms   "
                     f"cpu {timing['cpu'] * 1000:>6.1f} ms")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--repo", metavar="DIR", type=Path, default=HERE,
                        help="the checkout whose xenvirsh to measure (default: this one)")
    parser.add_argument("--conversions", action="store_true",
                        help="only the in-process conversions (to compare interpreters, "
                             "run this script with each)")
    args = parser.parse_args()
    repo = args.repo.resolve()
    sys.path.insert(0, str(repo))
    repeats, runs = (3, 5) if args.quick else (7, 20)
    results: Dict[str, object] = _machine()
    results["conversions_per_second"] = conversions(repeats)
    if not args.conversions:
        with tempfile.TemporaryDirectory(prefix="xenvirsh-pycache-") as pycache:
            results["cold_start_seconds"] = cold_start(repo, runs, Path(pycache))
            results["domain_commands_seconds"] = domain_commands(
                repo, (10, 100, 1000), max(runs // 2, 3), Path(pycache))
    print(report(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
