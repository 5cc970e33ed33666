/* Building listing queries from their static definitions (see query.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caredesk/error.h"
#include "caredesk/query.h"
#include "replica/access_sql.h"

struct buf {
	char *s;
	size_t len, cap;
};

static void buf_add(struct buf *b, const char *s)
{
	size_t n = strlen(s);

	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = cd_realloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

static void add_column_value(struct buf *b, const struct column_def *c)
{
	if (c->kind == COL_BOOL) {
		buf_add(b, "CASE WHEN (");
		buf_add(b, c->expr);
		buf_add(b, ") THEN 'yes' ELSE 'no' END");
	} else {
		buf_add(b, c->expr);
	}
}

static void add_json_value(struct buf *b, const struct column_def *c)
{
	if (c->kind == COL_BOOL) {
		buf_add(b, "json(CASE WHEN (");
		buf_add(b, c->expr);
		buf_add(b, ") THEN 'true' ELSE 'false' END)");
	} else {
		buf_add(b, c->expr);
	}
}

char *listing_sql(const struct listing *l, enum listing_shape shape)
{
	struct buf b = { 0 };

	buf_add(&b, shape == LISTING_JSON_OBJECTS ? "SELECT json_object(" : "SELECT ");
	for (int i = 0; i < l->ncols; i++) {
		const struct column_def *c = &l->cols[i];

		if (i)
			buf_add(&b, ", ");
		if (shape == LISTING_JSON_OBJECTS) {
			buf_add(&b, "'");
			buf_add(&b, c->name);
			buf_add(&b, "', ");
			add_json_value(&b, c);
		} else {
			add_column_value(&b, c);
			buf_add(&b, " AS \"");
			buf_add(&b, c->name);
			buf_add(&b, "\"");
		}
	}
	buf_add(&b, shape == LISTING_JSON_OBJECTS ? ") " : " ");
	buf_add(&b, l->from);
	buf_add(&b, " ");
	buf_add(&b, l->order);
	return b.s;
}

#define COLS(a) a, (int)(sizeof(a) / sizeof(a[0]))

/* Age group on the referral's local received date would need the zone
 * rules in SQL; the UTC date differs from it only around midnight, and only
 * on a birthday, so the listing uses today's age as the desk does. */
#define AGE_GROUP_EXPR(dob) \
	"CASE WHEN date(" dob ", '+18 years') > date(?4) THEN 'child' ELSE 'adult' END"

static const struct column_def referral_cols[] = {
	{ "id", "f.id", COL_TEXT, 36 },
	{ "received_at", "f.received_at", COL_TEXT, 20 },
	{ "decision_due_at", "f.decision_due_at", COL_TEXT, 20 },
	{ "status", "f.status", COL_TEXT, 9 },
	{ "priority", "f.priority", COL_TEXT, 8 },
	{ "family_name", SQL_PERSON_FAMILY("p"), COL_TEXT, 16 },
	{ "given_name", SQL_PERSON_GIVEN("p"), COL_TEXT, 12 },
	{ "date_of_birth", "p.date_of_birth", COL_TEXT, 10 },
	{ "age_group", AGE_GROUP_EXPR("p.date_of_birth"), COL_TEXT, 5 },
	{ "source", "f.source", COL_TEXT, 17 },
	{ "category", "f.category", COL_TEXT, 18 },
	{ "safeguarding", "f.safeguarding", COL_BOOL, 3 },
	{ "team", "f.team", COL_TEXT, 16 },
	{ "allocated_to", "w.login", COL_TEXT, 12 },
};

#define REFERRAL_FROM \
	"FROM referral f JOIN person p ON p.id = f.person_id " \
	"LEFT JOIN worker w ON w.id = f.allocated_to "
#define REFERRAL_FILTERS "(?1 IS NULL OR f.team = ?1) AND (?2 IS NULL OR f.allocated_to = ?2)"

/* Two listings rather than one with a flag: the open one repeats the
 * partial index's condition word for word, so the queue is read from
 * referral_open_by_due instead of scanning ten years of referrals. */
static const struct listing open_referrals = {
	"referrals", COLS(referral_cols),
	REFERRAL_FROM "WHERE (f.status = 'new' OR f.status = 'triaged') AND " REFERRAL_FILTERS
	" AND " SQL_NOT_ARCHIVED("referral", "f.id"),
	"ORDER BY f.decision_due_at, f.id",
};

static const struct listing all_referrals = {
	"referrals", COLS(referral_cols),
	REFERRAL_FROM "WHERE " REFERRAL_FILTERS,
	"ORDER BY f.decision_due_at, f.id",
};

const struct listing *referral_listing(bool all)
{
	return all ? &all_referrals : &open_referrals;
}

static const struct column_def referral_detail_cols[] = {
	{ "id", "f.id", COL_TEXT, 0 },
	{ "person_id", "f.person_id", COL_TEXT, 0 },
	{ "nhs_number", SQL_PERSON_NHS("p"), COL_TEXT, 0 },
	{ "family_name", SQL_PERSON_FAMILY("p"), COL_TEXT, 0 },
	{ "given_name", SQL_PERSON_GIVEN("p"), COL_TEXT, 0 },
	{ "date_of_birth", "p.date_of_birth", COL_TEXT, 0 },
	{ "received_at", "f.received_at", COL_TEXT, 0 },
	{ "source", "f.source", COL_TEXT, 0 },
	{ "reason", "f.reason", COL_TEXT, 0 },
	{ "category", "f.category", COL_TEXT, 0 },
	{ "safeguarding", "f.safeguarding", COL_BOOL, 0 },
	{ "priority", "f.priority", COL_TEXT, 0 },
	{ "status", "f.status", COL_TEXT, 0 },
	{ "decision", "f.decision", COL_TEXT, 0 },
	{ "decision_reason", "f.decision_reason", COL_TEXT, 0 },
	{ "decision_due_at", "f.decision_due_at", COL_TEXT, 0 },
	{ "decided_at", "f.decided_at", COL_TEXT, 0 },
	{ "decided_by", "d.login", COL_TEXT, 0 },
	{ "team", "f.team", COL_TEXT, 0 },
	{ "allocated_to", "w.login", COL_TEXT, 0 },
	{ "case_id", "f.case_id", COL_TEXT, 0 },
	{ "re_referral", "f.re_referral", COL_BOOL, 0 },
	{ "created_at", "f.created_at", COL_TEXT, 0 },
	{ "updated_at", "f.updated_at", COL_TEXT, 0 },
	{ "version", "f.version", COL_INT, 0 },
	{ "locality", "f.locality", COL_TEXT, 0 },
};

static const struct listing referral_detail = {
	"referral", COLS(referral_detail_cols),
	"FROM referral f JOIN person p ON p.id = f.person_id "
	"LEFT JOIN worker w ON w.id = f.allocated_to LEFT JOIN worker d ON d.id = f.decided_by "
	"WHERE f.id = ?1",
	"",
};

const struct listing *referral_detail_listing(void)
{
	return &referral_detail;
}

/* Conflicts kept for a person (DESIGN 5: the record id, the field, both
 * values, both workers and both times, one conflict a row).  Values are
 * shown as their JSON text, so a string and a number stay told apart. */
static const struct column_def conflict_cols[] = {
	{ "id", "k.id", COL_TEXT, 36 },
	{ "record_id", "k.row_id", COL_TEXT, 36 },
	{ "tbl", "k.tbl", COL_TEXT, 10 },
	{ "field", "k.field", COL_TEXT, 14 },
	{ "kept_value", "k.kept_value", COL_TEXT, 16 },
	{ "kept_worker", "k.kept_worker", COL_TEXT, 14 },
	{ "kept_at", "k.kept_at", COL_TEXT, 20 },
	{ "other_value", "k.other_value", COL_TEXT, 16 },
	{ "other_worker", "k.other_worker", COL_TEXT, 14 },
	{ "other_at", "k.other_at", COL_TEXT, 20 },
	{ "kind", "k.kind", COL_TEXT, 16 },
	{ "status", "k.status", COL_TEXT, 8 },
	{ "chosen_value", "k.chosen_value", COL_TEXT, 16 },
	{ "resolved_by", "k.resolved_by", COL_TEXT, 14 },
	{ "resolved_at", "k.resolved_at", COL_TEXT, 20 },
};

static const struct listing open_conflicts = {
	"conflicts", COLS(conflict_cols), "FROM sync_conflict k WHERE k.status = 'open'",
	"ORDER BY k.created_at, k.id",
};

static const struct listing all_conflicts = {
	"conflicts", COLS(conflict_cols), "FROM sync_conflict k", "ORDER BY k.created_at, k.id",
};

const struct listing *conflict_listing(bool all)
{
	return all ? &all_conflicts : &open_conflicts;
}
