#!/bin/bash
# run-bench.sh - xenvirsh vs xl in the QEMU lab (one boot), results into
# benchmarks/RESULTS-lab.md.
#
# Usage: benchmarks/lab/run-bench.sh
# Boots the lab once through tests/lab/run-lab.sh -s bench (which installs
# xenvirsh in Dom0 and runs benchmarks/lab/bench.py there), then writes the
# report with the machine, the date and the command. BENCH_STARTS (default 7)
# and BENCH_LISTS (default 21) set the number of runs; the environment of
# run-lab.sh applies.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# labrun.sh passes no environment into Dom0: the run counts travel as a script
cat > "$out/bench-env.sh" <<SCRIPT
export BENCH_STARTS=${BENCH_STARTS:-7} BENCH_LISTS=${BENCH_LISTS:-21} PATH=/opt/xenvirsh-venv/bin:\$PATH
exec /opt/xenvirsh-venv/bin/python /mnt/src/benchmarks/lab/bench.py
SCRIPT
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
rc=0
LAB_OUT=$out "$REPO/tests/lab/run-lab.sh" -x "$out/bench-env.sh" > "$out/log" 2>&1 || rc=$?
cat "$out/log"
[ "$rc" = 0 ] || { echo "run-bench: the lab run failed (rc=$rc)" >&2; exit "$rc"; }

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
{
    echo "# xenvirsh vs xl on real Xen (QEMU lab)"
    echo
    echo "* Date: $started"
    echo "* Command: \`benchmarks/lab/run-bench.sh\` (BENCH_STARTS=${BENCH_STARTS:-7}," \
         "BENCH_LISTS=${BENCH_LISTS:-21})"
    echo "* Host: $cpu, $(nproc) CPUs, $(awk '/MemTotal/ { printf "%d GiB", $2 / 1048576 }' /proc/meminfo)," \
         "$(. /etc/os-release && echo "$PRETTY_NAME"); QEMU $(qemu-system-x86_64 --version | awk 'NR==1 { print $4 }')" \
         "TCG, -smp ${LAB_SMP:-2} -cpu ${LAB_CPU:-Nehalem,+svm,+npt}, Dom0 ${LAB_DOM0_MEM:-1024} MiB"
    echo
    sed -n '/^<!-- results -->$/,/^<!-- end results -->$/p' "$out/stdout" | sed '1d;$d'
    echo
    echo "See benchmarks/lab/README.md for the method."
} > "$REPO/benchmarks/RESULTS-lab.md"
echo "run-bench: wrote benchmarks/RESULTS-lab.md"
