/* Writing listing rows as a table, CSV or JSON.
 *
 * JSON rows arrive already built by SQLite (one json_object per row, see
 * query.h), so here they are only joined into an array.  Table cells go
 * through the same sanitiser as the desk: a name can never put an escape
 * sequence on a terminal, even from a CLI listing.
 *
 * A listing stops at the first failed step or write and says which: a
 * query error must never look like a short list, nor a full disk like a
 * complete export. */
#include <errno.h>
#include <langinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "caredesk/csv.h"
#include "caredesk/text.h"
#include "cli/commands.h"

#define CELL_MAX 40

static enum text_mode terminal_mode(void)
{
	return strcmp(nl_langinfo(CODESET), "UTF-8") == 0 ? TEXT_MODE_UTF8 : TEXT_MODE_ASCII;
}

void app_message(FILE *fp, const char *fmt, ...)
{
	char raw[4096], shown[4096 * 4];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	text_sanitise(raw, terminal_mode(), 4096, shown, sizeof(shown));
	fprintf(fp, "%s\n", shown);
}

void app_print_field(int width, const char *name, const char *value)
{
	char shown[4096 * 4];

	text_sanitise(value ? value : "", terminal_mode(), 4096, shown, sizeof(shown));
	printf("%-*s %s\n", width, name, shown);
}

/* The next row, or SQLITE_IOERR_WRITE as soon as a write has failed (no
 * point reading a million rows into a full disk), or the step's error. */
static int next_row(FILE *fp, sqlite3_stmt *st)
{
	if (ferror(fp))
		return SQLITE_IOERR_WRITE;
	return sqlite3_step(st);
}

static int write_table(FILE *fp, sqlite3_stmt *st)
{
	enum text_mode mode = terminal_mode();
	int n = sqlite3_column_count(st);
	char cell[CELL_MAX * 4 + 1];
	int rc;

	for (int i = 0; i < n; i++)
		fprintf(fp, "%s%s", i ? "\t" : "", sqlite3_column_name(st, i));
	fputc('\n', fp);
	while ((rc = next_row(fp, st)) == SQLITE_ROW) {
		for (int i = 0; i < n; i++) {
			text_sanitise(column_text(st, i), mode, CELL_MAX, cell, sizeof(cell));
			fprintf(fp, "%s%s", i ? "\t" : "", cell[0] ? cell : "-");
		}
		fputc('\n', fp);
	}
	return rc;
}

static int write_csv(FILE *fp, sqlite3_stmt *st)
{
	int n = sqlite3_column_count(st);
	const char *fields[64];
	int rc;

	if (n > 64)
		n = 64;
	for (int i = 0; i < n; i++)
		fields[i] = sqlite3_column_name(st, i);
	csv_write_record(fp, fields, (size_t)n);
	while ((rc = next_row(fp, st)) == SQLITE_ROW) {
		for (int i = 0; i < n; i++)
			fields[i] = column_text(st, i);
		csv_write_record(fp, fields, (size_t)n);
	}
	return rc;
}

/* The bytes of a C1 control (U+0080..U+009F) or a bidi override or isolate
 * (U+202A..U+202E, U+2066..U+2069) at s, or 0.  JSON may carry them raw,
 * but a file a worker later cats or opens in an editor should not reorder
 * or drive what they see, so they go out as \uXXXX (the data is kept). */
static size_t invisible_at(const unsigned char *s, unsigned *cp)
{
	if (s[0] == 0xC2 && s[1] >= 0x80 && s[1] <= 0x9F) {
		*cp = s[1];
		return 2;
	}
	if (s[0] == 0xE2 && ((s[1] == 0x80 && s[2] >= 0xAA && s[2] <= 0xAE) ||
			     (s[1] == 0x81 && s[2] >= 0xA6 && s[2] <= 0xA9))) {
		*cp = 0x2000u | ((unsigned)(s[1] & 0x3F) << 6) | (s[2] & 0x3Fu);
		return 3;
	}
	return 0;
}

void app_write_json(FILE *fp, const char *json)
{
	const unsigned char *s = (const unsigned char *)json;

	while (*s) {
		unsigned cp;
		size_t n = invisible_at(s, &cp);

		if (n) {
			fprintf(fp, "\\u%04X", cp);
			s += n;
		} else {
			fputc(*s++, fp);
		}
	}
}

static int write_json(FILE *fp, sqlite3_stmt *st)
{
	int rows = 0, rc;

	fputc('[', fp);
	while ((rc = next_row(fp, st)) == SQLITE_ROW) {
		fputs(rows++ ? ",\n" : "\n", fp);
		app_write_json(fp, column_text(st, 0));
	}
	/* A half-written array must not end as valid JSON. */
	if (rc == SQLITE_DONE)
		fputs(rows ? "\n]\n" : "]\n", fp);
	return rc;
}

int write_rows(FILE *fp, sqlite3_stmt *st, enum out_format format, struct cd_error *err)
{
	int rc, e;

	if (format == FORMAT_CSV)
		rc = write_csv(fp, st);
	else if (format == FORMAT_JSON)
		rc = write_json(fp, st);
	else
		rc = write_table(fp, st);
	e = fflush(fp) != 0 ? errno : 0;
	if (rc == SQLITE_IOERR_WRITE || e || ferror(fp))
		return cd_error_set(err, CD_EX_IOERR, NULL, "writing the rows failed: %s",
				    strerror(e ? e : EIO));
	if (rc != SQLITE_DONE)
		return cd_error_set(err, CD_EX_SOFTWARE, NULL, "reading the rows failed: %s",
				    sqlite3_errmsg(sqlite3_db_handle(st)));
	return 0;
}
