#!/bin/sh
# caredesk: make coverage's report.  Run in a build configured with
# --enable-coverage after make check: gathers the .gcda files the tests
# left (the unit tests and every real binary the shell tests ran), keeps
# only the sources under src/ (not tests/, not the generated
# migrations_embedded.c, not system headers), writes an HTML report and
# prints lines and branches hit per folder.
#
#   tests/tools/coverage-report.sh LCOV GENHTML SRCDIR OUTDIR
#
# The table is what the README's coverage targets are read against; the
# HTML report shows which lines and branches were never run.
set -eu
lcov=$1 genhtml=$2 srcdir=$3 out=$4
# lcov names files by their resolved path; the build's abs_top_srcdir may
# be ../ of it (a build configured with ../configure).
srcdir=$(cd "$srcdir" && pwd -P)
rc="--rc lcov_branch_coverage=1"

mkdir -p "$out"
# make coverage made every .gcda empty beforehand; those of objects no
# process ran (or with no code, as the embedded migrations) stayed empty,
# and gcov refuses an empty one.
find . -name '*.gcda' -size 0 -exec rm -f {} +
# shellcheck disable=SC2086
"$lcov" -q $rc --capture --directory . --output-file "$out/all.info" 2>"$out/lcov.log" || {
	cat "$out/lcov.log" >&2; exit 1; }
# shellcheck disable=SC2086
"$lcov" -q $rc --extract "$out/all.info" "$srcdir/src/*" --output-file "$out/src.info"
# shellcheck disable=SC2086
"$lcov" -q $rc --remove "$out/src.info" '*/migrations_embedded.c' --output-file "$out/caredesk.info"
"$genhtml" -q --branch-coverage --prefix "$srcdir" --title "caredesk coverage" \
	--output-directory "$out/html" "$out/caredesk.info" >"$out/genhtml.log" 2>&1 || {
	cat "$out/genhtml.log" >&2; exit 1; }

# One row per folder of src/, from the per-file totals lcov recorded.
awk -v src="$srcdir/src/" '
function pct(h, t) { return t ? sprintf("%5.1f%%", 100 * h / t) : "    -" }
/^SF:/ { f = substr($0, 4); sub("^" src, "", f); n = split(f, p, "/");
	 dir = (n > 1) ? "src/" p[1] : "src"; seen[dir] = 1 }
/^LF:/ { lf[dir] += substr($0, 4) } /^LH:/ { lh[dir] += substr($0, 4) }
/^BRF:/ { bf[dir] += substr($0, 5) } /^BRH:/ { bh[dir] += substr($0, 5) }
END {
	printf "%-12s %17s %7s %17s %7s\n", "folder", "lines hit/total", "", "branches hit/total", ""
	split("src/core src/replica src/sync src/ui src/cli", order, " ")
	for (i = 1; i <= 5; i++) { d = order[i]; done[d] = 1
		printf "%-12s %8d/%-8d %7s %8d/%-8d %7s\n", d, lh[d], lf[d], pct(lh[d], lf[d]),
			bh[d], bf[d], pct(bh[d], bf[d])
		tl += lf[d]; th += lh[d]; tbf += bf[d]; tbh += bh[d] }
	for (d in seen) if (!(d in done)) {
		printf "%-12s %8d/%-8d %7s %8d/%-8d %7s\n", d, lh[d], lf[d], pct(lh[d], lf[d]),
			bh[d], bf[d], pct(bh[d], bf[d])
		tl += lf[d]; th += lh[d]; tbf += bf[d]; tbh += bh[d] }
	printf "%-12s %8d/%-8d %7s %8d/%-8d %7s\n", "total", th, tl, pct(th, tl), tbh, tbf, pct(tbh, tbf)
}' "$out/caredesk.info" | tee "$out/summary.txt"
case $out in /*) ;; *) out=$(pwd)/$out ;; esac
echo "coverage: HTML report in $out/html/index.html"
