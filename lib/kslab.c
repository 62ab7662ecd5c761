/*
 * kslab.c - slabinfo (mm/slab_common.c, version 2.1) and vmallocinfo
 * (mm/vmalloc.c, vmalloc_info_show()).  Both are root's alone; both are
 * hostile input like any other /proc file.  vmallocinfo is summed as it
 * streams past, by kind and by caller, so memory grows with the callers,
 * not with the areas.
 */
#include "kernel.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* n numbers after blanks */
static bool decs(const char **p, const char *end, uint64_t *v, int n)
{
	for (int i = 0; i < n; i++) {
		ms_scan_blanks(p, end);
		if (!ms_scan_dec(p, end, &v[i]) || v[i] > UINT32_MAX)
			return false;
	}
	return true;
}

/* ": tunables" or ": slabdata" */
static bool section(const char **p, const char *end, const char *name)
{
	const char *w;
	size_t wl;

	return ms_scan_word(p, end, &w, &wl) && ms_word_is(w, wl, ":") &&
	       ms_scan_word(p, end, &w, &wl) && ms_word_is(w, wl, name);
}

static int add_cache(struct ms_kernel *k, const char *name, size_t nlen, const uint64_t *v)
{
	struct ms_slab_cache *c;

	if (ms_kgrow(&k->caches, &k->cap_caches, k->nr_caches, sizeof(*k->caches), 128) < 0)
		return -ENOMEM;
	c = &k->caches[k->nr_caches];
	*c = (struct ms_slab_cache){ .active = v[0], .objects = v[1], .object_size = v[2],
				     .per_slab = v[3], .pages_per_slab = v[4],
				     .active_slabs = v[8], .slabs = v[9] };
	c->bytes = c->slabs * c->pages_per_slab * (uint64_t)k->page_size;
	c->name = ms_pool_strndup(k->pool, name, nlen);
	if (!c->name)
		return -ENOMEM;
	k->nr_caches++;
	return 0;
}

/* "name active num objsize perslab pagesperslab : tunables l b s : slabdata as ns sa" */
static int cache_line(struct ms_kernel *k, const char *p, const char *end)
{
	const char *name;
	size_t nlen;
	uint64_t v[11];

	if (!ms_scan_word(&p, end, &name, &nlen) || nlen > 64 || !decs(&p, end, v, 5) ||
	    !section(&p, end, "tunables") || !decs(&p, end, v + 5, 3) ||
	    !section(&p, end, "slabdata") || !decs(&p, end, v + 8, 3))
		return -EBADMSG;
	ms_scan_blanks(&p, end);
	if (p != end || v[0] > v[1] || v[8] > v[9])
		return -EBADMSG;
	return add_cache(k, name, nlen, v);
}

int ms_slabinfo_parse(struct ms_lines *lr, struct ms_kernel *k, char *err, size_t errlen)
{
	static const char head[] = "slabinfo - version: 2.";
	const char *line;
	size_t len;
	int rc = ms_lines_next(lr, &line, &len);

	if (rc == 0 || (rc > 0 && (len < sizeof(head) - 1 || memcmp(line, head, sizeof(head) - 1))))
		return ms_fail(err, errlen, -EBADMSG, "slabinfo: not version 2.x");
	while (rc > 0 && (rc = ms_lines_next(lr, &line, &len)) > 0) {
		int crc = len && line[0] == '#' ? 0 : cache_line(k, line, line + len);

		if (crc == -EBADMSG)
			return ms_kbad(lr, "slabinfo", err, errlen);
		if (crc < 0)
			return crc;
	}
	return rc;
}

/* ---- vmallocinfo ---- */

/* The callers by name, found through a table of indexes + 1 (0: empty). */
struct callers {
	size_t *slot;
	size_t nr_slots; /* a power of two, over twice the callers */
};

static uint64_t hash(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	while (len--)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static int grow(struct callers *t, struct ms_kernel *k)
{
	size_t n = t->nr_slots ? t->nr_slots * 2 : 256;
	size_t *slot = calloc(n, sizeof(*slot));

	if (!slot)
		return -ENOMEM;
	for (size_t i = 0; i < k->nr_callers; i++) {
		const char *name = k->callers[i].name;
		size_t h = (size_t)hash(name, strlen(name));

		while (slot[h & (n - 1)])
			h++;
		slot[h & (n - 1)] = i + 1;
	}
	free(t->slot);
	t->slot = slot;
	t->nr_slots = n;
	return 0;
}

static struct ms_vm_caller *caller(struct callers *t, struct ms_kernel *k, const char *name,
				   size_t len)
{
	size_t h, i;

	if ((k->nr_callers + 1) * 2 > t->nr_slots && grow(t, k) < 0)
		return NULL;
	for (h = (size_t)hash(name, len);; h++) {
		i = t->slot[h & (t->nr_slots - 1)];
		if (!i)
			break;
		if (strncmp(k->callers[i - 1].name, name, len) == 0 && !k->callers[i - 1].name[len])
			return &k->callers[i - 1];
	}
	if (ms_kgrow(&k->callers, &k->cap_callers, k->nr_callers, sizeof(*k->callers), 64) < 0)
		return NULL;
	k->callers[k->nr_callers] = (struct ms_vm_caller){ .name = ms_pool_strndup(k->pool, name, len) };
	if (!k->callers[k->nr_callers].name)
		return NULL;
	t->slot[h & (t->nr_slots - 1)] = ++k->nr_callers;
	return &k->callers[k->nr_callers - 1];
}

static void add_sum(struct ms_vm_sum *s, uint64_t bytes, uint64_t ram)
{
	s->areas++;
	s->bytes += bytes;
	s->ram += ram;
}

/* The functions that allocate a task's stack (CONFIG_VMAP_STACK), as %pS
 * names the caller: after inlining, any of these. */
static bool stack_caller(const char *w, size_t len)
{
	static const char *const names[] = { "alloc_thread_stack_node", "dup_task_struct",
					     "copy_process", "kernel_clone", "fork_idle" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (ms_word_is(w, len, names[i]))
			return true;
	return false;
}

struct area {
	const char *caller;
	size_t clen;
	uint64_t pages;
	bool flag[MS_VM_KIND_COUNT], vpages, pcpu;
};

/* One word after the size: the caller, pages=N, or a flag. */
static bool area_word(struct area *a, const char *w, size_t wl, bool first)
{
	static const char *const flags[] = { [MS_VM_VMALLOC] = "vmalloc", [MS_VM_VMAP] = "vmap",
					     [MS_VM_IOREMAP] = "ioremap", [MS_VM_USER] = "user",
					     [MS_VM_MAP_RAM] = "vm_map_ram",
					     [MS_VM_UNPURGED] = "unpurged" };
	const char *p = w + 6;

	if (wl > 6 && memcmp(w, "pages=", 6) == 0)
		return ms_scan_dec(&p, w + wl, &a->pages) && p == w + wl && a->pages < 1ull << 40;
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (flags[i] && ms_word_is(w, wl, flags[i])) {
			a->flag[i] = true;
			return true;
		}
	if (ms_word_is(w, wl, "vpages"))
		a->vpages = true;
	else if (first && !memchr(w, '=', wl)) {
		const char *plus = memchr(w, '+', wl);

		a->caller = w;
		a->clen = plus ? (size_t)(plus - w) : wl;
		a->pcpu = ms_word_is(w, a->clen, "pcpu_get_vm_areas");
	}
	return true; /* phys=, N0=, sparse, dma-coherent, vm_area: not kept */
}

static enum ms_vmalloc_kind area_kind(const struct area *a)
{
	static const enum ms_vmalloc_kind order[] = { MS_VM_UNPURGED, MS_VM_MAP_RAM, MS_VM_IOREMAP,
						      MS_VM_USER, MS_VM_VMALLOC, MS_VM_VMAP };

	if (a->pcpu)
		return MS_VM_PERCPU;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (a->flag[order[i]])
			return order[i];
	return MS_VM_OTHER;
}

/* "0x...-0x...   20480 kernel_clone+0xb8/0x400 pages=4 vmalloc N0=4" */
static int area_line(struct ms_kernel *k, struct callers *t, const char *p, const char *end)
{
	struct area a = { 0 };
	const char *w;
	size_t wl;
	uint64_t start, stop, size, ram;
	enum ms_vmalloc_kind kind;

	if (!ms_scan_char(&p, end, '0') || !ms_scan_char(&p, end, 'x') ||
	    !ms_scan_hex(&p, end, &start) || !ms_scan_char(&p, end, '-') ||
	    !ms_scan_char(&p, end, '0') || !ms_scan_char(&p, end, 'x') ||
	    !ms_scan_hex(&p, end, &stop))
		return -EBADMSG;
	ms_scan_blanks(&p, end);
	if (!ms_scan_dec(&p, end, &size) || size > 1ull << 56)
		return -EBADMSG;
	for (bool first = true; ms_scan_word(&p, end, &w, &wl); first = false)
		if (!area_word(&a, w, wl, first))
			return -EBADMSG;
	kind = area_kind(&a);
	ram = kind == MS_VM_IOREMAP || kind == MS_VM_UNPURGED ? 0 : a.pages * (uint64_t)k->page_size;
	add_sum(&k->kinds[kind], size, ram);
	add_sum(&k->kinds[MS_VM_KIND_COUNT], size, ram);
	if (a.vpages)
		add_sum(&k->vpages, size, ram);
	if (a.caller && stack_caller(a.caller, a.clen))
		add_sum(&k->stacks, size, ram);
	if (a.caller) {
		struct ms_vm_caller *c = caller(t, k, a.caller, a.clen);

		if (!c)
			return -ENOMEM;
		add_sum(&c->s, size, ram);
	}
	return 0;
}

int ms_vmallocinfo_parse(struct ms_lines *lr, struct ms_kernel *k, char *err, size_t errlen)
{
	struct callers t = { 0 };
	const char *line;
	size_t len;
	int rc;

	while ((rc = ms_lines_next(lr, &line, &len)) > 0) {
		rc = area_line(k, &t, line, line + len);
		if (rc < 0)
			break;
	}
	free(t.slot);
	return rc == -EBADMSG ? ms_kbad(lr, "vmallocinfo", err, errlen) : rc;
}
