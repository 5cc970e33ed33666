/* Soundex (see phonetic.h). */
#include <ctype.h>

#include "caredesk/phonetic.h"

static char soundex_digit(int c)
{
	/*                       abcdefghijklmnopqrstuvwxyz */
	static const char map[] = "01230120022455012623010202";

	return map[c - 'a'];
}

void soundex(const char *name, char out[SOUNDEX_LEN])
{
	int n = 0;
	char last = 0;

	for (const char *p = name; *p && n < 4; p++) {
		int c = tolower((unsigned char)*p);
		char d;

		if (c < 'a' || c > 'z')
			continue;
		d = soundex_digit(c);
		if (n == 0) {
			out[n++] = (char)toupper(c);
			last = d;
			continue;
		}
		/* h and w do not separate letters of the same code; vowels do. */
		if (c == 'h' || c == 'w')
			continue;
		if (d != '0' && d != last)
			out[n++] = d;
		last = d;
	}
	if (n == 0) {
		out[0] = '\0';
		return;
	}
	while (n < 4)
		out[n++] = '0';
	out[n] = '\0';
}
