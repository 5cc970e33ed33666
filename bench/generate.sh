#!/bin/sh
# Benchmark: build a generated borough and report the time and memory it took.
#
#   bench/generate.sh [PEOPLE] [SEED]    (default: the L tier, 200000 people, seed 1)
#
# Run from a built tree (it uses build/caredesk, or $CAREDESK_BIN).  The issue's
# bar for the L tier is under three minutes on a 2-core machine; runs of the
# same command vary by up to about 30% there, so quote the median of several.
set -eu
people=${1:-200000}
seed=${2:-1}
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${CAREDESK_BIN:-$here/build/caredesk}
out=${BENCH_OUT:-${TMPDIR:-/tmp}/caredesk-bench-$people.db}

[ -x "$bin" ] || { echo "bench: no $bin; build first (./bootstrap check)" >&2; exit 1; }
rm -f "$out" "$out-wal" "$out-shm"
CAREDESK_DATADIR=${CAREDESK_DATADIR:-$here/data} \
	/usr/bin/time -f "bench: generate people=$people seed=$seed: %e s wall, %U s user, %S s sys, %M KB peak RSS" \
	"$bin" generate --people "$people" --seed "$seed" --out "$out"
ls -l "$out" | awk '{ printf "bench: %s is %.2f GB\n", $NF, $5 / 1e9 }'
for t in person referral care_case note handover_item; do
	printf 'bench: %s rows: ' "$t"
	sqlite3 "$out" "SELECT count(*) FROM $t"
done
[ -n "${BENCH_KEEP:-}" ] || rm -f "$out"
