/* Parsing a command line against a command's tables (see args.h).
 *
 * getopt_long does the reading, given the verb's options and the global
 * ones together: an option's value is always the value, whatever it looks
 * like ("--body -h", "--body=--as"), "--" ends the options, and options may
 * follow operands.  The checks getopt cannot make (operand count, required
 * options, alternatives, a choice of values) come from the same table. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/args.h"
#include "caredesk/error.h"

#define VAL_VERB 256		/* getopt values: 256 + index in the verb's table */
#define VAL_GLOBAL 512		/* 512 + index in global_options */
#define MESSAGE_MAX 512

/* One parse: the tables, the results, and the first error met. */
struct parse {
	struct args *a;
	struct global_opts *g;
	char error[MESSAGE_MAX];
};

static int opt_count(const struct opt_spec *opts)
{
	int n = 0;

	while (opts && opts[n].name)
		n++;
	return n;
}

/* "referral list", or "export" for a command without verbs. */
static void verb_path(const struct command_spec *cmd, const struct verb_spec *verb, char *buf,
		      size_t size)
{
	if (verb && verb->name)
		snprintf(buf, size, "%s %s", cmd->name, verb->name);
	else
		snprintf(buf, size, "%s", cmd->name);
}

__attribute__((format(printf, 2, 3)))
static void parse_error(struct parse *p, const char *fmt, ...)
{
	va_list ap;

	if (p->error[0])
		return;
	va_start(ap, fmt);
	vsnprintf(p->error, sizeof(p->error), fmt, ap);
	va_end(ap);
}

/* "a|b|c" read as "a, b or c", for messages. */
static void choices_text(const char *names, char *buf, size_t size)
{
	size_t n = 0;
	const char *last = strrchr(names, '|');

	for (const char *s = names; *s && n + 4 < size; s++) {
		if (*s != '|') {
			buf[n++] = *s;
			continue;
		}
		n += (size_t)snprintf(buf + n, size - n, s == last ? " or " : ", ");
	}
	buf[n < size ? n : size - 1] = '\0';
}

static int is_choice(const char *names, const char *value)
{
	size_t len = strlen(value);

	for (const char *s = names; s; s = strchr(s, '|'), s = s ? s + 1 : NULL)
		if (strncmp(s, value, len) == 0 && (s[len] == '|' || s[len] == '\0'))
			return 1;
	return 0;
}

static void take_verb_option(struct parse *p, int i, const char *value)
{
	const struct opt_spec *o = &p->a->verb->opts[i];

	if (p->a->value[i])
		parse_error(p, "option --%s given twice", o->name);
	p->a->value[i] = o->value ? value : "";
	if ((o->flags & OPT_CHOICE) && !is_choice(o->value, value)) {
		char choices[128];

		choices_text(o->value, choices, sizeof(choices));
		parse_error(p, "--%s is %s", o->name, choices);
	}
}

static void take_operand(struct parse *p, const char *arg)
{
	if (p->a->operand_count < ARGS_MAX)
		p->a->operand[p->a->operand_count] = arg;
	p->a->operand_count++;
}

/* What getopt returned for an option it could not read. */
static void getopt_error(struct parse *p, char **argv, int c)
{
	const char *arg = argv[optind - 1];

	if (c == ':')
		parse_error(p, "option %s needs a value", arg);
	else if (optopt >= VAL_VERB)	/* a flag given a value: --all=yes */
		parse_error(p, "option %.*s takes no value", (int)strcspn(arg, "="), arg);
	else
		parse_error(p, "unknown option '%s'", arg);
}

static void take(struct parse *p, char **argv, int c)
{
	struct cd_error err;

	cd_error_clear(&err);
	if (c == 1)
		take_operand(p, optarg);
	else if (c == 'h')
		p->g->help = 1;
	else if (c >= VAL_GLOBAL && global_opts_set(p->g, c - VAL_GLOBAL, optarg, &err))
		parse_error(p, "%s", err.msg);
	else if (c >= VAL_VERB && c < VAL_GLOBAL)
		take_verb_option(p, c - VAL_VERB, optarg);
	else if (c < VAL_VERB)
		getopt_error(p, argv, c);
}

/* The verb's options and the global ones, as getopt_long wants them. */
static void build_longopts(const struct verb_spec *verb, struct option *out)
{
	int n = 0;

	for (int i = 0; verb && i < opt_count(verb->opts); i++)
		out[n++] = (struct option){ verb->opts[i].name,
					    verb->opts[i].value ? required_argument : no_argument,
					    NULL, VAL_VERB + i };
	for (int i = 0; i < GLOBAL_OPTION_COUNT; i++)
		out[n++] = (struct option){ global_options[i].name,
					    global_options[i].value ? required_argument : no_argument,
					    NULL, VAL_GLOBAL + i };
	out[n] = (struct option){ NULL, 0, NULL, 0 };
}

static void read_options(struct parse *p, int argc, char **argv)
{
	struct option longopts[ARGS_MAX + GLOBAL_OPTION_COUNT + 1];
	int c;

	build_longopts(p->a->verb, longopts);
	/* optind 0 makes glibc start afresh; "-" hands operands back in
	 * order, ":" reports a missing value apart from an unknown option. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "-:h", longopts, NULL)) != -1)
		take(p, argv, c);
	while (optind < argc)
		take_operand(p, argv[optind++]);
}

/* The verb: the first word after the command that is not a global option
 * (or its value).  NULL when there is none (the caller says why). */
static const char *find_verb_name(int argc, char **argv, struct global_opts *g)
{
	int i = 1;

	while (i < argc) {
		int used = global_opts_take(argc, argv, i, g);

		if (used == 0)
			return argv[i][0] == '-' ? NULL : argv[i];
		i += used;
	}
	return NULL;
}

/* "list, show, triage or allocate". */
static void verb_list(const struct command_spec *cmd, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < cmd->verb_count && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s",
				      i == 0 ? "" : i == cmd->verb_count - 1 ? " or " : ", ",
				      cmd->verbs[i].name);
}

static int choose_verb(struct parse *p, int argc, char **argv)
{
	const struct command_spec *cmd = p->a->cmd;
	const char *name;
	char verbs[256];

	if (!cmd->verbs[0].name) {
		p->a->verb = &cmd->verbs[0];
		return 0;
	}
	name = find_verb_name(argc, argv, p->g);
	for (int i = 0; name && i < cmd->verb_count; i++)
		if (strcmp(name, cmd->verbs[i].name) == 0) {
			p->a->verb = &cmd->verbs[i];
			return 0;
		}
	if (p->g->help)
		return 0;
	verb_list(cmd, verbs, sizeof(verbs));
	if (name)
		parse_error(p, "unknown %s command '%s'", cmd->name, name);
	else
		parse_error(p, "%s needs %s", cmd->name, verbs);
	return -1;
}

/* The verb was found before parsing; the verb's run wants only what
 * follows it. */
static void drop_verb(struct args *a)
{
	if (!a->verb || !a->verb->name || a->operand_count == 0)
		return;
	memmove(a->operand, a->operand + 1, sizeof(a->operand[0]) * (ARGS_MAX - 1));
	a->operand[ARGS_MAX - 1] = NULL;
	a->operand_count--;
}

static void check_operands(struct parse *p, const char *path)
{
	const struct verb_spec *v = p->a->verb;
	int have = p->a->operand_count;
	const char *first = p->a->operand[0];

	if (have == v->operand_count)
		return;
	if (v->operand_count == 0)
		parse_error(p, "unexpected argument '%s'", first);
	else if (v->operand_count == 1)
		parse_error(p, "%s takes one %s", path, v->operands);
	else
		parse_error(p, "%s takes %s", path, v->operands);
}

/* Every required option that is not in a group, named in one message. */
static void check_required(struct parse *p, const char *path)
{
	const struct opt_spec *o = p->a->verb->opts;
	char missing[256] = "";
	int count = 0, n = opt_count(o), last = -1;
	size_t len = 0;

	for (int i = 0; i < n; i++)
		if ((o[i].flags & OPT_REQUIRED) && !o[i].group && !p->a->value[i])
			count++, last = i;
	for (int i = 0, k = 0; i < n && len < sizeof(missing); i++)
		if ((o[i].flags & OPT_REQUIRED) && !o[i].group && !p->a->value[i])
			len += (size_t)snprintf(missing + len, sizeof(missing) - len, "%s--%s",
						k++ == 0 ? "" : i == last ? " and " : ", ",
						o[i].name);
	if (count)
		parse_error(p, "%s needs %s", path, missing);
}

/* The group's members as "--a, --b or --c"; how many of them were given. */
static int group_text(const struct args *a, int group, char *buf, size_t size)
{
	const struct opt_spec *o = a->verb->opts;
	int n = opt_count(o), given = 0, members = 0, total = 0;
	size_t len = 0;

	for (int i = 0; i < n; i++)
		total += o[i].group == group;
	for (int i = 0; i < n && len < size; i++) {
		if (o[i].group != group)
			continue;
		given += a->value[i] != NULL;
		len += (size_t)snprintf(buf + len, size - len, "%s--%s",
					members == 0 ? "" : members == total - 1 ? " or " : ", ",
					o[i].name);
		members++;
	}
	return given;
}

static void check_groups(struct parse *p, const char *path)
{
	const struct opt_spec *o = p->a->verb->opts;
	int n = opt_count(o);
	char names[256];

	for (int i = 0; i < n; i++) {
		int given, first = 1;

		for (int j = 0; j < i; j++)
			first &= o[j].group != o[i].group;
		if (!o[i].group || !first)
			continue;
		given = group_text(p->a, o[i].group, names, sizeof(names));
		if ((o[i].flags & OPT_REQUIRED) && given == 0)
			parse_error(p, "%s needs %s", path, names);
		if ((o[i].flags & OPT_EXCLUSIVE) && given > 1)
			parse_error(p, "%s takes only one of %s", path, names);
	}
}

int args_parse(const struct command_spec *cmd, int argc, char **argv, struct global_opts *g,
	       struct args *a)
{
	struct parse p = { .a = a, .g = g };

	memset(a, 0, sizeof(*a));
	a->cmd = cmd;
	if (choose_verb(&p, argc, argv) == 0) {
		char path[128];

		read_options(&p, argc, argv);
		drop_verb(a);
		verb_path(cmd, a->verb, path, sizeof(path));
		if (a->operand_count > ARGS_MAX)
			parse_error(&p, "too many arguments");
		if (!g->help && a->verb) {
			check_operands(&p, path);
			check_required(&p, path);
			check_groups(&p, path);
		}
	}
	if (!p.error[0] || g->help)
		return 0;
	return args_usage_error(a, "%s", p.error);
}

int args_parse_globals(int argc, char **argv, struct global_opts *g, int *first)
{
	struct option longopts[GLOBAL_OPTION_COUNT + 1];
	struct parse p = { .g = g };
	int c;

	build_longopts(NULL, longopts);
	/* "+": stop at the command's name; its own options come after it. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1)
		take(&p, argv, c);
	*first = optind;
	if (!p.error[0])
		return 0;
	fprintf(stderr, "caredesk: %s\n", p.error);
	return CD_EX_USAGE;
}

int args_usage_error(const struct args *a, const char *fmt, ...)
{
	va_list ap;

	fputs("caredesk: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	args_usage(stderr, a->cmd, a->verb);
	return CD_EX_USAGE;
}

enum out_format args_format(const struct args *a, int opt)
{
	static const struct {
		const char *name;
		enum out_format format;
	} formats[] = { { "table", FORMAT_TABLE }, { "text", FORMAT_TEXT },
			{ "csv", FORMAT_CSV }, { "json", FORMAT_JSON } };
	const char *names = a->verb->opts[opt].value;
	const char *value = a->value[opt];
	size_t len = value ? strlen(value) : strcspn(names, "|");

	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strlen(formats[i].name) == len &&
		    strncmp(formats[i].name, value ? value : names, len) == 0)
			return formats[i].format;
	return FORMAT_TABLE;
}
