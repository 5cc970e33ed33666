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

static int write_json(FILE *fp, sqlite3_stmt *st)
{
	int rows = 0, rc;

	fputc('[', fp);
	while ((rc = next_row(fp, st)) == SQLITE_ROW)
		fprintf(fp, "%s\n%s", rows++ ? "," : "", column_text(st, 0));
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
