/*
 * snapshot.c - one read of a process: its facts, its regions with their
 * classes, and the sums.
 */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

double ms_now_real(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void ms_snapshot_free(struct ms_snapshot *snap)
{
	if (!snap)
		return;
	for (size_t i = 0; snap->argv && snap->argv[i]; i++)
		free(snap->argv[i]);
	free(snap->argv);
	free(snap->schema);
	free(snap->comm);
	free(snap->exe);
	free(snap->kernel);
	ms_residency_free(snap);
	free(snap->regions);
	free(snap->objects);
	ms_pool_free(snap->pool);
	if (snap->mm > 0)
		close(snap->mm - 1);
	free(snap);
}

static int region_complete(void *arg, struct ms_region *v, size_t i)
{
	return ms_classifier_add(arg, v, i);
}

/* Reads the regions, classifying each as its record ends. */
static int read_regions(struct ms_ctx *ctx, int piddir, bool smaps, struct ms_classifier *cl,
			char *err, size_t errlen)
{
	const char *file = smaps ? "smaps" : "maps";
	struct ms_snapshot *snap = cl->snap;
	struct ms_region_vec vec = { 0 };
	int fd = ms_pid_openat(piddir, file);
	int rc;

	cl->vec = &vec;

	if (fd == -ESRCH)
		return ms_gone(ctx, snap->pid, file, err, errlen);
	if (fd < 0)
		return ms_fail(err, errlen, fd, "cannot open %s: %s", file, strerror(-fd));
	rc = ms_smaps_parse(fd, smaps ? MS_PARSE_SMAPS : MS_PARSE_MAPS, !ctx->one_thread,
			    &(struct ms_parse_into){ &vec, cl->stream ? cl->scratch : snap->pool,
						     region_complete, cl },
			    err, errlen);
	if (rc == -EAGAIN && !ctx->live) /* a saved file does not change: it is wrong */
		rc = -EBADMSG;
	if (rc == 0)
		rc = ms_classifier_finish(cl, vec.v);
	if (rc == -EOVERFLOW)
		rc = ms_fail(err, errlen, -EBADMSG, "%s: the sums of its counts pass 2^63 bytes",
			     file);
	if (cl->stream) { /* heard, not kept */
		free(vec.v);
		vec.v = NULL;
		vec.n = snap->totals.count;
	}
	snap->regions = vec.v;
	snap->nr_regions = vec.n;
	if (rc < 0 && rc != -EBADMSG && rc != -E2BIG)
		ms_fail(err, errlen, rc, rc == -ESRCH ? "the process exited while it was read" :
			"cannot read %s: %s", file, strerror(-rc));
	return rc;
}

/*
 * The address space is opened first and checked last (ms_mm_open() says
 * why), so that a process that exits or execs anywhere in between, even
 * between comm and exe, fails the read instead of leaving a short one.
 */
static int take(struct ms_ctx *ctx, int piddir, unsigned flags, struct ms_classifier *cl,
		char *err, size_t errlen)
{
	struct ms_snapshot *snap = cl->snap;
	bool smaps = !(flags & (MS_SNAP_MAPS_ONLY | MS_SNAP_FAST));
	uint64_t t0 = now_ns();
	struct ms_mm mm;
	int rc = ms_mm_open(ctx, piddir, true, &mm, err, errlen);

	snap->taken_at = ms_now_real();
	snap->have_smaps = smaps;
	snap->fast = flags & MS_SNAP_FAST;
	if (rc < 0)
		return rc;
	snap->mm = mm.fd + 1;
	snap->mm_sig = mm.sig;
	rc = ms_procinfo_read(ctx, piddir, snap, err, errlen);
	if (rc == 0)
		rc = ms_classifier_init(cl, snap, piddir, ctx->page_size);
	if (rc < 0)
		return rc == -ESRCH && err && errlen && !err[0] ?
		       ms_fail(err, errlen, rc, "the process exited while it was read") : rc;
	if (cl->hooks->begin)
		cl->hooks->begin(snap, cl->hooks->arg);
	rc = read_regions(ctx, piddir, smaps, cl, err, errlen);
	if (rc == 0 && (flags & MS_SNAP_FAST))
		rc = ms_fast_fill(ctx, piddir, snap, !(flags & MS_SNAP_PREAD), err, errlen);
	/* a cut read can look whole, or malformed where the cut fell */
	if (rc == 0 || rc == -EBADMSG || rc == -ESRCH) {
		int gone = ms_mm_check(ctx, piddir, &mm, err, errlen);

		if (gone < 0)
			rc = gone;
	}
	if (rc == 0 && mm.fd >= 0 && !(flags & MS_SNAP_KEEP_OPEN)) {
		close(mm.fd);
		snap->mm = 0;
	}
	snap->took_ns = now_ns() - t0;
	return rc;
}

/* One try: a new snapshot of the process whose directory is piddir. */
static int take_once(struct ms_ctx *ctx, int piddir, pid_t pid, unsigned flags,
		     const struct ms_take_hooks *hooks, struct ms_snapshot **out,
		     char *err, size_t errlen)
{
	struct ms_classifier cl = { .each = hooks->each, .arg = hooks->arg, .hooks = hooks,
				    .stream = flags & MS_SNAP_STREAM };
	struct ms_snapshot *snap = calloc(1, sizeof(*snap));
	int rc;

	if (!snap)
		return -ENOMEM;
	snap->pid = pid;
	snap->pool = ms_pool_new();
	snap->schema = strdup(MS_SNAPSHOT_SCHEMA);
	cl.scratch = cl.stream ? ms_pool_new() : NULL;
	if (!snap->pool || !snap->schema || (cl.stream && !cl.scratch)) {
		ms_pool_free(cl.scratch);
		ms_snapshot_free(snap);
		return -ENOMEM;
	}
	cl.snap = snap;
	if (err && errlen)
		err[0] = '\0';
	rc = take(ctx, piddir, flags, &cl, err, errlen);
	ms_classifier_release(&cl);
	ms_pool_free(cl.scratch);
	if (rc < 0)
		ms_snapshot_free(snap);
	else
		*out = snap;
	return rc;
}

/* A process whose mappings merge while it is read makes a read start again
 * (smaps.c says why); this many tries, then it fails. */
#define READ_TRIES 5

#define SNAP_FLAGS (MS_SNAP_MAPS_ONLY | MS_SNAP_KEEP_OPEN | MS_SNAP_STREAM | MS_SNAP_FAST | \
		    MS_SNAP_PREAD)

int ms_snapshot_take_hooked(struct ms_ctx *ctx, pid_t pid, unsigned flags,
			    const struct ms_take_hooks *hooks, struct ms_snapshot **out,
			    char *err, size_t errlen)
{
	int piddir, rc;

	*out = NULL;
	if (flags & ~SNAP_FLAGS)
		return ms_fail(err, errlen, -EINVAL, "unknown flags %#x", flags & ~SNAP_FLAGS);
	if ((flags & MS_SNAP_FAST) && (flags & MS_SNAP_STREAM))
		return ms_fail(err, errlen, -EINVAL, "a fast read keeps every region: not streamed");
	piddir = ms_pid_open(ctx, pid);
	if (piddir < 0)
		return ms_fail(err, errlen, piddir, piddir == -ESRCH ? "no such process" :
			       "cannot open the process: %s", strerror(-piddir));
	rc = ms_snapshot_take_dir(ctx, piddir, pid, flags, hooks, out, err, errlen);
	close(piddir);
	return rc;
}

int ms_snapshot_take_dir(struct ms_ctx *ctx, int piddir, pid_t pid, unsigned flags,
			 const struct ms_take_hooks *hooks, struct ms_snapshot **out,
			 char *err, size_t errlen)
{
	int rc, tries = 0;

	*out = NULL;
	do {
		if (tries && hooks->each)
			hooks->each(NULL, hooks->arg); /* forget the regions heard so far */
		rc = take_once(ctx, piddir, pid, flags, hooks, out, err, errlen);
	} while (rc == -EAGAIN && ++tries < READ_TRIES);
	if (rc == -ENOMEM)
		ms_fail(err, errlen, rc, "out of memory");
	else if (rc == -EAGAIN)
		ms_fail(err, errlen, rc, "its mappings changed under each of %d reads", READ_TRIES);
	return rc;
}

int ms_snapshot_take_each(struct ms_ctx *ctx, pid_t pid, unsigned flags,
			  ms_region_fn *each, void *arg, struct ms_snapshot **out,
			  char *err, size_t errlen)
{
	const struct ms_take_hooks hooks = { .each = each, .arg = arg };

	return ms_snapshot_take_hooked(ctx, pid, flags, &hooks, out, err, errlen);
}

int ms_snapshot_take(struct ms_ctx *ctx, pid_t pid, unsigned flags,
		     struct ms_snapshot **out, char *err, size_t errlen)
{
	return ms_snapshot_take_each(ctx, pid, flags, NULL, NULL, out, err, errlen);
}

/* 0 when stat says the process has memory to read (kernel threads and
 * zombies read as empty: they are told first), else the reason. */
static int has_memory(struct ms_ctx *ctx, int piddir, pid_t pid, char *err, size_t errlen)
{
	char *stat;
	int rc = ms_read_small(piddir, "stat", &stat, NULL);

	if (rc == -ESRCH)
		return ms_gone(ctx, pid, "stat", err, errlen);
	if (rc < 0)
		return ms_fail(err, errlen, rc, "cannot read stat: %s", strerror(-rc));
	rc = ms_stat_has_memory(piddir, stat, err, errlen);
	free(stat);
	return rc;
}

/* smaps_rollup into vec, checked as take() checks smaps. */
static int read_rollup(struct ms_ctx *ctx, int piddir, pid_t pid, struct ms_region_vec *vec,
		       struct ms_pool *pool, char *err, size_t errlen)
{
	struct ms_mm mm;
	/* no figures: smaps_rollup is one file, of the address space it opens */
	int fd, gone, rc = ms_mm_open(ctx, piddir, false, &mm, err, errlen);

	if (rc < 0)
		return rc;
	rc = has_memory(ctx, piddir, pid, err, errlen);
	if (rc == 0) {
		fd = ms_pid_openat(piddir, "smaps_rollup");
		rc = fd == -ESRCH ? ms_gone(ctx, pid, "smaps_rollup", err, errlen) :
		     fd < 0 ? ms_fail(err, errlen, fd, "cannot open smaps_rollup: %s",
				      strerror(-fd)) :
		     ms_smaps_parse(fd, MS_PARSE_ROLLUP, false, /* one record */
				    &(struct ms_parse_into){ vec, pool, NULL, NULL },
				    err, errlen);
		/* a cut read can look whole, or malformed where the cut fell */
		gone = ms_mm_check(ctx, piddir, &mm, err, errlen);
		rc = gone < 0 ? gone : rc;
	}
	if (rc == 0 && vec->n != 1)
		rc = ms_fail(err, errlen, -EBADMSG, "smaps_rollup: expected one record, found %zu",
			     vec->n);
	if (mm.fd >= 0)
		close(mm.fd);
	return rc;
}

int ms_rollup_read(struct ms_ctx *ctx, pid_t pid, struct ms_counts **out,
		   char *err, size_t errlen)
{
	struct ms_region_vec vec = { 0 };
	struct ms_pool *pool = ms_pool_new();
	int piddir = ms_pid_open(ctx, pid);
	int rc = piddir;

	if (piddir < 0)
		ms_fail(err, errlen, rc, rc == -ESRCH ? "no such process" :
			"cannot open the process: %s", strerror(-rc));
	else if (!pool)
		rc = ms_fail(err, errlen, -ENOMEM, "out of memory");
	else
		rc = read_rollup(ctx, piddir, pid, &vec, pool, err, errlen);
	*out = NULL;
	if (rc == 0 && !(*out = malloc(sizeof(**out))))
		rc = ms_fail(err, errlen, -ENOMEM, "out of memory");
	if (rc == 0) {
		**out = vec.v[0].c;
		/* the [rollup] header's range spans the address space, not a size */
		(*out)->have &= ~(1u << MS_SIZE);
	}
	if (piddir >= 0)
		close(piddir);
	free(vec.v);
	ms_pool_free(pool);
	return rc;
}
