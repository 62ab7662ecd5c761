/*
 * users.c - the names of uids, for the process table.  For the live /proc
 * the system answers (getpwuid_r, so NSS sources count); for any other
 * tree, the passwd file under that tree's process 1 ("1/root/etc/passwd"),
 * since the machine it was saved on had its own users; without one, a uid
 * has no name.  A passwd file is hostile input like any other: a line
 * that does not parse is passed over.
 */
#include "internal.h"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void ms_users_open(struct ms_ctx *ctx, struct ms_users *u)
{
	*u = (struct ms_users){ 0 };
	u->system = ctx->live && strcmp(ctx->root, "/proc") == 0;
	if (!u->system && ms_read_small(ctx->rootfd, "1/root/etc/passwd", &u->passwd, NULL) < 0)
		u->passwd = NULL;
}

/* "name:password:uid:..." - the name of the first line with uid. */
static const char *from_file(const char *passwd, long long uid, size_t *len)
{
	for (const char *line = passwd; line && *line;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		const char *end = line + strcspn(line, "\n"), *p;
		const char *colon = memchr(line, ':', (size_t)(end - line));
		uint64_t v;

		p = colon ? memchr(colon + 1, ':', (size_t)(end - colon - 1)) : NULL;
		if (!p || colon == line)
			continue;
		p++;
		if (ms_scan_dec(&p, end, &v) && p < end && *p == ':' && (long long)v == uid) {
			*len = (size_t)(colon - line);
			return line;
		}
	}
	return NULL;
}

/* The name lives in buf. */
static const char *from_system(long long uid, char *buf, size_t buflen, size_t *len)
{
	struct passwd pw, *found = NULL;

	if (getpwuid_r((uid_t)uid, &pw, buf, buflen, &found) != 0 || !found)
		return NULL;
	*len = strlen(found->pw_name);
	return found->pw_name;
}

const char *ms_users_name(struct ms_users *u, long long uid, struct ms_pool *pool)
{
	struct ms_user_seen *seen;
	const char *name = NULL;
	char buf[4096];
	size_t len = 0;

	if (uid < 0)
		return NULL;
	for (size_t i = 0; i < u->n; i++)
		if (u->seen[i].uid == uid)
			return u->seen[i].name;
	name = u->system ? from_system(uid, buf, sizeof(buf), &len) : u->passwd ? from_file(u->passwd, uid, &len) :
		NULL;
	if (name && len && !(name = ms_pool_strndup(pool, name, len)))
		return NULL;
	if (!len)
		name = NULL;
	seen = realloc(u->seen, (u->n + 1) * sizeof(*seen));
	if (seen) {
		u->seen = seen;
		u->seen[u->n++] = (struct ms_user_seen){ uid, name };
	}
	return name;
}

void ms_users_close(struct ms_users *u)
{
	free(u->passwd);
	free(u->seen);
	*u = (struct ms_users){ 0 };
}
