"""Any bytes, given to any reader, fail only with xenvirsh's own error.

Each reader gets arbitrary bytes, then valid inputs (libvirt's conformance
files from ../shared, the examples and the tests' own inputs, the same seeds
as the fuzz corpus) with a few random edits. The targets are the fuzz
harnesses' (fuzz/targets.py): read, print the XML, write every format, and
check the XML settles. Whatever happens, only XenvirshError may escape.
"""

from __future__ import annotations

from functools import cache
from typing import List

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzz import seed_corpus
from fuzz.targets import TARGETS, run_one
from tests.hardening.budget import examples
from tests.hardening.strategies import mutated

READERS = sorted(TARGETS)


@cache
def _seeds(target: str) -> List[bytes]:
    return [text.encode("utf-8") for text in seed_corpus.seeds()[target]]


@pytest.mark.parametrize("target", READERS)
@examples(150)
@given(data=st.binary(max_size=2048))
def test_arbitrary_bytes(target: str, data: bytes) -> None:
    run_one(target, data)


@pytest.mark.parametrize("target", READERS)
@examples(150)
@given(data=st.data())
def test_mutated_valid_inputs(target: str, data: st.DataObject) -> None:
    run_one(target, data.draw(mutated(_seeds(target))))


@pytest.mark.parametrize("target", READERS)
def test_every_seed_passes(target: str) -> None:
    """The unmutated seeds too (the fuzzers start from them)."""
    for seed in _seeds(target):
        run_one(target, seed)


def test_seeds_include_the_conformance_data() -> None:
    from tests.conftest import CONFORMANCE

    if not CONFORMANCE.is_dir():
        pytest.skip(f"reference data not found at {CONFORMANCE}")
    assert len(_seeds("xl")) >= 34 and len(_seeds("sxpr")) >= 51
