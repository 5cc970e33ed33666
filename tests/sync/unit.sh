#!/bin/sh
# The systemd unit for the agent, as built: it runs this build's
# caredesk-sync --watch as the caredesk user with the shared umask, and
# systemd accepts it where systemd-analyze is available.
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
if command -v systemd-analyze >/dev/null 2>&1; then
	# The binary need not be installed for the unit's syntax to be checked.
	systemd-analyze verify "$CAREDESK_UNIT" 2>&1 | grep -v 'is not executable\|No such file\|Failed to' |
		grep -i 'unknown\|invalid\|error' && fail "systemd-analyze finds fault with the unit"
fi
[ "$failures" = 0 ] || exit 1
echo "all checks passed"
