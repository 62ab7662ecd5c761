/*
 * unit_ps.c - the process table (lib/ps.c) on a saved tree of many
 * processes: who is a row (no kernel thread, no zombie), in PID order; the
 * figures of each and their sums; an unreadable process null with its
 * reason; users from the tree's passwd file; and the same table whether the
 * scan is cut between two threads or kept on the caller's.
 */
#define _GNU_SOURCE
#include "testlib.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROCS 300 /* past SPLIT_MIN: the scan is cut in two */

/* Process pid of kind: 0 ordinary (rollup: pid kB of Rss, pid / 2 of them
 * private), 1 a kernel thread, 2 a zombie, 3 without smaps_rollup. */
static void process(const char *root, int pid, int kind)
{
	char text[1024];

	snprintf(text, sizeof(text), "%d (p%d) %c 1 %d %d 0 -1 %u 0 0 0 0 0 0 0 0 20 0 %d 0 %d 1 1\n",
		 pid, pid, kind == 2 ? 'Z' : 'S', pid, pid, kind == 1 ? 0x00200000u : 0x400000u,
		 1 + pid % 3, 100 + pid);
	tl_write(root, pid, "stat", text, (size_t)-1);
	snprintf(text, sizeof(text), "Name:\tp%d\nUid:\t%d\t0\t0\t0\n", pid, pid % 2 ? 1000 : 0);
	tl_write(root, pid, "status", text, (size_t)-1);
	tl_write(root, pid, "cmdline", "prog\0--n\0", 9);
	tl_write(root, pid, "cgroup", "0::/test.slice\n", (size_t)-1);
	if (kind == 3)
		return;
	snprintf(text, sizeof(text),
		 "00400000-7ffd0000 ---p 00000000 00:00 0 [rollup]\nRss: %d kB\nPss: %d kB\n"
		 "Pss_Anon: %d kB\nPss_File: 0 kB\nPss_Shmem: 0 kB\nShared_Clean: %d kB\n"
		 "Shared_Dirty: 0 kB\nPrivate_Clean: 0 kB\nPrivate_Dirty: %d kB\nSwap: 4 kB\n"
		 "SwapPss: 4 kB\n", pid, pid, pid, pid - pid / 2, pid / 2);
	tl_write(root, pid, "smaps_rollup", text, (size_t)-1);
}

/* The tree: PIDs 2 .. PROCS + 1, every 10th a kernel thread, every 10th
 * (+1) a zombie, every 10th (+2) without smaps_rollup; a passwd file. */
static char *tree(void)
{
	char *root = tl_tree_new(), path[4096];
	FILE *f;

	for (int pid = 2; pid < PROCS + 2; pid++)
		process(root, pid, pid % 10 == 0 ? 1 : pid % 10 == 1 ? 2 : pid % 10 == 2 ? 3 : 0);
	tl_write(root, 1, "root/etc/passwd", "root:x:0:0::/root:/bin/sh\nbob:x:1000:1000::/:/bin/sh\n",
		 (size_t)-1);
	snprintf(path, sizeof(path), "%s/1/stat", root); /* 1 itself: a kernel thread */
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("1 (init) S 0 1 1 0 -1 2097152 0 0 0 0 0 0 0 0 20 0 1 0 1 1 1\n", f);
	fclose(f);
	return root;
}

/* The table, checked row by row; its totals into *rss. */
static void check_table(const struct ms_ps *ps, uint64_t *rss)
{
	size_t rows = 0, unreadable = 0;
	uint64_t want_rss = 0, v;

	for (int pid = 2; pid < PROCS + 2; pid++) {
		const struct ms_proc *p = ms_ps_proc(ps, rows);

		if (pid % 10 == 0 || pid % 10 == 1) /* no address space: no row */
			continue;
		ck_assert_ptr_nonnull(p);
		ck_assert_int_eq(ms_proc_pid(p), pid);
		ck_assert_str_eq(ms_proc_user(p), pid % 2 ? "bob" : "root");
		ck_assert_str_eq(ms_proc_cmdline(p), "prog --n");
		ck_assert_str_eq(ms_proc_cgroup(p), "/test.slice");
		ck_assert_int_eq(ms_proc_threads(p), 1 + pid % 3);
		ck_assert_int_eq(ms_proc_start_ticks(p), 100 + pid);
		if (pid % 10 == 2) {
			ck_assert_ptr_null(ms_proc_counts(p));
			ck_assert_int_eq(ms_proc_errno(p), -ENOENT);
			ck_assert_ptr_nonnull(strstr(ms_proc_error(p), "smaps_rollup"));
			unreadable++;
		} else {
			ck_assert(ms_counts_get(ms_proc_counts(p), MS_RSS, &v) && v == (uint64_t)pid << 10);
			ck_assert(ms_counts_uss(ms_proc_counts(p), &v) && v == (uint64_t)(pid / 2) << 10);
			ck_assert(!ms_counts_has(ms_proc_counts(p), MS_SIZE));
			ck_assert_ptr_null(ms_proc_error(p));
			want_rss += (uint64_t)pid << 10;
		}
		rows++;
	}
	ck_assert_uint_eq(ms_ps_count(ps), rows);
	ck_assert_ptr_null(ms_ps_proc(ps, rows));
	ck_assert_uint_eq(ms_ps_unreadable(ps), unreadable);
	ck_assert(ms_counts_get(ms_ps_totals(ps), MS_RSS, &v) && v == want_rss);
	*rss = v;
}

START_TEST(one_thread_or_two)
{
	char *root = tree(), err[256];
	uint64_t rss[2];

	for (int i = 0; i < 2; i++) {
		struct ms_ctx *ctx = ms_ctx_open(root, i ? MS_CTX_ONE_THREAD : 0);
		struct ms_ps *ps;

		ck_assert_ptr_nonnull(ctx);
		ck_assert_int_eq(ms_ps_take(ctx, MS_PS_CGROUP, &ps, err, sizeof(err)), 0);
		check_table(ps, &rss[i]);
		ms_ps_free(ps);
		ms_ctx_free(ctx);
	}
	ck_assert_uint_eq(rss[0], rss[1]);
	tl_tree_remove(root);
}
END_TEST

START_TEST(cgroup_when_asked)
{
	char *root = tree(), err[256];
	struct ms_ctx *ctx = ms_ctx_new(root);
	struct ms_ps *ps;

	ck_assert_int_eq(ms_ps_take(ctx, 0, &ps, err, sizeof(err)), 0);
	ck_assert_uint_gt(ms_ps_count(ps), 0);
	for (size_t i = 0; i < ms_ps_count(ps); i++)
		ck_assert_ptr_null(ms_proc_cgroup(ms_ps_proc(ps, i)));
	ms_ps_free(ps);
	ms_ctx_free(ctx);
	tl_tree_remove(root);
}
END_TEST

/* MS_PS_OBJECTS: a library that three processes map is one object, mapped
 * by three, its counts their sums; a file one maps, another. */
START_TEST(objects_across_processes)
{
	char *root = tl_tree_new(), err[256], smaps[1024];
	struct ms_ctx *ctx = ms_ctx_new(root);
	const struct ms_object *lib = NULL;
	struct ms_ps *ps;
	uint64_t v;

	for (int pid = 10; pid < 13; pid++) {
		snprintf(smaps, sizeof(smaps),
			 "7f0000000000-7f0000004000 r-xp 00000000 fe:01 77 /lib/libx.so\n"
			 "Size: 16 kB\nRss: %d kB\nPss: 4 kB\nShared_Clean: %d kB\nShared_Dirty: 0 kB\n"
			 "Private_Clean: 0 kB\nPrivate_Dirty: 0 kB\nSwap: 0 kB\n%s", 4 * (pid - 9),
			 4 * (pid - 9), pid == 12 ? "7f0000010000-7f0000011000 r--p 00000000 fe:01 78 "
			 "/data/only\nSize: 4 kB\nRss: 4 kB\nPss: 4 kB\nShared_Clean: 0 kB\n"
			 "Shared_Dirty: 0 kB\nPrivate_Clean: 4 kB\nPrivate_Dirty: 0 kB\nSwap: 0 kB\n" : "");
		tl_process(root, pid, smaps);
		tl_write(root, pid, "smaps_rollup", "00400000-7ffd0000 ---p 00000000 00:00 0 [rollup]\n"
			 "Rss: 4 kB\nPss: 4 kB\n", (size_t)-1);
	}
	ck_assert_msg(ms_ps_take(ctx, MS_PS_OBJECTS, &ps, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(ms_ps_count(ps), 3);
	ck_assert_uint_eq(ms_ps_nr_objects(ps), 2);
	ck_assert_ptr_null(ms_ps_object(ps, 2));
	for (size_t i = 0; i < 2; i++)
		if (strcmp(ms_object_path(ms_ps_object(ps, i)), "/lib/libx.so") == 0)
			lib = ms_ps_object(ps, i);
	ck_assert_ptr_nonnull(lib);
	ck_assert_uint_eq(ms_object_count(lib), 3);
	ck_assert_uint_eq(ms_object_inode(lib), 77);
	ck_assert(ms_counts_get(ms_object_counts(lib), MS_RSS, &v) && v == (4 + 8 + 12) << 10);
	ck_assert(ms_counts_get(ms_object_counts(lib), MS_PSS, &v) && v == 12 << 10);
	ms_ps_free(ps);
	ck_assert_int_eq(ms_ps_take(ctx, 0, &ps, err, sizeof(err)), 0); /* not asked: none */
	ck_assert_uint_eq(ms_ps_nr_objects(ps), 0);
	ck_assert_ptr_null(ms_proc_class(ms_ps_proc(ps, 0), MS_CLASS_CODE));
	ms_ps_free(ps);
	/* the classes of each, from its smaps: their Rss adds up to its smaps' */
	ck_assert_int_eq(ms_ps_take(ctx, MS_PS_CLASSES_SMAPS, &ps, err, sizeof(err)), 0);
	for (size_t i = 0; i < ms_ps_count(ps); i++) {
		const struct ms_proc *p = ms_ps_proc(ps, i);
		uint64_t sum = 0;

		for (int c = 0; c < MS_CLASS_COUNT; c++) {
			ck_assert(ms_counts_get(ms_proc_class(p, c), MS_RSS, &v));
			sum += v;
		}
		ck_assert_uint_eq(sum, (uint64_t)(4 * (ms_proc_pid(p) - 9) + 4 * (ms_proc_pid(p) == 12))
				  << 10);
		ck_assert_ptr_null(ms_proc_class(p, MS_CLASS_COUNT));
	}
	ms_ps_free(ps);
	ms_ctx_free(ctx);
	tl_tree_remove(root);
}
END_TEST

START_TEST(refused)
{
	char *root = tl_tree_new(), err[256];
	struct ms_ctx *ctx = ms_ctx_new(root);
	struct ms_ps *ps = (struct ms_ps *)1;

	ck_assert_int_eq(ms_ps_take(ctx, 1u << 7, &ps, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_null(ps);
	ck_assert_int_eq(ms_ps_take(ctx, 0, &ps, err, sizeof(err)), 0); /* no process: empty */
	ck_assert_uint_eq(ms_ps_count(ps), 0);
	ck_assert_uint_eq(ms_ps_unreadable(ps), 0);
	ms_ps_free(ps);
	ms_ps_free(NULL);
	ms_ctx_free(ctx);
	tl_tree_remove(root);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = { one_thread_or_two, cgroup_when_asked, objects_across_processes,
				       refused, NULL };

	return tl_main("ps", 60, tests);
}
