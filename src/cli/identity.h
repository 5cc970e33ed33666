/* Who is running caredesk: the real Unix user, never an environment
 * variable, since LOGNAME and USER are the caller's to set. */
#ifndef CAREDESK_CLI_IDENTITY_H
#define CAREDESK_CLI_IDENTITY_H

#include <stddef.h>

#include "caredesk/error.h"

/* The login name of getuid(); -1 with err if the user has no passwd entry. */
int identity_login(char *out, size_t size, struct cd_error *err);

#endif
