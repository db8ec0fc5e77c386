#!/bin/bash
# Compares two builds of one Google Benchmark program on a noisy machine: runs them in
# interleaved rounds (old, new, old, new, ...) of 5 repetitions each and prints, for each, the
# best and the median of one counter over all repetitions (load from other work only slows a
# run down, so the best is the steadier figure; the median is the typical one).
#
#   scripts/bench_side_by_side.sh OLD_BIN NEW_BIN [ROUNDS] [FILTER] [COUNTER]
#   scripts/bench_side_by_side.sh /tmp/bench_sio_old build-bench/tests/bench/bench_sio 3 '/10000$'
#
# COUNTER defaults to deliveries/s (bench_sio); bench_stack's is frames/s.
set -euo pipefail
OLD=$1
NEW=$2
ROUNDS=${3:-3}
FILTER=${4:-.}
COUNTER=${5:-deliveries/s}
runs=$(mktemp)
trap 'rm -f "$runs"' EXIT
for _ in $(seq 1 "$ROUNDS"); do
    for which in old new; do
        bin=$OLD
        [ "$which" = new ] && bin=$NEW
        "$bin" --benchmark_filter="$FILTER" --benchmark_repetitions=5 2>/dev/null |
            grep -E '^BM_' | grep -v -E '_(mean|median|stddev|cv) ' |
            grep -o "${COUNTER}=[0-9.]*[kMG]\?" |
            sed "s|^${COUNTER}=||; s|^|$which |" >>"$runs"
    done
done
for which in old new; do
    grep "^$which " "$runs" | awk '{v = $2; m = 1;
        if (v ~ /k$/) m = 1e3; else if (v ~ /M$/) m = 1e6; else if (v ~ /G$/) m = 1e9;
        sub(/[kMG]$/, "", v); print v * m}' | sort -g |
        awk -v w="$which" -v c="$COUNTER" '{a[NR] = $1}
            END {printf "%s: best %.0f median %.0f %s (%d repetitions)\n", w, a[NR], a[int((NR + 1) / 2)], c, NR}'
done
