/* make check's side of the fuzz harnesses: run one harness once over every
 * file named, or every file in each directory named (in name order), as
 * libFuzzer would run it on a crash input, with no fuzzing.  The seeds and
 * the regression inputs under tests/fuzz/ thus run in every make check,
 * the sanitizer build's included, so a bug the fuzzer found stays fixed.
 *
 *   replay_NAME PATH...    exit 0 when every input ran, 1 when one could
 *                          not be read; a broken property aborts. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Defined by the harnesses that need to set up first. */
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

/* One input, in a buffer of exactly its size so that AddressSanitizer sees
 * a read past its end, as under libFuzzer. */
static int run_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	struct stat st;
	unsigned char *data;
	size_t n;

	if (!fp || fstat(fileno(fp), &st) != 0) {
		fprintf(stderr, "replay: cannot read %s: %s\n", path, strerror(errno));
		if (fp)
			fclose(fp);
		return -1;
	}
	data = malloc(st.st_size > 0 ? (size_t)st.st_size : 1);
	n = data ? fread(data, 1, (size_t)st.st_size, fp) : 0;
	fclose(fp);
	if (!data || n != (size_t)st.st_size) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		free(data);
		return -1;
	}
	LLVMFuzzerTestOneInput(data, n);
	free(data);
	return 0;
}

static int skip_entry(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

static int run_dir(const char *path, int *count)
{
	struct dirent **names;
	int n = scandir(path, &names, skip_entry, alphasort), rc = 0;

	if (n < 0) {
		fprintf(stderr, "replay: cannot list %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char file[PATH_MAX];

		if (snprintf(file, sizeof(file), "%s/%s", path, names[i]->d_name) >= (int)sizeof(file)
		    || run_file(file) != 0)
			rc = -1;
		else
			(*count)++;
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	int rc = 0, count = 0;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			rc |= run_dir(argv[i], &count);
		else if (run_file(argv[i]) == 0)
			count++;
		else
			rc = -1;
	}
	printf("replay: %d input%s ran\n", count, count == 1 ? "" : "s");
	return rc ? 1 : 0;
}
