/*
 * unit_parse.c - the parsers and the class rules, on saved and made-up
 * /proc trees.
 */
#define _GNU_SOURCE
#include "testlib.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LAYOUT_PID 4242 /* tests/data/proc: the layout helper, captured */

/* Fields of one smaps record, each value a different number of kB. */
#define FIELDS                                                               \
	"Size:                  8 kB\nKernelPageSize:        4 kB\n"            \
	"MMUPageSize:           4 kB\nRss:                   8 kB\n"            \
	"Pss:                   6 kB\nPss_Dirty:             4 kB\n"            \
	"Shared_Clean:          4 kB\nShared_Dirty:          0 kB\n"            \
	"Private_Clean:         0 kB\nPrivate_Dirty:         4 kB\n"            \
	"Referenced:            8 kB\nAnonymous:             4 kB\n"            \
	"KSM:                   0 kB\nLazyFree:              0 kB\n"            \
	"AnonHugePages:         0 kB\nShmemPmdMapped:        0 kB\n"            \
	"FilePmdMapped:         0 kB\nShared_Hugetlb:        0 kB\n"            \
	"Private_Hugetlb:       0 kB\nSwap:                 12 kB\n"            \
	"SwapPss:               2 kB\nLocked:                0 kB\n"            \
	"THPeligible:           1\nProtectionKey:         0\n"                  \
	"VmFlags: rd wr mr mw me ac sd \n"

#define HDR(range, perms, dev, inode, name) \
	range " " perms " 00000000 " dev " " inode "                    " name "\n" FIELDS

static const struct {
	const char *header, *path;
	bool deleted;
	const char *cls;
} names[] = {
	{ HDR("1000-3000", "rw-p", "00:00", "0", ""), "", false, "anon" },
	{ HDR("3000-5000", "r--p", "08:01", "77", "/data/with space/file name.db"),
	  "/data/with space/file name.db", false, "file-private" },
	{ HDR("5000-7000", "rw-s", "08:01", "78", "/data/new\\012line"), "/data/new\\012line",
	  false, "file-shared" },
	{ HDR("7000-9000", "rw-p", "08:01", "79", "/data/gone.bin (deleted)"), "/data/gone.bin",
	  true, "file-private" },
	{ HDR("9000-b000", "rw-p", "00:00", "0", "[anon:JavaHeap]"), "[anon:JavaHeap]", false,
	  "anon" },
	{ HDR("b000-d000", "rw-s", "00:01", "12", "[anon_shmem:ring]"), "[anon_shmem:ring]",
	  false, "anon-shared" },
	{ HDR("d000-f000", "rw-s", "00:01", "13", "/memfd:wayland (deleted)"), "/memfd:wayland",
	  true, "anon-shared" },
	{ HDR("f000-11000", "rw-s", "00:01", "14", "/SYSV0000abcd (deleted)"), "/SYSV0000abcd",
	  true, "sysv-shm" },
	{ HDR("11000-13000", "rw-s", "00:01", "15", "/dev/zero (deleted)"), "/dev/zero", true,
	  "anon-shared" },
	{ HDR("13000-15000", "r--p", "00:00", "0", "[vvar_vclock]"), "[vvar_vclock]", false,
	  "kernel" },
	{ HDR("15000-17000", "r-xp", "00:00", "0", "[uprobes]"), "[uprobes]", false, "kernel" },
	{ HDR("17000-19000", "---p", "00:00", "0", ""), "", false, "guard" },
	{ HDR("19000-1b000", "rw-p", "00:00", "0", "[heap]"), "[heap]", false, "heap" },
	{ HDR("1b000-1d000", "rw-p", "00:00", "0", "[stack]"), "[stack]", false, "stack" },
	{ HDR("1d000-1f000", "rw-p", "00:00", "0", "[anon:.bss]"), "[anon:.bss]", false, "bss" },
	{ HDR("1f000-21000", "rw-s", "00:00", "0", ""), "", false, "anon-shared" },
	{ HDR("21000-23000", "rw-p", "00:00", "0", "[stack:4243]"), "[stack:4243]", false,
	  "thread-stack" },
	{ HDR("23000-25000", "rw-p", "00:01", "16", "/memfd:private (deleted)"),
	  "/memfd:private", true, "file-private" },
	{ HDR("25000-27000", "r--p", "00:00", "0", "[io_uring]"), "[io_uring]", false, "anon" },
	{ HDR("27000-29000", "r--p", "00:00", "0", "[vdso]"), "[vdso]", false, "kernel" },
	{ HDR("29000-2b000", "r--p", "00:00", "0", "[vvar]"), "[vvar]", false, "kernel" },
	{ HDR("ffffffffff600000-ffffffffff602000", "--xp", "00:00", "0", "[vsyscall]"),
	  "[vsyscall]", false, "kernel" },
};
#define NR_NAMES (sizeof(names) / sizeof(names[0]))

START_TEST(every_name_form)
{
	char *root = tl_tree_new(), err[256] = "";
	size_t len = 0;
	char *text;
	struct ms_snapshot *s;

	for (size_t i = 0; i < NR_NAMES; i++)
		len += strlen(names[i].header);
	text = calloc(1, len + 1);
	for (size_t i = 0; i < NR_NAMES; i++)
		strcat(text, names[i].header);
	tl_process(root, 10, text);
	ck_assert_int_eq(tl_take(root, 10, 0, &s, err, sizeof(err)), 0);
	ck_assert_uint_eq(s->nr_regions, NR_NAMES);
	for (size_t i = 0; i < NR_NAMES; i++) {
		const struct ms_region *r = &s->regions[i];

		ck_assert_str_eq(r->path, names[i].path);
		ck_assert_msg(r->deleted == names[i].deleted, "%s: deleted", names[i].path);
		ck_assert_msg(strcmp(ms_class_name(r->class), names[i].cls) == 0,
			      "%s (%s): class %s, expected %s", names[i].path, r->perms,
			      ms_class_name(r->class), names[i].cls);
	}
	ck_assert_uint_eq(s->regions[NR_NAMES - 1].start, 0xffffffffff600000ull);
	ck_assert_uint_eq(s->regions[1].inode, 77);
	ck_assert_uint_eq(s->regions[7].dev_minor, 1);
	ms_snapshot_free(s);
	free(text);
	tl_tree_remove(root);
}
END_TEST

START_TEST(every_field)
{
	char *root = tl_tree_new(), err[256] = "";
	struct ms_snapshot *s;
	const struct ms_region *r;
	uint64_t uss;

	tl_process(root, 11, HDR("1000-3000", "rw-p", "00:00", "0", ""));
	ck_assert_int_eq(tl_take(root, 11, 0, &s, err, sizeof(err)), 0);
	r = &s->regions[0];
	ck_assert_uint_eq(r->c.v[MS_SIZE], 8192);
	ck_assert_uint_eq(r->c.v[MS_RSS], 8192);
	ck_assert_uint_eq(r->c.v[MS_PSS], 6144);
	ck_assert_uint_eq(r->c.v[MS_PSS_DIRTY], 4096);
	ck_assert_uint_eq(r->c.v[MS_SHARED_CLEAN], 4096);
	ck_assert_uint_eq(r->c.v[MS_PRIVATE_DIRTY], 4096);
	ck_assert_uint_eq(r->c.v[MS_SWAP], 12288);
	ck_assert_uint_eq(r->c.v[MS_SWAP_PSS], 2048);
	ck_assert(ms_counts_uss(&r->c, &uss) && uss == 4096);
	ck_assert(ms_counts_has(&r->c, MS_KSM) && ms_counts_has(&r->c, MS_LOCKED));
	ck_assert(!ms_counts_has(&r->c, MS_PSS_ANON)); /* smaps_rollup's alone */
	/* every key of a record was read: each key's length is right */
	ck_assert_uint_eq(r->c.have, ((1u << MS_FIELD_COUNT) - 1) &
			  ~((1u << MS_PSS_ANON) | (1u << MS_PSS_FILE) | (1u << MS_PSS_SHMEM)));
	for (int f = 0; f < MS_FIELD_COUNT; f++)
		ck_assert_ptr_nonnull(ms_field_smaps_key(f));
	ck_assert_str_eq(ms_field_smaps_key(MS_SWAP_PSS), "SwapPss");
	ck_assert_int_eq(r->thp_eligible, 1);
	ck_assert_int_eq(r->protection_key, 0);
	ck_assert_str_eq(r->vmflags, "rd wr mr mw me ac sd");
	ck_assert_str_eq(s->comm, "fixture");
	ck_assert_str_eq(s->argv[0], "fixture");
	ck_assert_str_eq(s->argv[1], "--flag");
	ck_assert_ptr_null(s->argv[2]);
	ck_assert_int_eq(s->uid, 1000);
	ck_assert_int_eq(s->start_ticks, 500);
	ck_assert_str_eq(s->kernel, "6.1.0-test");
	ck_assert(s->started_at > 1700000000.0 && s->started_at < 1700000100.0);
	ms_snapshot_free(s);
	tl_tree_remove(root);
}
END_TEST

/* Keys of a newer kernel, and a record cut short at a line's end: the
 * missing fields are unknown, not zero. */
START_TEST(unknown_keys_and_missing_fields)
{
	char *root = tl_tree_new(), err[256] = "";
	struct ms_snapshot *s;
	uint64_t uss;

	tl_process(root, 12, "1000-2000 rw-p 00000000 00:00 0 \n"
			     "Size:                  4 kB\nFutureKey:    17 kB\n"
			     "Odd thing: x y z\nRss:                   4 kB\n"
			     "2000-3000 r--p 00000000 00:00 0 \nSize:   4 kB\n");
	ck_assert_int_eq(tl_take(root, 12, 0, &s, err, sizeof(err)), 0);
	ck_assert_uint_eq(s->nr_regions, 2);
	ck_assert_uint_eq(s->regions[0].c.v[MS_RSS], 4096);
	ck_assert(!ms_counts_has(&s->regions[0].c, MS_PSS));
	ck_assert(!ms_counts_uss(&s->regions[0].c, &uss));
	ck_assert(!ms_counts_has(&s->regions[1].c, MS_RSS));
	ck_assert_ptr_null(s->regions[1].vmflags);
	ck_assert_int_eq(s->regions[1].thp_eligible, -1);
	/* a total with an unknown part is unknown */
	ck_assert(!ms_counts_has(&s->totals.c, MS_RSS));
	ck_assert(ms_counts_has(&s->totals.c, MS_SIZE));
	ck_assert_uint_eq(s->totals.c.v[MS_SIZE], 8192);
	ms_snapshot_free(s);
	tl_tree_remove(root);
}
END_TEST

static void expect_bad(const char *smaps, int code, const char *needle)
{
	char *root = tl_tree_new(), err[256] = "";
	struct ms_snapshot *s = (void *)1;

	tl_process(root, 13, smaps);
	ck_assert_int_eq(tl_take(root, 13, 0, &s, err, sizeof(err)), code);
	ck_assert_ptr_null(s);
	ck_assert_msg(strstr(err, needle), "error '%s' lacks '%s'", err, needle);
	tl_tree_remove(root);
}

START_TEST(malformed)
{
	expect_bad("1000-2000 rw-p 00000000 00:00 0 \nRss:   4 kB\nPss:   4", -EBADMSG,
		   "ends mid-line");
	expect_bad("1000-2000 rw-p 00000000 00:00 0 \nRss:   x kB\n", -EBADMSG, "line 2");
	expect_bad("1000-2000 rw-p 00000000 00:00 0 \nRss:   4 MB\n", -EBADMSG, "line 2");
	expect_bad("Rss:   4 kB\n", -EBADMSG, "line 1");
	expect_bad("2000-1000 rw-p 00000000 00:00 0 \n", -EBADMSG, "line 1");
	expect_bad("1000-2000 rw-p 0000 00:00\n", -EBADMSG, "line 1");
	expect_bad("1000-2000 rwxpq 00000000 00:00 0 \n", -EBADMSG, "line 1");
	expect_bad("10000000000000000000-2 rw-p 0 00:00 0 \n", -EBADMSG, "line 1");
	expect_bad("garbage\n", -EBADMSG, "line 1");
	expect_bad("1000-2000 rw-p 00000000 00:00 0 \nRss: 99999999999999999999 kB\n",
		   -EBADMSG, "line 2");
}
END_TEST

/* A NUL byte is in no /proc line: smaps, maps or smaps_rollup with one is
 * malformed, not a record whose name runs on to the end of the file. */
START_TEST(nul_bytes)
{
	static const char nul_lines[] = "1000-2000 rw-p 00000000 00:00 0 \0Size: 4 kB\0Rss: 4 kB\0";
	static const char nul_name[] = "1000-2000 rw-p 00000000 00:00 0   /x\0y\nSize: 4 kB\n";
	static const char nul_field[] = "1000-2000 rw-p 00000000 00:00 0 \nVmFlags: rd\0wr\n";
	char *root = tl_tree_new(), err[256] = "";
	struct ms_ctx *ctx;
	struct ms_counts roll;
	struct ms_snapshot *s = NULL;

	tl_process(root, 13, "");
	tl_write(root, 13, "smaps", nul_lines, sizeof(nul_lines) - 1);
	ck_assert_int_eq(tl_take(root, 13, 0, &s, err, sizeof(err)), -EBADMSG);
	ck_assert_msg(strstr(err, "smaps line 1: a NUL byte"), "error '%s'", err);
	tl_write(root, 13, "smaps", nul_field, sizeof(nul_field) - 1);
	ck_assert_int_eq(tl_take(root, 13, 0, &s, err, sizeof(err)), -EBADMSG);
	ck_assert_msg(strstr(err, "smaps line 2: a NUL byte"), "error '%s'", err);
	tl_write(root, 13, "maps", nul_name, sizeof(nul_name) - 1);
	ck_assert_int_eq(tl_take(root, 13, MS_SNAP_MAPS_ONLY, &s, err, sizeof(err)), -EBADMSG);
	ck_assert_msg(strstr(err, "maps line 1: a NUL byte"), "error '%s'", err);
	ck_assert_ptr_null(s);
	tl_write(root, 13, "smaps_rollup", nul_lines, sizeof(nul_lines) - 1);
	ctx = ms_ctx_new(root);
	ck_assert_int_eq(tl_rollup(ctx, 13, &roll, err, sizeof(err)), -EBADMSG);
	ck_assert_msg(strstr(err, "smaps_rollup line 1: a NUL byte"), "error '%s'", err);
	ms_ctx_free(ctx);
	tl_tree_remove(root);
}
END_TEST

/* FIELDS with the line of key replaced by "key: kb kB". */
static char *with_field(const char *header, const char *key, const char *kb)
{
	static char buf[4096];
	const char *at = strstr(FIELDS, key), *eol = strchr(at, '\n');

	snprintf(buf, sizeof(buf), "%s%.*s%s: %s kB%s", header, (int)(at - FIELDS), FIELDS,
		 key, kb, eol);
	return buf;
}

/* Counts the kernel cannot print (fs/proc/task_mmu.c): more of anything
 * than the region holds, Pss above Rss, an Rss that is not the sum of its
 * shared and private parts, page sizes that are no page size. */
START_TEST(impossible_counts)
{
	static const struct { const char *key, *kb, *needle; } bad[] = {
		{ "Rss", "9007199254740991", "Rss 9007199254740991 kB, more than its Size 8 kB" },
		/* past 2^63 bytes: no difference of two would fit an int64_t */
		{ "Swap", "9007199254740992", "cannot parse 'Swap: 9007199254740992 kB'" },
		{ "Rss", "12", "Rss 12 kB, more than its Size 8 kB" },
		{ "Private_Hugetlb", "16", "Private_Hugetlb 16 kB, more than its Size 8 kB" },
		{ "Pss", "9", "Pss 9 kB, more than its Rss 8 kB" },
		{ "Referenced", "12", "Referenced 12 kB, more than its Rss 8 kB" },
		{ "Anonymous", "12", "Anonymous 12 kB, more than its Rss 8 kB" },
		{ "Pss_Dirty", "7", "Pss_Dirty 7 kB, more than its Pss 6 kB" },
		{ "Locked", "7", "Locked 7 kB, more than its Pss 6 kB" },
		{ "LazyFree", "8", "LazyFree 8 kB, more than its Anonymous 4 kB" },
		{ "SwapPss", "13", "SwapPss 13 kB, more than its Size 8 kB" },
		{ "Shared_Dirty", "4", "Rss 8 kB, not the 12 kB of" },
		{ "Private_Dirty", "0", "Rss 8 kB, not the 4 kB of" },
		{ "Size", "4", "Size 4 kB, not the 8 kB of its range" },
		{ "KernelPageSize", "3", "KernelPageSize 3 kB, no page size" },
		{ "MMUPageSize", "12", "MMUPageSize 12 kB, no page size" },
		{ "KernelPageSize", "33554432", "KernelPageSize 33554432 kB, no page size" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_bad(with_field("1000-3000 rw-p 00000000 00:00 0 \n", bad[i].key, bad[i].kb),
			   -EBADMSG, bad[i].needle);
	/* a record cut short: what bounds the missing count bounds its parts */
	expect_bad("1000-3000 rw-p 00000000 00:00 0 \nShared_Clean: 12 kB\n", -EBADMSG,
		   "Shared_Clean 12 kB, more than its Size 8 kB");
	expect_bad("1000-3000 rw-p 00000000 00:00 0 \nRss: 4 kB\nLocked: 8 kB\n", -EBADMSG,
		   "Locked 8 kB, more than its Rss 4 kB");
	/* a record cut short has no more in its parts than in Rss */
	expect_bad("1000-3000 rw-p 00000000 00:00 0 \nRss: 8 kB\nShared_Clean: 8 kB\n"
		   "Shared_Dirty: 4 kB\n", -EBADMSG, "Rss 8 kB, not the 12 kB of");
	/* the line of the record's header is named, in the second record too */
	expect_bad(with_field("0-1000 r--p 00000000 00:00 0 \nSize: 4 kB\n"
			      "1000-3000 rw-p 00000000 00:00 0 \n", "Pss", "9"),
		   -EBADMSG, "smaps line 3: the region 1000-3000 has Pss 9 kB");
}
END_TEST

/* What the kernel can print: hugetlb pages are not in Rss, huge page
 * sizes, a shared memory file's swap (counted whole when a mapping spans
 * the file, so it can exceed the mapping). */
START_TEST(possible_counts)
{
	char *root = tl_tree_new(), err[256] = "";
	struct ms_snapshot *s;

	tl_process(root, 18, "1000-3000 rw-s 00000000 00:01 9    /dev/shm/x\n"
			     "Size:                  8 kB\nRss:                   0 kB\n"
			     "Swap:              65536 kB\nSwapPss:               0 kB\n"
			     "40000000-80000000 rw-s 00000000 00:0f 7    /anon_hugepage\n"
			     "Size:            1048576 kB\nKernelPageSize:  1048576 kB\n"
			     "MMUPageSize:     1048576 kB\nRss:                   0 kB\n"
			     "Pss:                   0 kB\nShared_Clean:          0 kB\n"
			     "Shared_Dirty:          0 kB\nPrivate_Clean:         0 kB\n"
			     "Private_Dirty:         0 kB\nShared_Hugetlb:  1048576 kB\n"
			     "Private_Hugetlb:       0 kB\n");
	ck_assert_msg(tl_take(root, 18, 0, &s, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(s->regions[0].c.v[MS_SWAP], 64u << 20);
	ck_assert_uint_eq(s->regions[1].c.v[MS_SHARED_HUGETLB], 1u << 30);
	ms_snapshot_free(s);
	tl_tree_remove(root);
}
END_TEST

/* The kernel prints each mapping once, ascending, never two that overlap
 * (Documentation/filesystems/proc.rst, even while the maps change). */
START_TEST(address_order)
{
	expect_bad("1000-1000 rw-p 00000000 00:00 0 \n", -EBADMSG,
		   "line 1: the range 1000-1000 is empty or backwards");
	expect_bad("1000-3000 rw-p 00000000 00:00 0 \n2000-4000 rw-p 00000000 00:00 0 \n",
		   -EBADMSG, "smaps line 2: 2000-4000 overlaps or comes before 1000-3000");
	expect_bad("5000-6000 rw-p 00000000 00:00 0 \n1000-2000 rw-p 00000000 00:00 0 \n",
		   -EBADMSG, "smaps line 2: 1000-2000 overlaps or comes before 5000-6000");
	expect_bad("1000-2000 rw-p 00000000 00:00 0 \nSize: 4 kB\n"
		   "1000-2000 rw-p 00000000 00:00 0 \n", -EBADMSG, "smaps line 3:");
}
END_TEST

static int rollup(const char *text, struct ms_counts *c, char *err, size_t errlen)
{
	char *root = tl_tree_new();
	struct ms_ctx *ctx;
	int rc;

	tl_process(root, 19, "");
	tl_write(root, 19, "smaps_rollup", text, (size_t)-1);
	ctx = ms_ctx_new(root);
	rc = tl_rollup(ctx, 19, c, err, errlen);
	ms_ctx_free(ctx);
	tl_tree_remove(root);
	return rc;
}

/* smaps_rollup's range spans the address space (empty when there is no
 * mapping): no bound, but each count is below 2^56 bytes so sums hold. */
START_TEST(rollup_counts)
{
	char err[256] = "";
	struct ms_counts c;

	ck_assert_int_eq(rollup("00000000-00000000 ---p 00000000 00:00 0   [rollup]\n"
				"Rss:                   0 kB\n", &c, err, sizeof(err)), 0);
	ck_assert_int_eq(rollup("1000-2000 ---p 00000000 00:00 0   [rollup]\n"
				"Rss:             8388608 kB\nPss:             8388608 kB\n"
				"Swap:  70368744177663 kB\n", &c, err, sizeof(err)), 0);
	ck_assert_uint_eq(c.v[MS_RSS], 8ull << 30);
	ck_assert_int_eq(rollup("1000-2000 ---p 00000000 00:00 0   [rollup]\n"
				"Swap:  70368744177664 kB\n", &c, err, sizeof(err)), -EBADMSG);
	ck_assert_msg(strstr(err, "smaps_rollup line 1: Swap 70368744177664 kB, 64 PiB or more"),
		      "error '%s'", err);
	ck_assert_int_eq(rollup("1000-2000 ---p 00000000 00:00 0   [rollup]\n"
				"Rss:                   4 kB\nPss:                   8 kB\n",
				&c, err, sizeof(err)), -EBADMSG);
	ck_assert_msg(strstr(err, "smaps_rollup line 1: Pss 8 kB, more than its Rss 4 kB"),
		      "error '%s'", err);
}
END_TEST

/* Lines longer than any buffer: a 1 MiB name is read whole; past the cap
 * the read stops with an error instead of eating memory. */
START_TEST(long_lines)
{
	const size_t n = 1u << 20, huge = 17u << 20;
	char *root = tl_tree_new(), err[256] = "";
	char *text = malloc(huge + 100);
	struct ms_snapshot *s;
	int len = sprintf(text, "1000-2000 r--p 00000000 08:01 5  /");

	memset(text + len, 'x', n);
	strcpy(text + len + n, "\nRss:  4 kB\n");
	tl_process(root, 14, text);
	ck_assert_int_eq(tl_take(root, 14, 0, &s, err, sizeof(err)), 0);
	ck_assert_uint_eq(strlen(s->regions[0].path), n + 1);
	ck_assert_uint_eq(s->regions[0].c.v[MS_RSS], 4096);
	ms_snapshot_free(s);

	memset(text + len, 'y', huge);
	strcpy(text + len + huge, "\n");
	tl_process(root, 14, text);
	ck_assert_int_eq(tl_take(root, 14, 0, &s, err, sizeof(err)), -E2BIG);
	ck_assert_ptr_nonnull(strstr(err, "longer than"));
	free(text);
	tl_tree_remove(root);
}
END_TEST

START_TEST(gone_and_missing)
{
	char *root = tl_tree_new(), err[256] = "";
	struct ms_snapshot *s;

	ck_assert_int_eq(tl_take(root, 99, 0, &s, err, sizeof(err)), -ESRCH);
	ck_assert_str_eq(err, "no such process");
	/* a zombie has no memory to show */
	tl_process(root, 15, "1000-2000 rw-p 00000000 00:00 0 \n");
	tl_write(root, 15, "stat", "15 (z) Z 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 500 0\n",
		 (size_t)-1);
	ck_assert_int_eq(tl_take(root, 15, 0, &s, err, sizeof(err)), -ESRCH);
	ck_assert_ptr_nonnull(strstr(err, "exited"));
	tl_tree_remove(root);
	ck_assert_ptr_null(ms_ctx_new("/nonexistent/proc"));
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

/* A thread that runs while we read shows no stack pointer: then a region
 * of the default stack size above a small guard is taken for its stack,
 * and nothing else. */
START_TEST(running_thread)
{
	char *root = tl_tree_new(), err[256] = "";
	struct ms_snapshot *s;

	tl_process(root, 17, "1000-2000 ---p 00000000 00:00 0 \n"
			     "2000-802000 rw-p 00000000 00:00 0 \n"
			     "802000-803000 ---p 00000000 00:00 0 \n"
			     "803000-843000 rw-p 00000000 00:00 0 \n");
	tl_write(root, 17, "task/17/syscall", "running\n", (size_t)-1);
	tl_write(root, 17, "task/18/syscall", "running\n", (size_t)-1);
	tl_write(root, 17, "limits", "Limit                     Soft Limit           Hard Limit"
		 "           Units     \nMax stack size            8388608              "
		 "unlimited            bytes     \n", (size_t)-1);
	ck_assert_int_eq(tl_take(root, 17, 0, &s, err, sizeof(err)), 0);
	ck_assert_str_eq(ms_class_name(s->regions[1].class), "thread-stack");
	ck_assert_str_eq(ms_class_name(s->regions[3].class), "anon");
	ms_snapshot_free(s);
	/* with the stack pointer known, only the region holding it */
	tl_write(root, 17, "task/18/syscall", "0 0x3 0x0 0x1 0x8 0x0 0x0 0x810000 0x7f00\n",
		 (size_t)-1);
	ck_assert_int_eq(tl_take(root, 17, 0, &s, err, sizeof(err)), 0);
	ck_assert_str_eq(ms_class_name(s->regions[1].class), "anon");
	ck_assert_str_eq(ms_class_name(s->regions[3].class), "thread-stack");
	ms_snapshot_free(s);
	tl_tree_remove(root);
}
END_TEST

START_TEST(maps_only)
{
	char *root = tl_tree_new(), err[256] = "";
	struct ms_snapshot *s;

	tl_process(root, 16, "");
	tl_write(root, 16, "maps", "1000-3000 rw-p 00000000 00:00 0 \n"
				   "3000-4000 r-xp 00001000 08:01 9   /usr/bin/x\n", (size_t)-1);
	ck_assert_int_eq(tl_take(root, 16, MS_SNAP_MAPS_ONLY, &s, err, sizeof(err)), 0);
	ck_assert_uint_eq(s->nr_regions, 2);
	ck_assert_uint_eq(s->regions[1].offset, 0x1000);
	ck_assert_uint_eq(s->regions[0].c.v[MS_SIZE], 0x2000);
	ck_assert(!ms_counts_has(&s->regions[0].c, MS_RSS));
	ck_assert(!s->have_smaps);
	ms_snapshot_free(s);
	tl_tree_remove(root);
}
END_TEST

/* ---- the captured layout helper (tests/data/proc/4242) ---- */


START_TEST(captured_classes)
{
	struct ms_snapshot *s = tl_layout();
	static const struct { uint64_t start; const char *cls, *path; } want[] = {
		{ 0x5627ab1f9000, "code", "/usr/libexec/ms-layout" },
		{ 0x5627ab1f8000, "rodata", "/usr/libexec/ms-layout" },
		{ 0x5627ab1fc000, "data", "/usr/libexec/ms-layout" },
		{ 0x5627ab1fd000, "bss", "" },
		{ 0x5627b8fe9000, "heap", "[heap]" },
		{ 0x7f9eb6200000, "thread-stack", "" },
		{ 0x7f9eb61ff000, "guard", "" },
		{ 0x7f9eb6a22000, "anon", "" },
		{ 0x7f9eb6a01000, "anon-shared", "/dev/zero" },
		{ 0x7f9eb6b75000, "file-shared", "/srv/ms/shared.dat" },
		{ 0x7f9eb6b7e000, "file-private", "/srv/ms/deleted.dat" },
		{ 0x7f9eb6b83000, "file-shared", "/srv/ms/a b\\012c" },
		{ 0x7f9eb6b86000, "file-private", "/srv/ms/data.bin" },
		{ 0x7f9eb6b8b000, "sysv-shm", "/SYSV00000000" },
		{ 0x7f9eb6b90000, "anon-shared", "/memfd:ms-memfd" },
		{ 0x7f9eb6ebb000, "code", "/usr/lib/x86_64-linux-gnu/libc.so.6" },
		{ 0x7f9eb706a000, "bss", "" },
		{ 0x7f9eb708a000, "kernel", "[vdso]" },
		{ 0x7ffe5c487000, "stack", "[stack]" },
	};

	ck_assert_uint_eq(s->nr_regions, 48);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct ms_region *r = tl_region_at(s, want[i].start);

		ck_assert_msg(r, "no region at %lx", (unsigned long)want[i].start);
		ck_assert_str_eq(r->path, want[i].path);
		ck_assert_msg(strcmp(ms_class_name(r->class), want[i].cls) == 0,
			      "%lx: %s, expected %s", (unsigned long)want[i].start,
			      ms_class_name(r->class), want[i].cls);
	}
	ck_assert_uint_eq(s->classes[MS_CLASS_THREAD_STACK].count, 1);
	ck_assert_uint_eq(s->classes[MS_CLASS_BSS].count, 2);
	ms_snapshot_free(s);
}
END_TEST

START_TEST(captured_objects)
{
	struct ms_snapshot *s = tl_layout();
	const struct ms_region *bss = tl_region_at(s, 0x7f9eb706a000);
	int kinds[3] = { 0 };

	for (size_t i = 0; i < s->nr_objects; i++)
		kinds[s->objects[i].kind]++;
	ck_assert_int_eq(kinds[MS_OBJECT_EXE], 1);
	ck_assert_int_eq(kinds[MS_OBJECT_LIB], 2);
	ck_assert_int_eq(kinds[MS_OBJECT_FILE], 4);
	ck_assert_int_ge(bss->object, 0);
	ck_assert_str_eq(s->objects[bss->object].path, "/usr/lib/x86_64-linux-gnu/libc.so.6");
	/* libc: four file segments, the bss, no gaps here */
	ck_assert_uint_eq(s->objects[bss->object].count, 6);
	ms_snapshot_free(s);
}
END_TEST

START_TEST(captured_sums_match_rollup)
{
	struct ms_snapshot *s = tl_layout();
	struct ms_ctx *ctx = ms_ctx_new(FIXTURES "/proc");
	struct ms_counts roll, sum = { .have = 0 };
	char err[256];
	uint64_t rss = 0;

	for (size_t i = 0; i < s->nr_regions; i++)
		rss += s->regions[i].c.v[MS_RSS];
	for (int c = 0; c < MS_CLASS_COUNT; c++)
		sum.v[MS_RSS] += s->classes[c].c.v[MS_RSS];
	ck_assert_uint_eq(s->totals.c.v[MS_RSS], rss);
	ck_assert_uint_eq(sum.v[MS_RSS], rss);
	ck_assert_int_eq(tl_rollup(ctx, LAYOUT_PID, &roll, err, sizeof(err)), 0);
	ck_assert_uint_eq(roll.v[MS_RSS], rss);
	ck_assert(ms_counts_has(&roll, MS_PSS_ANON));
	ck_assert(!ms_counts_has(&roll, MS_SIZE));
	ms_ctx_free(ctx);
	ms_snapshot_free(s);
}
END_TEST

struct heard {
	size_t n;
	uint64_t start[64];
	int cls[64];
};

static void hear(const struct ms_region *r, void *arg)
{
	struct heard *h = arg;

	ck_assert_uint_lt(h->n, 64);
	h->start[h->n] = r->start;
	h->cls[h->n++] = r->class;
}

/* each() hears every region once, in order, with its final class; an ELF
 * image whose file cannot be opened is known by its executable part, even
 * when regions of it came first (they wait for it). */
START_TEST(each_in_order_and_final)
{
	char *root = tl_tree_new(), cmd[512], err[256] = "";
	struct ms_ctx *ctx;
	struct ms_snapshot *s;
	struct heard h = { 0 };
	const struct ms_region *r;

	snprintf(cmd, sizeof(cmd), "cp -r '%s/proc/%d' '%s/' && rm '%s/%d/root/usr/lib/"
		 "x86_64-linux-gnu/libc.so.6' '%s/%d/root/usr/libexec/ms-layout'",
		 FIXTURES, LAYOUT_PID, root, root, LAYOUT_PID, root, LAYOUT_PID);
	ck_assert_int_eq(system(cmd), 0);
	ctx = ms_ctx_new(root);
	ck_assert_int_eq(ms_snapshot_take_each(ctx, LAYOUT_PID, 0, hear, &h, &s, err,
					       sizeof(err)), 0);
	ck_assert_uint_eq(h.n, s->nr_regions);
	for (size_t i = 0; i < h.n; i++) {
		ck_assert_uint_eq(h.start[i], s->regions[i].start);
		ck_assert_int_eq(h.cls[i], s->regions[i].class);
	}
	r = tl_region_at(s, 0x7f9eb6e95000); /* libc's first segment, r--p */
	ck_assert_str_eq(ms_class_name(r->class), "rodata");
	ck_assert_int_eq(s->objects[r->object].kind, MS_OBJECT_LIB);
	ck_assert_str_eq(ms_class_name(tl_region_at(s, 0x7f9eb706a000)->class), "bss");
	r = tl_region_at(s, 0x5627ab1f8000);
	ck_assert_int_eq(s->objects[r->object].kind, MS_OBJECT_EXE);
	/* a data file is no ELF image, opened or not */
	ck_assert_str_eq(ms_class_name(tl_region_at(s, 0x7f9eb6b86000)->class), "file-private");
	ms_snapshot_free(s);
	ms_ctx_free(ctx);
	tl_tree_remove(root);
}
END_TEST

START_TEST(class_names)
{
	static const char *const all[] = { "code", "rodata", "data", "bss", "heap", "stack",
		"thread-stack", "anon", "anon-shared", "file-private", "file-shared",
		"sysv-shm", "kernel", "guard" };

	ck_assert_int_eq(MS_CLASS_COUNT, 14);
	for (int c = 0; c < MS_CLASS_COUNT; c++) {
		ck_assert_str_eq(ms_class_name(c), all[c]);
		ck_assert_int_eq(ms_class_from_name(all[c]), c);
	}
	ck_assert_ptr_null(ms_class_name(MS_CLASS_COUNT));
	ck_assert_int_eq(ms_class_from_name("nonsense"), -1);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = {
		every_name_form,
		every_field,
		unknown_keys_and_missing_fields,
		malformed,
		nul_bytes,
		impossible_counts,
		possible_counts,
		address_order,
		rollup_counts,
		long_lines,
		gone_and_missing,
		running_thread,
		maps_only,
		captured_classes,
		captured_objects,
		captured_sums_match_rollup,
		each_in_order_and_final,
		class_names,
		NULL
	};

	return tl_main("parse", 60, tests);
}
