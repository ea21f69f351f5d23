"""xenvirsh's speed: conversions per second, cold command start, list over many domains.

Run from a checkout (``python3 benchmarks/bench.py``, options: ``--quick``,
``--json FILE``). It reports, for every format and direction, in-process
conversions per second (the median of repeated runs over the inputs of
../shared/conformance and examples/), the median wall time of 20 cold
``domxml-from-native`` runs next to ``python3 -c pass`` and
``python3 -c "import click, lxml.etree"``, and ``list --all`` on the
simulated host with 10, 100 and 1,000 defined domains.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List, Sequence, Tuple

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SHARED = Path(os.environ.get("XENVIRSH_SHARED", REPO.parent / "shared"))
CONFORMANCE = SHARED / "conformance"


def _joined(path: Path) -> str:
    return path.read_text().replace("\\\n", "")


def _inputs() -> Dict[str, List[Tuple[str, str]]]:
    """(kind, text) inputs per suite: native configs and domain XML."""
    found: Dict[str, List[Tuple[str, str]]] = {"xen-xl": [], "xen-xm": [], "xen-sxpr": [],
                                               "xml": []}
    for fmt, folder, pattern in (("xen-xl", "xl", "*.cfg"), ("xen-xm", "xm", "*.cfg"),
                                 ("xen-sxpr", "sexpr2xml", "*.sexpr")):
        found[fmt] = [(p.name, _joined(p)) for p in sorted((CONFORMANCE / folder).glob(pattern))]
    for folder in ("xl", "xm", "libxl-json", "xml2sexpr"):
        found["xml"] += [(p.name, p.read_text())
                         for p in sorted((CONFORMANCE / folder).glob("*.xml"))]
    found["xen-xl"].append(("web-pv.cfg", (REPO / "examples" / "web-pv.cfg").read_text()))
    found["xen-xm"].append(("legacy-hvm.xm", (REPO / "examples" / "legacy-hvm.xm").read_text()))
    return found


def _rate(convert: Callable[[str], str], texts: Sequence[str], repeats: int) -> float:
    """Median conversions per second over ``repeats`` passes (failures excluded)."""
    usable = []
    for text in texts:
        try:
            convert(text)
            usable.append(text)
        except Exception:  # an input this direction refuses (e.g. an HVM-only key)
            continue
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        for text in usable:
            convert(text)
        rates.append(len(usable) / (time.perf_counter() - start))
    return statistics.median(rates)


def conversions(repeats: int) -> Dict[str, float]:
    from xenvirsh.conversion import domxml_from_native, domxml_to_native
    from xenvirsh.host import TEST_HOST

    inputs = _inputs()
    xml = [text for _, text in inputs["xml"]]
    results = {}
    for fmt in ("xen-xl", "xen-xm", "xen-sxpr"):
        texts = [text for _, text in inputs[fmt]]
        results[f"{fmt} -> XML"] = _rate(
            lambda t, f=fmt: domxml_from_native(f, t, TEST_HOST), texts, repeats)
    for fmt in ("xen-xl", "xen-xm", "xen-sxpr", "libxl-json"):
        results[f"XML -> {fmt}"] = _rate(
            lambda t, f=fmt: domxml_to_native(f, t, TEST_HOST), xml, repeats)
    return results


def _wall(argv: Sequence[str], runs: int, env: Dict[str, str]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                       check=False, cwd=REPO)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cold_start(runs: int) -> Dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    cfg = str(REPO / "examples" / "web-pv.cfg")
    py = sys.executable
    return {
        "python3 -c pass": _wall([py, "-c", "pass"], runs, env),
        "python3 -c 'import click, lxml.etree'": _wall(
            [py, "-c", "import click, lxml.etree"], runs, env),
        "xenvirsh -q domxml-from-native xen-xl": _wall(
            [py, "-m", "xenvirsh", "-c", "test:///default", "-q", "domxml-from-native",
             "xen-xl", cfg], runs, env),
    }


def list_scaling(sizes: Sequence[int], runs: int) -> Dict[int, float]:
    from xenvirsh.formats.domxml import format_domain, parse_domain_xml
    from xenvirsh.host import TEST_HOST
    from xenvirsh.store import ConfigStore

    template = (REPO / "examples" / "web-pv.cfg").read_text()
    from xenvirsh.formats import registry

    base = registry.reader("xen-xl")(template, TEST_HOST)
    results = {}
    for size in sizes:
        state = Path(tempfile.mkdtemp(prefix="xenvirsh-bench-"))
        try:
            store = ConfigStore(state / "domains")
            for index in range(size):
                base.name = f"guest{index:04d}"
                base.uuid = f"5b9ea1a2-2b1c-4e52-9d6d-{index:012x}"
                store.save(base.name, format_domain(base, secure=True))
            parse_domain_xml(format_domain(base), TEST_HOST)
            env = {**os.environ, "PYTHONPATH": str(REPO), "XENVIRSH_TEST_STATE": str(state)}
            results[size] = _wall([sys.executable, "-m", "xenvirsh", "-c", "test:///default",
                                   "-q", "list", "--all"], runs, env)
        finally:
            shutil.rmtree(state)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args()
    repeats, runs = (3, 5) if args.quick else (7, 20)
    results = {
        "python": sys.version.split()[0],
        "conversions_per_second": conversions(repeats),
        "cold_start_seconds": cold_start(runs),
        "list_all_seconds": list_scaling((10, 100, 1000), max(runs // 4, 3)),
    }
    print(f"Python {results['python']}")
    print("\nIn-process conversions per second (median):")
    for name, rate in results["conversions_per_second"].items():
        print(f"  {name:<24} {rate:>10,.0f}/s")
    print("\nCold command, median wall time:")
    for name, seconds in results["cold_start_seconds"].items():
        print(f"  {name:<42} {seconds * 1000:>7.1f} ms")
    floor = results["cold_start_seconds"]["python3 -c 'import click, lxml.etree'"]
    ours = results["cold_start_seconds"]["xenvirsh -q domxml-from-native xen-xl"]
    print(f"  ratio to the click+lxml import floor: {ours / floor:.2f}x")
    print("\nlist --all on test:///default, median wall time:")
    for size, seconds in results["list_all_seconds"].items():
        print(f"  {size:>5} domains  {seconds * 1000:>8.1f} ms")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
