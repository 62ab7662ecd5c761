/*
 * unit_pages.c - decoding pagemap, on made-up /proc trees: every kind of
 * entry, and the page-by-page figures from kpageflags and kpagecount.  A
 * regular file answers PAGEMAP_SCAN with ENOTTY, so this is the pread path,
 * the one every entry goes through in the end.
 */
#define _GNU_SOURCE
#include "testlib.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kernel-page-flags.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PRESENT (UINT64_C(1) << 63)
#define SWAP (UINT64_C(1) << 62)
#define FILEPG (UINT64_C(1) << 61)
#define GUARD (UINT64_C(1) << 58)
#define UFFD_WP (UINT64_C(1) << 57)
#define EXCL (UINT64_C(1) << 56)
#define SOFT_DIRTY (UINT64_C(1) << 55)

/* Writes 8-byte entries at index first onward into root/NAME (or
 * root/PID/NAME when pid > 0). */
static void put_entries(const char *root, int pid, const char *name, uint64_t first,
			const uint64_t *v, size_t n)
{
	char path[4096];
	int fd;

	if (pid > 0)
		snprintf(path, sizeof(path), "%s/%d/%s", root, pid, name);
	else
		snprintf(path, sizeof(path), "%s/%s", root, name);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, v, n * 8, (off_t)(first * 8)), (ssize_t)(n * 8));
	close(fd);
}

/* Region 0x10000-0x20000: 16 pages, entries as below. */
static char *tree(bool with_pfns)
{
	char *root = tl_tree_new();
	uint64_t pfn0 = with_pfns ? 5 : 0, pfn1 = with_pfns ? 6 : 0;
	uint64_t e[16] = {
		PRESENT | EXCL | SOFT_DIRTY | pfn0,  /* 0: ours alone, written */
		PRESENT | FILEPG | pfn1,             /* 1: a shared page */
		SWAP | (3 << 5) | 1,                 /* 2: in swap */
		SWAP | GUARD,                        /* 3: a guard marker */
		SWAP | UFFD_WP,                      /* 4: a userfaultfd marker */
		0,                                   /* 5: never touched */
		PRESENT | EXCL | pfn0,               /* 6: frame 5 again */
	};

	tl_process(root, 30, "");
	tl_write(root, 30, "maps", "10000-20000 rw-p 00000000 00:00 0 \n", (size_t)-1);
	put_entries(root, 30, "pagemap", 0x10000 / 4096, e, 16);
	if (with_pfns) {
		uint64_t flags[7] = { 0 }, count[7] = { 0 };

		flags[5] = UINT64_C(1) << KPF_THP;
		count[5] = 2; /* mapped at pages 0 and 6 */
		flags[6] = UINT64_C(1) << KPF_KSM;
		count[6] = 1;
		put_entries(root, 0, "kpageflags", 0, flags, 7);
		put_entries(root, 0, "kpagecount", 0, count, 7);
	}
	return root;
}

static struct ms_snapshot *read_tree(const char *root, unsigned flags)
{
	struct ms_ctx *ctx = ms_ctx_new(root);
	struct ms_snapshot *s;
	char err[256] = "";

	ck_assert_int_eq(ms_snapshot_take(ctx, 30, MS_SNAP_MAPS_ONLY, &s, err, sizeof(err)), 0);
	ck_assert_msg(ms_residency_read(ctx, s, flags, err, sizeof(err)) == 0, "%s", err);
	ms_ctx_free(ctx);
	return s;
}

START_TEST(every_kind_of_entry)
{
	char *root = tree(false);
	struct ms_snapshot *s = read_tree(root, MS_RES_RUNS);
	const struct ms_residency *r = &s->res[0];
	static const struct { uint64_t start, end; enum ms_page_state st; } runs[] = {
		{ 0x10000, 0x12000, MS_PAGE_PRESENT }, { 0x12000, 0x13000, MS_PAGE_SWAPPED },
		{ 0x13000, 0x15000, MS_PAGE_MARKER }, { 0x15000, 0x16000, MS_PAGE_ABSENT },
		{ 0x16000, 0x17000, MS_PAGE_PRESENT }, { 0x17000, 0x20000, MS_PAGE_ABSENT },
	};

	ck_assert_str_eq(s->res_method, "pread"); /* a file has no PAGEMAP_SCAN */
	ck_assert_uint_eq(r->present, 3);
	ck_assert_uint_eq(r->exclusive, 2);
	ck_assert_uint_eq(r->file, 1);
	ck_assert_uint_eq(r->soft_dirty, 1);
	ck_assert_uint_eq(r->swapped, 1);   /* markers are no swap */
	ck_assert_uint_eq(r->markers, 2);
	ck_assert_int_eq(r->uss_exact, -1); /* no kpageflags in this tree */
	ck_assert_int_eq(r->zero, -1);
	ck_assert_ptr_nonnull(s->res_pfn_why);
	ck_assert_uint_eq(r->nr_runs, sizeof(runs) / sizeof(runs[0]));
	for (size_t i = 0; i < r->nr_runs; i++) {
		ck_assert_uint_eq(r->runs[i].start, runs[i].start);
		ck_assert_uint_eq(r->runs[i].end, runs[i].end);
		ck_assert_int_eq(r->runs[i].state, runs[i].st);
	}
	ms_snapshot_free(s);
	tl_tree_remove(root);
}
END_TEST

START_TEST(frames_looked_up)
{
	char *root = tree(true);
	struct ms_snapshot *s = read_tree(root, 0);
	const struct ms_residency *r = &s->res[0];

	ck_assert_ptr_null(s->res_pfn_why);
	ck_assert_int_eq(r->uss_exact, 4096);           /* frame 6: mapped once */
	ck_assert_int_eq(r->pss_exact, 2048 + 4096 + 2048);
	ck_assert_int_eq(r->thp, 2);                    /* frame 5, twice */
	ck_assert_int_eq(r->ksm, 1);
	ck_assert_int_eq(r->zero, 0);
	ms_snapshot_free(s);
	s = read_tree(root, MS_RES_NO_PFN);
	ck_assert_int_eq(s->res[0].uss_exact, -1);
	ck_assert_str_eq(s->res_pfn_why, "not asked for");
	ms_snapshot_free(s);
	tl_tree_remove(root);
}
END_TEST

/* Frames hidden (PFN 0) although kpageflags opens: unknown, and why. */
START_TEST(frames_hidden)
{
	char *root = tree(false);
	struct ms_snapshot *s;
	uint64_t zero = 0;

	put_entries(root, 0, "kpageflags", 0, &zero, 1);
	put_entries(root, 0, "kpagecount", 0, &zero, 1);
	s = read_tree(root, 0);
	ck_assert_int_eq(s->res[0].pss_exact, -1);
	ck_assert_ptr_nonnull(strstr(s->res_pfn_why, "CAP_SYS_ADMIN"));
	ms_snapshot_free(s);
	tl_tree_remove(root);
}
END_TEST

/* A snapshot of another process than the one now at that PID. */
START_TEST(recycled_pid)
{
	char *root = tree(false), err[256] = "";
	struct ms_ctx *ctx = ms_ctx_new(root);
	struct ms_snapshot *s;

	ck_assert_int_eq(ms_snapshot_take(ctx, 30, MS_SNAP_MAPS_ONLY, &s, err, sizeof(err)), 0);
	tl_write(root, 30, "stat", "30 (other) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 999 0\n",
		 (size_t)-1);
	ck_assert_int_eq(ms_residency_read(ctx, s, 0, err, sizeof(err)), -ESRCH);
	ck_assert_ptr_null(s->res);
	ms_snapshot_free(s);
	ms_ctx_free(ctx);
	tl_tree_remove(root);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		every_kind_of_entry,
		frames_looked_up,
		frames_hidden,
		recycled_pid,
		NULL
	};

	return tl_main("pages", 60, tests);
}
