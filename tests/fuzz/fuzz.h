/* What every fuzz harness in tests/fuzz shares.
 *
 * A harness defines LLVMFuzzerTestOneInput (and LLVMFuzzerInitialize when
 * it needs a place to work) and is linked two ways: with libFuzzer for
 * make fuzz, and with replay.c for make check, which feeds it every seed
 * and regression input once.  So a harness checks properties itself and
 * calls fuzz_fail when one breaks: under libFuzzer the abort is a crash
 * with the input saved; under replay it fails the test. */
#ifndef CAREDESK_TESTS_FUZZ_H
#define CAREDESK_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* libFuzzer's entry points (declared here because it has no header). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A broken property: say which on stderr and abort. */
_Noreturn void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A private directory for this process, made on first use and removed with
 * everything in it at exit.  Borrowed. */
const char *fuzz_dir(void);

/* dir/name into out (PATH_MAX bytes); fails the run if it does not fit. */
void fuzz_path(char *out, const char *name);

/* Write size bytes to path, replacing it; fails the run if it cannot. */
void fuzz_write_file(const char *path, const void *data, size_t size);

/* The whole of file, *len set; fails the run if it cannot.  Owned. */
char *fuzz_read_file(const char *path, size_t *len);

/* Put the SQLite database at path back to `bytes` (as read by
 * fuzz_read_file after its last connection closed), with no journal of what
 * was done to it since. */
void fuzz_restore_db(const char *path, const void *bytes, size_t len);

/* The input as a NUL-terminated string (cut at its first NUL). Owned. */
char *fuzz_string(const uint8_t *data, size_t size);

#endif
