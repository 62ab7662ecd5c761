/*
 * kaccess.c - the kernel's views handed out to callers (memscope.h), so
 * that no caller depends on how struct ms_kernel is laid out.
 */
#include "kernel.h"

#include <string.h>

const char *ms_kernel_error(const struct ms_kernel *k, enum ms_kernel_view v, int *errnum)
{
	bool known = (unsigned)v < MS_KV_COUNT;

	if (errnum)
		*errnum = known ? k->rc[v] : 0;
	return known ? k->why[v] : NULL;
}

double ms_kernel_taken_at(const struct ms_kernel *k)
{
	return k->taken_at;
}

long ms_kernel_page_size(const struct ms_kernel *k)
{
	return k->page_size;
}

bool ms_kernel_meminfo(const struct ms_kernel *k, const char *key, uint64_t *v)
{
	return ms_mem(k, key, v);
}

size_t ms_kernel_nr_meminfo(const struct ms_kernel *k)
{
	return k->nr_mem;
}

const char *ms_kernel_meminfo_at(const struct ms_kernel *k, size_t i, uint64_t *v, bool *bytes)
{
	if (i >= k->nr_mem)
		return NULL;
	if (v)
		*v = k->mem[i].v;
	if (bytes)
		*bytes = k->mem[i].kb;
	return k->mem[i].key;
}

size_t ms_kernel_nr_parts(const struct ms_kernel *k)
{
	return k->nr_parts;
}

const char *ms_kernel_part(const struct ms_kernel *k, size_t i, uint64_t *bytes,
			   const char **label, const char **source)
{
	if (i >= k->nr_parts)
		return NULL;
	if (bytes)
		*bytes = k->parts[i].bytes;
	if (label)
		*label = k->parts[i].label;
	if (source)
		*source = k->parts[i].source;
	return k->parts[i].name;
}

uint64_t ms_kernel_unaccounted(const struct ms_kernel *k)
{
	return k->unaccounted;
}

uint64_t ms_kernel_overcounted(const struct ms_kernel *k)
{
	return k->overcounted;
}

size_t ms_kernel_nr_zones(const struct ms_kernel *k)
{
	return k->nr_zones;
}

const struct ms_zone *ms_kernel_zone(const struct ms_kernel *k, size_t i)
{
	return i < k->nr_zones ? &k->zones[i] : NULL;
}

int ms_zone_node(const struct ms_zone *z)
{
	return z->node;
}

const char *ms_zone_name(const struct ms_zone *z)
{
	return z->name;
}

unsigned ms_zone_nr_orders(const struct ms_zone *z)
{
	return z->nr_orders;
}

uint64_t ms_zone_free_blocks(const struct ms_zone *z, unsigned order)
{
	return order < z->nr_orders ? z->free_blocks[order] : 0;
}

static uint64_t free_pages_from(const struct ms_zone *z, unsigned order)
{
	uint64_t pages = 0;

	for (unsigned o = order; o < z->nr_orders; o++)
		pages += z->free_blocks[o] << o;
	return pages;
}

uint64_t ms_zone_free_bytes(const struct ms_zone *z)
{
	return free_pages_from(z, 0) * (uint64_t)z->page_size;
}

double ms_zone_unusable(const struct ms_zone *z, unsigned order)
{
	uint64_t all = free_pages_from(z, 0);

	if (all == 0)
		return 0;
	return (double)(all - free_pages_from(z, order)) / (double)all;
}

int64_t ms_zone_count(const struct ms_zone *z, enum ms_zone_count c)
{
	return (unsigned)c < MS_ZONE_COUNT_MAX ? z->count[c] : -1;
}

unsigned ms_zone_nr_types(const struct ms_zone *z)
{
	return z->nr_types;
}

const char *ms_zone_type(const struct ms_zone *z, unsigned t)
{
	return t < z->nr_types ? z->type[t] : NULL;
}

uint64_t ms_zone_type_free_blocks(const struct ms_zone *z, unsigned t, unsigned order)
{
	return t < z->nr_types && order < MS_ORDERS_MAX ? z->type_free[t][order] : 0;
}

size_t ms_kernel_nr_caches(const struct ms_kernel *k)
{
	return k->nr_caches;
}

const struct ms_slab_cache *ms_kernel_cache(const struct ms_kernel *k, size_t i)
{
	return i < k->nr_caches ? &k->caches[i] : NULL;
}

const char *ms_cache_name(const struct ms_slab_cache *c)
{
	return c->name;
}

uint64_t ms_cache_objects(const struct ms_slab_cache *c)
{
	return c->objects;
}

uint64_t ms_cache_active_objects(const struct ms_slab_cache *c)
{
	return c->active;
}

uint64_t ms_cache_object_size(const struct ms_slab_cache *c)
{
	return c->object_size;
}

uint64_t ms_cache_bytes(const struct ms_slab_cache *c)
{
	return c->bytes;
}

bool ms_kernel_vmalloc(const struct ms_kernel *k, enum ms_vmalloc_kind kind, uint64_t *areas,
		       uint64_t *bytes, uint64_t *ram)
{
	const struct ms_vm_sum *s;

	if ((unsigned)kind > MS_VM_KIND_COUNT || !k->asked[MS_KV_VMALLOCINFO] ||
	    k->why[MS_KV_VMALLOCINFO])
		return false;
	s = &k->kinds[kind];
	if (areas)
		*areas = s->areas;
	if (bytes)
		*bytes = s->bytes;
	if (ram)
		*ram = s->ram;
	return true;
}

const char *ms_vmalloc_kind_name(enum ms_vmalloc_kind kind)
{
	static const char *const names[MS_VM_KIND_COUNT + 1] = {
		"vmalloc", "vmap", "ioremap", "user", "percpu", "vm_map_ram", "unpurged", "other",
		"all"
	};

	return (unsigned)kind <= MS_VM_KIND_COUNT ? names[kind] : NULL;
}

size_t ms_kernel_nr_callers(const struct ms_kernel *k)
{
	return k->nr_callers;
}

const char *ms_kernel_caller(const struct ms_kernel *k, size_t i, uint64_t *areas,
			     uint64_t *bytes, uint64_t *ram)
{
	if (i >= k->nr_callers)
		return NULL;
	if (areas)
		*areas = k->callers[i].s.areas;
	if (bytes)
		*bytes = k->callers[i].s.bytes;
	if (ram)
		*ram = k->callers[i].s.ram;
	return k->callers[i].name;
}
