#!/bin/bash
# run-lab.sh - the integration suites on real Xen 4.17 in the QEMU lab, in one boot.
#
# Usage: tests/lab/run-lab.sh [-s SUITES] [-x SCRIPT] [-- PYTEST ARGS...]
#   -s SUITES  comma-separated: shim (libxl_shim, tests/lab/test_shim_lab.py),
#              xenvirsh (the CLI on xen:///system, tests/lab/test_xenvirsh_lab.py),
#              bench (benchmarks/lab/bench.py); default shim,xenvirsh
#   -x SCRIPT  copy SCRIPT into the run and run it in the prepared Dom0 instead
#              (debugging: xenvirsh is installed and on PATH)
# Host side: builds the lab image if it is missing (/work/shared/lab/build-image.sh,
# needs root), downloads pip, pytest, pexpect, click, lxml and rich for Dom0's
# Python 3.11 into a wheelhouse, builds a xenvirsh wheel from a copy of this
# checkout, boots the lab once with the checkout shared read-only, runs
# tests/lab/dom0-suite.sh in Dom0 and prints a summary. Dom0's output is also
# kept in $LAB_OUT (default: none) when set.
# Environment: LAB (default ../shared/lab next to the checkout, else
# /work/shared/lab), SEED (../shared/seed likewise), WHEELHOUSE (default $LAB_DIR/wheelhouse-py311), LAB_CPU
# (default Nehalem,+svm,+npt: nested paging gives Xen HAP, which HVM guests
# need), LAB_TIMEOUT (default 3600 s), plus everything labrun.sh reads
# (LAB_DIR, IMG_DIR, ...).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
LAB=${LAB:-$(cd "$REPO/../shared/lab" 2>/dev/null && pwd || echo /work/shared/lab)}
SEED=${SEED:-$(cd "$REPO/../shared/seed" 2>/dev/null && pwd || echo /work/shared/seed)}
LAB_DIR=${LAB_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/xenvirsh-lab}
IMG_DIR=${IMG_DIR:-$LAB_DIR/xen-qemu}
WHEELHOUSE=${WHEELHOUSE:-$LAB_DIR/wheelhouse-py311}
export LAB_DIR IMG_DIR LAB_CPU=${LAB_CPU:-Nehalem,+svm,+npt} LAB_TIMEOUT=${LAB_TIMEOUT:-3600}
# what Dom0 installs; pip itself runs from its wheel
WHEELS=(pip pytest pexpect click lxml rich)

log() { printf 'run-lab: %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

suite_args=()
while getopts "s:x:" o; do
    case $o in
        s) suite_args+=(-s "$OPTARG") ;;
        x) suite_args+=(-x "/mnt/host/$(basename "$OPTARG")"); extra=$OPTARG ;;
        *) sed -n '4,10p' "$0" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))

if [ ! -f "$IMG_DIR/dom0.img" ]; then
    log "no lab image in $IMG_DIR: building it"
    t=$(date +%s)
    as_root env LAB_DIR="$LAB_DIR" IMG_DIR="$IMG_DIR" "$LAB/build-image.sh"
    log "image built in $(( $(date +%s) - t ))s"
fi

missing=()
for w in "${WHEELS[@]}"; do
    ls "$WHEELHOUSE/$w"-*.whl >/dev/null 2>&1 || missing+=("$w")
done
if [ ${#missing[@]} -gt 0 ]; then
    log "downloading ${missing[*]} and dependencies for Python 3.11 into $WHEELHOUSE"
    python3 -m pip download --quiet --only-binary=:all: --python-version 3.11 \
        --implementation cp --platform manylinux2014_x86_64 --platform manylinux_2_28_x86_64 \
        --platform linux_x86_64 \
        --dest "$WHEELHOUSE" "${WHEELS[@]}"
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -r "$WHEELHOUSE" "$stage/wheelhouse"
# The wheel is built from a copy of what it contains: building in place would
# leave build/ and *.egg-info in the checkout.
mkdir "$stage/src"
cp -r "$REPO/pyproject.toml" "$REPO/README.md" "$REPO/xenvirsh" "$REPO/libxl_shim" "$stage/src/"
find "$stage/src" -name __pycache__ -prune -exec rm -rf {} +
python3 -m pip wheel --quiet --no-deps --wheel-dir "$stage/wheelhouse" "$stage/src" \
    > "$stage/wheel.log" 2>&1 || { cat "$stage/wheel.log" >&2; exit 1; }
files=(-f "$stage/wheelhouse")
# the seed's example domains, started by the xenvirsh suite (/mnt/host/examples)
[ -d "$SEED/examples" ] && files+=(-f "$SEED/examples")
[ -n "${extra:-}" ] && files+=(-f "$extra")

t=$(date +%s)
rc=0
"$LAB/labrun.sh" -s "$REPO" "${files[@]}" "$HERE/dom0-suite.sh" "${suite_args[@]}" -- "$@" \
    > "$stage/stdout" 2> "$stage/stderr" || rc=$?
cat "$stage/stdout"
cat "$stage/stderr" >&2
if [ -n "${LAB_OUT:-}" ]; then
    mkdir -p "$LAB_OUT"
    cp "$stage/stdout" "$stage/stderr" "$LAB_OUT/"
fi
echo "=== summary (run-lab.sh, LAB_CPU=$LAB_CPU) ==="
grep -E '^dom0-suite:|^=+ .*(passed|failed|error|skipped).* =+$|^bench:' "$stage/stdout" || true
grep -E '^labrun:' "$stage/stderr" || true
echo "run-lab: rc=$rc, $(( $(date +%s) - t ))s wall for the lab run"
exit "$rc"
