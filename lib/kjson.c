/*
 * kjson.c - the kernel document, memscope-kernel/1 (docs/kernel.md,
 * docs/kernel.schema.json).  A view that could not be read is null, and
 * "errors" says why; every size is in bytes, every count a count.
 */
#include "kernel.h"
#include "jsonw.h"

#include <math.h>

static void meminfo(struct jw *w, const struct ms_kernel *k)
{
	jw_open(w, "meminfo", '{');
	for (size_t i = 0; i < k->nr_mem; i++) {
		jw_name(w, k->mem[i].key);
		jw_u64(w, NULL, k->mem[i].v);
	}
	jw_close(w, '}');
}

static void errors(struct jw *w, const struct ms_kernel *k)
{
	static const char *const names[MS_KV_COUNT] = { "meminfo",	"buddyinfo", "zoneinfo",
							"pagetypeinfo", "slabinfo",  "vmallocinfo" };

	jw_open(w, "errors", '{');
	for (int v = 0; v < MS_KV_COUNT; v++)
		if (k->why[v])
			jw_str(w, names[v], k->why[v]);
	jw_close(w, '}');
}

static void ledger(struct jw *w, const struct ms_kernel *k)
{
	jw_open(w, "ledger", '[');
	for (size_t i = 0; i < k->nr_parts; i++) {
		jw_open(w, NULL, '{');
		jw_str(w, "name", k->parts[i].name);
		jw_str(w, "label", k->parts[i].label);
		jw_u64(w, "bytes", k->parts[i].bytes);
		jw_str(w, "source", k->parts[i].source);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_u64(w, "unaccounted", k->unaccounted);
	jw_u64(w, "overcounted", k->overcounted);
}

static void pages(struct jw *w, const char *key, const struct ms_zone *z, enum ms_zone_count c)
{
	jw_count(w, key, z->count[c] < 0 ? -1 : z->count[c] * z->page_size);
}

static void zone(struct jw *w, const struct ms_zone *z)
{
	unsigned largest = 0;
	bool any = false;

	jw_open(w, NULL, '{');
	jw_u64(w, "node", (uint64_t)z->node);
	jw_str(w, "zone", z->name);
	jw_open(w, "free_blocks", '[');
	for (unsigned o = 0; o < z->nr_orders; o++) {
		jw_u64(w, NULL, z->free_blocks[o]);
		if (z->free_blocks[o])
			largest = o, any = true;
	}
	jw_close(w, ']');
	jw_u64(w, "free_bytes", ms_zone_free_bytes(z));
	jw_count(w, "largest_order", any ? (int64_t)largest : -1);
	jw_open(w, "unusable", '[');
	for (unsigned o = 0; o < z->nr_orders; o++)
		jw_double(w, NULL, round(ms_zone_unusable(z, o) * 1e4) / 1e4);
	jw_close(w, ']');
	pages(w, "managed_bytes", z, MS_ZONE_MANAGED);
	pages(w, "present_bytes", z, MS_ZONE_PRESENT);
	pages(w, "spanned_bytes", z, MS_ZONE_SPANNED);
	pages(w, "pcp_bytes", z, MS_ZONE_PCP);
	jw_open(w, "watermarks", '{');
	pages(w, "min", z, MS_ZONE_MIN);
	pages(w, "low", z, MS_ZONE_LOW);
	pages(w, "high", z, MS_ZONE_HIGH);
	jw_close(w, '}');
	jw_close(w, '}');
}

static void buddy(struct jw *w, const struct ms_kernel *k)
{
	if (k->why[MS_KV_BUDDYINFO]) {
		jw_raw(w, "buddy", "null");
		return;
	}
	jw_open(w, "buddy", '[');
	for (size_t i = 0; i < k->nr_zones; i++)
		if (k->zones[i].nr_orders)
			zone(w, &k->zones[i]);
	jw_close(w, ']');
}

/* With MS_KERNEL_PAGETYPES: each zone's free blocks per migrate type. */
static void pagetypes(struct jw *w, const struct ms_kernel *k)
{
	if (!k->asked[MS_KV_PAGETYPEINFO] || k->why[MS_KV_PAGETYPEINFO]) {
		jw_raw(w, "pagetypes", "null");
		return;
	}
	jw_open(w, "pagetypes", '{');
	jw_u64(w, "page_block_order", k->page_block_order);
	jw_open(w, "zones", '[');
	for (size_t i = 0; i < k->nr_zones; i++) {
		const struct ms_zone *z = &k->zones[i];

		if (!z->nr_types)
			continue;
		jw_open(w, NULL, '{');
		jw_u64(w, "node", (uint64_t)z->node);
		jw_str(w, "zone", z->name);
		jw_open(w, "free_blocks", '{');
		for (unsigned t = 0; t < z->nr_types; t++) {
			jw_name(w, z->type[t]);
			jw_open(w, NULL, '[');
			for (unsigned o = 0; o < z->nr_orders && o < MS_ORDERS_MAX; o++)
				jw_u64(w, NULL, z->type_free[t][o]);
			jw_close(w, ']');
		}
		jw_close(w, '}');
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_close(w, '}');
}

static void slab(struct jw *w, const struct ms_kernel *k)
{
	uint64_t total = 0, v;

	if (!jw_object_or_null(w, "slab", k->why[MS_KV_SLABINFO] ? NULL : k))
		return;
	for (size_t i = 0; i < k->nr_caches; i++)
		total += k->caches[i].bytes;
	jw_u64(w, "total_bytes", total);
	jw_count(w, "reclaimable_bytes", ms_mem(k, "SReclaimable", &v) ? (int64_t)v : -1);
	jw_count(w, "unreclaimable_bytes", ms_mem(k, "SUnreclaim", &v) ? (int64_t)v : -1);
	jw_open(w, "caches", '[');
	for (size_t i = 0; i < k->nr_caches; i++) {
		const struct ms_slab_cache *c = &k->caches[i];

		jw_open(w, NULL, '{');
		jw_str(w, "name", c->name);
		jw_u64(w, "objects", c->objects);
		jw_u64(w, "active_objects", c->active);
		jw_u64(w, "object_size", c->object_size);
		jw_u64(w, "objects_per_slab", c->per_slab);
		jw_u64(w, "pages_per_slab", c->pages_per_slab);
		jw_u64(w, "slabs", c->slabs);
		jw_u64(w, "active_slabs", c->active_slabs);
		jw_u64(w, "bytes", c->bytes);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_close(w, '}');
}

static void vm_keys(struct jw *w, const struct ms_vm_sum *s)
{
	jw_u64(w, "areas", s->areas);
	jw_u64(w, "bytes", s->bytes);
	jw_u64(w, "ram_bytes", s->ram);
}

static void vm_sum(struct jw *w, const char *key, const struct ms_vm_sum *s)
{
	jw_open(w, key, '{');
	vm_keys(w, s);
	jw_close(w, '}');
}

static void vmalloc(struct jw *w, const struct ms_kernel *k)
{
	const struct ms_vm_sum *all = &k->kinds[MS_VM_KIND_COUNT];

	if (!jw_object_or_null(w, "vmalloc",
			       k->why[MS_KV_VMALLOCINFO] || !k->asked[MS_KV_VMALLOCINFO] ? NULL : k))
		return;
	jw_u64(w, "total_bytes", all->ram);
	jw_u64(w, "address_bytes", all->bytes);
	jw_u64(w, "areas", all->areas);
	jw_open(w, "by_kind", '{');
	for (int i = 0; i < MS_VM_KIND_COUNT; i++)
		vm_sum(w, ms_vmalloc_kind_name(i), &k->kinds[i]);
	jw_close(w, '}');
	vm_sum(w, "vpages", &k->vpages);
	vm_sum(w, "kernel_stacks", &k->stacks);
	jw_open(w, "by_caller", '[');
	for (size_t i = 0; i < k->nr_callers; i++) {
		const struct ms_vm_caller *c = &k->callers[i];

		jw_open(w, NULL, '{');
		jw_str(w, "caller", c->name);
		vm_keys(w, &c->s);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_close(w, '}');
}

char *ms_kernel_to_json(const struct ms_kernel *k, unsigned flags)
{
	struct jw w = { .pretty = flags & MS_JSON_PRETTY };
	uint64_t total = 0;

	jw_open(&w, NULL, '{');
	jw_str(&w, "schema", MS_KERNEL_SCHEMA);
	jw_double(&w, "taken_at", k->taken_at);
	jw_str(&w, "kernel", k->release);
	jw_u64(&w, "page_size", (uint64_t)k->page_size);
	ms_mem(k, "MemTotal", &total);
	jw_u64(&w, "mem_total", total);
	ledger(&w, k);
	errors(&w, k);
	meminfo(&w, k);
	buddy(&w, k);
	pagetypes(&w, k);
	slab(&w, k);
	vmalloc(&w, k);
	jw_close(&w, '}');
	return jw_finish(&w);
}
