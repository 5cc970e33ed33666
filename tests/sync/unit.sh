#!/bin/sh
# The systemd unit for the agent, as built: it runs this build's
# caredesk-sync --watch as the caredesk user with the shared umask, and
# systemd-analyze verify accepts it (without systemd-analyze the test
# skips, which fails under CI=true).
: "${CAREDESK_UNIT:?CAREDESK_UNIT must name the built caredesk-sync.service}"
failures=0
fail() {
	failures=$((failures + 1))
	echo "FAIL: $*"
}
[ -f "$CAREDESK_UNIT" ] || { echo "FAIL: no $CAREDESK_UNIT"; exit 1; }
grep -q '@' "$CAREDESK_UNIT" && fail "the unit still has a placeholder: $(grep '@' "$CAREDESK_UNIT")"
grep -Eq '^ExecStart=/[^ ]*/caredesk-sync --watch$' "$CAREDESK_UNIT" ||
	fail "ExecStart does not run an installed caredesk-sync --watch"
grep -q '^User=caredesk$' "$CAREDESK_UNIT" || fail "the unit does not run as the caredesk user"
grep -q '^UMask=0007$' "$CAREDESK_UNIT" || fail "the unit does not keep replica files group-shared"
grep -q '^Restart=on-failure$' "$CAREDESK_UNIT" || fail "the unit does not restart the agent"
grep -q '^RuntimeDirectory=caredesk-sync$' "$CAREDESK_UNIT" && grep -q '^RuntimeDirectoryMode=0700$' "$CAREDESK_UNIT" ||
	fail "the unit gives the agent no private directory for its lock"
# systemd-analyze verify, on a copy whose ExecStart is this build's binary
# (the unit names the installed one, which is not there before make
# install) and with this tree's manual on MANPATH (it runs man for the
# Documentation= line).  Nothing is filtered: any message fails.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/caredesk-unit.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
: "${CAREDESK_SYNC_BIN:?CAREDESK_SYNC_BIN must name the built caredesk-sync}"
mkdir -p "$tmp/man/man8" "$tmp/bad"
cp "${MAN_DIR:?MAN_DIR must name the man directory of the source}/caredesk-sync.8" "$tmp/man/man8/"
sed "s|^ExecStart=[^ ]*|ExecStart=$CAREDESK_SYNC_BIN|" "$CAREDESK_UNIT" >"$tmp/caredesk-sync.service"
# verify VERIFY_OUT UNIT: run systemd-analyze verify, all it says in VERIFY_OUT.
verify() {
	MANPATH=$tmp/man SYSTEMD_LOG_COLOR=0 systemd-analyze verify "$2" >"$1" 2>&1
}
if ! command -v systemd-analyze >/dev/null 2>&1; then
	[ "$failures" = 0 ] || exit 1
	echo "SKIP: systemd-analyze is not installed (Debian package systemd), so the unit was not verified"
	exit 77
fi
if ! verify "$tmp/verify.out" "$tmp/caredesk-sync.service" || [ -s "$tmp/verify.out" ]; then
	fail "systemd-analyze verify finds fault with the unit:"
	sed 's/^/    /' "$tmp/verify.out"
fi
# The check can fail: a unit with an unknown setting is not accepted quietly.
sed 's/^\[Service\]$/[Service]\nFrobnicate=yes/' "$tmp/caredesk-sync.service" >"$tmp/bad/caredesk-sync.service"
if verify "$tmp/verify-bad.out" "$tmp/bad/caredesk-sync.service" && [ ! -s "$tmp/verify-bad.out" ]; then
	fail "systemd-analyze verify says nothing even about an unknown setting: the check above is blind"
fi
[ "$failures" = 0 ] || exit 1
echo "all checks passed"
