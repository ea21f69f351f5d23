#!/bin/sh
# Install what the tests need and run the whole test suite: unit, CLI and
# conformance tests, then the integration suite on real Xen 4.17 in the QEMU
# lab (../shared/lab; skipped, saying so, when the lab is absent).
# Works on Debian 12 as root or as a user with sudo.
set -eu
cd "$(dirname "$0")/.."
SUDO=$(command -v sudo || true)
[ "$(id -u)" = 0 ] && SUDO=

echo "run-all: installing Debian packages"
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    python3-venv python3-pip gcc libc6-dev libxen-dev groff-base man-db \
    openssh-client openssh-server libvirt0 >/dev/null

echo "run-all: installing xenvirsh and its test dependencies into .venv"
python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e '.[test]'

echo "run-all: static checks"
.venv/bin/ruff check xenvirsh libxl_shim tests man benchmarks fuzz
.venv/bin/mypy

echo "run-all: test suite"
.venv/bin/python -m pytest -q

if [ -d ../shared/lab ] && [ "${XENVIRSH_SKIP_LAB:-}" = "" ]; then
    echo "run-all: integration suite on real Xen (QEMU lab)"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        debootstrap e2fsprogs cpio gzip qemu-system-x86 >/dev/null
    # the tests marked slow (minutes each under TCG) would take CI past its
    # 30 minutes; `tests/lab/run-lab.sh` alone runs them all (about 40 minutes)
    tests/lab/run-lab.sh -s shim,xenvirsh -- -m "not slow"
else
    echo "run-all: lab skipped (no ../shared/lab, or XENVIRSH_SKIP_LAB set)"
fi
echo "run-all: all passed"
