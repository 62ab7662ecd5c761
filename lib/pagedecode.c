/*
 * pagedecode.c - pagemap entries into counts and runs
 * (Documentation/admin-guide/mm/pagemap.rst): the one place an entry is
 * read, however the walk found it (pagescan.c), so the paths cannot
 * disagree.
 */
#include "config.h"

#include "pagewalk.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int ms_decoder_init(struct decoder *d, const struct walk *w)
{
	memset(d, 0, sizeof(*d));
	d->w = w;
	d->entries = malloc(ENTRIES_A_READ * sizeof(*d->entries));
	if (w->kflags >= 0)
		d->pfns = malloc(PFN_BATCH * sizeof(*d->pfns));
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

int ms_add_run(struct decoder *d, uint64_t start, uint64_t end, enum ms_page_state st)
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

/* Two entries at a time (GCC's vector extension; SSE2 on x86-64). */
typedef uint64_t u64x2 __attribute__((vector_size(16)));

struct tally {
	u64x2 present, swap, markers, file, excl, owned, dirty;
};

static inline void tally2(struct tally *t, u64x2 v)
{
	const u64x2 one = { 1, 1 };
	u64x2 p = v >> PM_PRESENT_BIT, swp = (v >> PM_SWAP_BIT) & one; /* never both */

	t->present += p;
	t->swap += swp;
	/* swap-format, but no page */
	t->markers += swp & ((v >> PM_GUARD_BIT) | (v >> PM_UFFD_WP_BIT)) & one;
	t->file += p & (v >> PM_FILE_BIT);
	t->excl += p & (v >> PM_EXCLUSIVE_BIT);
	t->owned += p & ((v >> PM_EXCLUSIVE_BIT) | (v >> PM_FILE_BIT)) & one;
	t->dirty += (v >> PM_SOFT_DIRTY_BIT) & one;
}

#define SUM(x) ((x)[0] + (x)[1])

/* Counts without branches: this loop sees every entry the walk reads. */
int ms_decode(struct decoder *d, uint64_t addr, const uint64_t *e, size_t n)
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
		rc = ms_collect_pfns(d, e, n);
	for (i = 0; rc == 0 && (d->w->flags & MS_RES_RUNS) && i < n; i++)
		rc = ms_add_run(d, addr + i * d->w->page, addr + (i + 1) * d->w->page, state_of(e[i]));
	return rc;
}

/* Adds what the helper counted to d. */
void ms_decoder_merge(struct decoder *d, const struct decoder *h)
{
	struct ms_residency *a = &d->res;
	const struct ms_residency *b = &h->res;

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

int ms_decoder_finish(struct decoder *d, uint64_t end)
{
	int rc = d->pfns && d->nr_pfns ? ms_flush_pfns(d) : 0;

	if (rc == 0)
		rc = ms_add_run(d, d->done, end, MS_PAGE_ABSENT);
	d->done = end;
	d->res.pss_exact = (int64_t)(d->pss_shifted >> PSS_SHIFT);
	return rc;
}
