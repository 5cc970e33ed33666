/* Fuzzing the sync agent against a hostile central (src/sync/agent.c:
 * sync_exchange, over transport.c's reading of answers).
 *
 * The input is everything the central says in one round, as caredesk-syncd
 * would write it on its stdout: the hello answer, the push answers, each
 * pull answer followed by its record lines.  The agent's requests go to
 * /dev/null.  It works on a real replica, made once per process as
 * caredesk init makes one (locality north, an admin worker, so two changes
 * wait in its outbox) and put back as made before each input.
 *
 * Whatever central says, the agent must finish (the input ends, so the
 * round does), say why when it fails, and keep its promises on the outbox:
 * a change leaves it only when central answered that change, and the
 * report counts exactly the changes that left.  FUZZ_VERBOSE=1 says how each
 * round ended, for reading an input the fuzzer found. */
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "caredesk/actions.h"
#include "caredesk/datetime.h"
#include "fuzz.h"
#include "sync/agent.h"

#define FUZZ_NOW "2026-11-23T09:30:00Z"

/* The waiting changes' ids, made predictable (SQLite's randomblob made
 * them) so the seed corpus can answer them: 00000000-0000-4000-8000-
 * followed by the outbox sequence number in 12 digits. */
#define CHANGE_ID_SQL \
	"UPDATE outbox SET change_id = printf('00000000-0000-4000-8000-%012d', seq)"

static char path[PATH_MAX];
static char *pristine;
static size_t pristine_len;

/* caredesk init --locality north, run by "fuzz", with ids from a seeded
 * generator so the replica is the same in every process. */
static void make_replica(void)
{
	static struct rng seeded;
	struct replica *r;
	struct cd_error err;

	cd_error_clear(&err);
	rng_seed(&seeded, 15);
	if (replica_open(path, REPLICA_OPEN_CREATE, &r, &err))
		fuzz_fail("cannot make a replica: %s", err.msg);
	r->ids = (struct idgen){ .rng = &seeded, .ms = now_instant() * 1000 };
	if (replica_init(r, "north", &err) ||
	    worker_ensure_admin(r, "fuzz", "north-duty", "admin", &err))
		fuzz_fail("cannot set up the replica: %s", err.msg);
	if (sqlite3_exec(r->db, CHANGE_ID_SQL, NULL, NULL, NULL) != SQLITE_OK)
		fuzz_fail("cannot number the outbox: %s", sqlite3_errmsg(r->db));
	replica_close(&r);	/* the last connection: the WAL is folded in */
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("CAREDESK_NOW", FUZZ_NOW, 1);
	if (now_init())
		fuzz_fail("CAREDESK_NOW");
	fuzz_path(path, "replica.db");
	make_replica();
	pristine = fuzz_read_file(path, &pristine_len);
	return 0;
}

static struct replica *replica_reset(void)
{
	struct replica *r;
	struct cd_error err;

	fuzz_restore_db(path, pristine, pristine_len);
	cd_error_clear(&err);
	if (replica_open(path, REPLICA_OPEN_EXISTING, &r, &err))
		fuzz_fail("cannot open the replica: %s", err.msg);
	snprintf(r->actor.login, sizeof(r->actor.login), "caredesk-sync");
	return r;
}

static long outbox_count(struct replica *r)
{
	sqlite3_stmt *st = replica_stmt(r, "SELECT count(*) FROM outbox");
	long n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;

	sqlite3_reset(st);
	return n;
}

/* Each change that left the outbox was named in central's answers.  (A
 * JSON escape could spell an id another way; the fuzzer writing one for
 * an id it does not know is beyond belief, but say nothing then.) */
static void check_answered(struct replica *r, int waiting, const uint8_t *data, size_t size)
{
	for (int seq = 1; seq <= waiting; seq++) {
		sqlite3_stmt *st = replica_stmt(r, "SELECT 1 FROM outbox WHERE change_id = ?1");
		char id[48];
		bool left;

		snprintf(id, sizeof(id), "00000000-0000-4000-8000-%012d", seq);
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		left = sqlite3_step(st) != SQLITE_ROW;
		sqlite3_reset(st);
		if (left && !memmem(data, size, id, strlen(id)) && !memmem(data, size, "\\u", 2))
			fuzz_fail("change %s left the outbox unanswered", id);
	}
}

/* The round over a transport whose answers are the input. */
static int exchange(struct replica *r, const uint8_t *data, size_t size,
		    struct sync_report *rep, struct cd_error *err)
{
	struct transport t;
	int rc;

	memset(&t, 0, sizeof(t));
	t.pid = -1;
	snprintf(t.uri, sizeof(t.uri), "fuzz:central");
	t.to_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	/* POSIX lets fmemopen refuse 0 bytes; /dev/null reads as nothing. */
	t.from = size ? fmemopen((void *)data, size, "r") : fopen("/dev/null", "r");
	if (t.to_fd < 0 || !t.from)
		fuzz_fail("cannot make the transport");
	rc = sync_exchange(r, &t, rep, err);
	transport_close(&t);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct replica *r = replica_reset();
	struct sync_report rep;
	struct cd_error err;
	long before = outbox_count(r), after;

	memset(&rep, 0, sizeof(rep));
	cd_error_clear(&err);
	if (exchange(r, data, size, &rep, &err) != 0 && (!err.code || !err.msg[0]))
		fuzz_fail("a failed round without a code or a reason");
	if (getenv("FUZZ_VERBOSE"))
		fprintf(stderr, "round: %s; pushed %ld, pulled %ld, stored %ld, parked %ld, cursor %lld\n",
			err.msg[0] ? err.msg : "done", rep.pushed, rep.pulled, rep.stored, rep.parked,
			rep.cursor);
	after = outbox_count(r);
	if (after < 0 || before - after != rep.pushed)
		fuzz_fail("%ld changes left the outbox, the report says %ld", before - after,
			  rep.pushed);
	check_answered(r, (int)before, data, size);
	replica_close(&r);
	return 0;
}
