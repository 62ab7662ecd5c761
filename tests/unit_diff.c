/*
 * unit_diff.c - ms_snapshot_diff() on made-up processes: regions that kept
 * their place, grew, moved, merged, split, came and went; and the deltas
 * add up to the change of the totals.
 */
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A region of smaps: range, name, Rss in kB (Size follows the range). */
static void region(char *buf, size_t len, const char *range, const char *name, unsigned rss)
{
	unsigned long a, b;
	size_t used = strlen(buf);

	sscanf(range, "%lx-%lx", &a, &b);
	snprintf(buf + used, len - used,
		 "%s rw-p 00000000 00:00 0 %s\nSize: %lu kB\nRss: %u kB\nPss: %u kB\n"
		 "Shared_Clean: 0 kB\nShared_Dirty: 0 kB\nPrivate_Clean: 0 kB\n"
		 "Private_Dirty: %u kB\nSwap: 0 kB\n", range, name, (b - a) / 1024, rss, rss, rss);
}

struct pair {
	char *root;
	struct ms_snapshot *a, *b;
	struct ms_diff *dp;
	struct ms_diff d;  /* a copy of *dp, to look into */
};

static void take_pair(struct pair *p, const char *smaps_a, const char *smaps_b)
{
	char err[256];

	p->root = tl_tree_new();
	tl_process(p->root, 20, smaps_a);
	tl_process(p->root, 21, smaps_b);
	ck_assert_int_eq(tl_take(p->root, 20, 0, &p->a, err, sizeof(err)), 0);
	ck_assert_int_eq(tl_take(p->root, 21, 0, &p->b, err, sizeof(err)), 0);
	ck_assert_int_eq(ms_snapshot_diff(p->a, p->b, &p->dp), 0);
	p->d = *p->dp;
}

static void drop_pair(struct pair *p)
{
	ms_diff_free(p->dp);
	ms_snapshot_free(p->a);
	ms_snapshot_free(p->b);
	tl_tree_remove(p->root);
}

/* The deltas of all changes add up to the change of the totals. */
static void check_sums(const struct pair *p)
{
	for (int f = 0; f < MS_FIELD_COUNT; f++) {
		int64_t sum = 0;

		if (!ms_counts_has(&p->a->totals.c, f) || !ms_counts_has(&p->b->totals.c, f))
			continue;
		for (size_t k = 0; k < p->d.nr_changes; k++)
			sum += p->d.changes[k].d[f];
		ck_assert_msg(sum == (int64_t)p->b->totals.c.v[f] - (int64_t)p->a->totals.c.v[f],
			      "field %s: changes add to %lld", ms_field_json_key(f), (long long)sum);
	}
}

START_TEST(kept_grown_added_removed)
{
	char a[4096] = "", b[4096] = "";
	struct pair p;

	region(a, sizeof(a), "10000-20000", "[heap]", 8);
	region(a, sizeof(a), "30000-31000", "", 4);       /* untouched */
	region(a, sizeof(a), "40000-42000", "", 8);       /* goes */
	region(a, sizeof(a), "50000-60000", "/lib/x.so", 16); /* Rss drops */
	region(b, sizeof(b), "10000-30000", "[heap]", 72); /* grew by 64 KiB */
	region(b, sizeof(b), "30000-31000", "", 4);
	region(b, sizeof(b), "50000-60000", "/lib/x.so", 4);
	region(b, sizeof(b), "70000-80000", "", 0);       /* comes */
	take_pair(&p, a, b);
	ck_assert_uint_eq(p.d.nr_changes, 4);
	/* largest first: the heap (+64 KiB size, +64 KiB Rss), then the new one */
	ck_assert_int_eq(p.d.changes[0].kind, MS_CHANGE_GROWN);
	ck_assert_uint_eq(p.d.changes[0].b->start, 0x10000);
	ck_assert_int_eq(p.d.changes[0].d[MS_SIZE], 65536);
	ck_assert_int_eq(p.d.changes[0].d[MS_RSS], 65536);
	ck_assert(p.d.changes[0].have_uss && p.d.changes[0].d_uss == 65536);
	ck_assert_int_eq(p.d.changes[1].kind, MS_CHANGE_ADDED);
	ck_assert_ptr_null(p.d.changes[1].a);
	ck_assert_uint_eq(p.d.changes[1].weight, 65536);
	ck_assert_int_eq(p.d.changes[2].kind, MS_CHANGE_SHRUNK); /* Rss only: 12 KiB */
	ck_assert_str_eq(p.d.changes[2].b->path, "/lib/x.so");
	ck_assert_int_eq(p.d.changes[2].d[MS_SIZE], 0);
	ck_assert_int_eq(p.d.changes[2].d[MS_RSS], -12288);
	ck_assert_int_eq(p.d.changes[3].kind, MS_CHANGE_REMOVED);
	ck_assert_int_eq(p.d.changes[3].d[MS_RSS], -8192);
	check_sums(&p);
	drop_pair(&p);
}
END_TEST

START_TEST(moved_merged_split)
{
	char a[4096] = "", b[4096] = "";
	struct pair p;

	/* grew downwards: the start moved (an mmap merged below it) */
	region(a, sizeof(a), "20000-23000", "", 12);
	region(b, sizeof(b), "10000-23000", "", 12);
	/* two merged into one */
	region(a, sizeof(a), "40000-44000", "/data", 16);
	region(a, sizeof(a), "44000-46000", "/data", 8);
	region(b, sizeof(b), "40000-46000", "/data", 24);
	/* one split in two (mprotect in the middle), the larger piece first */
	region(a, sizeof(a), "60000-70000", "/big", 64);
	region(b, sizeof(b), "60000-6c000", "/big", 48);
	region(b, sizeof(b), "6c000-70000", "/big", 16);
	/* the same place, another name: gone and come, not moved */
	region(a, sizeof(a), "80000-81000", "/old", 4);
	region(b, sizeof(b), "80000-81000", "/new", 4);
	take_pair(&p, a, b);
	for (size_t k = 0; k < p.d.nr_changes; k++) {
		const struct ms_change *c = &p.d.changes[k];
		const struct ms_region *r = c->b ? c->b : c->a;

		if (r->start == 0x10000 || r->start == 0x20000) {
			ck_assert_int_eq(c->kind, MS_CHANGE_GROWN); /* moved, one change */
			ck_assert_uint_eq(c->a->start, 0x20000);
			ck_assert_int_eq(c->d[MS_SIZE], 0x10000);
		} else if (!strcmp(r->path, "/data")) {
			/* the larger of the two pairs with the merged one; the other goes */
			if (c->a && c->b)
				ck_assert_uint_eq(c->a->end, 0x44000);
			else
				ck_assert(c->kind == MS_CHANGE_REMOVED && c->a->start == 0x44000);
		} else if (!strcmp(r->path, "/big")) {
			if (c->a && c->b)
				ck_assert(c->b->start == 0x60000 && c->kind == MS_CHANGE_SHRUNK);
			else
				ck_assert(c->kind == MS_CHANGE_ADDED && c->b->start == 0x6c000);
		} else if (!strcmp(r->path, "/old")) {
			ck_assert_int_eq(c->kind, MS_CHANGE_REMOVED);
		} else {
			ck_assert_str_eq(r->path, "/new");
			ck_assert_int_eq(c->kind, MS_CHANGE_ADDED);
		}
	}
	ck_assert_uint_eq(p.d.nr_changes, 1 + 2 + 2 + 2);
	check_sums(&p);
	drop_pair(&p);
}
END_TEST

START_TEST(no_change)
{
	char a[4096] = "";
	struct pair p;

	region(a, sizeof(a), "10000-20000", "[heap]", 8);
	region(a, sizeof(a), "30000-31000", "", 4);
	take_pair(&p, a, a);
	ck_assert_uint_eq(p.d.nr_changes, 0);
	drop_pair(&p);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		kept_grown_added_removed, moved_merged_split, no_change, NULL,
	};

	return tl_main("diff", 60, tests);
}
