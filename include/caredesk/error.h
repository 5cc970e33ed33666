/* Errors that carry their location.
 *
 * Bad input is never fatal: a function that rejects input fills a struct
 * cd_error with where (file, line, field) and why, and returns non-zero.
 * The caller decides how to report it.  Only out-of-memory and programmer
 * errors abort (see cd_die), and the UI's fatal path restores the terminal
 * before printing. */
#ifndef CAREDESK_ERROR_H
#define CAREDESK_ERROR_H

#include <stddef.h>

/* Exit codes from sysexits(3); the command contract relies on them. */
enum cd_exit {
	CD_EX_OK = 0,
	CD_EX_USAGE = 64,
	CD_EX_DATAERR = 65,
	CD_EX_NOINPUT = 66,
	CD_EX_UNAVAILABLE = 69,
	CD_EX_SOFTWARE = 70,
	CD_EX_OSERR = 71,
	CD_EX_CANTCREAT = 73,
	CD_EX_IOERR = 74,
	CD_EX_TEMPFAIL = 75,
	CD_EX_PROTOCOL = 76,
	CD_EX_NOPERM = 77,
	CD_EX_CONFIG = 78,
};

struct cd_error {
	int code;		/* an enum cd_exit value saying what kind of failure */
	char file[256];		/* input file, or "" */
	long line;		/* physical line in file, or 0 */
	char field[64];		/* field or setting name, or "" */
	char msg[512];		/* what was wrong, in words a user can act on */
};

/* Clear err (a NULL err is allowed everywhere and means "not interested"). */
void cd_error_clear(struct cd_error *err);

/* Fill err and return -1, so rejecting code can say `return cd_error_set(...)`. */
int cd_error_set(struct cd_error *err, int code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Set the file and line an error was found at. */
void cd_error_at(struct cd_error *err, const char *file, long line);

/* Render "FILE:LINE: field: message" (parts omitted when empty) into buf. */
void cd_error_format(const struct cd_error *err, char *buf, size_t size);

/* Out of memory or a broken invariant: print and abort.  The UI installs a
 * hook that restores the terminal first. */
_Noreturn void cd_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cd_set_die_hook(void (*hook)(void));

/* Allocation that never returns NULL (dies instead); the caller owns the result. */
void *cd_malloc(size_t size);
void *cd_calloc(size_t n, size_t size);
void *cd_realloc(void *p, size_t size);
char *cd_strdup(const char *s);

#endif
