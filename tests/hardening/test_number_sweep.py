"""Every number of libvirt's test inputs replaced by an extreme value.

A run like this (with eight values for every number) found three inputs that
took all the machine's memory and a dozen that ended in ``internal error:
ValueError``. Here each number gets one of the values, in rotation, so the
sweep takes seconds; it runs in a child process whose memory is capped, so a
regression fails the test instead of the machine.
"""

from __future__ import annotations

import json
import re
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator, List, Tuple

from tests.conftest import CONFORMANCE, needs_shared

EXTREMES = ["2147483647", "-2147483649", "4294967295", "18446744073709551616", "1" * 5000,
            "-1", "\u0663", "16385"]
MEMORY_CAP = 2 << 30
SECONDS_PER_CONVERSION = 1.0
# a number in a native config or in domain XML text and attribute values
_NATIVE_NUMBER = re.compile(r"(?<![\w.:])\d+(?![\w.:])")
_XML_NUMBER = re.compile(r"(?<=[>'\"])\d+(?=[<'\"])")


def _inputs() -> Iterator[Tuple[str, str, re.Pattern[str]]]:
    for folder, fmt, pattern in (("xl", "xen-xl", "*.cfg"), ("xm", "xen-xm", "*.cfg"),
                                 ("sexpr2xml", "xen-sxpr", "*.sexpr")):
        for path in sorted((CONFORMANCE / folder).glob(pattern)):
            yield fmt, path.read_text().replace("\\\n", ""), _NATIVE_NUMBER
    for folder in ("xl", "xm", "libxl-json", "xml2sexpr"):
        for path in sorted((CONFORMANCE / folder).glob("*.xml")):
            yield "xml", path.read_text(), _XML_NUMBER


def sweep() -> List[List[str]]:
    """The conversions that ended other than in a result or a clean error."""
    from xenvirsh.conversion import domxml_from_native, domxml_to_native
    from xenvirsh.errors import XenvirshError
    from xenvirsh.host import TEST_HOST

    failures = []
    for index, (fmt, text, numbers) in enumerate(_inputs()):
        for position, match in enumerate(numbers.finditer(text)):
            value = EXTREMES[(index + position) % len(EXTREMES)]
            case = text[:match.start()] + value + text[match.end():]
            for target in ("xen-xl", "xen-sxpr", "libxl-json") if fmt == "xml" else ("xml",):
                start = time.monotonic()
                try:
                    if fmt == "xml":
                        domxml_to_native(target, case, TEST_HOST)
                    else:
                        domxml_from_native(fmt, case, TEST_HOST)
                    outcome = ""
                except XenvirshError:
                    outcome = ""  # libvirt's refusal, or xenvirsh's limit
                except Exception as error:  # what the test is for (MemoryError too)
                    outcome = f"{type(error).__name__}: {str(error)[:100]}"
                if not outcome and time.monotonic() - start > SECONDS_PER_CONVERSION:
                    outcome = f"took {time.monotonic() - start:.1f} s"
                if outcome:
                    context = text[max(0, match.start() - 40):match.end()]
                    failures.append([fmt, target, context, value[:20], outcome])
    return failures


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


@needs_shared()
def test_extreme_numbers_end_in_a_result_or_a_clean_error() -> None:
    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-m", "tests.hardening.test_number_sweep"],
                          cwd=str(repo), capture_output=True, text=True, timeout=600,
                          preexec_fn=_cap_memory)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout) == []


if __name__ == "__main__":
    print(json.dumps(sweep()))
