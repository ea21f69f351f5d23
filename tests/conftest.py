"""Shared test helpers: the reference data folder and running the CLI."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, List, Optional

import pytest
from hypothesis import HealthCheck, settings

REPO = Path(__file__).resolve().parent.parent

# Property tests: deterministic and quick by default (CI), no example database;
# `pytest --hypothesis-profile=long` draws fifty times as many, randomly.
settings.register_profile("ci", derandomize=True, database=None, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=5000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci")
# ../shared next to the checkout; XENVIRSH_SHARED points elsewhere
SHARED = Path(os.environ.get("XENVIRSH_SHARED", REPO.parent / "shared"))
CONFORMANCE = SHARED / "conformance"
SEED = SHARED / "seed"


def join_continuations(text: str) -> str:
    """libvirt's virTestLoadFile: drop every backslash-newline pair."""
    return text.replace("\\\n", "")


@dataclass
class Result:
    status: int
    out: str
    err: str


@pytest.fixture
def xenvirsh(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run the CLI in-process: ``xenvirsh(*args, stdin=None) -> Result``."""
    from xenvirsh.cli.main import run

    def invoke(*args: str, stdin: Optional[bytes] = None) -> Result:
        if stdin is not None:
            import io
            import sys

            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
        capsys.readouterr()
        status = run(list(args))
        captured = capsys.readouterr()
        return Result(status, captured.out, captured.err)

    return invoke


def needs_shared() -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        not CONFORMANCE.is_dir(),
        reason=f"reference data not found at {SHARED} (set XENVIRSH_SHARED)",
    )


def files(folder: Path, pattern: str) -> Iterator[Path]:
    return iter(sorted(folder.glob(pattern)))


def ids(paths: List[Path]) -> List[str]:
    return [p.name for p in paths]
