/*
 * helper.c - finding the programs the tools run: probe-subject, and
 * memscope-fetch (libcurl stays out of memscope itself that way, as git
 * keeps it out of git with its remote helpers).
 */
#include "common.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * $ENV, else beside this program (a build tree: libtool puts the real
 * program in .libs, so one up too), else where make install put it.
 */
int find_helper(const char *name, const char *env, char *path, size_t len)
{
	const char *given = getenv(env);
	char self[PATH_MAX - 64];
	ssize_t n;

	if (given && *given) {
		snprintf(path, len, "%s", given);
		return access(path, X_OK) == 0 ? 0 : -errno;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		char *slash;

		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			snprintf(path, len, "%s/%s", self, name);
			if (access(path, X_OK) == 0)
				return 0;
			snprintf(path, len, "%s/../%s", self, name);
			if (access(path, X_OK) == 0)
				return 0;
		}
	}
	snprintf(path, len, "%s/%s", HELPER_DIR, name);
	return access(path, X_OK) == 0 ? 0 : -errno;
}
