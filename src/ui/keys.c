/* Key names and bindings (see keys.h).  Every command has a plain or Ctrl
 * key by default; function keys, Alt and PgUp/PgDn/Home/End are only ever
 * aliases, because TERM=vt100 has none of them. */
#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "caredesk/permission.h"
#include "ui/keys.h"

static const struct command_info commands[CMD_COUNT] = {
	[CMD_NONE] = { "none", "", 0, NULL, "" },
#define X(e, n, k, s, h, t) [CMD_##e] = { n, k, s, h, t },
	COMMANDS(X)
#undef X
};

const struct command_info *command_info(enum command a)
{
	return &commands[(unsigned)a < CMD_COUNT ? a : CMD_NONE];
}

/* Commands that change a record, and what each needs.  A new command that
 * changes data belongs here too: check_keys checks every entry's permission
 * exists, and tests/ui/roles.sh drives the desk as a worker without it. */
static const struct {
	enum command command;
	enum permission permission;
} command_needs[] = {
	{ CMD_TRIAGE, PERM_TRIAGE },
	{ CMD_ALLOCATE, PERM_ALLOCATE },
	{ CMD_NOTE, PERM_NOTE_ADD },
	{ CMD_AMEND, PERM_NOTE_AMEND },
	{ CMD_BREAK_GLASS, PERM_BREAK_GLASS },
	{ CMD_REVIEW, PERM_CASE_REVIEW },
	{ CMD_CLOSE_CASE, PERM_CASE_CLOSE },
	{ CMD_WRITE_HANDOVER, PERM_HANDOVER_ADD },
	{ CMD_ACKNOWLEDGE, PERM_HANDOVER_ACK },
	{ CMD_KEEP_KEPT, PERM_CONFLICT_RESOLVE },
	{ CMD_KEEP_OTHER, PERM_CONFLICT_RESOLVE },
	{ CMD_ACCESS_REVIEW, PERM_ACCESS_LOG },
	{ CMD_MARK_REVIEWED, PERM_ACCESS_REVIEW },
};

int command_permission(enum command a)
{
	for (size_t i = 0; i < sizeof(command_needs) / sizeof(command_needs[0]); i++)
		if (command_needs[i].command == a)
			return (int)command_needs[i].permission;
	return -1;
}

int command_by_name(const char *name, enum command *out)
{
	for (int i = 1; i < CMD_COUNT; i++) {
		if (strcmp(commands[i].name, name) == 0) {
			*out = (enum command)i;
			return 0;
		}
	}
	return -1;
}

static const struct {
	const char *name;
	int key;
} named[] = {
	{ "Space", ' ' }, { "Enter", '\r' }, { "Tab", '\t' }, { "Esc", 27 },
	{ "Backspace", KEY_FUNCTION | KEY_BACKSPACE }, { "Up", KEY_FUNCTION | KEY_UP },
	{ "Down", KEY_FUNCTION | KEY_DOWN }, { "Left", KEY_FUNCTION | KEY_LEFT },
	{ "Right", KEY_FUNCTION | KEY_RIGHT }, { "PgUp", KEY_FUNCTION | KEY_PPAGE },
	{ "PgDn", KEY_FUNCTION | KEY_NPAGE }, { "Home", KEY_FUNCTION | KEY_HOME },
	{ "End", KEY_FUNCTION | KEY_END }, { "Delete", KEY_FUNCTION | KEY_DC },
	{ "BTab", KEY_FUNCTION | KEY_BTAB }, { "DEL", 127 },
};

int keys_parse(const char *name, int *key)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		if (strcasecmp(name, named[i].name) == 0) {
			*key = named[i].key;
			return 0;
		}
	}
	/* A blank is Space, as DESIGN.md's example binding writes it. */
	if (n == 1 && name[0] >= ' ' && name[0] < 127) {
		*key = name[0];
		return 0;
	}
	if (n == 3 && (name[0] == 'C' || name[0] == 'c') && name[1] == '-' &&
	    ((name[2] >= 'a' && name[2] <= 'z') || (name[2] >= 'A' && name[2] <= 'Z'))) {
		*key = name[2] & 0x1f;
		return 0;
	}
	if (n == 3 && (name[0] == 'M' || name[0] == 'm') && name[1] == '-' && name[2] > ' ' &&
	    name[2] < 127) {
		*key = KEY_ALT | name[2];
		return 0;
	}
	if ((name[0] == 'F' || name[0] == 'f') && n >= 2 && n <= 3) {
		int f = 0;

		for (size_t i = 1; i < n; i++) {
			if (name[i] < '0' || name[i] > '9')
				return -1;
			f = f * 10 + (name[i] - '0');
		}
		if (f >= 1 && f <= 12) {
			*key = KEY_FUNCTION | KEY_F(f);
			return 0;
		}
	}
	return -1;
}

void keys_name(int key, char *out, size_t size)
{
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		if (named[i].key == key) {
			snprintf(out, size, "%s", named[i].name);
			return;
		}
	}
	if (key & KEY_ALT)
		snprintf(out, size, "M-%c", key & 0x7f);
	else if ((key & KEY_FUNCTION) && (key & ~KEY_FUNCTION) >= KEY_F(1) &&
		 (key & ~KEY_FUNCTION) <= KEY_F(12))
		snprintf(out, size, "F%d", (key & ~KEY_FUNCTION) - KEY_F0);
	else if (key > 0 && key < 32)
		snprintf(out, size, "C-%c", key + 'a' - 1);
	else if (key >= 32 && key < 127)
		snprintf(out, size, "%c", key);
	else
		snprintf(out, size, "?");
}

static void unbind(struct bindings *b, enum command a)
{
	int out = 0;

	for (int i = 0; i < b->count; i++)
		if (b->map[i].command != a)
			b->map[out++] = b->map[i];
	b->count = out;
}

static int bind(struct bindings *b, enum command a, int key)
{
	if (b->count == BINDINGS_MAX)
		return -1;
	b->map[b->count].key = key;
	b->map[b->count].command = a;
	b->count++;
	return 0;
}

void bindings_default(struct bindings *b)
{
	b->count = 0;
	for (int a = 1; a < CMD_COUNT; a++) {
		char keys[64], *save = NULL;

		snprintf(keys, sizeof(keys), "%s", commands[a].keys);
		for (char *tok = strtok_r(keys, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
			int key;

			if (keys_parse(tok, &key) == 0)
				bind(b, (enum command)a, key);
		}
	}
}

int bindings_set(struct bindings *b, enum command a, const char *const *names, int n,
		 char *why, size_t why_size)
{
	int keys[16];

	if (n < 1 || n > 16) {
		snprintf(why, why_size, "give one to sixteen key names");
		return -1;
	}
	for (int i = 0; i < n; i++) {
		if (keys_parse(names[i], &keys[i])) {
			snprintf(why, why_size, "'%s' is not a key name (e.g. \"x\", \"C-f\", \"Space\", "
				 "\"PgDn\")", names[i]);
			return -1;
		}
	}
	unbind(b, a);
	for (int i = 0; i < n; i++)
		if (bind(b, a, keys[i])) {
			snprintf(why, why_size, "too many key bindings");
			return -1;
		}
	return 0;
}

enum command bindings_lookup(const struct bindings *b, int key, unsigned screen)
{
	/* Enter arrives as CR, LF or the keypad's KEY_ENTER. */
	if (key == '\n' || key == (KEY_FUNCTION | KEY_ENTER))
		key = '\r';
	for (int i = 0; i < b->count; i++)
		if (b->map[i].key == key && (commands[b->map[i].command].screens & screen))
			return b->map[i].command;
	return CMD_NONE;
}

void bindings_first_key(const struct bindings *b, enum command a, char *out, size_t size)
{
	for (int i = 0; i < b->count; i++) {
		if (b->map[i].command == a) {
			keys_name(b->map[i].key, out, size);
			return;
		}
	}
	snprintf(out, size, "-");
}
