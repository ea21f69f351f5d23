#!/bin/bash
# run-lab.sh - run the libxl_shim suite against real Xen in the QEMU lab.
#
# Usage: tests/lab/run-lab.sh [PYTEST ARGS...]
# Host side: builds the lab image if it is missing (/work/shared/lab/build-image.sh,
# needs root), downloads pip, pytest and its dependencies for Dom0's Python 3.11
# into a wheelhouse, boots the lab once with this checkout shared read-only, runs
# tests/lab/shim-lab.sh in Dom0 and prints a summary.
# Environment: LAB (default /work/shared/lab, or ../shared/lab next to the
# checkout), WHEELHOUSE (default $LAB_DIR/wheelhouse-py311), LAB_CPU (default
# Nehalem,+svm,+npt: nested paging gives Xen HAP, which HVM guests need),
# plus everything labrun.sh reads (LAB_DIR, IMG_DIR, LAB_TIMEOUT, ...).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
LAB=${LAB:-$(cd "$REPO/../shared/lab" 2>/dev/null && pwd || echo /work/shared/lab)}
LAB_DIR=${LAB_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/xenvirsh-lab}
IMG_DIR=${IMG_DIR:-$LAB_DIR/xen-qemu}
WHEELHOUSE=${WHEELHOUSE:-$LAB_DIR/wheelhouse-py311}
export LAB_DIR IMG_DIR LAB_CPU=${LAB_CPU:-Nehalem,+svm,+npt}

log() { printf 'run-lab: %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if [ ! -f "$IMG_DIR/dom0.img" ]; then
    log "no lab image in $IMG_DIR: building it"
    t=$(date +%s)
    as_root env LAB_DIR="$LAB_DIR" IMG_DIR="$IMG_DIR" "$LAB/build-image.sh"
    log "image built in $(( $(date +%s) - t ))s"
fi

if ! ls "$WHEELHOUSE"/pytest-*.whl "$WHEELHOUSE"/pip-*.whl >/dev/null 2>&1; then
    log "downloading pip, pytest and its dependencies for Python 3.11 into $WHEELHOUSE"
    python3 -m pip download --quiet --only-binary=:all: --python-version 3.11 \
        --implementation cp --dest "$WHEELHOUSE" pip pytest
fi
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -r "$WHEELHOUSE" "$stage/wheelhouse"

t=$(date +%s)
rc=0
"$LAB/labrun.sh" -s "$REPO" -f "$stage/wheelhouse" "$HERE/shim-lab.sh" "$@" \
    > "$stage/stdout" 2> "$stage/stderr" || rc=$?
cat "$stage/stdout"
cat "$stage/stderr" >&2
echo "=== summary (run-lab.sh, LAB_CPU=$LAB_CPU) ==="
grep -E '^shim-lab:|^=+ .*(passed|failed|error|skipped).* =+$' "$stage/stdout" || true
grep -E '^labrun:' "$stage/stderr" || true
echo "run-lab: rc=$rc, $(( $(date +%s) - t ))s wall for the lab run"
exit "$rc"
