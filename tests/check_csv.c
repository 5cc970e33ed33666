/* Unit tests for the RFC 4180 reader and writer.
 *
 * The line numbers matter as much as the fields: an import reports
 * "FILE:LINE", so every table row states the physical line each record
 * starts on, including records after quoted newlines and after malformed
 * records the reader had to skip past. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/csv.h"
#include "caredesk/error.h"

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))
#define BYTES(s)	s, sizeof(s) - 1
#define MAX_FIELDS	4
#define MAX_RECORDS	8
#define MIB		(1024 * 1024)

struct csv_expect {
	enum csv_status status;
	long line;
	size_t count;
	const char *fields[MAX_FIELDS];
	const char *error;	/* expected csv_reader_error for CSV_MALFORMED */
};

/* A table row: input and every csv_read result up to and including CSV_END. */
struct csv_case {
	const char *name;
	const char *input;
	size_t len;
	struct csv_expect want[MAX_RECORDS];
};

#define REC(line, n, ...)	{ CSV_RECORD, line, n, { __VA_ARGS__ }, NULL }
#define BAD(line, why, n, ...)	{ CSV_MALFORMED, line, n, { __VA_ARGS__ }, why }
#define END			{ CSV_END, 0, 0, { NULL }, NULL }

#define E_QUOTE		"quote inside an unquoted field"
#define E_AFTER		"characters after a closing quote"
#define E_OPEN		"quoted field not closed at end of file"
#define E_NUL		"NUL byte in field"

static const struct csv_case read_cases[] = {
	{ "simple", BYTES("a,b,c\n1,2,3\n"),
	  { REC(1, 3, "a", "b", "c"), REC(2, 3, "1", "2", "3"), END } },
	{ "no final newline", BYTES("a,b\nc,d"),
	  { REC(1, 2, "a", "b"), REC(2, 2, "c", "d"), END } },
	{ "CRLF", BYTES("a,b\r\nc,d\r\n"),
	  { REC(1, 2, "a", "b"), REC(2, 2, "c", "d"), END } },
	{ "empty input", BYTES(""), { END } },
	{ "byte-order mark", BYTES("\xEF\xBB\xBFname,x\n"),
	  { REC(1, 2, "name", "x"), END } },
	{ "byte-order mark only", BYTES("\xEF\xBB\xBF"), { END } },
	{ "mark later is data", BYTES("a\n\xEF\xBB\xBF" "b\n"),
	  { REC(1, 1, "a"), REC(2, 1, "\xEF\xBB\xBF" "b"), END } },
	{ "partial mark is data", BYTES("\xEF\xBBx\n"),
	  { REC(1, 1, "\xEF\xBBx"), END } },
	{ "quoted comma and quote", BYTES("\"a,b\",\"c\"\"d\"\n"),
	  { REC(1, 2, "a,b", "c\"d"), END } },
	{ "quoted at end of input", BYTES("\"abc\""), { REC(1, 1, "abc"), END } },
	{ "empty quoted", BYTES("\"\",x,\"\"\"\"\n"),
	  { REC(1, 3, "", "x", "\""), END } },
	{ "quoted newline", BYTES("id,note\n1,\"line one\nline two\"\n2,x\n"),
	  { REC(1, 2, "id", "note"), REC(2, 2, "1", "line one\nline two"),
	    REC(4, 2, "2", "x"), END } },
	{ "quoted CRLF kept", BYTES("1,\"a\r\nb\r\n\"\r\n2,c\r\n"),
	  { REC(1, 2, "1", "a\r\nb\r\n"), REC(4, 2, "2", "c"), END } },
	{ "blank lines", BYTES("a\n\nb\n\n"),
	  { REC(1, 1, "a"), REC(2, 1, ""), REC(3, 1, "b"), REC(4, 1, ""), END } },
	{ "blank CRLF line", BYTES("\r\n"), { REC(1, 1, ""), END } },
	/* blank lines read as one empty field (the importer skips those), with
	 * the physical line of every later record still right */
	{ "CRLF blank lines between records", BYTES("h,i\r\n\r\n\r\na,b\r\n\r\nc,d\r\n\r\n"),
	  { REC(1, 2, "h", "i"), REC(2, 1, ""), REC(3, 1, ""), REC(4, 2, "a", "b"),
	    REC(5, 1, ""), REC(6, 2, "c", "d"), REC(7, 1, ""), END } },
	{ "blank lines after a multi-line record", BYTES("\"x\ny\"\n\n\r\nz\n"),
	  { REC(1, 1, "x\ny"), REC(3, 1, ""), REC(4, 1, ""), REC(5, 1, "z"), END } },
	{ "blank line at the very end, no line end", BYTES("a\n\n"),
	  { REC(1, 1, "a"), REC(2, 1, ""), END } },
	{ "trailing comma", BYTES("a,\n,\n"),
	  { REC(1, 2, "a", ""), REC(2, 2, "", ""), END } },
	{ "lone CR is data", BYTES("a\rb,c\n"), { REC(1, 2, "a\rb", "c"), END } },
	{ "CR at end of input", BYTES("a,b\r"), { REC(1, 2, "a", "b"), END } },
	{ "control bytes are data", BYTES("\x1b[31m,\t\n"),
	  { REC(1, 2, "\x1b[31m", "\t"), END } },
	{ "quote in unquoted field", BYTES("1,ab\"c,d\n2,e\n"),
	  { BAD(1, E_QUOTE, 2, "1", "ab\"c,d"), REC(2, 2, "2", "e"), END } },
	{ "space before quote", BYTES(" \"a\",b\nc\n"),
	  { BAD(1, E_QUOTE, 1, " \"a\",b"), REC(2, 1, "c"), END } },
	{ "quote in last line", BYTES("a\"b"), { BAD(1, E_QUOTE, 1, "a\"b"), END } },
	{ "quote then CRLF", BYTES("a\"b\r\nc\r\n"),
	  { BAD(1, E_QUOTE, 1, "a\"b"), REC(2, 1, "c"), END } },
	{ "text after closing quote", BYTES("\"ab\"c,d\ne,f\n"),
	  { BAD(1, E_AFTER, 1, "\"ab\"c,d"), REC(2, 2, "e", "f"), END } },
	{ "space after closing quote", BYTES("x,\"a\" ,b\ny\n"),
	  { BAD(1, E_AFTER, 2, "x", "\"a\" ,b"), REC(2, 1, "y"), END } },
	{ "doubled quotes kept raw", BYTES("\"a\"\"b\"x\nz\n"),
	  { BAD(1, E_AFTER, 1, "\"a\"\"b\"x"), REC(2, 1, "z"), END } },
	{ "after quote across lines", BYTES("x\n1,\"a\nb\"c,d\n2,e\n"),
	  { REC(1, 1, "x"), BAD(2, E_AFTER, 2, "1", "\"a\nb\"c,d"), REC(4, 2, "2", "e"),
	    END } },
	{ "CR after closing quote", BYTES("\"a\"\rb\nc\n"),
	  { BAD(1, E_AFTER, 1, "\"a\"\rb"), REC(2, 1, "c"), END } },
	/* Issue 15: the lines after an unterminated quote's own are read again. */
	{ "unterminated quote", BYTES("a,b\n1,\"open\nmore\n"),
	  { REC(1, 2, "a", "b"),
	    BAD(2, "unterminated quote starting at line 2: it ran 2 lines to the end of the file; "
		"reading resumes at line 3", 2, "1", "\"open"),
	    REC(3, 1, "more"), END } },
	{ "unterminated quote, CRLF, no last line end", BYTES("1,\"open\r\nx,y\r\nz"),
	  { BAD(1, "unterminated quote starting at line 1: it ran 3 lines to the end of the file; "
		"reading resumes at line 2", 2, "1", "\"open"),
	    REC(2, 2, "x", "y"), REC(3, 1, "z"), END } },
	{ "unterminated quote after a quoted field's lines",
	  BYTES("\"a\nb\",\"c\nd\n"),
	  { BAD(1, "unterminated quote starting at line 2: it ran 2 lines to the end of the file; "
		"reading resumes at line 3", 2, "a\nb", "\"c"),
	    REC(3, 1, "d"), END } },
	{ "unterminated empty quote", BYTES("\""), { BAD(1, E_OPEN, 1, "\""), END } },
	{ "NUL unquoted", BYTES("a,b\0c,d\ne,f\n"),
	  { BAD(1, E_NUL, 2, "a", "bc,d"), REC(2, 2, "e", "f"), END } },
	{ "NUL quoted", BYTES("\"a\0b\"\nc\n"),
	  { BAD(1, E_NUL, 1, "\"ab\""), REC(2, 1, "c"), END } },
	{ "malformed then blank", BYTES("a\"\n\nb\n"),
	  { BAD(1, E_QUOTE, 1, "a\""), REC(2, 1, ""), REC(3, 1, "b"), END } },
};

static FILE *open_bytes(const char *bytes, size_t len)
{
	FILE *fp;

	/* fmemopen refuses a zero-length buffer on some C libraries */
	if (len == 0)
		return fopen("/dev/null", "r");
	fp = fmemopen((void *)bytes, len, "r");
	ck_assert_ptr_nonnull(fp);
	return fp;
}

static void check_result(const char *name, size_t k, const struct csv_expect *want,
			 enum csv_status got, const struct csv_record *rec,
			 const struct csv_reader *r)
{
	size_t i;

	ck_assert_msg(got == want->status, "%s #%zu: status %d, want %d",
		      name, k, got, want->status);
	if (got == CSV_END)
		return;
	ck_assert_msg(rec->line == want->line, "%s #%zu: line %ld, want %ld",
		      name, k, rec->line, want->line);
	ck_assert_msg(rec->count == want->count, "%s #%zu: %zu fields, want %zu",
		      name, k, rec->count, want->count);
	for (i = 0; i < want->count; i++)
		ck_assert_msg(strcmp(rec->fields[i], want->fields[i]) == 0,
			      "%s #%zu: field %zu is \"%s\", want \"%s\"",
			      name, k, i, rec->fields[i], want->fields[i]);
	if (got == CSV_MALFORMED)
		ck_assert_str_eq(csv_reader_error(r), want->error);
}

START_TEST(test_read)
{
	const struct csv_case *t = &read_cases[_i];
	FILE *fp = open_bytes(t->input, t->len);
	struct csv_reader *r = csv_reader_new(fp);
	struct csv_record rec;
	size_t k;

	for (k = 0; k < MAX_RECORDS; k++) {
		enum csv_status got = csv_read(r, &rec);

		check_result(t->name, k, &t->want[k], got, &rec, r);
		if (got == CSV_END)
			break;
	}
	ck_assert_msg(k < MAX_RECORDS, "%s: table row has no END", t->name);
	/* the end stays the end */
	ck_assert_int_eq(csv_read(r, &rec), CSV_END);
	csv_reader_free(&r);
	ck_assert_ptr_null(r);
	fclose(fp);
}
END_TEST

/* Read a whole buffer built at run time (too big for a table row). */
static struct csv_reader *reader_for(char *buf, size_t len, FILE **fp)
{
	*fp = fmemopen(buf, len, "r");
	ck_assert_ptr_nonnull(*fp);
	return csv_reader_new(*fp);
}

START_TEST(test_record_cap)
{
	size_t big = MIB + 100;
	const char *tail = "\nnext,1\n";
	char *buf = cd_malloc(big + strlen(tail) + 3);
	struct csv_record rec;
	struct csv_reader *r;
	FILE *fp;

	buf[0] = 'a';
	buf[1] = ',';
	memset(buf + 2, 'x', big);
	memcpy(buf + 2 + big, tail, strlen(tail) + 1);
	r = reader_for(buf, strlen(buf), &fp);

	ck_assert_int_eq(csv_read(r, &rec), CSV_MALFORMED);
	ck_assert_str_eq(csv_reader_error(r), "record longer than 1 MiB");
	ck_assert_int_eq(rec.line, 1);
	ck_assert_uint_eq(rec.count, 2);
	ck_assert_str_eq(rec.fields[0], "a");
	ck_assert_uint_le(strlen(rec.fields[1]), MIB);
	ck_assert_int_eq(csv_read(r, &rec), CSV_RECORD);
	ck_assert_int_eq(rec.line, 2);
	ck_assert_str_eq(rec.fields[0], "next");
	ck_assert_int_eq(csv_read(r, &rec), CSV_END);
	csv_reader_free(&r);
	fclose(fp);
	free(buf);
}
END_TEST

/* A runaway quote (issue 15: one stray quote made one reject of a
 * 21,800-line file) costs its own record: cut at the field's line limit,
 * every line after the quote's own is read again as a record. */
START_TEST(test_runaway_quote_read_again)
{
	size_t lines = MIB / 10 + 10;
	char *buf = cd_malloc(lines * 10 + 16);
	struct csv_record rec;
	struct csv_reader *r;
	enum csv_status st;
	size_t i;
	FILE *fp;
	long last = 1;

	strcpy(buf, "\"");
	for (i = 0; i < lines; i++)
		strcat(buf + i * 10, "123456789\n");
	r = reader_for(buf, strlen(buf), &fp);
	ck_assert_int_eq(csv_read(r, &rec), CSV_MALFORMED);
	ck_assert_str_eq(csv_reader_error(r), "unterminated quote starting at line 1: not closed "
			 "within 100 lines; reading resumes at line 2");
	ck_assert_int_eq(rec.line, 1);
	ck_assert_uint_eq(rec.count, 1);
	ck_assert_str_eq(rec.fields[0], "\"123456789");
	while ((st = csv_read(r, &rec)) == CSV_RECORD) {
		ck_assert_int_eq(rec.line, last + 1);
		ck_assert_uint_eq(rec.count, 1);
		ck_assert_str_eq(rec.fields[0], "123456789");
		last = rec.line;
	}
	ck_assert_int_eq(st, CSV_END);
	ck_assert_int_eq(last, (long)lines);
	csv_reader_free(&r);
	fclose(fp);
	free(buf);
}
END_TEST

/* The limits are the caller's (the import settings): a quote may span
 * exactly field_lines lines; one more is a runaway.  Over field_bytes on
 * its first line, the line is the reject and the next is read. */
START_TEST(test_quote_limits)
{
	static char three[] = "\"1\n2\n3\",x\nnext\n";
	static char four[] = "\"1\n2\n3\n4\",x\nnext\n";
	struct csv_record rec;
	struct csv_reader *r;
	FILE *fp;
	char *wide = cd_malloc(280);

	r = reader_for(three, sizeof(three) - 1, &fp);
	csv_reader_limits(r, 0, 3);
	ck_assert_int_eq(csv_read(r, &rec), CSV_RECORD);
	ck_assert_str_eq(rec.fields[0], "1\n2\n3");
	ck_assert_int_eq(csv_read(r, &rec), CSV_RECORD);
	ck_assert_int_eq(rec.line, 4);
	csv_reader_free(&r);
	fclose(fp);

	r = reader_for(four, sizeof(four) - 1, &fp);
	csv_reader_limits(r, 0, 3);
	ck_assert_int_eq(csv_read(r, &rec), CSV_MALFORMED);
	ck_assert_str_eq(csv_reader_error(r), "unterminated quote starting at line 1: not closed "
			 "within 3 lines; reading resumes at line 2");
	ck_assert_str_eq(rec.fields[0], "\"1");
	ck_assert_int_eq(csv_read(r, &rec), CSV_RECORD);
	ck_assert_int_eq(rec.line, 2);
	ck_assert_str_eq(rec.fields[0], "2");
	ck_assert_int_eq(csv_read(r, &rec), CSV_RECORD);
	ck_assert_int_eq(csv_read(r, &rec), CSV_MALFORMED);	/* 4",x: after a quote */
	ck_assert_int_eq(rec.line, 4);
	ck_assert_int_eq(csv_read(r, &rec), CSV_RECORD);
	ck_assert_int_eq(rec.line, 5);
	ck_assert_str_eq(rec.fields[0], "next");
	ck_assert_int_eq(csv_read(r, &rec), CSV_END);
	csv_reader_free(&r);
	fclose(fp);

	/* 100 bytes allowed: a quoted field of 150 on one line, then one of
	 * 124 over two lines. */
	memset(wide, 'w', 150);
	wide[0] = '"';
	memcpy(wide + 150, "\nok\n\"ab\n", 8);
	memset(wide + 158, 'v', 120);
	memcpy(wide + 278, "\n", 2);
	r = reader_for(wide, strlen(wide), &fp);
	csv_reader_limits(r, 100, 0);
	ck_assert_int_eq(csv_read(r, &rec), CSV_MALFORMED);
	ck_assert_str_eq(csv_reader_error(r),
			 "quoted field longer than 100 bytes, starting at line 1");
	ck_assert_int_eq(csv_read(r, &rec), CSV_RECORD);
	ck_assert_int_eq(rec.line, 2);
	ck_assert_str_eq(rec.fields[0], "ok");
	ck_assert_int_eq(csv_read(r, &rec), CSV_MALFORMED);
	ck_assert_int_eq(rec.line, 3);
	ck_assert_str_eq(csv_reader_error(r), "unterminated quote starting at line 3: not closed "
			 "within 100 bytes (2 lines); reading resumes at line 4");
	ck_assert_str_eq(rec.fields[0], "\"ab");
	ck_assert_int_eq(csv_read(r, &rec), CSV_RECORD);
	ck_assert_int_eq(rec.line, 4);
	ck_assert_uint_eq(strlen(rec.fields[0]), 120);
	ck_assert_int_eq(csv_read(r, &rec), CSV_END);
	csv_reader_free(&r);
	fclose(fp);
	free(wide);
}
END_TEST

START_TEST(test_record_under_cap)
{
	size_t n = MIB - 16;
	char *buf = cd_malloc(n + 8);
	struct csv_record rec;
	struct csv_reader *r;
	FILE *fp;

	buf[0] = '"';
	memset(buf + 1, 'y', n);
	memcpy(buf + 1 + n, "\"\r\nz", 5);
	r = reader_for(buf, strlen(buf), &fp);
	csv_reader_limits(r, MIB, 0);
	ck_assert_int_eq(csv_read(r, &rec), CSV_RECORD);
	ck_assert_uint_eq(strlen(rec.fields[0]), n);
	ck_assert_int_eq(csv_read(r, &rec), CSV_RECORD);
	ck_assert_int_eq(rec.line, 2);
	ck_assert_str_eq(rec.fields[0], "z");
	ck_assert_int_eq(csv_read(r, &rec), CSV_END);
	csv_reader_free(&r);
	fclose(fp);
	free(buf);
}
END_TEST

START_TEST(test_many_fields)
{
	size_t n = 5000;
	char *buf = cd_malloc(n * 6 + 2);
	struct csv_record rec;
	struct csv_reader *r;
	size_t i, len = 0;
	FILE *fp;

	for (i = 0; i < n; i++)
		len += (size_t)sprintf(buf + len, "%s%zu", i ? "," : "", i % 1000);
	buf[len++] = '\n';
	buf[len] = '\0';
	r = reader_for(buf, len, &fp);
	ck_assert_int_eq(csv_read(r, &rec), CSV_RECORD);
	ck_assert_uint_eq(rec.count, n);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(atoi(rec.fields[i]), (int)(i % 1000));
	csv_reader_free(&r);
	fclose(fp);
	free(buf);
}
END_TEST

START_TEST(test_io_error)
{
	/* reading a write-only stream fails with EBADF */
	FILE *fp = fopen("/dev/null", "w");
	struct csv_reader *r;
	struct csv_record rec;

	ck_assert_ptr_nonnull(fp);
	r = csv_reader_new(fp);
	errno = 0;
	ck_assert_int_eq(csv_read(r, &rec), CSV_IO_ERROR);
	ck_assert_int_ne(errno, 0);
	csv_reader_free(&r);
	csv_reader_free(&r);	/* freeing twice through the cleared pointer is harmless */
	fclose(fp);
}
END_TEST

struct write_case {
	const char *fields[MAX_FIELDS];
	size_t n;
	const char *want;
};

static const struct write_case write_cases[] = {
	{ { "a", "b" }, 2, "a,b\r\n" },
	{ { "a,b" }, 1, "\"a,b\"\r\n" },
	{ { "say \"hi\"" }, 1, "\"say \"\"hi\"\"\"\r\n" },
	{ { " lead", "trail " }, 2, "\" lead\",\"trail \"\r\n" },
	{ { "in side" }, 1, "in side\r\n" },
	{ { "line\nbreak" }, 1, "\"line\nbreak\"\r\n" },
	{ { "cr\rx" }, 1, "\"cr\rx\"\r\n" },
	{ { "" }, 1, "\r\n" },
	{ { "", "" }, 2, ",\r\n" },
	{ { NULL, "x" }, 2, ",x\r\n" },
	{ { "\xEF\xBB\xBFid" }, 1, "\"\xEF\xBB\xBFid\"\r\n" },
	{ { "Zo\u00eb", "\x1b[2J" }, 2, "Zo\u00eb,\x1b[2J\r\n" },
};

START_TEST(test_write)
{
	const struct write_case *t = &write_cases[_i];
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);

	ck_assert_ptr_nonnull(fp);
	csv_write_record(fp, t->fields, t->n);
	fclose(fp);
	ck_assert_str_eq(out, t->want);
	free(out);
}
END_TEST

/* Awkward records; each must read back exactly as written. */
static const struct write_case round_trip_cases[] = {
	{ { "plain", "two words" }, 2, NULL },
	{ { "\"", "\"\"", "a\"b\"" }, 3, NULL },
	{ { ",", ",,", "x,y" }, 3, NULL },
	{ { "multi\nline\r\nnote", "\r", "\n" }, 3, NULL },
	{ { " ", "  padded  ", "\t" }, 3, NULL },
	{ { "", "middle", "" }, 3, NULL },
	{ { "\xEF\xBB\xBF", "bom" }, 2, NULL },
	{ { "\x1b]0;x\x07", "\u202Eevil", "\xff\xfe" }, 3, NULL },
	{ { "\u6F22\u5B57", "e\u0301", "O'Brien-Sm\u00edth" }, 3, NULL },
};

START_TEST(test_round_trip)
{
	const struct write_case *t = &round_trip_cases[_i];
	char *out = NULL;
	size_t len = 0, i;
	FILE *fp = open_memstream(&out, &len);
	struct csv_reader *r;
	struct csv_record rec;
	int k;

	ck_assert_ptr_nonnull(fp);
	/* twice, so the second record's line number is checked too */
	csv_write_record(fp, t->fields, t->n);
	csv_write_record(fp, t->fields, t->n);
	fclose(fp);

	fp = open_bytes(out, len);
	r = csv_reader_new(fp);
	for (k = 0; k < 2; k++) {
		ck_assert_int_eq(csv_read(r, &rec), CSV_RECORD);
		ck_assert_uint_eq(rec.count, t->n);
		for (i = 0; i < t->n; i++)
			ck_assert_msg(strcmp(rec.fields[i], t->fields[i]) == 0,
				      "row %d field %zu: \"%s\" came back as \"%s\"",
				      _i, i, t->fields[i], rec.fields[i]);
	}
	ck_assert_int_eq(csv_read(r, &rec), CSV_END);
	csv_reader_free(&r);
	fclose(fp);
	free(out);
}
END_TEST

static Suite *csv_suite(void)
{
	Suite *s = suite_create("csv");
	TCase *tc = tcase_create("read");

	tcase_add_loop_test(tc, test_read, 0, ARRAY_LEN(read_cases));
	tcase_add_test(tc, test_record_cap);
	tcase_add_test(tc, test_runaway_quote_read_again);
	tcase_add_test(tc, test_quote_limits);
	tcase_add_test(tc, test_record_under_cap);
	tcase_add_test(tc, test_many_fields);
	tcase_add_test(tc, test_io_error);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	tc = tcase_create("write");
	tcase_add_loop_test(tc, test_write, 0, ARRAY_LEN(write_cases));
	tcase_add_loop_test(tc, test_round_trip, 0, ARRAY_LEN(round_trip_cases));
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(csv_suite());
	int failed;

	/* Fork mode unless CK_FORK says otherwise (valgrind runs use no). */
	if (!getenv("CK_FORK"))
		srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
