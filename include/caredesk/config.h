/* caredesk.conf: libconfig, found by the search order of DESIGN 5:
 * --config FILE, $XDG_CONFIG_HOME/caredesk/caredesk.conf, then
 * $(sysconfdir)/caredesk/caredesk.conf.  Every setting is documented in
 * caredesk.conf(5); an unknown one is warned about with FILE:LINE, a wrong
 * one is an error with FILE:LINE (exit 78).
 *
 * Its own library (src/config, libcdconfig.a) over core alone, which every
 * program links: caredesk and caredesk-sync read the same file.  The
 * desk's settings are plain data here; the desk checks them and the CLI
 * hands them to it (struct desk_options), so this header knows nothing
 * of the desk. */
#ifndef CAREDESK_CONFIG_H
#define CAREDESK_CONFIG_H

#include <stdbool.h>

#include "caredesk/datetime.h"
#include "caredesk/error.h"
#include "caredesk/referral_rules.h"

#define DEFAULT_REPLICA "/var/lib/caredesk/replica.db"
#define DEFAULT_TIMEZONE "Europe/London"
#define DEFAULT_LOCK_AFTER_S 600	/* the idle lock: ten minutes without a key */
#define DEFAULT_BREAK_GLASS_S (4 * 3600)	/* a break-glass opens a record for 4 hours */

/* lock: what hides an unattended desk, and what brings it back. */
enum config_lock {
	CONFIG_LOCK_PAM,	/* the worker's password, through PAM (service caredesk) */
	CONFIG_LOCK_BLANK,	/* hidden until any key */
	CONFIG_LOCK_NONE,	/* never locks */
};

/* keys = { page_down = ["C-f", "Space"]; }: one entry per desk command named. */
struct config_key_setting {
	const char *command;		/* a desk command name, checked by the desk */
	const char **keys;		/* key names */
	int count;
	const char *file;		/* where it was set, for messages */
	int line;
};

/* colours = { overdue = "red"; }: one entry per part of the screen. */
struct config_colour_setting {
	const char *part;		/* a part of the screen: overdue, title, ... */
	const char *colour;		/* "red", "white on blue", "none" */
	const char *file;		/* where it was set, for messages */
	int line;
};

/* The central group: how the sync agent reaches a PostgreSQL central.
 * NULL or 0: libpq's own default (or the environment's PGSSLMODE...). */
struct central_settings {
	char *sslmode;			/* disable ... verify-full */
	char *sslrootcert, *sslcert, *sslkey;	/* file paths */
	int connect_timeout;		/* seconds */
	int read_timeout;		/* seconds for each line of an answer */
};

struct config {
	char *path;			/* the file read, or NULL for built-in defaults */
	char *replica;			/* replica file path */
	char *timezone;			/* IANA zone for local time */
	struct timescales timescales;
	struct civil_date *closure_days;	/* local closure days besides bank holidays */
	int closure_count;
	int escdelay_ms;		/* the desk's ESC delay; -1: default */
	bool cursor_hidden;		/* cursor = "hidden" */
	struct config_key_setting *keys;	/* the keys group, checked by the desk */
	int key_count;
	struct config_colour_setting *colours;	/* the colours group, checked by the desk */
	int colour_count;
	struct central_settings central;
	long import_field_lines;	/* the import group; 0: csv.h's default */
	long import_field_bytes;
	/* Host-only (DESIGN 5): taken from the host's file, or from the file
	 * --config names; a user's own file that sets them is an error. */
	enum config_lock lock;
	int lock_after_s;		/* seconds without a key before the lock */
	int break_glass_s;		/* how long a break-glass opens a record */
};

/* Read the configuration (explicit_path may be NULL).  Warnings go to
 * stderr; errors fill err with the file and line.  *cfg is owned by the
 * caller and freed with config_free. */
int config_load(const char *explicit_path, struct config *cfg, struct cd_error *err);
void config_free(struct config *cfg);

/* The options every program takes besides its own: --config FILE,
 * --replica FILE and --as LOGIN (which only caredesk acts on).  A program
 * puts CONFIG_LONG_OPTIONS in its getopt_long table (it includes
 * <getopt.h>) and passes each option it reads to config_args_take, so the
 * values are parsed as options, never picked out of another's value. */
struct config_args {
	const char *config;	/* borrowed from argv; NULL when not given */
	const char *replica;
	const char *as;
};

enum { CONFIG_OPT_CONFIG = 0x4300, CONFIG_OPT_REPLICA, CONFIG_OPT_AS };

#define CONFIG_LONG_OPTIONS \
	{ "config", required_argument, NULL, CONFIG_OPT_CONFIG }, \
	{ "replica", required_argument, NULL, CONFIG_OPT_REPLICA }, \
	{ "as", required_argument, NULL, CONFIG_OPT_AS }

/* 1 if getopt_long's `opt` is one of them (its value kept in *a), 0 if
 * not, -1 with err (CD_EX_USAGE) for an empty value. */
int config_args_take(int opt, const char *value, struct config_args *a, struct cd_error *err);

/* The replica file to open: --replica, else the configuration's. */
const char *config_replica_path(const struct config_args *a, const struct config *cfg);

#endif
