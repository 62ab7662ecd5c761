/*
 * diff.c - the regions that differ between two snapshots of a process
 * (docs/diff.md has the matching rule).
 *
 * Both region lists are sorted by address and hold no overlaps, so one
 * merge pass pairs the regions that kept their start and name; a second
 * pass over what is left pairs regions that moved, merged or split.
 */
#include "internal.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static bool same_name(const struct ms_region *a, const struct ms_region *b)
{
	return a->deleted == b->deleted && strcmp(a->path, b->path) == 0;
}

static uint64_t size_of(const struct ms_region *r)
{
	return r ? r->end - r->start : 0;
}

static int64_t rss_of(const struct ms_region *r)
{
	return r && ms_counts_has(&r->c, MS_RSS) ? (int64_t)r->c.v[MS_RSS] : 0;
}

static uint64_t magnitude(int64_t v)
{
	return v < 0 ? (uint64_t)-v : (uint64_t)v;
}

/* The deltas of a pair (a or b may be NULL: nothing there); false when the
 * two are the same in range and in every count. */
static bool fill(struct ms_change *ch, const struct ms_region *a, const struct ms_region *b)
{
	static const struct ms_counts none = { .have = ~0u };
	const struct ms_counts *ca = a ? &a->c : &none, *cb = b ? &b->c : &none;
	uint64_t ua = 0, ub = 0;
	int64_t dsize = (int64_t)size_of(b) - (int64_t)size_of(a);
	int64_t drss = rss_of(b) - rss_of(a);
	bool differ = !a || !b || a->start != b->start || dsize != 0;

	memset(ch, 0, sizeof(*ch));
	ch->a = a;
	ch->b = b;
	ch->have = ca->have & cb->have;
	for (int f = 0; f < MS_FIELD_COUNT; f++) {
		if (!(ch->have & (1u << f)))
			continue;
		ch->d[f] = (int64_t)cb->v[f] - (int64_t)ca->v[f];
		differ |= ch->d[f] != 0;
	}
	ch->have_uss = (!a || ms_counts_uss(ca, &ua)) && (!b || ms_counts_uss(cb, &ub));
	ch->d_uss = ch->have_uss ? (int64_t)ub - (int64_t)ua : 0;
	/* grown or shrunk: by size, else by Rss, else by Pss */
	if (dsize == 0 && drss == 0 && (ch->have & (1u << MS_PSS)))
		drss = ch->d[MS_PSS];
	ch->kind = !a ? MS_CHANGE_ADDED : !b ? MS_CHANGE_REMOVED :
		   dsize > 0 || (dsize == 0 && drss >= 0) ? MS_CHANGE_GROWN : MS_CHANGE_SHRUNK;
	ch->weight = magnitude(dsize) > magnitude(drss) ? magnitude(dsize) : magnitude(drss);
	drss = rss_of(b) - rss_of(a);
	return differ;
}

static int push(struct ms_diff *d, size_t *cap, const struct ms_region *a,
		const struct ms_region *b)
{
	struct ms_change ch;

	if (!fill(&ch, a, b))
		return 0;
	if (d->nr_changes == *cap) {
		size_t n = *cap ? *cap * 2 : 64;
		struct ms_change *v = realloc(d->changes, n * sizeof(*v));

		if (!v)
			return -ENOMEM;
		d->changes = v;
		*cap = n;
	}
	d->changes[d->nr_changes++] = ch;
	return 0;
}

/*
 * Regions left over by the first pass: a region of b pairs with the largest
 * region of a, left over too, that it overlaps and that has its name (it
 * moved, grew downwards, or several merged into it).  A region of a that
 * split pairs with its largest piece; the other pieces are added.  Either
 * way each region is counted once, so the deltas add up to the totals'.
 */
static void pair_leftovers(const struct ms_region **la, size_t na, const struct ms_region **lb,
			   size_t nb, size_t *mate, bool *taken)
{
	size_t i = 0;

	for (size_t j = 0; j < nb; j++) {
		const struct ms_region *b = lb[j];
		size_t best = na;
		bool larger_piece = false;

		while (i < na && la[i]->end <= b->start)
			i++;
		for (size_t k = i; k < na && la[k]->start < b->end; k++)
			if (mate[k] == SIZE_MAX && same_name(la[k], b) &&
			    (best == na || size_of(la[k]) > size_of(la[best])))
				best = k;
		if (best == na)
			continue;
		/* a split region pairs with its largest piece */
		for (size_t m = j + 1; m < nb && lb[m]->start < la[best]->end; m++)
			larger_piece |= same_name(lb[m], b) && size_of(lb[m]) > size_of(b);
		if (!larger_piece) {
			mate[best] = j;
			taken[j] = true;
		}
	}
}

static int by_weight(const void *x, const void *y)
{
	const struct ms_change *a = x, *b = y;
	uint64_t sa, sb;

	if (a->weight != b->weight)
		return a->weight > b->weight ? -1 : 1;
	sa = a->b ? a->b->start : a->a->start;
	sb = b->b ? b->b->start : b->a->start;
	return sa < sb ? -1 : sa > sb;
}

/* The changes from a to b into out (empty); 0 or -ENOMEM. */
static int diff_into(const struct ms_snapshot *a, const struct ms_snapshot *b,
		     struct ms_diff *out)
{
	const struct ms_region **la;
	const struct ms_region **lb;
	size_t *mate;
	bool *taken;
	size_t i = 0, j = 0, na = 0, nb = 0, cap = 0;
	int rc;

	la = malloc((a->nr_regions + 1) * sizeof(*la));
	lb = malloc((b->nr_regions + 1) * sizeof(*lb));
	mate = malloc((a->nr_regions + 1) * sizeof(*mate));
	taken = calloc(b->nr_regions + 1, sizeof(*taken));
	rc = la && lb && mate && taken ? 0 : -ENOMEM;
	while (rc == 0 && (i < a->nr_regions || j < b->nr_regions)) {
		const struct ms_region *x = i < a->nr_regions ? &a->regions[i] : NULL;
		const struct ms_region *y = j < b->nr_regions ? &b->regions[j] : NULL;

		if (x && y && x->start == y->start && same_name(x, y)) {
			rc = push(out, &cap, x, y);
			i++, j++;
		} else if (x && (!y || x->start <= y->start)) {
			la[na++] = x, i++;
		} else {
			lb[nb++] = y, j++;
		}
	}
	for (size_t k = 0; rc == 0 && k < na; k++)
		mate[k] = SIZE_MAX;
	if (rc == 0)
		pair_leftovers(la, na, lb, nb, mate, taken);
	for (size_t k = 0; rc == 0 && k < na; k++)
		rc = push(out, &cap, la[k], mate[k] == SIZE_MAX ? NULL : lb[mate[k]]);
	for (size_t k = 0; rc == 0 && k < nb; k++)
		if (!taken[k])
			rc = push(out, &cap, NULL, lb[k]);
	free(la);
	free(lb);
	free(mate);
	free(taken);
	if (rc == 0 && out->nr_changes)
		qsort(out->changes, out->nr_changes, sizeof(*out->changes), by_weight);
	return rc;
}

int ms_snapshot_diff(const struct ms_snapshot *a, const struct ms_snapshot *b,
		     struct ms_diff **out)
{
	struct ms_diff *d;
	int rc;

	*out = NULL;
	if (ms_streamed(a) || ms_streamed(b))
		return -EINVAL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	rc = diff_into(a, b, d);
	if (rc < 0) {
		ms_diff_free(d);
		return rc;
	}
	*out = d;
	return 0;
}

void ms_diff_free(struct ms_diff *d)
{
	if (!d)
		return;
	free(d->changes);
	free(d);
}
