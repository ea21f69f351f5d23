"""soundhw strings, checked against libvirt 11.3.0's behaviour (lvconv)."""

from __future__ import annotations

from typing import List

import pytest

from xenvirsh.errors import InternalError
from xenvirsh.formats.xen.sound import format_soundhw, parse_soundhw
from xenvirsh.model.domain import Sound


def _models(text: str) -> List[str]:
    return [sound.model for sound in parse_soundhw(text)]


@pytest.mark.parametrize("text, expected", [
    ("all", ["sb16", "es1370"]),
    ("sb16", ["sb16"]),
    ("es1370,ac97", ["es1370", "ac97"]),
    ("ich6,ich9", ["ich6", "ich9"]),
    ("", []),
    ("sb16,", ["sb16"]),
])
def test_parse(text: str, expected: List[str]) -> None:
    assert _models(text) == expected


@pytest.mark.parametrize("text, bad", [
    ("foo", "foo"), (",sb16", ""), ("sb16,,es1370", ""), ("ALL", "ALL"), ("all,sb16", "all"),
])
def test_parse_errors(text: str, bad: str) -> None:
    with pytest.raises(InternalError) as err:
        parse_soundhw(text)
    assert str(err.value) == f"internal error: unknown sound model '{bad}'"


def test_parse_with_an_older_model_table() -> None:
    with pytest.raises(InternalError):
        parse_soundhw("virtio", models=("sb16", "es1370"))
    assert [s.model for s in parse_soundhw("es1370", models=("sb16", "es1370"))] == ["es1370"]


def test_format() -> None:
    assert format_soundhw([Sound(model="es1370"), Sound(model="ich9")]) == "es1370,ich9"
    assert format_soundhw([Sound(model="sb16")]) == "sb16"
    assert format_soundhw([]) == ""
