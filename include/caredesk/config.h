/* caredesk.conf: libconfig, found by the search order of DESIGN 5:
 * --config FILE, $XDG_CONFIG_HOME/caredesk/caredesk.conf, then
 * $(sysconfdir)/caredesk/caredesk.conf.  Every setting is documented in
 * caredesk.conf(5); an unknown one is warned about with FILE:LINE, a wrong
 * one is an error with FILE:LINE (exit 78). */
#ifndef CAREDESK_CLI_CONFIG_H
#define CAREDESK_CLI_CONFIG_H

#include "caredesk/datetime.h"
#include "caredesk/desk.h"
#include "caredesk/error.h"
#include "caredesk/referral_rules.h"

#define DEFAULT_REPLICA "/var/lib/caredesk/replica.db"
#define DEFAULT_TIMEZONE "Europe/London"

/* The central group: how the sync agent reaches a PostgreSQL central.
 * NULL or 0: libpq's own default (or the environment's PGSSLMODE...). */
struct central_settings {
	char *sslmode;			/* disable ... verify-full */
	char *sslrootcert, *sslcert, *sslkey;	/* file paths */
	int connect_timeout;		/* seconds */
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
	struct desk_key_setting *keys;	/* the keys group, checked by the desk */
	int key_count;
	struct desk_colour_setting *colours;	/* the colours group, checked by the desk */
	int colour_count;
	struct central_settings central;
};

/* Read the configuration (explicit_path may be NULL).  Warnings go to
 * stderr; errors fill err with the file and line.  *cfg is owned by the
 * caller and freed with config_free. */
int config_load(const char *explicit_path, struct config *cfg, struct cd_error *err);
void config_free(struct config *cfg);

#endif
