/*
 * ledger.c - MemTotal split into parts that do not overlap (docs/kernel.md
 * says why each part is what it is).  meminfo's keys overlap: Shmem and
 * Mapped are inside Cached, SReclaimable inside KReclaimable, kernel
 * stacks inside VmallocUsed when they are vmalloc'd, a swapped-in page
 * still mapped in both AnonPages and SwapCached.  Each part here takes a
 * page once; what no part takes is "unaccounted", never below 0.
 */
#include "kernel.h"

#include <errno.h>

static void part(struct ms_kernel *k, const char *name, const char *label, const char *source,
		 uint64_t bytes)
{
	if (k->nr_parts < MS_PARTS_MAX)
		k->parts[k->nr_parts++] = (struct ms_part){ name, label, source, bytes };
}

static uint64_t sub(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

static uint64_t min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* The page cache: Cached holds Shmem, and Mapped counts file pages (shmem
 * ones too) mapped by a process. */
static void cache_parts(struct ms_kernel *k)
{
	uint64_t cached, shmem = 0, mapped, file, buffers;

	if (!ms_mem(k, "Cached", &cached))
		return;
	if (ms_mem(k, "Shmem", &shmem))
		part(k, "shmem", "shared memory and tmpfs", "meminfo Shmem (inside Cached)", shmem);
	file = sub(cached, shmem);
	if (ms_mem(k, "Mapped", &mapped)) {
		mapped = min64(mapped, file);
		part(k, "file_mapped", "page cache, mapped by processes",
		     "meminfo Mapped, at most Cached - Shmem", mapped);
		part(k, "file_unmapped", "page cache, not mapped", "meminfo Cached - Shmem - Mapped",
		     file - mapped);
	} else {
		part(k, "file", "page cache", "meminfo Cached - Shmem", file);
	}
	if (ms_mem(k, "Buffers", &buffers))
		part(k, "buffers", "block device buffers", "meminfo Buffers", buffers);
}

/* A page swapped in and still mapped is in AnonPages and in SwapCached; the
 * LRU lists hold each page once, so what the sum has past them is that. */
static void anon_parts(struct ms_kernel *k)
{
	uint64_t anon, swapcached, lru = 0, v, sum;
	static const char *const lists[] = { "Active", "Inactive", "Unevictable" };
	bool have_lru = true;

	if (ms_mem(k, "AnonPages", &anon))
		part(k, "anon", "process anonymous memory", "meminfo AnonPages", anon);
	else
		anon = 0;
	if (!ms_mem(k, "SwapCached", &swapcached))
		return;
	for (size_t i = 0; i < 3; i++) {
		have_lru = have_lru && ms_mem(k, lists[i], &v);
		lru += have_lru ? v : 0;
	}
	sum = anon + swapcached;
	if (ms_mem(k, "Cached", &v))
		sum += v;
	if (ms_mem(k, "Buffers", &v))
		sum += v;
	v = have_lru ? min64(sub(sum, lru), swapcached) : 0;
	part(k, "swap_cache", "swap cache, not mapped",
	     "meminfo SwapCached less what AnonPages holds too (beyond Active + Inactive + "
	     "Unevictable)",
	     swapcached - v);
}

static void slab_parts(struct ms_kernel *k)
{
	uint64_t sr, su, kr;

	if (ms_mem(k, "SReclaimable", &sr))
		part(k, "slab_reclaimable", "slab, reclaimable", "meminfo SReclaimable", sr);
	else
		sr = 0;
	if (ms_mem(k, "SUnreclaim", &su))
		part(k, "slab_unreclaimable", "slab, unreclaimable", "meminfo SUnreclaim", su);
	if (ms_mem(k, "KReclaimable", &kr))
		part(k, "kernel_reclaimable", "other reclaimable kernel memory",
		     "meminfo KReclaimable - SReclaimable", sub(kr, sr));
}

static void kernel_parts(struct ms_kernel *k)
{
	static const struct {
		const char *key, *name, *label, *source;
	} keys[] = {
		{ "PageTables", "page_tables", "page tables", "meminfo PageTables" },
		{ "SecPageTables", "secondary_page_tables", "secondary page tables (KVM, IOMMU)",
		  "meminfo SecPageTables" },
		{ "KernelStack", "kernel_stacks", "kernel stacks", "meminfo KernelStack" },
		{ "Percpu", "percpu", "per-CPU allocations", "meminfo Percpu" },
		{ "Zswap", "zswap", "zswap's compressed pool", "meminfo Zswap" },
		{ "Unaccepted", "unaccepted", "not yet accepted from the host", "meminfo Unaccepted" },
	};
	uint64_t v;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (ms_mem(k, keys[i].key, &v))
			part(k, keys[i].name, keys[i].label, keys[i].source, v);
}

/* VmallocUsed counts the pages vmalloc allocated, kernel stacks among them
 * when they are vmalloc'd (CONFIG_VMAP_STACK): vmallocinfo shows whether;
 * without it, they are taken to be when they fit. */
static void vmalloc_part(struct ms_kernel *k)
{
	uint64_t used, stacks = 0;
	bool vmapped;

	if (!ms_mem(k, "VmallocUsed", &used))
		return;
	ms_mem(k, "KernelStack", &stacks);
	vmapped = k->why[MS_KV_VMALLOCINFO] || !k->asked[MS_KV_VMALLOCINFO] ? stacks <= used
									    : k->stacks.areas > 0;
	part(k, "vmalloc", "vmalloc",
	     vmapped ? "meminfo VmallocUsed - KernelStack (stacks are vmalloc'd)"
		     : "meminfo VmallocUsed",
	     vmapped ? sub(used, stacks) : used);
}

static void hugetlb_part(struct ms_kernel *k)
{
	uint64_t v, n, size;

	if (ms_mem(k, "Hugetlb", &v))
		part(k, "hugetlb", "huge page pool (hugetlbfs)", "meminfo Hugetlb", v);
	else if (ms_mem(k, "HugePages_Total", &n) && ms_mem(k, "Hugepagesize", &size))
		part(k, "hugetlb", "huge page pool (hugetlbfs)",
		     "meminfo HugePages_Total x Hugepagesize", n * size);
}

static const char *const order_names[MS_ORDERS_MAX] = {
	"free_order_0",	 "free_order_1",  "free_order_2",  "free_order_3",
	"free_order_4",	 "free_order_5",  "free_order_6",  "free_order_7",
	"free_order_8",	 "free_order_9",  "free_order_10", "free_order_11",
	"free_order_12", "free_order_13", "free_order_14", "free_order_15",
};

/* Free memory: MemFree, by the order of the buddy allocator's blocks
 * (buddyinfo); what MemFree holds beyond them; the per-CPU lists. */
static void free_parts(struct ms_kernel *k)
{
	uint64_t memfree, unaccepted, buddy = 0, pcp = 0;
	unsigned orders = 0;
	bool have_pcp = false;

	if (!ms_mem(k, "MemFree", &memfree))
		return;
	/* memory not yet accepted from the host is counted free: a part of its own */
	if (ms_mem(k, "Unaccepted", &unaccepted))
		memfree = sub(memfree, unaccepted);
	for (size_t i = 0; i < k->nr_zones; i++) {
		orders = k->zones[i].nr_orders > orders ? k->zones[i].nr_orders : orders;
		if (k->zones[i].count[MS_ZONE_PCP] >= 0) {
			pcp += (uint64_t)k->zones[i].count[MS_ZONE_PCP] * (uint64_t)k->page_size;
			have_pcp = true;
		}
	}
	if (k->why[MS_KV_BUDDYINFO] || orders == 0) {
		part(k, "free", "free", "meminfo MemFree", memfree);
	} else {
		for (unsigned o = 0; o < orders; o++) {
			uint64_t bytes = 0;

			for (size_t i = 0; i < k->nr_zones; i++)
				bytes += k->zones[i].free_blocks[o] << o;
			bytes *= (uint64_t)k->page_size;
			buddy += bytes;
			part(k, order_names[o], "free, in blocks of this order", "buddyinfo", bytes);
		}
		part(k, "free_other", "free, outside the buddy lists",
		     "meminfo MemFree (less Unaccepted) - buddyinfo", sub(memfree, buddy));
	}
	if (have_pcp)
		part(k, "free_pcp", "free, on per-CPU lists", "zoneinfo pagesets count", pcp);
}

int ms_ledger_build(struct ms_kernel *k)
{
	uint64_t total, sum = 0;

	if (!ms_mem(k, "MemTotal", &total))
		return -EBADMSG;
	k->nr_parts = 0;
	anon_parts(k);
	cache_parts(k);
	slab_parts(k);
	kernel_parts(k);
	vmalloc_part(k);
	hugetlb_part(k);
	free_parts(k);
	for (size_t i = 0; i < k->nr_parts; i++)
		sum += k->parts[i].bytes;
	k->unaccounted = sub(total, sum);
	k->overcounted = sub(sum, total);
	return 0;
}
