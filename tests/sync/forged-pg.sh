#!/bin/sh
# forged.sh against a PostgreSQL central in a throwaway cluster.
CENTRAL_KIND=postgresql
export CENTRAL_KIND
exec sh "${TESTS_SRCDIR:-$(dirname "$0")/..}/sync/forged.sh"
