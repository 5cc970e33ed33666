/* Global options (see options.h).  caredesk parses them in the same pass
 * as each command's own options (args.c), so that they are never taken
 * out of another option's value; this file holds their one table and the
 * small helpers that pass reads it through. */
#include <string.h>

#include "cli/options.h"

enum { G_CONFIG, G_REPLICA, G_AS, G_HELP, G_VERSION };

const struct global_option global_options[GLOBAL_OPTION_COUNT] = {
	[G_CONFIG] = { "config", "FILE", "read this configuration file" },
	[G_REPLICA] = { "replica", "FILE", "the replica to open (not the config's)" },
	[G_AS] = { "as", "LOGIN", "act as another worker (admins only)" },
	[G_HELP] = { "help", NULL, "this help (also -h)" },
	[G_VERSION] = { "version", NULL, "the version, then exit" },
};

int global_opts_set(struct global_opts *g, int i, const char *value, struct cd_error *err)
{
	const char **slot[] = { [G_CONFIG] = &g->config, [G_REPLICA] = &g->replica,
				[G_AS] = &g->as };

	if (i == G_HELP)
		g->help = 1;
	else if (i == G_VERSION)
		g->version = 1;
	else if (!value || !*value)
		return cd_error_set(err, CD_EX_USAGE, NULL, "option --%s needs a value",
				    global_options[i].name);
	else
		*slot[i] = value;
	return 0;
}

/* The index of "--name" or "--name=..." in global_options, or -1. */
static int lookup(const char *arg, const char **eq)
{
	size_t len;

	if (strcmp(arg, "-h") == 0)
		return G_HELP;
	if (strncmp(arg, "--", 2) != 0)
		return -1;
	*eq = strchr(arg, '=');
	len = *eq ? (size_t)(*eq - arg - 2) : strlen(arg + 2);
	for (int i = 0; i < GLOBAL_OPTION_COUNT; i++)
		if (strlen(global_options[i].name) == len &&
		    strncmp(arg + 2, global_options[i].name, len) == 0)
			return i;
	return -1;
}

static int take(int argc, char **argv, int i, struct global_opts *g, struct cd_error *err)
{
	const char *eq = NULL;
	int k = lookup(argv[i], &eq);

	if (k < 0)
		return 0;
	if (!global_options[k].value || eq)
		return global_opts_set(g, k, eq ? eq + 1 : NULL, err) ? -1 : 1;
	if (global_opts_set(g, k, i + 1 < argc ? argv[i + 1] : NULL, err))
		return -1;
	return 2;
}

int global_opts_take(int argc, char **argv, int i, struct global_opts *g)
{
	struct cd_error err;
	int used;

	cd_error_clear(&err);
	used = take(argc, argv, i, g, &err);
	return used < 0 ? 0 : used;
}
