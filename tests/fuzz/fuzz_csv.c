/* Fuzzing the RFC 4180 reader (src/core/csv.c), with a round trip.
 *
 * Every record the reader returns, malformed ones included, is written
 * back with csv_write_record (as import writes its rejects file) and the
 * text read again.  The second reading must give the same records, field
 * by field, every one well formed: what we write, we read back as
 * written.  Along the way the reader's own promises are checked: a record
 * has at least one field, lines only go forward, a malformed record says
 * why. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/csv.h"
#include "fuzz.h"

/* Inputs far below the reader's 1 MiB record cap: libFuzzer's are a few
 * KiB.  A longer one could be cut differently on its second reading. */
#define ROUND_TRIP_MAX (512 * 1024)

/* The records of the first reading, kept as one buffer (each field's
 * length, then its bytes, a record's fields closed by SIZE_MAX) so the
 * second reading can be compared with it without a copy per field. */
struct kept {
	char *text;
	size_t len, cap, at;	/* at: where the second reading has got to */
};

static void kept_add(struct kept *k, const void *bytes, size_t n)
{
	if (k->len + n > k->cap) {
		k->cap = (k->len + n) * 2;
		k->text = realloc(k->text, k->cap);
		if (!k->text)
			fuzz_fail("out of memory");
	}
	memcpy(k->text + k->len, bytes, n);
	k->len += n;
}

static void kept_record(struct kept *k, const struct csv_record *rec)
{
	const size_t end = SIZE_MAX;

	for (size_t i = 0; i < rec->count; i++) {
		size_t n = strlen(rec->fields[i]);

		kept_add(k, &n, sizeof(n));
		kept_add(k, rec->fields[i], n);
	}
	kept_add(k, &end, sizeof(end));
}

/* The next length kept, or SIZE_MAX at a record's end or past the last. */
static size_t kept_length(struct kept *k)
{
	size_t n = SIZE_MAX;

	if (k->at + sizeof(n) <= k->len) {
		memcpy(&n, k->text + k->at, sizeof(n));
		k->at += sizeof(n);
	}
	return n;
}

/* Record r of the second reading equals record r of the first. */
static void kept_compare(struct kept *k, const struct csv_record *rec, long r)
{
	if (k->at >= k->len)
		fuzz_fail("record %ld: read back, never read at first", r);
	for (size_t i = 0; i < rec->count; i++) {
		size_t n = kept_length(k), got = strlen(rec->fields[i]);

		if (n == SIZE_MAX)
			fuzz_fail("record %ld: %zu fields after writing, fewer before", r, rec->count);
		if (n != got || memcmp(k->text + k->at, rec->fields[i], n) != 0)
			fuzz_fail("record %ld field %zu: '%.*s' read back as '%s'", r, i + 1, (int)n,
				  k->text + k->at, rec->fields[i]);
		k->at += n;
	}
	if (kept_length(k) != SIZE_MAX)
		fuzz_fail("record %ld: %zu fields after writing, more before", r, rec->count);
}

/* One record's own promises, whatever its status. */
static void check_record(const struct csv_reader *r, enum csv_status st,
			 const struct csv_record *rec, long *last_line)
{
	if (rec->count == 0)
		fuzz_fail("a record with no fields");
	if (rec->line < *last_line)
		fuzz_fail("record at line %ld after one at line %ld", rec->line, *last_line);
	*last_line = rec->line;
	if (st == CSV_MALFORMED && !*csv_reader_error(r))
		fuzz_fail("a malformed record without a reason");
}

/* stdio's buffers for the streams over memory, kept for the whole run:
 * a fresh one an input (and open_memstream's) was most of the harness's
 * time under AddressSanitizer. */
static char in_buf[BUFSIZ], out_buf[BUFSIZ];

/* An input of n bytes writes at most 3n + 2 back: every byte a quote
 * doubled or a field of its own, each field quoted, CRLF for a line end. */
static char *written;
static size_t written_cap;

static FILE *open_written(size_t size)
{
	FILE *fp;

	if (3 * size + 16 > written_cap) {
		written_cap = 3 * size + 16;
		free(written);
		written = malloc(written_cap);
		if (!written)
			fuzz_fail("out of memory");
	}
	fp = fmemopen(written, written_cap, "w");
	if (!fp || setvbuf(fp, out_buf, _IOFBF, sizeof(out_buf)) != 0)
		fuzz_fail("cannot write to memory");
	return fp;
}

/* Read text (len bytes) to its end.  The first time (out not NULL), keep
 * each record in k and write it to out; the second, compare each with k,
 * and none may be malformed now. */
static void read_all(const char *text, size_t len, struct kept *k, FILE *out)
{
	/* POSIX lets fmemopen refuse 0 bytes; /dev/null reads as nothing. */
	FILE *fp = len ? fmemopen((void *)text, len, "r") : fopen("/dev/null", "r");
	struct csv_reader *r;
	struct csv_record rec;
	enum csv_status st;
	long last_line = 1, n = 0;

	if (!fp || setvbuf(fp, in_buf, _IOFBF, sizeof(in_buf)) != 0)
		fuzz_fail("cannot read from memory");
	r = csv_reader_new(fp);
	while ((st = csv_read(r, &rec)) == CSV_RECORD || st == CSV_MALFORMED) {
		check_record(r, st, &rec, &last_line);
		n++;
		if (out) {
			kept_record(k, &rec);
			csv_write_record(out, (const char *const *)rec.fields, rec.count);
		} else if (st == CSV_MALFORMED) {
			fuzz_fail("record %ld, as written, reads back malformed: %s", n,
				  csv_reader_error(r));
		} else {
			kept_compare(k, &rec, n);
		}
	}
	if (st != CSV_END)
		fuzz_fail("an I/O error reading memory");
	if (csv_read(r, &rec) != CSV_END)
		fuzz_fail("the reader's end changed on a second look");
	if (!out && k->at != k->len)
		fuzz_fail("%ld records read back, more read at first", n);
	csv_reader_free(&r);
	fclose(fp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kept k = { 0 };
	FILE *out = open_written(size);
	long len;

	read_all((const char *)data, size, &k, out);
	len = ftell(out);
	if (fclose(out) != 0 || len < 0 || (size_t)len >= written_cap)
		fuzz_fail("%ld bytes written for %zu read: more than the 3n + 2 expected", len,
			  size);
	if (size <= ROUND_TRIP_MAX)
		read_all(written, (size_t)len, &k, NULL);
	free(k.text);
	return 0;
}
