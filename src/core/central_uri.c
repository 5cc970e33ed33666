/* A central store's address, checked before anything uses it (see
 * central_uri.h for why). */
#include <string.h>

#include "caredesk/central_uri.h"

#define SSH_PREFIX "ssh://"
#define FILE_PREFIX "file:"

bool central_uri_is_pg(const char *uri)
{
	return strncmp(uri, "postgresql://", 13) == 0 || strncmp(uri, "postgres://", 11) == 0;
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* The address as it may be shown: control characters as '?', cut. */
static void shown(const char *uri, char out[96])
{
	size_t n = strlen(uri);

	if (n > 95)
		n = 95;
	for (size_t i = 0; i < n; i++)
		out[i] = ((unsigned char)uri[i] < 0x20 || uri[i] == 0x7f) ? '?' : uri[i];
	out[n] = '\0';
}

static bool plain_char(char c, const char *extra)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr(extra, c) != NULL;
}

/* user@host or host: letters, digits, '.', '-', '_'; neither part empty or
 * beginning with '-' (ssh would read it as an option). */
static bool plain_host(const char *s, size_t n)
{
	const char *at = memchr(s, '@', n);
	size_t at_index = at ? (size_t)(at - s) : n;
	size_t start = at ? at_index + 1 : 0;

	if (n == 0 || start >= n || at_index == 0 || s[0] == '-' || s[start] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (i != at_index && !plain_char(s[i], ".-_"))
			return false;
	return true;
}

/* An absolute path of letters, digits and . _ - + / only: it is quoted for
 * the remote shell as well, but a name that needs quoting is refused. */
static bool plain_path(const char *s)
{
	if (s[0] != '/')
		return false;
	for (; *s; s++)
		if (!plain_char(*s, "._-+/"))
			return false;
	return true;
}

int central_uri_ssh_parts(const char *uri, char *host, size_t hsize, char *path, size_t psize)
{
	const char *rest = uri + strlen(SSH_PREFIX);
	const char *slash = strchr(rest, '/');
	size_t n;

	if (strncmp(uri, SSH_PREFIX, strlen(SSH_PREFIX)) != 0 || !slash)
		return -1;
	n = (size_t)(slash - rest);
	if (n >= hsize || strlen(slash) >= psize)
		return -1;
	memcpy(host, rest, n);
	host[n] = '\0';
	strcpy(path, slash);
	return 0;
}

static int refuse(const char *uri, const char *why, struct cd_error *err)
{
	char s[96];

	shown(uri, s);
	return cd_error_set(err, CD_EX_CONFIG, "central", "'%s' is not a central store: %s", s, why);
}

int central_uri_check(const char *uri, struct cd_error *err)
{
	char host[256], path[1024];

	if (!uri || !*uri)
		return refuse("", "no address given", err);
	if (has_control(uri))
		return refuse(uri, "it holds a control character", err);
	if (central_uri_is_pg(uri))
		return 0;
	if (strncmp(uri, FILE_PREFIX, strlen(FILE_PREFIX)) == 0)
		return uri[strlen(FILE_PREFIX)] == '/' ? 0
			: refuse(uri, "say file: and an absolute path, file:/path/central.db", err);
	if (strncmp(uri, SSH_PREFIX, strlen(SSH_PREFIX)) != 0)
		return refuse(uri, "say file:/path/central.db, ssh://host/path/central.db or "
				   "postgresql://host/database", err);
	if (central_uri_ssh_parts(uri, host, sizeof(host), path, sizeof(path)))
		return refuse(uri, "say ssh://host/path/central.db", err);
	if (!plain_host(host, strlen(host)))
		return refuse(uri, "the ssh host must be a plain name (letters, digits, '.', '-', "
				   "'_', an optional user@) not beginning with '-'", err);
	if (!plain_path(path))
		return refuse(uri, "the path must be absolute, of letters, digits and . _ - + / "
				   "only", err);
	return 0;
}
