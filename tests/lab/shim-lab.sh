#!/bin/bash
# Runs inside the lab Dom0 (started by tests/lab/run-lab.sh through labrun.sh):
# installs pytest from the host-made wheelhouse into a venv, then runs the
# libxl_shim lab suite from the read-only source share /mnt/src.
set -euo pipefail
SRC=/mnt/src
WHEELS=/mnt/host/wheelhouse
VENV=/tmp/shim-venv

elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

start=$(date +%s.%N)
# pip runs straight from its wheel: "python3 -m venv" with ensurepip takes
# over a minute under TCG (it installs and byte-compiles pip into the venv).
python3 -m venv --without-pip "$VENV"
pip_wheel=$(ls "$WHEELS"/pip-*.whl)
"$VENV/bin/python" "$pip_wheel/pip" install --quiet --no-compile --no-index \
    --find-links "$WHEELS" pytest
echo "shim-lab: venv with pytest ready in $(elapsed "$start")s"

cd "$SRC"
# The share is read-only: no bytecode, no pytest cache.
tests=$(date +%s.%N)
rc=0
PYTHONDONTWRITEBYTECODE=1 "$VENV/bin/python" -m pytest -p no:cacheprovider -v -rs \
    --durations=0 tests/lab/test_shim_lab.py "$@" || rc=$?
echo "shim-lab: pytest finished in $(elapsed "$tests")s (rc=$rc)"
exit "$rc"
