/* Helpers the fuzz harnesses share (fuzz.h).  They fail loudly rather than
 * return errors: a harness that cannot set itself up must not look like
 * one that ran and found nothing. */
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

static char dir[PATH_MAX];

void fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("fuzz: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	remove(path);
	return 0;
}

static void remove_dir(void)
{
	if (dir[0])
		nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *fuzz_dir(void)
{
	const char *tmp = getenv("TMPDIR");

	if (dir[0])
		return dir;
	snprintf(dir, sizeof(dir), "%s/caredesk-fuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		fuzz_fail("cannot make a directory like %s", dir);
	atexit(remove_dir);
	return dir;
}

void fuzz_path(char *out, const char *name)
{
	if (snprintf(out, PATH_MAX, "%s/%s", fuzz_dir(), name) >= PATH_MAX)
		fuzz_fail("path too long for %s", name);
}

void fuzz_write_file(const char *path, const void *data, size_t size)
{
	FILE *fp = fopen(path, "wb");

	if (!fp || (size > 0 && fwrite(data, 1, size, fp) != size) || fclose(fp) != 0)
		fuzz_fail("cannot write %s", path);
}

char *fuzz_read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	if (!fp || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) <= 0 ||
	    fseek(fp, 0, SEEK_SET) != 0)
		fuzz_fail("cannot read %s", path);
	buf = malloc((size_t)n);
	if (!buf || fread(buf, 1, (size_t)n, fp) != (size_t)n)
		fuzz_fail("cannot read %s", path);
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

void fuzz_restore_db(const char *path, const void *bytes, size_t len)
{
	char side[PATH_MAX + 8];

	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
	fuzz_write_file(path, bytes, len);
}

char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		fuzz_fail("out of memory");
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}
