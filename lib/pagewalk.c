/*
 * pagewalk.c - one region's pagemap entries, read and decoded
 * (Documentation/admin-guide/mm/pagemap.rst).
 *
 * pagemap has one 64-bit entry per virtual page.  Reading all of it walks
 * every page, populated or not: for a 64 GiB reservation, 128 MiB of
 * entries.  PAGEMAP_SCAN (6.7+) returns the runs of populated pages and
 * skips the holes, so it tells where to pread.  It does not report the
 * exclusive bit, so the entries of those runs are read all the same.  Every
 * entry, however found, goes through decode(): the paths cannot disagree.
 *
 * Each pread or ioctl covers at most ENTRIES pages: the kernel holds the
 * process's mmap lock for reading while it walks, and a bounded walk lets
 * the process's own mmap calls through between two of them.
 */
#include "pagewalk.h"

#include <errno.h>
#include <linux/kernel-page-flags.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define ENTRIES (128u << 10)   /* a pread: 1 MiB of entries, 512 MiB of memory */
#define SCAN_VEC 512           /* runs a PAGEMAP_SCAN call returns at most */
#define PFN_BATCH (1u << 20)   /* frames looked up at once (8 MiB) */

int ms_decoder_init(struct decoder *d, const struct walk *w)
{
	memset(d, 0, sizeof(*d));
	d->w = w;
	d->entries = malloc(ENTRIES * sizeof(uint64_t));
	if (w->kflags >= 0)
		d->pfns = malloc(PFN_BATCH * sizeof(uint64_t));
	return d->entries && (w->kflags < 0 || d->pfns) ? 0 : -ENOMEM;
}

void ms_decoder_reset(struct decoder *d, uint64_t start)
{
	free(d->res.runs);
	memset(&d->res, 0, sizeof(d->res));
	d->runcap = d->nr_pfns = 0;
	d->pss_shifted = 0;
	d->done = start;
	d->zero = d->huge = 0;
}

void ms_decoder_release(struct decoder *d)
{
	free(d->res.runs);
	free(d->entries);
	free(d->pfns);
	memset(d, 0, sizeof(*d));
}

/* ---- runs ---- */

static int add_run(struct decoder *d, uint64_t start, uint64_t end, enum ms_page_state st)
{
	struct ms_residency *res = &d->res;
	struct ms_run *last = res->nr_runs ? &res->runs[res->nr_runs - 1] : NULL;

	if (!(d->w->flags & MS_RES_RUNS) || start >= end)
		return 0;
	if (last && last->end == start && last->state == st) {
		last->end = end;
		return 0;
	}
	if (res->nr_runs == d->runcap) {
		size_t cap = d->runcap ? d->runcap * 2 : 16;
		struct ms_run *nv = realloc(res->runs, cap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		res->runs = nv;
		d->runcap = cap;
	}
	res->runs[res->nr_runs++] = (struct ms_run){ start, end, st };
	return 0;
}

/* ---- frames: kpageflags and kpagecount ---- */

/* LSD radix sort, 16 bits a pass: a frame number fits in 48 bits, and
 * qsort's comparisons would cost more than the lookups they serve. */
static int sort_pfns(uint64_t *v, size_t n)
{
	uint64_t *buf = malloc(n * sizeof(*buf)), *src = v, *dst = buf, *t;
	size_t *count = malloc((1u << 16) * sizeof(*count));

	if (!buf || !count) {
		free(buf);
		free(count);
		return -ENOMEM;
	}
	for (unsigned shift = 0; shift < 48; shift += 16) {
		size_t sum = 0;

		memset(count, 0, (1u << 16) * sizeof(*count));
		for (size_t i = 0; i < n; i++)
			count[(src[i] >> shift) & 0xffff]++;
		for (size_t k = 0; k < (1u << 16); k++) {
			size_t c = count[k];

			count[k] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[count[(src[i] >> shift) & 0xffff]++] = src[i];
		t = src, src = dst, dst = t;
	}
	memcpy(v, src, n * sizeof(*v)); /* three passes: src is buf */
	free(buf);
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

/* Flags and map counts of n consecutive frames: one pread each. */
static int lookup_run(struct decoder *d, uint64_t first, size_t n)
{
	uint64_t fl[512], cnt[512];
	off_t off = (off_t)(first * 8);
	int rc;

	if ((rc = pread_all(d->w->kflags, fl, n * 8, off)) < 0 ||
	    (rc = pread_all(d->w->kcount, cnt, n * 8, off)) < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		d->res.thp += (fl[i] >> KPF_THP) & 1;
		d->res.ksm += (fl[i] >> KPF_KSM) & 1;
		d->res.zero += (fl[i] >> KPF_ZERO_PAGE) & 1;
		if (cnt[i] == 1)
			d->res.uss_exact += (int64_t)d->w->page;
		if (cnt[i])
			d->pss_shifted += (d->w->page << 12) / cnt[i];
	}
	return 0;
}

/* Frames sorted and merged into runs of consecutive frames (the same frame
 * twice, mapped twice here, is looked up twice). */
static int flush_pfns(struct decoder *d)
{
	size_t i = 0;
	int rc = sort_pfns(d->pfns, d->nr_pfns);

	while (rc == 0 && i < d->nr_pfns) {
		size_t n = 1;

		while (i + n < d->nr_pfns && n < 512 && d->pfns[i + n] == d->pfns[i] + n)
			n++;
		rc = lookup_run(d, d->pfns[i], n);
		i += n;
	}
	d->nr_pfns = 0;
	return rc;
}

/* ---- entries ---- */

static enum ms_page_state state_of(uint64_t e)
{
	if (e & PM_PRESENT)
		return MS_PAGE_PRESENT;
	if (e & PM_SWAP)
		/* markers live in swap-format entries too, but hold no page */
		return e & (PM_GUARD | PM_UFFD_WP) ? MS_PAGE_MARKER : MS_PAGE_SWAPPED;
	return MS_PAGE_ABSENT;
}

/* Counts without branches: this loop sees every entry the walk reads. */
static int decode(struct decoder *d, uint64_t addr, const uint64_t *e, size_t n)
{
	struct ms_residency *res = &d->res;
	uint64_t present = 0, swapped = 0, markers = 0, file = 0, excl = 0, dirty = 0, hidden = 0;
	int rc;

	for (size_t i = 0; i < n; i++) {
		uint64_t v = e[i], p = v >> 63, swp = (v >> 62) & 1 & (p ^ 1);
		uint64_t mark = swp & ((v >> 58) | (v >> 57)) & 1;

		present += p;
		swapped += swp & (mark ^ 1);
		markers += mark;
		file += p & (v >> 61);
		excl += p & (v >> 56);
		dirty += (v >> 55) & 1;
		hidden |= p & ((v & PM_PFN_MASK) == 0);
		if (d->pfns && p && (v & PM_PFN_MASK)) {
			if (d->nr_pfns == PFN_BATCH && (rc = flush_pfns(d)) < 0)
				return rc;
			d->pfns[d->nr_pfns++] = v & PM_PFN_MASK;
		}
	}
	res->present += present;
	res->swapped += swapped;
	res->markers += markers;
	res->file += file;
	res->exclusive += excl;
	res->soft_dirty += dirty;
	d->pfn_hidden |= hidden;
	for (size_t i = 0; (d->w->flags & MS_RES_RUNS) && i < n; i++)
		if ((rc = add_run(d, addr + i * d->w->page, addr + (i + 1) * d->w->page,
				  state_of(e[i]))) < 0)
			return rc;
	return 0;
}

int ms_walk_pread(struct decoder *d, uint64_t start, uint64_t end)
{
	const uint64_t page = d->w->page;
	int rc;

	if ((rc = add_run(d, d->done, start, MS_PAGE_ABSENT)) < 0)
		return rc;
	while (start < end) {
		uint64_t pages = (end - start) / page;
		size_t n = pages < ENTRIES ? (size_t)pages : ENTRIES;
		ssize_t got;

		do
			got = pread(d->w->fd, d->entries, n * 8, (off_t)(start / page * 8));
		while (got < 0 && errno == EINTR);
		if (got < 0)
			return -errno;
		if ((size_t)got != n * 8)
			return -EFAULT;
		if ((rc = decode(d, start, d->entries, n)) < 0)
			return rc;
		start += n * page;
		d->done = start;
	}
	return 0;
}

/* The runs one scan found: their entries, and the scan's own categories. */
static int consume(struct decoder *d, const struct ms_page_region *vec, int n)
{
	for (int i = 0; i < n; i++) {
		uint64_t pages = (vec[i].end - vec[i].start) / d->w->page;
		int rc = ms_walk_pread(d, vec[i].start, vec[i].end);

		if (rc < 0)
			return rc;
		if (vec[i].categories & PAGE_IS_PFNZERO)
			d->zero += (int64_t)pages;
		if ((vec[i].categories & PAGE_IS_HUGE) && (vec[i].categories & PAGE_IS_PRESENT))
			d->huge += (int64_t)pages;
	}
	return 0;
}

/* ---- PAGEMAP_SCAN, with a second thread for large regions ---- */

/*
 * The scanning thread pushes batches of runs into a small ring; a helper
 * thread reads and decodes them.  The two walks of the page tables (the
 * scan's, and pread's) then run side by side; once the scan is done, this
 * thread decodes batches too.  Batches are decoded in order only while runs
 * are kept (MS_RES_RUNS): then the helper decodes them all.
 */
#define PIPE_BATCHES 4
#define PIPE_MIN_PAGES (16u << 10) /* smaller regions are not worth a thread */
#define PIPE_PAGES (16u << 10)     /* pages a scan call returns at most */

struct pipe {
	struct ms_page_region vec[PIPE_BATCHES][SCAN_VEC];
	int n[PIPE_BATCHES];
	unsigned head, next, finished; /* pushed, claimed, decoded */
	bool end;
	int rc;                        /* the first error of either thread */
	pthread_mutex_t mu;
	pthread_cond_t cond;
};

struct helper_arg {
	struct pipe *p;
	struct decoder *d;
};

/* Claims and decodes batches until the scan has ended and none is left. */
static void drain(struct pipe *p, struct decoder *d, bool wait)
{
	pthread_mutex_lock(&p->mu);
	for (;;) {
		unsigned slot;
		int rc;

		while (wait && p->next == p->head && !p->end)
			pthread_cond_wait(&p->cond, &p->mu);
		if (p->next == p->head)
			break;
		slot = p->next++ % PIPE_BATCHES;
		pthread_mutex_unlock(&p->mu);
		rc = p->rc ? 0 : consume(d, p->vec[slot], p->n[slot]);
		pthread_mutex_lock(&p->mu);
		if (rc < 0 && !p->rc)
			p->rc = rc;
		p->finished++;
		pthread_cond_broadcast(&p->cond);
	}
	pthread_mutex_unlock(&p->mu);
}

static void *helper_main(void *arg)
{
	struct helper_arg *h = arg;

	drain(h->p, h->d, true);
	return NULL;
}

/* A free slot of the ring, or NULL after the helper's error. */
static struct ms_page_region *free_slot(struct pipe *p)
{
	struct ms_page_region *vec = NULL;

	pthread_mutex_lock(&p->mu);
	/* before the end only the helper decodes, in order */
	while (p->head - p->finished == PIPE_BATCHES && !p->rc)
		pthread_cond_wait(&p->cond, &p->mu);
	if (!p->rc)
		vec = p->vec[p->head % PIPE_BATCHES];
	pthread_mutex_unlock(&p->mu);
	return vec;
}

static int scan_batches(struct decoder *d, struct pipe *p, struct ms_pm_scan_arg *arg)
{
	struct ms_page_region local[SCAN_VEC];

	for (;;) {
		struct ms_page_region *vec = p ? free_slot(p) : local;
		int n, rc;

		if (!vec)
			return 0; /* the helper's error is in p->rc */
		/* the kernel fills it; valgrind, which does not know this ioctl,
		 * would take the runs for garbage */
		memset(vec, 0, SCAN_VEC * sizeof(*vec));
		arg->vec = (uintptr_t)vec;
		n = ioctl(d->w->fd, MS_PAGEMAP_SCAN, arg);
		if (n < 0)
			return errno == EINVAL || errno == ENOTTY || errno == EOPNOTSUPP ?
			       -ENOTTY : -errno;
		if (p) {
			pthread_mutex_lock(&p->mu);
			p->n[p->head++ % PIPE_BATCHES] = n;
			pthread_cond_broadcast(&p->cond);
			pthread_mutex_unlock(&p->mu);
		} else if ((rc = consume(d, vec, n)) < 0) {
			return rc;
		}
		if (arg->walk_end >= arg->end)
			return 0;
		if (arg->walk_end <= arg->start && n == 0)
			return -EIO; /* no progress: do not spin */
		arg->start = arg->walk_end;
	}
}

/* Adds what the helper counted to d. */
static void merge(struct decoder *d, struct decoder *h)
{
	struct ms_residency *a = &d->res, *b = &h->res;

	a->present += b->present;
	a->swapped += b->swapped;
	a->file += b->file;
	a->exclusive += b->exclusive;
	a->soft_dirty += b->soft_dirty;
	a->markers += b->markers;
	a->zero += b->zero;
	a->thp += b->thp;
	a->ksm += b->ksm;
	a->uss_exact += b->uss_exact;
	d->pss_shifted += h->pss_shifted;
	d->zero += h->zero;
	d->huge += h->huge;
	d->pfn_hidden |= h->pfn_hidden;
	if (b->runs) { /* with runs the helper decoded everything, in order */
		free(a->runs);
		a->runs = b->runs;
		a->nr_runs = b->nr_runs;
		d->runcap = h->runcap;
		b->runs = NULL;
		b->nr_runs = h->runcap = 0;
	}
	if (h->done > d->done)
		d->done = h->done;
}

static int scan_piped(struct decoder *d, struct decoder *h, struct ms_pm_scan_arg *arg)
{
	struct pipe *p = calloc(1, sizeof(*p));
	struct helper_arg ha = { .p = p, .d = h };
	pthread_t thread;
	int rc;

	if (!p)
		return -ENOMEM;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cond, NULL);
	if (pthread_create(&thread, NULL, helper_main, &ha) != 0) {
		rc = scan_batches(d, NULL, arg); /* no thread: alone, then */
	} else {
		arg->max_pages = PIPE_PAGES;
		rc = scan_batches(d, p, arg);
		pthread_mutex_lock(&p->mu);
		p->end = true;
		if (rc < 0 && !p->rc)
			p->rc = rc;
		pthread_cond_broadcast(&p->cond);
		pthread_mutex_unlock(&p->mu);
		if (!(d->w->flags & MS_RES_RUNS))
			drain(p, d, false); /* help with what is left */
		pthread_join(thread, NULL);
		rc = p->rc;
		if (rc == 0) {
			rc = ms_decoder_finish(h, h->done);
			merge(d, h);
		}
	}
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->mu);
	free(p);
	return rc;
}

int ms_walk_scan(struct decoder *d, struct decoder *helper, uint64_t start, uint64_t end)
{
	/* never PAGE_IS_WRITTEN: on some kernels it is set on untouched pages
	 * of a populated page table */
	struct ms_pm_scan_arg arg = {
		.size = sizeof(arg), .start = start, .end = end,
		.vec_len = SCAN_VEC, .max_pages = ENTRIES,
		.category_anyof_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED,
		.return_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED | PAGE_IS_PFNZERO | PAGE_IS_HUGE,
	};

	if (helper && (end - start) / d->w->page >= PIPE_MIN_PAGES) {
		ms_decoder_reset(helper, start);
		return scan_piped(d, helper, &arg);
	}
	return scan_batches(d, NULL, &arg);
}

int ms_decoder_finish(struct decoder *d, uint64_t end)
{
	int rc = d->pfns && d->nr_pfns ? flush_pfns(d) : 0;

	if (rc == 0)
		rc = add_run(d, d->done, end, MS_PAGE_ABSENT);
	d->done = end;
	d->res.pss_exact = (int64_t)(d->pss_shifted >> 12);
	return rc;
}
