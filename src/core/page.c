/* Keyset pages (see page.h). */
#include <stdlib.h>
#include <string.h>

#include "caredesk/error.h"
#include "caredesk/page.h"

void page_reverse(void *rows, int n, size_t size)
{
	char *base = rows;
	char *tmp;

	if (n < 2)
		return;
	tmp = cd_malloc(size);
	for (int i = 0; i < n / 2; i++) {
		char *a = base + (size_t)i * size, *b = base + (size_t)(n - 1 - i) * size;

		memcpy(tmp, a, size);
		memcpy(a, b, size);
		memcpy(b, tmp, size);
	}
	free(tmp);
}
