/* Finding caredesk's other programs (caredesk-sync, caredesk-syncd): the
 * one named by environment variable `env` when set (tests, unusual
 * installs), else the one beside the running program (a build tree, an
 * install), else `name` for the shell's PATH. */
#ifndef CAREDESK_PROGRAM_H
#define CAREDESK_PROGRAM_H

#include <stddef.h>

void program_path(const char *name, const char *env, char *out, size_t size);

#endif
