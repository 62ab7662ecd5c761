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

static double now_real(void)
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
	free(snap);
}

static int region_complete(void *arg, struct ms_region *v, size_t i)
{
	return ms_classifier_add(arg, v, i);
}

/* Reads the regions, classifying each as its record ends.  ENOENT/ESRCH on
 * the way mean the process went. */
static int read_regions(int piddir, bool smaps, struct ms_classifier *cl,
			char *err, size_t errlen)
{
	const char *file = smaps ? "smaps" : "maps";
	struct ms_snapshot *snap = cl->snap;
	struct ms_region_vec vec = { 0 };
	int fd = ms_pid_openat(piddir, file);
	int rc;

	if (fd == -ESRCH)
		return ms_fail(err, errlen, fd, "the process exited while it was read");
	if (fd < 0)
		return ms_fail(err, errlen, fd, "cannot open %s: %s", file, strerror(-fd));
	rc = ms_smaps_parse(fd, smaps ? MS_PARSE_SMAPS : MS_PARSE_MAPS, &vec, snap->pool, region_complete, cl, err, errlen);
	snap->regions = vec.v;
	snap->nr_regions = vec.n;
	if (rc == 0)
		ms_classifier_finish(cl, vec.v);
	if (rc < 0 && rc != -EBADMSG && rc != -E2BIG)
		ms_fail(err, errlen, rc, rc == -ESRCH ? "the process exited while it was read" :
			"cannot read %s: %s", file, strerror(-rc));
	return rc;
}

static int take(struct ms_ctx *ctx, int piddir, unsigned flags, struct ms_classifier *cl,
		char *err, size_t errlen)
{
	struct ms_snapshot *snap = cl->snap;
	bool smaps = !(flags & MS_SNAP_MAPS_ONLY);
	uint64_t t0 = now_ns();
	int rc;

	snap->taken_at = now_real();
	snap->have_smaps = smaps;
	rc = ms_procinfo_read(ctx, piddir, snap, err, errlen);
	if (rc == 0)
		rc = ms_classifier_init(cl, snap, piddir);
	if (rc == 0)
		rc = read_regions(piddir, smaps, cl, err, errlen);
	/* A process that exits mid-read leaves a short or empty file: it must
	 * still be there, and no zombie, after the read for the read to count. */
	if (rc == 0 || rc == -EBADMSG) {
		int alive = ms_pid_alive(piddir);

		if (alive < 0)
			rc = ms_fail(err, errlen, alive, "the process exited while it was read");
	}
	snap->took_ns = now_ns() - t0;
	return rc;
}

int ms_snapshot_take_each(struct ms_ctx *ctx, pid_t pid, unsigned flags,
			  ms_region_fn *each, void *arg, struct ms_snapshot **out,
			  char *err, size_t errlen)
{
	struct ms_classifier cl = { .each = each, .arg = arg };
	struct ms_snapshot *snap = calloc(1, sizeof(*snap));
	int piddir, rc;

	*out = NULL;
	if (!snap)
		return -ENOMEM;
	snap->pid = pid;
	snap->pool = ms_pool_new();
	snap->schema = strdup(MS_SNAPSHOT_SCHEMA);
	if (!snap->pool || !snap->schema) {
		ms_snapshot_free(snap);
		return -ENOMEM;
	}
	piddir = ms_pid_open(ctx, pid);
	if (piddir < 0) {
		ms_snapshot_free(snap);
		return ms_fail(err, errlen, piddir, piddir == -ESRCH ? "no such process" :
			       "cannot open the process: %s", strerror(-piddir));
	}
	cl.snap = snap;
	rc = take(ctx, piddir, flags, &cl, err, errlen);
	ms_classifier_release(&cl);
	close(piddir);
	if (rc < 0) {
		if (rc == -ENOMEM)
			ms_fail(err, errlen, rc, "out of memory");
		ms_snapshot_free(snap);
		return rc;
	}
	*out = snap;
	return 0;
}

int ms_snapshot_take(struct ms_ctx *ctx, pid_t pid, unsigned flags,
		     struct ms_snapshot **out, char *err, size_t errlen)
{
	return ms_snapshot_take_each(ctx, pid, flags, NULL, NULL, out, err, errlen);
}

int ms_rollup_read(struct ms_ctx *ctx, pid_t pid, struct ms_counts *out,
		   char *err, size_t errlen)
{
	struct ms_region_vec vec = { 0 };
	struct ms_pool *pool = ms_pool_new();
	int piddir = ms_pid_open(ctx, pid);
	int fd = piddir < 0 ? piddir : ms_pid_openat(piddir, "smaps_rollup");
	int rc = fd;

	if (fd >= 0 && pool)
		rc = ms_smaps_parse(fd, MS_PARSE_ROLLUP, &vec, pool, NULL, NULL, err, errlen);
	else if (fd >= 0)
		close(fd), rc = -ENOMEM;
	if (rc == 0 && vec.n != 1)
		rc = ms_fail(err, errlen, -EBADMSG, "smaps_rollup: expected one record, found %zu",
			     vec.n);
	if (rc == 0)
		rc = ms_pid_alive(piddir);
	if (rc == 0) {
		*out = vec.v[0].c;
		/* the [rollup] header's range spans the address space, not a size */
		out->have &= ~(1u << MS_SIZE);
	} else if (rc != -EBADMSG) {
		ms_fail(err, errlen, rc, rc == -ESRCH ? "no such process" :
			"cannot read smaps_rollup: %s", strerror(-rc));
	}
	if (piddir >= 0)
		close(piddir);
	free(vec.v);
	ms_pool_free(pool);
	return rc;
}
