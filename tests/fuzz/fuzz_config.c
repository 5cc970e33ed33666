/* Fuzzing caredesk.conf's reader (src/config/config.c over libconfig 1.5).
 *
 * Each input is written to one file (the same path every time) and loaded
 * as if named by --config.  Whatever the bytes, config_load must return
 * cleanly, leak nothing, and when it refuses the file, say where: the
 * file's name and a line in it, as caredesk.conf(5) promises (exit 78 with
 * FILE:LINE).  The user's own configuration is never read: HOME and
 * XDG_CONFIG_HOME point into this process's empty directory.
 *
 * libconfig 1.5 leaks a string it has scanned when a syntax error stops
 * the parser (64 bytes from strbuf_append, or 1 for an empty string: the
 * seed string-for-a-name and the regression input empty-string-for-a-name);
 * make fuzz and make check run this harness with tests/fuzz/lsan.supp,
 * which suppresses that defect alone. */
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/config.h"
#include "fuzz.h"

static char path[PATH_MAX];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("HOME", fuzz_dir(), 1);
	setenv("XDG_CONFIG_HOME", fuzz_dir(), 1);
	fuzz_path(path, "caredesk.conf");
	return 0;
}

/* A refusal names this file and a line of it. */
static void check_refusal(const struct cd_error *err, int lines, bool included)
{
	if (!err->msg[0])
		fuzz_fail("a refusal without a message");
	if (err->code != CD_EX_CONFIG)
		fuzz_fail("a refusal with code %d, not 78: %s", err->code, err->msg);
	if (strcmp(err->file, path) != 0) {
		/* libconfig's @include names the file it read; none of ours. */
		if (included)
			return;
		fuzz_fail("a refusal naming '%s', not the file read: %s", err->file, err->msg);
	}
	if (err->line < 1 || err->line > lines)
		fuzz_fail("a refusal at line %ld of a file of %d: %s", err->line, lines, err->msg);
}

/* Physical lines of the input, as an editor counts them (a last line
 * without its newline counts). */
static int count_lines(const uint8_t *data, size_t size)
{
	int n = 1;

	for (size_t i = 0; i < size; i++)
		n += data[i] == '\n';
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	struct cd_error err;

	fuzz_write_file(path, data, size);
	cd_error_clear(&err);
	if (config_load(path, &cfg, &err) != 0)
		check_refusal(&err, count_lines(data, size),
			      memmem(data, size, "@include", 8) != NULL);
	else if (!cfg.path || strcmp(cfg.path, path) != 0)
		fuzz_fail("loaded, but from '%s'", cfg.path ? cfg.path : "(none)");
	config_free(&cfg);
	return 0;
}
