/* Finding caredesk's data files (code lists, bank holidays, the example
 * configuration).  In order: $CAREDESK_DATADIR; the installed
 * $(pkgdatadir); the source tree's data/ that configure saw, so a build tree
 * runs without `make install`. */
#ifndef CAREDESK_DATADIR_H
#define CAREDESK_DATADIR_H

#include <stddef.h>

/* Write the path of data file `name` to out; -1 if it is found nowhere
 * (out then holds the first place looked, for the message). */
int datadir_path(const char *name, char *out, size_t size);

#endif
