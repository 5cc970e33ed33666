/* People: the spine of the record.
 *
 * Creating a person validates the NHS number (Modulus 11) and date of
 * birth through core.  Duplicate checks are the caller's choice:
 * person_find_match reports an exact (same NHS number) or probable (same
 * sounding names, same date of birth or its day and month transposed,
 * postcodes alike) match so the import can attach or flag, and the desk can
 * ask. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "caredesk/actions.h"
#include "caredesk/datetime.h"
#include "caredesk/nhs.h"
#include "caredesk/phonetic.h"
#include "caredesk/text.h"
#include "replica/internal.h"
#include "replica/lookup.h"

#define NAME_MAX_BYTES 200
#define ADDRESS_MAX_BYTES 500
#define POSTCODE_MAX_BYTES 16

static int check_text(const char *field, const char *s, size_t max, int required,
		      struct cd_error *err)
{
	size_t n = s ? strlen(s) : 0;

	if (required && n == 0)
		return cd_error_set(err, CD_EX_DATAERR, field, "required");
	if (n > max)
		return cd_error_set(err, CD_EX_DATAERR, field, "too long (%zu bytes; at most %zu)", n,
				    max);
	if (n && !text_is_valid_utf8(s, n))
		return cd_error_set(err, CD_EX_DATAERR, field, "not valid UTF-8 text");
	return 0;
}

/* Postcodes compare without spaces and case ("sw1a 1aa" is "SW1A1AA"). */
static void postcode_key(const char *in, char out[POSTCODE_MAX_BYTES + 1])
{
	size_t n = 0;

	for (; in && *in && n < POSTCODE_MAX_BYTES; in++)
		if (!isspace((unsigned char)*in))
			out[n++] = (char)toupper((unsigned char)*in);
	out[n] = '\0';
}

static int validate(struct replica *r, const struct person_input *in, char nhs[11],
		    struct cd_error *err)
{
	struct civil_date dob;
	const char *why;

	nhs[0] = '\0';
	if (in->nhs_number && *in->nhs_number && nhs_parse(in->nhs_number, nhs, &why))
		return cd_error_set(err, CD_EX_DATAERR, "nhs_number", "'%s': %s", in->nhs_number, why);
	if (check_text("family_name", in->family_name, NAME_MAX_BYTES, 1, err) ||
	    check_text("given_name", in->given_name, NAME_MAX_BYTES, 1, err) ||
	    check_text("address", in->address, ADDRESS_MAX_BYTES, 0, err) ||
	    check_text("postcode", in->postcode, POSTCODE_MAX_BYTES, 0, err))
		return -1;
	if (!in->date_of_birth || date_parse(in->date_of_birth, &dob))
		return cd_error_set(err, CD_EX_DATAERR, "date_of_birth",
				    "'%s' is not a date (YYYY-MM-DD)",
				    in->date_of_birth ? in->date_of_birth : "");
	if (dob.year < 1900 || date_compare(dob, local_from_instant(replica_now(r)).date) > 0)
		return cd_error_set(err, CD_EX_DATAERR, "date_of_birth",
				    "%s is in the future or before 1900", in->date_of_birth);
	return 0;
}

int person_create(struct replica *r, const struct person_input *in, char id_out[UUID_STR_LEN],
		  struct cd_error *err)
{
	char nhs[11], id[UUID_STR_LEN], now[ISO_INSTANT_LEN];
	const char *locality = in->locality && *in->locality ? in->locality : r->locality;
	sqlite3_stmt *st;

	if (validate(r, in, nhs, err) || require_intake(r, locality, err))
		return -1;
	if (txn_begin(r, "person.create", err))
		return -1;
	id_new(&r->ids, id);
	replica_now_iso(r, now);
	st = replica_stmt(r,
		"INSERT INTO person (id, nhs_number, family_name, given_name, date_of_birth, address, "
		"postcode, restricted, created_at, updated_at, version, locality) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, 1, ?10)");
	bind_text(st, 1, id);
	bind_text_or_null(st, 2, nhs);
	bind_text(st, 3, in->family_name);
	bind_text(st, 4, in->given_name);
	bind_text(st, 5, in->date_of_birth);
	bind_text(st, 6, in->address ? in->address : "");
	bind_text(st, 7, in->postcode ? in->postcode : "");
	sqlite3_bind_int(st, 8, in->restricted);
	bind_text(st, 9, now);
	bind_text(st, 10, locality);
	if (stmt_run(r, st, err, "saving the person") ||
	    audit_append(r, "person.create", "person", id, "", err)) {
		if (err && strstr(err->msg, "UNIQUE") && strstr(err->msg, "nhs_number"))
			cd_error_set(err, CD_EX_DATAERR, "nhs_number",
				     "another person already has NHS number %s", nhs);
		else if (err && strstr(err->msg, "FOREIGN KEY"))
			cd_error_set(err, CD_EX_DATAERR, "locality", "unknown locality '%s'", locality);
		txn_rollback(r);
		return -1;
	}
	if (id_out)
		memcpy(id_out, id, UUID_STR_LEN);
	return txn_commit(r, err);
}

static int names_sound_alike(const char *a_family, const char *a_given, const char *b_family,
			     const char *b_given)
{
	char a[SOUNDEX_LEN], b[SOUNDEX_LEN];

	soundex(a_family, a);
	soundex(b_family, b);
	if (!a[0] || strcmp(a, b) != 0)
		return 0;
	soundex(a_given, a);
	soundex(b_given, b);
	return a[0] && strcmp(a, b) == 0;
}

static int postcodes_alike(const char *a, const char *b)
{
	char ka[POSTCODE_MAX_BYTES + 1], kb[POSTCODE_MAX_BYTES + 1];

	postcode_key(a, ka);
	postcode_key(b, kb);
	return !ka[0] || !kb[0] || strcmp(ka, kb) == 0;
}

static enum person_match find_by_nhs(struct replica *r, const char *nhs, char id_out[UUID_STR_LEN])
{
	sqlite3_stmt *st = replica_stmt(r, "SELECT id FROM person WHERE nhs_number = ?1");
	enum person_match m = PERSON_MATCH_NONE;

	bind_text(st, 1, nhs);
	if (sqlite3_step(st) == SQLITE_ROW) {
		column_copy(st, 0, id_out, UUID_STR_LEN);
		m = PERSON_MATCH_EXACT;
	}
	sqlite3_reset(st);
	return m;
}

enum person_match person_find_match(struct replica *r, const struct person_input *in,
				    char id_out[UUID_STR_LEN])
{
	char nhs[11], swapped[ISO_DATE_LEN];
	const char *why;
	struct civil_date dob, alt;
	sqlite3_stmt *st;
	enum person_match m = PERSON_MATCH_NONE;

	if (in->nhs_number && *in->nhs_number && nhs_parse(in->nhs_number, nhs, &why) == 0 &&
	    find_by_nhs(r, nhs, id_out) == PERSON_MATCH_EXACT)
		return PERSON_MATCH_EXACT;
	if (!in->date_of_birth || date_parse(in->date_of_birth, &dob) || !in->family_name ||
	    !in->given_name)
		return PERSON_MATCH_NONE;
	/* Day and month transposed is the commonest date-of-birth slip. */
	alt = (struct civil_date){ dob.year, dob.day, dob.month };
	if (date_is_valid(alt))
		date_format(alt, swapped);
	else
		date_format(dob, swapped);
	st = replica_stmt(r, "SELECT id, family_name, given_name, postcode FROM person "
			     "WHERE date_of_birth IN (?1, ?2)");
	bind_text(st, 1, in->date_of_birth);
	bind_text(st, 2, swapped);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (names_sound_alike(in->family_name, in->given_name,
				      (const char *)sqlite3_column_text(st, 1),
				      (const char *)sqlite3_column_text(st, 2)) &&
		    postcodes_alike(in->postcode, (const char *)sqlite3_column_text(st, 3))) {
			column_copy(st, 0, id_out, UUID_STR_LEN);
			m = PERSON_MATCH_PROBABLE;
			break;
		}
	}
	sqlite3_reset(st);
	return m;
}

static const char *const flag_types[] = { "child-protection-plan", "child-in-care", "care-leaver",
					  "adult-at-risk", "risk-to-staff", "possible-duplicate" };

int person_flag(struct replica *r, const char *person_id, const char *type, const char *detail,
		struct cd_error *err)
{
	char id[UUID_STR_LEN], now[ISO_INSTANT_LEN], today[ISO_DATE_LEN], locality[CODE_MAX];
	size_t i;
	sqlite3_stmt *st;

	for (i = 0; i < sizeof(flag_types) / sizeof(flag_types[0]); i++)
		if (strcmp(type, flag_types[i]) == 0)
			break;
	if (i == sizeof(flag_types) / sizeof(flag_types[0]))
		return cd_error_set(err, CD_EX_DATAERR, "type", "unknown flag type '%s'", type);
	if (lookup_person_locality(r, person_id, locality))
		return cd_error_set(err, CD_EX_NOINPUT, "person", "no person %s", person_id);
	if (txn_begin(r, "person.flag", err))
		return -1;
	id_new(&r->ids, id);
	replica_now_iso(r, now);
	date_format(local_from_instant(replica_now(r)).date, today);
	st = replica_stmt(r,
		"INSERT INTO flag (id, person_id, type, start_date, detail, created_at, updated_at, "
		"version, locality) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, 1, ?7)");
	bind_text(st, 1, id);
	bind_text(st, 2, person_id);
	bind_text(st, 3, type);
	bind_text(st, 4, today);
	bind_text(st, 5, detail ? detail : "");
	bind_text(st, 6, now);
	bind_text(st, 7, locality);
	if (stmt_run(r, st, err, "flagging the person") ||
	    audit_append(r, "person.flag", "flag", id, type, err)) {
		txn_rollback(r);
		return -1;
	}
	return txn_commit(r, err);
}
