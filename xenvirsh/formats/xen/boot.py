"""The HVM ``boot`` key of xl and xm configs: one letter per boot device, in order.

``a`` is the floppy, ``d`` the CD-ROM, ``n`` the network and ``c`` (or any other
letter) the disk; libvirt reads at most four letters and writes ``c`` when no
boot device is set.
"""

from __future__ import annotations

from typing import List

from xenvirsh.formats.virconf import Conf
from xenvirsh.formats.xen.values import get_string
from xenvirsh.model.domain import Domain

_DEVICES = {"a": "fd", "d": "cdrom", "n": "network"}
_LETTERS = {"fd": "a", "cdrom": "d", "network": "n"}
# libvirt's VIR_DOMAIN_BOOT_LAST
_MAX_DEVICES = 4


def parse_boot(conf: Conf) -> List[str]:
    letters = get_string(conf, "boot")
    if letters is None:
        letters = "c"
    return [_DEVICES.get(letter, "hd") for letter in letters[:_MAX_DEVICES]]


def format_boot(conf: Conf, dom: Domain) -> None:
    conf.set("boot", "".join(_LETTERS.get(dev, "c") for dev in dom.os.boot_devs) or "c")
