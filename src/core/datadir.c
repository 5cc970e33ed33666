/* Locating data files (see datadir.h for the search order). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "caredesk/datadir.h"

#ifndef CD_PKGDATADIR
#define CD_PKGDATADIR "/usr/local/share/caredesk"
#endif
#ifndef CD_SRCDATADIR
#define CD_SRCDATADIR "data"
#endif

int datadir_path(const char *name, char *out, size_t size)
{
	const char *env = getenv("CAREDESK_DATADIR");
	const char *dirs[] = { CD_PKGDATADIR, CD_SRCDATADIR };

	/* An explicit directory is final: falling back behind the user's back
	 * would hide a typo and load data they did not ask for. */
	if (env && *env) {
		snprintf(out, size, "%s/%s", env, name);
		return access(out, R_OK) == 0 ? 0 : -1;
	}
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(out, size, "%s/%s", dirs[i], name);
		if (access(out, R_OK) == 0)
			return 0;
	}
	snprintf(out, size, "%s/%s", dirs[0], name);
	return -1;
}
