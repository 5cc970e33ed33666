/* caredesk import referrals FILE.csv: unattended intake.
 *
 * The header names the columns (any order; unknown ones are warned about
 * and ignored).  Every record is validated by the same functions the desk
 * uses; valid records commit together in one transaction, each in its own
 * savepoint so a bad one leaves no trace.  Each rejected record is reported
 * as FILE:LINE: field: reason (LINE is where the record starts) and copied,
 * re-quoted, with an `error` column, to FILE.rejects.csv.  A probable
 * duplicate person never blocks: an NHS number match attaches the referral,
 * a phonetic match creates the person flagged "possible duplicate". */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "caredesk/actions.h"
#include "caredesk/codes.h"
#include "caredesk/csv.h"
#include "cli/commands.h"

enum column {
	COL_RECEIVED_AT, COL_NHS_NUMBER, COL_FAMILY_NAME, COL_GIVEN_NAME, COL_DATE_OF_BIRTH,
	COL_POSTCODE, COL_SOURCE, COL_CATEGORY, COL_SAFEGUARDING, COL_REASON, COL_LOCALITY,
	COL_ADDRESS, COL_COUNT
};

static const struct {
	const char *name;
	int required;
} columns[COL_COUNT] = {
	[COL_RECEIVED_AT] = { "received_at", 1 },
	[COL_NHS_NUMBER] = { "nhs_number", 0 },
	[COL_FAMILY_NAME] = { "family_name", 1 },
	[COL_GIVEN_NAME] = { "given_name", 1 },
	[COL_DATE_OF_BIRTH] = { "date_of_birth", 1 },
	[COL_POSTCODE] = { "postcode", 0 },
	[COL_SOURCE] = { "source", 1 },
	[COL_CATEGORY] = { "category", 1 },
	[COL_SAFEGUARDING] = { "safeguarding", 0 },
	[COL_REASON] = { "reason", 0 },
	[COL_LOCALITY] = { "locality", 0 },
	[COL_ADDRESS] = { "address", 0 },
};

struct import {
	const char *path;
	struct replica *r;
	struct csv_reader *reader;
	int index[COL_COUNT];		/* header position of each column, -1 if absent */
	char **header;			/* owned copy of the header fields */
	size_t header_count;
	FILE *rejects;			/* opened on the first reject */
	char rejects_path[4096];
	long imported, rejected, duplicates;
};

static int header_match(const char *field, enum column *out)
{
	char a[64], b[64];

	if (code_normalise(field, a, sizeof(a)))
		return -1;
	for (int i = 0; i < COL_COUNT; i++) {
		code_normalise(columns[i].name, b, sizeof(b));
		if (strcmp(a, b) == 0) {
			*out = (enum column)i;
			return 0;
		}
	}
	return -1;
}

static int read_header(struct import *im, struct cd_error *err)
{
	struct csv_record rec;
	enum csv_status s = csv_read(im->reader, &rec);

	cd_error_at(err, im->path, 1);
	if (s == CSV_END)
		return cd_error_set(err, CD_EX_DATAERR, "header", "empty file: no header row");
	if (s != CSV_RECORD)
		return cd_error_set(err, CD_EX_DATAERR, "header", "unreadable header row");
	for (int i = 0; i < COL_COUNT; i++)
		im->index[i] = -1;
	im->header = cd_calloc(rec.count, sizeof(*im->header));
	im->header_count = rec.count;
	for (size_t i = 0; i < rec.count; i++) {
		enum column c;

		im->header[i] = cd_strdup(rec.fields[i]);
		if (header_match(rec.fields[i], &c)) {
			app_message(stderr, "caredesk: %s:1: warning: unknown column '%s' ignored",
				    im->path, rec.fields[i]);
			continue;
		}
		if (im->index[c] >= 0)
			return cd_error_set(err, CD_EX_DATAERR, columns[c].name, "column given twice");
		im->index[c] = (int)i;
	}
	for (int i = 0; i < COL_COUNT; i++)
		if (columns[i].required && im->index[i] < 0)
			return cd_error_set(err, CD_EX_DATAERR, columns[i].name,
					    "required column missing from the header");
	return 0;
}

static const char *field(const struct import *im, const struct csv_record *rec, enum column c)
{
	int i = im->index[c];

	return i >= 0 && (size_t)i < rec->count ? rec->fields[i] : NULL;
}

static int parse_yes_no(const char *s, bool *out)
{
	if (!s || !*s || strcasecmp(s, "no") == 0 || strcasecmp(s, "n") == 0) {
		*out = false;
		return 0;
	}
	if (strcasecmp(s, "yes") == 0 || strcasecmp(s, "y") == 0) {
		*out = true;
		return 0;
	}
	return -1;
}

/* The rejects file sits beside the input, or in the current directory when
 * that one is not writable. */
static int open_rejects(struct import *im)
{
	snprintf(im->rejects_path, sizeof(im->rejects_path), "%s.rejects.csv", im->path);
	im->rejects = fopen(im->rejects_path, "w");
	if (!im->rejects) {
		char copy[4096];

		snprintf(copy, sizeof(copy), "%s", im->path);
		snprintf(im->rejects_path, sizeof(im->rejects_path), "%s.rejects.csv", basename(copy));
		im->rejects = fopen(im->rejects_path, "w");
	}
	if (!im->rejects) {
		fprintf(stderr, "caredesk: cannot write %s: %s\n", im->rejects_path, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < im->header_count; i++) {
		csv_write_field(im->rejects, im->header[i]);
		fputc(',', im->rejects);
	}
	fputs("error\r\n", im->rejects);
	return 0;
}

/* The error column's text: the reason, then any fields beyond the header's
 * count, so the file stays rectangular and nothing the sender wrote is
 * lost. */
static char *reject_reason(const struct import *im, const struct csv_record *rec,
			   const struct cd_error *err)
{
	size_t size = strlen(err->field) + strlen(err->msg) + 32;
	char *s;

	for (size_t i = im->header_count; i < rec->count; i++)
		size += strlen(rec->fields[i]) + 4;
	s = cd_malloc(size);
	snprintf(s, size, "%s%s%s", err->field, err->field[0] ? ": " : "", err->msg);
	for (size_t i = im->header_count; i < rec->count; i++) {
		strcat(s, i == im->header_count ? " (extra fields: " : ", ");
		strcat(s, rec->fields[i]);
	}
	if (rec->count > im->header_count)
		strcat(s, ")");
	return s;
}

static void reject(struct import *im, const struct csv_record *rec, const struct cd_error *err)
{
	char msg[1024];
	char *reason;

	/* FILE:LINE: field: reason, as compilers do, so editors can jump to it. */
	cd_error_format(err, msg, sizeof(msg));
	app_message(stderr, "%s", msg);
	im->rejected++;
	if (!im->rejects && open_rejects(im))
		return;
	for (size_t i = 0; i < im->header_count; i++) {
		csv_write_field(im->rejects, i < rec->count ? rec->fields[i] : "");
		fputc(',', im->rejects);
	}
	reason = reject_reason(im, rec, err);
	csv_write_field(im->rejects, reason);
	free(reason);
	fputs("\r\n", im->rejects);
}

/* *flagged says whether a possible-duplicate flag was written; it counts
 * only once the record's savepoint commits (a rejected row keeps no flag). */
static int person_for(struct import *im, const struct person_input *p, char id[UUID_STR_LEN],
		      bool *flagged, struct cd_error *err)
{
	char match[UUID_STR_LEN], detail[128];

	switch (person_find_match(im->r, p, match)) {
	case PERSON_MATCH_EXACT:
		memcpy(id, match, UUID_STR_LEN);
		return 0;
	case PERSON_MATCH_PROBABLE:
		if (person_create(im->r, p, id, err))
			return -1;
		snprintf(detail, sizeof(detail), "possible duplicate of person %s", match);
		*flagged = true;
		return person_flag(im->r, id, "possible-duplicate", detail, err);
	case PERSON_MATCH_NONE:
		break;
	}
	return person_create(im->r, p, id, err);
}

static int import_record(struct import *im, const struct csv_record *rec, struct cd_error *err)
{
	struct person_input p = {
		.nhs_number = field(im, rec, COL_NHS_NUMBER),
		.family_name = field(im, rec, COL_FAMILY_NAME),
		.given_name = field(im, rec, COL_GIVEN_NAME),
		.date_of_birth = field(im, rec, COL_DATE_OF_BIRTH),
		.postcode = field(im, rec, COL_POSTCODE),
		.address = field(im, rec, COL_ADDRESS),
		.locality = field(im, rec, COL_LOCALITY),
	};
	struct referral_input f = {
		.received_at = field(im, rec, COL_RECEIVED_AT),
		.source = field(im, rec, COL_SOURCE),
		.category = field(im, rec, COL_CATEGORY),
		.reason = field(im, rec, COL_REASON),
	};
	char person_id[UUID_STR_LEN];
	bool flagged = false;

	if (rec->count != im->header_count)
		return cd_error_set(err, CD_EX_DATAERR, "record", "has %zu fields; the header has %zu",
				    rec->count, im->header_count);
	if (parse_yes_no(field(im, rec, COL_SAFEGUARDING), &f.safeguarding))
		return cd_error_set(err, CD_EX_DATAERR, "safeguarding", "'%s' is not yes or no",
				    field(im, rec, COL_SAFEGUARDING));
	if (txn_begin(im->r, "import.record", err))
		return -1;
	f.person_id = person_id;
	if (person_for(im, &p, person_id, &flagged, err) ||
	    referral_receive(im->r, &f, NULL, err)) {
		txn_rollback(im->r);
		return -1;
	}
	if (txn_commit(im->r, err))
		return -1;
	im->duplicates += flagged;
	return 0;
}

static int import_records(struct import *im, struct cd_error *fatal)
{
	struct csv_record rec;
	enum csv_status s;
	struct cd_error err;

	while ((s = csv_read(im->reader, &rec)) != CSV_END) {
		cd_error_clear(&err);
		if (s == CSV_IO_ERROR) {
			cd_error_set(fatal, CD_EX_IOERR, NULL, "read error: %s", strerror(errno));
			cd_error_at(fatal, im->path, rec.line);
			return -1;
		}
		if (s == CSV_MALFORMED) {
			cd_error_set(&err, CD_EX_DATAERR, "record", "%s", csv_reader_error(im->reader));
		} else if (rec.count == 1 && rec.fields[0][0] == '\0') {
			continue;	/* a blank line is not a record anyone meant */
		} else if (import_record(im, &rec, &err) == 0) {
			im->imported++;
			continue;
		}
		/* Only bad data is the record's own fault; a busy replica, a full
		 * disk or a refusal would meet every record after it too, so the
		 * import stops and stores nothing. */
		if (err.code != CD_EX_DATAERR) {
			cd_error_at(&err, im->path, rec.line);
			*fatal = err;
			snprintf(fatal->msg, sizeof(fatal->msg), "%.440s; the import stopped there "
				 "and stored nothing", err.msg);
			return -1;
		}
		cd_error_at(&err, im->path, rec.line);
		reject(im, &rec, &err);
	}
	return 0;
}

static int run_import(struct app *app, const char *path)
{
	struct import im = { .path = path };
	struct cd_error err;
	FILE *fp;
	int rc;

	cd_error_clear(&err);
	fp = fopen(path, "r");
	if (!fp) {
		fprintf(stderr, "caredesk: cannot read %s: %s\n", path, strerror(errno));
		return CD_EX_NOINPUT;
	}
	rc = app_open(app, &im.r);
	if (rc) {
		fclose(fp);
		return rc;
	}
	im.reader = csv_reader_new(fp);
	csv_reader_limits(im.reader, app->cfg.import_field_bytes, app->cfg.import_field_lines);
	if (replica_begin_intake(im.r, &err) || read_header(&im, &err) ||
	    txn_begin(im.r, "import", &err) ||
	    import_records(&im, &err) ||
	    audit_append(im.r, "import", "referral", "", path, &err) || txn_commit(im.r, &err)) {
		txn_rollback(im.r);
		rc = app_fail(&err);
		im.imported = 0;
	}
	if (im.rejects && fclose(im.rejects) != 0)
		fprintf(stderr, "caredesk: writing %s failed: %s\n", im.rejects_path, strerror(errno));
	if (rc == 0) {
		printf("caredesk: %s: %ld referral%s imported, %ld rejected", path, im.imported,
		       im.imported == 1 ? "" : "s", im.rejected);
		if (im.duplicates)
			printf(", %ld possible duplicate%s flagged", im.duplicates,
			       im.duplicates == 1 ? "" : "s");
		if (im.rejected)
			printf(" (see %s)", im.rejects_path);
		putchar('\n');
		if (im.rejected)
			rc = CD_EX_DATAERR;
	}
	for (size_t i = 0; i < im.header_count; i++)
		free(im.header[i]);
	free(im.header);
	csv_reader_free(&im.reader);
	fclose(fp);
	replica_close(&im.r);
	return rc;
}

static int run(struct app *app, const struct args *a)
{
	return run_import(app, a->operand[0]);
}

static const struct verb_spec verbs[] = {
	{ "referrals", "FILE.csv", 1, NULL, "referrals from an RFC 4180 CSV file", run },
};

const struct command_spec cmd_import_spec = {
	"import", "import referrals from RFC 4180 CSV", verbs, 1,
	"  Columns (by header name, any order): received_at, nhs_number (optional),\n"
	"  family_name, given_name, date_of_birth, postcode, source, category,\n"
	"  safeguarding (yes/no), reason, locality (optional).  Rejected records go to\n"
	"  FILE.csv.rejects.csv; the exit status is 65 if any record was rejected.\n",
};
