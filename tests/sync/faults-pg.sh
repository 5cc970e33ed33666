#!/bin/sh
# faults.sh against a PostgreSQL central in a throwaway cluster: the central
# crash is a kill -9 of the PostgreSQL server, then a restart, while the
# agent holds after a push's commit (lib.sh's central_crash_at).
CENTRAL_KIND=postgresql
export CENTRAL_KIND
exec sh "${TESTS_SRCDIR:-$(dirname "$0")/..}/sync/faults.sh"
