/* Global options anywhere on the command line (see options.h).  Taking them
 * out first lets every subcommand parse only its own options with
 * getopt_long, and lets people type `caredesk referral list --as x`. */
#include <string.h>

#include "cli/options.h"

static const char **slot_for(struct global_opts *g, const char *name)
{
	if (strcmp(name, "config") == 0)
		return &g->config;
	if (strcmp(name, "replica") == 0)
		return &g->replica;
	if (strcmp(name, "as") == 0)
		return &g->as;
	return NULL;
}

/* Returns how many argv slots the option at argv[i] used (0: not global). */
static int take(int argc, char **argv, int i, struct global_opts *g, struct cd_error *err)
{
	const char *arg = argv[i];
	char name[16];
	const char *eq;
	const char **slot;
	size_t len;

	if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)
		return g->help = 1;
	if (strcmp(arg, "--version") == 0)
		return g->version = 1;
	if (strncmp(arg, "--", 2) != 0)
		return 0;
	eq = strchr(arg, '=');
	len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
	if (len >= sizeof(name))
		return 0;
	memcpy(name, arg + 2, len);
	name[len] = '\0';
	slot = slot_for(g, name);
	if (!slot)
		return 0;
	if (eq) {
		*slot = eq + 1;
		return 1;
	}
	if (i + 1 >= argc || argv[i + 1][0] == '\0')
		return cd_error_set(err, CD_EX_USAGE, NULL, "option --%s needs a value", name);
	*slot = argv[i + 1];
	return 2;
}

int global_opts_extract(int *argc, char **argv, struct global_opts *g, struct cd_error *err)
{
	int out = 1;
	int i = 1;

	while (i < *argc) {
		int used;

		if (strcmp(argv[i], "--") == 0) {
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		used = take(*argc, argv, i, g, err);
		if (used < 0)
			return -1;
		if (used == 0)
			argv[out++] = argv[i++];
		else
			i += used;
	}
	argv[out] = NULL;
	*argc = out;
	return 0;
}
