/*
 * ps.c - the process table: every process under the root, a row each, its
 * facts from stat, status, cmdline and cgroup and its figures from
 * smaps_rollup, all read through the one directory descriptor of that
 * process (pid.c), so that a PID recycled during the scan can never give
 * one row two processes.
 *
 * smaps_rollup needs no second look at maps (snapshot.c's check): the
 * kernel writes the whole record in one go, of the address space the open
 * took, and a read of one that has exited or exec'd since fails with
 * ESRCH.  libproc2 is not used for the rows: it opens files by path under
 * a fixed /proc and reads what it may not read as zeros (docs/ps.md).
 */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What one row's read needs beside the table: kept from row to row. */
struct scratch {
	struct ms_region_vec vec;
	struct ms_pool *pool;
	double btime;     /* the boot, unix seconds; < 0 unknown */
	bool cgroup;      /* MS_PS_CGROUP: read the cgroup file too */
	struct ms_psobjects *objects; /* MS_PS_OBJECTS: where each one's go */
	unsigned classes;  /* the snapshot flags of MS_PS_CLASSES*, 0 without */
	char err[256];
};

/* stat: "pid (comm) S ppid ... flags ... threads ... starttime vsize".  1 for a
 * row; 0 for a process with no user address space (a kernel thread, a
 * zombie) or a line that does not parse; -ENOMEM. */
static int from_stat(struct ms_ps *ps, char *stat, struct ms_proc *p)
{
	char *open = strchr(stat, '('), *close = strrchr(stat, ')');
	const char *state;
	uint64_t ppid, flags, threads, vsize;
	size_t len;

	if (!open || !close || close < open || !ms_stat_field(stat, 3, &state, &len) ||
	    !ms_stat_number(stat, 4, &ppid) || !ms_stat_number(stat, 9, &flags) ||
	    !ms_stat_number(stat, 20, &threads) || !ms_stat_number(stat, 23, &vsize) ||
	    ms_stat_start_ticks(stat, &p->start_ticks))
		return 0;
	if ((flags & MS_PF_KTHREAD) || *state == 'Z' || *state == 'X')
		return 0;
	p->state = *state;
	p->ppid = (pid_t)ppid;
	p->threads = (long)threads;
	p->vsize = vsize;
	p->comm = ms_pool_strndup(ps->pool, open + 1, (size_t)(close - open - 1));
	return p->comm ? 1 : -ENOMEM;
}

/* cmdline: arguments ended by NUL, joined here by spaces. */
static const char *cmdline(struct ms_ps *ps, int piddir)
{
	char *buf;
	size_t len;
	const char *joined;

	if (ms_read_small(piddir, "cmdline", &buf, &len) < 0)
		return "";
	while (len && buf[len - 1] == '\0')
		len--;
	for (size_t i = 0; i < len; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	joined = ms_pool_strndup(ps->pool, buf, len);
	free(buf);
	return joined;
}

/* cgroup: "0::/path" under cgroup v2; else the first hierarchy's path. */
static const char *cgroup(struct ms_ps *ps, int piddir)
{
	char *buf, *line, *path;
	const char *kept = NULL;

	if (ms_read_small(piddir, "cgroup", &buf, NULL) < 0)
		return NULL;
	line = strncmp(buf, "0::", 3) == 0 ? buf : strstr(buf, "\n0::");
	line = line ? line + (line != buf) : buf;
	path = strchr(line, ':') ? strchr(strchr(line, ':') + 1, ':') : NULL;
	if (path) {
		path++;
		kept = ms_pool_strndup(ps->pool, path, strcspn(path, "\n"));
	}
	free(buf);
	return kept;
}

/* smaps_rollup into p->c: 0, -ESRCH when the process is gone (the row is
 * dropped), or another error for the row to say. */
static int rollup(const struct ms_ctx *ctx, int piddir, struct ms_proc *p, struct scratch *s)
{
	int fd = ms_pid_openat(piddir, "smaps_rollup"), rc;

	s->vec.n = 0;
	ms_pool_reset(s->pool);
	if (fd < 0)
		return fd == -ESRCH && !ctx->live ?
		       ms_fail(s->err, sizeof(s->err), -ENOENT, "the saved tree has no smaps_rollup") :
		       fd == -ESRCH ? fd : fd == -EACCES || fd == -EPERM ?
		       ms_fail(s->err, sizeof(s->err), fd, "permission denied") :
		       ms_fail(s->err, sizeof(s->err), fd, "cannot open smaps_rollup: %s",
			       strerror(-fd));
	rc = ms_smaps_parse(fd, MS_PARSE_ROLLUP, false,
			    &(struct ms_parse_into){ &s->vec, s->pool, NULL, NULL }, s->err,
			    sizeof(s->err));
	if (rc == 0 && s->vec.n != 1)
		rc = ctx->live ? -ESRCH : /* an address space gone before the read */
		     ms_fail(s->err, sizeof(s->err), -EBADMSG,
			     "smaps_rollup: expected one record, found %zu", s->vec.n);
	if (rc == 0) {
		p->c = s->vec.v[0].c;
		p->c.have &= ~(1u << MS_SIZE); /* the record's range spans the space */
	}
	return rc;
}

/* The counts per class of p, from a snapshot taken with flags; none when
 * it cannot be taken now (gone, or changed under the read).  0 or
 * -ENOMEM. */
static int read_classes(struct ms_ctx *ctx, int piddir, struct ms_ps *ps, struct ms_proc *p,
			unsigned flags)
{
	const struct ms_take_hooks hooks = { 0 };
	struct ms_snapshot *snap;
	char err[256];
	int rc = ms_snapshot_take_dir(ctx, piddir, p->pid, flags, &hooks, &snap, err, sizeof(err));

	if (rc < 0)
		return rc == -ENOMEM ? rc : 0;
	p->classes = ms_pool_alloc(ps->pool, MS_CLASS_COUNT * sizeof(*p->classes));
	for (int c = 0; p->classes && c < MS_CLASS_COUNT; c++)
		p->classes[c] = snap->classes[c].c;
	ms_snapshot_free(snap);
	return p->classes ? 0 : -ENOMEM;
}

static int push(struct ms_ps *ps, const struct ms_proc *p)
{
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 256;
		struct ms_proc *v = realloc(ps->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		ps->v = v;
		ps->cap = cap;
	}
	ps->v[ps->n++] = *p;
	return 0;
}

/* The row of the process whose directory is piddir and stat is stat,
 * appended unless it has no address space or is gone; 0, or -ENOMEM. */
static int read_row(struct ms_ctx *ctx, struct ms_ps *ps, int piddir, char *stat,
		    struct scratch *s)
{
	struct ms_proc p = { .pid = (pid_t)strtol(stat, NULL, 10) };
	int rc = from_stat(ps, stat, &p);

	if (rc <= 0) /* not a row, or out of memory */
		return rc;
	p.started_at = s->btime < 0 ? -1 : s->btime + (double)p.start_ticks / (double)ctx->hertz;
	p.uid = ms_status_uid(piddir);
	p.cmdline = cmdline(ps, piddir);
	p.cgroup = s->cgroup ? cgroup(ps, piddir) : NULL;
	p.rc = rollup(ctx, piddir, &p, s);
	if (p.rc == -ESRCH)
		return 0;
	if (p.rc < 0 && !(p.error = ms_pool_strndup(ps->pool, s->err, strlen(s->err))))
		return -ENOMEM;
	if (p.rc == 0 && s->objects && ms_psobjects_add(ctx, piddir, p.pid, s->objects) < 0)
		return -ENOMEM;
	if (p.rc == 0 && s->classes && read_classes(ctx, piddir, ps, &p, s->classes) < 0)
		return -ENOMEM;
	return p.cmdline ? push(ps, &p) : -ENOMEM;
}

/* Process pid's row, if it is still there to read. */
static int read_pid(struct ms_ctx *ctx, struct ms_ps *ps, pid_t pid, struct scratch *s)
{
	int piddir = ms_pid_open(ctx, pid), rc = 0;
	char *stat;

	if (piddir < 0)
		return 0;
	if (ms_read_small(piddir, "stat", &stat, NULL) == 0) {
		rc = read_row(ctx, ps, piddir, stat, s);
		free(stat);
	}
	close(piddir);
	return rc;
}

/* The PIDs of the root's directories, in its order; 0 or an error said. */
static int list_pids(struct ms_ctx *ctx, pid_t **pids, size_t *n, char *err, size_t errlen)
{
	int fd = openat(ctx->rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *e;
	size_t cap = 0;

	*pids = NULL;
	*n = 0;
	if (!d) {
		rc = -errno;
		if (fd >= 0)
			close(fd);
		return ms_fail(err, errlen, rc, "cannot list the processes: %s", strerror(-rc));
	}
	while (rc == 0 && (e = readdir(d))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);

		if (*end || pid <= 0 || pid > INT32_MAX || e->d_name[0] == '0')
			continue;
		if (*n == cap) {
			pid_t *v = realloc(*pids, (cap = cap ? cap * 2 : 1024) * sizeof(*v));

			if (!v) {
				rc = ms_fail(err, errlen, -ENOMEM, "out of memory");
				break;
			}
			*pids = v;
		}
		(*pids)[(*n)++] = (pid_t)pid;
	}
	closedir(d);
	return rc;
}

/* Some of the PIDs, read into rows of its own: the scan is cut in two
 * parts, the second read in a thread of its own beside the caller's. */
struct progress {
	ms_ps_progress_fn *fn;   /* called on the caller's thread alone */
	void *arg;
	atomic_size_t done;      /* processes read, by both parts */
	size_t total;
};

struct part {
	struct ms_ctx *ctx;
	const pid_t *pids;
	size_t n;
	struct progress *progress;
	bool callers;            /* on the caller's thread: it tells progress */
	struct ms_ps rows;       /* its objects too, with MS_PS_OBJECTS */
	struct scratch s;
	int rc;
};

static void *read_part(void *arg)
{
	struct part *p = arg;
	struct progress *pr = p->progress;

	for (size_t i = 0; i < p->n && p->rc == 0; i++) {
		p->rc = read_pid(p->ctx, &p->rows, p->pids[i], &p->s);
		atomic_fetch_add(&pr->done, 1);
		if (pr->fn && p->callers)
			pr->fn(atomic_load(&pr->done), pr->total, pr->arg);
	}
	return NULL;
}

/* b's objects after a's. */
static int merge_objects(struct ms_psobjects *a, const struct ms_psobjects *b)
{
	struct ms_object *v;

	if (!b->n)
		return 0;
	if (!(v = realloc(a->v, (a->n + b->n) * sizeof(*v))))
		return -ENOMEM;
	memcpy(v + a->n, b->v, b->n * sizeof(*v));
	a->v = v;
	a->n += b->n;
	a->cap = a->n;
	return 0;
}

/* The rows of both parts become the table's, and their strings too. */
static int merge(struct ms_ps *ps, struct part *parts)
{
	size_t n = parts[0].rows.n + parts[1].rows.n;
	struct ms_proc *v = realloc(parts[0].rows.v, (n ? n : 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	if (parts[1].rows.n) /* a part not started has no vector at all */
		memcpy(v + parts[0].rows.n, parts[1].rows.v, parts[1].rows.n * sizeof(*v));
	parts[0].rows.v = v;
	if (merge_objects(&parts[0].rows.objects, &parts[1].rows.objects) < 0)
		return -ENOMEM;
	ps->objects = parts[0].rows.objects;
	parts[0].rows.objects.v = NULL;
	ps->v = v;
	ps->n = ps->cap = n;
	ps->pool = parts[0].rows.pool;
	ps->more = parts[1].rows.pool;
	parts[0].rows.v = NULL;
	parts[0].rows.pool = parts[1].rows.pool = NULL;
	return 0;
}

/* Below this many processes a thread costs more than it saves. */
#define SPLIT_MIN 128

/* Every process of the list, in two parts at once unless the context keeps
 * to one thread; the rows of both into ps. */
static int read_all(struct ms_ctx *ctx, unsigned flags, struct ms_ps *ps, const pid_t *pids,
		    size_t n, struct progress *pr)
{
	struct part parts[2] = { { .ctx = ctx, .pids = pids, .n = n, .progress = pr, .callers = true },
				 { .ctx = ctx, .progress = pr } };
	bool split = !ctx->one_thread && n >= SPLIT_MIN;
	double btime = ms_boot_time(ctx); /* the root's stat, read once */
	pthread_t helper;
	int rc = 0;

	if (split)
		parts[1].pids = pids + n / 2, parts[1].n = n - n / 2, parts[0].n = n / 2;
	for (int i = 0; i < 2; i++) {
		parts[i].s.btime = btime;
		parts[i].s.cgroup = flags & MS_PS_CGROUP;
		parts[i].s.objects = flags & MS_PS_OBJECTS ? &parts[i].rows.objects : NULL;
		parts[i].s.classes = flags & MS_PS_CLASSES_SMAPS ? MS_SNAP_STREAM :
				     flags & MS_PS_CLASSES ? MS_SNAP_FAST : 0;
		parts[i].s.pool = ms_pool_new();
		parts[i].rows.pool = parts[i].rows.objects.pool = ms_pool_new();
		if (!parts[i].s.pool || !parts[i].rows.pool)
			rc = -ENOMEM;
	}
	if (rc == 0) {
		split = split && pthread_create(&helper, NULL, read_part, &parts[1]) == 0;
		read_part(&parts[0]);
		if (split)
			pthread_join(helper, NULL);
		else
			read_part(&parts[1]);
		if (pr->fn) /* all read: the last word */
			pr->fn(n, n, pr->arg);
		rc = parts[0].rc < 0 ? parts[0].rc : parts[1].rc;
	}
	if (rc == 0)
		rc = merge(ps, parts);
	for (int i = 0; i < 2; i++) {
		free(parts[i].s.vec.v);
		ms_pool_free(parts[i].s.pool);
		free(parts[i].rows.v);
		free(parts[i].rows.objects.v);
		ms_pool_free(parts[i].rows.pool);
	}
	return rc;
}

static int by_pid(const void *a, const void *b)
{
	const struct ms_proc *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* Sorted by PID, names given to uids, the readable rows summed. */
static int finish(struct ms_ctx *ctx, struct ms_ps *ps, char *err, size_t errlen)
{
	struct ms_users users;
	bool summed = true;

	qsort(ps->v, ps->n, sizeof(*ps->v), by_pid);
	ps->totals.have = (1u << MS_FIELD_COUNT) - 1; /* each row may clear a bit */
	ms_users_open(ctx, &users);
	for (size_t i = 0; i < ps->n; i++) {
		struct ms_proc *p = &ps->v[i];

		p->user = ms_users_name(&users, p->uid, ps->pool);
		if (p->error)
			ps->unreadable++;
		else
			summed &= ms_counts_add(&ps->totals, &p->c);
	}
	ms_users_close(&users);
	if (ms_psobjects_fold(&ps->objects) < 0)
		summed = false;
	return summed ? 0 : ms_fail(err, errlen, -EBADMSG, "the sum of the processes passes 2^63");
}

int ms_ps_take(struct ms_ctx *ctx, unsigned flags, struct ms_ps **out, char *err,
	       size_t errlen)
{
	return ms_ps_take_progress(ctx, flags, NULL, NULL, out, err, errlen);
}

int ms_ps_take_progress(struct ms_ctx *ctx, unsigned flags, ms_ps_progress_fn *fn, void *arg,
			struct ms_ps **out, char *err, size_t errlen)
{
	struct progress pr = { .fn = fn, .arg = arg };
	struct ms_ps *ps = calloc(1, sizeof(*ps));
	pid_t *pids = NULL;
	size_t n = 0;
	int rc = 0;

	*out = NULL;
	if (flags & ~(unsigned)(MS_PS_CGROUP | MS_PS_OBJECTS | MS_PS_CLASSES | MS_PS_CLASSES_SMAPS))
		rc = ms_fail(err, errlen, -EINVAL, "unknown flags %#x", flags);
	else if (!ps)
		rc = ms_fail(err, errlen, -ENOMEM, "out of memory");
	if (rc == 0) {
		ps->taken_at = ms_now_real();
		rc = list_pids(ctx, &pids, &n, err, errlen);
	}
	pr.total = n;
	if (rc == 0 && (rc = read_all(ctx, flags, ps, pids, n, &pr)) < 0)
		ms_fail(err, errlen, rc, "out of memory");
	if (rc == 0)
		rc = finish(ctx, ps, err, errlen);
	free(pids);
	if (rc < 0)
		ms_ps_free(ps);
	else
		*out = ps;
	return rc;
}

void ms_ps_free(struct ms_ps *ps)
{
	if (!ps)
		return;
	free(ps->v);
	free(ps->objects.v);
	ms_pool_free(ps->pool);
	ms_pool_free(ps->more);
	free(ps);
}
