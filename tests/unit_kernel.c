/*
 * unit_kernel.c - the kernel's views (lib/kernel.c and the parsers) and
 * the ledger, on saved and hand-made trees: the files of a real machine
 * read back number for number; each overlap of meminfo's keys taken once;
 * parts plus unaccounted equal MemTotal; a malformed file unknown with the
 * line that failed, never zeros; the document valid JSON whatever a name
 * in a file holds.
 */
#define _GNU_SOURCE
#include "testlib.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SAVED FIXTURES "/kernel-6.18"
#define KB 1024ull

/* A file at the root of a tree: tl_write() writes under a PID. */
static void put(const char *root, const char *name, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static struct ms_kernel *take(const char *root, unsigned flags)
{
	char err[256] = "";
	struct ms_ctx *ctx = ms_ctx_new(root);
	struct ms_kernel *k = NULL;

	ck_assert_ptr_nonnull(ctx);
	ck_assert_msg(ms_kernel_take(ctx, flags, &k, err, sizeof(err)) == 0, "%s", err);
	ms_ctx_free(ctx);
	return k;
}

static bool find_part(const struct ms_kernel *k, const char *name, uint64_t *bytes)
{
	for (size_t i = 0; i < ms_kernel_nr_parts(k); i++)
		if (strcmp(ms_kernel_part(k, i, bytes, NULL, NULL), name) == 0)
			return true;
	return false;
}

static uint64_t part(const struct ms_kernel *k, const char *name)
{
	uint64_t bytes = 0;

	ck_assert_msg(find_part(k, name, &bytes), "no part '%s'", name);
	return bytes;
}

static bool has_part(const struct ms_kernel *k, const char *name)
{
	uint64_t bytes;

	return find_part(k, name, &bytes);
}

/* parts + unaccounted - overcounted == MemTotal, every part once */
static void adds_up(const struct ms_kernel *k)
{
	uint64_t total, sum = 0, bytes;

	ck_assert(ms_kernel_meminfo(k, "MemTotal", &total));
	for (size_t i = 0; i < ms_kernel_nr_parts(k); i++) {
		const char *name = ms_kernel_part(k, i, &bytes, NULL, NULL);

		for (size_t j = 0; j < i; j++)
			ck_assert_str_ne(name, ms_kernel_part(k, j, NULL, NULL, NULL));
		sum += bytes;
	}
	ck_assert_uint_eq(sum + ms_kernel_unaccounted(k) - ms_kernel_overcounted(k), total);
	ck_assert(!ms_kernel_unaccounted(k) || !ms_kernel_overcounted(k));
}

/* A whole machine of hand-made files, the meminfo given. */
static char *machine(const char *meminfo)
{
	char *root = tl_tree_new();

	put(root, "meminfo", meminfo);
	put(root, "buddyinfo", "Node 0, zone   Normal      4      2      1\n");
	put(root, "zoneinfo", "Node 0, zone   Normal\n  pages free     12\n        min      1\n"
			      "        low      2\n        high     3\n        spanned  100\n"
			      "        present  100\n        managed  90\n  pagesets\n    cpu: 0\n"
			      "              count: 5\n              high:  9\n    cpu: 1\n"
			      "              count: 2\n");
	return root;
}

START_TEST(saved_machine)
{
	struct ms_kernel *k = take(SAVED, MS_KERNEL_PAGETYPES);
	const struct ms_zone *z = ms_kernel_zone(k, 2);
	uint64_t v, areas, bytes, ram;

	adds_up(k);
	ck_assert(ms_kernel_meminfo(k, "MemTotal", &v));
	ck_assert_uint_eq(v, 24683792 * KB);
	ck_assert(ms_kernel_meminfo(k, "HugePages_Total", &v)); /* a count, not kB */
	ck_assert_uint_eq(v, 0);
	ck_assert_uint_eq(ms_kernel_nr_zones(k), 5); /* zoneinfo's Movable and Device too */
	ck_assert_str_eq(ms_zone_name(z), "Normal");
	ck_assert_uint_eq(ms_zone_nr_orders(z), 11);
	ck_assert_uint_eq(ms_zone_free_blocks(z, 0), 8179); /* the file's first column */
	ck_assert_uint_eq(ms_zone_free_blocks(z, 10), 375);
	ck_assert_int_eq(ms_zone_count(z, MS_ZONE_MANAGED), 884736);
	ck_assert_int_eq(ms_zone_count(z, MS_ZONE_MIN), 8997);
	ck_assert_uint_eq(ms_zone_nr_types(z), 5);
	ck_assert_str_eq(ms_zone_type(z, 1), "Movable");
	ck_assert_uint_eq(ms_zone_type_free_blocks(z, 1, 0), 7276);
	ck_assert_uint_eq(ms_kernel_nr_caches(k), 235);
	ck_assert_str_eq(ms_cache_name(ms_kernel_cache(k, 0)), "ext4_inode_cache"); /* most bytes */
	ck_assert(ms_kernel_vmalloc(k, MS_VM_KIND_COUNT, &areas, &bytes, &ram));
	ck_assert_uint_eq(areas, 3454); /* a line an area */
	ck_assert(ms_kernel_vmalloc(k, MS_VM_UNPURGED, NULL, NULL, &ram));
	ck_assert_uint_eq(ram, 0);
	ck_assert_ptr_null(ms_kernel_error(k, MS_KV_SLABINFO, NULL));
	ms_kernel_free(k);
}
END_TEST

/* Shmem and Mapped are inside Cached: the cache is split, never added twice. */
START_TEST(shmem_and_mapped_inside_cached)
{
	char *root = machine("MemTotal: 10000 kB\nMemFree: 100 kB\nCached: 1000 kB\n"
			     "Shmem: 300 kB\nMapped: 500 kB\n");
	struct ms_kernel *k = take(root, 0);

	ck_assert_uint_eq(part(k, "shmem"), 300 * KB);
	ck_assert_uint_eq(part(k, "file_mapped"), 500 * KB);
	ck_assert_uint_eq(part(k, "file_unmapped"), 200 * KB);
	adds_up(k);
	ms_kernel_free(k);
	/* Mapped counts mapped shmem too: past Cached - Shmem it is cut there */
	put(root, "meminfo", "MemTotal: 10000 kB\nMemFree: 100 kB\nCached: 1000 kB\n"
			     "Shmem: 300 kB\nMapped: 900 kB\n");
	k = take(root, 0);
	ck_assert_uint_eq(part(k, "file_mapped"), 700 * KB);
	ck_assert_uint_eq(part(k, "file_unmapped"), 0);
	ck_assert_uint_eq(part(k, "shmem") + part(k, "file_mapped") + part(k, "file_unmapped"),
			  1000 * KB);
	adds_up(k);
	ms_kernel_free(k);
	tl_tree_remove(root);
}
END_TEST

START_TEST(sreclaimable_inside_kreclaimable)
{
	char *root = machine("MemTotal: 10000 kB\nMemFree: 100 kB\nKReclaimable: 500 kB\n"
			     "SReclaimable: 400 kB\nSUnreclaim: 50 kB\n");
	struct ms_kernel *k = take(root, 0);

	ck_assert_uint_eq(part(k, "slab_reclaimable"), 400 * KB);
	ck_assert_uint_eq(part(k, "kernel_reclaimable"), 100 * KB);
	ck_assert_uint_eq(part(k, "slab_unreclaimable"), 50 * KB);
	adds_up(k);
	ms_kernel_free(k);
	tl_tree_remove(root);
}
END_TEST

#define VMALLOC_MEMINFO "MemTotal: 10000 kB\nMemFree: 100 kB\nVmallocUsed: 64 kB\n" \
	"KernelStack: 16 kB\nPercpu: 200 kB\n"
#define AREA(size, caller, rest) "0x0000000024de22cd-0x00000000a7e934cf " size " " caller rest "\n"

/* Per-CPU chunks are vmalloc areas with no pages of vmalloc's: their RAM
 * is Percpu's.  Kernel stacks' pages are inside VmallocUsed. */
START_TEST(percpu_and_stacks_inside_vmalloc)
{
	char *root = machine(VMALLOC_MEMINFO);
	struct ms_kernel *k;
	uint64_t areas, ram;

	put(root, "vmallocinfo",
	    AREA("2097152", "pcpu_get_vm_areas+0x0/0x1060", " vmalloc")
	    AREA("20480", "kernel_clone+0xb8/0x400", " pages=4 vmalloc N0=4")
	    AREA("65536", "htab_map_alloc+0x1bf/0x530", " pages=12 vmalloc vpages N0=12")
	    AREA("8192", "acpi_os_map_iomem+0x1bc/0x1e0", " phys=0x00000000000a0000 ioremap")
	    "0x0000000020d72ca7-0x00000000805be29b   20480 unpurged vm_area\n");
	k = take(root, 0);
	ck_assert(ms_kernel_vmalloc(k, MS_VM_PERCPU, &areas, NULL, &ram));
	ck_assert_uint_eq(areas, 1);
	ck_assert_uint_eq(ram, 0);
	ck_assert(ms_kernel_vmalloc(k, MS_VM_KIND_COUNT, &areas, NULL, &ram));
	ck_assert_uint_eq(areas, 5);
	ck_assert_uint_eq(ram, 16 * 4096);
	ck_assert_uint_eq(part(k, "percpu"), 200 * KB);
	ck_assert_uint_eq(part(k, "vmalloc"), (64 - 16) * KB);
	ck_assert_uint_eq(part(k, "kernel_stacks"), 16 * KB);
	ck_assert_str_eq(ms_kernel_caller(k, 0, NULL, NULL, &ram), "htab_map_alloc");
	adds_up(k);
	ms_kernel_free(k);
	/* no stack among the areas: the stacks are not vmalloc's */
	put(root, "vmallocinfo", AREA("65536", "htab_map_alloc+0x1bf/0x530", " pages=16 vmalloc"));
	k = take(root, 0);
	ck_assert_uint_eq(part(k, "vmalloc"), 64 * KB);
	adds_up(k);
	ms_kernel_free(k);
	tl_tree_remove(root);
}
END_TEST

/* A page swapped in and still mapped is in AnonPages and SwapCached: the
 * LRU lists, which hold it once, tell how much. */
START_TEST(swapcache_and_anon)
{
	char *root = machine("MemTotal: 10000 kB\nMemFree: 100 kB\nBuffers: 0 kB\nCached: 200 kB\n"
			     "SwapCached: 50 kB\nActive: 300 kB\nInactive: 20 kB\n"
			     "Unevictable: 0 kB\nAnonPages: 100 kB\n");
	struct ms_kernel *k = take(root, 0);

	ck_assert_uint_eq(part(k, "anon"), 100 * KB);
	ck_assert_uint_eq(part(k, "swap_cache"), 20 * KB); /* 350 listed, 320 on the LRU */
	adds_up(k);
	ms_kernel_free(k);
	tl_tree_remove(root);
}
END_TEST

/* Free memory: by the buddy allocator's orders, the rest of MemFree, the
 * per-CPU lists; and unaccounted what is left. */
START_TEST(free_and_unaccounted)
{
	char *root = machine("MemTotal: 1000 kB\nMemFree: 100 kB\nAnonPages: 40 kB\n");
	struct ms_kernel *k = take(root, 0);

	ck_assert_uint_eq(part(k, "free_order_0"), 4 * 4096);
	ck_assert_uint_eq(part(k, "free_order_1"), 2 * 2 * 4096);
	ck_assert_uint_eq(part(k, "free_order_2"), 1 * 4 * 4096);
	ck_assert_uint_eq(part(k, "free_other"), 100 * KB - 12 * 4096);
	ck_assert_uint_eq(part(k, "free_pcp"), 7 * 4096);
	ck_assert_uint_eq(ms_kernel_unaccounted(k), (1000 - 100 - 40) * KB - 7 * 4096);
	ck_assert_uint_eq(ms_kernel_overcounted(k), 0);
	ck_assert(!has_part(k, "shmem")); /* a key the file lacks: no part, not 0 */
	adds_up(k);
	ms_kernel_free(k);
	/* parts past MemTotal: unaccounted 0, never below; how far, said */
	put(root, "meminfo", "MemTotal: 100 kB\nMemFree: 100 kB\nAnonPages: 40 kB\n");
	k = take(root, 0);
	ck_assert_uint_eq(ms_kernel_unaccounted(k), 0);
	ck_assert_uint_eq(ms_kernel_overcounted(k), 40 * KB + 7 * 4096);
	adds_up(k);
	ms_kernel_free(k);
	tl_tree_remove(root);
}
END_TEST

/* Memory not yet accepted from the host is inside MemFree: taken once. */
START_TEST(unaccepted_inside_memfree)
{
	char *root = machine("MemTotal: 1000 kB\nMemFree: 200 kB\nUnaccepted: 100 kB\n");
	struct ms_kernel *k = take(root, 0);

	ck_assert_uint_eq(part(k, "unaccepted"), 100 * KB);
	ck_assert_uint_eq(part(k, "free_other"), 100 * KB - 12 * 4096);
	adds_up(k);
	ms_kernel_free(k);
	tl_tree_remove(root);
}
END_TEST

/* A view that fails part way keeps nothing of what it read; pagetypeinfo's
 * ">100000" is at least that. */
START_TEST(partial_views)
{
	char *root = machine("MemTotal: 1000 kB\nMemFree: 100 kB\n");
	struct ms_kernel *k;

	put(root, "zoneinfo", "Node 0, zone   Normal\n  pages free     12\n  pagesets\n"
			      "              count: 5\n        min      x\n");
	put(root, "pagetypeinfo", "Page block order: 9\n"
				  "Node    0, zone   Normal, type    Movable >100000      1      0\n");
	k = take(root, MS_KERNEL_PAGETYPES);
	ck_assert_ptr_nonnull(ms_kernel_error(k, MS_KV_ZONEINFO, NULL));
	ck_assert_int_eq(ms_zone_count(ms_kernel_zone(k, 0), MS_ZONE_FREE), -1);
	ck_assert(!has_part(k, "free_pcp"));
	ck_assert_ptr_null(ms_kernel_error(k, MS_KV_PAGETYPEINFO, NULL));
	ck_assert_uint_eq(ms_zone_type_free_blocks(ms_kernel_zone(k, 0), 0, 0), 100000);
	adds_up(k);
	ms_kernel_free(k);
	tl_tree_remove(root);
}
END_TEST

/* A malformed file: that view unknown, with the file and line; meminfo's
 * failure fails the whole read. */
static void view_fails(const char *file, const char *text, enum ms_kernel_view v,
		       const char *why)
{
	char *root = machine("MemTotal: 1000 kB\nMemFree: 100 kB\n");
	struct ms_kernel *k;
	int rc;

	put(root, file, text);
	k = take(root, MS_KERNEL_PAGETYPES);
	ck_assert_msg(ms_kernel_error(k, v, &rc) != NULL, "%s: %s read", file, text);
	ck_assert_msg(strstr(ms_kernel_error(k, v, NULL), why), "%s", ms_kernel_error(k, v, NULL));
	ck_assert_int_eq(rc, -EBADMSG);
	adds_up(k);
	ms_kernel_free(k);
	tl_tree_remove(root);
}

START_TEST(malformed_files)
{
	char *root = machine("MemTotal 1000 kB\n"), err[256] = "";
	struct ms_ctx *ctx = ms_ctx_new(root);
	struct ms_kernel *k = (struct ms_kernel *)1;

	ck_assert_int_eq(ms_kernel_take(ctx, 0, &k, err, sizeof(err)), -EBADMSG);
	ck_assert_ptr_null(k);
	ck_assert_str_eq(err, "meminfo: line 1 does not parse");
	put(root, "meminfo", "MemTotal: 1000 kB\nMemFree: 12 MB\n");
	ck_assert_int_eq(ms_kernel_take(ctx, 0, &k, err, sizeof(err)), -EBADMSG);
	ck_assert_str_eq(err, "meminfo: line 2 does not parse");
	put(root, "meminfo", "MemFree: 12 kB\n");
	ck_assert_int_eq(ms_kernel_take(ctx, 0, &k, err, sizeof(err)), -EBADMSG);
	ck_assert_str_eq(err, "meminfo: no MemTotal");
	ck_assert_int_eq(ms_kernel_take(ctx, 1u << 5, &k, err, sizeof(err)), -EINVAL);
	ms_ctx_free(ctx);
	tl_tree_remove(root);
	view_fails("buddyinfo", "Node 0, zone Normal 1 2 x\n", MS_KV_BUDDYINFO, "line 1");
	view_fails("buddyinfo", "Node 0 zone Normal 1\n", MS_KV_BUDDYINFO, "line 1");
	view_fails("buddyinfo", "Node 0, zone Normal 1\nNode 0, zone Normal 1\n", MS_KV_BUDDYINFO,
		   "line 2");
	view_fails("zoneinfo", "  pages free 1\n", MS_KV_ZONEINFO, "line 1");
	view_fails("zoneinfo", "Node 0, zone DMA\n        min      x\n", MS_KV_ZONEINFO, "line 2");
	view_fails("zoneinfo", "", MS_KV_ZONEINFO, "no zone");
	view_fails("pagetypeinfo", "Node 0, zone DMA, type Movable 1 q\n", MS_KV_PAGETYPEINFO,
		   "line 1");
	view_fails("slabinfo", "slabinfo - version: 1.1\n", MS_KV_SLABINFO, "not version 2");
	view_fails("slabinfo", "slabinfo - version: 2.1\nkm 1 2 3 4 5 : tunables 0 0 0\n",
		   MS_KV_SLABINFO, "line 2");
	view_fails("slabinfo",
		   "slabinfo - version: 2.1\nkm 9 2 3 4 5 : tunables 0 0 0 : slabdata 1 1 0\n",
		   MS_KV_SLABINFO, "line 2"); /* more active than there are */
	view_fails("vmallocinfo", AREA("20480", "f+0x1/0x2", " pages=x"), MS_KV_VMALLOCINFO,
		   "line 1");
	view_fails("vmallocinfo", "0xzz-0x1 20480 f\n", MS_KV_VMALLOCINFO, "line 1");
}
END_TEST

/* A view that is not there: unknown with the reason; the document null. */
START_TEST(missing_views)
{
	char *root = machine("MemTotal: 1000 kB\nMemFree: 100 kB\n");
	struct ms_kernel *k = take(root, 0);
	char *doc = ms_kernel_to_json(k, 0);
	cJSON *j = cJSON_Parse(doc);
	int rc;

	ck_assert_str_eq(ms_kernel_error(k, MS_KV_SLABINFO, &rc), "slabinfo: no such file");
	ck_assert_int_eq(rc, -ENOENT);
	ck_assert_ptr_null(ms_kernel_error(k, MS_KV_PAGETYPEINFO, &rc)); /* not asked for */
	ck_assert_int_eq(rc, 0);
	ck_assert(!ms_kernel_vmalloc(k, MS_VM_VMALLOC, NULL, NULL, NULL));
	ck_assert_ptr_nonnull(j);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(j, "slab")));
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(j, "vmalloc")));
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(j, "pagetypes")));
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "errors"), "slabinfo")->valuestring,
			 "slabinfo: no such file");
	cJSON_Delete(j);
	free(doc);
	ms_kernel_free(k);
	tl_tree_remove(root);
}
END_TEST

/* Names in the files are anyone's in a saved tree: the document stays JSON
 * and says them as they are. */
START_TEST(hostile_names)
{
	char *root = machine("MemTotal: 1000 kB\nMemFree: 100 kB\nEvil\"\\\x01\xff: 7\n");
	struct ms_kernel *k;
	char *doc;
	cJSON *j, *caches;

	put(root, "slabinfo", "slabinfo - version: 2.1\n# name\n"
			      "a\"b\\c 1 2 3 4 1 : tunables 0 0 0 : slabdata 1 1 0\n");
	put(root, "vmallocinfo", AREA("4096", "\x1b]0;x\x07+0x1/0x2", " pages=1 vmalloc"));
	k = take(root, 0);
	doc = ms_kernel_to_json(k, MS_JSON_PRETTY);
	j = cJSON_Parse(doc);
	ck_assert_msg(j != NULL, "%s", doc);
	ck_assert_int_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "meminfo"),
					     "Evil\"\\\x01\xef\xbf\xbd")->valueint, 7);
	caches = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "slab"), "caches");
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(caches, 0), "name")->valuestring,
			 "a\"b\\c");
	ck_assert_str_eq(cJSON_GetObjectItem(j, "schema")->valuestring, MS_KERNEL_SCHEMA);
	cJSON_Delete(j);
	free(doc);
	ms_kernel_free(k);
	tl_tree_remove(root);
}
END_TEST

int main(void)
{
	const TTest *const tests[] = { saved_machine, shmem_and_mapped_inside_cached,
				       sreclaimable_inside_kreclaimable, percpu_and_stacks_inside_vmalloc,
				       swapcache_and_anon, free_and_unaccounted, malformed_files,
				       missing_views, hostile_names, unaccepted_inside_memfree,
				       partial_views, NULL };

	return tl_main("kernel", 60, tests);
}
