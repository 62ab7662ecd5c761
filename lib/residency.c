/*
 * residency.c - which pages of each region of a process are in RAM: the
 * process's side of it (the right process, pagemap, kpageflags, the
 * regions one by one); pagewalk.c reads a region.
 */
#include "pagewalk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Frames are looked up where kpageflags and kpagecount open (root). */
static const char *open_kpage(struct ms_ctx *ctx, struct walk *w)
{
	const char *why = NULL;

	w->kflags = openat(ctx->rootfd, "kpageflags", O_RDONLY | O_CLOEXEC);
	w->kcount = openat(ctx->rootfd, "kpagecount", O_RDONLY | O_CLOEXEC);
	if (w->kflags < 0 || w->kcount < 0) {
		why = errno == EACCES || errno == EPERM ?
		      "/proc/kpageflags needs root (CAP_SYS_ADMIN)" :
		      "/proc/kpageflags cannot be read";
		if (w->kflags >= 0)
			close(w->kflags);
		if (w->kcount >= 0)
			close(w->kcount);
		w->kflags = w->kcount = -1;
	}
	return why;
}

/* The process must be the one of the snapshot (the same start time), with
 * memory to read. */
static int same_process(struct ms_ctx *ctx, int piddir, const struct ms_snapshot *snap,
			char *err, size_t errlen)
{
	char *stat;
	long long start = -1;
	int rc = ms_read_stat(ctx, piddir, snap->pid, &stat, err, errlen);

	if (rc < 0)
		return rc;
	rc = ms_stat_start_ticks(stat, &start);
	if (rc == 0)
		rc = ms_stat_has_memory(piddir, stat, err, errlen);
	free(stat);
	if (rc == -EBADMSG)
		return ms_fail(err, errlen, rc, "stat: cannot parse");
	if (rc < 0)
		return rc;
	if (snap->start_ticks >= 0 && start != snap->start_ticks)
		return ms_fail(err, errlen, -ESRCH, "the process is gone: its pid now names another");
	return 0;
}

/*
 * One region into res, through PAGEMAP_SCAN when scan.  pagemap has no
 * entries for [vsyscall], above the address space: such a region reads as
 * absent (an exited process reads the same; the caller checks for that at
 * the end).
 */
static int read_region(struct decoder *d, struct decoder *helper, const struct ms_region *r,
		       bool scan)
{
	int rc;

	ms_decoder_reset(d, r->start);
	rc = ms_walk_region(d, helper, r->start, r->end, scan);
	if (rc == -EFAULT) {
		ms_decoder_reset(d, r->start);
		rc = 0;
	}
	return rc == 0 ? ms_decoder_finish(d, r->end) : rc;
}

/* The figures only kpageflags and kpagecount give: unknown. */
static void no_frames(struct ms_residency *r)
{
	r->zero = r->thp = r->ksm = r->uss_exact = r->pss_exact = -1;
}

/* What the decoder counted, as the snapshot shows it: what could not be
 * known is -1. */
static void take_counts(struct ms_residency *out, struct decoder *d, bool pfns, bool scan)
{
	*out = d->res;
	d->res.runs = NULL; /* the snapshot owns them now */
	d->res.nr_runs = 0;
	d->runcap = 0;
	if (!pfns) {
		no_frames(out);
		if (scan) { /* what PAGEMAP_SCAN knows without root */
			out->zero = d->zero;
			out->thp = d->huge;
		}
	}
}

static int read_all(struct walk *w, struct ms_snapshot *snap, const char *why)
{
	struct decoder d, helper = { 0 };
	bool scan = !(w->flags & MS_RES_PREAD) && snap->nr_regions &&
		    ms_scan_works(w, snap->regions[0].start), hidden = false;
	int rc = ms_decoder_init(&d, w);

	if (rc == 0 && !w->one_thread)
		rc = ms_decoder_init(&helper, w);
	for (size_t i = 0; rc == 0 && i < snap->nr_regions; i++) {
		rc = read_region(&d, w->one_thread ? NULL : &helper, &snap->regions[i], scan);
		hidden |= d.pfn_hidden;
		if (rc == 0)
			take_counts(&snap->res[i], &d, w->kflags >= 0, scan);
	}
	ms_decoder_release(&d);
	ms_decoder_release(&helper);
	if (rc == 0 && hidden && w->kflags >= 0) {
		/* kpageflags opened, but pagemap showed no frames to look up */
		why = "pagemap hides page frame numbers without CAP_SYS_ADMIN";
		for (size_t i = 0; i < snap->nr_regions; i++)
			no_frames(&snap->res[i]);
	}
	snap->res_method = scan ? "pagemap-scan" : "pread";
	snap->res_pfn_why = why;
	return rc;
}

void ms_residency_free(struct ms_snapshot *snap)
{
	for (size_t i = 0; snap->res && i < snap->nr_regions; i++)
		free(snap->res[i].runs);
	free(snap->res);
	snap->res = NULL;
}

/*
 * The pages must be of the address space the regions came from: a snapshot
 * taken here keeps that address space open (snap->mm), and the walk counts
 * only if it still lives at the end, so an exit or an exec at any moment
 * since the regions were read fails the read.  A snapshot read from a file
 * has none: the process's address space of now is opened and checked.
 */
static int read_pages(struct ms_ctx *ctx, int piddir, struct walk *w, struct ms_snapshot *snap,
		      unsigned flags, char *err, size_t errlen)
{
	const char *why = "not asked for";
	/* no err: a process gone by now is one that exited while it was read */
	struct ms_mm mm = { snap->mm - 1, snap->mm_sig };
	int rc = snap->mm > 0 ? 0 : ms_mm_open(ctx, piddir, true, &mm, NULL, 0);

	if (rc == 0)
		rc = same_process(ctx, piddir, snap, err, errlen);
	/* the same process, but not the address space of its snapshot */
	if (rc == 0 && snap->mm == 0 && snap->mm_sig && mm.sig && mm.sig != snap->mm_sig)
		rc = ms_fail(err, errlen, -ESTALE, "the process was replaced by exec since it was read");
	if (rc == 0) {
		rc = w->fd = ms_pid_openat(piddir, "pagemap");
		if (rc == -ESRCH)
			rc = ms_gone(ctx, snap->pid, "pagemap", err, errlen);
	}
	if (rc >= 0) {
		ms_residency_free(snap);
		snap->res = calloc(snap->nr_regions ? snap->nr_regions : 1, sizeof(*snap->res));
		rc = snap->res ? 0 : -ENOMEM;
	}
	if (rc == 0 && !(flags & MS_RES_NO_PFN))
		why = open_kpage(ctx, w);
	if (rc == 0)
		rc = read_all(w, snap, why);
	/* exited mid-walk: short reads, none, or a scan the kernel refuses */
	if (mm.fd >= 0 && snap->res && rc != -ENOMEM && rc != -EACCES && rc != -EPERM) {
		int gone = ms_mm_check(ctx, piddir, &mm, err, errlen);

		rc = gone < 0 ? gone : rc;
	}
	if (mm.fd >= 0 && snap->mm == 0)
		close(mm.fd);
	return rc;
}

int ms_residency_read(struct ms_ctx *ctx, struct ms_snapshot *snap, unsigned flags,
		      char *err, size_t errlen)
{
	struct walk w = { .fd = -1, .kflags = -1, .kcount = -1, .flags = flags,
			  .page = (uint64_t)ctx->page_size, .one_thread = ctx->one_thread };
	int piddir, rc;

	if (ms_streamed(snap))
		return ms_fail(err, errlen, -EINVAL, "the snapshot kept no regions (streamed)");
	piddir = ms_pid_open(ctx, snap->pid);
	if (piddir < 0)
		return ms_fail(err, errlen, piddir, piddir == -ESRCH ? "no such process" :
			       "cannot open the process: %s", strerror(-piddir));
	if (err && errlen)
		err[0] = '\0';
	rc = read_pages(ctx, piddir, &w, snap, flags, err, errlen);
	if (w.fd >= 0)
		close(w.fd);
	if (w.kflags >= 0)
		close(w.kflags);
	if (w.kcount >= 0)
		close(w.kcount);
	close(piddir);
	if (rc < 0) {
		ms_residency_free(snap);
		if (!(err && errlen && err[0]))
			ms_fail(err, errlen, rc, rc == -ESRCH ? "the process exited while it was read" :
				rc == -EACCES || rc == -EPERM ? "permission denied" :
				"cannot read pagemap: %s", strerror(-rc));
	}
	return rc;
}
