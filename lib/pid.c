/*
 * pid.c - a process is opened once as a directory, and every file is read
 * relative to that descriptor: if the PID is recycled while we read, the
 * reads fail with ESRCH instead of mixing two processes.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SMALL_MAX (1u << 20)

int ms_pid_open(struct ms_ctx *ctx, pid_t pid)
{
	char name[32];
	int fd;

	if (pid <= 0)
		return -ESRCH;
	snprintf(name, sizeof(name), "%d", (int)pid);
	fd = openat(ctx->rootfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? -ESRCH : -errno;
	return fd;
}

int ms_pid_openat(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	return fd;
}

int ms_read_small(int dirfd, const char *name, char **out, size_t *outlen)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	int fd = ms_pid_openat(dirfd, name);

	if (fd < 0 || !buf) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return fd < 0 ? fd : -ENOMEM;
	}
	for (;;) {
		ssize_t n;

		if (len + 1 == cap) {
			char *nb = cap < SMALL_MAX ? realloc(buf, cap * 2) : NULL;

			if (!nb) {
				free(buf);
				close(fd);
				return cap < SMALL_MAX ? -ENOMEM : -E2BIG;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int rc = n < 0 ? -errno : 0;

			close(fd);
			if (rc < 0) {
				free(buf);
				return rc == -ENOENT ? -ESRCH : rc;
			}
			break;
		}
		len += (size_t)n;
	}
	buf[len] = '\0';
	*out = buf;
	if (outlen)
		*outlen = len;
	return 0;
}

/*
 * The figures stat takes from the address space (fields 26-28: start and end
 * of code, start of the stack; 45-51: data, brk, arguments, environment),
 * folded into one: an exec makes a new address space and, with addresses
 * randomised, new figures.  That is how a read tells that the PID's address
 * space is no longer the one it held (a vfork child that exec'd: the one
 * held lives on in its parent).  0 when they cannot be read, or are all 0:
 * a process exiting has let go of its address space, and the kernel hides
 * them from a reader who may not trace the process.
 */
static uint64_t mm_sig(int piddir)
{
	char buf[2048], *p;
	int fd = ms_pid_openat(piddir, "stat"), field = 2;
	bool shown = false; /* all 0: no address space (exiting), or hidden */
	ssize_t n;
	uint64_t sig = 14695981039346656037ull; /* FNV-1a */

	if (fd < 0)
		return 0;
	do
		n = read(fd, buf, sizeof(buf) - 1);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* after comm, which may hold anything */
	if (!p)
		return 0;
	for (p++; *p && field <= 51; p++) {
		if (*p == ' ')
			field++;
		if ((field >= 26 && field <= 28) || (field >= 45 && field <= 51)) {
			sig = (sig ^ (unsigned char)*p) * 1099511628211ull;
			shown |= *p >= '1' && *p <= '9';
		}
	}
	return shown ? sig | 1 : 0;
}

/*
 * The address space a read is of.  The kernel takes a process's mm when one
 * of its maps, smaps or pagemap files is opened, and every later read of
 * that descriptor needs the mm's users to be alive: once the process has
 * exited, or exec'd (which drops the old mm), reads end at once with a plain
 * end of file, while for a live process a read from offset 0 always finds
 * at least one mapping.  So maps, opened before anything else is read and
 * read again at the end, tells without any timing guess whether the whole
 * read was of one live address space.  But a vfork child shares its
 * parent's mm until it execs, and then the mm held lives on: for that, the
 * address space's figures in stat are read before the open and again at
 * the end (mm_sig()).  Read before, equal after: no exec came between.
 */
int ms_mm_open(struct ms_ctx *ctx, int piddir, bool sig, struct ms_mm *mm, char *err,
	       size_t errlen)
{
	mm->fd = -1;
	mm->sig = 0;
	if (!ctx->live) /* a saved tree cannot change under us */
		return 0;
	if (sig)
		mm->sig = mm_sig(piddir);
	mm->fd = ms_pid_openat(piddir, "maps");
	if (mm->fd >= 0)
		return 0;
	return ms_fail(err, errlen, mm->fd, mm->fd == -ESRCH ? "no such process" :
		       "cannot open maps: %s", strerror(-mm->fd));
}

/* 1 when fd's address space still has a mapping to show, 0 when it is gone. */
static int mm_lives(int fd)
{
	char c;
	ssize_t n;

	do
		n = pread(fd, &c, 1, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == ESRCH ? 0 : -errno;
	return n > 0;
}

int ms_mm_check(struct ms_ctx *ctx, int piddir, const struct ms_mm *mm, char *err,
		size_t errlen)
{
	int rc, again;

	if (!ctx->live || mm->fd < 0)
		return 0;
	rc = mm_lives(mm->fd);
	if (rc > 0 && mm->sig && mm_sig(piddir) != mm->sig)
		rc = 0; /* the PID has another address space now: as if gone */
	else if (rc != 0)
		return rc > 0 ? 0 : ms_fail(err, errlen, rc, "cannot read maps: %s", strerror(-rc));
	/* gone: a process that exec'd has a new address space to show */
	again = ms_pid_openat(piddir, "maps");
	rc = again < 0 ? 0 : mm_lives(again);
	if (again >= 0)
		close(again);
	if (rc > 0)
		return ms_fail(err, errlen, -ESTALE,
			       "the process was replaced by exec while it was read");
	return ms_fail(err, errlen, -ESRCH, "the process exited while it was read");
}

int ms_gone(const struct ms_ctx *ctx, pid_t pid, const char *file, char *err, size_t errlen)
{
	if (!ctx->live) /* nothing exits in a saved tree: the file was not saved */
		return ms_fail(err, errlen, -ENOENT, "the saved tree has no '%d/%s'", (int)pid, file);
	return ms_fail(err, errlen, -ESRCH, "the process exited while it was read");
}

int ms_clear_refs(struct ms_ctx *ctx, pid_t pid, char *err, size_t errlen)
{
	int piddir = ms_pid_open(ctx, pid), fd, rc = 0;

	if (piddir < 0)
		return ms_fail(err, errlen, piddir, "no such process");
	fd = openat(piddir, "clear_refs", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "1", 1) != 1)
		rc = errno == ENOENT ? -ESRCH : -errno;
	if (fd >= 0)
		close(fd);
	close(piddir);
	if (rc < 0)
		ms_fail(err, errlen, rc, rc == -ESRCH ? "no such process" :
			rc == -EACCES || rc == -EPERM ? "permission denied" :
			"cannot write clear_refs: %s", strerror(-rc));
	return rc;
}
