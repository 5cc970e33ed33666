/* The chronology: notes are appended, never changed.  A correction is a new
 * note of kind "amendment" that points at the note it corrects, so the
 * record shows what was believed when, as case-recording practice expects. */
#include <string.h>

#include "caredesk/actions.h"
#include "caredesk/datetime.h"
#include "caredesk/text.h"
#include "replica/internal.h"
#include "replica/lookup.h"

#define NOTE_MAX_BYTES 100000

static const char *const kinds[] = { "case-note", "contact", "visit", "phone-call", "meeting",
				     "decision" };

static int kind_valid(const char *kind)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kind, kinds[i]) == 0)
			return 1;
	return 0;
}

static int check_body(const char *body, struct cd_error *err)
{
	size_t n = body ? strlen(body) : 0;

	if (n == 0 || body[strspn(body, " \t\r\n")] == '\0')
		return cd_error_set(err, CD_EX_DATAERR, "body", "a note needs some text");
	if (n > NOTE_MAX_BYTES)
		return cd_error_set(err, CD_EX_DATAERR, "body", "too long (%zu bytes; at most %d)", n,
				    NOTE_MAX_BYTES);
	if (!text_is_valid_utf8(body, n))
		return cd_error_set(err, CD_EX_DATAERR, "body", "not valid UTF-8 text");
	return 0;
}

/* Which person the note is about: given, or that of the case or referral.
 * All named records must agree.  One query, as notes are the most common
 * write by far. */
static int resolve_person(struct replica *r, const struct note_input *in, char person[UUID_STR_LEN],
			  char locality[CODE_MAX], struct cd_error *err)
{
	sqlite3_stmt *st = replica_stmt(r,
		"SELECT p.id, p.locality, (?2 IS NULL OR c.id IS NOT NULL), "
		"(?3 IS NULL OR f.id IS NOT NULL), "
		"(c.person_id IS NULL OR c.person_id = p.id) AND (f.person_id IS NULL OR f.person_id = p.id) "
		"FROM (SELECT 1) LEFT JOIN care_case c ON c.id = ?2 LEFT JOIN referral f ON f.id = ?3 "
		"LEFT JOIN person p ON p.id = coalesce(?1, c.person_id, f.person_id)");
	int ok = 0;

	if (!(in->person_id && *in->person_id) && !(in->case_id && *in->case_id) &&
	    !(in->referral_id && *in->referral_id))
		return cd_error_set(err, CD_EX_DATAERR, "person",
				    "say who the note is about: a person, case or referral");
	bind_text_or_null(st, 1, in->person_id);
	bind_text_or_null(st, 2, in->case_id);
	bind_text_or_null(st, 3, in->referral_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		if (!sqlite3_column_int(st, 2))
			cd_error_set(err, CD_EX_NOINPUT, "case", "no case %s", in->case_id);
		else if (!sqlite3_column_int(st, 3))
			cd_error_set(err, CD_EX_NOINPUT, "referral", "no referral %s", in->referral_id);
		else if (sqlite3_column_type(st, 0) == SQLITE_NULL)
			cd_error_set(err, CD_EX_NOINPUT, "person", "no person %s",
				     in->person_id ? in->person_id : "named");
		else if (!sqlite3_column_int(st, 4))
			cd_error_set(err, CD_EX_DATAERR, "person",
				     "the person, case and referral named are not about one person");
		else {
			column_copy(st, 0, person, UUID_STR_LEN);
			column_copy(st, 1, locality, CODE_MAX);
			ok = 1;
		}
	}
	sqlite3_reset(st);
	return ok ? 0 : -1;
}

static int insert_note(struct replica *r, const struct note_input *in, const char *person,
		       const char *locality, const char *kind, const char *amends,
		       char id[UUID_STR_LEN], struct cd_error *err)
{
	char now[ISO_INSTANT_LEN];
	sqlite3_stmt *st;

	id_new(&r->ids, id);
	replica_now_iso(r, now);
	st = replica_stmt(r,
		"INSERT INTO note (id, person_id, case_id, referral_id, author, kind, body, amends_id, "
		"created_at, locality) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
	bind_text(st, 1, id);
	bind_text(st, 2, person);
	bind_text_or_null(st, 3, in->case_id);
	bind_text_or_null(st, 4, in->referral_id);
	bind_text(st, 5, r->actor.worker_id);
	bind_text(st, 6, kind);
	bind_text(st, 7, in->body);
	bind_text_or_null(st, 8, amends);
	bind_text(st, 9, now);
	bind_text(st, 10, locality);
	return stmt_run(r, st, err, "saving the note");
}

int note_add(struct replica *r, const struct note_input *in, char id_out[UUID_STR_LEN],
	     struct cd_error *err)
{
	const char *kind = in->kind && *in->kind ? in->kind : "case-note";
	char person[UUID_STR_LEN], id[UUID_STR_LEN], locality[CODE_MAX];

	if (!kind_valid(kind))
		return cd_error_set(err, CD_EX_DATAERR, "kind",
				    "'%s' is not a note kind (case-note, contact, visit, phone-call, "
				    "meeting, decision)", kind);
	if (check_body(in->body, err) || resolve_person(r, in, person, locality, err))
		return -1;
	{
		struct perm_target where = { .locality = locality };

		if (require_permission(r, PERM_NOTE_ADD, &where, err))
			return -1;
	}
	if (txn_begin(r, "note.add", err))
		return -1;
	if (insert_note(r, in, person, locality, kind, NULL, id, err) ||
	    audit_append(r, "note.add", "note", id, kind, err)) {
		txn_rollback(r);
		return -1;
	}
	if (id_out)
		memcpy(id_out, id, UUID_STR_LEN);
	return txn_commit(r, err);
}

int note_amend(struct replica *r, const char *note_id, const char *body,
	       char id_out[UUID_STR_LEN], struct cd_error *err)
{
	char person[UUID_STR_LEN], case_id[UUID_STR_LEN], referral_id[UUID_STR_LEN], id[UUID_STR_LEN];
	char locality[CODE_MAX];
	struct note_input in = { .body = body };
	struct record_scope scope;
	sqlite3_stmt *st = replica_stmt(r, "SELECT person_id, case_id, referral_id, locality FROM note "
					   "WHERE id = ?1");
	int found;

	bind_text(st, 1, note_id);
	found = sqlite3_step(st) == SQLITE_ROW;
	if (found) {
		column_copy(st, 0, person, sizeof(person));
		column_copy(st, 1, case_id, sizeof(case_id));
		column_copy(st, 2, referral_id, sizeof(referral_id));
		column_copy(st, 3, locality, sizeof(locality));
	}
	sqlite3_reset(st);
	if (!found)
		return cd_error_set(err, CD_EX_NOINPUT, "note", "no note %s", note_id);
	if (scope_of_note(r, note_id, &scope) ||
	    require_permission(r, PERM_NOTE_AMEND, &scope.target, err) || check_body(body, err))
		return -1;
	in.case_id = case_id[0] ? case_id : NULL;
	in.referral_id = referral_id[0] ? referral_id : NULL;
	if (txn_begin(r, "note.amend", err))
		return -1;
	if (insert_note(r, &in, person, locality, "amendment", note_id, id, err) ||
	    audit_append(r, "note.amend", "note", id, note_id, err)) {
		txn_rollback(r);
		return -1;
	}
	if (id_out)
		memcpy(id_out, id, UUID_STR_LEN);
	return txn_commit(r, err);
}
