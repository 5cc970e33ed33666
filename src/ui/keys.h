/* Keys: names as people write them in caredesk.conf, and the bindings from
 * keys to commands.
 *
 * A key is an int: a character's code point; a curses function key as
 * KEY_FUNCTION | KEY_xxx; Alt (or ESC then the key) as KEY_ALT | char. */
#ifndef CAREDESK_UI_KEYS_H
#define CAREDESK_UI_KEYS_H

#include <stddef.h>

#include "ui/command.h"

#define KEY_FUNCTION 0x1000000
#define KEY_ALT 0x2000000
#define BINDINGS_MAX 256

/* Parse a key name: "a", "Space", "Enter", "Tab", "Esc", "Backspace",
 * "C-f", "M-x", "Up", "Down", "Left", "Right", "PgUp", "PgDn", "Home",
 * "End", "Delete", "F1".."F12".  -1 if the name is not a key. */
int keys_parse(const char *name, int *key);

/* The name of a key as key_parse reads it. */
void keys_name(int key, char *out, size_t size);

struct bindings {
	struct {
		int key;
		enum command command;
	} map[BINDINGS_MAX];
	int count;
};

void bindings_default(struct bindings *b);

/* Replace a command's keys (names as above).  -1 with a reason in why if a
 * name is not a key or the list is empty. */
int bindings_set(struct bindings *b, enum command a, const char *const *names, int n,
		 char *why, size_t why_size);

/* The command a key does on a screen (ON_* flag), or CMD_NONE. */
enum command bindings_lookup(const struct bindings *b, int key, unsigned screen);

/* The first key bound to a command, named, for hint lines and help. */
void bindings_first_key(const struct bindings *b, enum command a, char *out, size_t size);

#endif
