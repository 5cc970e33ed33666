/* Errors with a location, and the allocation wrappers that die rather than
 * return NULL (a terminal program that half-handles out-of-memory does worse
 * than one that stops cleanly). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/error.h"

static void (*die_hook)(void);

void cd_error_clear(struct cd_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

int cd_error_set(struct cd_error *err, int code, const char *field, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	err->code = code;
	snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

void cd_error_at(struct cd_error *err, const char *file, long line)
{
	if (!err)
		return;
	snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
	err->line = line;
}

void cd_error_format(const struct cd_error *err, char *buf, size_t size)
{
	size_t used = 0;

	if (size == 0)
		return;
	buf[0] = '\0';
	if (err->file[0]) {
		if (err->line > 0)
			used += (size_t)snprintf(buf, size, "%s:%ld: ", err->file, err->line);
		else
			used += (size_t)snprintf(buf, size, "%s: ", err->file);
	}
	if (used < size && err->field[0])
		used += (size_t)snprintf(buf + used, size - used, "%s: ", err->field);
	if (used < size)
		snprintf(buf + used, size - used, "%s", err->msg);
}

void cd_set_die_hook(void (*hook)(void))
{
	die_hook = hook;
}

_Noreturn void cd_die(const char *fmt, ...)
{
	va_list ap;

	if (die_hook)
		die_hook();
	fputs("caredesk: fatal: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void *cd_malloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		cd_die("out of memory (%zu bytes)", size);
	return p;
}

void *cd_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		cd_die("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

void *cd_realloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);

	if (!q)
		cd_die("out of memory (%zu bytes)", size);
	return q;
}

char *cd_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = cd_malloc(n);

	memcpy(p, s, n);
	return p;
}
