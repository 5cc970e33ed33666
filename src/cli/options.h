/* Global options: --config, --replica, --as, --help/-h and --version,
 * accepted before or after the subcommand (DESIGN 5), and one table of
 * them that parsing, usage lines and --help all read. */
#ifndef CAREDESK_CLI_OPTIONS_H
#define CAREDESK_CLI_OPTIONS_H

#include "caredesk/error.h"

struct global_opts {
	const char *config;	/* borrowed from argv */
	const char *replica;
	const char *as;
	int help;		/* --help or -h seen */
	int version;
};

struct global_option {
	const char *name;	/* long name without "--" */
	const char *value;	/* the value's name in usage, NULL for a flag */
	const char *help;
};

/* The global options, in the order usage shows them. */
#define GLOBAL_OPTION_COUNT 5
extern const struct global_option global_options[GLOBAL_OPTION_COUNT];

/* Record global option i (an index in global_options) with its value
 * (NULL for a flag).  -1 with err when a value is empty. */
int global_opts_set(struct global_opts *g, int i, const char *value, struct cd_error *err);

/* The global option at argv[i], spelt out in full ("--replica FILE",
 * "--replica=FILE", "-h"): how many argv slots it takes, or 0 when
 * argv[i] is not one.  Sets it in *g. */
int global_opts_take(int argc, char **argv, int i, struct global_opts *g);

#endif
