/*
 * kernel.h - the kernel's views of memory as the library holds them
 * (kernel.c reads the files, kparse.c and kslab.c parse them, ledger.c
 * splits MemTotal, kjson.c writes the document, kaccess.c hands it out).
 */
#ifndef MEMSCOPE_KERNEL_H
#define MEMSCOPE_KERNEL_H

#include "internal.h"

#define MS_ORDERS_MAX 16   /* buddyinfo columns: MAX_ORDER is 11 on x86, up to 16 elsewhere */
#define MS_TYPES_MAX 8     /* pagetypeinfo's migrate types: 5 or 6 on today's kernels */

struct ms_meminfo_item {
	const char *key;       /* in the kernel's pool */
	uint64_t v;            /* bytes when kb, else the count as written */
	bool kb;
};

struct ms_zone {
	int node;
	const char *name;
	long page_size;
	unsigned nr_orders;                    /* buddyinfo: 0 when not listed there */
	uint64_t free_blocks[MS_ORDERS_MAX];   /* buddyinfo */
	int64_t count[MS_ZONE_COUNT_MAX];      /* zoneinfo, pages; -1 unknown */
	unsigned nr_types;                     /* pagetypeinfo */
	const char *type[MS_TYPES_MAX];
	uint64_t type_free[MS_TYPES_MAX][MS_ORDERS_MAX];
};

struct ms_slab_cache {
	const char *name;
	uint64_t active, objects, object_size, per_slab, pages_per_slab;
	uint64_t active_slabs, slabs;
	uint64_t bytes;                        /* slabs x pages per slab x page size */
};

struct ms_vm_sum {
	uint64_t areas, bytes, ram;            /* ram: pages= x page size */
};

struct ms_vm_caller {
	const char *name;
	struct ms_vm_sum s;
};

struct ms_part {
	const char *name, *label, *source;     /* static strings */
	uint64_t bytes;
};

#define MS_PARTS_MAX 48

struct ms_kernel {
	double taken_at;
	long page_size;
	char *release;                         /* sys/kernel/osrelease; NULL unknown */
	const char *why[MS_KV_COUNT];          /* NULL: read (or not asked for) */
	int rc[MS_KV_COUNT];
	bool asked[MS_KV_COUNT];

	struct ms_meminfo_item *mem;
	size_t nr_mem, cap_mem;

	struct ms_zone *zones;                 /* buddyinfo's and zoneinfo's */
	size_t nr_zones, cap_zones;
	unsigned page_block_order;             /* pagetypeinfo; 0 unknown */

	struct ms_slab_cache *caches;
	size_t nr_caches, cap_caches;

	struct ms_vm_sum kinds[MS_VM_KIND_COUNT + 1]; /* the last: all */
	struct ms_vm_sum vpages;               /* areas whose page array is vmalloc'd */
	struct ms_vm_sum stacks;               /* kernel stacks' areas (their callers) */
	struct ms_vm_caller *callers;
	size_t nr_callers, cap_callers;

	struct ms_part parts[MS_PARTS_MAX];
	size_t nr_parts;
	uint64_t unaccounted, overcounted;

	struct ms_pool *pool;
};

/* Parsers, each of a whole file handed out line by line: 0, -EBADMSG (err
 * says which line and why) or -ENOMEM.  They add to k. */
MS_HIDDEN int ms_meminfo_parse(struct ms_lines *lr, struct ms_kernel *k, char *err,
			       size_t errlen);
MS_HIDDEN int ms_buddyinfo_parse(struct ms_lines *lr, struct ms_kernel *k, char *err,
				 size_t errlen);
MS_HIDDEN int ms_zoneinfo_parse(struct ms_lines *lr, struct ms_kernel *k, char *err,
				size_t errlen);
MS_HIDDEN int ms_pagetypeinfo_parse(struct ms_lines *lr, struct ms_kernel *k, char *err,
				    size_t errlen);
MS_HIDDEN int ms_slabinfo_parse(struct ms_lines *lr, struct ms_kernel *k, char *err,
				size_t errlen);
MS_HIDDEN int ms_vmallocinfo_parse(struct ms_lines *lr, struct ms_kernel *k, char *err,
				   size_t errlen);

/* Says that line lr->lineno of file does not parse; -EBADMSG. */
MS_HIDDEN int ms_kbad(struct ms_lines *lr, const char *file, char *err, size_t errlen);
/* w[0..len) is the word s */
MS_HIDDEN bool ms_word_is(const char *w, size_t len, const char *s);

/* Room in *v (an array of *cap items of size bytes) for item n: the
 * array doubled (first items at first) when full; 0 or -ENOMEM. */
MS_HIDDEN int ms_kgrow(void *v, size_t *cap, size_t n, size_t size, size_t first);

/* A kernel with nothing read yet, for the parsers; NULL when out of memory. */
MS_HIDDEN struct ms_kernel *ms_kernel_new(long page_size);
/* The zone (node, name), added when it is not there yet; NULL when out of memory. */
MS_HIDDEN struct ms_zone *ms_kernel_zone_get(struct ms_kernel *k, int node, const char *name,
					     size_t len);
/* meminfo's key in bytes (or count); false when absent. */
MS_HIDDEN bool ms_mem(const struct ms_kernel *k, const char *key, uint64_t *v);
/* Splits MemTotal (ledger.c); -EBADMSG when meminfo has no MemTotal. */
MS_HIDDEN int ms_ledger_build(struct ms_kernel *k);

#endif
