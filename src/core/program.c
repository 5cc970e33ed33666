/* Finding caredesk's other programs (see program.h). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "caredesk/program.h"

void program_path(const char *name, const char *env, char *out, size_t size)
{
	const char *given = env ? getenv(env) : NULL;
	char self[PATH_MAX];
	ssize_t n;

	if (given && *given) {
		snprintf(out, size, "%s", given);
		return;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		char *slash;

		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			int len;

			slash[1] = '\0';
			len = snprintf(out, size, "%.*s%s", (int)(size / 2), self, name);
			if (len > 0 && (size_t)len < size && access(out, X_OK) == 0)
				return;
		}
	}
	snprintf(out, size, "%s", name);	/* from PATH */
}
