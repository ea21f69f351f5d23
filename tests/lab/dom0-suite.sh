#!/bin/bash
# Runs inside the lab Dom0 (started by tests/lab/run-lab.sh through labrun.sh).
#
# Usage: dom0-suite.sh [-s SUITES] [-x SCRIPT] [-- PYTEST ARGS...]
#   -s SUITES  comma-separated, in this order: shim (tests/lab/test_shim_lab.py),
#              xenvirsh (tests/lab/test_xenvirsh_lab.py), bench
#              (benchmarks/lab/bench.py); default shim,xenvirsh
#   -x SCRIPT  run SCRIPT (a path in /mnt/host or /mnt/src) in the prepared Dom0
#              instead of the suites (debugging)
# Prepares a venv from the host-made wheelhouse (pytest, pexpect, xenvirsh and
# its dependencies click, lxml, rich), puts `xenvirsh` on PATH as
# /usr/local/bin/xenvirsh (where contrib/xenvirsh-autostart.service expects it)
# and runs the suites from the read-only source share /mnt/src. Exit status:
# the first failing suite's, else 0.
set -euo pipefail
SRC=/mnt/src
WHEELS=/mnt/host/wheelhouse
VENV=/opt/xenvirsh-venv
suites=shim,xenvirsh
script=""
while getopts "s:x:" o; do
    case $o in
        s) suites=$OPTARG ;;
        x) script=$OPTARG ;;
        *) echo "usage: dom0-suite.sh [-s SUITES] [-x SCRIPT] [-- PYTEST ARGS...]" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))

elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# For a post-mortem, the logs of libxl, the monitors and the guest consoles
# end up in the run directory (RUNS_DIR/run-*/share/out/diag) however the run ends.
keep_logs() {
    mkdir -p /mnt/host/out/diag
    cp -r /var/log/xenvirsh /var/lib/xenvirsh/monitor /var/log/xen /mnt/host/out/diag/ \
        2>/dev/null || true
}
trap keep_logs EXIT

start=$(date +%s.%N)
# pip runs straight from its wheel: "python3 -m venv" with ensurepip takes
# over a minute under TCG (it installs and byte-compiles pip into the venv).
# Nothing is byte-compiled at install time: the first import of a module
# writes its bytecode into the venv, so only what is used gets compiled.
python3 -m venv --without-pip "$VENV"
pip_wheel=$(ls "$WHEELS"/pip-*.whl)
"$VENV/bin/python" "$pip_wheel/pip" install --quiet --no-compile --no-index \
    --find-links "$WHEELS" pytest pexpect xenvirsh
ln -sf "$VENV/bin/xenvirsh" /usr/local/bin/xenvirsh
echo "dom0-suite: venv with pytest and xenvirsh ready in $(elapsed "$start")s"

if [ -n "$script" ]; then
    bash "$script" "$@"
    exit
fi

export PATH="$VENV/bin:$PATH"
cd "$SRC"
final=0
for suite in ${suites//,/ }; do
    t=$(date +%s.%N)
    rc=0
    case $suite in
        shim) file=tests/lab/test_shim_lab.py ;;
        xenvirsh) file=tests/lab/test_xenvirsh_lab.py ;;
        bench)
            "$VENV/bin/python" benchmarks/lab/bench.py || rc=$?
            echo "dom0-suite: bench finished in $(elapsed "$t")s (rc=$rc)"
            [ "$final" = 0 ] && final=$rc
            continue ;;
        *) echo "dom0-suite: unknown suite $suite" >&2; exit 2 ;;
    esac
    # The share is read-only: pytest rewrites assertions in memory and keeps no
    # cache. The lab suites need none of the host suite's conftest.py files.
    "$VENV/bin/python" -m pytest -p no:cacheprovider --confcutdir=tests/lab -v -rs \
        --durations=0 "$file" "$@" || rc=$?
    echo "dom0-suite: $suite suite finished in $(elapsed "$t")s (rc=$rc)"
    [ "$final" = 0 ] && final=$rc
done
exit "$final"
