/* Reading caredesk.conf (see caredesk/config.h).  libconfig 1.5 is what Debian 12
 * ships, so only its API is used. */
#include <errno.h>
#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caredesk/config.h"

#ifndef CD_SYSCONFDIR
#define CD_SYSCONFDIR "/usr/local/etc"
#endif

/* Top-level settings other than these are a typo or a setting of a newer
 * caredesk: warn, never fail, so one config can serve mixed hosts. */
static const char *const known_timescales[] = { "child", "adult_safeguarding", "adult_other" };

static void defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->replica = cd_strdup(DEFAULT_REPLICA);
	cfg->timezone = cd_strdup(DEFAULT_TIMEZONE);
	timescales_default(&cfg->timescales);
	cfg->escdelay_ms = -1;
	cfg->lock = CONFIG_LOCK_PAM;
	cfg->lock_after_s = DEFAULT_LOCK_AFTER_S;
	cfg->break_glass_s = DEFAULT_BREAK_GLASS_S;
}

void config_free(struct config *cfg)
{
	for (int i = 0; i < cfg->key_count; i++) {
		for (int k = 0; k < cfg->keys[i].count; k++)
			free((char *)cfg->keys[i].keys[k]);
		free(cfg->keys[i].keys);
		free((char *)cfg->keys[i].command);
		free((char *)cfg->keys[i].file);
	}
	free(cfg->keys);
	for (int i = 0; i < cfg->colour_count; i++) {
		free((char *)cfg->colours[i].part);
		free((char *)cfg->colours[i].colour);
		free((char *)cfg->colours[i].file);
	}
	free(cfg->colours);
	free(cfg->central.sslmode);
	free(cfg->central.sslrootcert);
	free(cfg->central.sslcert);
	free(cfg->central.sslkey);
	free(cfg->path);
	free(cfg->replica);
	free(cfg->timezone);
	free(cfg->closure_days);
	memset(cfg, 0, sizeof(*cfg));
}

/* "FILE:LINE: setting: what is wrong" */
static int setting_error(struct cd_error *err, const config_setting_t *s, const char *file,
			 const char *name, const char *what)
{
	cd_error_set(err, CD_EX_CONFIG, name, "%s", what);
	cd_error_at(err, file, s ? (long)config_setting_source_line(s) : 0);
	return -1;
}

static void warn_unknown(const config_setting_t *s, const char *file, const char *where)
{
	fprintf(stderr, "caredesk: %s:%d: warning: unknown setting '%s%s' ignored\n", file,
		config_setting_source_line(s), where, config_setting_name(s));
}

static int read_string(config_setting_t *s, const char *file, char **out, struct cd_error *err)
{
	const char *v;

	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return setting_error(err, s, file, config_setting_name(s),
				     "must be a string in double quotes");
	v = config_setting_get_string(s);
	free(*out);
	*out = cd_strdup(v);
	return 0;
}

static int check_zone(const config_setting_t *s, const char *file, const char *zone,
		      struct cd_error *err)
{
	char what[160];

	if (localzone_set(zone) == 0)
		return 0;
	snprintf(what, sizeof(what), "'%.64s' is not a time zone this system knows "
		 "(e.g. \"Europe/London\")", zone);
	return setting_error(err, s, file, "timezone", what);
}

static int read_timescales(config_setting_t *g, const char *file, struct timescales *t,
			   struct cd_error *err)
{
	int n = config_setting_length(g);

	for (int i = 0; i < n; i++) {
		config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
		const char *name = config_setting_name(s);
		char field[64];
		int v;

		snprintf(field, sizeof(field), "timescales.%s", name);
		if (config_setting_type(s) != CONFIG_TYPE_INT)
			return setting_error(err, s, file, field, "must be a whole number of working days");
		v = config_setting_get_int(s);
		if (v < 0 || v > 60)
			return setting_error(err, s, file, field, "must be 0 to 60 working days");
		if (strcmp(name, known_timescales[0]) == 0)
			t->child = v;
		else if (strcmp(name, known_timescales[1]) == 0)
			t->adult_safeguarding = v;
		else if (strcmp(name, known_timescales[2]) == 0)
			t->adult_other = v;
		else
			warn_unknown(s, file, "timescales.");
	}
	return 0;
}

static int read_closure_days(config_setting_t *a, const char *file, struct config *cfg,
			     struct cd_error *err)
{
	int n = config_setting_length(a);

	cfg->closure_days = cd_calloc((size_t)n, sizeof(*cfg->closure_days));
	for (int i = 0; i < n; i++) {
		config_setting_t *s = config_setting_get_elem(a, (unsigned)i);
		const char *v = config_setting_get_string(s);

		if (!v || date_parse(v, &cfg->closure_days[i]))
			return setting_error(err, s, file, "closure_days",
					     "must list dates as \"YYYY-MM-DD\"");
	}
	cfg->closure_count = n;
	return 0;
}

static int read_escdelay(config_setting_t *s, const char *file, struct config *cfg,
			 struct cd_error *err)
{
	int v;

	if (config_setting_type(s) != CONFIG_TYPE_INT)
		return setting_error(err, s, file, "escdelay", "must be milliseconds, a whole number");
	v = config_setting_get_int(s);
	if (v < 0 || v > 2000)
		return setting_error(err, s, file, "escdelay", "must be 0 to 2000 milliseconds");
	cfg->escdelay_ms = v;
	return 0;
}

/* cursor = "shown" | "hidden": where the terminal cursor is left.  Shown
 * (the default) it sits on the selected row, for screen readers and
 * braille displays; some sighted workers find it a distraction. */
static int read_cursor(config_setting_t *s, const char *file, struct config *cfg,
		       struct cd_error *err)
{
	const char *v;

	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return setting_error(err, s, file, "cursor", "must be \"shown\" or \"hidden\"");
	v = config_setting_get_string(s);
	if (strcmp(v, "shown") != 0 && strcmp(v, "hidden") != 0)
		return setting_error(err, s, file, "cursor", "must be \"shown\" or \"hidden\"");
	cfg->cursor_hidden = strcmp(v, "hidden") == 0;
	return 0;
}

/* keys = { page_down = ["C-f", "Space"]; };  The names are checked by the
 * desk against its action table; here only the shape. */
static int read_keys(config_setting_t *g, const char *file, struct config *cfg,
		     struct cd_error *err)
{
	int n = config_setting_length(g);

	cfg->keys = cd_calloc((size_t)n, sizeof(*cfg->keys));
	for (int i = 0; i < n; i++) {
		config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
		struct config_key_setting *k = &cfg->keys[cfg->key_count];
		int count = config_setting_length(s);
		char field[80];

		snprintf(field, sizeof(field), "keys.%s", config_setting_name(s));
		if (!config_setting_is_array(s) || count < 1)
			return setting_error(err, s, file, field,
					     "must be a list of key names, e.g. [\"C-f\", \"Space\"]");
		k->command = cd_strdup(config_setting_name(s));
		k->file = cd_strdup(file);
		k->line = config_setting_source_line(s);
		k->keys = cd_calloc((size_t)count, sizeof(*k->keys));
		cfg->key_count++;
		for (int j = 0; j < count; j++) {
			const char *name = config_setting_get_string_elem(s, (unsigned)j);

			if (!name)
				return setting_error(err, s, file, field, "key names must be strings");
			k->keys[k->count++] = cd_strdup(name);
		}
	}
	return 0;
}

/* colours = { overdue = "red"; title = "white on blue"; };  The parts and
 * colour names are checked by the desk; here only the shape. */
static int read_colours(config_setting_t *g, const char *file, struct config *cfg,
			struct cd_error *err)
{
	int n = config_setting_length(g);

	cfg->colours = cd_calloc((size_t)n, sizeof(*cfg->colours));
	for (int i = 0; i < n; i++) {
		config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
		struct config_colour_setting *c = &cfg->colours[cfg->colour_count];
		const char *value = config_setting_get_string(s);
		char field[80];

		snprintf(field, sizeof(field), "colours.%s", config_setting_name(s));
		if (!value)
			return setting_error(err, s, file, field,
					     "must be a string, e.g. \"red\" or \"white on blue\"");
		c->part = cd_strdup(config_setting_name(s));
		c->colour = cd_strdup(value);
		c->file = cd_strdup(file);
		c->line = config_setting_source_line(s);
		cfg->colour_count++;
	}
	return 0;
}

static const char *const sslmodes[] = { "disable", "allow", "prefer", "require", "verify-ca",
					 "verify-full", NULL };

static int read_sslmode(config_setting_t *s, const char *file, struct central_settings *c,
			struct cd_error *err)
{
	if (read_string(s, file, &c->sslmode, err))
		return -1;
	for (int i = 0; sslmodes[i]; i++)
		if (strcmp(c->sslmode, sslmodes[i]) == 0)
			return 0;
	return setting_error(err, s, file, "central.sslmode", "must be disable, allow, prefer, "
			     "require, verify-ca or verify-full");
}

static int read_timeout(config_setting_t *s, const char *file, struct central_settings *c,
			struct cd_error *err)
{
	if (config_setting_type(s) != CONFIG_TYPE_INT || config_setting_get_int(s) < 1 ||
	    config_setting_get_int(s) > 600)
		return setting_error(err, s, file, "central.connect_timeout",
				     "must be 1 to 600 seconds, a whole number");
	c->connect_timeout = config_setting_get_int(s);
	return 0;
}

static int read_read_timeout(config_setting_t *s, const char *file, struct central_settings *c,
			     struct cd_error *err);

/* central = { sslmode = "verify-full"; sslrootcert = "/etc/..."; }; */
static int read_central(config_setting_t *g, const char *file, struct central_settings *c,
			struct cd_error *err)
{
	for (int i = 0; i < config_setting_length(g); i++) {
		config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
		const char *name = config_setting_name(s);
		int rc = 0;

		if (strcmp(name, "sslmode") == 0)
			rc = read_sslmode(s, file, c, err);
		else if (strcmp(name, "sslrootcert") == 0)
			rc = read_string(s, file, &c->sslrootcert, err);
		else if (strcmp(name, "sslcert") == 0)
			rc = read_string(s, file, &c->sslcert, err);
		else if (strcmp(name, "sslkey") == 0)
			rc = read_string(s, file, &c->sslkey, err);
		else if (strcmp(name, "connect_timeout") == 0)
			rc = read_timeout(s, file, c, err);
		else if (strcmp(name, "read_timeout") == 0)
			rc = read_read_timeout(s, file, c, err);
		else
			warn_unknown(s, file, "central.");
		if (rc)
			return -1;
	}
	return 0;
}

/* One whole number from lo to hi, named group.name in messages. */
static int read_int_in(config_setting_t *s, const char *file, const char *name, long lo, long hi,
		       long *out, struct cd_error *err)
{
	char why[96];
	long v;

	snprintf(why, sizeof(why), "must be a whole number from %ld to %ld", lo, hi);
	if (config_setting_type(s) != CONFIG_TYPE_INT && config_setting_type(s) != CONFIG_TYPE_INT64)
		return setting_error(err, s, file, name, why);
	v = (long)config_setting_get_int64(s);
	if (v < lo || v > hi)
		return setting_error(err, s, file, name, why);
	*out = v;
	return 0;
}

/* central.read_timeout: how long the agent waits for the next line of an
 * answer before it takes the central as stalled. */
static int read_read_timeout(config_setting_t *s, const char *file, struct central_settings *c,
			     struct cd_error *err)
{
	long v;

	if (read_int_in(s, file, "central.read_timeout", 1, 3600, &v, err))
		return -1;
	c->read_timeout = (int)v;
	return 0;
}

/* import = { field_lines = 100; field_bytes = 65536; }: how far one
 * quoted field of an intake CSV may run before its quote is taken as
 * never closed (csv.h). */
static int read_import(config_setting_t *g, const char *file, struct config *cfg,
		       struct cd_error *err)
{
	for (int i = 0; i < config_setting_length(g); i++) {
		config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
		const char *name = config_setting_name(s);
		int rc = 0;

		if (strcmp(name, "field_lines") == 0)
			rc = read_int_in(s, file, "import.field_lines", 1, 100000,
					 &cfg->import_field_lines, err);
		else if (strcmp(name, "field_bytes") == 0)
			rc = read_int_in(s, file, "import.field_bytes", 1024, 1048576,
					 &cfg->import_field_bytes, err);
		else
			warn_unknown(s, file, "import.");
		if (rc)
			return -1;
	}
	return 0;
}

/* lock = "pam" | "blank" | "none" */
static int read_lock(config_setting_t *s, const char *file, struct config *cfg,
		     struct cd_error *err)
{
	static const char *const modes[] = { [CONFIG_LOCK_PAM] = "pam",
					     [CONFIG_LOCK_BLANK] = "blank",
					     [CONFIG_LOCK_NONE] = "none" };
	const char *v = config_setting_get_string(s);

	for (int i = 0; v && i < (int)(sizeof(modes) / sizeof(modes[0])); i++)
		if (strcmp(v, modes[i]) == 0) {
			cfg->lock = (enum config_lock)i;
			return 0;
		}
	return setting_error(err, s, file, "lock", "must be \"pam\", \"blank\" or \"none\"");
}

/* A length of time: a number of `unit`s (lock_after = 10; minutes,
 * break_glass_lasts = 4; hours) or a string such as "90s", "10m", "1h",
 * so that a test or a demo can use seconds.  1 second to 24 hours. */
static int read_duration(config_setting_t *s, const char *file, const char *name, int unit,
			 const char *unit_name, int *out, struct cd_error *err)
{
	char what[200];
	int64_t secs = -1;

	if (config_setting_type(s) == CONFIG_TYPE_INT)
		secs = (int64_t)config_setting_get_int(s) * unit;
	else if (config_setting_type(s) != CONFIG_TYPE_STRING ||
		 duration_parse(config_setting_get_string(s), unit, &secs))
		secs = -1;
	if (secs >= 1 && secs <= DURATION_MAX_SECONDS) {
		*out = (int)secs;
		return 0;
	}
	snprintf(what, sizeof(what), "must be %s (up to 24 hours) or a time such as \"90s\", "
		 "\"10m\" or \"1h\" (1 second to 24 hours)", unit_name);
	return setting_error(err, s, file, name, what);
}

/* The host-only settings this file reads (DESIGN 5 names more: the
 * replica, the central, the timescales; not yet refused here). */
static bool is_host_only(const char *name)
{
	return strcmp(name, "lock") == 0 || strcmp(name, "lock_after") == 0 ||
	       strcmp(name, "break_glass_lasts") == 0;
}

/* Where the file read came from: a user's own file may not set the
 * host-only settings, which then come from the host's file. */
enum config_source { SOURCE_NONE, SOURCE_EXPLICIT, SOURCE_USER, SOURCE_HOST };

/* A file named by --config sets the host-only settings only when it is the
 * host's: run by root, or owned by root and writable by no one else.  A
 * worker's own --config cannot lengthen their break-glass or turn their
 * idle lock off. */
static bool explicit_file_is_hosts(const char *file)
{
	struct stat sb;

	if (getuid() == 0)
		return true;
	return stat(file, &sb) == 0 && sb.st_uid == 0 && !(sb.st_mode & (S_IWGRP | S_IWOTH));
}

/* A host-only setting: read, or refused when the file may not set it. */
static int read_host_only(config_setting_t *s, const char *file, enum config_source from,
			  struct config *cfg, struct cd_error *err)
{
	const char *name = config_setting_name(s);
	char what[240];

	if (from == SOURCE_USER) {
		snprintf(what, sizeof(what), "is a host-only setting: a user's file may not set "
			 "it (set it in %s/caredesk/caredesk.conf)", CD_SYSCONFDIR);
		return setting_error(err, s, file, name, what);
	}
	if (from == SOURCE_EXPLICIT && !explicit_file_is_hosts(file)) {
		snprintf(what, sizeof(what), "is a host-only setting: a file named by --config "
			 "sets it only when owned by root and writable by no one else");
		return setting_error(err, s, file, name, what);
	}
	if (strcmp(name, "lock") == 0)
		return read_lock(s, file, cfg, err);
	if (strcmp(name, "break_glass_lasts") == 0)
		return read_duration(s, file, name, 3600, "hours", &cfg->break_glass_s, err);
	return read_duration(s, file, name, 60, "minutes", &cfg->lock_after_s, err);
}

static int apply(config_t *c, const char *file, enum config_source from, struct config *cfg,
		 struct cd_error *err)
{
	config_setting_t *root = config_root_setting(c);
	int n = config_setting_length(root);

	for (int i = 0; i < n; i++) {
		config_setting_t *s = config_setting_get_elem(root, (unsigned)i);
		const char *name = config_setting_name(s);
		int rc = 0;

		if (is_host_only(name))
			rc = read_host_only(s, file, from, cfg, err);
		else if (strcmp(name, "replica") == 0)
			rc = read_string(s, file, &cfg->replica, err);
		else if (strcmp(name, "timezone") == 0)
			rc = read_string(s, file, &cfg->timezone, err) ||
			     check_zone(s, file, cfg->timezone, err);
		else if (strcmp(name, "timescales") == 0 && config_setting_is_group(s))
			rc = read_timescales(s, file, &cfg->timescales, err);
		else if (strcmp(name, "closure_days") == 0 && config_setting_is_array(s))
			rc = read_closure_days(s, file, cfg, err);
		else if (strcmp(name, "escdelay") == 0)
			rc = read_escdelay(s, file, cfg, err);
		else if (strcmp(name, "cursor") == 0)
			rc = read_cursor(s, file, cfg, err);
		else if (strcmp(name, "keys") == 0 && config_setting_is_group(s))
			rc = read_keys(s, file, cfg, err);
		else if (strcmp(name, "colours") == 0 && config_setting_is_group(s))
			rc = read_colours(s, file, cfg, err);
		else if (strcmp(name, "central") == 0 && config_setting_is_group(s))
			rc = read_central(s, file, &cfg->central, err);
		else if (strcmp(name, "import") == 0 && config_setting_is_group(s))
			rc = read_import(s, file, cfg, err);
		else if (strcmp(name, "timescales") == 0 || strcmp(name, "closure_days") == 0 ||
			 strcmp(name, "keys") == 0 || strcmp(name, "colours") == 0 ||
			 strcmp(name, "central") == 0 || strcmp(name, "import") == 0)
			rc = setting_error(err, s, file, name, "has the wrong shape (see caredesk.conf(5))");
		else
			warn_unknown(s, file, "");
		if (rc)
			return -1;
	}
	return 0;
}

static void host_path(char *out, size_t size)
{
	snprintf(out, size, "%s/caredesk/caredesk.conf", CD_SYSCONFDIR);
}

/* The first file of the search order that exists, and which one it is
 * (-1 with err when an explicit --config cannot be read). */
static int find_file(const char *explicit_path, char *out, size_t size, struct cd_error *err)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	if (explicit_path) {
		if (access(explicit_path, R_OK) != 0) {
			cd_error_set(err, CD_EX_CONFIG, NULL, "cannot read %s: %s", explicit_path,
				     strerror(errno));
			return -1;
		}
		snprintf(out, size, "%s", explicit_path);
		return SOURCE_EXPLICIT;
	}
	if (xdg && *xdg)
		snprintf(out, size, "%s/caredesk/caredesk.conf", xdg);
	else
		snprintf(out, size, "%s/.config/caredesk/caredesk.conf", home ? home : "");
	if (access(out, R_OK) == 0)
		return SOURCE_USER;
	host_path(out, size);
	return access(out, R_OK) == 0 ? SOURCE_HOST : SOURCE_NONE;
}

/* Parse one file; -1 with err (FILE:LINE) for a syntax error. */
static int read_file(config_t *c, const char *path, struct cd_error *err)
{
	config_init(c);
	if (config_read_file(c, path) == CONFIG_TRUE)
		return 0;
	cd_error_set(err, CD_EX_CONFIG, NULL, "%s", config_error_text(c));
	cd_error_at(err, config_error_file(c) ? config_error_file(c) : path, config_error_line(c));
	config_destroy(c);
	return -1;
}

/* Beside a user's own file, the host's file still decides the host-only
 * settings (its other settings are not merged: the user's file is the
 * one read, as caredesk.conf(5) says). */
static int apply_host_only(struct config *cfg, struct cd_error *err)
{
	char path[4096];
	config_t c;
	int rc = 0;

	host_path(path, sizeof(path));
	if (access(path, R_OK) != 0)
		return 0;
	if (read_file(&c, path, err))
		return -1;
	for (int i = 0; rc == 0 && i < config_setting_length(config_root_setting(&c)); i++) {
		config_setting_t *s = config_setting_get_elem(config_root_setting(&c), (unsigned)i);

		if (is_host_only(config_setting_name(s)))
			rc = read_host_only(s, path, true, cfg, err);
	}
	config_destroy(&c);
	return rc;
}

int config_load(const char *explicit_path, struct config *cfg, struct cd_error *err)
{
	char path[4096];
	config_t c;
	int found, rc;

	defaults(cfg);
	found = find_file(explicit_path, path, sizeof(path), err);
	if (found <= 0)
		return found;
	if (read_file(&c, path, err))
		return -1;
	cfg->path = cd_strdup(path);
	rc = apply(&c, path, (enum config_source)found, cfg, err);
	config_destroy(&c);
	if (rc == 0 && found == SOURCE_USER)
		rc = apply_host_only(cfg, err);
	return rc;
}

static const char *const arg_names[] = { "config", "replica", "as" };

int config_args_take(int opt, const char *value, struct config_args *a, struct cd_error *err)
{
	const char **slot[] = { &a->config, &a->replica, &a->as };
	int i = opt - CONFIG_OPT_CONFIG;

	if (i < 0 || i > 2)
		return 0;
	if (!value || !*value)
		return cd_error_set(err, CD_EX_USAGE, NULL, "option --%s needs a value", arg_names[i]);
	*slot[i] = value;
	return 1;
}

const char *config_replica_path(const struct config_args *a, const struct config *cfg)
{
	return a->replica ? a->replica : cfg->replica;
}
