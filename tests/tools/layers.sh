#!/bin/sh
# The layer check (make check): each layer uses only the layers below it.
#
# Layers, bottom to top (README, Layout; read from the code):
#
#   core     domain rules: no SQL, no curses          libcdcore.a
#   config   caredesk.conf, for every program         libcdconfig.a
#   replica  the SQLite replica                       libcdreplica.a
#   sync     the agent, protocol and central stores   libcdsync.a
#   ui       the desk (ncurses)                       libcdui.a
#   cli      caredesk's entry point and commands      libcdcli.a
#
# config sits on core alone and below replica because the agent's main
# (src/sync/agent_main.c) reads it and the desk's options borrow its
# plain settings.  ui and sync do not use each other: the desk never
# touches the network (DESIGN 2) and reads the agent's state through the
# replica (caredesk/sync_state.h), so ui -> sync is refused as well.
#
# What is checked:
#  1. includes: each src/LAYER/*.c|*.h and include/caredesk/*.h includes
#     only headers of its own layer or below.  A public header's layer is
#     in the table below (a new header must be added to it); a folder's
#     own headers (src/LAYER/*.h) are private to that layer.
#  2. links: caredesk-sync and caredesk-syncd define no symbol that an
#     object of libcdcli.a or libcdui.a defines, and no library's objects
#     use a symbol defined in the library of a higher layer (libcdcore.a
#     uses none of the others).
#  3. no cycles between the objects of one library (A uses a symbol B
#     defines and B, directly or through others, one A defines), from nm.
# Then it proves it can fail: on a throwaway copy of the tree with a
# planted bad include, a program that links the CLI, a core object that
# uses the desk and a pair of objects that use each other, it must fail
# each time naming the file.
#
# usage: layers.sh [SRCDIR BUILDDIR]  (make check passes neither: they
# come from CAREDESK_SRCDIR and CAREDESK_BUILDDIR).

LAYERS="core config replica sync ui cli"
# Pairs "user used" refused although used is below user.
SIDEWAYS="ui:sync"
# include/caredesk/NAME.h -> its layer (where the functions it declares
# are defined).
HEADERS="
core: error nhs datetime workday text csv referral_rules sbar ids codes datadir phonetic
	program page permission central_uri
config: config
replica: replica actions query audit sync_rows sync_state referral_queue caseload
	record_view desk_lists person_search keyset form_choices access
sync: sync
ui: desk
"
PROGRAMS_WITHOUT_DESK="caredesk-sync caredesk-syncd"
NM=${NM:-nm}

# 1. Includes: FAIL lines on stdout.
# (Shell functions share their variables: each keeps to names of its own.)
check_includes() {
	ci_files=$(cd "$1" && ls src/*/*.[ch] include/caredesk/*.h 2>/dev/null)
	[ -n "$ci_files" ] || { echo "FAIL: no sources under $1"; return; }
	# shellcheck disable=SC2086 # one word a file, none with a space
	(cd "$1" && awk -v layers="$LAYERS" -v sideways="$SIDEWAYS" -v headers="$HEADERS" '
	BEGIN {
		n = split(layers, l, " ")
		for (i = 1; i <= n; i++)
			rank[l[i]] = i
		n = split(sideways, s, " ")
		for (i = 1; i <= n; i++)
			refused[s[i]] = 1
		n = split(headers, h, /[ \t\n]+/)
		for (i = 1; i <= n; i++)
			if (h[i] ~ /:$/)
				cur = substr(h[i], 1, length(h[i]) - 1)
			else if (h[i] != "")
				pub[h[i]] = cur
	}
	FNR == 1 {
		split(FILENAME, part, "/")
		if (part[1] == "include") {
			name = part[3]; sub(/\.h$/, "", name)
			me = (name in pub) ? pub[name] : ""
			if (me == "")
				printf "FAIL: %s is in no layer: add it to the table in tests/tools/layers.sh\n", FILENAME
		} else {
			me = part[2]
			if (!(me in rank))
				printf "FAIL: %s: src/%s is not a layer (%s)\n", FILENAME, me, layers
		}
	}
	/^[ \t]*#[ \t]*include[ \t]*"/ {
		if (me == "" || !(me in rank))
			next
		inc = $0; sub(/^[^"]*"/, "", inc); sub(/".*$/, "", inc)
		k = split(inc, q, "/")
		private = 0
		if (k == 1) {
			to = me
		} else if (q[1] == "caredesk" && k == 2) {
			name = q[2]; sub(/\.h$/, "", name)
			if (!(name in pub)) {
				printf "FAIL: %s:%d: includes %s, which is in no layer\n", FILENAME, FNR, inc
				next
			}
			to = pub[name]
		} else if (k == 2 && (q[1] in rank)) {
			to = q[1]
			private = to != me || FILENAME ~ /^include\//
		} else {
			printf "FAIL: %s:%d: includes %s, in no layer\n", FILENAME, FNR, inc
			next
		}
		if (rank[to] > rank[me])
			printf "FAIL: %s:%d: includes %s (%s), a layer above %s\n", FILENAME, FNR, inc, to, me
		else if ((me ":" to) in refused)
			printf "FAIL: %s:%d: includes %s: %s must not use %s\n", FILENAME, FNR, inc, me, to
		else if (private)
			printf "FAIL: %s:%d: includes %s, private to src/%s\n", FILENAME, FNR, inc, to
	}' $ci_files)
}

# "MEMBER D|U SYMBOL" for the external symbols of archive or program $1
# (defined, or used and defined elsewhere; MEMBER is - for a program).
# Kept by content in $NMCACHE, since the copies below are mostly the same
# files as the tree's.
symbols() {
	sy_key=$NMCACHE/$(cksum <"$1" | tr ' ' _)
	if [ ! -f "$sy_key" ]; then
		symbols_of "$1" >"$sy_key.tmp" && mv "$sy_key.tmp" "$sy_key"
	fi
	cat "$sy_key"
}
symbols_of() {
	"$NM" -A -g "$1" 2>/dev/null | awk '{ n = split($1, p, ":"); m = (n >= 3) ? p[n - 1] : "-"
		if (NF >= 3) print m, ($(NF - 1) ~ /^[Uwv]$/ ? "U" : "D"), $NF }'
}

# 2. Links: FAIL lines on stdout.
check_links() {
	for cl_layer in $LAYERS; do
		cl_lib=$1/libcd$cl_layer.a
		[ -f "$cl_lib" ] || { echo "FAIL: no $cl_lib (build first)"; continue; }
		symbols "$cl_lib" | sed "s/^/$cl_layer /"
	done >"$2/libsyms"
	for cl_prog in $PROGRAMS_WITHOUT_DESK; do
		[ -f "$1/$cl_prog" ] || { echo "FAIL: no $1/$cl_prog (build first)"; continue; }
		symbols "$1/$cl_prog" | awk -v prog="$cl_prog" '
		NR == FNR { if ($3 != "U" && ($1 == "cli" || $1 == "ui")) def[$4] = "libcd" $1 ".a(" $2 ")"; next }
		$2 != "U" && ($3 in def) && !seen[$3]++ {
			printf "FAIL: %s links %s: it defines %s\n", prog, def[$3], $3
		}' "$2/libsyms" -
	done
	awk -v layers="$LAYERS" -v sideways="$SIDEWAYS" '
	BEGIN {
		n = split(layers, l, " ")
		for (i = 1; i <= n; i++)
			rank[l[i]] = i
		n = split(sideways, s, " ")
		for (i = 1; i <= n; i++)
			refused[s[i]] = 1
	}
	$3 != "U" { def[$4] = $1; obj[$4] = $2; next }
	{ used[++u] = $0 }
	END {
		for (i = 1; i <= u; i++) {
			split(used[i], f, " ")
			if (!(f[4] in def))
				continue
			to = def[f[4]]
			if ((rank[to] > rank[f[1]] || ((f[1] ":" to) in refused)) && !seen[f[2] " " to]++)
				printf "FAIL: libcd%s.a(%s) uses %s, defined in libcd%s.a(%s), a layer it must not use\n",
					f[1], f[2], f[4], to, obj[f[4]]
		}
	}' "$2/libsyms"
}

# 3. Cycles between the objects of each library: FAIL lines on stdout.
check_cycles() {
	for cc_layer in $LAYERS; do
		cc_lib=$1/libcd$cc_layer.a
		[ -f "$cc_lib" ] || continue
		symbols "$cc_lib" | awk '
		$2 != "U" { def[$3] = $1; next }
		{ use[++u] = $1 " " $3 }
		END {
			for (i = 1; i <= u; i++) {
				split(use[i], f, " ")
				if ((f[2] in def) && def[f[2]] != f[1])
					print f[1], def[f[2]], f[2]
			}
		}' | sort -u >"$2/edges"
		# Pairs, named with a symbol each way.
		awk -v lib="libcd$cc_layer.a" '
		{ e[$1 " " $2] = $3; k[++n] = $1 " " $2 }
		END {
			for (i = 1; i <= n; i++) {
				split(k[i], p, " ")
				back = p[2] " " p[1]
				if ((back in e) && p[1] < p[2] && !seen[k[i]]++)
					printf "FAIL: %s: %s and %s use each other (%s, %s)\n", lib, p[1], p[2], e[k[i]], e[back]
			}
		}' "$2/edges"
		# Longer loops: tsort fails, naming the objects of one.
		if ! cut -d' ' -f1,2 "$2/edges" | tsort >/dev/null 2>"$2/tsort"; then
			echo "FAIL: libcd$cc_layer.a: a loop of objects: $(grep -v 'loop' "$2/tsort" |
				sed 's/^tsort: //' | sort -u | paste -sd ' ' -)"
		fi
	done
}

# All three over SRCDIR and BUILDDIR, with WORKDIR for scratch files:
# the FAIL lines, and the status (a check that could not run fails).
check_tree() {
	rm -f "$3/check.out"
	{
		check_includes "$1"
		check_links "$2" "$3"
		check_cycles "$2" "$3"
		echo "checked"
	} >"$3/check.out"
	grep -v '^checked$' "$3/check.out"
	grep -q '^checked$' "$3/check.out" && ! grep -q '^FAIL' "$3/check.out"
}

srcdir=${1:-${CAREDESK_SRCDIR:-}}
builddir=${2:-${CAREDESK_BUILDDIR:-}}
if [ -z "$srcdir" ] || [ -z "$builddir" ]; then
	echo "usage: layers.sh SRCDIR BUILDDIR (or CAREDESK_SRCDIR and CAREDESK_BUILDDIR)" >&2
	exit 99
fi
if ! command -v "$NM" >/dev/null 2>&1 || ! command -v tsort >/dev/null 2>&1; then
	echo "SKIP: $NM or tsort (binutils, coreutils) not found"
	exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/caredesk-layers.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/work" "$tmp/nm"
NMCACHE=$tmp/nm

failures=0
echo "layers (bottom to top): $LAYERS; refused besides: $SIDEWAYS"
if check_tree "$srcdir" "$builddir" "$tmp/work"; then
	echo "ok: the tree keeps its layers"
else
	failures=$((failures + 1))
fi

# --- the check can fail --------------------------------------------------
# A throwaway copy of the sources and of what the links check reads.
fresh_copy() {
	rm -rf "$tmp/copy"
	mkdir -p "$tmp/copy/src" "$tmp/copy/build"
	cp -R "$srcdir/src" "$srcdir/include" "$tmp/copy/src/" || exit 99
	for f in $PROGRAMS_WITHOUT_DESK caredesk; do
		cp "$builddir/$f" "$tmp/copy/build/" || exit 99
	done
	for layer in $LAYERS; do
		cp "$builddir/libcd$layer.a" "$tmp/copy/build/" || exit 99
	done
}

# expect_fail WHAT PATTERN: the check on the copy fails, on a line that
# matches PATTERN (the planted file).
expect_fail() {
	if check_tree "$tmp/copy/src" "$tmp/copy/build" "$tmp/work" >"$tmp/planted.out"; then
		failures=$((failures + 1))
		echo "FAIL: the check passed with $1"
	elif ! grep '^FAIL' "$tmp/planted.out" | grep -q "$2"; then
		failures=$((failures + 1))
		echo "FAIL: with $1 the check failed without naming $2:"
		cat "$tmp/planted.out"
	else
		echo "ok: it fails with $1: $(grep '^FAIL' "$tmp/planted.out" | grep "$2" | head -n 1)"
	fi
}

fresh_copy
if ! check_tree "$tmp/copy/src" "$tmp/copy/build" "$tmp/work" >"$tmp/planted.out"; then
	failures=$((failures + 1))
	echo "FAIL: the unchanged copy does not pass, so the planted faults below prove nothing"
	cat "$tmp/planted.out"
fi

# A domain rule that includes the desk's header.
printf '#include "caredesk/desk.h"\n' >>"$tmp/copy/src/src/core/nhs.c"
expect_fail "src/core/nhs.c including caredesk/desk.h" 'src/core/nhs\.c:[0-9]*: includes caredesk/desk\.h'

# A replica file that includes a sync header, a public header that
# includes the CLI's, and the agent that reaches into the replica's
# private header.
fresh_copy
printf '#include "caredesk/sync.h"\n' >>"$tmp/copy/src/src/replica/note.c"
expect_fail "src/replica/note.c including caredesk/sync.h" 'src/replica/note\.c:[0-9]*: includes caredesk/sync\.h'
fresh_copy
printf '#include "cli/commands.h"\n' >>"$tmp/copy/src/include/caredesk/query.h"
expect_fail "include/caredesk/query.h including cli/commands.h" 'include/caredesk/query\.h:[0-9]*: includes cli/commands\.h'
fresh_copy
printf '#include "replica/internal.h"\n' >>"$tmp/copy/src/src/sync/agent.c"
expect_fail "src/sync/agent.c including replica/internal.h" 'src/sync/agent\.c:[0-9]*: includes replica/internal\.h, private'

# caredesk-sync linked with the CLI and the desk: the caredesk program
# put in its place.
fresh_copy
cp "$builddir/caredesk" "$tmp/copy/build/caredesk-sync"
expect_fail "caredesk-sync linking the CLI" '^FAIL: caredesk-sync links libcd\(cli\|ui\)\.a'

# A core object that uses the desk: one of libcdui.a's objects added to
# libcdcore.a.
fresh_copy
(cd "$tmp/work" && ${AR:-ar} x "$builddir/libcdui.a" libcdui_a-desk.o &&
	${AR:-ar} r "$tmp/copy/build/libcdcore.a" libcdui_a-desk.o 2>/dev/null) || exit 99
expect_fail "libcdui_a-desk.o in libcdcore.a" 'libcdcore\.a(libcdui_a-desk\.o) uses'

# Two replica objects that use each other, and three in a ring.
fresh_copy
cat >"$tmp/work/plant_a.c" <<'EOF'
int plant_b(void);
int plant_a(void);
int plant_a(void) { return plant_b(); }
EOF
cat >"$tmp/work/plant_b.c" <<'EOF'
int plant_a(void);
int plant_b(void);
int plant_b(void) { return plant_a(); }
EOF
cat >"$tmp/work/ring_1.c" <<'EOF'
int ring_2(void);
int ring_1(void);
int ring_1(void) { return ring_2(); }
EOF
cat >"$tmp/work/ring_2.c" <<'EOF'
int ring_3(void);
int ring_2(void);
int ring_2(void) { return ring_3(); }
EOF
cat >"$tmp/work/ring_3.c" <<'EOF'
int ring_1(void);
int ring_3(void);
int ring_3(void) { return ring_1(); }
EOF
for f in plant_a plant_b ring_1 ring_2 ring_3; do
	${CC:-cc} -c -o "$tmp/work/$f.o" "$tmp/work/$f.c" || { echo "FAIL: cannot compile $f.c"; exit 1; }
done
(cd "$tmp/work" && ${AR:-ar} r "$tmp/copy/build/libcdreplica.a" plant_a.o plant_b.o 2>/dev/null) || exit 99
expect_fail "plant_a.o and plant_b.o in libcdreplica.a using each other" \
	'libcdreplica\.a: plant_a\.o and plant_b\.o use each other'
fresh_copy
(cd "$tmp/work" && ${AR:-ar} r "$tmp/copy/build/libcdsync.a" ring_1.o ring_2.o ring_3.o 2>/dev/null) ||
	exit 99
expect_fail "ring_1.o, ring_2.o and ring_3.o in a loop in libcdsync.a" \
	'libcdsync\.a: a loop of objects: .*ring_1\.o'

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "PASS: the layers hold, and the check fails on each planted fault"
