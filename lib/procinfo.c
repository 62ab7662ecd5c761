/*
 * procinfo.c - who the process is: comm and start time (stat), uid
 * (status), argv (cmdline), exe; all read through the one directory
 * descriptor.  libproc2 is not used here: its readers open /proc/PID by
 * name (a recycled PID could mix two processes), its root is fixed at /proc
 * (no fixture trees), and it costs start-up time (see ctx.c).
 */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Field n (>= 3) of a stat line, after the comm that may hold anything. */
bool ms_stat_field(const char *stat, int n, const char **w, size_t *len)
{
	const char *close = strrchr(stat, ')'), *p, *end = stat + strlen(stat);

	if (!close)
		return false;
	p = close + 1;
	for (int field = 3; field <= n; field++)
		if (!ms_scan_word(&p, end, w, len))
			return false;
	return true;
}

bool ms_stat_number(const char *stat, int n, uint64_t *v)
{
	const char *w, *q;
	size_t len;

	if (!ms_stat_field(stat, n, &w, &len))
		return false;
	q = w;
	return ms_scan_dec(&q, w + len, v) && q == w + len;
}

int ms_stat_start_ticks(const char *stat, long long *ticks)
{
	uint64_t v;

	if (!ms_stat_number(stat, 22, &v))
		return -EBADMSG;
	*ticks = (long long)v;
	return 0;
}

/* A thread of piddir's process other than its main thread pid, 0 when
 * none. */
static long other_thread(int piddir, long pid)
{
	int fd = openat(piddir, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *e;
	long tid = 0;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while (!tid && (e = readdir(d))) {
		long t = strtol(e->d_name, NULL, 10);

		if (t > 0 && t != pid)
			tid = t;
	}
	closedir(d);
	return tid;
}

int ms_stat_has_memory(int piddir, const char *stat, char *err, size_t errlen)
{
	const char *state;
	size_t len;
	uint64_t flags;
	long tid;

	if (!ms_stat_field(stat, 3, &state, &len) || !ms_stat_number(stat, 9, &flags))
		return ms_fail(err, errlen, -EBADMSG, "stat: cannot parse");
	if (flags & MS_PF_KTHREAD)
		return ms_fail(err, errlen, -ENODATA,
			       "it is a kernel thread, with no user address space");
	if (*state != 'Z' && *state != 'X')
		return 0;
	/* a main thread that exited leaves its PID a zombie while the other
	 * threads run on, with the memory, which /proc/TID shows */
	tid = other_thread(piddir, strtol(stat, NULL, 10));
	if (tid > 0)
		return ms_fail(err, errlen, -ESRCH, "its main thread exited; its memory lives "
			       "on in thread %ld: read that", tid);
	return ms_fail(err, errlen, -ESRCH, "it is a zombie (it exited; its memory is gone)");
}

int ms_read_stat(const struct ms_ctx *ctx, int piddir, pid_t pid, char **stat, char *err,
		 size_t errlen)
{
	int rc = ms_read_small(piddir, "stat", stat, NULL);

	if (rc == -ESRCH)
		return ms_gone(ctx, pid, "stat", err, errlen);
	if (rc == -EACCES || rc == -EPERM)
		return ms_fail(err, errlen, rc, "permission denied");
	if (rc < 0)
		return ms_fail(err, errlen, rc, "cannot read stat: %s", strerror(-rc));
	return 0;
}

/* stat: "pid (comm) S ppid ..." - comm may hold spaces and ')'. */
static int read_stat(struct ms_ctx *ctx, int piddir, struct ms_snapshot *snap, char *err,
		     size_t errlen)
{
	char *stat, *open, *close;
	int rc = ms_read_stat(ctx, piddir, snap->pid, &stat, err, errlen);

	if (rc < 0)
		return rc;
	open = strchr(stat, '(');
	close = strrchr(stat, ')');
	rc = open && close && close > open ? ms_stat_start_ticks(stat, &snap->start_ticks) :
					     -EBADMSG;
	if (rc == 0)
		rc = ms_stat_has_memory(piddir, stat, err, errlen);
	if (rc == 0) {
		snap->comm = strndup(open + 1, (size_t)(close - open - 1));
		rc = snap->comm ? 0 : -ENOMEM;
	}
	free(stat);
	return rc == -EBADMSG ? ms_fail(err, errlen, rc, "stat: cannot parse") : rc;
}

/* status: "Uid:\treal\teffective\tsaved\tfs" */
long long ms_status_uid(int piddir)
{
	char *status, *line;
	uint64_t uid;
	long long real = -1;

	if (ms_read_small(piddir, "status", &status, NULL) < 0)
		return -1;
	line = strstr(status, "\nUid:");
	if (line) {
		const char *p = line + 5, *end = p + strcspn(p, "\n");

		ms_scan_blanks(&p, end);
		if (ms_scan_dec(&p, end, &uid) && uid <= UINT32_MAX)
			real = (long long)uid;
	}
	free(status);
	return real;
}

/* cmdline: arguments separated and ended by NUL. */
static int read_argv(int piddir, struct ms_snapshot *snap)
{
	char *buf;
	size_t len, n = 0, i = 0;
	int rc = ms_read_small(piddir, "cmdline", &buf, &len);

	if (rc < 0)
		len = 0, buf = NULL;
	for (size_t k = 0; k < len; k++)
		n += buf[k] == '\0' || k + 1 == len;
	snap->argv = calloc(n + 1, sizeof(char *));
	if (!snap->argv) {
		free(buf);
		return -ENOMEM;
	}
	for (size_t k = 0; k < len && i < n; i++) {
		snap->argv[i] = strndup(buf + k, len - k);
		if (!snap->argv[i]) {
			free(buf);
			return -ENOMEM;
		}
		k += strlen(snap->argv[i]) + 1;
	}
	free(buf);
	return 0;
}

/* stat of the root: "btime N", boot time in unix seconds. */
double ms_boot_time(struct ms_ctx *ctx)
{
	char *stat, *line;
	uint64_t btime = 0;

	if (ms_read_small(ctx->rootfd, "stat", &stat, NULL) < 0)
		return -1;
	line = strstr(stat, "\nbtime ");
	if (line) {
		const char *p = line + 7;

		if (!ms_scan_dec(&p, p + strcspn(p, "\n"), &btime))
			btime = 0;
	}
	free(stat);
	return btime ? (double)btime : -1;
}

char *ms_read_osrelease(struct ms_ctx *ctx)
{
	char *rel;

	if (ms_read_small(ctx->rootfd, "sys/kernel/osrelease", &rel, NULL) < 0)
		return NULL;
	rel[strcspn(rel, "\n")] = '\0';
	return rel;
}

int ms_procinfo_read(struct ms_ctx *ctx, int piddir, struct ms_snapshot *snap,
		     char *err, size_t errlen)
{
	char exe[PATH_MAX];
	ssize_t n;
	double btime;
	int rc = read_stat(ctx, piddir, snap, err, errlen);

	if (rc < 0)
		return rc;
	snap->uid = ms_status_uid(piddir);
	rc = read_argv(piddir, snap);
	if (rc < 0)
		return rc;
	n = readlinkat(piddir, "exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		snap->exe = strdup(exe);
	} else if (n < 0 && errno == EINVAL) {
		/* a saved tree keeps the link as a file holding the path (tar and
		 * many copies turn links into files) */
		size_t len;

		if (ms_read_small(piddir, "exe", &snap->exe, &len) == 0)
			snap->exe[strcspn(snap->exe, "\n")] = '\0';
	}
	btime = ms_boot_time(ctx);
	snap->started_at = btime < 0 ? -1 :
		btime + (double)snap->start_ticks / (double)ctx->hertz;
	snap->kernel = ms_read_osrelease(ctx);
	snap->page_size = ctx->page_size;
	return 0;
}
