/* The subcommands of caredesk(1) and what they share. */
#ifndef CAREDESK_CLI_COMMANDS_H
#define CAREDESK_CLI_COMMANDS_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "caredesk/replica.h"
#include "caredesk/config.h"
#include "cli/args.h"
#include "cli/options.h"

struct app {
	struct global_opts opts;
	struct config cfg;
	char login[LOGIN_MAX];		/* the invoking Unix user */
	double started_ms;		/* CLOCK_MONOTONIC at start, for timings */
};

/* Every command is a table of verbs and their options (args.h); each
 * verb's run returns an exit status from enum cd_exit. */
extern const struct command_spec cmd_init_spec, cmd_demo_spec, cmd_generate_spec,
	cmd_import_spec, cmd_export_spec, cmd_referral_spec, cmd_note_spec, cmd_handover_spec,
	cmd_case_spec, cmd_worker_spec, cmd_sync_spec, cmd_conflicts_spec, cmd_central_spec,
	cmd_check_spec, cmd_permissions_spec, cmd_person_spec, cmd_access_spec;

/* caredesk without a command: the desk, or the summary without a terminal. */
int cmd_summary(struct app *app);

/* Run caredesk-sync on a replica: --once (waited for; its exit status)
 * or --watch (left running, its stderr quietened; *pid to stop it). */
int app_run_agent(const char *replica, bool once, pid_t *pid);

/* The first sync of a new replica made as `fresh` (path.new): run the
 * agent once, then rename it to `path`, so no desk ever opens a replica
 * half filled.  On failure `fresh` is removed.  Returns an exit status. */
int app_first_sync(const char *fresh, const char *path);
/* Its two halves: fill `fresh` by a first sync (removed if that fails),
 * then rename it to `path`. */
int app_first_fill(const char *fresh, const char *path);
int app_place_replica(const char *fresh, const char *path);
/* A filled `fresh` not to be placed after all: it and its agent's lock go. */
void app_discard_fresh(const char *fresh);

/* A central store's URI as a replica may keep it: file:/path,
 * ssh://host/path or postgresql://..., never with a password in it (the
 * replica is readable by every desk user). */
int app_check_central_uri(const char *uri, struct cd_error *err);

/* Make the new replica `path` and fill it with generated data (see
 * generator.h), registering the invoking user as an admin of admin_team.
 * Removes the file on failure.  Returns an exit status. */
struct generate_params;
int generate_replica(struct app *app, const char *path, const struct generate_params *p,
		     const char *admin_team);

/* Open the desk on r when stdin and stdout are a terminal; otherwise print
 * the summary.  Returns an exit status. */
int app_desk_or_summary(struct app *app, struct replica *r);

/* The replica at a glance (counts of people, queue, cases, handover). */
void print_summary(struct replica *r, FILE *fp);

/* The replica path: --replica, else the config's. */
const char *app_replica_path(const struct app *app);

/* Open the replica as the invoking user (or --as, for an admin), with the
 * configured timescales and closure days.  Prints the reason and returns an
 * exit status on failure; *out is owned by the caller. */
int app_open(struct app *app, struct replica **out);

/* Open without an identity (for commands that make or inspect a replica). */
int app_open_anonymous(struct app *app, const char *path, int flags, struct replica **out);

/* Print "caredesk: FILE:LINE: field: message" and return err->code. */
int app_fail(const struct cd_error *err);

/* Write the rows of a prepared statement (all columns, as named) in a
 * format; JSON and CSV carry values as stored, the table sanitises text.
 * -1 with err (CD_EX_IOERR for a failed write) when a step or write fails. */
int write_rows(FILE *fp, sqlite3_stmt *st, enum out_format format, struct cd_error *err);

/* write_rows to stdout, reporting a failure; returns an exit status. */
int app_write_rows(sqlite3_stmt *st, enum out_format format);
/* One "name value" line of a record shown as text (referral show, person
 * show), the value sanitised for this terminal as the tables are. */
void app_print_field(int width, const char *name, const char *value);

/* One line of a message (printf's format) that may quote stored or
 * imported text, sanitised as the desk's text is: a name, a code or a
 * central's error can never put an escape sequence on a terminal, and a
 * log file of these lines is as safe to cat later. */
void app_message(FILE *fp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* JSON text as it is, but with C1 controls and bidi overrides and isolates
 * written as \uXXXX escapes (the same characters, inert in any viewer). */
void app_write_json(FILE *fp, const char *json);

/* At exit: flush and close stdout, and say so if anything written there
 * was lost (a full disk, a closed pipe).  Returns rc, or CD_EX_IOERR when
 * rc was 0 and output was lost. */
int app_finish_output(int rc);

/* Prepare a listing's query in the shape a format needs (owned by the
 * caller: sqlite3_finalize). */
struct listing;
sqlite3_stmt *app_prepare_listing(struct replica *r, const struct listing *l, enum out_format f);

/* A "list" verb: its options (--format table|csv|json, index 0) and
 * its run, the export listing of `table` as the invoking worker. */
extern const struct opt_spec app_list_opts[];
int app_list(struct app *app, const struct args *a, const char *table);

#endif
