/*
 * pagewalk.c - one region's pagemap entries, read and decoded
 * (Documentation/admin-guide/mm/pagemap.rst).
 *
 * pagemap has one 64-bit entry per virtual page.  Reading all of it walks
 * every page, populated or not: for a 64 GiB reservation, 128 MiB of
 * entries.  PAGEMAP_SCAN (6.7+) skips the holes, so it tells where to
 * pread (scan_range()).  It does not report the exclusive bit, so the
 * entries there are read all the same.  Every entry, however found, goes
 * through decode(): the paths cannot disagree.
 *
 * Each pread or ioctl covers at most ENTRIES pages: the kernel holds the
 * process's mmap lock for reading while it walks, and a bounded walk lets
 * the process's own mmap calls through between two of them.
 */
#include "config.h"

#include "pagewalk.h"

#include <errno.h>
#include <sched.h>
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

/* The frames of the present pages, for kpageflags and kpagecount. */
static int collect_pfns(struct decoder *d, const uint64_t *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t pfn = e[i] & PM_PFN_MASK;
		int rc;

		if (!(e[i] & PM_PRESENT))
			continue;
		if (!pfn) { /* hidden: pagemap was opened without CAP_SYS_ADMIN */
			d->pfn_hidden = true;
			continue;
		}
		if (d->nr_pfns == PFN_BATCH && (rc = flush_pfns(d)) < 0)
			return rc;
		d->pfns[d->nr_pfns++] = pfn;
	}
	return 0;
}

/* Two entries at a time (GCC's vector extension; SSE2 on x86-64). */
typedef uint64_t u64x2 __attribute__((vector_size(16)));

struct tally {
	u64x2 present, swap, markers, file, excl, owned, dirty;
};

static inline void tally2(struct tally *t, u64x2 v)
{
	const u64x2 one = { 1, 1 };
	u64x2 p = v >> 63, swp = (v >> 62) & one; /* never both */

	t->present += p;
	t->swap += swp;
	t->markers += swp & ((v >> 58) | (v >> 57)) & one; /* swap-format, no page */
	t->file += p & (v >> 61);
	t->excl += p & (v >> 56);
	t->owned += p & ((v >> 56) | (v >> 61)) & one;
	t->dirty += (v >> 55) & one;
}

#define SUM(x) ((x)[0] + (x)[1])

/* Counts without branches: this loop sees every entry the walk reads. */
static int decode(struct decoder *d, uint64_t addr, const uint64_t *e, size_t n)
{
	struct ms_residency *res = &d->res;
	struct tally t = { 0 };
	int rc = 0;
	size_t i;

	for (i = 0; i + 2 <= n; i += 2) {
		u64x2 v;

		memcpy(&v, e + i, sizeof(v));
		tally2(&t, v);
	}
	if (i < n)
		tally2(&t, (u64x2){ e[i], 0 }); /* an entry of 0 counts nothing */
	res->present += SUM(t.present);
	res->swapped += SUM(t.swap) - SUM(t.markers);
	res->markers += SUM(t.markers);
	res->file += SUM(t.file);
	res->exclusive += SUM(t.excl);
	res->soft_dirty += SUM(t.dirty);
	d->unowned += SUM(t.present) - SUM(t.owned);
	if (d->pfns)
		rc = collect_pfns(d, e, n);
	for (i = 0; rc == 0 && (d->w->flags & MS_RES_RUNS) && i < n; i++)
		rc = add_run(d, addr + i * d->w->page, addr + (i + 1) * d->w->page, state_of(e[i]));
	return rc;
}

static int walk_pread(struct decoder *d, uint64_t start, uint64_t end)
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

/* ---- PAGEMAP_SCAN ---- */

/*
 * One PAGEMAP_SCAN call over [start, end) for pages in any of the anyof
 * categories, up to max pages (0: no limit), runs into vec.  *walk_end is
 * where the kernel stopped.  -ENOTTY when the kernel has no PAGEMAP_SCAN.
 */
static int scan_once(const struct walk *w, uint64_t start, uint64_t end, uint64_t anyof,
		     uint64_t max, struct ms_page_region *vec, size_t len, uint64_t *walk_end)
{
	/* never PAGE_IS_WRITTEN: on some kernels it is set on untouched pages
	 * of a populated page table */
	struct ms_pm_scan_arg arg = {
		.size = sizeof(arg), .start = start, .end = end,
		.vec = (uintptr_t)vec, .vec_len = len, .max_pages = max,
		.category_anyof_mask = anyof,
		.return_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED | PAGE_IS_PFNZERO | PAGE_IS_HUGE,
	};
	int n;

	/* the kernel fills it; valgrind, which does not know this ioctl, would
	 * take the runs for garbage */
	memset(vec, 0, len * sizeof(*vec));
	n = ioctl(w->fd, MS_PAGEMAP_SCAN, &arg);
	if (n < 0)
		return errno == EINVAL || errno == ENOTTY || errno == EOPNOTSUPP ? -ENOTTY : -errno;
	if (n == 0 && arg.walk_end <= start && start < end)
		return -EIO; /* no progress: do not spin */
	*walk_end = arg.walk_end;
	return n;
}

bool ms_scan_works(const struct walk *w, uint64_t addr)
{
	struct ms_page_region run;
	uint64_t walk_end;

	return scan_once(w, addr, addr + w->page, PAGE_IS_PRESENT, 1, &run, 1, &walk_end) != -ENOTTY;
}

/* The shared zero page among [start, end)'s present pages: only a page
 * that is neither exclusive nor a file's can be it (pagemap has no bit for
 * it), so the scan runs only where decode() found such pages. */
static int count_zero(struct decoder *d, uint64_t start, uint64_t end)
{
	struct ms_page_region vec[SCAN_VEC];
	uint64_t at = start;

	while (at < end) {
		int n = scan_once(d->w, at, end, PAGE_IS_PFNZERO, 0, vec, SCAN_VEC, &at);

		if (n < 0)
			return n;
		for (int i = 0; i < n; i++)
			d->zero += (int64_t)((vec[i].end - vec[i].start) / d->w->page);
	}
	return 0;
}

/* pread of [start, end), and the zero pages among it where there may be
 * some. */
static int read_block(struct decoder *d, uint64_t start, uint64_t end)
{
	uint64_t unowned = d->unowned;
	int rc = walk_pread(d, start, end);

	if (rc == 0 && d->unowned != unowned && !d->pfns) /* kpageflags tells, else */
		rc = count_zero(d, start, end);
	return rc;
}

/*
 * A run of huge pages (a transparent huge page mapped by its PMD, or
 * hugetlb) from start: its end is where the first page of other categories
 * is, which a scan with room for one run stops at, cheaply, PMD by PMD.
 * 1 when the page there is no longer huge (it changed under us).
 */
static int read_huge(struct decoder *d, uint64_t start, uint64_t end, uint64_t *next)
{
	struct ms_page_region run;
	uint64_t walk_end, pages;
	int n = scan_once(d->w, start, end, PAGE_IS_PRESENT | PAGE_IS_SWAPPED, ENTRIES, &run, 1,
			  &walk_end);

	if (n <= 0 || !(run.categories & PAGE_IS_HUGE))
		return n < 0 ? n : 1; /* no longer huge: changed under us */
	pages = (run.end - run.start) / d->w->page;
	if (run.categories & PAGE_IS_PRESENT)
		d->huge += (int64_t)pages;
	if (run.categories & PAGE_IS_PFNZERO) /* the huge zero page */
		d->zero += (int64_t)pages;
	*next = run.end;
	return walk_pread(d, run.start, run.end);
}

/*
 * [start, end) through PAGEMAP_SCAN.  A scan that stops at the first
 * populated page finds it, skipping holes a page table at a time; then that
 * page's page table (2 MiB of address space) is read with pread, which alone
 * has the exclusive bit.  A full scan first would walk every populated page
 * twice, the scan's walk adding about half again to the pread's.  A range
 * smaller than a page table is read at once.  -ENOTTY when the kernel has
 * no PAGEMAP_SCAN.
 */
static int scan_range(struct decoder *d, uint64_t start, uint64_t end)
{
	const uint64_t table = d->w->page / 8 * d->w->page; /* what a page table maps */
	uint64_t at = start;

	if (end - start < table) /* one pread; too small for a huge page */
		return read_block(d, start, end);
	while (at < end) {
		struct ms_page_region first;
		uint64_t next;
		int rc = scan_once(d->w, at, end, PAGE_IS_PRESENT | PAGE_IS_SWAPPED, 1, &first, 1,
				   &next);

		if (rc == 1 && (first.categories & PAGE_IS_HUGE))
			rc = read_huge(d, first.start, end, &next);
		if (rc == 1) {
			next = (first.start / table + 1) * table;
			next = next < end ? next : end;
			rc = read_block(d, first.start, next);
		}
		if (rc < 0)
			return rc;
		at = next;
	}
	return 0;
}

static int walk_range(struct decoder *d, uint64_t start, uint64_t end, bool scan)
{
	return scan ? scan_range(d, start, end) : walk_pread(d, start, end);
}

/* ---- a large region: chunks, two threads ---- */

/*
 * pread costs the kernel time per populated page (it looks up each page's
 * map count for the exclusive bit), and one thread keeps one core busy.  A
 * large region is cut into chunks that two threads take in turn, each
 * walking its chunks whole; chunks rather than halves, so that a region
 * populated only at one end still keeps both busy.  Counts add up; runs
 * are kept per chunk and joined in order at the end.
 */
#define SPLIT_MIN_PAGES (16u << 10) /* smaller regions are not worth a thread */
#define CHUNKS 128                  /* a region's chunks, at most */
#define CHUNK_MIN (32u << 20)       /* bytes; a multiple of 2 MiB */

struct split {
	uint64_t start, end, size;  /* the region; a chunk's bytes */
	cpu_set_t cpus;             /* where the caller may run */
	bool pinned;                /* the helper starts away from the caller */
	size_t nr, next;            /* chunks; the first not yet taken */
	bool scan;
	struct ms_residency *runs;  /* a chunk's runs, when they are kept */
	int rc;                     /* the first error of either thread */
	const struct decoder *caller;
	pthread_mutex_t mu;
};

struct worker {
	struct split *s;
	struct decoder *d;
};

static bool take_chunk(struct split *s, size_t *i)
{
	bool ok;

	pthread_mutex_lock(&s->mu);
	ok = s->rc == 0 && s->next < s->nr;
	*i = s->next;
	s->next += ok;
	pthread_mutex_unlock(&s->mu);
	return ok;
}

static int walk_chunk(struct decoder *d, struct split *s, size_t i)
{
	uint64_t from = s->start + i * s->size;
	uint64_t to = s->end - from > s->size ? from + s->size : s->end;
	int rc;

	d->done = from;
	rc = walk_range(d, from, to, s->scan);
	if (rc == 0)
		rc = add_run(d, d->done, to, MS_PAGE_ABSENT);
	if (rc == 0 && s->runs) { /* the chunk's runs, out of the decoder */
		s->runs[i].runs = d->res.runs;
		s->runs[i].nr_runs = d->res.nr_runs;
		d->res.runs = NULL;
		d->res.nr_runs = d->runcap = 0;
	}
	return rc;
}

static void *work(void *arg)
{
	struct worker *wk = arg;
	size_t i;

	if (wk->s->pinned && wk->d != wk->s->caller)
		pthread_setaffinity_np(pthread_self(), sizeof(wk->s->cpus), &wk->s->cpus);

	while (take_chunk(wk->s, &i)) {
		int rc = walk_chunk(wk->d, wk->s, i);

		if (rc < 0) {
			pthread_mutex_lock(&wk->s->mu);
			if (!wk->s->rc)
				wk->s->rc = rc;
			pthread_mutex_unlock(&wk->s->mu);
		}
	}
	return NULL;
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
}

/* The chunks' runs, in order, into d (a run cut by a chunk's edge is
 * joined again). */
static int join_runs(struct decoder *d, struct split *s)
{
	int rc = 0;

	for (size_t i = 0; i < s->nr; i++)
		for (size_t k = 0; rc == 0 && k < s->runs[i].nr_runs; k++)
			rc = add_run(d, s->runs[i].runs[k].start, s->runs[i].runs[k].end,
				     s->runs[i].runs[k].state);
	return rc;
}

/*
 * The helper thread, started on another CPU than this thread's.  Left to
 * itself, the scheduler often queues a new thread behind its busy parent
 * until the next load balance: measured, 1 to 4 ms of a 5 ms walk.  Once
 * it runs, the helper may go anywhere the caller may (work()).
 */
static bool start_helper(pthread_t *thread, struct split *s, struct worker *wk)
{
	pthread_attr_t attr;
	bool started;
	int cpu = sched_getcpu();

	pthread_attr_init(&attr);
	if (cpu >= 0 && sched_getaffinity(0, sizeof(s->cpus), &s->cpus) == 0 &&
	    CPU_COUNT(&s->cpus) > 1 && CPU_ISSET(cpu, &s->cpus)) {
		cpu_set_t others = s->cpus;

		CPU_CLR(cpu, &others);
		s->pinned = pthread_attr_setaffinity_np(&attr, sizeof(others), &others) == 0;
	}
	started = pthread_create(thread, &attr, work, wk) == 0;
	pthread_attr_destroy(&attr);
	return started;
}

static int walk_split(struct decoder *d, struct decoder *h, uint64_t start, uint64_t end,
		      bool scan)
{
	uint64_t two_mib = 2u << 20, size = (end - start) / CHUNKS;
	struct split s = { .start = start, .end = end, .scan = scan, .caller = d };
	struct worker helper = { &s, h };
	pthread_t thread;
	bool threaded;
	int rc;

	size = size < CHUNK_MIN ? CHUNK_MIN : (size + two_mib - 1) / two_mib * two_mib;
	s.size = size;
	s.nr = (size_t)((end - start + size - 1) / size);
	if ((d->w->flags & MS_RES_RUNS) && !(s.runs = calloc(s.nr, sizeof(*s.runs))))
		return -ENOMEM;
	pthread_mutex_init(&s.mu, NULL);
	ms_decoder_reset(h, start);
	threaded = start_helper(&thread, &s, &helper);
	work(&(struct worker){ &s, d }); /* without a thread: alone, then */
	if (threaded)
		pthread_join(thread, NULL);
	rc = s.rc;
	if (rc == 0 && h->pfns && h->nr_pfns)
		rc = flush_pfns(h);
	if (rc == 0) {
		merge(d, h);
		d->done = start;
		if (s.runs)
			rc = join_runs(d, &s);
		d->done = end;
	}
	for (size_t i = 0; s.runs && i < s.nr; i++)
		free(s.runs[i].runs);
	free(s.runs);
	pthread_mutex_destroy(&s.mu);
	return rc;
}

int ms_walk_region(struct decoder *d, struct decoder *helper, uint64_t start, uint64_t end,
		   bool scan)
{
	if (helper && (end - start) / d->w->page >= SPLIT_MIN_PAGES)
		return walk_split(d, helper, start, end, scan);
	return walk_range(d, start, end, scan);
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
