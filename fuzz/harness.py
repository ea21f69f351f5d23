"""The libFuzzer entry point shared by the fuzz_*.py scripts (atheris)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main(name: str) -> None:
    """Fuzz target ``name`` of :mod:`fuzz.targets` with libFuzzer's command line."""
    import atheris  # type: ignore[import-not-found,import-untyped,unused-ignore]

    sys.path.insert(0, str(REPO))
    # instrument xenvirsh (and the targets) for coverage; lxml and the standard
    # library run uninstrumented. Every module is imported now: one that
    # xenvirsh imports lazily, later, would escape the instrumentation.
    with atheris.instrument_imports(include=["xenvirsh", "fuzz"]):
        import xenvirsh
        from fuzz import targets

        for module in pkgutil.walk_packages(xenvirsh.__path__, "xenvirsh."):
            if not module.name.endswith(".__main__"):  # that one runs the CLI
                importlib.import_module(module.name)

    def one_input(data: bytes) -> None:
        targets.run_one(name, data)

    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
