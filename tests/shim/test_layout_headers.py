"""The shim's ctypes view of libxl, checked against the installed C headers.

A small C program, generated from the shim's own tables, is compiled against
Debian's libxen-dev and prints sizeof/offsetof of every struct member the
shim declares and the value of every libxl constant it hard-codes; it also
calls every bound function with the declared number of arguments (so a
missing or extra ``ao_how`` does not compile) and checks the size of each
return type. In CI: ``apt-get install libxen-dev gcc``.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

import libxl_shim
from libxl_shim._bindings import BINDINGS, Binding
from libxl_shim._context import (
    DOMID_FIRST_RESERVED,
    INVALID_DOMID,
    LIBXL_VERSION,
    SIGCHLD_OWNER_LIBXL_ALWAYS_SELECTIVE_REAP,
)
from libxl_shim._events import EVENTMASK_ALL
from libxl_shim._layouts import ALL_SPECS, EVENT, PollFd, StructSpec, TimeVal, struct_type
from libxl_shim._loader import version_of
from libxl_shim._logger import _HIDE_PROGRESS

HEADER = Path("/usr/include/libxl.h")
GCC = shutil.which("gcc")
pytestmark = pytest.mark.skipif(
    GCC is None or not HEADER.exists(),
    reason="needs gcc and Xen's headers (apt-get install libxen-dev gcc)")


def constants() -> Dict[str, int]:
    """C expression -> the value the shim uses."""
    table: Dict[str, int] = {name: code for code, name in libxl_shim.ERROR_NAMES.items()}
    for prefix, enum in (("LIBXL_DOMAIN_TYPE_", libxl_shim.DomainType),
                         ("LIBXL_SHUTDOWN_REASON_", libxl_shim.ShutdownReason),
                         ("LIBXL_CONSOLE_TYPE_", libxl_shim.ConsoleType),
                         ("LIBXL_TRIGGER_", libxl_shim.Trigger),
                         ("LIBXL_EVENT_TYPE_", libxl_shim.EventType),
                         ("XTL_", libxl_shim.LogLevel)):
        table.update({prefix + member.name: int(member) for member in enum})
    table.update({
        "XTL_STDIOSTREAM_HIDE_PROGRESS": _HIDE_PROGRESS,
        "libxl_sigchld_owner_libxl_always_selective_reap":
            SIGCHLD_OWNER_LIBXL_ALWAYS_SELECTIVE_REAP,
        "LIBXL_VERSION": LIBXL_VERSION,
        "(uint32_t)INVALID_DOMID": INVALID_DOMID,
        "DOMID_FIRST_RESERVED": DOMID_FIRST_RESERVED,
        "(uint64_t)LIBXL_EVENTMASK_ALL": EVENTMASK_ALL,
    })
    return table


def members(spec: StructSpec, version: Tuple[int, int]) -> List[Tuple[str, str, int, int]]:
    """(C type, member, offset, size) the shim assumes."""
    cls = struct_type(spec, version)
    out = []
    for f in spec.fields_for(version):
        descriptor = getattr(cls, f.name)
        out.append((spec.c_name, f.name, descriptor.offset, descriptor.size))
    return out


def c_argument(argtype: object) -> str:
    return "(struct timeval){0}" if argtype is TimeVal else "0"


def c_call_check(b: Binding) -> str:
    call = f"{b.name}({', '.join(c_argument(a) for a in b.argtypes)})"
    if b.restype is None:
        return f"    if (0) {call};\n"
    return (f"    _Static_assert(sizeof({call}) == {ctypes.sizeof(b.restype)}, "
            f"\"{b.name} returns {b.restype.__name__}\");\n")


def c_program(version: Tuple[int, int]) -> str:
    lines = ["#include <stddef.h>", "#include <stdint.h>", "#include <stdio.h>",
             "#include <stdlib.h>", "#include <poll.h>", "#include <sys/time.h>",
             "#include <xen/xen.h>", "#include <libxl.h>", "#include <libxl_utils.h>",
             "#include <xentoollog.h>",
             "#define M(T, m) printf(\"member\\t%s %s\\t%zu %zu\\n\", #T, #m, "
             "offsetof(T, m), sizeof(((T *)0)->m))",
             "#define S(T) printf(\"sizeof\\t%s\\t%zu\\n\", #T, sizeof(T))",
             "#define C(e) printf(\"const\\t%s\\t%lld\\n\", #e, (long long)(e))",
             "int main(void) {"]
    for spec in ALL_SPECS:
        if spec is not EVENT:  # the shim declares only the event's header and union start
            lines.append(f"    S({spec.c_name});")
        lines += [f"    M({c}, {m});" for c, m, _, _ in members(spec, version)]
    lines += ["    M(libxl_event, u.domain_shutdown.shutdown_reason);",
              "    S(libxl_domain_config);", "    S(struct pollfd);", "    S(struct timeval);",
              "    M(struct pollfd, revents);", "    M(struct timeval, tv_usec);"]
    lines += [f"    C({expr});" for expr in constants()]
    lines += [c_call_check(b).rstrip() for b in BINDINGS]
    lines += ["    return 0;", "}"]
    return "\n".join(lines) + "\n"


def installed_version() -> Tuple[int, int]:
    dev_link = subprocess.run([str(GCC), "-print-file-name=libxenlight.so"], check=True,
                              capture_output=True, text=True).stdout.strip()
    return version_of(os.path.realpath(dev_link))


@pytest.fixture(scope="module")
def c_output(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, str]:
    version = installed_version()
    work = tmp_path_factory.mktemp("layout")
    (work / "layout.c").write_text(c_program(version))
    gcc = subprocess.run([str(GCC), "-std=gnu11", "-Wall", "-Werror", "-o", str(work / "layout"),
                          str(work / "layout.c"), "-lxenlight", "-lxentoollog"],
                         capture_output=True, text=True)
    if gcc.returncode != 0:  # e.g. a prototype with the wrong number of arguments
        pytest.fail(f"the layout program does not compile:\n{gcc.stderr}")
    out = subprocess.run([str(work / "layout")], check=True, capture_output=True,
                         text=True).stdout
    # "kind<TAB>what<TAB>value" -> {"kind what": "value"}
    result = {"version": "{}.{}".format(*version)}
    for line in out.splitlines():
        kind, what, value = line.split("\t")
        result[f"{kind} {what}"] = value
    return result


def test_struct_members_match_headers(c_output: Dict[str, str]) -> None:
    version = tuple(int(x) for x in c_output["version"].split("."))
    assert len(version) == 2
    for spec in ALL_SPECS:
        for c_name, member, offset, size in members(spec, (version[0], version[1])):
            if (c_name, member) == ("libxl_event", "u"):
                continue  # only the union's offset matters, its C size is bigger
            assert c_output[f"member {c_name} {member}"] == f"{offset} {size}", (c_name, member)
    assert c_output["member libxl_event u.domain_shutdown.shutdown_reason"].split()[0] == "56"


def test_struct_sizes_match_headers(c_output: Dict[str, str]) -> None:
    major, minor = (int(x) for x in c_output["version"].split("."))
    for spec in ALL_SPECS:
        if spec is not EVENT:
            size = ctypes.sizeof(struct_type(spec, (major, minor)))
            assert c_output[f"sizeof {spec.c_name}"] == str(size), spec.c_name
    assert int(c_output["sizeof libxl_domain_config"]) <= libxl_shim._config.CONFIG_BUFFER_BYTES
    assert c_output["sizeof struct pollfd"] == str(ctypes.sizeof(PollFd))
    assert c_output["sizeof struct timeval"] == str(ctypes.sizeof(TimeVal))


def test_constants_match_headers(c_output: Dict[str, str]) -> None:
    for expr, value in constants().items():
        signed = value - (1 << 64) if value >= 1 << 63 else value
        assert c_output[f"const {expr}"] == str(signed), expr
