/*
 * files.c - writing a file whole or not at all, destroying nothing.
 */
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

int write_all(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t n = write(fd, s, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Writes what put() writes to fd, and closes it.  0 or -errno. */
static int put_and_close(int fd, put_fn *put, void *arg)
{
	int rc = put(fd, arg);

	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	return rc;
}

/* PATH.XXXXXX beside PATH (*tmp, malloc'ed), opened; or -errno. */
static int make_temp(const char *path, char **tmp)
{
	size_t plen = strlen(path);
	int fd;

	*tmp = malloc(plen + 8);
	if (!*tmp)
		return -ENOMEM;
	memcpy(*tmp, path, plen);
	memcpy(*tmp + plen, ".XXXXXX", 8);
	fd = mkstemp(*tmp);
	if (fd < 0) {
		fd = -errno;
		free(*tmp);
		*tmp = NULL;
	}
	return fd;
}

/* mkstemp makes 0600 and ours: the file gets what the file it replaces had,
 * its owner and group when we may give them (root may; its owner may give
 * a group of theirs, else EPERM and the group is the caller's, as with any
 * editor that saves by rename) and then its mode, setgid and sticky bits
 * too (a change of owner clears setgid); a new file what a plain create
 * would give.  0 or -errno. */
static int take_over(int fd, const struct stat *old)
{
	mode_t mask;

	if (!old) {
		mask = umask(0);
		umask(mask);
		return fchmod(fd, 0666 & ~mask) < 0 ? -errno : 0;
	}
	if ((geteuid() == 0 || old->st_uid == geteuid()) &&
	    fchown(fd, old->st_uid, old->st_gid) < 0 && (errno != EPERM || geteuid() == 0))
		return -errno;
	return fchmod(fd, old->st_mode & 07777) < 0 ? -errno : 0;
}

/* PATH.XXXXXX beside PATH, written and synced, then renamed over PATH: a
 * reader sees the old file or the new one, never a part. */
static int replace(const char *path, put_fn *put, void *arg, const struct stat *old)
{
	char *tmp;
	int fd = make_temp(path, &tmp), rc;

	if (fd < 0)
		return fd;
	/* the mode after the content: an unprivileged writer's write clears
	 * setgid on a file its group may run */
	rc = put(fd, arg);
	if (rc == 0)
		rc = take_over(fd, old);
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -errno;
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* Copies from's content from its start to fd. */
static int copy_from(int from, int fd)
{
	char buf[65536];
	ssize_t n;
	int rc = 0;

	if (lseek(from, 0, SEEK_SET) < 0)
		return -errno;
	while (rc == 0 && (n = read(from, buf, sizeof(buf))) != 0)
		rc = n < 0 ? (errno == EINTR ? 0 : -errno) : write_all(fd, buf, (size_t)n);
	return rc;
}

/* A file of more than one name (hard links) is written over where it is: a
 * rename would give this name a new file and leave the others the old one.
 * The content is whole, in a file of no name (its folder may not be ours
 * to write in), before the file is cut. */
static int write_over(const char *path, put_fn *put, void *arg)
{
	int fd, rc, whole = memfd_create("memscope-output", MFD_CLOEXEC);

	if (whole < 0)
		return -errno;
	rc = put(whole, arg);
	fd = rc < 0 ? -1 : open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
	if (rc == 0 && fd < 0)
		rc = -errno;
	if (rc == 0)
		rc = copy_from(whole, fd);
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	if (fd >= 0 && close(fd) < 0 && rc == 0)
		rc = -errno;
	close(whole);
	return rc;
}

static int write_file(const char *path, const char *real, put_fn *put, void *arg);

/* A device, a FIFO, an open descriptor (/dev/stdout, /dev/fd/N, a shell's
 * >(cmd)): written where it is, never replaced (a rename would turn
 * /dev/null into a file, leave a FIFO's reader waiting, and put a new file
 * in place of one the shell opened for '>>').  Opened by the name given,
 * for /proc's links lead to the open file itself, which may have no path
 * (pipe:[...]); appended to, as the shell has truncated what '>' opened
 * and '>>' wants the end.  real: where a path that names no descriptor
 * leads, so that a regular file found there now (it was none when we
 * looked) is handled as one; NULL for a descriptor. */
static int write_in_place(const char *path, put_fn *put, void *arg, const char *real)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY);
	struct stat st;

	if (fd < 0)
		return -errno;
	if (real && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		close(fd);
		return write_file(path, real, put, arg);
	}
	return put_and_close(fd, put, arg);
}

/* A regular file or a new one, where path's links lead (real). */
static int write_file(const char *path, const char *real, put_fn *put, void *arg)
{
	struct stat st;

	if (lstat(real, &st) < 0)
		return replace(real, put, arg, NULL);  /* new, or an error mkstemp will name */
	if (!S_ISREG(st.st_mode))
		return write_in_place(path, put, arg, NULL);  /* it changed since we looked */
	if (st.st_nlink > 1)
		return write_over(real, put, arg);
	return replace(real, put, arg, &st);
}

/* Whether path's folder is a process's table of descriptors (/proc/N/fd,
 * /proc/N/task/M/fd; /dev/fd leads there): its links are /proc's own, that
 * lead to an open file, not to the text they read as. */
static bool in_fd_folder(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	char *real = dir ? realpath(dir, NULL) : NULL;
	const char *base = real ? strrchr(real, '/') : NULL;
	struct statfs fs;
	bool yes;

	yes = base && strcmp(base, "/fd") == 0 && statfs(real, &fs) == 0 &&
	      fs.f_type == PROC_SUPER_MAGIC;
	free(real);
	free(dir);
	return yes;
}

/* Where path leads: the symbolic links of its last part followed (a
 * relative target is relative to the link's folder), so that the new file
 * takes the target's place and the link stays; a dangling link leads to
 * the file to make.  *names_fd when a link of the chain is one of /proc's
 * to an open descriptor: the chain stops there.  A new string, or NULL and
 * errno. */
static char *follow_links(const char *path, bool *names_fd)
{
	char *cur = strdup(path);

	*names_fd = false;
	for (int hops = 0; cur; hops++) {
		char target[PATH_MAX], *next = NULL;
		const char *slash = strrchr(cur, '/');
		struct stat st;
		ssize_t n;

		if (lstat(cur, &st) < 0 || !S_ISLNK(st.st_mode))
			return cur;
		if (in_fd_folder(cur)) {
			*names_fd = true;
			return cur;
		}
		n = hops < 40 ? readlink(cur, target, sizeof(target) - 1) : -1;
		if (n < 0) {
			int e = hops < 40 ? errno : ELOOP;

			free(cur);
			errno = e;
			return NULL;
		}
		target[n] = '\0';
		if (target[0] == '/' || !slash)
			next = strdup(target);
		else if (asprintf(&next, "%.*s%s", (int)(slash - cur + 1), cur, target) < 0)
			next = NULL;
		free(cur);
		cur = next;
	}
	errno = ENOMEM;
	return NULL;
}

/* stat() follows every link, /proc's too: what is there in the end decides
 * how it is written, and a descriptor is written in place whatever it is. */
int write_atomically_with(const char *path, put_fn *put, void *arg)
{
	bool names_fd;
	char *real = follow_links(path, &names_fd);
	struct stat st;
	bool exists = stat(path, &st) == 0;
	int rc;

	if (!real)
		return -errno;
	if (exists && S_ISDIR(st.st_mode))
		rc = -EISDIR;
	else if (names_fd || (exists && !S_ISREG(st.st_mode)))
		rc = write_in_place(path, put, arg, names_fd ? NULL : real);
	else
		rc = write_file(path, real, put, arg);
	free(real);
	return rc;
}

static int put_text(int fd, void *arg)
{
	const char *text = arg;
	int rc = write_all(fd, text, strlen(text));

	return rc == 0 ? write_all(fd, "\n", 1) : rc;
}

int write_atomically(const char *path, const char *text)
{
	return write_atomically_with(path, put_text, (void *)text);
}
