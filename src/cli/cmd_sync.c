/* caredesk sync: the sync agent's state as the desk shows it, and which
 * central store this replica syncs with.  The agent itself is
 * caredesk-sync; this command never touches the network. */
#include <stdio.h>
#include <string.h>

#include "caredesk/sync.h"
#include "cli/commands.h"

static int status(struct app *app, const struct args *a)
{
	struct replica *r;
	struct sync_status s;
	int rc = app_open(app, &r);

	(void)a;
	if (rc)
		return rc;
	sync_status_read(r, &s);
	if (!s.configured) {
		printf("central       not configured (set one with caredesk sync central URI)\n");
	} else {
		/* What central said reaches the terminal sanitised. */
		app_print_field(13, "central", s.central);
		printf("last success  %s\n", s.last_success[0] ? s.last_success : "never");
		if (s.offline_since[0])
			printf("offline since %s\n", s.offline_since);
		if (s.last_error[0])
			app_print_field(13, "last error", s.last_error);
		printf("cursor        %lld\n", s.cursor);
	}
	printf("waiting       %ld change%s\n", s.waiting, s.waiting == 1 ? "" : "s");
	printf("conflicts     %ld open\n", s.conflicts);
	printf("rejects       %ld\n", s.rejects);
	if (s.parked)
		printf("parked        %ld (pulled before what they refer to)\n", s.parked);
	if (s.archived)
		printf("archived      %ld (moved to another locality)\n", s.archived);
	replica_close(&r);
	return 0;
}

static int set_central(struct app *app, const struct args *a)
{
	const char *uri = a->operand[0];
	struct replica *r;
	struct cd_error err;
	int rc;

	cd_error_clear(&err);
	if (app_check_central_uri(uri, &err))
		return app_fail(&err);
	rc = app_open(app, &r);
	if (rc)
		return rc;
	cd_error_clear(&err);
	/* Another central has its own sequence: start from its beginning. */
	if (sync_change_central(r, uri, &err) == 0)
		sync_state_set(r, "cursor", "0", &err);
	if (err.code)
		rc = app_fail(&err);
	else
		printf("caredesk: this replica now syncs with %s, from the start of its "
		       "sequence\n", uri);
	replica_close(&r);
	return rc;
}

static const struct verb_spec verbs[] = {
	{ "status", NULL, 0, NULL, "the agent's state, as the desk shows it", status },
	{ "central", "URI", 1, NULL, "set the central store this replica syncs with",
	  set_central },
};

const struct command_spec cmd_sync_spec = {
	"sync", "the sync agent's state; the central store", verbs, 2,
	"  URI is file:/path/central.db, ssh://host/path/central.db or\n"
	"  postgresql://host/database (no password: use ~/.pgpass or a service file).\n",
};
