"""libxl's CPUID policy list (``libxl_cpuid_policy_list``) and its parser.

libvirt hands every ``<cpu>`` feature of a host-passthrough guest to
``libxl_cpuid_parse_config`` as ``"name=0"`` or ``"name=1"``. libxl keeps, per
CPUID leaf, one 32-character mask per register (``x`` = default, ``0``/``1`` =
forced, ``k``/``s`` = keep host value) and, for the features that live in the
ARCH_CAPS MSR, one 64-character mask per MSR. :class:`CpuidPolicy` reproduces
that state and its JSON form (``libxl_cpuid_policy_list_gen_json``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, NamedTuple, Optional

from xenvirsh import cnum
from xenvirsh.formats.libxl.cpuid_features import FEATURES

UNUSED = 0xFFFFFFFF  # XEN_CPUID_INPUT_UNUSED: no subleaf
EAX, EBX, ECX, EDX = range(4)
_REGISTERS = ("eax", "ebx", "ecx", "edx")
_DEFAULT_MASK = "x" * 32


class _Bits(NamedTuple):
    """A named bit field: CPUID leaf/subleaf, register, lowest bit, width."""

    leaf: int
    subleaf: int
    reg: int
    bit: int
    length: int


# libxl's own names, looked up before the featureset names (cpuid_flags[]).
_NAMED: Dict[str, _Bits] = {
    "maxleaf": _Bits(0x00000000, UNUSED, EAX, 0, 32),
    "stepping": _Bits(0x00000001, UNUSED, EAX, 0, 4),
    "model": _Bits(0x00000001, UNUSED, EAX, 4, 8),
    "family": _Bits(0x00000001, UNUSED, EAX, 8, 8),
    "brandid": _Bits(0x00000001, UNUSED, EBX, 0, 8),
    "clflush": _Bits(0x00000001, UNUSED, EBX, 8, 8),
    "proccount": _Bits(0x00000001, UNUSED, EBX, 16, 8),
    "localapicid": _Bits(0x00000001, UNUSED, EBX, 24, 8),
    "est": _Bits(0x00000001, UNUSED, ECX, 7, 1),
    "cntxid": _Bits(0x00000001, UNUSED, ECX, 10, 1),
    "cmpxchg16": _Bits(0x00000001, UNUSED, ECX, 13, 1),
    "sse4_1": _Bits(0x00000001, UNUSED, ECX, 19, 1),
    "sse4.1": _Bits(0x00000001, UNUSED, ECX, 19, 1),
    "sse4_2": _Bits(0x00000001, UNUSED, ECX, 20, 1),
    "sse4.2": _Bits(0x00000001, UNUSED, ECX, 20, 1),
    "aes": _Bits(0x00000001, UNUSED, ECX, 25, 1),
    "cmpxchg8": _Bits(0x00000001, UNUSED, EDX, 8, 1),
    "sysenter": _Bits(0x00000001, UNUSED, EDX, 11, 1),
    "psn": _Bits(0x00000001, UNUSED, EDX, 18, 1),
    "clfsh": _Bits(0x00000001, UNUSED, EDX, 19, 1),
    "tm": _Bits(0x00000001, UNUSED, EDX, 29, 1),
    "ia64": _Bits(0x00000001, UNUSED, EDX, 30, 1),
    "pbe": _Bits(0x00000001, UNUSED, EDX, 31, 1),
    "arat": _Bits(0x00000006, UNUSED, EAX, 2, 1),
    "tsc_adjust": _Bits(0x00000007, 0, EBX, 1, 1),
    "cmt": _Bits(0x00000007, 0, EBX, 12, 1),
    "lahfsahf": _Bits(0x80000001, UNUSED, ECX, 0, 1),
    "cmplegacy": _Bits(0x80000001, UNUSED, ECX, 1, 1),
    "altmovcr8": _Bits(0x80000001, UNUSED, ECX, 4, 1),
    "nodeid": _Bits(0x80000001, UNUSED, ECX, 19, 1),
    "perfctr_core": _Bits(0x80000001, UNUSED, ECX, 23, 1),
    "perfctr_nb": _Bits(0x80000001, UNUSED, ECX, 24, 1),
    "procpkg": _Bits(0x00000004, 0, EAX, 26, 6),
    "invtsc": _Bits(0x80000007, UNUSED, EDX, 8, 1),
    "ppin": _Bits(0x80000008, UNUSED, EBX, 23, 1),
    "btc-no": _Bits(0x80000008, UNUSED, EBX, 29, 1),
    "nc": _Bits(0x80000008, UNUSED, ECX, 0, 8),
    "apicidsize": _Bits(0x80000008, UNUSED, ECX, 12, 4),
    "svm_npt": _Bits(0x8000000A, UNUSED, EDX, 0, 1),
    "svm_lbrv": _Bits(0x8000000A, UNUSED, EDX, 1, 1),
    "svm_nrips": _Bits(0x8000000A, UNUSED, EDX, 3, 1),
    "svm_tscrate": _Bits(0x8000000A, UNUSED, EDX, 4, 1),
    "svm_vmcbclean": _Bits(0x8000000A, UNUSED, EDX, 5, 1),
    "svm_decode": _Bits(0x8000000A, UNUSED, EDX, 7, 1),
    "svm_pausefilt": _Bits(0x8000000A, UNUSED, EDX, 10, 1),
    "lfence+": _Bits(0x80000021, UNUSED, EAX, 2, 1),
    "maxhvleaf": _Bits(0x40000000, UNUSED, EAX, 0, 8),
}

_ARCH_CAPS_MSR = 0x10A


class _Word(NamedTuple):
    """Where a featureset word lives: a CPUID register, or half of an MSR."""

    leaf: int  # or the MSR index
    subleaf: int
    reg: int  # EAX: low half of the MSR, EDX: high half
    msr: bool = False


# featureset word -> location (feature_to_policy[] of Xen 4.17)
_WORDS = (
    _Word(0x00000001, UNUSED, EDX),
    _Word(0x00000001, UNUSED, ECX),
    _Word(0x80000001, UNUSED, EDX),
    _Word(0x80000001, UNUSED, ECX),
    _Word(0x0000000D, 1, EAX),
    _Word(0x00000007, 0, EBX),
    _Word(0x00000007, 0, ECX),
    _Word(0x80000007, UNUSED, EDX),
    _Word(0x80000008, UNUSED, EBX),
    _Word(0x00000007, 0, EDX),
    _Word(0x00000007, 1, EAX),
    _Word(0x80000021, UNUSED, EAX),
    _Word(0x00000007, 1, EBX),
    _Word(0x00000007, 2, EDX),
    _Word(0x00000007, 1, ECX),
    _Word(0x00000007, 1, EDX),
    _Word(_ARCH_CAPS_MSR, UNUSED, EAX, msr=True),
    _Word(_ARCH_CAPS_MSR, UNUSED, EDX, msr=True),
    _Word(0x80000021, UNUSED, ECX),
)

def _strtoul(text: str) -> Optional[int]:
    """C's strtoul(text, &end, 0) on a 64-bit host; None when no digits were read."""
    number = cnum.scan(text, 0)
    if number is None:
        return None
    value = min(number[0], (1 << 64) - 1)  # strtoul saturates
    return (-value if number[1] else value) % (1 << 64)


@dataclass
class _Leaf:
    leaf: int
    subleaf: int
    masks: List[Optional[str]] = field(default_factory=lambda: [None] * 4)


@dataclass
class _Msr:
    index: int
    mask: List[str] = field(default_factory=lambda: ["x"] * 64)


@dataclass
class CpuidPolicy:
    """The leaves and MSRs a guest's CPUID policy overrides, in insertion order."""

    leaves: List[_Leaf] = field(default_factory=list)
    msrs: List[_Msr] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not self.leaves and not self.msrs

    def parse(self, setting: str) -> bool:
        """libxl_cpuid_parse_config for ``name=value``; False where libxl fails."""
        name, sep, value = setting.partition("=")
        if not sep:
            return False
        bits = _NAMED.get(name)
        if bits is not None:
            return self._add(name, bits, value)
        feature = FEATURES.get(name)
        if feature is None:
            return False
        word, bit = feature
        where = _WORDS[word]
        if where.msr:
            return self._add_msr(where.leaf, bit + (32 if where.reg == EDX else 0), value)
        return self._add(name, _Bits(where.leaf, where.subleaf, where.reg, bit, 1), value)

    def to_json(self) -> Dict[str, object]:
        leaves: List[object] = []
        for entry in self.leaves:
            item: Dict[str, object] = {"leaf": entry.leaf}
            if entry.subleaf != UNUSED:
                item["subleaf"] = entry.subleaf
            for reg, mask in zip(_REGISTERS, entry.masks):
                if mask is not None:
                    item[reg] = mask
            leaves.append(item)
        msrs: List[object] = [{"index": m.index, "policy": "".join(m.mask)} for m in self.msrs]
        return {"cpuid": leaves, "msr": msrs}

    def _leaf(self, leaf: int, subleaf: int) -> _Leaf:
        for entry in self.leaves:
            if (entry.leaf, entry.subleaf) == (leaf, subleaf):
                return entry
        entry = _Leaf(leaf, subleaf)
        self.leaves.append(entry)
        return entry

    def _add(self, name: str, bits: _Bits, value: str) -> bool:
        entry = self._leaf(bits.leaf, bits.subleaf)
        number = _strtoul(value)
        if number is not None:
            flags = [("1" if (number >> i) & 1 else "0") for i in range(bits.length)][::-1]
        elif value[:1] in ("x", "k", "s"):
            number = 0
            flags = [value[0]] * bits.length
        else:
            return False
        mask = list(entry.masks[bits.reg] or _DEFAULT_MASK)
        if name == "family":
            # family spills into the extended-family bits 20..27 above 15
            if number < 16:
                mask[28 - bits.bit:32 - bits.bit] = flags[4:8]
                mask[4:12] = "0" * 8
            else:
                number -= 15
                mask[28 - bits.bit:32 - bits.bit] = "1111"
                for i in range(7):
                    flags[7 - i] = "1" if (number >> i) & 1 else "0"
                mask[4:12] = flags
        elif name == "model":
            # the high nibble is the extended model, bits 16..19
            mask[12:16] = flags[0:4]
            mask[28 - bits.bit:32 - bits.bit] = flags[4:8]
        else:
            start = 32 - bits.length - bits.bit
            mask[start:start + bits.length] = flags
        entry.masks[bits.reg] = "".join(mask)
        return True

    def _add_msr(self, index: int, bit: int, value: str) -> bool:
        entry = next((m for m in self.msrs if m.index == index), None)
        if entry is None:
            entry = _Msr(index)
            self.msrs.append(entry)
        if len(value) != 1 or value not in "01xks":
            return False
        entry.mask[63 - bit] = "k" if value == "s" else value
        return True
