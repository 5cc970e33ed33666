/* What each subcommand takes, declared once.
 *
 * A command is a table of verbs ("referral list", "referral show", ...) and
 * each verb a table of options (name, value or flag, required or not, help).
 * The parser, the usage lines, --help and the usage errors all read those
 * tables, so what a command accepts and what it says it accepts cannot
 * drift apart (tmux's cmd_entry does the same).  The global options
 * (options.h) are parsed in the same pass as the verb's own, so a value
 * such as `--body -h` is always the value of the option before it. */
#ifndef CAREDESK_CLI_ARGS_H
#define CAREDESK_CLI_ARGS_H

#include <stdio.h>

#include "cli/options.h"

struct app;

enum opt_flag {
	OPT_REQUIRED = 1,	/* must be given (in a group: one of the group must) */
	OPT_EXCLUSIVE = 2,	/* in a group: at most one of the group */
	OPT_CHOICE = 4,		/* the value is one of value's "a|b|c", checked when parsed */
	OPT_BY_RULE = 8,	/* shown as required, but left to the domain rule to
				 * refuse (exit 65 and the rule's message, as on the desk) */
};

struct opt_spec {
	const char *name;	/* long name without "--"; NULL ends a table */
	const char *value;	/* the value's name in usage ("FILE"), NULL for a flag */
	const char *help;	/* one short line for --help */
	unsigned flags;		/* enum opt_flag */
	int group;		/* options of one nonzero group are alternatives */
};

#define ARGS_MAX 16		/* options of one verb, and operands */

struct args;

struct verb_spec {
	const char *name;	/* "list"; NULL for a command without verbs */
	const char *operands;	/* usage words after the verb ("ID"), or NULL */
	int operand_count;	/* exactly this many operands */
	const struct opt_spec *opts;	/* NULL-named entry ends it */
	const char *summary;	/* one line for --help */
	int (*run)(struct app *app, const struct args *a);
};

struct command_spec {
	const char *name;
	const char *summary;	/* its line in `caredesk --help` */
	const struct verb_spec *verbs;
	int verb_count;
	const char *notes;	/* printed after the options by --help, or NULL */
};

/* A parsed command line; every pointer is borrowed from argv or the tables. */
struct args {
	const struct command_spec *cmd;
	const struct verb_spec *verb;	/* NULL only when --help asked for the whole command */
	const char *value[ARGS_MAX];	/* by index in verb->opts; "" for a flag given */
	const char *operand[ARGS_MAX];
	int operand_count;
};

/* Parse argv (argv[0] is the command's name) for cmd, together with the
 * global options, into *a and *g.  Returns 0, or prints a usage error and
 * returns CD_EX_USAGE.  With --help seen (g->help), only the verb is
 * looked for: missing or stray arguments are not errors then. */
int args_parse(const struct command_spec *cmd, int argc, char **argv, struct global_opts *g,
	       struct args *a);

/* The global options before the command: argv[*first] is the command's
 * name (or *first == argc).  Returns 0, or reports the error (without
 * usage) and returns CD_EX_USAGE. */
int args_parse_globals(int argc, char **argv, struct global_opts *g, int *first);

/* The usage lines of cmd (of one verb when verb is not NULL). */
void args_usage(FILE *fp, const struct command_spec *cmd, const struct verb_spec *verb);

/* --help: the usage lines, each verb's options with their help, the notes
 * and the global options. */
void args_help(FILE *fp, const struct command_spec *cmd, const struct verb_spec *verb);

/* Report a usage error for a parsed command (message, then its usage on
 * stderr) and return CD_EX_USAGE. */
int args_usage_error(const struct args *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Output formats shared by list and export commands.  An option "format"
 * with OPT_CHOICE lists the names it accepts; the first is its default. */
enum out_format { FORMAT_TABLE, FORMAT_TEXT, FORMAT_CSV, FORMAT_JSON };
#define FORMAT_OPTION(names) \
	{ "format", names, "output format", OPT_CHOICE, 0 }

/* The format the option at index opt asks for (checked when parsed). */
enum out_format args_format(const struct args *a, int opt);

#endif
