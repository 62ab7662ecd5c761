/*
 * residency.c - which pages of each region are in RAM, from
 * /proc/PID/pagemap (Documentation/admin-guide/mm/pagemap.rst).
 *
 * pagemap has one 64-bit entry per virtual page.  Reading all of it costs a
 * page-table walk of every page, populated or not: for a 64 GiB reservation,
 * 128 MiB of entries.  PAGEMAP_SCAN (6.7+) instead returns runs of populated
 * pages and skips the holes, so we ask it where the present and swapped
 * pages are and pread only those entries.  Every entry, whichever way it was
 * found, goes through decode(): the two paths cannot disagree.
 *
 * Each walk holds the process's mmap lock for reading while the kernel
 * walks; one pread or ioctl covers at most ENTRIES pages, so the lock is
 * never held for long and the process's own mmap calls are not starved.
 */
#include "internal.h"
#include "pagemap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kernel-page-flags.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define ENTRIES (128u << 10)   /* a pread: 1 MiB of entries, 512 MiB of memory */
#define SCAN_VEC 512           /* runs per PAGEMAP_SCAN call */
#define PFN_BATCH (1u << 20)   /* PFNs looked up at once (16 MiB) */

struct reader {
	struct ms_ctx *ctx;
	int fd;                 /* pagemap */
	uint64_t page;
	unsigned flags;
	uint64_t *entries;      /* ENTRIES */
	struct ms_page_region *vec;
	uint64_t *pfns;         /* of present pages, for kpageflags */
	size_t nr_pfns;
	int kflags, kcount;     /* /proc/kpageflags, kpagecount; -1 closed */
	bool pfn_hidden;        /* present pages came with PFN 0 */
	const char *pfn_why;
};

/* ---- runs ---- */

static int add_run(struct ms_residency *res, uint64_t start, uint64_t end,
		   enum ms_page_state state, size_t *cap)
{
	struct ms_run *last = res->nr_runs ? &res->runs[res->nr_runs - 1] : NULL;

	if (last && last->end == start && last->state == state) {
		last->end = end;
		return 0;
	}
	if (res->nr_runs == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct ms_run *nv = realloc(res->runs, ncap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		res->runs = nv;
		*cap = ncap;
	}
	res->runs[res->nr_runs++] = (struct ms_run){ start, end, state };
	return 0;
}

/* ---- kpageflags and kpagecount ---- */

/* LSD radix sort, 16 bits a pass: a frame number fits in 48 bits, and
 * qsort's comparisons cost more than the lookups they serve. */
static int sort_pfns(uint64_t *v, size_t n)
{
	uint64_t *tmp = malloc(n * sizeof(*tmp)), *src = v, *dst = tmp;
	size_t *count = calloc(1u << 16, sizeof(*count));

	if (!tmp || !count) {
		free(tmp);
		free(count);
		return -ENOMEM;
	}
	for (unsigned shift = 0; shift < 48; shift += 16) {
		size_t sum = 0;

		memset(count, 0, (1u << 16) * sizeof(*count));
		for (size_t i = 0; i < n; i++)
			count[(src[i] >> shift) & 0xffff]++;
		for (size_t d = 0; d < (1u << 16); d++) {
			size_t c = count[d];

			count[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[count[(src[i] >> shift) & 0xffff]++] = src[i];
		tmp = src, src = dst, dst = tmp;
	}
	/* three passes: the sorted numbers are in the other buffer */
	memcpy(v, src, n * sizeof(*v));
	free(src == v ? dst : src);
	free(count);
	return 0;
}

static int pread_all(int fd, void *buf, size_t len, off_t off)
{
	ssize_t n;

	do
		n = pread(fd, buf, len, off);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

/* Reads the flags and map counts of runs of consecutive PFNs at once. */
static int lookup_run(struct reader *rd, struct ms_residency *res, uint64_t first,
		      size_t n, uint64_t *pss_shifted)
{
	uint64_t fl[512], cnt[512];
	off_t off = (off_t)(first * 8);
	int rc;

	if ((rc = pread_all(rd->kflags, fl, n * 8, off)) < 0 ||
	    (rc = pread_all(rd->kcount, cnt, n * 8, off)) < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		res->thp += (fl[i] >> KPF_THP) & 1;
		res->ksm += (fl[i] >> KPF_KSM) & 1;
		res->zero += (fl[i] >> KPF_ZERO_PAGE) & 1;
		if (cnt[i] == 1)
			res->uss_exact += (int64_t)rd->page;
		if (cnt[i])
			*pss_shifted += (rd->page << 12) / cnt[i];
	}
	return 0;
}

/* PFNs sorted, merged into runs of consecutive frames: one pread a run. */
static int flush_pfns(struct reader *rd, struct ms_residency *res)
{
	uint64_t pss_shifted = 0;
	size_t i = 0;

	int rc = sort_pfns(rd->pfns, rd->nr_pfns);

	if (rc < 0)
		return rc;
	while (i < rd->nr_pfns) {
		size_t n = 1;

		/* the same frame twice (mapped twice here) is looked up twice */
		while (i + n < rd->nr_pfns && n < 512 && rd->pfns[i + n] == rd->pfns[i] + n)
			n++;
		rc = lookup_run(rd, res, rd->pfns[i], n, &pss_shifted);
		if (rc < 0)
			return rc;
		i += n;
	}
	res->pss_exact += (int64_t)(pss_shifted >> 12);
	rd->nr_pfns = 0;
	return 0;
}

/* ---- decoding ---- */

static enum ms_page_state state_of(uint64_t e)
{
	if (e & PM_PRESENT)
		return MS_PAGE_PRESENT;
	if (e & PM_SWAP)
		/* markers live in swap-format entries too, but hold no page */
		return e & (PM_GUARD | PM_UFFD_WP) ? MS_PAGE_MARKER : MS_PAGE_SWAPPED;
	return MS_PAGE_ABSENT;
}

static int decode(struct reader *rd, struct ms_residency *res, uint64_t addr,
		  const uint64_t *e, size_t n, size_t *runcap)
{
	for (size_t i = 0; i < n; i++) {
		enum ms_page_state st = state_of(e[i]);
		int rc;

		res->soft_dirty += !!(e[i] & PM_SOFT_DIRTY);
		if (st == MS_PAGE_SWAPPED)
			res->swapped++;
		else if (st == MS_PAGE_MARKER)
			res->markers++;
		else if (st == MS_PAGE_PRESENT) {
			res->present++;
			res->file += !!(e[i] & PM_FILE);
			res->exclusive += !!(e[i] & PM_EXCLUSIVE);
			if (rd->kflags >= 0 && (e[i] & PM_PFN_MASK)) {
				if (rd->nr_pfns == PFN_BATCH && (rc = flush_pfns(rd, res)) < 0)
					return rc;
				rd->pfns[rd->nr_pfns++] = e[i] & PM_PFN_MASK;
			} else if (!(e[i] & PM_PFN_MASK)) {
				rd->pfn_hidden = true;
			}
		}
		if ((rd->flags & MS_RES_RUNS) &&
		    (rc = add_run(res, addr + i * rd->page, addr + (i + 1) * rd->page, st,
				  runcap)) < 0)
			return rc;
	}
	return 0;
}

/* Reads and decodes the entries of [start, end). */
static int read_range(struct reader *rd, struct ms_residency *res, uint64_t start,
		      uint64_t end, size_t *runcap)
{
	while (start < end) {
		uint64_t pages = (end - start) / rd->page;
		size_t n = pages < ENTRIES ? (size_t)pages : ENTRIES;
		ssize_t got;
		int rc;

		do
			got = pread(rd->fd, rd->entries, n * 8, (off_t)(start / rd->page * 8));
		while (got < 0 && errno == EINTR);
		if (got < 0)
			return -errno;
		if ((size_t)got != n * 8)
			/* no entries here: past the address space, or the mm
			 * is gone (read_all() asks which, at the end) */
			return -EFAULT;
		rc = decode(rd, res, start, rd->entries, n, runcap);
		if (rc < 0)
			return rc;
		start += n * rd->page;
	}
	return 0;
}

static int absent(struct reader *rd, struct ms_residency *res, uint64_t start,
		  uint64_t end, size_t *runcap)
{
	if (!(rd->flags & MS_RES_RUNS) || start >= end)
		return 0;
	return add_run(res, start, end, MS_PAGE_ABSENT, runcap);
}

/* What is done with the runs the scan finds: their entries are read and
 * decoded, and the holes between them become absent runs. */
struct consumer {
	struct reader *rd;
	struct ms_residency *res;
	size_t *runcap;
	uint64_t done;          /* decoded up to here */
	int64_t zero, huge;     /* from the scan's categories */
};

static int consume(struct consumer *c, const struct ms_page_region *vec, int n)
{
	for (int i = 0; i < n; i++) {
		const struct ms_page_region *v = &vec[i];
		uint64_t pages = (v->end - v->start) / c->rd->page;
		int rc;

		if ((rc = absent(c->rd, c->res, c->done, v->start, c->runcap)) < 0 ||
		    (rc = read_range(c->rd, c->res, v->start, v->end, c->runcap)) < 0)
			return rc;
		if (v->categories & PAGE_IS_PFNZERO)
			c->zero += (int64_t)pages;
		if ((v->categories & PAGE_IS_HUGE) && (v->categories & PAGE_IS_PRESENT))
			c->huge += (int64_t)pages;
		c->done = v->end;
	}
	return 0;
}

/*
 * A large region is read by two threads: this one scans, a second reads
 * and decodes the runs each scan found, so the two walks of the page tables
 * (the scan's, and pread's for the exclusive bit the scan does not report)
 * run side by side.  Batches pass through a small ring.
 */
#define PIPE_BATCHES 4
#define PIPE_MIN_PAGES (16u << 10)   /* 64 MiB of 4 KiB pages */
#define PIPE_PAGES (16u << 10)       /* pages a scan returns at most */

struct pipe {
	struct consumer *c;
	struct ms_page_region vec[PIPE_BATCHES][SCAN_VEC];
	int n[PIPE_BATCHES];
	unsigned head, tail;    /* batches scanned / consumed */
	bool end;               /* no more batches */
	int rc;                 /* the consumer's first error */
	pthread_mutex_t mu;
	pthread_cond_t cond;
};

static void *pipe_worker(void *arg)
{
	struct pipe *p = arg;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		unsigned slot;
		int rc;

		while (p->head == p->tail && !p->end)
			pthread_cond_wait(&p->cond, &p->mu);
		if (p->head == p->tail)
			break;
		slot = p->tail % PIPE_BATCHES;
		pthread_mutex_unlock(&p->mu);
		rc = p->rc ? 0 : consume(p->c, p->vec[slot], p->n[slot]);
		pthread_mutex_lock(&p->mu);
		if (rc < 0 && !p->rc)
			p->rc = rc;
		p->tail++;
		pthread_cond_broadcast(&p->cond);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* The next slot to scan into, once the worker has freed one. */
static struct ms_page_region *pipe_slot(struct pipe *p)
{
	pthread_mutex_lock(&p->mu);
	while (p->head - p->tail == PIPE_BATCHES)
		pthread_cond_wait(&p->cond, &p->mu);
	pthread_mutex_unlock(&p->mu);
	return p->vec[p->head % PIPE_BATCHES];
}

static void pipe_push(struct pipe *p, int n, bool end)
{
	pthread_mutex_lock(&p->mu);
	if (n > 0)
		p->n[p->head++ % PIPE_BATCHES] = n;
	p->end = end;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->mu);
}

/* Scans arg's range; each batch goes to the pipe, or straight to c. */
static int scan_loop(struct reader *rd, struct ms_pm_scan_arg *arg, struct consumer *c,
		     struct pipe *p)
{
	for (;;) {
		struct ms_page_region *vec = p ? pipe_slot(p) : rd->vec;
		int n, rc;

		arg->vec = (uintptr_t)vec;
		n = ioctl(rd->fd, MS_PAGEMAP_SCAN, arg);
		if (n < 0)
			return errno == EINVAL || errno == ENOTTY || errno == EOPNOTSUPP ?
			       -ENOTTY : -errno;
		if (p && p->rc)
			return p->rc;
		if (p)
			pipe_push(p, n, false);
		else if ((rc = consume(c, vec, n)) < 0)
			return rc;
		if (arg->walk_end >= arg->end)
			return 0;
		if (arg->walk_end <= arg->start && n == 0)
			return -EIO; /* no progress: do not spin */
		arg->start = arg->walk_end;
	}
}

static int scan_piped(struct reader *rd, struct ms_pm_scan_arg *arg, struct consumer *c)
{
	struct pipe *p = calloc(1, sizeof(*p));
	pthread_t worker;
	int rc;

	if (!p)
		return -ENOMEM;
	p->c = c;
	if (pthread_mutex_init(&p->mu, NULL) != 0 || pthread_cond_init(&p->cond, NULL) != 0 ||
	    pthread_create(&worker, NULL, pipe_worker, p) != 0) {
		free(p); /* FIXME: a mutex that was set up is not destroyed */
		return scan_loop(rd, arg, c, NULL);
	}
	arg->max_pages = PIPE_PAGES;
	rc = scan_loop(rd, arg, c, p);
	pipe_push(p, 0, true);
	pthread_join(worker, NULL);
	if (rc == 0)
		rc = p->rc;
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->mu);
	free(p);
	return rc;
}

/*
 * PAGEMAP_SCAN for the runs that hold present or swapped pages, resuming
 * where each call's walk ended.  Never PAGE_IS_WRITTEN: on some kernels it
 * is set on untouched pages of a populated page table.
 * Returns -ENOTTY when the kernel has no PAGEMAP_SCAN.
 */
static int scan_region(struct reader *rd, struct ms_residency *res,
		       const struct ms_region *r, size_t *runcap, int64_t *zero,
		       int64_t *huge)
{
	struct ms_pm_scan_arg arg = {
		.size = sizeof(arg), .start = r->start, .end = r->end,
		.vec_len = SCAN_VEC, .max_pages = ENTRIES,
		.category_anyof_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED,
		.return_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED | PAGE_IS_PFNZERO | PAGE_IS_HUGE,
	};
	struct consumer c = { .rd = rd, .res = res, .runcap = runcap, .done = r->start };
	int rc = (r->end - r->start) / rd->page >= PIPE_MIN_PAGES ?
		 scan_piped(rd, &arg, &c) : scan_loop(rd, &arg, &c, NULL);

	if (rc < 0)
		return rc;
	*zero += c.zero;
	*huge += c.huge;
	return absent(rd, res, c.done, r->end, runcap);
}

static void res_init(struct ms_residency *res)
{
	memset(res, 0, sizeof(*res));
	res->zero = res->thp = res->ksm = res->uss_exact = res->pss_exact = -1;
}

static int read_region(struct reader *rd, struct ms_residency *res,
		       const struct ms_region *r, bool *scan)
{
	int64_t zero = 0, huge = 0;
	size_t runcap = 0;
	bool pfn = rd->kflags >= 0;
	int rc = -ENOTTY;

	res_init(res);
	if (pfn)
		res->thp = res->ksm = res->zero = res->uss_exact = res->pss_exact = 0;
	if (*scan) {
		rc = scan_region(rd, res, r, &runcap, &zero, &huge);
		if (rc == -ENOTTY) { /* an older kernel: pread from now on */
			*scan = false;
			free(res->runs);
			res_init(res);
			if (pfn)
				res->thp = res->ksm = res->zero = res->uss_exact = res->pss_exact = 0;
			runcap = 0;
			rd->nr_pfns = 0;
		}
	}
	if (!*scan)
		rc = read_range(rd, res, r->start, r->end, &runcap);
	if (rc == -EFAULT) {
		/* [vsyscall] lies above the process's address space: pagemap
		 * has no entries for it, and no page of it belongs to us.  (An
		 * exited process reads the same: read_all() checks.) */
		free(res->runs);
		res_init(res);
		runcap = 0;
		rd->nr_pfns = 0;
		return absent(rd, res, r->start, r->end, &runcap);
	}
	if (rc == 0 && pfn)
		rc = flush_pfns(rd, res);
	if (rc == 0 && !pfn && *scan) {
		res->zero = zero; /* what the scan knows without root */
		res->thp = huge;
	}
	return rc;
}

/* ---- the process ---- */

static int open_kpage(struct reader *rd)
{
	rd->kflags = openat(rd->ctx->rootfd, "kpageflags", O_RDONLY | O_CLOEXEC);
	rd->kcount = openat(rd->ctx->rootfd, "kpagecount", O_RDONLY | O_CLOEXEC);
	if (rd->kflags < 0 || rd->kcount < 0) {
		rd->pfn_why = errno == EACCES || errno == EPERM ?
			      "/proc/kpageflags needs root (CAP_SYS_ADMIN)" :
			      "/proc/kpageflags cannot be read";
		if (rd->kflags >= 0)
			close(rd->kflags);
		if (rd->kcount >= 0)
			close(rd->kcount);
		rd->kflags = rd->kcount = -1;
		return 0;
	}
	rd->pfns = malloc(PFN_BATCH * sizeof(uint64_t));
	return rd->pfns ? 0 : -ENOMEM;
}

static void reader_release(struct reader *rd)
{
	if (rd->fd >= 0)
		close(rd->fd);
	if (rd->kflags >= 0)
		close(rd->kflags);
	if (rd->kcount >= 0)
		close(rd->kcount);
	free(rd->entries);
	free(rd->vec);
	free(rd->pfns);
}

/* The process must be the one of the snapshot: same start time. */
static int same_process(int piddir, const struct ms_snapshot *snap)
{
	char *stat, *close_paren;
	const char *p, *end, *w;
	size_t len;
	uint64_t start = 0;
	int rc = ms_read_small(piddir, "stat", &stat, NULL);

	if (rc < 0)
		return rc == -EACCES ? rc : -ESRCH;
	close_paren = strrchr(stat, ')');
	p = close_paren ? close_paren + 1 : stat;
	end = stat + strlen(stat);
	for (int field = 3; field <= 22 && ms_scan_word(&p, end, &w, &len); field++)
		if (field == 22)
			ms_scan_dec(&w, w + len, &start);
	free(stat);
	return snap->start_ticks < 0 || (long long)start == snap->start_ticks ? 0 : -ESRCH;
}

static int read_all(struct reader *rd, struct ms_snapshot *snap, int piddir)
{
	bool scan = !(rd->flags & MS_RES_PREAD);
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < snap->nr_regions; i++)
		rc = read_region(rd, &snap->res[i], &snap->regions[i], &scan);
	if (rc == 0)
		rc = ms_pid_alive(piddir); /* exited mid-walk: short reads, or none */
	snap->res_method = scan ? "pagemap-scan" : "pread";
	if (rd->flags & MS_RES_NO_PFN)
		rd->pfn_why = "not asked for";
	if (rd->pfn_hidden && rd->kflags >= 0) {
		/* kpageflags opened, but pagemap showed no frames to look up */
		rd->pfn_why = "pagemap hides page frame numbers without CAP_SYS_ADMIN";
		for (size_t i = 0; i < snap->nr_regions; i++)
			snap->res[i].zero = snap->res[i].thp = snap->res[i].ksm =
				snap->res[i].uss_exact = snap->res[i].pss_exact = -1;
	}
	snap->res_pfn_why = rd->pfn_why;
	return rc;
}

void ms_residency_free(struct ms_snapshot *snap)
{
	for (size_t i = 0; snap->res && i < snap->nr_regions; i++)
		free(snap->res[i].runs);
	free(snap->res);
	snap->res = NULL;
}

int ms_residency_read(struct ms_ctx *ctx, struct ms_snapshot *snap, unsigned flags,
		      char *err, size_t errlen)
{
	struct reader rd = { .ctx = ctx, .fd = -1, .kflags = -1, .kcount = -1,
			     .page = (uint64_t)ctx->page_size, .flags = flags };
	int piddir = ms_pid_open(ctx, snap->pid), rc;

	if (piddir < 0)
		return ms_fail(err, errlen, piddir, piddir == -ESRCH ? "no such process" :
			       "cannot open the process: %s", strerror(-piddir));
	rc = same_process(piddir, snap);
	if (rc == 0)
		rc = rd.fd = ms_pid_openat(piddir, "pagemap");
	if (rc >= 0) {
		ms_residency_free(snap);
		snap->res = calloc(snap->nr_regions ? snap->nr_regions : 1, sizeof(*snap->res));
		rd.entries = malloc(ENTRIES * sizeof(uint64_t));
		rd.vec = malloc(SCAN_VEC * sizeof(*rd.vec));
		rc = snap->res && rd.entries && rd.vec ? 0 : -ENOMEM;
	}
	if (rc == 0 && !(flags & MS_RES_NO_PFN))
		rc = open_kpage(&rd);
	if (rc == 0)
		rc = read_all(&rd, snap, piddir);
	reader_release(&rd);
	close(piddir);
	if (rc < 0) {
		ms_residency_free(snap);
		ms_fail(err, errlen, rc, rc == -ESRCH ? "the process exited while it was read" :
			rc == -EACCES || rc == -EPERM ? "permission denied" :
			"cannot read pagemap: %s", strerror(-rc));
	}
	return rc;
}
