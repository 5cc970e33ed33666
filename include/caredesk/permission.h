/* Who may do what: the roles and the one permission table.
 *
 * A worker holds one or more roles.  The table says, for each permission,
 * which roles hold it and over which records: their own (a case allocated
 * to them, a note they wrote), their team's, their locality's, or any.
 * The replica's action functions ask permission_check before they change
 * anything, so the desk and the command line cannot differ; the desk's
 * help, `caredesk permissions` and the manual's table are all printed from
 * this same table.
 *
 * Pure logic: no SQLite here.  The replica fills a perm_actor from the
 * worker's row (read again before every action, so a worker disabled or
 * changed while their desk is open is refused at once) and a perm_target
 * from the record. */
#ifndef CAREDESK_PERMISSION_H
#define CAREDESK_PERMISSION_H

#include <stdbool.h>
#include <stddef.h>

/* In the order roles are stored and printed ("duty,admin"). */
#define ROLES(X) \
	X(PRACTITIONER, "practitioner", "practitioner") \
	X(DUTY, "duty", "duty worker") \
	X(MASH, "mash", "MASH worker") \
	X(MANAGER, "manager", "team manager") \
	X(PA, "pa", "personal adviser") \
	X(ADMIN, "admin", "administrator") \
	X(AUDITOR, "auditor", "auditor")

enum role {
#define ROLE_ENUM(id, code, title) ROLE_##id,
	ROLES(ROLE_ENUM)
#undef ROLE_ENUM
	ROLE_COUNT
};

typedef unsigned role_set;
#define ROLE_BIT(r) (1u << (r))
/* The roles that work with people: the others (admin, auditor) get no case
 * access unless they also hold one of these. */
#define PRACTICE_ROLES \
	(ROLE_BIT(ROLE_PRACTITIONER) | ROLE_BIT(ROLE_DUTY) | ROLE_BIT(ROLE_MASH) | \
	 ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_PA))
#define ROLES_TEXT_MAX 64	/* "practitioner,duty,mash,manager,pa,admin,auditor" */

const char *role_code(enum role r);
const char *role_title(enum role r);
/* "duty,admin" or "duty, admin" (any order, any case) -> a set; -1 when a
 * name is not a role, or the list is empty.  *bad names the first bad one. */
int roles_parse(const char *text, role_set *out, char *bad, size_t bad_size);
/* The set in the stored form: codes in table order, comma separated. */
void roles_format(role_set roles, char *out, size_t size);
/* "practitioner, duty, mash, manager, pa, admin or auditor" */
const char *roles_hint(void);

/* Over which records a role holds a permission.  Wider scopes include the
 * narrower ones. */
enum scope {
	SCOPE_NONE,
	SCOPE_OWN,		/* records it owns: allocated to it, written by it */
	SCOPE_TEAM,		/* records of its team */
	SCOPE_LOCALITY,		/* records of its locality (borough-wide teams: all) */
	SCOPE_ANY,
};
const char *scope_name(enum scope s);

/* One line a permission: id, name (as `caredesk permissions` prints it),
 * and what it lets a worker do, as the refusal says it. */
#define PERMISSIONS(X) \
	X(TRIAGE, "referral.triage", "triage a referral") \
	X(ALLOCATE, "referral.allocate", "allocate a referral or a case") \
	X(IMPORT, "import", "import referrals") \
	X(CONTACT, "referral.receive", "record a new referral") \
	X(CASE_CLOSE, "case.close", "close a case") \
	X(CASE_REVIEW, "case.review", "set a case's review date") \
	X(NOTE_ADD, "note.add", "add a note") \
	X(NOTE_AMEND, "note.amend", "amend a note") \
	X(HANDOVER_ADD, "handover.add", "write a handover item") \
	X(HANDOVER_ACK, "handover.ack", "acknowledge a handover item") \
	X(EXPORT, "export", "export lists (referrals, cases, handover, teams...)") \
	X(EXPORT_PERSONAL, "export.personal", "export people, notes or the audit") \
	X(STAFF, "worker.change", "add, change or disable workers") \
	X(CONFLICT_RESOLVE, "conflict.resolve", "resolve a sync conflict") \
	X(CENTRAL_SET, "central.set", "change the central store") \
	X(RESTRICT, "person.restrict", "restrict or unrestrict a person's record") \
	X(BREAK_GLASS, "person.break-glass", "break glass to open a restricted record") \
	X(ACCESS_LOG, "access.log", "read who has opened a record") \
	X(ACCESS_REVIEW, "access.review", "mark break-glass and restricted views reviewed")

enum permission {
#define PERMISSION_ENUM(id, name, doing) PERM_##id,
	PERMISSIONS(PERMISSION_ENUM)
#undef PERMISSION_ENUM
	PERM_COUNT
};

const char *permission_name(enum permission p);
const char *permission_doing(enum permission p);
/* The widest scope this role holds the permission over (SCOPE_NONE: not). */
enum scope permission_scope(enum permission p, enum role r);
/* True for permissions whose owner may not use them (a handover item's
 * author cannot acknowledge it: a read-back must come from someone else). */
bool permission_excludes_owner(enum permission p);

/* The worker acting, as the replica last read them. */
struct perm_actor {
	const char *login;
	const char *worker_id;
	role_set roles;
	const char *team;
	const char *locality;
	bool active;
};

/* The record acted on.  NULL fields: no such thing (a new record has no
 * owner); a NULL target means the permission is not about one record. */
struct perm_target {
	const char *owner_id;	/* worker id of the allocated worker or author */
	const char *owner_noun;	/* "the allocated worker", "its author" */
	const char *team;
	const char *locality;
};

/* 0 when the actor may; otherwise -1 and `why` holds one line saying what
 * is missing ("only the allocated worker or a team manager of
 * north-children may close a case"). */
int permission_check(const struct perm_actor *actor, enum permission p,
		     const struct perm_target *target, char *why, size_t why_size);

/* Whether some role the actor holds could use the permission on some
 * record (the desk hides commands for which this is false). */
bool permission_any(role_set roles, enum permission p);

#endif
