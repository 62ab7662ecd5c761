/*
 * testlib.c - see testlib.h.
 */
#define _GNU_SOURCE
#include "testlib.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void mkdirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
}

static void write_file(const char *path, const char *text, size_t len)
{
	char *copy = strdup(path);
	FILE *f;

	ck_assert_ptr_nonnull(copy);
	mkdirs(copy);
	free(copy);
	f = fopen(path, "w");
	ck_assert_msg(f != NULL, "cannot write %s", path);
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

char *tl_tree_new(void)
{
	char *root = strdup("/tmp/memscope-test.XXXXXX"), path[4096];

	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/stat", root);
	write_file(path, "cpu  1 2 3\nbtime 1700000000\n", 28);
	snprintf(path, sizeof(path), "%s/sys/kernel/osrelease", root);
	write_file(path, "6.1.0-test\n", 11);
	return root;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

void tl_tree_remove(char *root)
{
	nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	free(root);
}

void tl_write(const char *root, int pid, const char *name, const char *text, size_t len)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%d/%s", root, pid, name);
	write_file(path, text, len == (size_t)-1 ? strlen(text) : len);
}

void tl_process(const char *root, int pid, const char *smaps)
{
	char stat[256];

	snprintf(stat, sizeof(stat),
		 "%d (fixture) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 500 0 0 0\n", pid);
	tl_write(root, pid, "stat", stat, (size_t)-1);
	tl_write(root, pid, "status", "Name:\tfixture\nUid:\t1000\t1000\t1000\t1000\n",
		 (size_t)-1);
	tl_write(root, pid, "cmdline", "fixture\0--flag\0", 15);
	tl_write(root, pid, "smaps", smaps, (size_t)-1);
}

const struct ms_region *tl_region_at(const struct ms_snapshot *s, uint64_t start)
{
	for (size_t i = 0; i < s->nr_regions; i++)
		if (s->regions[i].start == start)
			return &s->regions[i];
	return NULL;
}

const struct ms_region *tl_region_holding(const struct ms_snapshot *s, uint64_t addr)
{
	for (size_t i = 0; i < s->nr_regions; i++)
		if (s->regions[i].start <= addr && addr < s->regions[i].end)
			return &s->regions[i];
	return NULL;
}

int tl_take(const char *root, int pid, unsigned flags, struct ms_snapshot **out,
	    char *err, size_t errlen)
{
	struct ms_ctx *ctx = ms_ctx_new(root);
	int rc;

	ck_assert_ptr_nonnull(ctx);
	rc = ms_snapshot_take(ctx, pid, flags, out, err, errlen);
	ms_ctx_free(ctx);
	return rc;
}

int tl_rollup(struct ms_ctx *ctx, pid_t pid, struct ms_counts *c, char *err, size_t errlen)
{
	struct ms_counts *got;
	int rc = ms_rollup_read(ctx, pid, &got, err, errlen);

	if (rc == 0)
		*c = *got;
	else
		ck_assert_ptr_null(got);
	ms_counts_free(got);
	return rc;
}

struct ms_snapshot *tl_layout(void)
{
	struct ms_snapshot *s;
	char err[256] = "";

	ck_assert_msg(tl_take(FIXTURES "/proc", 4242, 0, &s, err, sizeof(err)) == 0, "%s", err);
	return s;
}

int tl_main(const char *name, double timeout, const TTest *const tests[])
{
	Suite *s = suite_create(name);
	TCase *tc = tcase_create(name);
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, timeout);
	for (size_t i = 0; tests[i]; i++)
		_tcase_add_test(tc, tests[i], 0, 0, 0, 1);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
