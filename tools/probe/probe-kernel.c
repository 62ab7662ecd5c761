/*
 * probe-kernel.c - what a kernel scenario's step did to the machine, from
 * the kernel's views (ms_kernel_take(), docs/kernel.md): huge pages in use,
 * the buddy allocator's free blocks per order, the free pages waiting on
 * the per-CPU lists (where a freed huge page may wait too, and be taken
 * again without the buddy's counts moving), slab and vmalloc in total,
 * and the slab caches and vmalloc callers that moved most since the step
 * before.  The views are the whole machine's: other programs move them too,
 * which is why the moves are listed by name, largest first.
 */
#include "probe-step.h"
#include "common.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define MOVES 3 /* caches and callers listed a step */

struct move {
	const char *name;
	uint64_t now;  /* active objects, or bytes of RAM */
	int64_t change; /* since the step before */
};

static uint64_t mem(const struct ms_kernel *k, const char *key)
{
	uint64_t v = 0;

	ms_kernel_meminfo(k, key, &v);
	return v;
}

/* Free blocks of each order, summed over the zones; the number of orders. */
static unsigned free_blocks(const struct ms_kernel *k, uint64_t *blocks)
{
	unsigned orders = 0;

	memset(blocks, 0, 16 * sizeof(*blocks));
	for (size_t i = 0; i < ms_kernel_nr_zones(k); i++) {
		const struct ms_zone *z = ms_kernel_zone(k, i);

		for (unsigned o = 0; o < ms_zone_nr_orders(z) && o < 16; o++)
			blocks[o] += ms_zone_free_blocks(z, o);
		if (ms_zone_nr_orders(z) > orders)
			orders = ms_zone_nr_orders(z) < 16 ? ms_zone_nr_orders(z) : 16;
	}
	return orders;
}

static void keep(struct move *top, const struct move *m)
{
	int at = MOVES;

	if (m->change == 0)
		return;
	while (at > 0 && (!top[at - 1].name || llabs(top[at - 1].change) < llabs(m->change)))
		at--;
	if (at == MOVES)
		return;
	memmove(&top[at + 1], &top[at], sizeof(*top) * (size_t)(MOVES - 1 - at));
	top[at] = *m;
}

/* The slab caches whose active objects moved most; false when unknown. */
static bool slab_moves(const struct ms_kernel *k, const struct ms_kernel *prev, struct move *top)
{
	memset(top, 0, sizeof(*top) * MOVES);
	if (ms_kernel_error(k, MS_KV_SLABINFO, NULL) || !prev ||
	    ms_kernel_error(prev, MS_KV_SLABINFO, NULL))
		return !ms_kernel_error(k, MS_KV_SLABINFO, NULL);
	for (size_t i = 0; i < ms_kernel_nr_caches(k); i++) {
		const struct ms_slab_cache *c = ms_kernel_cache(k, i);
		struct move m = { ms_cache_name(c), ms_cache_active_objects(c), 0 };

		for (size_t j = 0; j < ms_kernel_nr_caches(prev); j++)
			if (!strcmp(ms_cache_name(ms_kernel_cache(prev, j)), m.name))
				m.change = (int64_t)m.now -
					   (int64_t)ms_cache_active_objects(ms_kernel_cache(prev, j));
		keep(top, &m);
	}
	return true;
}

/* The vmalloc callers whose RAM moved most; a caller gone counts as 0. */
static bool vmalloc_moves(const struct ms_kernel *k, const struct ms_kernel *prev,
			  struct move *top)
{
	uint64_t ram;

	memset(top, 0, sizeof(*top) * MOVES);
	if (!ms_kernel_vmalloc(k, MS_VM_KIND_COUNT, NULL, NULL, NULL))
		return false;
	if (!prev || !ms_kernel_vmalloc(prev, MS_VM_KIND_COUNT, NULL, NULL, NULL))
		return true;
	for (int side = 0; side < 2; side++) {
		const struct ms_kernel *a = side ? prev : k, *b = side ? k : prev;

		for (size_t i = 0; i < ms_kernel_nr_callers(a); i++) {
			struct move m = { ms_kernel_caller(a, i, NULL, NULL, &ram), 0, 0 };
			uint64_t other = 0, r;
			bool found = false;

			for (size_t j = 0; j < ms_kernel_nr_callers(b) && !found; j++)
				if (!strcmp(ms_kernel_caller(b, j, NULL, NULL, &r), m.name))
					other = r, found = true;
			if (side && found)
				continue; /* seen from k's side */
			m.now = side ? 0 : ram;
			m.change = side ? -(int64_t)ram : (int64_t)ram - (int64_t)other;
			keep(top, &m);
		}
	}
	return true;
}

/* the order of a 2 MiB block: a transparent huge page's */
static unsigned huge_order(const struct ms_kernel *k)
{
	unsigned o = 0;

	while (((uint64_t)ms_kernel_page_size(k) << o) < (2u << 20))
		o++;
	return o;
}

/* bytes free in blocks of 2 MiB or more */
static uint64_t free_huge(const struct ms_kernel *k)
{
	uint64_t blocks[16], bytes = 0;
	unsigned orders = free_blocks(k, blocks);

	for (unsigned o = huge_order(k); o < orders; o++)
		bytes += blocks[o] << o;
	return bytes * (uint64_t)ms_kernel_page_size(k);
}

/* bytes free on the per-CPU lists: the ledger's part (zoneinfo's
 * pagesets); false if unknown */
static bool free_pcp(const struct ms_kernel *k, uint64_t *bytes)
{
	for (size_t i = 0; i < ms_kernel_nr_parts(k); i++)
		if (strcmp(ms_kernel_part(k, i, bytes, NULL, NULL), "free_pcp") == 0)
			return true;
	return false;
}

static void moves_json(struct jw *w, const char *key, const char *name_key, bool known,
		       const struct move *top)
{
	if (!known) {
		jw_raw(w, key, "null");
		return;
	}
	jw_open(w, key, '[');
	for (int i = 0; i < MOVES && top[i].name; i++) {
		jw_open(w, NULL, '{');
		jw_str(w, name_key, top[i].name);
		jw_u64(w, "now", top[i].now);
		jw_i64(w, "change", top[i].change);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

void probe_kernel_json(struct jw *w, const struct probe_view *v)
{
	const struct ms_kernel *k = v->kernel;
	struct move top[MOVES];
	uint64_t blocks[16], ram, pcp;
	unsigned orders;

	if (!k) {
		jw_raw(w, "kernel", "null");
		return;
	}
	jw_open(w, "kernel", '{');
	jw_u64(w, "anon_huge", mem(k, "AnonHugePages"));
	jw_u64(w, "free_huge", free_huge(k));
	orders = free_blocks(k, blocks);
	jw_open(w, "free_blocks", '[');
	for (unsigned o = 0; o < orders; o++)
		jw_u64(w, NULL, blocks[o]);
	jw_close(w, ']');
	if (free_pcp(k, &pcp))
		jw_u64(w, "free_pcp", pcp);
	else
		jw_raw(w, "free_pcp", "null");
	jw_u64(w, "slab", mem(k, "Slab"));
	if (ms_kernel_vmalloc(k, MS_VM_KIND_COUNT, NULL, NULL, &ram))
		jw_u64(w, "vmalloc", ram);
	else
		jw_raw(w, "vmalloc", "null");
	moves_json(w, "slab_moves", "cache", slab_moves(k, v->prev_kernel, top), top);
	moves_json(w, "vmalloc_moves", "caller", vmalloc_moves(k, v->prev_kernel, top), top);
	jw_close(w, '}');
}

static void moves_human(FILE *out, const struct move *top, bool bytes)
{
	char buf[24], *copy = NULL;

	for (int i = 0; i < MOVES && top[i].name; i++) {
		fprintf(out, "%s %s ", i ? "," : ":", safe_name(top[i].name, &copy));
		free(copy);
		copy = NULL;
		if (bytes)
			fputs(probe_delta(buf, top[i].now, top[i].now - (uint64_t)top[i].change), out);
		else
			fprintf(out, "%+" PRId64, top[i].change);
	}
}

/* " | THP 64M (+64M) | free in blocks of 2M+ 4.8G (-64M) | per-CPU lists
 * 420M (+0) | slab ... | vmalloc ..." */
void probe_kernel_human(FILE *out, const struct probe_view *v)
{
	const struct ms_kernel *k = v->kernel, *p = v->prev_kernel ? v->prev_kernel : v->kernel;
	struct move top[MOVES];
	char a[16], b[24];
	uint64_t ram, was;

	if (!k)
		return;
	fprintf(out, " | THP %s (%s)", human_size(a, sizeof(a), mem(k, "AnonHugePages")),
		probe_delta(b, mem(k, "AnonHugePages"), mem(p, "AnonHugePages")));
	fprintf(out, " | free in blocks of 2M+ %s (%s)", human_size(a, sizeof(a), free_huge(k)),
		probe_delta(b, free_huge(k), free_huge(p)));
	if (free_pcp(k, &ram) && free_pcp(p, &was))
		fprintf(out, " | per-CPU lists %s (%s)", human_size(a, sizeof(a), ram),
			probe_delta(b, ram, was));
	fprintf(out, " | slab %s (%s)", human_size(a, sizeof(a), mem(k, "Slab")),
		probe_delta(b, mem(k, "Slab"), mem(p, "Slab")));
	if (slab_moves(k, v->prev_kernel, top))
		moves_human(out, top, false);
	if (ms_kernel_vmalloc(k, MS_VM_KIND_COUNT, NULL, NULL, &ram) &&
	    ms_kernel_vmalloc(p, MS_VM_KIND_COUNT, NULL, NULL, &was)) {
		fprintf(out, " | vmalloc %s (%s)", human_size(a, sizeof(a), ram),
			probe_delta(b, ram, was));
		vmalloc_moves(k, v->prev_kernel, top);
		moves_human(out, top, true);
	}
}
