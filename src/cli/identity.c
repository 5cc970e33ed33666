/* The invoking Unix user (see identity.h). */
#include <pwd.h>
#include <stdio.h>
#include <unistd.h>

#include "cli/identity.h"

int identity_login(char *out, size_t size, struct cd_error *err)
{
	const struct passwd *pw = getpwuid(getuid());

	if (!pw || !pw->pw_name || !*pw->pw_name)
		return cd_error_set(err, CD_EX_NOPERM, NULL,
				    "user id %ld has no login name (no passwd entry)", (long)getuid());
	snprintf(out, size, "%s", pw->pw_name);
	return 0;
}
