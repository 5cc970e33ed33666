/* Global options, accepted before or after the subcommand. */
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

/* Take --config, --replica and --as (as "--opt VALUE" or "--opt=VALUE"),
 * --help/-h and --version out of argv, wherever they are before a "--",
 * compacting argv and updating *argc.  -1 with err on a missing value. */
int global_opts_extract(int *argc, char **argv, struct global_opts *g, struct cd_error *err);

#endif
