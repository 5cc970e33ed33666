/* A central store's address (DESIGN 4):
 *
 *   file:/path/central.db          an embedded central on this host
 *   ssh://[user@]host/path/c.db    an embedded central on another host
 *   postgresql://...               a PostgreSQL central (libpq's URI)
 *
 * The ssh host and path end up on ssh's command line and, through it, in
 * a shell on the central's host, so an address is checked wherever one is
 * read (the command line, the replica's own record of it, the agent):
 * only a plain host name and a plain absolute path pass.  A host that
 * began with '-' was taken by ssh as an option ("-oProxyCommand=..."),
 * which ran any command as the agent's user. */
#ifndef CAREDESK_CENTRAL_URI_H
#define CAREDESK_CENTRAL_URI_H

#include <stdbool.h>
#include <stddef.h>

#include "caredesk/error.h"

/* 0 if uri is a central store's address as above; else -1 with err (78,
 * field "central") saying what is wrong, the address shown with any
 * control character as '?'. */
int central_uri_check(const char *uri, struct cd_error *err);

/* Is uri a PostgreSQL central's (postgresql:// or postgres://)? */
bool central_uri_is_pg(const char *uri);

/* For a checked ssh:// uri: its [user@]host and its path, NUL-terminated;
 * -1 if either does not fit. */
int central_uri_ssh_parts(const char *uri, char *host, size_t hsize, char *path, size_t psize);

#endif
