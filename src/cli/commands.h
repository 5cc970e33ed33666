/* The subcommands of caredesk(1) and what they share. */
#ifndef CAREDESK_CLI_COMMANDS_H
#define CAREDESK_CLI_COMMANDS_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "caredesk/replica.h"
#include "caredesk/config.h"
#include "cli/options.h"

struct app {
	struct global_opts opts;
	struct config cfg;
	char login[LOGIN_MAX];		/* the invoking Unix user */
	double started_ms;		/* CLOCK_MONOTONIC at start, for timings */
};

/* Every command takes the app and its own argv (argv[0] is the command
 * name) and returns an exit status from enum cd_exit. */
int cmd_init(struct app *app, int argc, char **argv);
int cmd_worker(struct app *app, int argc, char **argv);
int cmd_referral(struct app *app, int argc, char **argv);
int cmd_note(struct app *app, int argc, char **argv);
int cmd_case(struct app *app, int argc, char **argv);
int cmd_sync(struct app *app, int argc, char **argv);
int cmd_conflicts(struct app *app, int argc, char **argv);
int cmd_handover(struct app *app, int argc, char **argv);
int cmd_export(struct app *app, int argc, char **argv);
int cmd_check(struct app *app, int argc, char **argv);
int cmd_import(struct app *app, int argc, char **argv);
int cmd_generate(struct app *app, int argc, char **argv);
int cmd_demo(struct app *app, int argc, char **argv);
int cmd_summary(struct app *app, int argc, char **argv);
int cmd_central(struct app *app, int argc, char **argv);

/* Run caredesk-sync on a replica: --once (waited for; its exit status)
 * or --watch (left running, its stderr quietened; *pid to stop it). */
int app_run_agent(const char *replica, bool once, pid_t *pid);

/* The first sync of a new replica made as `fresh` (path.new): run the
 * agent once, then rename it to `path`, so no desk ever opens a replica
 * half filled.  On failure `fresh` is removed.  Returns an exit status. */
int app_first_sync(const char *fresh, const char *path);

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

/* Print a usage error for command `cmd` (message, then the usage text) and
 * return CD_EX_USAGE. */
int app_usage_error(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Output formats shared by list and export commands. */
enum out_format { FORMAT_TABLE, FORMAT_CSV, FORMAT_JSON };
int parse_format(const char *s, enum out_format *out);

/* Write the rows of a prepared statement (all columns, as named) in a
 * format; JSON and CSV carry values as stored, the table sanitises text. */
void write_rows(FILE *fp, sqlite3_stmt *st, enum out_format format);

/* Prepare a listing's query in the shape a format needs (owned by the
 * caller: sqlite3_finalize). */
struct listing;
sqlite3_stmt *app_prepare_listing(struct replica *r, const struct listing *l, enum out_format f);

/* A "list" subcommand: [--format table|csv|json] and the export listing
 * of `table`, as the invoking worker.  Returns an exit status. */
int app_list_command(struct app *app, int argc, char **argv, const char *usage,
		     const char *table);

/* For getopt_long loops: the usage error for the '?' or ':' it returned. */
int app_option_error(const char *usage, char **argv, int c);

/* Reset getopt for a subcommand's argv (argv[0] is the command name). */
void app_getopt_reset(void);

#endif
