/* Usage lines and --help, written from the command tables (args.h).
 *
 * A usage line is the verb's path, its operands, then each option: a
 * required one bare, an optional one in brackets, a group of alternatives
 * as "(--a X | --b Y)" (one of them required) or "[--a X | --b Y]".  Long
 * lines wrap under the first argument, within 80 columns. */
#include <stdio.h>
#include <string.h>

#include "cli/args.h"

#define WIDTH 79
#define OPTION_COLUMN 24

struct line {
	FILE *fp;
	int column;
	int indent;
};

static void put_word(struct line *l, const char *word)
{
	int len = (int)strlen(word);

	if (l->column + 1 + len > WIDTH) {
		fprintf(l->fp, "\n%*s", l->indent, "");
		l->column = l->indent;
	} else {
		fputc(' ', l->fp);
		l->column++;
	}
	fputs(word, l->fp);
	l->column += len;
}

static int option_text(const struct opt_spec *o, char *buf, size_t size)
{
	return snprintf(buf, size, "--%s%s%s", o->name, o->value ? " " : "",
			o->value ? o->value : "");
}

/* The group starting at opts[i] as one bracketed word. */
static void group_word(const struct opt_spec *opts, int i, char *buf, size_t size)
{
	int required = 0;
	size_t n = 1;

	for (int j = i; opts[j].name; j++)
		required |= opts[j].group == opts[i].group && (opts[j].flags & OPT_REQUIRED);
	buf[0] = required ? '(' : '[';
	for (int j = i; opts[j].name && n < size; j++) {
		if (opts[j].group != opts[i].group)
			continue;
		if (j != i)
			n += (size_t)snprintf(buf + n, size - n, " | ");
		if (n < size)
			n += (size_t)option_text(&opts[j], buf + n, size - n);
	}
	if (n < size)
		snprintf(buf + n, size - n, "%c", required ? ')' : ']');
}

static int first_of_group(const struct opt_spec *opts, int i)
{
	for (int j = 0; j < i; j++)
		if (opts[j].group == opts[i].group)
			return 0;
	return 1;
}

static void option_word(const struct opt_spec *opts, int i, char *buf, size_t size)
{
	char text[128];

	if (opts[i].group) {
		group_word(opts, i, buf, size);
		return;
	}
	option_text(&opts[i], text, sizeof(text));
	snprintf(buf, size, (opts[i].flags & (OPT_REQUIRED | OPT_BY_RULE)) ? "%s" : "[%s]", text);
}

static void usage_line(FILE *fp, const struct command_spec *cmd, const struct verb_spec *v,
		       int first)
{
	struct line l = { .fp = fp };
	char word[256];

	l.column = fprintf(fp, "%scaredesk %s%s%s", first ? "usage: " : "       ", cmd->name,
			   v->name ? " " : "", v->name ? v->name : "");
	l.indent = l.column + 1;
	if (v->operands)
		put_word(&l, v->operands);
	for (int i = 0; v->opts && v->opts[i].name; i++) {
		if (v->opts[i].group && !first_of_group(v->opts, i))
			continue;
		option_word(v->opts, i, word, sizeof(word));
		put_word(&l, word);
	}
	fputc('\n', fp);
}

void args_usage(FILE *fp, const struct command_spec *cmd, const struct verb_spec *verb)
{
	for (int i = 0; i < cmd->verb_count; i++)
		if (!verb || verb == &cmd->verbs[i])
			usage_line(fp, cmd, &cmd->verbs[i], !verb ? i == 0 : 1);
}

static void option_help(FILE *fp, const char *text, const char *help, const char *dflt,
			int dflt_len)
{
	if ((int)strlen(text) > OPTION_COLUMN)
		fprintf(fp, "    %s\n    %*s %s", text, OPTION_COLUMN, "", help);
	else
		fprintf(fp, "    %-*s %s", OPTION_COLUMN, text, help);
	if (dflt)
		fprintf(fp, " (default %.*s)", dflt_len, dflt);
	fputc('\n', fp);
}

/* An optional choice defaults to its first value (args_format). */
static void spec_help(FILE *fp, const struct opt_spec *o)
{
	char text[128];
	int optional_choice = (o->flags & OPT_CHOICE) && !(o->flags & OPT_REQUIRED);

	option_text(o, text, sizeof(text));
	option_help(fp, text, o->help, optional_choice ? o->value : NULL,
		    optional_choice ? (int)strcspn(o->value, "|") : 0);
}

static void verb_help(FILE *fp, const struct command_spec *cmd, const struct verb_spec *v)
{
	fprintf(fp, "\n  %s%s%s: %s\n", cmd->name, v->name ? " " : "", v->name ? v->name : "",
		v->summary);
	for (int i = 0; v->opts && v->opts[i].name; i++)
		spec_help(fp, &v->opts[i]);
}

void args_help(FILE *fp, const struct command_spec *cmd, const struct verb_spec *verb)
{
	char text[64];

	args_usage(fp, cmd, verb);
	for (int i = 0; i < cmd->verb_count; i++)
		if (!verb || verb == &cmd->verbs[i])
			verb_help(fp, cmd, &cmd->verbs[i]);
	if (cmd->notes)
		fprintf(fp, "\n%s", cmd->notes);
	fputs("\n  Global options, before or after the command:\n", fp);
	for (int i = 0; i < GLOBAL_OPTION_COUNT; i++) {
		snprintf(text, sizeof(text), "--%s%s%s", global_options[i].name,
			 global_options[i].value ? " " : "",
			 global_options[i].value ? global_options[i].value : "");
		option_help(fp, text, global_options[i].help, NULL, 0);
	}
}
