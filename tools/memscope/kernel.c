/*
 * kernel.c - "memscope kernel": one screen on the machine's RAM.  The
 * ledger (MemTotal in parts that do not overlap), the buddy allocator's
 * free blocks per zone and order, the largest slab caches, vmalloc by kind
 * and by caller; or the document (memscope-kernel/1, docs/kernel.md).
 * Names in the files (caches, callers, zones) are printed as safe_name()
 * makes them: a saved tree is anyone's input.
 */
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define TOP_DEFAULT 10

static void percent(char *buf, size_t len, uint64_t part, uint64_t whole)
{
	snprintf(buf, len, "%5.1f%%", whole ? 100.0 * (double)part / (double)whole : 0.0);
}

static void ledger(const struct opts *o, const struct ms_kernel *k, uint64_t total)
{
	char size[32], share[16];
	uint64_t bytes;
	const char *label, *source;

	printf("%-42s %10s %6s  %s\n", "RAM ledger (MemTotal, split)", "size", "share", "source");
	for (size_t i = 0; i < ms_kernel_nr_parts(k); i++) {
		const char *name = ms_kernel_part(k, i, &bytes, &label, &source);
		char what[64];

		if (strncmp(name, "free_order_", 11) == 0)
			snprintf(what, sizeof(what), "free, blocks of order %s", name + 11);
		else
			snprintf(what, sizeof(what), "%s", label);
		percent(share, sizeof(share), bytes, total);
		printf("  %-40s %10s %6s  %s\n", what, bytes_cell(size, sizeof(size), o, bytes), share,
		       source);
	}
	bytes = ms_kernel_unaccounted(k);
	percent(share, sizeof(share), bytes, total);
	printf("  %-40s %10s %6s  %s\n", "unaccounted", bytes_cell(size, sizeof(size), o, bytes),
	       share, "MemTotal less the parts");
	if (ms_kernel_overcounted(k))
		printf("  %-40s %10s         %s\n", "overcounted (the files changed as read)",
		       bytes_cell(size, sizeof(size), o, ms_kernel_overcounted(k)),
		       "the parts less MemTotal");
}

/* "  0 Normal" (and its migrate type) padded to width: the zone's name is
 * the file's, anyone's in a saved tree */
static void zone_label(const struct ms_zone *z, const char *type, int width)
{
	char where[96], *zc = NULL, *tc = NULL;

	snprintf(where, sizeof(where), "%d %s%s%s", ms_zone_node(z), safe_name(ms_zone_name(z), &zc),
		 type ? " " : "", type ? safe_name(type, &tc) : "");
	free(zc);
	free(tc);
	printf("  %-*s", width, where);
}

/* "4K 8K ... 4M": the size of a block of each order, after a column of
 * width naming what the rows are */
static void order_heads(const char *what, int width, unsigned orders, long page, bool sums)
{
	printf("  %-*s", width, what);
	for (unsigned i = 0; i < orders; i++) {
		char buf[16];
		uint64_t b = (uint64_t)page << i;

		snprintf(buf, sizeof(buf), "%" PRIu64 "%s", b >= 1 << 20 ? b >> 20 : b >> 10,
			 b >= 1 << 20 ? "M" : "K");
		printf(" %6s", buf);
	}
	if (sums)
		printf(" %10s %8s", "free", "unusable");
	printf("\n");
}

static void buddy(const struct opts *o, const struct ms_kernel *k)
{
	unsigned orders = 0, thp = 9; /* a 2 MiB block of 4 KiB pages */
	long page = ms_kernel_page_size(k);
	char size[32];

	for (size_t i = 0; i < ms_kernel_nr_zones(k); i++)
		if (ms_zone_nr_orders(ms_kernel_zone(k, i)) > orders)
			orders = ms_zone_nr_orders(ms_kernel_zone(k, i));
	if (!orders)
		return;
	while (thp > 0 && (uint64_t)page << thp > 2u << 20)
		thp--;
	printf("\nfree blocks of the buddy allocator, per order (unusable: the share of free memory "
	       "in blocks smaller than %s)\n", human_size(size, sizeof(size), (uint64_t)page << thp));
	order_heads("node zone", 14, orders, page, true);
	for (size_t i = 0; i < ms_kernel_nr_zones(k); i++) {
		const struct ms_zone *z = ms_kernel_zone(k, i);

		if (!ms_zone_nr_orders(z))
			continue;
		zone_label(z, NULL, 14);
		for (unsigned ord = 0; ord < orders; ord++)
			printf(" %6" PRIu64, ms_zone_free_blocks(z, ord));
		printf(" %10s %7.1f%%\n", bytes_cell(size, sizeof(size), o, ms_zone_free_bytes(z)),
		       100 * ms_zone_unusable(z, thp));
	}
}

static const char *pages_cell(char *buf, size_t len, const struct opts *o,
			      const struct ms_zone *z, enum ms_zone_count c, long page)
{
	int64_t v = ms_zone_count(z, c);

	return v < 0 ? "-" : bytes_cell(buf, len, o, (uint64_t)v * (uint64_t)page);
}

/* zoneinfo: what each zone manages, and the watermarks: below low kswapd
 * starts reclaiming, below min an allocation reclaims itself */
static void limits(const struct opts *o, const struct ms_kernel *k)
{
	static const enum ms_zone_count cols[] = { MS_ZONE_MANAGED, MS_ZONE_FREE, MS_ZONE_PCP,
						   MS_ZONE_HIGH, MS_ZONE_LOW, MS_ZONE_MIN };
	long page = ms_kernel_page_size(k);

	if (ms_kernel_error(k, MS_KV_ZONEINFO, NULL))
		return;
	printf("\nzones (zoneinfo): below low kswapd reclaims up to high; below min "
	       "allocations reclaim themselves\n");
	printf("  %-14s %10s %10s %10s %10s %10s %10s\n", "node zone", "managed", "free", "per-CPU",
	       "high", "low", "min");
	for (size_t i = 0; i < ms_kernel_nr_zones(k); i++) {
		const struct ms_zone *z = ms_kernel_zone(k, i);
		char cell[32];

		if (ms_zone_count(z, MS_ZONE_MANAGED) <= 0)
			continue;
		zone_label(z, NULL, 14);
		for (size_t c = 0; c < sizeof(cols) / sizeof(cols[0]); c++)
			printf(" %10s", pages_cell(cell, sizeof(cell), o, z, cols[c], page));
		printf("\n");
	}
}

/* --pagetypes: each zone's free blocks per migrate type */
static void pagetypes(const struct ms_kernel *k)
{
	bool first = true;

	for (size_t i = 0; i < ms_kernel_nr_zones(k); i++) {
		const struct ms_zone *z = ms_kernel_zone(k, i);

		for (unsigned t = 0; t < ms_zone_nr_types(z); t++) {
			if (first) {
				printf("\nfree blocks per migrate type (pagetypeinfo)\n");
				order_heads("node zone type", 24, ms_zone_nr_orders(z),
					    ms_kernel_page_size(k), false);
			}
			first = false;
			zone_label(z, ms_zone_type(z, t), 24);
			for (unsigned ord = 0; ord < ms_zone_nr_orders(z); ord++)
				printf(" %6" PRIu64, ms_zone_type_free_blocks(z, t, ord));
			printf("\n");
		}
	}
}

static void slab(const struct opts *o, const struct ms_kernel *k, size_t top)
{
	size_t n = ms_kernel_nr_caches(k);
	char size[32];

	if (ms_kernel_error(k, MS_KV_SLABINFO, NULL))
		return;
	printf("\nslab caches, the %zu largest of %zu\n", top < n ? top : n, n);
	printf("  %-28s %10s %10s %8s %10s\n", "cache", "objects", "active", "size", "bytes");
	for (size_t i = 0; i < n && i < top; i++) {
		const struct ms_slab_cache *c = ms_kernel_cache(k, i);
		char *copy = NULL;

		printf("  %-28s %10" PRIu64 " %10" PRIu64 " %8" PRIu64 " %10s\n",
		       safe_name(ms_cache_name(c), &copy), ms_cache_objects(c),
		       ms_cache_active_objects(c), ms_cache_object_size(c),
		       bytes_cell(size, sizeof(size), o, ms_cache_bytes(c)));
		free(copy);
	}
}

static void vm_row(const struct opts *o, const char *name, uint64_t areas, uint64_t bytes,
		   uint64_t ram)
{
	char a[32], r[32], *copy = NULL;

	printf("  %-28s %8" PRIu64 " %12s %10s\n", safe_name(name, &copy), areas,
	       bytes_cell(a, sizeof(a), o, bytes), bytes_cell(r, sizeof(r), o, ram));
	free(copy);
}

static void vmalloc(const struct opts *o, const struct ms_kernel *k, size_t top)
{
	uint64_t areas, bytes, ram;
	size_t n = ms_kernel_nr_callers(k);

	if (!ms_kernel_vmalloc(k, MS_VM_KIND_COUNT, &areas, &bytes, &ram))
		return;
	printf("\nvmalloc areas by kind (RAM: their pages; ioremap and unpurged hold none)\n");
	printf("  %-28s %8s %12s %10s\n", "kind", "areas", "address", "RAM");
	for (int kind = 0; kind <= MS_VM_KIND_COUNT; kind++)
		if (ms_kernel_vmalloc(k, kind, &areas, &bytes, &ram) && areas)
			vm_row(o, ms_vmalloc_kind_name(kind), areas, bytes, ram);
	printf("\nvmalloc callers, the %zu with most RAM of %zu\n", top < n ? top : n, n);
	printf("  %-28s %8s %12s %10s\n", "caller", "areas", "address", "RAM");
	for (size_t i = 0; i < n && i < top; i++) {
		const char *name = ms_kernel_caller(k, i, &areas, &bytes, &ram);

		vm_row(o, name, areas, bytes, ram);
	}
}

/* What could not be read, and why: a line each. */
static void unknowns(const struct ms_kernel *k)
{
	bool first = true;

	for (int v = 0; v < MS_KV_COUNT; v++) {
		const char *why = ms_kernel_error(k, v, NULL);

		if (!why)
			continue;
		printf("%snot read: %s\n", first ? "\n" : "", why);
		first = false;
	}
}

static int show(const struct opts *o, const struct ms_kernel *k)
{
	uint64_t total = 0;
	size_t top = o->top > 0 ? (size_t)o->top : TOP_DEFAULT;
	char size[32];

	ms_kernel_meminfo(k, "MemTotal", &total);
	printf("RAM %s (MemTotal)\n\n", bytes_cell(size, sizeof(size), o, total));
	ledger(o, k, total);
	buddy(o, k);
	limits(o, k);
	pagetypes(k);
	slab(o, k, top);
	vmalloc(o, k, top);
	unknowns(k);
	return finish_output(EXIT_OK);
}

static int emit(const struct opts *o, const struct ms_kernel *k)
{
	char *doc = ms_kernel_to_json(k, o->pretty ? MS_JSON_PRETTY : 0);

	if (!doc) {
		error("%s", "cannot write the document: out of memory");
		return EXIT_FAIL;
	}
	fputs(doc, stdout);
	putchar('\n');
	free(doc);
	return finish_output(EXIT_OK);
}

int cmd_kernel(const struct opts *o)
{
	char err[256] = "";
	struct ms_kernel *k;
	int rc = ms_kernel_take(o->ctx, o->pagetypes ? MS_KERNEL_PAGETYPES : 0, &k, err,
				sizeof(err));
	int status;

	if (rc < 0) {
		error("cannot read the memory of '%s': %s", o->proc ? o->proc : "/proc", err);
		return rc == -EBADMSG ? EXIT_USAGE : EXIT_FAIL;
	}
	status = o->json ? emit(o, k) : show(o, k);
	ms_kernel_free(k);
	return status;
}
