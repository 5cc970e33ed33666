/* Canonical spelling of code values (see codes.h). */
#include <ctype.h>

#include "caredesk/codes.h"

static int is_separator(char c)
{
	return c == ' ' || c == '-' || c == '_' || c == '\t';
}

int code_normalise(const char *in, char *out, size_t size)
{
	size_t n = 0;
	int pending_sep = 0;

	if (size == 0)
		return -1;
	for (; *in; in++) {
		if (is_separator(*in)) {
			pending_sep = n > 0;
			continue;
		}
		if (pending_sep) {
			if (n + 1 >= size)
				return -1;
			out[n++] = '-';
			pending_sep = 0;
		}
		if (n + 1 >= size)
			return -1;
		out[n++] = (char)tolower((unsigned char)*in);
	}
	out[n] = '\0';
	return n ? 0 : -1;
}
