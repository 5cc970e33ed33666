/* Roles and the permission table (see the header).  The table is data, so
 * the refusals, `caredesk permissions`, the manual and the tests all read
 * the same rules. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "caredesk/permission.h"

static const char *const role_codes[ROLE_COUNT] = {
#define ROLE_CODE(id, code, title) [ROLE_##id] = code,
	ROLES(ROLE_CODE)
#undef ROLE_CODE
};

static const char *const role_titles[ROLE_COUNT] = {
#define ROLE_TITLE(id, code, title) [ROLE_##id] = title,
	ROLES(ROLE_TITLE)
#undef ROLE_TITLE
};

static const char *const permission_names[PERM_COUNT] = {
#define PERMISSION_NAME(id, name, doing) [PERM_##id] = name,
	PERMISSIONS(PERMISSION_NAME)
#undef PERMISSION_NAME
};

static const char *const permission_doings[PERM_COUNT] = {
#define PERMISSION_DOING(id, name, doing) [PERM_##id] = doing,
	PERMISSIONS(PERMISSION_DOING)
#undef PERMISSION_DOING
};

#define PR ROLE_PRACTITIONER
#define DU ROLE_DUTY
#define MA ROLE_MASH
#define MG ROLE_MANAGER
#define PA ROLE_PA
#define AD ROLE_ADMIN
#define AU ROLE_AUDITOR
#define OWN SCOPE_OWN
#define TEAM SCOPE_TEAM
#define LOC SCOPE_LOCALITY
#define ANY SCOPE_ANY

/* grants[permission][role]: the widest scope.  Admins run the service
 * (workers, the intake feed, the central) and see no case unless they
 * also hold a practice role; auditors read the audit. */
static const enum scope grants[PERM_COUNT][ROLE_COUNT] = {
	[PERM_TRIAGE] = { [DU] = LOC, [MA] = ANY, [MG] = LOC },
	[PERM_ALLOCATE] = { [DU] = LOC, [MA] = ANY, [MG] = LOC },
	[PERM_IMPORT] = { [DU] = ANY, [MA] = ANY, [MG] = ANY, [AD] = ANY },
	[PERM_CONTACT] = { [PR] = LOC, [DU] = LOC, [MA] = ANY, [MG] = LOC, [PA] = LOC },
	[PERM_CASE_CLOSE] = { [PR] = OWN, [DU] = OWN, [MA] = OWN, [MG] = TEAM, [PA] = OWN },
	[PERM_CASE_REVIEW] = { [PR] = OWN, [DU] = OWN, [MA] = OWN, [MG] = TEAM, [PA] = OWN },
	[PERM_NOTE_ADD] = { [PR] = LOC, [DU] = LOC, [MA] = ANY, [MG] = LOC, [PA] = LOC },
	[PERM_NOTE_AMEND] = { [PR] = OWN, [DU] = OWN, [MA] = OWN, [MG] = TEAM, [PA] = OWN },
	[PERM_HANDOVER_ADD] = { [PR] = LOC, [DU] = LOC, [MA] = ANY, [MG] = LOC, [PA] = LOC },
	[PERM_HANDOVER_ACK] = { [PR] = TEAM, [DU] = TEAM, [MA] = TEAM, [MG] = TEAM, [PA] = TEAM },
	[PERM_EXPORT] = { [PR] = ANY, [DU] = ANY, [MA] = ANY, [MG] = ANY, [PA] = ANY, [AD] = ANY,
			  [AU] = ANY },
	[PERM_EXPORT_PERSONAL] = { [AD] = ANY, [AU] = ANY },
	[PERM_STAFF] = { [MG] = TEAM, [AD] = ANY },
	[PERM_CONFLICT_RESOLVE] = { [MG] = LOC, [AD] = ANY },
	[PERM_CENTRAL_SET] = { [AD] = ANY },
	/* Restricted records (caredesk(1) RESTRICTED RECORDS): a manager or the
	 * privacy officer restricts; anyone in practice may break glass, which
	 * is audited and reviewed; who opened what is for auditors and the
	 * record's own team manager. */
	[PERM_RESTRICT] = { [MG] = LOC, [AU] = ANY },
	[PERM_BREAK_GLASS] = { [PR] = ANY, [DU] = ANY, [MA] = ANY, [MG] = ANY, [PA] = ANY },
	[PERM_ACCESS_LOG] = { [MG] = TEAM, [AU] = ANY },
	[PERM_ACCESS_REVIEW] = { [AU] = ANY },
};

#undef PR
#undef DU
#undef MA
#undef MG
#undef PA
#undef AD
#undef AU
#undef OWN
#undef TEAM
#undef LOC
#undef ANY

const char *role_code(enum role r)
{
	return (unsigned)r < ROLE_COUNT ? role_codes[r] : "?";
}

const char *role_title(enum role r)
{
	return (unsigned)r < ROLE_COUNT ? role_titles[r] : "?";
}

static int role_by_code(const char *code, size_t len)
{
	for (int r = 0; r < ROLE_COUNT; r++)
		if (strlen(role_codes[r]) == len && strncasecmp(code, role_codes[r], len) == 0)
			return r;
	return -1;
}

int roles_parse(const char *text, role_set *out, char *bad, size_t bad_size)
{
	role_set set = 0;
	const char *p = text ? text : "";

	if (bad_size)
		bad[0] = '\0';
	while (*p) {
		size_t len;
		int r;

		while (*p == ' ' || *p == ',')
			p++;
		len = strcspn(p, ", ");
		if (len == 0)
			break;
		r = role_by_code(p, len);
		if (r < 0) {
			if (bad_size)
				snprintf(bad, bad_size, "%.*s", (int)len, p);
			return -1;
		}
		set |= ROLE_BIT(r);
		p += len;
	}
	*out = set;
	return set ? 0 : -1;
}

void roles_format(role_set roles, char *out, size_t size)
{
	size_t used = 0;

	if (size)
		out[0] = '\0';
	for (int r = 0; r < ROLE_COUNT && used < size; r++) {
		if (!(roles & ROLE_BIT(r)))
			continue;
		int n = snprintf(out + used, size - used, "%s%s", used ? "," : "", role_codes[r]);

		if (n < 0)
			return;
		used += (size_t)n;
	}
}

const char *roles_hint(void)
{
	return "practitioner, duty, mash, manager, pa, admin or auditor";
}

const char *scope_name(enum scope s)
{
	static const char *const names[] = { "-", "own", "team", "locality", "any" };

	return (unsigned)s <= SCOPE_ANY ? names[s] : "?";
}

const char *permission_name(enum permission p)
{
	return (unsigned)p < PERM_COUNT ? permission_names[p] : "?";
}

const char *permission_doing(enum permission p)
{
	return (unsigned)p < PERM_COUNT ? permission_doings[p] : "?";
}

enum scope permission_scope(enum permission p, enum role r)
{
	if ((unsigned)p >= PERM_COUNT || (unsigned)r >= ROLE_COUNT)
		return SCOPE_NONE;
	return grants[p][r];
}

bool permission_excludes_owner(enum permission p)
{
	return p == PERM_HANDOVER_ACK;
}

bool permission_any(role_set roles, enum permission p)
{
	for (int r = 0; r < ROLE_COUNT; r++)
		if ((roles & ROLE_BIT(r)) && permission_scope(p, (enum role)r) != SCOPE_NONE)
			return true;
	return false;
}

static bool same(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static bool is_owner(const struct perm_actor *a, const struct perm_target *t)
{
	return t && same(t->owner_id, a->worker_id);
}

/* Borough-wide teams (MASH, Children in Care, Care Leavers) work across
 * every locality, and a borough-wide record belongs to every locality. */
static bool in_locality(const struct perm_actor *a, const struct perm_target *t)
{
	return !t->locality || same(a->locality, "borough") || same(t->locality, "borough") ||
	       same(t->locality, a->locality);
}

static bool covers(const struct perm_actor *a, enum scope s, const struct perm_target *t)
{
	if (s == SCOPE_NONE)
		return false;
	if (!t || s == SCOPE_ANY)
		return true;
	switch (s) {
	case SCOPE_OWN:
		return is_owner(a, t);
	case SCOPE_TEAM:
		return !t->team || same(t->team, a->team);
	case SCOPE_LOCALITY:
		return in_locality(a, t);
	default:
		return false;
	}
}

static bool allowed(const struct perm_actor *a, enum permission p, const struct perm_target *t)
{
	if (permission_excludes_owner(p) && is_owner(a, t))
		return false;
	for (int r = 0; r < ROLE_COUNT; r++)
		if ((a->roles & ROLE_BIT(r)) && covers(a, grants[p][r], t))
			return true;
	return false;
}

static const char *article(const char *noun)
{
	return strchr("aeiouAEIOU", noun[0]) ? "an" : "a";
}

struct phrases {
	char *out;
	size_t size, used;
	int count;
};

static void phrase_add(struct phrases *ph, const char *one)
{
	int n;

	if (ph->used >= ph->size)
		return;
	n = snprintf(ph->out + ph->used, ph->size - ph->used, "%s%s", ph->count ? "|" : "", one);
	if (n > 0)
		ph->used += (size_t)n;
	ph->count++;
}

/* The scope every practice role holds, or SCOPE_NONE when they differ
 * (or it is "own", which reads better by the record's owner). */
static enum scope practice_scope(enum permission p)
{
	enum scope s = grants[p][ROLE_PRACTITIONER];

	for (int r = 0; r < ROLE_COUNT; r++)
		if ((PRACTICE_ROLES & ROLE_BIT(r)) && grants[p][r] != s)
			return SCOPE_NONE;
	return s == SCOPE_OWN ? SCOPE_NONE : s;
}

/* "a team manager of north-children", "a MASH worker", "the allocated
 * worker": who could have done it, for this record. */
static void who_may(enum permission p, const struct perm_target *t, struct phrases *ph)
{
	bool owner_said = false;
	enum scope shared = practice_scope(p);
	char one[160];

	/* Every practice role alike: say "a member of north-duty" once. */
	if (shared == SCOPE_TEAM && t && t->team && *t->team) {
		snprintf(one, sizeof(one), "a member of %s", t->team);
		phrase_add(ph, one);
	} else if (shared == SCOPE_LOCALITY && t && t->locality && strcmp(t->locality, "borough")) {
		snprintf(one, sizeof(one), "a worker of %s", t->locality);
		phrase_add(ph, one);
	} else if (shared == SCOPE_ANY) {
		phrase_add(ph, "any practice worker");
	} else {
		shared = SCOPE_NONE;
	}
	for (int r = 0; r < ROLE_COUNT; r++) {
		enum scope s = grants[p][r];

		if (s == SCOPE_NONE || (shared != SCOPE_NONE && (PRACTICE_ROLES & ROLE_BIT(r))))
			continue;
		if (s == SCOPE_OWN) {
			if (owner_said || !t || !t->owner_noun)
				continue;
			snprintf(one, sizeof(one), "%s", t->owner_noun);
			owner_said = true;
		} else if (s == SCOPE_TEAM && t && t->team && *t->team) {
			snprintf(one, sizeof(one), "%s %s of %s", article(role_titles[r]), role_titles[r],
				 t->team);
		} else if (s == SCOPE_TEAM && t && t->team) {
			continue;	/* a record of no team ("", as read): no one of this role */
		} else if (s == SCOPE_LOCALITY && t && t->locality && strcmp(t->locality, "borough")) {
			snprintf(one, sizeof(one), "%s %s of %s", article(role_titles[r]), role_titles[r],
				 t->locality);
		} else {
			snprintf(one, sizeof(one), "%s %s", article(role_titles[r]), role_titles[r]);
		}
		phrase_add(ph, one);
	}
}

/* Join "x|y|z" as "x, y or z" (last = " or "). */
static void join_list(const char *list, int count, const char *last, char *out, size_t size)
{
	size_t used = 0;
	int i = 0;

	out[0] = '\0';
	while (*list && used < size) {
		size_t len = strcspn(list, "|");
		const char *sep = i == 0 ? "" : i == count - 1 ? last : ", ";
		int n = snprintf(out + used, size - used, "%s%.*s", sep, (int)len, list);

		if (n < 0)
			return;
		used += (size_t)n;
		list += len + (list[len] == '|');
		i++;
	}
}

/* "duty worker, team manager and administrator" */
static void describe_actor(const struct perm_actor *a, char *out, size_t size)
{
	char list[ROLE_COUNT * 24];
	struct phrases ph = { list, sizeof(list), 0, 0 };

	list[0] = '\0';
	for (int r = 0; r < ROLE_COUNT; r++)
		if (a->roles & ROLE_BIT(r))
			phrase_add(&ph, role_titles[r]);
	join_list(list, ph.count, " and ", out, size);
}

int permission_check(const struct perm_actor *actor, enum permission p,
		     const struct perm_target *target, char *why, size_t why_size)
{
	char list[640], who[640], you[160];
	struct phrases ph = { list, sizeof(list), 0, 0 };

	if ((unsigned)p >= PERM_COUNT)
		return -1;
	if (!actor->active) {
		snprintf(why, why_size, "worker '%s' is disabled on this replica", actor->login);
		return -1;
	}
	if (allowed(actor, p, target))
		return 0;
	describe_actor(actor, you, sizeof(you));
	if (permission_excludes_owner(p) && is_owner(actor, target)) {
		snprintf(why, why_size, "%s may not %s: another member of %s must", target->owner_noun,
			 permission_doings[p], target->team ? target->team : "the team");
		return -1;
	}
	list[0] = '\0';
	who_may(p, target, &ph);
	if (ph.count == 0) {
		snprintf(why, why_size, "no one may %s here (you are %s %s of %s)",
			 permission_doings[p], article(you), you, actor->team ? actor->team : "no team");
		return -1;
	}
	join_list(list, ph.count, " or ", who, sizeof(who));
	if (actor->roles == 0)
		snprintf(why, why_size, "only %s may %s (you hold no role)", who, permission_doings[p]);
	else
		snprintf(why, why_size, "only %s may %s (you are %s %s of %s)", who,
			 permission_doings[p], article(you), you, actor->team ? actor->team : "no team");
	return -1;
}
