"""The ``soundhw`` string of Xen configs, both ways (libvirt's xenParseSxprSound
and the formatting xl, xm and sxpr share).

* :func:`parse_soundhw` ``(text, models=...) -> List[Sound]``: ``all`` (exactly)
  gives sb16 and es1370, the two models Xen's old qemu had; otherwise a comma
  list of model names. An empty string gives no devices and one trailing comma
  is ignored, as in libvirt. Raises :class:`InternalError` for an unknown name
  (libvirt fails there without a message). ``models`` is the table of known
  names (libvirt 11.3.0's by default).
* :func:`format_soundhw` ``(sounds) -> str``: the models joined by commas.
"""

from __future__ import annotations

from typing import List, Sequence

from xenvirsh.errors import InternalError
from xenvirsh.model import enums
from xenvirsh.model.domain import Sound

# what "all" stands for: deliberately not every model libvirt knows
_ALL = ("sb16", "es1370")


def parse_soundhw(text: str, models: Sequence[str] = enums.SOUND_MODELS) -> List[Sound]:
    """The sound devices a ``soundhw`` string names."""
    if text == "all":
        return [Sound(model=model) for model in _ALL]
    sounds: List[Sound] = []
    rest = text
    while rest:
        name, _, rest = rest.partition(",")
        if name not in models:
            raise InternalError(f"unknown sound model '{name}'")
        sounds.append(Sound(model=name))
    return sounds


def format_soundhw(sounds: Sequence[Sound]) -> str:
    """The ``soundhw`` string for sound devices."""
    return ",".join(sound.model for sound in sounds)
