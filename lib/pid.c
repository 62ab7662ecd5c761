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

int ms_pid_alive(int piddir)
{
	char *stat, *paren;
	int rc = ms_read_small(piddir, "stat", &stat, NULL);

	if (rc < 0)
		return rc == -ESRCH || rc == -EACCES ? -ESRCH : rc;
	paren = strrchr(stat, ')');
	/* state Z (zombie) or X (dead): its memory is gone */
	if (paren && (paren[2] == 'Z' || paren[2] == 'X'))
		rc = -ESRCH;
	free(stat);
	return rc;
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
