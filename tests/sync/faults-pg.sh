#!/bin/sh
# faults.sh against a PostgreSQL central in a throwaway cluster: the central
# crash is a kill -9 of the PostgreSQL server mid-push, then a restart.
CENTRAL_KIND=postgresql
export CENTRAL_KIND
exec sh "${TESTS_SRCDIR:-$(dirname "$0")/..}/sync/faults.sh"
